#!/usr/bin/env bash
# Set up (the project, and Debian's chromium for the site's browser tests), then run the linter and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/browser.sh
.venv/bin/ruff check kg tests benchmarks
.venv/bin/python -m pytest -n auto "$@"  # a worker per core (pytest-xdist): the suite in half the time on 2 cores
