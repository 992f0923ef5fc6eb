"""The `kg` command: a thin layer over the Python API. Exit codes: 0 ok, 1 the data fails validation,
2 usage or input error. Errors are one message on stderr, never a traceback.

common: the group `cli`, `main` and the options the commands share; graph: build, release, validate, check, query,
export, site, conflicts, stats; curation: new, schema, import-table; servers: serve, serve-site, publish. Importing
this package imports each command module, which registers its commands on the group."""

from __future__ import annotations

import kg.cli.curation
import kg.cli.graph
import kg.cli.servers  # noqa: F401 - likewise
from kg.cli.common import cli, main

__all__ = ["cli", "main"]
