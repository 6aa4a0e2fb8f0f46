#!/usr/bin/env bash
# Lookup benchmark over a million persons: the gateway (wrk, closed model, and LookupLoad, open model)
# against the same SQL through pgbench on the same database. Loopback only; stops by itself.
#   gateway/bench/run.sh            (from the repository's top folder; needs wrk and pgbench: apt-get install wrk postgresql-client)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
export GATEWAY_DATA_DIR=$work/data GATEWAY_PORT=18080 GATEWAY_SANDBOX_PORT=18090 GATEWAY_DEMO_ROSTER=false \
  GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000 GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000 \
  GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000 GATEWAY_DB_POOL_SIZE=16
mvn -q -B -DskipTests package
mvn -q -B -pl gateway dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
java -jar gateway/target/gateway.jar roster generate 357000 "$work"
java -Xmx8g -jar gateway/target/gateway.jar roster import "$work/village-roster.csv" "$work/department-lists.csv" | grep -v '^  line'
java -jar gateway/target/gateway.jar > "$work/gateway.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf http://127.0.0.1:18080/health/ready >/dev/null && break; sleep 1; done
pgport=$(grep -oP 'started on port \K[0-9]+' "$work/gateway.log")
psql -q -h localhost -p "$pgport" -U postgres -f gateway/bench/keys.sql
rows=$(psql -h localhost -p "$pgport" -U postgres -Atc "select count(*) from bench_keys")
python3 - "$work/village-roster.csv" "$work/bodies.txt" <<'PY'
import json, random, sys
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()[1:]
random.seed(1)
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    for l in random.sample(lines, 200000):
        p = l.split(','); f.write(json.dumps({'idNumber': p[4], 'name': p[5]}, ensure_ascii=False) + '\n')
PY
BODIES=$work/bodies.txt wrk -t2 -c64 -d10s -s gateway/bench/lookup.lua http://127.0.0.1:18080 >/dev/null   # warm-up
echo "== pgbench: the lookup SQL, 16 clients"
pgbench -h localhost -p "$pgport" -U postgres -n -M prepared -c 16 -j 2 -T 20 -D rows="$rows" -f gateway/bench/lookup.pgbench.sql postgres | grep -E 'tps|latency average'
echo "== gateway: POST /api/v1/lookup, 64 connections"
BODIES=$work/bodies.txt wrk -t2 -c64 -d20s --latency -s gateway/bench/lookup.lua http://127.0.0.1:18080 | grep -E 'Requests/sec|50%|99%|Non-2xx'
rate=${RATE:-$(BODIES=$work/bodies.txt wrk -t2 -c64 -d10s -s gateway/bench/lookup.lua http://127.0.0.1:18080 | awk '/Requests\/sec/ {printf "%d", $2 * 0.8}')}
echo "== gateway at $rate lookups/s (80% of the maximum), open model"
java -cp "$(cat "$work/cp.txt"):gateway/target/classes:gateway/target/test-classes" cn.liangxian.gateway.bench.LookupLoad \
  http://127.0.0.1:18080 "$work/village-roster.csv" rate "$rate" 20
