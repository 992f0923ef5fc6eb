#!/usr/bin/env bash
# Set up, then run the main job: build the graph from the records, validate it and export it to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kg build "$@"
