# reliability/run.sh fuzz: a gateway of its own (embedded PostgreSQL, sandbox channels), then the fuzzer.
requests=${FUZZ_REQUESTS:-100000}
admin_password=fuzz-admin-password-$$
export GATEWAY_DATA_DIR=$out/data GATEWAY_PORT=$gw_port GATEWAY_SANDBOX_PORT=$sandbox_port GATEWAY_HOST=127.0.0.1 \
  GATEWAY_PUBLIC_URL=http://127.0.0.1:$gw_port GATEWAY_DB_DURABLE=false GATEWAY_OPERATOR_ADMIN_PASSWORD=$admin_password \
  GATEWAY_ORDER_EXPIRY_MINUTES=600 GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS=100000000 \
  GATEWAY_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_LOOKUP_BURST=1000000 GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS=1000000000 \
  GATEWAY_LOOKUP_BURST_PER_ADDRESS=1000000 GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE=1000000000 GATEWAY_ANONYMOUS_LOOKUP_BURST=1000000
java $gateway_jvm -XX:NativeMemoryTracking=summary -jar "$out/lib/gateway.jar" > "$out/gateway.log" 2>&1 &
gw=$!
pids+=($gw)
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$gw_port/health/ready" >/dev/null || { echo "the gateway did not start; see $out/gateway.log" >&2; exit 1; }
# the embedded PostgreSQL's port, from its postmaster.pid (the fourth line), written before the gateway was ready
pgport=$(sed -n 4p "$(find "$out/data" -name postmaster.pid | head -1)")
jdbc="jdbc:postgresql://127.0.0.1:$pgport/postgres"
# the finance account the fuzzer acts as: made on the server, as the accounts API makes no account that moves money
PGHOST=127.0.0.1 PGPORT=$pgport PGUSER=postgres PGDATABASE=postgres PGPASSWORD="$(cat "$out/data/keys/postgres.password")" \
  GATEWAY_OPERATOR_PASSWORD=fuzz-finance-password-long java -jar "$out/lib/gateway.jar" operator add fuzz-finance finance \
  > "$out/operator-add.log" 2>&1 || { echo "the finance account was not created; see $out/operator-add.log" >&2; exit 1; }
memory "before" $gw | tee "$out/memory-before.txt"
status=0
# FUZZ_JAVA_OPTS: the fuzzer's own system properties, e.g. -Dfuzz.strictChinese=true
java ${FUZZ_JAVA_OPTS:-} -Dfuzz.seconds="${FUZZ_SECONDS:-7200}" -cp "$cp" cn.liangxian.reliability.fuzz.FuzzMain 127.0.0.1 $gw_port "$jdbc" postgres "$(cat "$out/data/keys/postgres.password")" \
  "$admin_password" "$requests" "${FUZZ_SEED:-20261201}" "${FUZZ_CONCURRENCY:-8}" | tee "$out/tally.txt" || status=$?
kill -0 $gw 2>/dev/null && echo "process alive: yes" || { echo "process alive: NO"; status=1; }
memory "after" $gw | tee "$out/memory-after.txt"
echo "reports in $out"
exit $status
