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
from kg.base.terms import parse_literal
from kg.model.build import KnowledgeGraph, nquad_lines
from kg.model.stats import Stats, compute_stats
from kg.publish.export import FORMATS, Published, jsonld_context, new_graph, serialize, small_turtle, write_turtle
from kg.publish.jsonld import Compactor, by_subject, document
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
               "shapes.ttl": ("shapes", "pikg-shapes.ttl")}


_NOT_NESTED = {expand(n) for n in ("dcterms:isReferencedBy", "dcterms:creator", "pikg:hasAuthorship",
                                     "skos:inScheme")}
_CONCEPT_SHOWS = {expand(n) for n in ("skos:prefLabel", "skos:example")}
_INTERVENTION, _TYPE = expand("pikg:intervention"), expand("rdf:type")
FRAME_TERMS = {
    "findings": {"@reverse": "pikg:intervention"},
    "describedIn": {"@id": "dcterms:isReferencedBy", "@type": "@id"},
    "label": {"@id": "skos:prefLabel"},
    "@language": "en",
}


class ReleaseIndex:
    """The published statements by subject (without the reification machinery), and each intervention's
    findings: what the framed documents and the dataset description look up."""

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


def _intervention_subgraph(index: ReleaseIndex, intervention: str) -> dict[str, list[tuple[str, str]]]:
    """The intervention, its findings, and what they point to two steps away (labels of concepts, durations,
    passages and their sources), without the reification machinery."""
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
    return out


def framed_intervention(index: ReleaseIndex, intervention: str) -> bytes:
    """A JSON-LD document a web developer can read without RDF: the intervention with its components, delivery,
    duration, findings and sources nested inside it (every node it reaches is embedded where referenced)."""
    intervention = str(intervention)
    context = [jsonld_context()["@context"], FRAME_TERMS]
    compactor = Compactor({**context[0], **FRAME_TERMS})
    nodes = _intervention_subgraph(index, intervention)

    def render(node: str, ancestors: frozenset[str]) -> dict[str, Any]:
        inside = ancestors | {node}

        def embed(target: str) -> dict[str, Any] | None:
            return render(target, inside) if target in nodes and target not in inside else None

        findings = [render(f, inside) for f in sorted(index.findings.get(node, ()))] if node == intervention else []
        return compactor.node(node, nodes.get(node, ()), embed, {"findings": findings} if findings else None)

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
                    if p.is_file() and not p.name.startswith("dataset.") and p.name != STAMP),
                   key=lambda p: p.relative_to(folder).as_posix())
    fresh = checksums(folder, [p for p in paths if p.relative_to(folder).as_posix() not in known])
    return {name: known.get(name) or fresh[name] for name in (p.relative_to(folder).as_posix() for p in paths)}


def checksums(folder: Path, paths: list[Path]) -> dict[str, tuple[int, str]]:
    """Size and SHA-256 of finished files (relative path → pair), on two threads: the main process hashes its
    own files while it waits for the helper."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        return dict(zip((p.relative_to(folder).as_posix() for p in paths), pool.map(_sha256, paths), strict=True))


def dataset_description(kg: KnowledgeGraph, stats: Stats, files: dict[str, tuple[int, str]]) -> Graph:
    """VoID + DCAT: what the dataset is, what it holds (triples per class and per named graph), and each file."""
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
    creator = URIRef(f"{base}agent/pikg-contributors")
    g.add((ds, DCTERMS.creator, creator))
    g.add((creator, RDF.type, FOAF.Organization))
    g.add((creator, FOAF.name, Literal("pikg contributors")))
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
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return g


def schema_org_dataset(kg: KnowledgeGraph, files: dict[str, tuple[int, str]]) -> dict[str, Any]:
    """The same description as a schema.org Dataset, which data repositories and dataset search engines read."""
    sources = []
    for rf in kg.files:
        entry: dict[str, Any] = {"@type": "CreativeWork", "name": rf.source.label}
        doi = kg.literals.get((f"{kg.settings.base_iri}publication/{rf.source.publication}", str(PIKG.doi)))
        if doi:
            entry["sameAs"] = f"https://doi.org/{parse_literal(doi[0])[0]}"
        sources.append(entry)
    return {
        "@context": {"@vocab": "http://schema.org/"},
        "@type": "Dataset",
        "@id": f"{kg.settings.base_iri}dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "license": str(LICENSE),
        "version": __version__,
        "creator": {"@type": "Organization", "name": "pikg contributors"},
        "isBasedOn": sources,
        "distribution": [
            {"@type": "DataDownload", "name": rel, "encodingFormat": MEDIA_TYPES[rel.rsplit(".", 1)[1]],
             "contentSize": f"{size} B", "sha256": sha256}
            for rel, (size, sha256) in files.items()
        ],
    }


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
                      known: dict[str, tuple[int, str]] | None = None) -> None:
    """The context, model files and README, then the dataset descriptions of everything in the folder (`known`:
    checksums already taken)."""
    write_atomic(folder / "context.jsonld",
                 (json.dumps(jsonld_context(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    for name, (folder_name, file_name) in MODEL_FILES.items():
        write_atomic(folder / name, (resource_dir(folder_name) / file_name).read_bytes())
    write_atomic(folder / "README.md",
                 README.read_text(encoding="utf-8").replace("{version}", __version__)
                 .replace("{description}", DESCRIPTION).encode("utf-8"))
    files = distributions(folder, known)
    description = dataset_description(kg, stats, files)
    write_atomic(folder / "dataset.ttl", _turtle_of(description))
    write_atomic(folder / "dataset.jsonld", (json.dumps(schema_org_dataset(kg, files), ensure_ascii=False,
                                                        indent=2) + "\n").encode("utf-8"))


def _turtle_of(graph: Graph) -> bytes:
    """A small rdflib graph as Turtle by pyoxigraph's writer (rdflib's writer was the slowest part of a
    million-triple release's description)."""
    from kg.base.terms import triples_to_ox

    statements = sorted(f"{t.subject} {t.predicate} {t.object}" for t in triples_to_ox(graph))
    return small_turtle(statements, {p: str(ns) for p, ns in graph.namespaces()})


HELPER_FROM = 200_000  # published triples from which a helper process makes the other formats on a second core


def write_release_files(kg: KnowledgeGraph, folder: Path, data: Published | None = None,
                        gate: Callable[[Path], Stats] | None = None, helper: bool | None = None) -> Stats:
    """The one release writer (for `kg build`, `kg release` and the download folder of `kg site`): pikg.nt and
    pikg.nq first, then `gate`, then every other file, and the dataset description last; returns the counts.

    `gate` judges what was written (given the folder; see released_store): it raises to abandon the folder and
    returns the counts when the graph passes. With `helper` (by default, from HELPER_FROM triples), a second
    process makes Turtle, TriG, JSON-LD and RDF/XML from the two statement files, and hashes them, while this one
    runs the gate and writes the framed documents; the files are the same bytes either way."""
    data = Published.of(kg) if data is None else data
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
    write_description(kg, stats, folder, known)
    return stats


def write_release(kg: KnowledgeGraph, out_dir: Path, helper: bool | None = None) -> dict[str, Path]:
    """Judge kg with the one verdict and write its release into out_dir, replacing what was there only once the
    new folder is complete; kg.check.verdict.Rejected, and nothing replaced, when the graph fails. (The commands
    go through kg.pipeline, which does the same and tells what it read and found.)"""
    from kg.check.verdict import Rejected, judge

    def gate(folder: Path) -> Stats:
        verdict = judge(kg, released_store(kg, folder))
        if not verdict.ok:
            raise Rejected(verdict)
        return compute_stats(kg)

    return replace_folder(out_dir, lambda folder: write_release_files(kg, folder, gate=gate, helper=helper))


if __name__ == "__main__":  # the helper: the main process writes the framed documents
    _folder, _formats = Path(sys.argv[1]), tuple(sys.argv[3:])
    write_derived(_folder, sys.argv[2], _formats, framed=False)
    print(json.dumps(checksums(_folder, [_folder / f"pikg.{FORMATS[fmt][0]}" for fmt in _formats])))
