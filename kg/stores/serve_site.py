"""`kg serve-site`: the static site served over HTTP on loopback, to look at it as a browser will (the standard
library's server is enough; the release's SPARQL server, `kg serve`, is kg/stores/serve.py).

Served files never leave the site folder: every path is resolved (symbolic links, `..`) before it is opened, and
one that ends outside the folder (a link someone put there to /etc/passwd or a home folder) is answered 404, as
a missing file is, so the answer says nothing of what lies outside. Links that stay inside the folder work.
"""
from __future__ import annotations

import functools
import http.server
import os
from pathlib import Path

from kg.base.errors import InputError


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The standard handler, confined to its folder: `translate_path` gives the resolved path, and a request whose
    path resolves outside the folder is answered 404 before the handler opens anything."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        resolved = os.path.realpath(super().translate_path(path))
        trailing = os.sep if path.split("?", 1)[0].split("#", 1)[0].endswith("/") else ""
        return resolved + trailing if resolved != os.sep else resolved

    def _inside(self) -> bool:
        root = os.path.realpath(self.directory)
        path = self.translate_path(self.path).rstrip(os.sep)
        return path == root or path.startswith(root + os.sep)

    def do_GET(self) -> None:
        if not self._inside():
            self.send_error(404, "File not found")
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._inside():
            self.send_error(404, "File not found")
            return
        super().do_HEAD()


def serve_folder(folder: Path, host: str = "127.0.0.1", port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for `folder` bound to host:port (port 0 picks a free one); call serve_forever() to run it."""
    handler = functools.partial(_SiteHandler, directory=os.path.realpath(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
