#!/usr/bin/env bash
# The load test in one command, on loopback only; it stops by itself.
#
#   loadtest/run.sh            short run (under 3 minutes once built): 200,000 persons, 85 s of Gatling
#   loadtest/run.sh peak       full run: 1,000,000 persons, 8 minutes of Gatling
#   loadtest/run.sh soak       30 minutes at a steady rate (SOAK_MINUTES=...)
#
# Environment (all optional): PERSONS, JOURNEYS (journeys/s at the hold), LOOKUP_FAMILIES (families/s
# checking what they owe), SPIKE (midnight factor), P99_MS, MAX_ERROR_PERCENT, SOAK_MINUTES, BUILD=0 to
# skip the Maven build, KEEP_DATA=1 to keep the run's database, FAULTS (the sandbox's misbehaviour, JSON as
# POST /sandbox/faults takes; by default every notification is delivered twice, newest first, 200 ms late).
#
# It builds, generates the population, imports it through `gateway.jar roster import`, starts a gateway
# with its channel sandbox on an embedded PostgreSQL, measures the baselines (the lookup SQL through
# pgbench on the same database, a trivial Vert.x endpoint and the gateway's lookups through wrk, RSA-2048
# through JMH), runs the Gatling simulation, checks that no payment the sandbox confirmed is missing from
# the database, and prints the summary. Exit status: 0 only if the Gatling assertions held and no payment
# was lost.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-short}
case "$profile" in
  short) persons=${PERSONS:-200000} ;;
  peak|soak) persons=${PERSONS:-1000000} ;;
  *) echo "usage: loadtest/run.sh [short|peak|soak]" >&2; exit 2 ;;
esac
started=$(date +%s)
out=loadtest/target/runs/$(date +%Y%m%d-%H%M%S)-$profile
mkdir -p "$out"
out=$(cd "$out" && pwd)
gw_port=18080 sandbox_port=18090 trivial_port=18280

for tool in wrk pgbench; do
  if ! command -v $tool >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing $tool (Debian's package)"
      pkg=$tool; [ $tool = pgbench ] && pkg=postgresql-client
      apt-get install -y -qq $pkg >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq $pkg >/dev/null; }
    else
      echo "loadtest: $tool is needed (apt-get install wrk postgresql-client)" >&2; exit 2
    fi
  fi
done

# absolute: Maven 3.8 resolves a relative output file against the module, not the folder it was started in
classpath_file=$PWD/loadtest/target/classpath.txt
if [ "${BUILD:-1}" != 0 ]; then
  echo "== build"
  mvn -q -B -DskipTests install
  mvn -q -B -pl loadtest dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test
fi
cp="$PWD/loadtest/target/classes:$PWD/loadtest/target/test-classes:$(cat "$classpath_file")"

pop=loadtest/target/population-$persons
if [ ! -f "$pop/residents.csv" ]; then
  java -cp "$cp" cn.liangxian.loadtest.Population "$persons" "$pop" | tee "$out/population.txt"
else
  echo "population: reusing $pop"
fi

export GATEWAY_DATA_DIR=$out/data GATEWAY_PORT=$gw_port GATEWAY_SANDBOX_PORT=$sandbox_port GATEWAY_DEMO_ROSTER=false \
  GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000 GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000 \
  GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000 GATEWAY_DB_POOL_SIZE=${GATEWAY_DB_POOL_SIZE:-16}
echo "== import $persons persons through gateway.jar roster import"
java -Xmx6g -jar gateway/target/gateway.jar roster import "$pop/village-roster.csv" "$pop/department-lists.csv" \
  > "$out/import.txt" 2>&1
grep -v -e '^{' -e '^  line' "$out/import.txt"

pids=()
cleanup() { # stop what was started; the database goes too (KEEP_DATA=1 keeps it), the reports stay
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$out/data" "$out/bodies.txt"
}
trap cleanup EXIT
java -Xmx4g -jar gateway/target/gateway.jar > "$out/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 90); do curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null || { echo "the gateway did not start; see $out/gateway.log" >&2; exit 1; }
pgport=$(grep -oP 'started on port \K[0-9]+' "$out/gateway.log" | head -1)
# the embedded PostgreSQL asks for the password it generated into the key directory
export PGPASSWORD=$(cat "$GATEWAY_DATA_DIR/keys/postgres.password")
jdbc="jdbc:postgresql://localhost:$pgport/postgres?user=postgres&password=$PGPASSWORD"
base=$out/baselines.properties
: > "$base"
echo "profile=$profile" >> "$base"
# the channels' own misbehaviour during the run: every notification delivered twice, newest first, late
faults=${FAULTS:-'{"duplicates":1,"reorder":true,"notifyDelayMs":200}'}
curl -sf -X POST "http://127.0.0.1:$sandbox_port/sandbox/faults" -H 'Content-Type: application/json' -d "$faults"
echo "faults=$faults" >> "$base"
echo "persons=$persons" >> "$base"
echo "cores=$(nproc)" >> "$base"

# the lookup's keys for pgbench, and bodies for wrk, from the same residents
psql -q -h localhost -p "$pgport" -U postgres -f loadtest/bench/keys.sql postgres
rows=$(psql -h localhost -p "$pgport" -U postgres -Atc "select count(*) from bench_keys" postgres)
awk -F, 'NR > 1 { printf "{\"idNumber\":\"%s\",\"name\":\"%s\"}\n", $1, $2 }' "$pop/residents.csv" > "$out/bodies.txt"

seconds=${BASELINE_SECONDS:-8}
echo "== baseline: the lookup SQL through pgbench (16 clients, ${seconds}s)"
pgbench -h localhost -p "$pgport" -U postgres -n -M prepared -c 16 -j 2 -T "$seconds" -D rows="$rows" \
  -f loadtest/bench/lookup.pgbench.sql postgres > "$out/pgbench.txt" 2>&1
grep -E '^tps' "$out/pgbench.txt" | head -1
awk '/^tps/ { printf "pgbench.tps=%s\n", $3; exit }' "$out/pgbench.txt" >> "$base"
awk '/latency average/ { printf "pgbench.latencyMs=%s\n", $4 }' "$out/pgbench.txt" >> "$base"

wrk_to() { # name url [script]: 64 connections, latency percentiles into the baselines
  local name=$1 url=$2 script=${3:-}
  BODIES=$out/bodies.txt wrk -t2 -c64 -d"${seconds}s" --latency ${script:+-s "$script"} "$url" > "$out/wrk-$name.txt"
  awk -v n="$name" '/Requests\/sec/ { printf "wrk.%s.rps=%s\n", n, $2 }
    / 50% / { printf "wrk.%s.p50=%s\n", n, $2 } / 90% / { printf "wrk.%s.p90=%s\n", n, $2 } / 99% / { printf "wrk.%s.p99=%s\n", n, $2 }
    /Non-2xx/ { printf "wrk.%s.non2xx=%s\n", n, $NF }' "$out/wrk-$name.txt" >> "$base"
  grep -E 'Requests/sec' "$out/wrk-$name.txt"
}
echo "== baseline: the gateway's lookups through wrk (64 connections, ${seconds}s, after a warm-up)"
BODIES=$out/bodies.txt wrk -t2 -c64 -d5s -s loadtest/bench/lookup.lua "http://127.0.0.1:$gw_port" > /dev/null
wrk_to gateway "http://127.0.0.1:$gw_port" loadtest/bench/lookup.lua

echo "== baseline: a trivial Vert.x endpoint through wrk (64 connections, ${seconds}s)"
java -cp "$cp" cn.liangxian.loadtest.TrivialServer $trivial_port > "$out/trivial.log" 2>&1 &
trivial=$!
pids+=($trivial)
for _ in $(seq 30); do curl -sf "http://127.0.0.1:$trivial_port/" >/dev/null && break; sleep 0.5; done
wrk -t2 -c64 -d3s "http://127.0.0.1:$trivial_port/" > /dev/null # warm-up
wrk_to trivial "http://127.0.0.1:$trivial_port/"
kill $trivial; wait $trivial 2>/dev/null || true

echo "== baseline: RSA-2048 signing and verifying through JMH (one thread)"
java -cp "$cp" org.openjdk.jmh.Main RsaSignBenchmark -f 1 -wi 1 -w 2s -i 2 -r 3s -t 1 -rf json -rff "$out/jmh.json" \
  > "$out/jmh.txt" 2>&1
grep -E '^RsaSignBenchmark' "$out/jmh.txt" || tail -5 "$out/jmh.txt"

echo "== Gatling: PeakSimulation, profile $profile"
gatling_status=0
java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" \
  -Dloadtest.base="http://127.0.0.1:$gw_port" -Dloadtest.sandbox="http://127.0.0.1:$sandbox_port" \
  -Dloadtest.residents="$PWD/$pop/residents.csv" -Dloadtest.profile="$profile" \
  -Dloadtest.journeysPerSecond="${JOURNEYS:-30}" -Dloadtest.lookupFamiliesPerSecond="${LOOKUP_FAMILIES:-60}" \
  -Dloadtest.spikeFactor="${SPIKE:-2}" -Dloadtest.p99Ms="${P99_MS:-1000}" -Dloadtest.maxErrorPercent="${MAX_ERROR_PERCENT:-1}" \
  -Dloadtest.soakMinutes="${SOAK_MINUTES:-30}" \
  io.gatling.app.Gatling -s cn.liangxian.loadtest.sim.PeakSimulation -rf "$out/gatling" > "$out/gatling.txt" 2>&1 \
  || gatling_status=$?
grep -E 'Global:|assertion|Reports generated|Please open' "$out/gatling.txt" | head -8 || true
echo "gatling.status=$gatling_status" >> "$base"
echo "journeys.perSecond=${JOURNEYS:-30}" >> "$base"
echo "lookupFamilies.perSecond=${LOOKUP_FAMILIES:-60}" >> "$base"
echo "spike.factor=${SPIKE:-2}" >> "$base"

echo "== lost-payment check: the sandbox's confirmed payments against the database"
lost_status=0
agency_url=$(grep -oP 'Agency simulator +\K\S+' "$out/gateway.log" | head -1)
java -cp "$cp" cn.liangxian.loadtest.LostPayments "http://127.0.0.1:$sandbox_port" "$jdbc" 60 "$agency_url" | tee "$out/lost.txt" \
  || lost_status=$?
echo "lost.status=$lost_status" >> "$base"
echo "elapsed.seconds=$(( $(date +%s) - started ))" >> "$base"

java -cp "$cp" cn.liangxian.loadtest.Summary "$out" | tee "$out/summary.txt"
[ "$gatling_status" = 0 ] && [ "$lost_status" = 0 ]
