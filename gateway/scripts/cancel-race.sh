#!/bin/sh
# The cancel-versus-pay race across channels at full size: 1,000 rounds (CI runs a seeded 200).
# Usage, from anywhere: gateway/scripts/cancel-race.sh [rounds] [seed]
# Prints "cancel-vs-pay race: N rounds ... charged twice: 0; T s" and exits non-zero if any resident was charged twice.
set -e
cd "$(dirname "$0")/../.."
ROUNDS="${1:-1000}"
SEED="${2:-20191215}"
LOG="$(mktemp)"
status=0
mvn -B -ntp -pl gateway -am verify -Dtest=CancelPayRaceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drace.rounds="$ROUNDS" -Drace.seed="$SEED" > "$LOG" 2>&1 || status=$?
grep -h "cancel-vs-pay race:" "$LOG" || true
if [ "$status" -ne 0 ]; then
  grep -E "FAIL|ERROR" "$LOG" | head -40
fi
rm -f "$LOG"
exit "$status"
