#!/usr/bin/env bash
# Checks the monitoring configuration: Prometheus's configuration and alert rules, the rules' unit tests
# (alerts.test.yml) and Alertmanager's routing. Installs Debian's prometheus and prometheus-alertmanager (for promtool
# and amtool) when they are missing. CI runs it; run it after changing any file here.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
promtool check config prometheus.yml
promtool test rules alerts.test.yml
amtool check-config alertmanager.yml
