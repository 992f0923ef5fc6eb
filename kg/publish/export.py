"""Serialise the built graph deterministically.

Every format is made from the built N-Triples statements, sorted, by pyoxigraph's writers (Turtle, TriG,
RDF/XML) or kg.publish.jsonld (JSON-LD, one node object per line, keys and values in a canonical order), so the
same input gives byte-identical files (the graph has no blank nodes). Files are written through kg.base.files.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import OWL, RDF, RDFS, Graph

from kg.base.config import ONTOLOGY_NS, PREFIXES
from kg.model.build import KnowledgeGraph, load_model, nquad_lines

FORMATS: dict[str, tuple[str, str]] = {  # name: (file suffix, media type)
    "turtle": ("ttl", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
    "json-ld": ("jsonld", "application/ld+json"),
    "rdf-xml": ("rdf", "application/rdf+xml"),
}


def jsonld_context(ontology: Graph | None = None) -> dict[str, Any]:
    """The JSON-LD context, derived from the ontology so that the two cannot drift: one term per class and
    property of ours, object properties typed @id, datatype properties typed by their range."""
    if ontology is None:
        return copy.deepcopy(_packaged_context())
    return _context(ontology)


@functools.cache
def _packaged_context() -> dict[str, Any]:
    return _context(load_model()[0])


def _context(ontology: Graph) -> dict[str, Any]:
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    terms: dict[str, Any] = {}
    for term in sorted(set(ontology.subjects(RDFS.isDefinedBy, None)), key=str):
        iri = str(term)
        if not iri.startswith(ONTOLOGY_NS):
            continue
        local = iri[len(ONTOLOGY_NS):]
        kinds = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in kinds:
            terms[local] = {"@id": f"pikg:{local}", "@type": "@id"}
        elif OWL.DatatypeProperty in kinds:
            rng = ontology.value(term, RDFS.range)
            if rng is not None and str(rng).startswith(PREFIXES["xsd"]):
                terms[local] = {"@id": f"pikg:{local}", "@type": f"xsd:{str(rng)[len(PREFIXES['xsd']):]}"}
            else:
                terms[local] = {"@id": f"pikg:{local}"}
        else:
            terms[local] = f"pikg:{local}"
    context.update(sorted(terms.items()))
    return {"@context": context}


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


def _turtle_body(statements: list[str] | bytes, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """Turtle statements (or N-Triples bytes) without prefix lines, a blank line between subjects (pyoxigraph's
    writer: fast, and the same bytes for the same sorted triples; literals never span lines, so a subject starts
    at column 0)."""
    import pyoxigraph as ox

    nt = statements if isinstance(statements, bytes) else ntriples(statements)
    text = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes)
    del nt
    start, end = 0, len(text)
    while text.startswith(b"@prefix", start):
        start = text.index(b"\n", start) + 1
    while end > start and text[end - 1] == 10:
        end -= 1
    return _SUBJECT_START.sub(b"\n\n", memoryview(text)[start:end])


def _prefix_lines(prefixes: dict[str, str] = PREFIXES) -> str:
    """Prefix lines of our own, sorted: pyoxigraph's writer does not keep the order it is given."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))


def small_turtle(statements: list[str], prefixes: dict[str, str]) -> bytes:
    """Turtle of a few sorted statements with the given prefixes (the dataset description)."""
    return f"{_prefix_lines(prefixes)}\n".encode() + _turtle_body(statements, prefixes) + b"\n"


@dataclass(frozen=True)
class Published:
    """What every export is made from: the sorted statements of the union of the published graphs, and of each
    published graph by IRI. It can be read back from the N-Triples and N-Quads files it writes first, which is
    how a second process makes the other formats while the first validates."""

    union: list[str]
    graphs: dict[str, list[str]]
    base_iri: str

    @classmethod
    def of(cls, kg: KnowledgeGraph, union: list[str] | None = None) -> Published:
        return cls(kg.union() if union is None else union,
                   {name: sorted(kg.graphs[name]) for name in sorted(map(str, kg.export_graphs()))},
                   kg.settings.base_iri)

    @classmethod
    def read(cls, folder: Path, base_iri: str, graphs: bool = True, union: bool = True) -> Published:
        """Read back what write_statements wrote: the union from pikg.nt, the graphs from pikg.nq."""
        statements = []
        if union:  # line by line: the file's text is never held whole
            with (folder / "pikg.nt").open(encoding="utf-8", newline="\n") as lines:
                statements = [line[:-3] for line in lines]
        by_graph: dict[str, list[str]] = {}
        if graphs:
            with (folder / "pikg.nq").open(encoding="utf-8", newline="\n") as lines:
                for line in lines:
                    statement, graph, _ = line.rsplit(" ", 2)
                    by_graph.setdefault(graph[1:-1], []).append(statement)
        return cls(statements, by_graph, base_iri)


def _trig(data: Published) -> bytes:
    """TriG with one block per named graph, in IRI order."""
    parts = [_prefix_lines().encode()]
    for name, statements in data.graphs.items():
        parts += [f"\n<{name}> {{\n".encode(), _turtle_body(statements), b"\n}\n"]
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
    handle.write(f"{_prefix_lines()}\n# Facts\n\n".encode())
    handle.write(_turtle_body(facts))
    del facts
    handle.write(b"\n\n# Provenance: the quoted passages, and every fact above as an rdf:Statement derived from "
                 b"one of them\n\n")
    handle.write(_turtle_body(provenance))
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
        return ox.serialize(ox.parse(ntriples(data.union), format=ox.RdfFormat.N_TRIPLES),
                            format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
    if fmt == "json-ld":
        from kg.publish.jsonld import document

        return "".join(document(jsonld_context()["@context"], data.union)).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")
