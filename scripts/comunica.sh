#!/usr/bin/env bash
# Install Comunica, the third SPARQL engine the portable-query tests run every bundled query on, from npm into the
# git-ignored tests/comunica/node_modules/: exactly the versions tests/comunica/package-lock.json pins (`npm ci`).
# Idempotent and quick when that lock file is what is installed.
set -euo pipefail
cd "$(dirname "$0")/../tests/comunica"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "the portable-query tests need Node.js 20 or later and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
if cmp -s package-lock.json node_modules/.pikg-installed-lock.json; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
cp package-lock.json node_modules/.pikg-installed-lock.json
