#!/usr/bin/env bash
# Mutation testing, outside CI: each module of scripts/mutation.toml mutated by mutmut (settings in
# pyproject.toml [tool.mutmut]) and run against the tests that cover it, one module at a time,
# at most 2 mutants at once. Writes the score table to out/mutation/scores.txt and scores.json.
#   scripts/mutation.sh [MODULE ...] [--max-children 1|2] [--timeout SECONDS] [--report]
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/mutation.py "$@"
