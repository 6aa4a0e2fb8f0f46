#!/usr/bin/env bash
# Checks the monitoring configuration: Prometheus's configurations (the demo's prometheus.yml, a site's site.yml) with
# the alert rules they name, the rules' unit tests (alerts.test.yml, alerts-weeks.test.yml, cluster-alerts.test.yml)
# and Alertmanager's routing. Installs Debian's prometheus and prometheus-alertmanager (for promtool and amtool) when they are missing. CI
# runs it; run it after changing any file here.
set -euo pipefail
cd "$(dirname "$0")"
../../.ci/ensure-debian-packages.sh promtool=prometheus amtool=prometheus-alertmanager
promtool check config prometheus.yml
promtool check config site.yml
promtool test rules alerts.test.yml alerts-weeks.test.yml cluster-alerts.test.yml
amtool check-config alertmanager.yml
