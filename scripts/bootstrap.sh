#!/usr/bin/env bash
# Installs everything the project needs into .venv (and Debian's knot for the DNS tests).
# Idempotent: a second run only checks. Usage: scripts/bootstrap.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-dev}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
req=requirements.txt
[ "$mode" = dev ] && req=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum "$req" requirements.txt | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  touch "$stamp"
fi
if [ "$mode" = dev ] && ! command -v knotd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: knotd (Debian package 'knot') is missing and installing it needs root" >&2
    exit 1
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q knot knot-dnsutils >/dev/null
fi
