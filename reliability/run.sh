#!/usr/bin/env bash
# Hostile input and faults, each in one command, on loopback only; each run stops by itself.
#
#   reliability/run.sh fuzz      >= 100,000 hostile requests (FUZZ_REQUESTS, FUZZ_SEED) against a gateway of its own
#   reliability/run.sh faults    live payments while the gateway is killed, PostgreSQL stopped, the channel misbehaves
#
# BUILD=0 skips the Maven build. Ports 28080 (gateway), 28090 (channel sandbox), 28432 (PostgreSQL of the fault run).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
case "$what" in fuzz|faults) ;; *) echo "usage: reliability/run.sh fuzz|faults" >&2; exit 2 ;; esac
out=reliability/target/runs/$(date +%Y%m%d-%H%M%S)-$what
mkdir -p "$out"
out=$(cd "$out" && pwd)
gw_port=28080 sandbox_port=28090 pg_port=28432

classpath_file=$PWD/reliability/target/classpath.txt
if [ "${BUILD:-1}" != 0 ]; then
  echo "== build"
  mvn -q -B -DskipTests -pl reliability,channel-sandbox -am package dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
fi
cp="$PWD/reliability/target/classes:$(cat "$classpath_file")"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -f "$out/data/postgres/postmaster.pid" ] && kill -9 "$(head -1 "$out/data/postgres/postmaster.pid")" 2>/dev/null || true
  [ -n "${PGBIN:-}" ] && [ -d "$out/pg" ] && "$PGBIN/pg_ctl" -D "$out/pg" stop -m immediate >/dev/null 2>&1 || true
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
