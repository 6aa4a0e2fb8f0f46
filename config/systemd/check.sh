#!/usr/bin/env bash
# Checks the files a site installs on machines of its own: the systemd units and the drop-in for Debian's Patroni and
# etcd units (systemd-analyze verify, as systemd would load them) and HAProxy's configuration with the site's example
# addresses (haproxy -c). Installs Debian's
# systemd and haproxy first where they are missing. The gateway's settings file is checked by the gateway's tests
# (DeploymentFilesTest: every GATEWAY_* variable in it is one the gateway knows), and so are etcd's and Patroni's
# settings files (they agree with each other and with the balancer's; loadtest/cluster.sh runs them on loopback).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../../.ci/ensure-debian-packages.sh" systemd haproxy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the units as installed, each beside what it names: its user's account and the files it runs
for unit in liangxian-gateway.service liangxian-kiosk-agent.service liangxian-kiosk-browser.service; do
  out=$(systemd-analyze verify --man=no "$here/$unit" 2>&1 | grep -v -E "Special user|/opt/liangxian/.*(is not executable|No such file)" || true)
  if [ -n "$out" ]; then
    echo "$unit: $out" >&2
    exit 1
  fi
  echo "$unit: verified"
done

# the drop-in for Debian's patroni@.service and etcd.service, as systemd loads it beside units of those names
mkdir -p "$work/units"
for unit in patroni@.service etcd.service; do
  printf '[Service]\nExecStart=/bin/true\n' > "$work/units/$unit"
  mkdir -p "$work/units/$unit.d"
  cp "$here/after-network-online.conf" "$work/units/$unit.d/"
done
for unit in patroni@15-main.service etcd.service; do
  out=$(SYSTEMD_UNIT_PATH="$work/units:" systemd-analyze verify --man=no "$unit" 2>&1 || echo "systemd-analyze failed")
  if [ -n "$out" ]; then
    echo "after-network-online.conf for $unit: $out" >&2
    exit 1
  fi
done
echo "after-network-online.conf: verified"

# HAProxy with the site's addresses, exactly as Debian's unit starts it (its environment file, then -c)
mkdir -p "$work/run"
cp "$here/../cluster/503.http" "$work/"
(set -a; . "$here/haproxy.env"; LX_RUN_DIR=$work/run LX_CONFIG_DIR=$work; set +a
  haproxy -c -f "$here/../cluster/haproxy.cfg")
echo "haproxy.cfg with haproxy.env: valid"
