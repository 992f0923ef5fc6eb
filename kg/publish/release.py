"""A release folder for other repositories: every serialisation, the JSON-LD context, a framed JSON-LD document
per intervention, the ontology and shapes, and a dataset description (VoID + DCAT, and schema.org) whose counts
and checksums describe the files beside it.

The folder is written to a temporary sibling and renamed into place, so it is either complete and new or left
as it was. Nothing in it depends on the clock: the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace, URIRef

from kg import __version__
from kg.base.config import ONTOLOGY_IRI, PREFIXES, TITLE, VOCAB_NS, expand, resource_dir
from kg.base.files import READ_BLOCK, STAMP, atomic_writer, replace_folder, write_atomic, write_lines
from kg.model.build import KnowledgeGraph, nquad_lines
from kg.model.stats import Stats, compute_stats
from kg.publish.export import FORMATS, Published, jsonld_context, new_graph, serialize, small_turtle, write_turtle
from kg.publish.jsonld import Compactor, by_subject, document
from kg.publish.metadata import CREATOR_NAME, KEYWORDS, ReleaseInfo, SourceWork, creator_iri, release_info, source_works
from kg.query.store import released_store

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCTERMS = Namespace(PREFIXES["dcterms"])
FOAF = Namespace(PREFIXES["foaf"])
SKOS = Namespace(PREFIXES["skos"])
PIKG = Namespace(PREFIXES["pikg"])
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DESCRIPTION = (
    "Psychosocial mental-health interventions (their aims, components, delivery, duration and peer support), the "
    "studies and publications that evaluated them, and their findings on personal and clinical recovery, each "
    "fact traced to a verbatim passage of its source document."
)
MEDIA_TYPES = {**{suffix: media for suffix, media in FORMATS.values()}, "jsonld": "application/ld+json",
               "ttl": "text/turtle", "md": "text/markdown"}
MODEL_FILES = {"ontology.ttl": ("ontology", "pikg.ttl"), "vocabularies.ttl": ("ontology", "vocabularies.ttl"),
               "shapes.ttl": ("shapes", "pikg-shapes.ttl"), "shapes-sparql.ttl": ("shapes", "pikg-shapes-sparql.ttl")}


_NOT_NESTED = {expand(n) for n in ("dcterms:isReferencedBy", "dcterms:creator", "pikg:hasAuthorship",
                                     "skos:inScheme")}
_CONCEPT_SHOWS = {expand(n) for n in ("skos:prefLabel", "skos:example")}
_INTERVENTION, _TYPE = expand("pikg:intervention"), expand("rdf:type")
_RDF_SUBJECT, _RDF_PREDICATE, _DERIVED_FROM = expand("rdf:subject"), expand("rdf:predicate"), expand(
    "prov:wasDerivedFrom")
# statements a framed document does not list under "facts": the node's type, scheme and sources, already shown,
# which only repeat the passage of its label
_BOOKKEEPING = {f"<{expand(n)}>" for n in ("rdf:type", "skos:inScheme", "dcterms:isReferencedBy")}
FRAME_TERMS = {  # what a framed document adds to the context: the statements that point at a node, nested in it
    "findings": {"@reverse": "pikg:intervention"},
    "facts": {"@reverse": "rdf:subject"},
}


class ReleaseIndex:
    """The published statements by subject (without the reification machinery), each intervention's findings,
    and the reified statements about each intervention and its parts (components, duration, population): what
    the framed documents and the dataset description look up. Only those statements are kept of the machinery,
    the bulk of a large graph."""

    def __init__(self, union: list[str], base_iri: str) -> None:
        machinery = f"<{base_iri}statement/"
        self.pairs = dict(by_subject(s for s in union if not s.startswith(machinery)))
        self.findings: dict[str, list[str]] = {}
        for subject, pairs in self.pairs.items():
            for p, o in pairs:
                if p == _INTERVENTION:
                    self.findings.setdefault(o[1:-1], []).append(subject)
        intervention = f"<{expand('pikg:Intervention')}>"
        self.interventions = sorted(s for s, pairs in self.pairs.items() if (_TYPE, intervention) in pairs)
        described = set(self.interventions)
        for node in self.interventions:
            described.update(o[1:-1] for p, o in self.pairs[node] if o.startswith("<") and p != _TYPE
                             and p not in _NOT_NESTED and o[1:-1] in self.pairs and not o.startswith(f"<{VOCAB_NS}")
                             and o[1:-1] not in self.interventions)
        self.facts: dict[str, list[str]] = {}  # node → the reified statements whose subject it is
        self.statements: dict[str, list[tuple[str, str]]] = {}
        for statement, pairs in by_subject(s for s in union if s.startswith(machinery)):
            about = next((o[1:-1] for p, o in pairs if p == _RDF_SUBJECT), None)
            if about in described and not any(p == _RDF_PREDICATE and o in _BOOKKEEPING for p, o in pairs):
                self.facts.setdefault(about, []).append(statement)
                self.statements[statement] = pairs


def _intervention_subgraph(index: ReleaseIndex, intervention: str) -> dict[str, list[tuple[str, str]]]:
    """The intervention, its findings, and what they point to two steps away (labels of concepts, durations,
    passages and their sources), and the reified statements about the intervention and its parts with their
    passages (the Table 1 facts are quoted too, not only the findings)."""
    out: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    frontier = {intervention, *index.findings.get(intervention, ())}
    for _depth in range(3):
        nxt = set()
        for node in sorted(frontier):
            if node in seen:
                continue
            seen.add(node)
            for p, o in index.pairs.get(node, ()):
                if node.startswith(VOCAB_NS) and not (
                    p in _CONCEPT_SHOWS or (p == expand("skos:definition") and "/recovery-kind/" in node)
                ):
                    continue  # a concept shows its label (and a definition that comes from a source)
                if node != intervention and p in _NOT_NESTED:
                    continue
                out.setdefault(node, []).append((p, o))
                if o.startswith("<") and p != _TYPE and o[1:-1] not in seen:
                    nxt.add(o[1:-1])
        frontier = nxt
    for node in [intervention, *sorted(n for n in out if n != intervention)]:
        for statement in index.facts.get(node, ()):  # each fact with the passage it was derived from
            pairs = index.statements[statement]
            out[statement] = [(p, o) for p, o in pairs if p != _RDF_SUBJECT]  # "facts" says whose it is
            for p, o in pairs:
                if p == _DERIVED_FROM and o[1:-1] not in out and o[1:-1] in index.pairs:
                    out[o[1:-1]] = list(index.pairs[o[1:-1]])
    return out


def framed_intervention(index: ReleaseIndex, intervention: str) -> bytes:
    """A JSON-LD document a web developer can read without RDF: the intervention with its components, delivery,
    duration, findings and sources nested inside it (every node it reaches is embedded where referenced), and
    under "facts" each statement about it or a part of it with the quoted passage it comes from (only the
    passage is embedded there: the rest is already in the tree)."""
    intervention = str(intervention)
    context = [jsonld_context()["@context"], FRAME_TERMS]
    compactor = Compactor({**context[0], **FRAME_TERMS})
    nodes = _intervention_subgraph(index, intervention)

    def render(node: str, ancestors: frozenset[str], allowed: frozenset[str] | None = None) -> dict[str, Any]:
        """`allowed`: the only nodes embedded below this one (None: any not already above it)."""
        inside = ancestors | {node}

        def embed(target: str) -> dict[str, Any] | None:
            if target not in nodes or target in inside or (allowed is not None and target not in allowed):
                return None
            return render(target, inside, None if allowed is None else frozenset())

        extra: dict[str, list[Any]] = {}
        if node == intervention and index.findings.get(node):
            extra["findings"] = [render(f, inside) for f in sorted(index.findings[node])]
        if allowed is None and len(ancestors) <= 1 and index.facts.get(node):  # the intervention and its parts
            extra["facts"] = [render(s, inside, frozenset(o[1:-1] for p, o in nodes[s] if p == _DERIVED_FROM))
                              for s in sorted(index.facts[node])]
        return compactor.node(node, nodes.get(node, ()), embed, extra or None)

    doc = render(intervention, frozenset())
    return (json.dumps({"@context": context, **doc}, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
            ).encode("utf-8")


def _sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(READ_BLOCK), b""):
            digest.update(block)  # hashlib lets other threads run while it hashes a block
    return path.stat().st_size, digest.hexdigest()


def distributions(folder: Path, known: dict[str, tuple[int, str]] | None = None) -> dict[str, tuple[int, str]]:
    """The files the description describes (everything but the description itself): relative path → (size,
    SHA-256), hashed on two threads; `known` ones (see checksums) are not read again."""
    known = known or {}
    paths = sorted((p for p in folder.rglob("*")
                    if p.is_file() and not p.name.startswith("dataset.") and p.name != STAMP
                    and p.relative_to(folder).as_posix() != "ro-crate-metadata.json"),  # described by the crate
                   key=lambda p: p.relative_to(folder).as_posix())
    fresh = checksums(folder, [p for p in paths if p.relative_to(folder).as_posix() not in known])
    return {name: known.get(name) or fresh[name] for name in (p.relative_to(folder).as_posix() for p in paths)}


def checksums(folder: Path, paths: list[Path]) -> dict[str, tuple[int, str]]:
    """Size and SHA-256 of finished files (relative path → pair), on two threads: the main process hashes its
    own files while it waits for the helper."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        return dict(zip((p.relative_to(folder).as_posix() for p in paths), pool.map(_sha256, paths), strict=True))


def dataset_description(kg: KnowledgeGraph, stats: Stats, files: dict[str, tuple[int, str]],
                        info: ReleaseInfo | None = None) -> Graph:
    """VoID + DCAT: what the dataset is, what it holds (triples per class and per named graph), and each file, for
    harvesters (DCAT-AP, VoID crawlers). Download links only with a download base: an RDF IRI is absolute, and
    only the publisher knows where the folder will be served."""
    info = release_info(kg) if info is None else info
    base = kg.settings.base_iri
    ds = URIRef(f"{base}dataset")
    g = new_graph()
    for prefix, ns in (("dcat", DCAT), ("void", VOID), ("spdx", SPDX), ("sd", SD)):
        g.bind(prefix, ns)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCAT.version, Literal(__version__)))
    g.add((ds, OWL.versionInfo, Literal(__version__)))
    creator = URIRef(creator_iri(base))
    g.add((ds, DCTERMS.creator, creator))
    g.add((creator, RDF.type, FOAF.Organization))
    g.add((creator, FOAF.name, Literal(CREATOR_NAME)))
    g.add((ds, DCTERMS.publisher, creator))
    released = Literal(info.date, datatype=URIRef(info.date_datatype))
    g.add((ds, DCTERMS.issued, released))
    g.add((ds, DCTERMS.modified, released))
    for keyword in KEYWORDS:
        g.add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    if info.download_base:
        g.add((ds, DCAT.landingPage, URIRef(info.download_base)))
        g.add((ds, VOID.dataDump, URIRef(str(info.url("pikg.nt")))))
    if info.sparql_endpoint:
        g.add((ds, VOID.sparqlEndpoint, URIRef(info.sparql_endpoint)))
    g.add((ds, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((ds, DCTERMS.conformsTo, URIRef("https://w3id.org/pikg/shapes")))
    g.add((ds, VOID.triples, Literal(str(stats.triples), datatype=XSD.integer)))
    for rf in kg.files:
        source = URIRef(f"{base}source/{rf.source.id}")
        g.add((ds, DCTERMS.source, source))
        g.add((source, SKOS.prefLabel, Literal(rf.source.label, lang="en")))
    for cls, count in stats.classes.items():
        prefix, local = cls.split(":", 1)
        part = URIRef(f"{ds}/class/{prefix}-{local}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(PREFIXES[prefix] + local)))
        g.add((part, VOID.entities, Literal(str(count), datatype=XSD.integer)))
    for name, count in stats.graphs.items():
        part = URIRef(f"{ds}/graph/{name.rstrip('/').rsplit('/', 1)[1]}")
        g.add((ds, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, SD.name, URIRef(name)))
        g.add((part, VOID.triples, Literal(str(count), datatype=XSD.integer)))
    for rel, (size, sha256) in files.items():
        dist = URIRef(f"{ds}/distribution/{rel}")
        checksum = URIRef(f"{dist}/sha256")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(rel)))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/"
                                            + MEDIA_TYPES[rel.rsplit(".", 1)[1]])))
        g.add((dist, DCAT.byteSize, Literal(str(size), datatype=XSD.nonNegativeInteger)))
        if info.download_base:
            g.add((dist, DCAT.downloadURL, URIRef(str(info.url(rel)))))
            g.add((dist, DCAT.accessURL, URIRef(info.download_base)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return g


def schema_org_dataset(kg: KnowledgeGraph, files: dict[str, tuple[int, str]], info: ReleaseInfo | None = None,
                       works: list[SourceWork] | None = None, prefix: str = "") -> dict[str, Any]:
    """The same description as a schema.org Dataset, which data repositories and dataset search engines read,
    with the fields Google Dataset Search requires and recommends. A file's contentUrl is absolute with a download
    base, else relative to this document (`prefix` + its path), as JSON-LD resolves it."""
    info = release_info(kg) if info is None else info
    works = source_works(kg, kg.union()) if works is None else works
    sources = []
    for work in works:
        entry: dict[str, Any] = {"@type": "CreativeWork", "@id": work.iri, "name": work.label}
        if work.doi:
            entry["sameAs"] = f"https://doi.org/{work.doi}"
        if work.authors:
            entry["author"] = [{"@type": "Person", "@id": person, "name": name} for person, name in work.authors]
        sources.append(entry)
    creator = {"@type": "Organization", "@id": creator_iri(kg.settings.base_iri), "name": CREATOR_NAME}
    doc: dict[str, Any] = {
        "@context": {"@vocab": "http://schema.org/", **{term: {"@type": "@id"} for term in (
            "license", "contentUrl", "url", "sameAs")}},
        "@type": "Dataset",
        "@id": f"{kg.settings.base_iri}dataset",
        "identifier": f"{kg.settings.base_iri}dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "license": str(LICENSE),
        "isAccessibleForFree": True,
        "version": __version__,
        "datePublished": info.date,
        "dateModified": info.date,
        "inLanguage": "en",
        "keywords": list(KEYWORDS),
        "creator": creator,
        "publisher": creator,
        "isBasedOn": sources,
        "distribution": [
            {"@type": "DataDownload", "name": rel, "contentUrl": info.url(rel) or prefix + rel,
             "encodingFormat": MEDIA_TYPES[rel.rsplit(".", 1)[1]], "contentSize": f"{size} B", "sha256": sha256}
            for rel, (size, sha256) in files.items()
        ],
    }
    if info.download_base:
        doc["url"] = info.download_base
    return doc


README = Path(__file__).with_name("release-README.md")


DERIVED = ("turtle", "trig", "json-ld", "rdf-xml")


def write_statements(folder: Path, data: Published) -> None:
    """pikg.nt and pikg.nq, streamed: every other format is made from these two files."""
    write_lines(folder / "pikg.nt", (f"{s} .\n" for s in data.union))
    write_lines(folder / "pikg.nq", nquad_lines(data.graphs.items()))


def write_rdfxml(folder: Path) -> None:
    """RDF/XML streamed by pyoxigraph from pikg.nt to the file (the triples in the same sorted order)."""
    import pyoxigraph as ox

    with atomic_writer(folder / "pikg.rdf") as handle:
        ox.serialize(ox.parse(path=str(folder / "pikg.nt"), format=ox.RdfFormat.N_TRIPLES), handle,
                     format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)


def write_derived(folder: Path, base_iri: str, formats: tuple[str, ...] = DERIVED, framed: bool = True) -> None:
    """The other formats and the framed documents, from pikg.nt and pikg.nq in `folder`: a second process runs
    this for a large graph while the first one validates (`python -m kg.publish.release FOLDER BASE_IRI FORMAT…`).
    TriG is made first and its graphs let go before the union is read, to keep the process small."""
    if "trig" in formats:
        write_atomic(folder / "pikg.trig", serialize(Published.read(folder, base_iri, union=False), "trig"))
    if "rdf-xml" in formats:
        write_rdfxml(folder)
    if "turtle" in formats:  # from the file's bytes, without a line-by-line copy
        with atomic_writer(folder / "pikg.ttl") as handle:
            write_turtle(handle, folder / "pikg.nt", base_iri)
    if "json-ld" not in formats and not framed:
        return
    data = Published.read(folder, base_iri, graphs=False)
    if "json-ld" in formats:  # streamed to the file
        write_lines(folder / "pikg.jsonld", document(jsonld_context()["@context"], data.union), size=1000)
    if framed:
        write_framed(folder, data)


def write_framed(folder: Path, data: Published) -> None:
    index = ReleaseIndex(data.union, data.base_iri)
    for intervention in index.interventions:
        write_atomic(folder / "interventions" / f"{intervention.rsplit('/', 1)[1]}.jsonld",
                     framed_intervention(index, intervention))


def start_derived(folder: Path, base_iri: str, formats: tuple[str, ...]) -> subprocess.Popen:
    """write_derived in a new Python process (a new interpreter, so that the caller's script is not re-run),
    which then prints the checksums of what it wrote."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen([sys.executable, "-m", "kg.publish.release", str(folder), base_iri, *formats], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent)


def die_with_parent() -> None:
    """In a child process, before exec: ask Linux to kill it when its parent dies, so that a killed `kg build`
    leaves no helper running (a SIGKILL gives the parent no chance to clean up). Elsewhere a no-op."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def finish_derived(process: subprocess.Popen) -> dict[str, tuple[int, str]]:
    """Wait for the helper; the checksums of the files it wrote."""
    out, err = process.communicate()
    if process.returncode:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {process.returncode}"]
        raise OSError(f"writing the release formats failed in the helper process: {last[0]}")
    return {name: (size, digest) for name, (size, digest) in json.loads(out).items()}


def write_description(kg: KnowledgeGraph, stats: Stats, folder: Path,
                      known: dict[str, tuple[int, str]] | None = None, info: ReleaseInfo | None = None,
                      data: Published | None = None) -> None:
    """The context, model files and README, then the dataset descriptions of everything in the folder (`known`:
    checksums already taken), then the RO-Crate metadata, which lists the descriptions too."""
    from kg.publish.crate import write_crate

    info = release_info(kg) if info is None else info
    write_atomic(folder / "context.jsonld",
                 (json.dumps(jsonld_context(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    for name, (folder_name, file_name) in MODEL_FILES.items():
        write_atomic(folder / name, (resource_dir(folder_name) / file_name).read_bytes())
    write_atomic(folder / "README.md",
                 README.read_text(encoding="utf-8").replace("{version}", __version__)
                 .replace("{description}", DESCRIPTION).encode("utf-8"))
    files = distributions(folder, known)
    works = source_works(kg, (Published.of(kg) if data is None else data).union)
    description = dataset_description(kg, stats, files, info)
    write_atomic(folder / "dataset.ttl", _turtle_of(description))
    write_atomic(folder / "dataset.jsonld", (json.dumps(schema_org_dataset(kg, files, info, works),
                                                        ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    described = {**files, **checksums(folder, [folder / "dataset.jsonld", folder / "dataset.ttl"])}
    base = kg.settings.base_iri
    write_crate(folder, described, MEDIA_TYPES, info, works, f"{base}dataset", creator_iri(base),
                DESCRIPTION)


def _turtle_of(graph: Graph) -> bytes:
    """A small rdflib graph as Turtle by pyoxigraph's writer (rdflib's writer was the slowest part of a
    million-triple release's description)."""
    from kg.base.terms import triples_to_ox

    statements = sorted(f"{t.subject} {t.predicate} {t.object}" for t in triples_to_ox(graph))
    return small_turtle(statements, {p: str(ns) for p, ns in graph.namespaces()})


HELPER_FROM = 200_000  # published triples from which a helper process makes the other formats on a second core


def write_release_files(kg: KnowledgeGraph, folder: Path, data: Published | None = None,
                        gate: Callable[[Path], Stats] | None = None, helper: bool | None = None,
                        info: ReleaseInfo | None = None) -> Stats:
    """The one release writer (for `kg build`, `kg release` and the download folder of `kg site`): pikg.nt and
    pikg.nq first, then `gate`, then every other file, and the dataset description last; returns the counts.

    `gate` judges what was written (given the folder; see released_store): it raises to abandon the folder and
    returns the counts when the graph passes. With `helper` (by default, from HELPER_FROM triples), a second
    process makes Turtle, TriG, JSON-LD and RDF/XML from the two statement files, and hashes them, while this one
    runs the gate and writes the framed documents; the files are the same bytes either way. `info`: the release
    date and download base (kg.publish.metadata; by default the date the records give, no base)."""
    from kg.publish.nanopubs import write_nanopubs

    data = Published.of(kg) if data is None else data
    info = release_info(kg) if info is None else info
    if helper is None:
        helper = len(data.union) >= HELPER_FROM
    write_statements(folder, data)
    known = None
    if helper:
        process = start_derived(folder, kg.settings.base_iri, DERIVED)
        try:
            stats = gate(folder) if gate is not None else None
            write_framed(folder, data)
            known = checksums(folder, [folder / "pikg.nt", folder / "pikg.nq",
                                       *sorted((folder / "interventions").glob("*.jsonld"))])
        except BaseException:
            process.kill()
            process.communicate()
            raise
        known.update(finish_derived(process))
    else:
        stats = gate(folder) if gate is not None else None
        write_derived(folder, kg.settings.base_iri)
    stats = compute_stats(kg, data.union) if stats is None else stats
    write_nanopubs(folder, data, info)
    write_description(kg, stats, folder, known, info, data)
    return stats


def write_release(kg: KnowledgeGraph, out_dir: Path, helper: bool | None = None,
                  info: ReleaseInfo | None = None) -> dict[str, Path]:
    """Judge kg with the one verdict and write its release into out_dir, replacing what was there only once the
    new folder is complete; kg.check.verdict.Rejected, and nothing replaced, when the graph fails. (The commands
    go through kg.pipeline, which does the same and tells what it read and found.)"""
    from kg.check.verdict import Rejected, judge

    def gate(folder: Path) -> Stats:
        verdict = judge(kg, released_store(kg, folder))
        if not verdict.ok:
            raise Rejected(verdict)
        return compute_stats(kg)

    return replace_folder(out_dir, lambda folder: write_release_files(kg, folder, gate=gate, helper=helper,
                                                                      info=info))


if __name__ == "__main__":  # the helper: the main process writes the framed documents
    _folder, _formats = Path(sys.argv[1]), tuple(sys.argv[3:])
    write_derived(_folder, sys.argv[2], _formats, framed=False)
    print(json.dumps(checksums(_folder, [_folder / f"pikg.{FORMATS[fmt][0]}" for fmt in _formats])))
