#!/usr/bin/env bash
# Installs Debian's Chromium and CJK fonts, each when it is missing (the touch UI's end-to-end tests and the
# kiosk need both: without the fonts every Chinese character is a box). Safe to run repeatedly; CI calls it
# before `mvn verify`.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
chromium --version 2>/dev/null || true
