#!/usr/bin/env bash
# Sets up and runs followup on the bundled example data (no Google account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
now="${FOLLOWUP_DEMO_NOW:-2026-12-10T12:00:00-05:00}"
echo "== followup status, as of $now"
.venv/bin/followup status --config examples/config.toml --now "$now"
echo
echo "== followup plan --json (first application)"
.venv/bin/followup plan --config examples/config.toml --now "$now" --json \
  | .venv/bin/python -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["applications"][0], indent=1))'
