"""What a release says about its files: the dataset description (VoID + DCAT, and schema.org), the checksums of
every file, the context, model files and README beside them, then the RO-Crate metadata that lists them all."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace, URIRef

from kg import __version__
from kg.base.config import ONTOLOGY_IRI, PREFIXES, RELATIVE_HOST, TITLE, ReleaseInfo, resource_dir
from kg.base.files import READ_BLOCK, STAMP, write_atomic
from kg.model.build import KnowledgeGraph
from kg.model.published import Published
from kg.model.stats import Stats
from kg.release.export import FORMATS, jsonld_context, new_graph, small_turtle
from kg.release.metadata import CREATOR_NAME, KEYWORDS, SourceWork, creator_iri, resolved, source_works

RELATIVE = f"http://{RELATIVE_HOST}/"  # a reference relative to dataset.ttl, once written
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
               "ttl": "text/turtle", "md": "text/markdown", "tsv": "text/tab-separated-values",
               "json": "application/schema+json"}  # the one .json file described: the JSON Schema (2020-12)
MODEL_FILES = {"ontology.ttl": ("ontology", "pikg.ttl"), "vocabularies.ttl": ("ontology", "vocabularies.ttl"),
               "shapes.ttl": ("shapes", "pikg-shapes.ttl"), "shapes-sparql.ttl": ("shapes", "pikg-shapes-sparql.ttl")}


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
    harvesters (DCAT-AP, VoID crawlers). Each distribution has its download and access URL: absolute under the
    download base, else references relative to dataset.ttl itself (RFC 3986), which a harvester resolves
    against the address it fetched the description from: only the publisher knows where the folder is served."""
    info = resolved(kg, info)
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
    g.add((ds, VOID.dataDump, URIRef(info.url("pikg.nt") or RELATIVE + "pikg.nt")))
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
        g.add((dist, DCAT.downloadURL, URIRef(info.url(rel) or RELATIVE + quote(rel))))
        g.add((dist, DCAT.accessURL, URIRef(info.download_base or RELATIVE + "./")))
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
    info = resolved(kg, info)
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
            {"@type": "DataDownload", "name": rel, "contentUrl": info.url(rel) or prefix + quote(rel),
             "encodingFormat": MEDIA_TYPES[rel.rsplit(".", 1)[1]], "contentSize": f"{size} B", "sha256": sha256}
            for rel, (size, sha256) in files.items()
        ],
    }
    if info.download_base:
        doc["url"] = info.download_base
    return doc


README = Path(__file__).with_name("release-README.md")


def write_description(kg: KnowledgeGraph, stats: Stats, folder: Path,
                      known: dict[str, tuple[int, str]] | None = None, info: ReleaseInfo | None = None,
                      data: Published | None = None) -> None:
    """The context, model files and README, then the dataset descriptions of everything in the folder (`known`:
    checksums already taken), then the RO-Crate metadata, which lists the descriptions too."""
    from kg.release.crate import write_crate

    info = resolved(kg, info)
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
    write_crate(folder, described, MEDIA_TYPES, info, works, creator_iri(base), DESCRIPTION)


def _turtle_of(graph: Graph) -> bytes:
    """A small rdflib graph as Turtle by pyoxigraph's writer (rdflib's writer was the slowest part of a
    million-triple release's description); IRIs under RELATIVE are written as references relative to the file
    (Oxigraph writes absolute IRIs only; no base IRI can have RELATIVE_HOST, kg.base.config)."""
    from kg.base.terms import triples_to_ox

    statements = sorted(f"{t.subject} {t.predicate} {t.object}" for t in triples_to_ox(graph))
    return small_turtle(statements, {p: str(ns) for p, ns in graph.namespaces()}).replace(
        f"<{RELATIVE}".encode(), b"<")

