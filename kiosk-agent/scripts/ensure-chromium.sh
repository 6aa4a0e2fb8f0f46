#!/usr/bin/env bash
# Installs Debian's Chromium and CJK fonts, each when it is missing (the touch UI's end-to-end tests and the
# kiosk need both: without the fonts every Chinese character is a box). Safe to run repeatedly; CI calls it
# before `mvn verify`.
set -euo pipefail
"$(dirname "$0")/../../.ci/ensure-debian-packages.sh" chromium=chromium fonts-noto-cjk
chromium --version 2>/dev/null || true
