#!/usr/bin/env bash
# Opens the agent's touch UI full screen in Chromium kiosk mode (no address bar, no gestures out of the page).
#   scripts/kiosk-browser.sh [url] [portrait|landscape]
set -euo pipefail
URL="${1:-http://127.0.0.1:8700/}"
ORIENTATION="${2:-portrait}"
if [ "$ORIENTATION" = "portrait" ]; then SIZE="1080,1920"; else SIZE="1920,1080"; fi
PROFILE="${KIOSK_BROWSER_PROFILE:-$HOME/.cache/liangxian-kiosk-browser}"
mkdir -p "$PROFILE"
# wait for the agent
for _ in $(seq 1 60); do
  if curl -fsS "${URL%/}/api/state" >/dev/null 2>&1; then break; fi
  sleep 1
done
exec chromium --kiosk --app="$URL" --window-position=0,0 --window-size="$SIZE" \
  --user-data-dir="$PROFILE" --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --disable-quic --disable-translate --disable-features=TranslateUI,Translate \
  --disable-pinch --overscroll-history-navigation=0 --noerrdialogs --disable-session-crashed-bubble \
  --autoplay-policy=no-user-gesture-required --lang=zh-CN --check-for-update-interval=31536000
