#!/usr/bin/env bash
# Installs the Debian packages given that are missing, as root or through sudo. Each argument is a package, or
# "command=package" when a command on the PATH tells whether the package is there. Safe to run repeatedly.
#   .ci/ensure-debian-packages.sh chromium fonts-noto-cjk promtool=prometheus
set -euo pipefail
missing=()
for want in "$@"; do
  if [[ "$want" == *=* ]]; then
    command -v "${want%%=*}" >/dev/null 2>&1 || missing+=("${want#*=}")
  else
    [ "$(dpkg-query -W -f='${Status}' "$want" 2>/dev/null)" = "install ok installed" ] || missing+=("$want")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
