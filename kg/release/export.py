"""Serialise the built graph deterministically.

Every format is made from the built N-Triples statements, sorted, by pyoxigraph's writers (Turtle, TriG,
RDF/XML) or kg.release.jsonld (JSON-LD, one node object per line, keys and values in a canonical order), so the
same input gives byte-identical files (the graph has no blank nodes). Files are written through kg.base.files.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import Graph

from kg.base.config import PREFIXES
from kg.model.build import KnowledgeGraph, nquad_lines
from kg.model.published import Published
from kg.schema.jsonld import OTHER_KEYS, context, term_key

__all__ = ["EXTERNAL_TERMS", "FORMATS", "jsonld_context", "serialize", "term_key"]

FORMATS: dict[str, tuple[str, str]] = {  # name: (file suffix, media type)
    "turtle": ("ttl", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
    "json-ld": ("jsonld", "application/ld+json"),
    "rdf-xml": ("rdf", "application/rdf+xml"),
}


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context, written from the model (kg.schema.jsonld) as the ontology's properties are, so that
    the two cannot drift: a natural key per property, a list for every property that can have several values."""
    return copy.deepcopy(_packaged_context())


@functools.cache
def _packaged_context() -> dict[str, Any]:
    return {"@context": context()}


# the natural key of each property of another vocabulary (the site names them so)
EXTERNAL_TERMS: dict[str, dict[str, Any]] = {key: {"@id": curie} for curie, key in OTHER_KEYS.items()}


def canonical_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: canonical_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def new_graph() -> Graph:
    """A graph bound to exactly our prefixes (rdflib's defaults bind schema: to https://schema.org/)."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def export_graph(kg: KnowledgeGraph) -> Graph:
    """The published data (the union of the sources' graphs and the vocabularies) as an rdflib Graph."""
    return new_graph().parse(data=ntriples(kg.union()).decode("utf-8"), format="nt")


def ntriples(statements: Iterable[str]) -> bytes:
    return "".join(f"{s} .\n" for s in statements).encode("utf-8")


_SUBJECT_START = re.compile(rb"\n(?=[^\t])")


def turtle_body(statements: list[str] | bytes, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """Turtle statements (or N-Triples bytes) without prefix lines, a blank line between subjects (pyoxigraph's
    writer: fast, and the same bytes for the same sorted triples; literals never span lines, so a subject starts
    at column 0)."""
    import pyoxigraph as ox

    nt = statements if isinstance(statements, bytes) else ntriples(statements)
    text = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes)
    assert text is not None  # no output given: serialize returns the bytes
    del nt
    start, end = 0, len(text)
    while text.startswith(b"@prefix", start):
        start = text.index(b"\n", start) + 1
    while end > start and text[end - 1] == 10:
        end -= 1
    return _SUBJECT_START.sub(b"\n\n", memoryview(text)[start:end])


def prefix_lines(prefixes: dict[str, str] = PREFIXES) -> str:
    """Prefix lines of our own, sorted: pyoxigraph's writer does not keep the order it is given."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))


def small_turtle(statements: list[str], prefixes: dict[str, str]) -> bytes:
    """Turtle of a few sorted statements with the given prefixes (the dataset description)."""
    return f"{prefix_lines(prefixes)}\n".encode() + turtle_body(statements, prefixes) + b"\n"


def _trig(data: Published) -> bytes:
    """TriG with one block per named graph, in IRI order."""
    parts = [prefix_lines().encode()]
    for name, statements in data.graphs.items():
        parts += [f"\n<{name}> {{\n".encode(), turtle_body(statements), b"\n}\n"]
    return b"".join(parts)


def _turtle(data: Published) -> bytes:
    buffer = io.BytesIO()
    write_turtle(buffer, data.union, data.base_iri)
    return buffer.getvalue()


def write_turtle(handle: BinaryIO, source: Path | list[str], base_iri: str) -> None:
    """Turtle a person can read, from sorted statements or the sorted N-Triples file: the facts first, then their
    provenance (passages and reified statements). Sorted, the lines of each provenance kind are one run, cut out
    whole; each part is written as it is made, so that a large graph is not held twice."""
    nt = source.read_bytes() if isinstance(source, Path) else ntriples(source)
    runs = []
    for kind in ("passage/", "statement/"):
        prefix = f"<{base_iri}{kind}".encode()
        first = 0 if nt.startswith(prefix) else nt.find(b"\n" + prefix) + 1
        if first or nt.startswith(prefix):
            last = nt.rfind(b"\n" + prefix) + 1 or first
            runs.append((first, nt.index(b"\n", last) + 1))
    cuts = [0, *(i for run in sorted(runs) for i in run), len(nt)]
    facts = b"".join(nt[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True))
    provenance = b"".join(nt[a:b] for a, b in sorted(runs))
    del nt
    handle.write(f"{prefix_lines()}\n# Facts\n\n".encode())
    handle.write(turtle_body(facts))
    del facts
    handle.write(b"\n\n# Provenance: the quoted passages, and every fact above as an rdf:Statement derived from "
                 b"one of them\n\n")
    handle.write(turtle_body(provenance))
    handle.write(b"\n")


def serialize(kg: KnowledgeGraph | Published, fmt: str) -> bytes:
    """One export of the published graphs, from a built graph or from what was already gathered of it."""
    import pyoxigraph as ox

    data = kg if isinstance(kg, Published) else Published.of(kg)
    if fmt == "nquads":
        return "".join(nquad_lines(data.graphs.items())).encode("utf-8")
    if fmt == "trig":
        return _trig(data)
    if fmt == "turtle":
        return _turtle(data)
    if fmt == "nt":
        return ntriples(data.union)
    if fmt == "rdf-xml":
        xml = ox.serialize(ox.parse(ntriples(data.union), format=ox.RdfFormat.N_TRIPLES),
                           format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        assert xml is not None  # no output given: serialize returns the bytes
        return xml
    if fmt == "json-ld":
        from kg.release.jsonld import document

        return "".join(document(jsonld_context()["@context"], data.union)).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")
