#!/usr/bin/env bash
# Sets up and runs every check: lint, format, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# --fast: the edit loop; everything but the two SIGKILL crash tests (about 4 of 6 minutes).
if [ "${1:-}" = "--fast" ]; then
  shift
  set -- -m "not crash" "$@"
fi
.venv/bin/pytest "$@"
