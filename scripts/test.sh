#!/usr/bin/env bash
# The test command: installs what the tests need, then ruff, pyright and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/pyright
.venv/bin/python -m pytest "$@"
