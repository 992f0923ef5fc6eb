"""What a site is made from, as one fingerprint: the inputs of the graph (kg.query.cache.cache_key: the records,
the source texts, the ontology, the base IRI), the release's date and links, the rest of the model (shapes,
queries), the package's own code and templates, and the Python and library versions that write the files. Two
runs with the same fingerprint write the same site, so the second need not run at all."""

from __future__ import annotations

import hashlib
import stat
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from kg.base.config import ReleaseInfo, Settings, resource_dir
from kg.query.cache import cache_key

_PACKAGE = Path(__file__).resolve().parents[1]  # kg/


def _files(folder: Path) -> Iterator[Path]:
    """The regular files below folder, sorted: as cache_key, no link leads out."""
    for path in sorted(folder.rglob("*")):
        if stat.S_ISREG(path.lstat().st_mode) and "__pycache__" not in path.parts:
            yield path


def fingerprint(settings: Settings, info: ReleaseInfo) -> str:
    digest = hashlib.sha256(f"{cache_key(settings)}\0{sys.version}\0{info!r}\0".encode())
    # every installed distribution's version: pyoxigraph, Jinja2, MarkupSafe, rdflib and the rest write the files
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\0".join(versions).encode())
    for role, folder in (("kg", _PACKAGE), *((name, resource_dir(name)) for name in ("shapes", "queries"))):
        for path in _files(folder):
            digest.update(f"\0{role}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
