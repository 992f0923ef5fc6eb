#!/usr/bin/env bash
# Install what the site's browser tests need, if it is missing: axe-core (the accessibility checker, from npm, into
# the git-ignored .cache/axe-core/) and Debian's chromium and chromedriver. Idempotent and quick when present.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.14.1  # pinned: a new axe-core brings new rules, so the tests' verdict changes only when this does
AXE_DIR=.cache/axe-core
installed=$(node -p "require('./$AXE_DIR/node_modules/axe-core/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$AXE_VERSION" ]; then
  npm install --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION" >/dev/null
fi

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "the site tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
