#!/usr/bin/env bash
# Hostile input and faults, each in one command, on loopback only; each run stops by itself.
#
#   reliability/run.sh fuzz      >= 100,000 hostile requests (FUZZ_REQUESTS, FUZZ_SEED) against a gateway of its own
#   reliability/run.sh faults    live payments while the gateway is killed, PostgreSQL stopped, the channel misbehaves
#
# BUILD=0 skips the Maven build (done anyway when a jar or the classpath it writes is missing). Ports: fuzz 28080
# (gateway), 28090 (channel sandbox); faults 28180, 28190 and 28432 (its PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
case "$what" in fuzz|faults) ;; *) echo "usage: reliability/run.sh fuzz|faults" >&2; exit 2 ;; esac
out=reliability/target/runs/$(date +%Y%m%d-%H%M%S)-$what
mkdir -p "$out"
out=$(cd "$out" && pwd)
gw_port=28080 sandbox_port=28090 pg_port=28432
[ "$what" = faults ] && gw_port=28180 sandbox_port=28190

classpath_file=$PWD/reliability/target/classpath.txt
if [ "${BUILD:-1}" != 0 ] || [ ! -f "$classpath_file" ] || [ ! -f gateway/target/gateway.jar ] \
    || [ ! -f channel-sandbox/target/channel-sandbox.jar ]; then
  echo "== build"
  mvn -q -B -DskipTests -pl reliability,channel-sandbox,loadtest -am package dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
fi
# the run works on copies, so that a build during the run changes nothing under it
mkdir -p "$out/lib"
cp -r reliability/target/classes "$out/lib/reliability-classes"
cp -r loadtest/target/classes "$out/lib/loadtest-classes"
cp gateway/target/gateway.jar channel-sandbox/target/channel-sandbox.jar "$out/lib/"
cp="$out/lib/reliability-classes:$out/lib/loadtest-classes"
for entry in $(tr ':' ' ' < "$classpath_file"); do
  case "$entry" in
    "$PWD"/*) cp -r "$entry" "$out/lib/$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry")"
      cp="$cp:$out/lib/$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry")" ;;
    *) cp="$cp:$entry" ;;
  esac
done
# the gateway's JVM as the README recommends for production: a bounded heap given back to the system when idle
gateway_jvm=${GATEWAY_JAVA_OPTS:--Xmx512m -XX:G1PeriodicGCInterval=15000}

pids=()
cleanup() {
  # each reaped here, its "Killed" kept from the terminal: an end the script chose, not a crash
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -f "$out/data/postgres/postmaster.pid" ] && kill -9 "$(head -1 "$out/data/postgres/postmaster.pid")" 2>/dev/null || true
  [ -n "${PGBIN:-}" ] && [ -f "$out/pg/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$out/pg" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$out/data" "$out/pg"
}
trap cleanup EXIT

# memory of a process: RSS, heap used/committed, and the JVM's own account by category (Native Memory Tracking)
memory() { # label pid
  local rss heap
  rss=$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$2/status")
  heap=$(jcmd "$2" GC.heap_info 2>/dev/null | awk '/garbage-first heap|total/ { for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i+1); if ($i == "used") u = $(i+1) } printf "%d/%d", u / 1024, t / 1024; exit }')
  echo "$1: gateway RSS ${rss} MiB, heap used/committed ${heap} MiB"
  jcmd "$2" VM.native_memory summary 2>/dev/null | grep -E '^-\s+(Java Heap|Thread|Class|Code|GC|Internal|Other|Arena Chunk)|^Total' \
    | sed -E 's/\(reserved=[0-9]+KB, //; s/\)//' | sed 's/^/    /' || true
}

case "$what" in
  fuzz) source reliability/fuzz.sh ;;
  faults) source reliability/faults.sh ;;
esac
