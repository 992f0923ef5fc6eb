"""A cache of the built graph and of query answers, so that `kg query` answers at once.

The key hashes everything the build reads (records, ontology files, source texts, base IRI, package
version); any change to them builds afresh. A query answer is cached under that key plus the query's text,
its parameters and the output format, and is read without importing rdflib. The cache lives in
$KG_CACHE_DIR (default ~/.cache/pikg); if it cannot be read or written, everything works without it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import Settings, resource_dir

if TYPE_CHECKING:
    from .build import KnowledgeGraph


def cache_dir() -> Path:
    return Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "pikg")


def cache_key(settings: Settings) -> str:
    digest = hashlib.sha256(f"{__version__}\0{settings.base_iri}\0{settings.sources_dir}".encode())
    folders = [settings.records_dir, resource_dir("ontology")]
    if settings.sources_dir and settings.sources_dir.is_dir():
        folders.append(settings.sources_dir)
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            digest.update(f"\0{path}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def build_cached(settings: Settings, refresh: bool = False) -> KnowledgeGraph:
    """The built graph, from the cache when its inputs have not changed; `refresh` builds afresh and stores it
    (what `kg build` does, so that the next `kg query` starts from the cache)."""
    from .build import build

    if not settings.records_dir.is_dir():
        return build(settings)  # let build report the missing folder
    path = cache_dir() / f"{cache_key(settings)}.pickle"
    if not refresh:
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            pass
    kg = build(settings)
    _store(path, pickle.dumps(kg, protocol=pickle.HIGHEST_PROTOCOL))
    _store(path.with_suffix(".nq"), kg.nquads())
    return kg


def remember_release(settings: Settings, kg: KnowledgeGraph, release: Path) -> None:
    """After `kg build`: the N-Quads that `kg query` loads, copied from the release (with the ontology, which
    class queries use) rather than written again; the pickled graph is left to the first command that needs it."""
    from .build import ONTOLOGY_GRAPH
    from .export import atomic_writer

    try:
        with atomic_writer(cache_dir() / f"{cache_key(settings)}.nq") as handle, \
                (release / "pikg.nq").open("rb") as published:
            shutil.copyfileobj(published, handle, 1 << 22)
            handle.write(kg.nquads([ONTOLOGY_GRAPH]))
    except OSError:
        pass


def query_store(settings: Settings) -> Any:
    """An Oxigraph store with the built dataset, loaded from the cache's N-Quads (about 10 ms for the bundled
    graph, without importing rdflib's SPARQL engine); built and cached first when missing."""
    import pyoxigraph as ox

    path = cache_dir() / f"{cache_key(settings)}.nq"
    store = ox.Store()
    if settings.records_dir.is_dir() and path.is_file():
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            return store
        except (OSError, SyntaxError):
            store = ox.Store()
    from .query import oxigraph_store

    return oxigraph_store(build_cached(settings, refresh=True))


def _store(path: Path, data: bytes) -> None:
    from .export import write_atomic

    try:
        write_atomic(path, data)
    except OSError:
        pass


def cached_answer(settings: Settings, query_file: Path, params: dict[str, str], fmt: str,
                  answer: Callable[[], str]) -> str:
    """A query's formatted answer, computed by `answer()` only when not cached for these exact inputs."""
    if not settings.records_dir.is_dir() or not query_file.is_file():
        return answer()
    path = _answer_path(cache_key(settings), query_file, params, fmt)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = answer()
    _store(path, text.encode("utf-8"))
    return text


def _answer_path(key: str, query_file: Path, params: dict[str, str], fmt: str) -> Path:
    digest = hashlib.sha256(query_file.read_bytes())
    digest.update(repr((sorted(params.items()), fmt)).encode())
    return cache_dir() / f"{key}-{digest.hexdigest()[:32]}.txt"


def warm_answers(settings: Settings, kg: KnowledgeGraph, store: Any = None) -> None:
    """Answer every query that needs no parameter, in every format, so that the first `kg query` after a
    build reads its answer instead of starting the SPARQL engine (on `store` when the build already has one)."""
    from .query import FORMATS, format_result, list_queries, oxigraph_store, run_query_oxigraph

    key = cache_key(settings)
    store = oxigraph_store(kg) if store is None else store
    for spec in list_queries():
        if spec.is_violation_check or any(p.required for p in spec.params.values()):
            continue
        result = run_query_oxigraph(store, spec.name)
        for fmt in FORMATS:
            _store(_answer_path(key, spec.path, {}, fmt), format_result(result, fmt).encode("utf-8"))
