"""`kg serve-site`: the static site served over HTTP on loopback, to look at it as a browser will (the standard
library's server is enough; the release's SPARQL server, `kg serve`, is kg/stores/serve.py)."""
from __future__ import annotations

import functools
import http.server
from pathlib import Path

from kg.base.errors import InputError


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(folder: Path, host: str = "127.0.0.1", port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for `folder` bound to host:port (port 0 picks a free one); call serve_forever() to run it."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
