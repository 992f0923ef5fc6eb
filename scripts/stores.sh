#!/usr/bin/env bash
# Install the SPARQL store the publish tests start besides Oxigraph's (which comes from PyPI with the project):
# Debian's Virtuoso 7 server, if it is missing. The tests configure it themselves (loopback only, free ports, a
# temporary database). Idempotent and quick when present.
set -euo pipefail

if command -v virtuoso-t >/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "the store tests need Debian's Virtuoso: sudo apt-get install virtuoso-opensource-7-bin" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null
