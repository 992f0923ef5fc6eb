"""Oxigraph stores, opened in one place: in memory from N-Quads (a built graph, a release, the cache's copy), or
on disk for the incremental check. Every engine that answers the bundled queries or the compiled shapes reads one
of these."""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib import Dataset


class _Lines(io.RawIOBase):
    """Text lines made on demand, read as a UTF-8 file: a store loads a large graph's N-Quads from it without the
    whole document ever held in memory."""

    def __init__(self, lines: Iterator[str], batch: int = 4096) -> None:
        self.lines, self.batch, self.chunk, self.at = lines, batch, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.at == len(self.chunk):
            self.chunk, self.at = "".join(islice(self.lines, self.batch)).encode("utf-8"), 0
        n = min(len(buffer), len(self.chunk) - self.at)
        buffer[:n] = self.chunk[self.at:self.at + n]
        self.at += n
        return n


def lines_file(lines: Iterator[str]) -> IO[bytes]:
    """A binary file object reading the lines as UTF-8, made as they are read."""
    return io.BufferedReader(_Lines(lines), buffer_size=1 << 20)


def memory_store(*sources: bytes | Path | IO[bytes]) -> Any:
    """An in-memory store of N-Quads, each source the bytes, the path or a file object of an N-Quads document."""
    store = ox.Store()
    for source in sources:  # load, not bulk_load: in memory, the same store in less time and 60 % of the memory
        if isinstance(source, Path):
            store.load(path=str(source), format=ox.RdfFormat.N_QUADS)
        else:
            store.load(source, format=ox.RdfFormat.N_QUADS)
    return store


def oxigraph_store(dataset: Dataset | Any) -> Any:
    """An in-memory Oxigraph store holding the named graphs of a built KnowledgeGraph (read from its N-Quads)
    or of an rdflib Dataset: a fast engine for the same queries."""
    if hasattr(dataset, "nquad_lines"):
        return memory_store(lines_file(dataset.nquad_lines()))  # streamed: never the whole document in memory
    from kg.base.terms import to_ox  # rdflib, which `kg query` from the cache never needs

    store = ox.Store()
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g)))  # type: ignore[arg-type]  # rdflib types every
        # term of a quad as Node: a subject is never a literal and a predicate always an IRI, as to_ox gives them
        for s, p, o, g in dataset.quads((None, None, None, None))
        if g is not None and str(g) != "urn:x-rdflib:default"
    )
    return store


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
