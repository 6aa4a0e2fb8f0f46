# reliability/run.sh faults: residents paying while the gateway is killed, PostgreSQL stopped, the channel misbehaves.
#
# Its own PostgreSQL (Debian's binaries, run as the postgres user, data under a fresh folder), the channel
# sandbox as a process of its own (never killed: its ledger is the truth the checks compare with), and one
# gateway paying through the sandbox as through the real channels. Timeline (FAULT_SECONDS, default 240):
# journeys all along; notifications delayed 3 s, then dropped; the gateway SIGKILLed at random moments and
# started again; PostgreSQL stopped in immediate mode for 10 s; the channel's API failing for a minute.
# Then the recovery window, and the checks: lost and double (loadtest's, shared), every order a client saw
# created accounted for, none stuck PAYING.
seconds=${FAULT_SECONDS:-240}
expiry_minutes=1
say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$out/events.txt"; }
# Debian's PostgreSQL server (and its postgres user), installed when missing (as root)
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "faults: PostgreSQL's server binaries are needed (apt-get install postgresql)" >&2; exit 2; }
  say "installing postgresql (Debian's package)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1)")
[ -x "$pg_bin/pg_ctl" ] || { echo "faults: PostgreSQL's server binaries are needed (apt-get install postgresql)" >&2; exit 2; }
id postgres >/dev/null 2>&1 || { echo "faults: a 'postgres' user is needed (Debian's postgresql package makes it)" >&2; exit 2; }
PGBIN=$pg_bin
mkdir -p "$out/pg" "$out/pglog" && chown postgres: "$out/pg" "$out/pglog" && chmod 700 "$out/pg"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$password" > "$out/pwfile" && chown postgres: "$out/pwfile"
runuser -u postgres -- "$pg_bin/initdb" -D "$out/pg" -U postgres --pwfile="$out/pwfile" -A scram-sha-256 >/dev/null
pg() { runuser -u postgres -- "$pg_bin/pg_ctl" -D "$out/pg" -l "$out/pglog/postgres.log" -w "$@" >/dev/null; }
pg start -o "-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1"
say "PostgreSQL on 127.0.0.1:$pg_port"

mkdir -p "$out/keys"
SANDBOX_PORT=$sandbox_port SANDBOX_KEY_DIR=$out/keys java -Xmx512m -jar "$out/lib/channel-sandbox.jar" > "$out/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do grep -q "listening on port" "$out/sandbox.log" && break; sleep 1; done
serial=$(tr -d '\n' < "$out/keys/wechat-pay-public-key.serial")
python3 loadtest/sandbox-gateway-config.py "$out/gateway.yaml" "$sandbox_port" "$serial"
say "channel sandbox on 127.0.0.1:$sandbox_port (its own process)"

export GATEWAY_CONFIG=$out/gateway.yaml GATEWAY_KEY_DIR=$out/keys GATEWAY_SANDBOX=false GATEWAY_DEMO_ROSTER=false \
  GATEWAY_DB_URL="postgresql://postgres:$password@127.0.0.1:$pg_port/postgres" GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$gw_port \
  GATEWAY_DATA_DIR=$out/gw GATEWAY_PUBLIC_URL="http://127.0.0.1:$gw_port" GATEWAY_OPERATOR_ADMIN_PASSWORD=$password \
  GATEWAY_ORDER_EXPIRY_MINUTES=$expiry_minutes GATEWAY_SWEEP_MILLIS=2000 \
  GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000 GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_ANONYMOUS_LOOKUP_BURST=1000000 GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 \
  GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000 GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000
gw=
start_gateway() {
  java $gateway_jvm -jar "$out/lib/gateway.jar" >> "$out/gateway.log" 2>&1 &
  gw=$!
  pids+=($gw)
  for _ in $(seq 600); do curl -sf --max-time 2 "http://127.0.0.1:$gw_port/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "faults: the gateway did not become ready; see $out/gateway.log" >&2
  return 1
}
start_gateway
say "gateway on 127.0.0.1:$gw_port"

# residents: one-person households of 河东区 (the whole-family rule then asks for no one else), imported as an operator would
roster=$out/roster.csv residents=$out/residents.txt
java -cp "$cp" cn.liangxian.reliability.faults.Residents 400 "$roster" "$residents"
token=$(curl -sf -X POST "http://127.0.0.1:$gw_port/api/v1/operator/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf -X POST "http://127.0.0.1:$gw_port/api/v1/operator/rosters?file=residents.csv" -H "Authorization: Bearer $token" \
  -H 'Content-Type: text/csv' --data-binary @"$roster" > "$out/import.json"
say "roster imported: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("imported"))' "$out/import.json") persons"

faults() { curl -sf -X POST "http://127.0.0.1:$sandbox_port/sandbox/faults" -H 'Content-Type: application/json' -d "$1"; }
java -cp "$cp" cn.liangxian.reliability.faults.Journeys "http://127.0.0.1:$gw_port" "$residents" "$out/created.txt" "$seconds" 6 "http://127.0.0.1:$sandbox_port" \
  > "$out/journeys.txt" 2>&1 &
journeys=$!
pids+=($journeys)
slice=$((seconds / 8))
kill_gateway() {
  sleep $((RANDOM % 5)).$((RANDOM % 10))
  say "SIGKILL gateway"
  kill -KILL "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true
  start_gateway
  say "gateway ready again"
}
sleep $slice; faults '{"notifyDelayMs":3000}'; say "notifications delayed 3 s"
sleep $slice; kill_gateway
sleep $slice; faults '{"dropNotifications":true}'; say "notifications dropped (the gateway must ask the channel)"
sleep $slice; say "PostgreSQL stopped (immediate)"; pg stop -m immediate; sleep 10
pg start -o "-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1"; say "PostgreSQL started again"
sleep $slice; faults '{"failCalls":1000000}'; say "channel API failing for a minute (500 SYSTEM_ERROR)"
sleep 60; faults '{}'; say "channel API answering again, faults off"
kill_gateway
wait $journeys || true
say "journeys ended: $(cat "$out/journeys.txt")"
window=$((expiry_minutes * 60 + 60))
say "recovery window: expiry ($expiry_minutes min) and the sweeps after it, $window s"
sleep $window

jdbc="jdbc:postgresql://127.0.0.1:$pg_port/postgres?user=postgres&password=$password"
status=0
java -cp "$cp" cn.liangxian.loadtest.LostPayments "http://127.0.0.1:$sandbox_port" "$jdbc" 60 | tee "$out/lost.txt" || status=1
java -cp "$cp" cn.liangxian.loadtest.checks.DoubleCharges "$jdbc" | tee "$out/double.txt" || status=1
java -cp "$cp" cn.liangxian.reliability.faults.FaultChecks "jdbc:postgresql://127.0.0.1:$pg_port/postgres" postgres "$password" \
  "$out/created.txt" 60 | tee "$out/accounted.txt" || status=1
# the gateway's own answers: an outage is 503 with Retry-After; any other 5xx is a fault of ours ("never a 500")
grep '"loggerName":"cn.liangxian.gateway.http.AccessLog"' "$out/gateway.log" \
  | grep -oP '"formattedMessage":"\S+ \S+ \K5[0-9][0-9](?= )' | sort | uniq -c > "$out/5xx.txt" || true
internal=$(awk '$2 != 503 {n += $1} END {print n + 0}' "$out/5xx.txt")
echo "server errors: $(awk '{printf "%s%s: %s", sep, $2, $1; sep = ", "}' "$out/5xx.txt"); other than 503: $internal" \
  | tee "$out/server-errors.txt"
[ "$internal" = 0 ] || status=1
echo "faults: lost $(grep -oP 'lost \K[0-9]+' "$out/lost.txt" || echo '?'), double $(grep -oP 'double \K[0-9]+' "$out/double.txt" || echo '?'), 5xx other than 503 $internal; events and reports in $out"
exit $status
