#!/usr/bin/env bash
# The load test in one command, on loopback only; it stops by itself.
#
#   loadtest/run.sh            short run (about 6 minutes once built): 200,000 persons, 85 s of Gatling
#   loadtest/run.sh peak       full run: 1,000,000 persons, 8 minutes of Gatling
#   loadtest/run.sh soak       30 minutes at a steady rate (SOAK_MINUTES=...), judged window by window
#                              (SOAK_WINDOW_MINUTES, 5): each served, and nothing growing once settled (the heap after
#                              a full collection, open files, threads, database connections)
#   loadtest/run.sh overload   35 s at half the knee (KNEE journeys/s, 30 by default), 3x the knee for 65 s, then a
#                              minute at half the knee: p99 of the admitted and of the refused, lost payments,
#                              callbacks refused, and how long after the burst a lookup is back to its latency
#                              under the same load before it (and to an idle gateway's)
#   loadtest/run.sh knee       journeys only, in levels of KNEE_STEP journeys/s (20) more each, KNEE_LEVELS (8) of
#                              KNEE_LEVEL_SECONDS (30): each level's paid rate, p99 and errors from the gateway's
#                              metrics, the CPU per journey of each process (Gatling's apart), and the knee
#
# Environment (all optional): PERSONS, JOURNEYS (journeys/s at the hold), LOOKUP_FAMILIES (families/s
# checking what they owe), SPIKE (midnight factor), KNEE (overload), P99_MS, MAX_ERROR_PERCENT, SOAK_MINUTES, BUILD=0 to
# skip the Maven build, KEEP_DATA=1 to keep the run's database, FAULTS (the sandbox's misbehaviour, JSON as
# POST /sandbox/faults takes; by default every notification is delivered twice, newest first, 200 ms late),
# SIMULATORS=apart|inside (the channel sandbox and the agency simulator in a process of their own, the soak's default,
# or inside the gateway's, the others').
#
# It builds, generates the population, imports it through `gateway.jar roster import`, starts a gateway
# with its channel sandbox on an embedded PostgreSQL, measures the baselines (the lookup SQL through
# pgbench on the same database, a trivial Vert.x endpoint and the gateway's lookups through wrk, RSA-2048
# through JMH), runs the Gatling simulation, checks that no payment the sandbox confirmed is missing from
# the database, and prints the summary. Exit status: 0 only if the run held (its error share under MAX_ERROR_PERCENT,
# Gatling's assertion; its p99 under P99_MS, counted exactly by LatencyMark) and no payment was lost.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-short}
case "$profile" in
  short) persons=${PERSONS:-200000} ;;
  peak|soak) persons=${PERSONS:-1000000} ;;
  overload) persons=${PERSONS:-200000}; knee=${KNEE:-30}
    JOURNEYS=${JOURNEYS:-$((3 * knee))}; LOOKUP_FAMILIES=${LOOKUP_FAMILIES:-$((6 * knee))} ;;
  knee) persons=${PERSONS:-200000}; knee_step=${KNEE_STEP:-20}; knee_levels=${KNEE_LEVELS:-8}
    knee_level_seconds=${KNEE_LEVEL_SECONDS:-30}; JOURNEYS=$knee_step; LOOKUP_FAMILIES=${LOOKUP_FAMILIES:-0} ;;
  *) echo "usage: loadtest/run.sh [short|peak|soak|overload|knee]" >&2; exit 2 ;;
esac
# the p99 mark in ms, at least 2 (half of it is the report's lower range bound): the whole run's for short, peak and
# soak (LatencyMark), each level's for the knee and each window's for the soak (from the gateway's metrics)
p99_mark=${P99_MS:-1000}
if ! [[ "$p99_mark" =~ ^[1-9][0-9]{0,8}$ ]] || [ "$p99_mark" -lt 2 ]; then
  echo "loadtest: P99_MS must be a whole number of milliseconds, 2 or more (got '$p99_mark')" >&2; exit 2
fi
started=$(date +%s)
out=loadtest/target/runs/$(date +%Y%m%d-%H%M%S)-$profile
mkdir -p "$out"
out=$(cd "$out" && pwd)
gw_port=18080 sandbox_port=18090 trivial_port=18280

if [ "${PERF:-0}" = 1 ] && ! command -v perf >/dev/null; then
  echo "loadtest: PERF=1 needs perf (apt-get install linux-perf)" >&2; exit 2
fi
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

classpath_file=$PWD/loadtest/target/classpath.txt
if [ "${BUILD:-1}" != 0 ] || [ ! -f "$classpath_file" ] || [ ! -f gateway/target/gateway.jar ]; then
  echo "== build"
  # package, not install: nothing of this build lands in the local Maven repository; each module writes its
  # classpath to its own target/classpath.txt (a relative output file resolves against the module)
  mvn -q -B -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
fi
cp="$PWD/loadtest/target/classes:$PWD/loadtest/target/test-classes:$(cat "$classpath_file")"

pop=loadtest/target/population-$persons
if [ ! -f "$pop/residents.csv" ]; then
  java -cp "$cp" cn.liangxian.loadtest.Population "$persons" "$pop" | tee "$out/population.txt"
else
  echo "population: reusing $pop"
fi

export GATEWAY_DATA_DIR=$out/data GATEWAY_PORT=$gw_port GATEWAY_SANDBOX_PORT=$sandbox_port GATEWAY_DEMO_ROSTER=false \
  GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000 GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_ANONYMOUS_LOOKUP_BURST=1000000 GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000 \
  GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000 GATEWAY_DB_POOL_SIZE=${GATEWAY_DB_POOL_SIZE:-16}
echo "== import $persons persons through gateway.jar roster import"
java -Xmx6g -jar gateway/target/gateway.jar roster import "$pop/village-roster.csv" "$pop/department-lists.csv" \
  > "$out/import.txt" 2>&1
grep -v -e '^{' -e '^  line' "$out/import.txt"

pids=() simulators=
cleanup() { # stop what was started; the database goes too (KEEP_DATA=1 keeps it), the reports stay
  # a perf recorder (PERF=1) still running because the run stopped while it recorded: stopped first, its data written
  [ -z "${perf_recorder:-}" ] || { kill -INT "$perf_recorder" 2>/dev/null || true; wait "$perf_recorder" 2>/dev/null || true; }
  for p in "${pids[@]}" $simulators; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $simulators; do wait "$p" 2>/dev/null || true; done
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$out/data" "$out/bodies.txt"
}
trap cleanup EXIT
# JFR=1 records the gateway's CPU samples from its start: a recording started later re-instruments classes the
# JIT has compiled, and what it then measures is mostly the recompilation (see the lookups' baseline below)
jvm_opts=()
# a sample each millisecond (method-profiling=max) rather than every 10 ms: the measured lookups last 8 s
[ "${JFR:-0}" = 1 ] && jvm_opts=(-XX:StartFlightRecording:name=gateway,settings=profile,method-profiling=max,maxage=10m)
# PERF=1 (below): the JIT keeps the frame pointer, so that perf can walk the Java stacks above each sample
[ "${PERF:-0}" = 1 ] && jvm_opts+=(-XX:+PreserveFramePointer)
# SIMULATORS=apart (the soak's default): the channel sandbox and the agency simulator in a process of their own
# (channel-sandbox.jar), as the channels and the agencies are on deadline night, so that the gateway's process holds
# nothing of what they keep (every trade, every record received); inside (the others' default): in the gateway's process
simulators_mode=${SIMULATORS:-$([ "$profile" = soak ] && echo apart || echo inside)}
case "$simulators_mode" in
  apart)
    # the sandbox writes its keys beside the gateway's, and believes the gateway's hand-off key once the gateway wrote it
    SANDBOX_PORT=$sandbox_port SANDBOX_KEY_DIR=$GATEWAY_DATA_DIR/keys SANDBOX_AGENCY_PORT=0 \
      SANDBOX_AGENCY_TRUST=$GATEWAY_DATA_DIR/keys/handoff-key.pub.pem java -Xmx2g -jar channel-sandbox/target/channel-sandbox.jar \
      > "$out/simulators.log" 2>&1 &
    simulators=$!
    for _ in $(seq 60); do grep -q "Agency simulator" "$out/simulators.log" && break; sleep 1; done
    agency_port=$(grep -oP 'Agency simulator +http://127\.0\.0\.1:\K[0-9]+' "$out/simulators.log" | head -1)
    [ -n "$agency_port" ] || { echo "the channel sandbox did not start; see $out/simulators.log" >&2; exit 1; }
    python3 loadtest/sandbox-gateway-config.py "$out/gateway.yaml" "$sandbox_port" \
      "$(cat "$GATEWAY_DATA_DIR/keys/wechat-pay-public-key.serial")" "$agency_port"
    # the sandbox's notifications come back to this run's port
    export GATEWAY_CONFIG=$out/gateway.yaml GATEWAY_SANDBOX=false GATEWAY_PUBLIC_URL=http://127.0.0.1:$gw_port ;;
  inside) ;;
  *) echo "SIMULATORS must be apart or inside, got $simulators_mode" >&2; exit 2 ;;
esac
java -Xmx4g "${jvm_opts[@]}" -jar gateway/target/gateway.jar > "$out/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 90); do curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null || { echo "the gateway did not start; see $out/gateway.log" >&2; exit 1; }
# the embedded PostgreSQL's port, from its postmaster.pid (the fourth line), written before the gateway was ready
pgport=$(sed -n 4p "$(find "$GATEWAY_DATA_DIR" -name postmaster.pid | head -1)")
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
echo "simulators=$simulators_mode" >> "$base"
echo "cores=$(nproc)" >> "$base"

# the lookup's keys for pgbench, and bodies for wrk, from the same residents
psql -q -h localhost -p "$pgport" -U postgres -f loadtest/bench/keys.sql postgres
rows=$(psql -h localhost -p "$pgport" -U postgres -Atc "select count(*) from bench_keys" postgres)
awk -F, 'NR > 1 { printf "{\"idNumber\":\"%s\",\"name\":\"%s\"}\n", $1, $2 }' "$pop/residents.csv" > "$out/bodies.txt"

seconds=${BASELINE_SECONDS:-8}
pgbench_to() { # name script key: 16 clients for the baseline's seconds on the residents' keys, into pgbench-<name>.txt,
  # and its transactions a second into the baselines as <key>
  pgbench -h localhost -p "$pgport" -U postgres -n -M prepared -c 16 -j 2 -T "$seconds" -D rows="$rows" \
    -f "loadtest/bench/$2" postgres > "$out/pgbench-$1.txt" 2>&1
  grep -E '^tps' "$out/pgbench-$1.txt" | head -1
  awk -v key="$3" '/^tps/ { printf "%s=%s\n", key, $3; exit }' "$out/pgbench-$1.txt" >> "$base"
}
echo "== baseline: the lookup SQL when the answer is kept (the household's stamp) through pgbench"
pgbench_to kept lookup-kept.pgbench.sql pgbench.kept.tps

wrk_to() { # name url [script]: 64 connections, latency percentiles into the baselines
  local name=$1 url=$2 script=${3:-}
  BODIES=${BODIES_FILE:-$out/bodies.txt} wrk -t2 -c64 -d"${seconds}s" --latency ${script:+-s "$script"} "$url" > "$out/wrk-$name.txt"
  awk -v n="$name" '/Requests\/sec/ { printf "wrk.%s.rps=%s\n", n, $2 }
    / 50% / { printf "wrk.%s.p50=%s\n", n, $2 } / 90% / { printf "wrk.%s.p90=%s\n", n, $2 } / 99% / { printf "wrk.%s.p99=%s\n", n, $2 }
    /Non-2xx/ { printf "wrk.%s.non2xx=%s\n", n, $NF }' "$out/wrk-$name.txt" >> "$base"
  grep -E 'Requests/sec' "$out/wrk-$name.txt"
}
# CPU time (utime + stime, in clock ticks) of the gateway's process, and of PostgreSQL: its postmaster (with
# the children it reaped) and every backend it runs
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# its system time alone (stime + cstime): the kernel's part, sockets and epoll, which no profile of the JVM shows
system_ticks() { awk '{ print $15 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postmaster=$(head -1 "$(find "$GATEWAY_DATA_DIR" -name postmaster.pid | head -1)")
pg_ticks() {
  local sum=0 p
  for p in $postmaster $(pgrep -P "$postmaster"); do sum=$((sum + $(ticks "$p"))); done
  echo $sum
}
hz=$(getconf CLK_TCK)
# the gateway's CPU by thread: its event loops (the lookups themselves), the JIT compilers (still compiling the
# code of a process started seconds ago), the garbage collector, and the rest
threads_ticks() {
  local t
  for t in /proc/$1/task/*; do
    awk -v comm="$(cat "$t/comm" 2>/dev/null)" '{ print comm "," $14 + $15 }' "$t/stat" 2>/dev/null
  done | awk -F, '{ k = $1 ~ /^vert\.x-eventloo/ ? "eventLoops" : $1 ~ /^sandbox-/ ? "sandbox" : $1 ~ /^agency-/ ? "agency" \
      : $1 ~ /^channel-signin/ ? "signing" : $1 ~ /^C[12] Compiler/ ? "jit" : $1 ~ /^(GC|G1) / ? "gc" : "other"
    s[k] += $2 }
    END { for (k in s) print k, s[k] }'
}
# the measurement asks for the residents (one a household), each once (lookup.lua walks the file), and the warm-up
# before it for the other members of the roster. The gateway serves a household's kept answer to any member whose name
# it checked, so once the warm-up is over every household's stamp is moved on (below), as a roster change would: no
# measured lookup finds an answer it may serve, and each one is read, assessed and written.
cp "$out/bodies.txt" "$out/bodies-measured.txt"
echo "wrk.gateway.residents=$(wc -l < "$out/bodies-measured.txt")" >> "$base"
# The warm-up must compile that path, not the kept answer's: a warm-up served mostly kept answers (the other members of
# a household asked one after the other) left the measurement recompiling the assessment's path as it ran (the JIT at
# 6% of a core, the lookup's handler compiled again mid-window). So its members come one a household at a time (every
# household's second member, then every third one, ...), and the stamps move on before each round: each round's first
# lookup of a household is read and assessed afresh, as a measured one is.
awk -F, 'NR == FNR { if (FNR > 1) asked[$1] = 1; next }
  FNR > 1 && !($5 in asked) { printf "%d\t{\"idNumber\":\"%s\",\"name\":\"%s\"}\n", ++rank[$1 "," $4], $5, $6 }' \
  "$pop/residents.csv" "$pop/village-roster.csv" | sort -s -n -k1,1 | cut -f2 > "$out/bodies-warm-up.txt"
# The warm-up goes on in rounds of 10 s until the JIT compilers have settled, so that the measurement sees the
# gateway as it runs all day rather than a process still compiling its first minute: it ends after the first
# round in which the compiler threads spent less than 5% of one core, but not before 30 s nor after
# WARM_UP_SECONDS (150). In each round, each of wrk's two threads starts where it stopped in the last (lookup.lua
# starts them half the file apart; each takes about half the requests), so a round's lookups are of members not asked
# before until the file wraps around.
warm_up_max=${WARM_UP_SECONDS:-150}
echo "== baseline: the gateway's lookups through wrk (64 connections, ${seconds}s, after a warm-up of 30-${warm_up_max}s)"
warm_up_lines=$(wc -l < "$out/bodies-warm-up.txt")
[ "$warm_up_lines" -gt 0 ] || { echo "loadtest: no household has a second member to warm the gateway up with" >&2; exit 2; }
jit_ticks() { threads_ticks "$1" | awk '$1 == "jit" { print $2 }'; }
warmed=0 jit_percent=100 asked=0
: > "$out/warm-up.txt"
while [ "$warmed" -lt "$warm_up_max" ]; do
  psql -q -h localhost -p "$pgport" -U postgres -c "update household set stamp = stamp + 1" postgres
  from=$(( asked % warm_up_lines ))
  { tail -n +$(( from + 1 )) "$out/bodies-warm-up.txt"; head -n "$from" "$out/bodies-warm-up.txt"; } > "$out/warm-up-round.txt"
  jit_before=$(jit_ticks "${pids[0]}")
  BODIES=$out/warm-up-round.txt wrk -t2 -c64 -d10s -s loadtest/bench/lookup.lua \
    "http://127.0.0.1:$gw_port" > "$out/wrk-warm-up.txt"
  warmed=$((warmed + 10))
  jit_percent=$(( ($(jit_ticks "${pids[0]}") - ${jit_before:-0}) * 100 / hz / 10 ))
  asked=$(( asked + $(awk '/requests in/ { print $1 }' "$out/wrk-warm-up.txt") / 2 ))
  printf '%3d s: %s lookups/s, JIT compilers %d%% of a core\n' "$warmed" \
    "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$out/wrk-warm-up.txt")" "$jit_percent" | tee -a "$out/warm-up.txt"
  [ "$warmed" -ge 30 ] && [ "$jit_percent" -lt 5 ] && break
done
rm -f "$out/warm-up-round.txt"
# every answer the warm-up kept is no longer the household's as it stands. The update writes every household row anew;
# the table and its indexes are then rewritten compact (vacuum full, a second or so while nothing else runs), so that
# pgbench and the gateway read it as an import leaves it, as in the runs before the stamps were moved
psql -q -h localhost -p "$pgport" -U postgres -c "update household set stamp = stamp + 1" -c "vacuum full analyze household" postgres
{ echo "warmUp.seconds=$warmed"; echo "warmUp.jitPercent=$jit_percent"; } >> "$base"
# the lookup SQL through pgbench right before the gateway's lookups are measured, and again right after them
# (below): the machine's speed drifts within minutes, and the share is taken against the mean of the two
echo "== baseline: the lookup SQL through pgbench (16 clients, ${seconds}s)"
pg_before=$(pg_ticks)
pgbench_to before lookup.pgbench.sql pgbench.tps
pg_after=$(pg_ticks)
# PostgreSQL's own CPU per pgbench transaction (the backends pgbench ended count through the postmaster's
# children's times), to set beside its CPU per gateway lookup below
awk -v p=$((pg_after - pg_before)) -v hz="$hz" '/number of transactions actually processed/ { split($0, a, ": "); n = a[2] + 0 }
  END { if (n > 0) printf "cpu.postgres.msPerPgbenchTransaction=%.3f\n", p * 1000 / hz / n }' "$out/pgbench-before.txt" >> "$base"
awk '/latency average/ { printf "pgbench.latencyMs=%s\n", $4 }' "$out/pgbench-before.txt" >> "$base"
# JFR=1: the gateway's CPU samples between two local date-times, into NAME.jfr, and their top frames into jfr-NAME-top.txt.
# A dump holds whole chunks of the recording (the warm-up too), so the samples are kept by their own time here; their
# stacks are read whole (64 frames), so that the innermost project frame is found below deep Netty and Vert.x stacks
jfr_top() {
  jcmd "${pids[0]}" JFR.dump name=gateway begin="$2" end="$3" filename="$out/$1.jfr" > /dev/null
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$out/$1.jfr" | awk -v from="${2#*T}" -v to="${3#*T}" '
    function keep(t) { t = substr(t, 1, 8); return from <= to ? t >= from && t <= to : t >= from || t <= to }
    /jdk.ExecutionSample/ { inside = 0; next }
    /startTime = / { inside = keep($3); next }
    !inside { next }
    /stackTrace = \[/ { top = 1; first = ""; next }
    top == 1 { sub(/^ +/, ""); sub(/ +line:.*/, ""); self[$0]++; n++; top = 2 }
    top == 2 && first == "" && /cn\.liangxian\./ { f = $0; sub(/^ +/, "", f); sub(/ +line:.*/, "", f); first = f; ours[f]++ }
    /^\]/ || /^ *\]$/ { top = 0 }
    END { print "samples " n " (" from " to " to ")"; print "-- top frames (self)"
      for (k in self) printf "%6.1f%% %s\n", 100 * self[k] / n, k | "sort -rn | head -25"
      close("sort -rn | head -25"); print "-- innermost project frame on the stack"
      for (k in ours) printf "%6.1f%% %s\n", 100 * ours[k] / n, k | "sort -rn | head -15" }' > "$out/jfr-$1-top.txt"
}
# JFR=1: the gateway's CPU samples during the measured lookups (jfr-lookups-top.txt)
measured_from=$(date +%Y-%m-%dT%H:%M:%S)
# PERF=1: every process on the machine sampled by perf during the measured lookups, the kernel's part included (JFR
# sees none of it); the JIT's compiled methods are named from the perf map the gateway writes when asked
# (its own start a second before the measured window and its stop right after wrk, so that neither is sampled nor
# counted in the CPU figures; the recording's own cost while it samples is in them)
perf_recorder=
if [ "${PERF:-0}" = 1 ]; then
  perf record -F 997 -a -g -o "$out/lookups.perf.data" > "$out/perf-record.txt" 2>&1 &
  perf_recorder=$!
  sleep 1
fi
threads_ticks "${pids[0]}" > "$out/threads-before.txt"
gw_before=$(ticks "${pids[0]}") pg_before=$(pg_ticks) gw_system_before=$(system_ticks "${pids[0]}")
BODIES_FILE=$out/bodies-measured.txt wrk_to gateway "http://127.0.0.1:$gw_port" loadtest/bench/lookup.lua
[ -z "$perf_recorder" ] || kill -INT "$perf_recorder" 2> /dev/null || true
gw_after=$(ticks "${pids[0]}") pg_after=$(pg_ticks) gw_system_after=$(system_ticks "${pids[0]}")
threads_ticks "${pids[0]}" > "$out/threads-after.txt"
measured_to=$(date +%Y-%m-%dT%H:%M:%S)
if [ -n "$perf_recorder" ]; then
  wait "$perf_recorder" || true
  perf_recorder=
  # where perf could not record (not root, kernel.perf_event_paranoid above 0), perf-record.txt says why; the JIT's
  # map of its compiled methods goes where perf reads it (/tmp/perf-<pid>.map), and is kept beside the data after the
  # report: copied back there, `perf report -i lookups.perf.data` names the Java frames again
  jcmd "${pids[0]}" Compiler.perfmap > /dev/null || true
  perf_top() { # sort-keys lines: the recording's samples by those keys (self), the first lines
    perf report -i "$out/lookups.perf.data" --no-children --sort "$1" --stdio -g none 2>/dev/null | grep -v -e '^#' -e '^$' | sed -n "1,$2p"
  }
  { echo "-- by process and object (self)"; perf_top comm,dso 30; echo "-- by symbol (self)"; perf_top comm,sym 80
  } > "$out/perf-lookups-top.txt" || true
  mv "/tmp/perf-${pids[0]}.map" "$out/" 2> /dev/null || true
fi
[ "${JFR:-0}" = 1 ] && jfr_top lookups "$measured_from" "$measured_to"
pgbench_to after lookup.pgbench.sql pgbench.after.tps
served=$(awk '/requests in/ { print $1 }' "$out/wrk-gateway.txt")
echo "wrk.gateway.requests=$served" >> "$base"
awk -v g=$((gw_after - gw_before)) -v p=$((pg_after - pg_before)) -v s=$((gw_system_after - gw_system_before)) -v n="$served" \
  -v hz="$hz" 'BEGIN { printf "cpu.gateway.msPerLookup=%.3f\ncpu.postgres.msPerLookup=%.3f\ncpu.gateway.system.msPerLookup=%.3f\n",
  g * 1000 / hz / n, p * 1000 / hz / n, s * 1000 / hz / n }' >> "$base"
awk -v n="$served" -v hz="$hz" 'NR == FNR { before[$1] = $2; next } { printf "cpu.gateway.%s.msPerLookup=%.3f\n", $1, ($2 - before[$1]) * 1000 / hz / n }' \
  "$out/threads-before.txt" "$out/threads-after.txt" | sort >> "$base"
grep '^cpu\.' "$base" | sed 's/^/  /'
echo "== baseline: the same lookups from 2,000 residents only: their households' answers are kept"
head -2000 "$out/bodies.txt" > "$out/bodies-kept.txt"
BODIES=$out/bodies-kept.txt wrk -t2 -c64 -d3s -s loadtest/bench/lookup.lua "http://127.0.0.1:$gw_port" > /dev/null
BODIES=$out/bodies-kept.txt wrk -t2 -c64 -d"${seconds}s" --latency -s loadtest/bench/lookup.lua "http://127.0.0.1:$gw_port" \
  > "$out/wrk-gateway-kept.txt"
awk '/Requests\/sec/ { printf "wrk.gatewayKept.rps=%s\n", $2 }' "$out/wrk-gateway-kept.txt" >> "$base"
grep -E 'Requests/sec' "$out/wrk-gateway-kept.txt"

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

# The pay path warmed up before it is measured: on deadline night the gateways have been serving for weeks, and a
# process started minutes ago spends a third of a core or more compiling the pay path for its first minute. A
# minute (PAY_WARM_UP_SECONDS, 0 for none) of journeys and checking families at a third of the run's rates, on the
# last 5,000 residents (the run's journeys take residents from the top of the file), judged by nothing.
# (it replaces the shell it runs in, so call it in a subshell, or with & where its pid, $!, is Gatling's own)
gatling_run() { # report-folder log [-Dloadtest... ...]: PeakSimulation against this run's gateway and sandbox
  local reports=$1 log=$2
  shift 2
  # the report's response-time ranges split at the p99 mark: their counts are exact, where Gatling's percentiles are
  # t-digest estimates (LatencyMark judges the p99 from them)
  exec java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" \
    -Dgatling.charting.indicators.lowerBound=$(( p99_mark / 2 )) -Dgatling.charting.indicators.higherBound="$p99_mark" \
    -Dloadtest.base="http://127.0.0.1:$gw_port" -Dloadtest.sandbox="http://127.0.0.1:$sandbox_port" "$@" \
    io.gatling.app.Gatling -s cn.liangxian.loadtest.sim.PeakSimulation -rf "$out/$reports" > "$out/$log" 2>&1
}
pay_warm_up=${PAY_WARM_UP_SECONDS:-60}
if [ "$pay_warm_up" -gt 0 ]; then
  echo "== warm-up of the pay path: ${pay_warm_up}s of Gatling at a third of the rates, on other residents"
  { head -1 "$pop/residents.csv"; tail -n 5000 "$pop/residents.csv"; } > "$out/warm-up-residents.csv"
  warm_journeys=$(awk -v j="${JOURNEYS:-30}" 'BEGIN { r = j / 3; printf "%.1f", r < 1 ? 1 : r }')
  warm_lookups=$(awk -v l="${LOOKUP_FAMILIES:-60}" 'BEGIN { printf "%.1f", l / 3 }')
  ( gatling_run gatling-warm-up gatling-warm-up.txt -Dloadtest.residents="$out/warm-up-residents.csv" \
    -Dloadtest.profile=warm-up -Dloadtest.warmUpSeconds="$pay_warm_up" \
    -Dloadtest.journeysPerSecond="$warm_journeys" -Dloadtest.lookupFamiliesPerSecond="$warm_lookups" ) \
    || echo "the warm-up's Gatling ended with $? (not judged; see $out/gatling-warm-up.txt)"
fi
echo "payWarmUp.seconds=$pay_warm_up" >> "$base"
if [ "$profile" = overload ]; then
  # one lookup every half second beside the load: when, after the burst, a resident's lookup is quick again
  probe_body=$(sed -n 7p "$out/bodies.txt")
  ( while :; do
      printf '%s ' "$(date +%s.%N)"
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "http://127.0.0.1:$gw_port/api/v1/lookup" \
        -H 'Content-Type: application/json' -d "$probe_body" || true # curl prints 000 when it gets no answer
      sleep 0.5
    done ) > "$out/probe.txt" 2>/dev/null &
  probe=$!
  pids+=($probe)
  sleep 5 # the idle gateway's latency, before any load (Gatling's own start-up is not idle)
  idle_to=$(date +%s.%N)
  # where each phase of PeakSimulation's overload starts, in seconds after the injection's start (start.txt):
  # calmFrom (half the knee, its ramp settled), burstFrom, afterFrom (half the knee again), end
  phase() { sed -n "s/^$1=//p" "$out/overload-phases.properties"; }
  # the gateway's metrics as the burst starts: the run's figures are the burst's and the minute after it
  ( for _ in $(seq 240); do [ -s "$out/start.txt" ] && break; sleep 0.5; done
    sleep "$(awk -v now="$(date +%s.%N)" -v at="$(phase burstFrom)" '{ d = $1 / 1000 + at - now; printf "%.3f", (d > 0 ? d : 0) }' \
      "$out/start.txt")"
    curl -sf "http://127.0.0.1:$gw_port/metrics" > "$out/metrics-before.txt" ) &
  pids+=($!)
fi
# one scrape into scrapes/<epoch ms>.prom (knee and soak): the gateway's metrics, the lines given, and the CPU so far of
# its threads by class, of PostgreSQL, of Gatling and of the simulators' own process when they run apart
scrape() { # [line ...]
  local at
  at=$(date +%s%3N)
  mkdir -p "$out/scrapes"
  { curl -sf "http://127.0.0.1:$gw_port/metrics" || true
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
    threads_ticks "${pids[0]}" | sed 's/^/# cpu /'
    echo "# cpu postgres $(pg_ticks)"
    if [ -s "$out/gatling.pid" ]; then echo "# cpu gatling $(ticks "$(cat "$out/gatling.pid")")"; fi
    if [ -n "$simulators" ]; then echo "# cpu simulators $(ticks "$simulators")"; fi
  } > "$out/scrapes/$at.part" && mv "$out/scrapes/$at.part" "$out/scrapes/$at.prom"
}
if [ "$profile" = knee ]; then
  { echo "knee.step=$knee_step"; echo "knee.levels=$knee_levels"; echo "knee.levelSeconds=$knee_level_seconds"
    echo "knee.rampSeconds=3"; echo "clockTicks=$hz"; echo "p99Ms=$p99_mark"; echo "maxErrorPercent=${MAX_ERROR_PERCENT:-1}"; } >> "$base"
  # every 2 s: the gateway's metrics, and the CPU so far of its threads by class, of PostgreSQL and of Gatling
  ( while :; do scrape; sleep 2; done ) &
  scraper=$!
  pids+=($scraper)
fi
if [ "$profile" = soak ]; then
  soak_window=${SOAK_WINDOW_MINUTES:-5}
  { echo "soak.minutes=${SOAK_MINUTES:-30}"; echo "soak.windowMinutes=$soak_window"; echo "soak.rampSeconds=60"
    echo "clockTicks=$hz"; echo "p99Ms=$p99_mark"; echo "maxErrorPercent=${MAX_ERROR_PERCENT:-1}"; } >> "$base"
  # every 15 s: the gateway's metrics, its resident memory, open files and threads, PostgreSQL's client connections and the
  # CPU so far by process; at the hold's start and at each window's end first a full collection (jcmd GC.run), so that the
  # heap read then is what is still referenced (marked loadtest_full_gc 1)
  soak_scrape() { # full-gc-flag
    local gw=${pids[0]}
    scrape "loadtest_full_gc $1" \
      "loadtest_gateway_rss_bytes $(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$gw/status")" \
      "loadtest_gateway_fds $(find "/proc/$gw/fd" -mindepth 1 -maxdepth 1 | wc -l)" \
      "loadtest_gateway_inbound_connections $(ss -Htn state established "( sport = :$gw_port )" | wc -l)" \
      "loadtest_gateway_threads $(find "/proc/$gw/task" -mindepth 1 -maxdepth 1 | wc -l)" \
      "loadtest_postgres_connections $(psql -h localhost -p "$pgport" -U postgres -Atc "select count(*) from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid()" postgres 2>/dev/null || echo 0)"
  }
  # (of the open files, the callers' connections: as many as the load generator keeps; the gateway closes one silent 60 s)
  ( for _ in $(seq 240); do [ -s "$out/start.txt" ] && break; sleep 0.5; done
    next_gc=$(( $(cat "$out/start.txt") + 60000 ))
    while :; do
      if [ "$(date +%s%3N)" -ge "$next_gc" ]; then
        jcmd "${pids[0]}" GC.run > /dev/null 2>&1 && soak_scrape 1 || soak_scrape 0
        next_gc=$(( next_gc + soak_window * 60000 ))
      else
        soak_scrape 0
      fi
      sleep 15
    done ) &
  scraper=$!
  pids+=($scraper)
fi
# what each statement costs PostgreSQL during the simulation (the embedded server preloads pg_stat_statements)
psql -q -h localhost -p "$pgport" -U postgres -c "create extension if not exists pg_stat_statements" \
  -c "select pg_stat_statements_reset()" postgres > /dev/null 2>&1 || true
# the lookups that found a household, by how their answer was made (kept, or assessed), from the gateway's counters
lookup_answers() {
  curl -sf "http://127.0.0.1:$gw_port/metrics" | awk '/^liangxian_lookup_answers_total\{/ {
    match($0, /answer="[a-z]+"/); printf "%s %d\n", substr($0, RSTART + 8, RLENGTH - 9), $NF }' || true
}
lookup_answers > "$out/lookup-answers-before.txt"
echo "== Gatling: PeakSimulation, profile $profile"
gatling_status=0
gatling_from=$(date +%Y-%m-%dT%H:%M:%S)
gatling_run gatling gatling.txt -Dloadtest.residents="$PWD/$pop/residents.csv" -Dloadtest.profile="$profile" \
  -Dloadtest.journeysPerSecond="${JOURNEYS:-30}" -Dloadtest.lookupFamiliesPerSecond="${LOOKUP_FAMILIES:-60}" \
  -Dloadtest.spikeFactor="${SPIKE:-2}" -Dloadtest.maxErrorPercent="${MAX_ERROR_PERCENT:-1}" \
  -Dloadtest.soakMinutes="${SOAK_MINUTES:-30}" -Dloadtest.startFile="$out/start.txt" \
  -Dloadtest.kneeStep="${knee_step:-20}" -Dloadtest.kneeLevels="${knee_levels:-8}" -Dloadtest.kneeLevelSeconds="${knee_level_seconds:-30}" &
gatling=$!
echo $gatling > "$out/gatling.pid"
wait $gatling || gatling_status=$?
gatling_to=$(date +%Y-%m-%dT%H:%M:%S)
if [ "$profile" = soak ]; then
  # the last window's end: the same full collection and scrape, now that Gatling is done
  kill "$scraper" 2>/dev/null || true
  jcmd "${pids[0]}" GC.run > /dev/null 2>&1 && soak_scrape 1
fi
if [ "$profile" = knee ]; then
  kill "$scraper" 2>/dev/null || true
  echo "== the knee, level by level"
  java -cp "$cp" cn.liangxian.loadtest.Knee "$out" | tee "$out/knee-run.txt"
fi
grep -E 'Global:|assertion|Reports generated|Please open' "$out/gatling.txt" | head -8 || true
echo "gatling.status=$gatling_status" >> "$base"
latency_status=0
case "$profile" in
  overload|knee) ;; # judged on the gateway's metrics
  *) # the p99 under its mark, counted exactly from Gatling's ranges
    java -cp "$cp" cn.liangxian.loadtest.LatencyMark "$out/gatling.txt" "$p99_mark" >> "$base" || latency_status=$?
    echo "latency.status=$latency_status" >> "$base" ;;
esac
lookup_answers > "$out/lookup-answers-after.txt"
awk 'NR == FNR { before[$1] = $2; next } { printf "simulation.lookups.%s=%d\n", $1, $2 - before[$1] }' \
  "$out/lookup-answers-before.txt" "$out/lookup-answers-after.txt" >> "$base"
if [ "$profile" = overload ]; then
  curl -sf "http://127.0.0.1:$gw_port/metrics" > "$out/metrics-after.txt"
  kill "$probe" 2>/dev/null || true
  # p99 of the answers admitted and of those refused (503), from the gateway's own histograms over the run
  [ -s "$out/metrics-before.txt" ] || echo "overload: the gateway's metrics at the burst's start are missing (Gatling ended early?)"
  [ -s "$out/metrics-before.txt" ] && for kind in admitted refused; do
    # the share answered within the goal's mark, from the bucket bound the gateway keeps at it
    mark=$([ $kind = admitted ] && echo 1.0 || echo 0.05)
    awk -v kind=$kind -v mark=$mark -F'[{}]' '
      FNR == 1 { f++ }
      /^vertx_http_server_response_time_seconds_bucket/ {
        refused = ($2 ~ /code="503"/); if ((kind == "refused") != refused) next
        # a held status request (long poll) is answered when the order changes: its time is the wait, not service
        if (!refused && $2 ~ /route="\/api\/v1\/orders\/:id"/) next
        match($2, /le="[^"]*"/); le = substr($2, RSTART + 4, RLENGTH - 5); split($3, v, " ")
        n[f, le] += v[1]; les[le] = 1 }
      END { total = n[2, "+Inf"] - n[1, "+Inf"]; best = "+Inf"
        for (le in les) if (le != "+Inf" && n[2, le] - n[1, le] >= 0.99 * total && (best == "+Inf" || le + 0 < best + 0)) best = le
        printf "overload.%s.requests=%d\noverload.%s.p99Ms=%s\n", kind, total, kind, best == "+Inf" ? "inf" : sprintf("%.0f", best * 1000)
        if ((mark in les) && total > 0) printf "overload.%s.withinMarkPercent=%.2f\n", kind, 100 * (n[2, mark] - n[1, mark]) / total }' \
      "$out/metrics-before.txt" "$out/metrics-after.txt" >> "$base"
  done
  shed() { grep -E "^liangxian_admission_total\{class=\"$1\",outcome=\"shed\"" "$2" | awk '{ s += $2 } END { printf "%d", s }'; }
  echo "overload.callbacks.shed=$(( $(shed callback "$out/metrics-after.txt") - $(shed callback "$out/metrics-before.txt") ))" >> "$base"
  # back to normal: the first probe after the burst from which every probe is a 200 within twice the slowest
  # probe under the same load before the burst (the calm), at least 50 ms; and, stricter, within twice the
  # slowest probe of the idle gateway, before Gatling was launched
  phases=(-v start="$(awk '{ printf "%.3f", $1 / 1000 }' "$out/start.txt")" -v idle_to="$idle_to" -v calm="$(phase calmFrom)"
    -v burst="$(phase burstFrom)" -v after="$(phase afterFrom)" -v end="$(phase end)")
  awk "${phases[@]}" '
    $1 < idle_to { if ($3 > idle) idle = $3; next }
    $1 >= start + calm && $1 < start + burst { if ($3 > normal) normal = $3; if ($2 != 200) refused++; next }
    $1 >= start + after { t[++k] = $1 - start - after; code[k] = $2; took[k] = $3 }
    function back(mark,   i, b) { mark = 2 * mark > 0.05 ? 2 * mark : 0.05; b = "never"
      for (i = k; i >= 1 && code[i] == 200 && took[i] <= mark; i--) b = sprintf("%.1f", t[i]); return b }
    END { printf "overload.probe.idleMs=%.0f\noverload.probe.normalMs=%.0f\noverload.probe.refusedBeforeBurst=%d\n", idle * 1000, normal * 1000, refused
      printf "overload.backToNormalSeconds=%s\noverload.backToIdleSeconds=%s\n", back(normal), back(idle) }' \
    "$out/probe.txt" >> "$base"
  # the probe's latency by phase and by 10 s after the burst: p50, p90 and the slowest of each window
  # (past the injection's end, the gateway left to itself)
  awk "${phases[@]}" '{ t = $1 - start
      w = $1 < idle_to ? "0 idle, before Gatling" : t < calm ? "1 Gatling starting, and its ramp" : t < burst ? "2 half the knee, before the burst" \
        : t < after ? "3 the burst" : sprintf("4 after the burst, %02d-%02d s%s", int((t - after) / 10) * 10, int((t - after) / 10) * 10 + 10,
          t >= end ? " (no more load)" : "")
      print w "\t" $2 "\t" $3 }' "$out/probe.txt" | sort -t"$(printf '\t')" -k1,1 -k3,3n \
    | awk -F'\t' '{ k = $1; n[k]++; if ($2 != 200) r[k]++; v[k, n[k]] = $3 }
      END { for (k in n) { m = n[k]; a = int(m * 0.5); b = int(m * 0.9); if (a < 1) a = 1; if (b < 1) b = 1
        printf "%-44s probes %3d, refused %3d, p50 %5.0f ms, p90 %5.0f ms, slowest %5.0f ms\n", k, m, r[k], v[k, a] * 1000,
          v[k, b] * 1000, v[k, m] * 1000 } }' | sort | cut -c3- > "$out/probe-windows.txt"
  grep '^overload\.' "$base" | sed 's/^/  /'
  sed 's/^/  /' "$out/probe-windows.txt"
fi
# JFR=1: the gateway's CPU samples during the simulation (jfr-journeys-top.txt), once the probe and scrapes are done
[ "${JFR:-0}" = 1 ] && jfr_top journeys "$gatling_from" "$gatling_to"
psql -h localhost -p "$pgport" -U postgres -P pager=off -c "select calls, round(total_exec_time::numeric, 0) as total_ms,
    round((total_exec_time / calls)::numeric, 3) as mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) as query
  from pg_stat_statements order by total_exec_time desc limit 25" postgres > "$out/pg-statements.txt" 2>&1 || true
echo "journeys.perSecond=${JOURNEYS:-30}" >> "$base"
echo "lookupFamilies.perSecond=${LOOKUP_FAMILIES:-60}" >> "$base"
echo "spike.factor=${SPIKE:-2}" >> "$base"
soak_status=0
if [ "$profile" = soak ]; then
  echo "== the soak, window by window"
  java -cp "$cp" cn.liangxian.loadtest.Soak "$out" || soak_status=$?
fi

echo "== lost-payment check: the sandbox's confirmed payments against the database"
lost_status=0
# the agency simulator's address, from whichever process ran it (a grep over a missing log would fail the run)
simulator_logs=("$out/gateway.log")
if [ -f "$out/simulators.log" ]; then simulator_logs+=("$out/simulators.log"); fi
agency_url=$(grep -ohP 'Agency simulator +\K\S+' "${simulator_logs[@]}" | head -1 || true)
java -cp "$cp" cn.liangxian.loadtest.LostPayments "http://127.0.0.1:$sandbox_port" "$jdbc" 60 "$agency_url" | tee "$out/lost.txt" \
  || lost_status=$?
echo "lost.status=$lost_status" >> "$base"
echo "elapsed.seconds=$(( $(date +%s) - started ))" >> "$base"

java -cp "$cp" cn.liangxian.loadtest.Summary "$out" | tee "$out/summary.txt"
[ "$gatling_status" = 0 ] && [ "$latency_status" = 0 ] && [ "$lost_status" = 0 ] && [ "$soak_status" = 0 ]
