#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing (the touch UI's end-to-end test and the kiosk need it).
# Safe to run repeatedly; CI calls it before `mvn verify`.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  chromium --version 2>/dev/null || true
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk
chromium --version
