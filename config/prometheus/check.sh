#!/usr/bin/env bash
# Checks the monitoring configuration: Prometheus's configuration and alert rules, the rules' unit tests
# (alerts.test.yml) and Alertmanager's routing. Installs Debian's prometheus and prometheus-alertmanager (for promtool
# and amtool) when they are missing. CI runs it; run it after changing any file here.
set -euo pipefail
cd "$(dirname "$0")"
../../.ci/ensure-debian-packages.sh promtool=prometheus amtool=prometheus-alertmanager
promtool check config prometheus.yml
promtool test rules alerts.test.yml
amtool check-config alertmanager.yml
