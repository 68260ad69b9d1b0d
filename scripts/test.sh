#!/usr/bin/env bash
# The test command: installs what the tests need (hash-locked), then ruff, pyright, zizmor over
# every workflow (offline: no finding is allowed) and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/pyright
.venv/bin/zizmor --offline --quiet .github/workflows/
.venv/bin/python -m pytest "$@"
