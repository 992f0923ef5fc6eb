"""A cache of query answers and of the built dataset's N-Quads, so that `kg query` answers at once.

The key hashes everything the build reads (records, ontology files, source texts, base IRI, package
version); any change to them builds afresh. A query answer is cached under that key plus the query's text,
its parameters and the output format, and is read without importing rdflib. The cache lives in
$KG_CACHE_DIR (default ~/.cache/pikg); if it cannot be read or written, everything works without it.

Nothing in the cache is trusted: every file ends with a line holding the SHA-256 of what precedes it (a comment
line, so the N-Quads file stays N-Quads), and a file that is truncated, empty, foreign or altered is ignored and
written again. Nothing read from it can run code: query answers and N-Quads are text, and the state of `kg check`
is read back by an unpickler that builds only the package's own dataclasses (a planted pickle that names any other
callable is refused and the state rebuilt). Every write is flushed to disk before it is renamed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kg import __version__
from kg.base.config import Settings, resource_dir

if TYPE_CHECKING:
    from kg.model.build import KnowledgeGraph

SEAL = b"# pikg-cache sha256 "
KEY_HEX = 32  # hex digits of a SHA-256 kept in a cache file's name: 128 bits, no collision in practice
_SEAL_LENGTH = len(SEAL) + 64 + 1


def cache_dir() -> Path:
    return Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "pikg")


def cache_key(settings: Settings) -> str:
    digest = hashlib.sha256(f"{__version__}\0{settings.base_iri}\0{settings.sources_dir}".encode())
    folders = [settings.records_dir, resource_dir("ontology")]
    if settings.sources_dir and settings.sources_dir.is_dir():
        folders.append(settings.sources_dir)
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if stat.S_ISREG(p.lstat().st_mode)):  # no link leads out
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:KEY_HEX]


def build_cached(settings: Settings) -> KnowledgeGraph:
    """The built graph, its N-Quads kept in the cache for `kg query` (the graph itself is built every time: a
    cached Python object could be swapped for one that runs code when it is read)."""
    from kg.model.build import build

    kg = build(settings)
    if settings.records_dir.is_dir():
        _store(cache_dir() / f"{cache_key(settings)}.nq", kg.nquads())
    return kg


def remember_release(settings: Settings, kg: KnowledgeGraph, release: Path) -> None:
    """After `kg build`: the N-Quads that `kg query` loads, copied from the release (with the ontology, which
    class queries use) rather than written again."""
    from kg.base.files import READ_BLOCK, atomic_writer
    from kg.model.build import ONTOLOGY_GRAPH

    try:
        path = cache_dir() / f"{cache_key(settings)}.nq"
        with atomic_writer(path, durable=True) as handle, (release / "pikg.nq").open("rb") as published:
            digest = _seal_digest(path)
            for block in iter(lambda: published.read(READ_BLOCK), b""):
                digest.update(block)
                handle.write(block)
            _write_sealed(handle, kg.nquads([ONTOLOGY_GRAPH]), digest)
    except OSError:
        pass


def query_store(settings: Settings) -> Any:
    """An Oxigraph store with the built dataset, loaded from the cache's N-Quads (about 10 ms for the bundled
    graph, without importing rdflib's SPARQL engine); built and cached first when missing."""
    from kg.query.store import memory_store, oxigraph_store

    path = cache_dir() / f"{cache_key(settings)}.nq"
    if settings.records_dir.is_dir() and _sealed(path):
        try:
            return memory_store(path)
        except (OSError, SyntaxError, ValueError):
            pass
    return oxigraph_store(build_cached(settings))


def _seal_digest(path: Path) -> Any:
    """The seal's SHA-256, begun with the file's name (its key): an entry copied under another key's name is not
    sealed there."""
    return hashlib.sha256(path.name.encode("utf-8") + b"\0")


def _write_sealed(handle: BinaryIO, data: bytes, digest: Any) -> None:
    """Write data and the seal line: the SHA-256 of the file's name and everything written to the file (`digest`,
    from _seal_digest, has what came before)."""
    digest.update(data)
    handle.write(data)
    handle.write(SEAL + digest.hexdigest().encode() + b"\n")


def _sealed(path: Path) -> bool:
    """Whether a cache file is whole, unaltered and under its own name: a regular file whose last line is the
    SHA-256 of its name and the rest."""
    from kg.base.files import READ_BLOCK

    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < _SEAL_LENGTH:
                return False
            handle.seek(size - _SEAL_LENGTH)
            tail = handle.read()
            if not tail.startswith(SEAL) or not tail.endswith(b"\n"):
                return False
            handle.seek(0)
            digest, left = _seal_digest(path), size - _SEAL_LENGTH
            while left:
                block = handle.read(min(left, READ_BLOCK))
                if not block:
                    return False
                digest.update(block)
                left -= len(block)
            return digest.hexdigest().encode() == tail[len(SEAL):-1]
    except OSError:
        return False


def _read_sealed(path: Path, limit: int = 64 << 20) -> bytes | None:
    """A cache file's content (at most `limit` bytes), or None when it is missing, altered or not ours."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > limit:
            return None
        blob = path.read_bytes()
    except OSError:
        return None
    data, tail = blob[:-_SEAL_LENGTH], blob[-_SEAL_LENGTH:]
    if len(blob) < _SEAL_LENGTH or not tail.startswith(SEAL) or not tail.endswith(b"\n"):
        return None
    digest = _seal_digest(path)
    digest.update(data)
    return data if digest.hexdigest().encode() == tail[len(SEAL):-1] else None


def _store(path: Path, data: bytes) -> None:
    try:
        from kg.base.files import atomic_writer  # only when writing: a cached answer is read without it

        with atomic_writer(path, durable=True) as handle:
            _write_sealed(handle, data, _seal_digest(path))
    except OSError:
        pass


def cached_answer(settings: Settings, query_file: Path, params: dict[str, str], fmt: str,
                  answer: Callable[[], str]) -> str:
    """A query's formatted answer, computed by `answer()` only when not cached for these exact inputs."""
    if not settings.records_dir.is_dir() or not query_file.is_file():
        return answer()
    path = _answer_path(cache_key(settings), query_file, params, fmt)
    cached = _read_sealed(path)
    if cached is not None:
        try:
            return cached.decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = answer()
    _store(path, text.encode("utf-8"))
    return text


def _answer_path(key: str, query_file: Path, params: dict[str, str], fmt: str) -> Path:
    digest = hashlib.sha256(query_file.read_bytes())
    digest.update(repr((sorted(params.items()), fmt)).encode())
    return cache_dir() / f"{key}-{digest.hexdigest()[:KEY_HEX]}.txt"


def warm_answers(settings: Settings, kg: KnowledgeGraph, store: Any = None) -> None:
    """Answer every query that needs no parameter, in every format, so that the first `kg query` after a
    build reads its answer instead of starting the SPARQL engine (on `store` when the build already has one)."""
    from kg.query.sparql import FORMATS, format_result, list_queries, run_query_oxigraph
    from kg.query.store import oxigraph_store

    key = cache_key(settings)
    store = oxigraph_store(kg) if store is None else store
    for spec in list_queries():
        if spec.is_violation_check or any(p.required for p in spec.params.values()):
            continue
        result = run_query_oxigraph(store, spec.name)
        for fmt in FORMATS:
            _store(_answer_path(key, spec.path, {}, fmt), format_result(result, fmt).encode("utf-8"))


_TERMS = {("rdflib.term", "URIRef"), ("rdflib.term", "Literal"), ("rdflib.term", "BNode")}


class _OwnClasses(pickle.Unpickler):
    """Builds only dataclasses of this package, the RDF terms they hold, and pickle's built-in containers and
    scalars: a pickle that names os.system or any other callable fails instead of calling it."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _TERMS:
            return super().find_class(module, name)
        if module.startswith("kg.") and "." not in name:
            import importlib

            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a class of this package's cached state")


def write_state(path: Path, value: Any) -> None:
    """Pickle a dataclass value of ours into the cache, sealed with its checksum."""
    _store(path, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def read_state(path: Path, kind: type | None = None) -> Any:
    """A value written by write_state, or None when the file is missing, altered, not ours, or not of `kind`."""
    data = _read_sealed(path, 4 << 30)
    if data is None:
        return None
    try:
        value = _OwnClasses(io.BytesIO(data)).load()
    except Exception:  # whatever the bytes: a state that does not load is rebuilt
        return None
    return value if kind is None or isinstance(value, kind) else None
