#!/usr/bin/env bash
# Set up (the project, Debian's chromium for the site's browser tests, Debian's Virtuoso for the store tests and
# Comunica from npm for the portable-query tests), then run the linter, the type checker and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/browser.sh
bash scripts/stores.sh
bash scripts/comunica.sh
.venv/bin/ruff check kg tests benchmarks
.venv/bin/mypy  # the package's type hints ([tool.mypy] in pyproject.toml)
.venv/bin/python -m pytest -n auto "$@"  # a worker per core (pytest-xdist): the suite in half the time on 2 cores
