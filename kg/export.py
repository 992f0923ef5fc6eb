"""Serialise the built graph deterministically and write files atomically.

The same input gives byte-identical files: N-Triples and N-Quads lines are sorted, JSON-LD arrays and keys are
put in a canonical order, and Turtle/TriG rely on rdflib's sorted subject and predicate order (the graph has
no blank nodes). Files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef

from .build import KnowledgeGraph, load_model
from .config import ONTOLOGY_NS, PREFIXES

FORMATS: dict[str, tuple[str, str]] = {  # name: (file suffix, media type)
    "turtle": ("ttl", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
    "json-ld": ("jsonld", "application/ld+json"),
    "rdf-xml": ("rdf", "application/rdf+xml"),
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a web server must be able to read the file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_folder(out_dir: Path, fill: Callable[[Path], object]) -> dict[str, Path]:
    """Fill a temporary sibling of out_dir, then rename it into place: readers see the old folder or the
    complete new one, never a half-written mix; on failure the old folder is left as it was."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        fill(tmp)
        for folder in (tmp, *(p for p in tmp.rglob("*") if p.is_dir())):
            os.chmod(folder, 0o777 & ~_umask())  # mkdtemp makes 0700
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            old.rmdir()
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {p.relative_to(out_dir).as_posix(): p for p in sorted(out_dir.rglob("*")) if p.is_file()}


def jsonld_context(ontology: Graph | None = None) -> dict[str, Any]:
    """The JSON-LD context, derived from the ontology so that the two cannot drift: one term per class and
    property of ours, object properties typed @id, datatype properties typed by their range."""
    if ontology is None:
        ontology, _ = load_model()
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
    """The published data as one graph: the union of the sources' graphs and the vocabularies."""
    union = new_graph()
    for name in kg.export_graphs():
        for triple in kg.dataset.graph(name):
            union.add(triple)
    return union


def export_dataset(kg: KnowledgeGraph) -> Dataset:
    out = Dataset()  # only serialised as N-Quads, which has no prefixes
    for name in kg.export_graphs():
        target = out.graph(URIRef(str(name)))
        for triple in kg.dataset.graph(name):
            target.add(triple)
    return out


def _sorted(triples: object) -> list:
    return sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def _turtle_body(triples: list) -> str:
    """Turtle statements without prefix lines, a blank line between subjects (pyoxigraph's writer: fast, and
    the same bytes for the same sorted triples; literals never span lines, so a subject starts at column 0)."""
    import pyoxigraph as ox

    from .oxi import triples_to_ox

    text = ox.serialize(triples_to_ox(triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("@prefix")]
    return "\n".join(("\n" + line) if i and not line.startswith("\t") else line for i, line in enumerate(lines))


def _prefix_lines() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))


def _trig(kg: KnowledgeGraph) -> bytes:
    """TriG with one block per named graph, in IRI order."""
    parts = [_prefix_lines()]
    for name in sorted(kg.export_graphs(), key=str):
        parts.append(f"\n<{name}> {{\n{_turtle_body(_sorted(kg.dataset.graph(name)))}\n}}\n")
    return "".join(parts).encode("utf-8")


def _turtle(graph: Graph) -> bytes:
    """Turtle a person can read: the facts first, then their provenance (passages and reified statements)."""
    from rdflib import RDF

    pikg = URIRef(PREFIXES["pikg"] + "Passage")
    machinery = set(graph.subjects(RDF.type, RDF.Statement)) | set(graph.subjects(RDF.type, pikg))
    triples = _sorted(graph)
    facts = [t for t in triples if t[0] not in machinery]
    provenance = [t for t in triples if t[0] in machinery]
    return (f"{_prefix_lines()}\n# Facts\n\n{_turtle_body(facts)}\n\n# Provenance: the quoted passages, and every "
            f"fact above as an rdf:Statement derived from one of them\n\n{_turtle_body(provenance)}\n").encode()


def _rdfxml(kg: KnowledgeGraph) -> bytes:
    """RDF/XML from pyoxigraph, fed the triples in sorted order so that the bytes are the same every time."""
    import pyoxigraph as ox

    from .oxi import triples_to_ox

    return ox.serialize(triples_to_ox(_sorted(export_graph(kg))), format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)


def serialize(kg: KnowledgeGraph, fmt: str) -> bytes:
    if fmt == "turtle":
        return _turtle(export_graph(kg))
    if fmt == "nt":
        lines = export_graph(kg).serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")
    if fmt == "nquads":
        lines = export_dataset(kg).serialize(format="nquads", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")
    if fmt == "trig":
        return _trig(kg)
    if fmt == "rdf-xml":
        return _rdfxml(kg)
    if fmt == "json-ld":
        context = jsonld_context()
        text = export_graph(kg).serialize(format="json-ld", context=context["@context"], auto_compact=True)
        doc = canonical_json(json.loads(text))
        doc = {"@context": context["@context"], **{k: v for k, v in doc.items() if k != "@context"}}
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")
