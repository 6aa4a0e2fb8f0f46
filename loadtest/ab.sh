#!/usr/bin/env bash
# Two settings of the gateway side by side, alternated: two gateways on one embedded PostgreSQL (the second
# reaches the first's through GATEWAY_DB_URL, with its keys), the same residents' lookups through wrk against
# each in turn (A B B A, ROUNDS times), and each one's CPU a lookup (/proc) beside PostgreSQL's. Every lookup is
# a first one (no answer kept: GATEWAY_LOOKUP_CACHED_HOUSEHOLDS=0), so the residents can be asked again.
#
#   A_ENV="GATEWAY_NATIVE_TRANSPORT=true" B_ENV="GATEWAY_NATIVE_TRANSPORT=false" loadtest/ab.sh
#   A_JAR=/path/to/an/earlier/gateway.jar loadtest/ab.sh     (two builds: an earlier one against this one)
#   A_JAVA="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" loadtest/ab.sh  (two sets of JVM options)
#
# Environment: A_ENV, B_ENV (space-separated GATEWAY_*=value settings), A_JAR, B_JAR (the gateway.jar each runs;
# gateway/target/gateway.jar by default; both builds must have the same migrations), A_JAVA, B_JAVA (the JVM's options,
# -Xmx4g by default; given, they replace it whole, the heap's size included), PERSONS (200000), ROUNDS (3),
# SECONDS_EACH (5), WARM_UP_SECONDS (40). Needs gateway/target/gateway.jar (mvn -q -B -DskipTests package)
# and the population of loadtest/run.sh (it generates one when missing). Loopback only; stops by itself.
set -euo pipefail
# the builds named are found from where the script was called, before it moves to the repository's root
[ -z "${A_JAR:-}" ] || A_JAR=$(realpath "$A_JAR")
[ -z "${B_JAR:-}" ] || B_JAR=$(realpath "$B_JAR")
cd "$(dirname "$0")/.."
persons=${PERSONS:-200000} rounds=${ROUNDS:-3} each=${SECONDS_EACH:-5} warm=${WARM_UP_SECONDS:-40}
read -r -a a_env <<< "${A_ENV:-}"
read -r -a b_env <<< "${B_ENV:-}"
read -r -a a_java <<< "${A_JAVA:--Xmx4g}"
read -r -a b_java <<< "${B_JAVA:--Xmx4g}"
for tool in wrk curl bc; do
  command -v $tool >/dev/null || { echo "loadtest/ab.sh: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done
a_jar=${A_JAR:-gateway/target/gateway.jar} b_jar=${B_JAR:-gateway/target/gateway.jar}
for jar in "$a_jar" "$b_jar"; do
  [ -f "$jar" ] || { echo "loadtest/ab.sh: no $jar: build first (mvn -q -B -DskipTests package)" >&2; exit 2; }
done
out=loadtest/target/ab/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
pop=loadtest/target/population-$persons
if [ ! -f "$pop/residents.csv" ]; then
  java -cp "loadtest/target/classes:$(cat loadtest/target/classpath.txt)" cn.liangxian.loadtest.Population "$persons" "$pop"
fi
common=(GATEWAY_DEMO_ROSTER=false GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000
  GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_ANONYMOUS_LOOKUP_BURST=1000000
  GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000
  GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000 GATEWAY_DB_POOL_SIZE=16 GATEWAY_LOOKUP_CACHED_HOUSEHOLDS=0 GATEWAY_DB_DURABLE=false)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$out/data" "$out/data-b"
}
trap cleanup EXIT
echo "== import $persons persons"
env "${common[@]}" GATEWAY_DATA_DIR="$out/data" java -Xmx6g -jar "$a_jar" roster import \
  "$pop/village-roster.csv" "$pop/department-lists.csv" > "$out/import.txt" 2>&1
ready() { for _ in $(seq 120); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 1; done; return 1; }
env "${common[@]}" "${a_env[@]}" GATEWAY_DATA_DIR="$out/data" GATEWAY_PORT=18701 GATEWAY_SANDBOX_PORT=18702 \
  java "${a_java[@]}" -jar "$a_jar" > "$out/a.log" 2>&1 &
pids+=($!); a=$!
ready 18701 || { echo "gateway A did not start: $out/a.log" >&2; exit 1; }
# the embedded PostgreSQL's port, from its postmaster.pid (the fourth line), written before the gateway was ready
pgport=$(sed -n 4p "$(find "$out/data" -name postmaster.pid | head -1)")
pw=$(cat "$out/data/keys/postgres.password")
env "${common[@]}" "${b_env[@]}" GATEWAY_DATA_DIR="$out/data-b" GATEWAY_KEY_DIR="$out/data/keys" \
  GATEWAY_DB_URL="postgresql://postgres:$pw@127.0.0.1:$pgport/postgres" GATEWAY_PORT=18703 GATEWAY_SANDBOX_PORT=18704 \
  java "${b_java[@]}" -jar "$b_jar" > "$out/b.log" 2>&1 &
pids+=($!); b=$!
ready 18703 || { echo "gateway B did not start: $out/b.log" >&2; exit 1; }
awk -F, 'NR > 1 { printf "{\"idNumber\":\"%s\",\"name\":\"%s\"}\n", $1, $2 }' "$pop/residents.csv" > "$out/bodies.txt"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
kernel_ticks() { awk '{ print $15 }' "/proc/$1/stat"; } # of them, the time the kernel spent for the process (its sockets)
pg_ticks() { local s=0 t; for p in $(pgrep -f "postgres" || true); do t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) && s=$((s + t)); done; echo $s; }
hz=$(getconf CLK_TCK)
run() { # name port pid seconds
  local g0 p0 g1 p1 n k0 k1
  g0=$(ticks "$3"); p0=$(pg_ticks); k0=$(kernel_ticks "$3")
  BODIES="$out/bodies.txt" wrk -t2 -c64 -d"$4s" --latency -s loadtest/bench/lookup.lua "http://127.0.0.1:$2" > "$out/wrk-$1.txt"
  g1=$(ticks "$3"); p1=$(pg_ticks); k1=$(kernel_ticks "$3")
  # answered lookups only: a refusal (503 from admission control while the JIT warms up) is no lookup
  refused=$(awk '/Non-2xx/ { print $NF }' "$out/wrk-$1.txt"); refused=${refused:-0}
  n=$(( $(awk '/requests in/ { print $1 }' "$out/wrk-$1.txt") - refused ))
  local used=$((g1 - g0)); [ "$used" -gt 0 ] || used=1
  printf "%-3s %9.0f lookups/s   gateway %.3f ms, PostgreSQL %.3f ms a lookup   p99 %s   refused %s   gateway in the kernel %.0f%%\n" \
    "$1" "$(echo "$n / $4" | bc -l)" "$(echo "($g1 - $g0) * 1000 / $hz / $n" | bc -l)" \
    "$(echo "($p1 - $p0) * 1000 / $hz / $n" | bc -l)" "$(awk '/ 99% / { print $2 }' "$out/wrk-$1.txt")" "$refused" \
    "$(echo "($k1 - $k0) * 100 / $used" | bc -l)" | tee -a "$out/summary.txt"
}
echo "A: ${A_ENV:-(defaults)} ${a_java[*]} $a_jar   B: ${B_ENV:-(defaults)} ${b_java[*]} $b_jar" | tee "$out/summary.txt"
echo "== warm-up, ${warm}s each"
run wA 18701 "$a" "$warm" > /dev/null; run wB 18703 "$b" "$warm" > /dev/null
for r in $(seq "$rounds"); do
  run "A$r" 18701 "$a" "$each"; run "B$r" 18703 "$b" "$each"; run "B$r" 18703 "$b" "$each"; run "A$r" 18701 "$a" "$each"
done
awk '/lookups\/s/ && /^[AB]/ { side = substr($1, 1, 1); n[side]++; rps[side] += $2; gw[side] += $5; pg[side] += $8; k[side] += $NF }
  END { for (s in n) printf "%s mean: %.0f lookups/s, gateway %.3f ms, PostgreSQL %.3f ms a lookup, gateway in the kernel %.0f%% (%d runs)\n",
    s, rps[s] / n[s], gw[s] / n[s], pg[s] / n[s], k[s] / n[s], n[s] }' \
  "$out/summary.txt" | sort | tee -a "$out/summary.txt"
echo "results: $out/summary.txt"
