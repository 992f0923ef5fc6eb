"""What a site is made from, as one fingerprint: the records and source texts `kg site` is given, the model
(ontology, shapes, queries), the package's own code and templates, and the settings and environment that change
its output. Two runs with the same fingerprint write the same site, so the second need not run at all."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from kg import __version__
from kg.base.config import Settings, resource_dir

_PACKAGE = Path(__file__).resolve().parents[2]  # kg/
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)  # the release date's fallback (kg.publish.metadata)


def _files(folder: Path | None) -> Iterator[Path]:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path


def fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    digest.update(f"pikg {__version__}\0{settings.base_iri}\0".encode())
    for name in ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    folders = [("records", settings.records_dir), ("sources", settings.sources_dir), ("kg", _PACKAGE),
               *((name, resource_dir(name)) for name in ("ontology", "shapes", "queries"))]
    for role, folder in folders:
        for path in _files(folder):
            assert folder is not None
            digest.update(f"{role}/{path.relative_to(folder).as_posix()}\0".encode())
            with path.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
            digest.update(b"\0")
    return digest.hexdigest()
