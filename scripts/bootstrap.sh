#!/usr/bin/env bash
# Installs everything the project needs into .venv (and Debian's knot for the DNS tests), from the
# hash-locked files only: pip --require-hashes refuses any file whose sha256 is not in the lock.
# Idempotent: a second run only checks (the stamp is keyed on the lock's content).
# Usage: scripts/bootstrap.sh [runtime|dev]   (scripts/lock.sh regenerates the locks)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-dev}"
case "$mode" in
  runtime) lock=requirements.lock ;;
  dev) lock=requirements-dev.lock ;;
  *)
    echo "bootstrap: mode '${mode:0:200}' is not known: use runtime or dev" >&2
    exit 2
    ;;
esac
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$mode-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
    --only-binary :all: -r "$lock"
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
