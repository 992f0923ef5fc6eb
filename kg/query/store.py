"""Oxigraph stores, opened in one place: in memory from N-Quads (a built graph, a release, the cache's copy), or
on disk for the incremental check. Every engine that answers the bundled queries or the compiled shapes reads one
of these."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib import Dataset


def memory_store(*sources: bytes | Path) -> Any:
    """An in-memory store of N-Quads, each source the bytes or the path of an N-Quads document."""
    store = ox.Store()
    for source in sources:
        if isinstance(source, Path):
            store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_load(source, format=ox.RdfFormat.N_QUADS)
    return store


def oxigraph_store(dataset: Dataset | Any) -> Any:
    """An in-memory Oxigraph store holding the named graphs of a built KnowledgeGraph (read from its N-Quads)
    or of an rdflib Dataset: a fast engine for the same queries."""
    if hasattr(dataset, "nquads"):
        return memory_store(dataset.nquads())
    from kg.base.terms import to_ox  # rdflib, which `kg query` from the cache never needs

    store = ox.Store()
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g)))  # type: ignore[arg-type]  # rdflib types every
        # term of a quad as Node: a subject is never a literal and a predicate always an IRI, as to_ox gives them
        for s, p, o, g in dataset.quads((None, None, None, None))
        if g is not None and str(g) != "urn:x-rdflib:default"
    )
    return store


def released_store(kg: Any, folder: Path) -> Any:
    """A store of the statements written to `folder` (pikg.nq), with the ontology, which the shapes' class
    targets need: what the verdict judges, so that it judges exactly what is released."""
    from kg.model.build import ONTOLOGY_GRAPH

    return memory_store(folder / "pikg.nq", kg.nquads([ONTOLOGY_GRAPH]))


_OPEN: dict[Path, Any] = {}  # a store stays open for the process: RocksDB lets one handle at a time open it


def open_store(folder: Path) -> Any:
    """The incremental check's on-disk store in `folder`, opened once a process (RocksDB lets one handle at a
    time open it); None when another process holds it or it is damaged (the check then runs in memory)."""
    path = folder / "store"
    if path not in _OPEN:
        try:
            _OPEN[path] = ox.Store(str(path))
        except (OSError, RuntimeError):
            return None
    return _OPEN[path]
