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
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import OWL, RDF, RDFS, XSD, Graph

from kg.base.config import ONTOLOGY_NS, PREFIXES
from kg.model.build import KnowledgeGraph, load_model, nquad_lines
from kg.model.published import Published

FORMATS: dict[str, tuple[str, str]] = {  # name: (file suffix, media type)
    "turtle": ("ttl", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
    "json-ld": ("jsonld", "application/ld+json"),
    "rdf-xml": ("rdf", "application/rdf+xml"),
}


def jsonld_context(ontology: Graph | None = None) -> dict[str, Any]:
    """The JSON-LD context, derived from the ontology so that the two cannot drift: one term per property of
    ours, keyed by its rdfs:label, and one per property of other vocabularies the records use (EXTERNAL_TERMS);
    classes resolve through @vocab, so that `Study` the type and `study` the property are not two terms apart
    only by case."""
    if ontology is None:
        return copy.deepcopy(_packaged_context())
    return _context(ontology)


DEFAULT_LANGUAGE = "en"  # the records' language: a string in it is a plain JSON string

# The natural keys of the terms of other vocabularies the records use (the ontology's own come from rdfs:label):
# "@type" coerces a value, "@language": None keeps an xsd:string plain, neither takes the default language.
EXTERNAL_TERMS: dict[str, dict[str, Any]] = {
    "name": {"@id": "skos:prefLabel"},
    "altName": {"@id": "skos:altLabel"},
    "hiddenName": {"@id": "skos:hiddenLabel"},
    "definition": {"@id": "skos:definition"},
    "note": {"@id": "skos:note"},
    "editorialNote": {"@id": "skos:editorialNote"},
    "example": {"@id": "skos:example"},
    "notation": {"@id": "skos:notation", "@language": None},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id"},
    "broadMatch": {"@id": "skos:broadMatch", "@type": "@id"},
    "relatedMatch": {"@id": "skos:relatedMatch", "@type": "@id"},
    "title": {"@id": "dcterms:title"},
    "description": {"@id": "dcterms:description"},
    "issued": {"@id": "dcterms:issued"},
    "language": {"@id": "dcterms:language", "@type": "xsd:language"},
    "category": {"@id": "dcterms:type", "@type": "@id"},
    "creator": {"@id": "dcterms:creator", "@type": "@id"},
    "source": {"@id": "dcterms:source", "@type": "@id"},
    "describedIn": {"@id": "dcterms:isReferencedBy", "@type": "@id"},
    "fullName": {"@id": "foaf:name", "@language": None},
    "quote": {"@id": "oa:exact", "@language": None},
    "derivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "subject": {"@id": "rdf:subject", "@type": "@id"},
    "predicate": {"@id": "rdf:predicate", "@type": "@vocab"},
    "object": {"@id": "rdf:object"},
    "definedBy": {"@id": "rdfs:isDefinedBy", "@type": "@id"},
    "eventName": {"@id": "schema:name"},
    "addressCountry": {"@id": "schema:addressCountry", "@language": None},
    "status": {"@id": "schema:creativeWorkStatus", "@language": None},
    "startDate": {"@id": "schema:startDate", "@type": "xsd:date"},
    "endDate": {"@id": "schema:endDate", "@type": "xsd:date"},
    "location": {"@id": "schema:location", "@type": "@id"},
    "numberOfPages": {"@id": "schema:numberOfPages", "@type": "xsd:positiveInteger"},
    "volumeNumber": {"@id": "schema:volumeNumber", "@language": None},
    "studyDesign": {"@id": "schema:studyDesign", "@type": "@id"},
    "workPresented": {"@id": "schema:workPresented", "@type": "@id"},
}


@functools.cache
def _packaged_context() -> dict[str, Any]:
    return _context(load_model()[0])


def term_key(label: str, functional: bool = True) -> str:
    """A property's JSON key from its rdfs:label, in lowerCamelCase: "has component" names the parts an
    intervention has, so a many-valued "has X" is keyed by the plural "Xs" ("components")."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", label) if w]
    plural = len(words) > 1 and words[0].lower() == "has" and not functional
    if len(words) > 1 and words[0].lower() == "has":
        words = words[1:]
    key = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    return key + "s" if plural else key


def _context(ontology: Graph) -> dict[str, Any]:
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    terms: dict[str, Any] = {}
    keys: list[str] = []
    literal_ranges = (PREFIXES["xsd"], str(RDF.langString), str(RDFS.Literal))
    for term in sorted(set(ontology.subjects(RDFS.isDefinedBy, None)), key=str):
        iri = str(term)
        if not iri.startswith(ONTOLOGY_NS):
            continue
        local = iri[len(ONTOLOGY_NS):]
        kinds = set(ontology.objects(term, RDF.type))
        if not kinds & {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
            continue  # a class: @vocab resolves its local name
        rng = ontology.value(term, RDFS.range)
        definition: dict[str, Any] = {"@id": f"pikg:{local}"}
        if OWL.ObjectProperty in kinds or (rng is not None and not str(rng).startswith(literal_ranges)):
            definition["@type"] = "@id"
        elif rng is None or rng == XSD.string:
            definition["@language"] = None
        elif str(rng).startswith(PREFIXES["xsd"]):
            definition["@type"] = f"xsd:{str(rng)[len(PREFIXES['xsd']):]}"
        label = ontology.value(term, RDFS.label)
        key = term_key(str(label) if label is not None else local, OWL.FunctionalProperty in kinds)
        keys.append(key)
        terms[key] = definition
    keys += EXTERNAL_TERMS
    terms.update(EXTERNAL_TERMS)
    clashes = sorted(k for k, n in Counter(k.lower() for k in [*context, *keys]).items() if n > 1)
    if clashes:  # a JSON reader must not have to tell `study` from `Study`
        raise ValueError(f"JSON-LD terms that differ only by case or repeat: {', '.join(clashes)}")
    context.update({"@language": DEFAULT_LANGUAGE, "@vocab": ONTOLOGY_NS})
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
