#!/usr/bin/env bash
# Try the post-deploy checks without AWS: offline plan of the dev stack -> zone file -> knotd on
# loopback (with a stand-in amazonses.com) -> `checks verify` green -> break one record -> red
# report with the fix -> servers stopped (--keep: left up until Ctrl-C, with the command to try).
# Needs knotd (Debian package knot; scripts/bootstrap.sh).
# Usage: scripts/demo.sh [--stack NAME] [--keep [--keep-seconds N]]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v knotd >/dev/null 2>&1; then
  echo "demo: knotd is not installed (Debian package 'knot'; scripts/bootstrap.sh installs it)" >&2
  exit 2
fi
exec .venv/bin/python scripts/demo_checks.py "$@"
