"""The release folder, proven by independent processors: pyoxigraph (a stricter parser than rdflib's) reads
every RDF file back to the built graph, pyld (the JSON-LD API's algorithms) reads every JSON-LD file offline,
and the dataset description's counts and checksums are recomputed from the files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, PARAMS, QUERY_NAMES, ROOT, SEEDS, write_release
from kg.base.config import Settings
from kg.base.terms import from_ox
from kg.check.validate import validate_file
from kg.model.build import KnowledgeGraph, build
from kg.model.stats import class_counts, compute_stats, store_class_counts
from kg.query.sparql import list_queries, run_query, run_query_oxigraph
from kg.release import folder as release_module
from kg.release.export import export_graph, jsonld_context

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCTERMS = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "release"
    write_release(kg, out)
    return out


def quads_from_ox(quads: Iterable[ox.Quad]) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """pyoxigraph's quads as rdflib terms, to compare what another parser read with the built graph."""
    for quad in quads:
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else from_ox(quad.graph_name)
        yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), graph


def _offline(url: str, options: dict | None = None) -> dict:
    raise AssertionError(f"pyld tried to load {url}")


def _quads(path: Path, fmt: ox.RdfFormat) -> set[tuple]:
    return set(quads_from_ox(ox.parse(path=str(path), format=fmt)))


def _triples(quads: set[tuple]) -> set[tuple]:
    return {q[:3] for q in quads}


def _pyld_triples(doc: dict) -> set[tuple]:
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline})
    return _triples(set(quads_from_ox(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))))


def record_ids(kg: KnowledgeGraph, section: str) -> list[str]:
    """The ids of a section's records in the built graph's files (one file per intervention, per finding)."""
    return sorted({rec.id for rf in kg.files for rec in rf.records if rec.section.name == section})


def test_release_has_every_file(kg: KnowledgeGraph, release: Path) -> None:
    names = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert names == sorted([
        ".pikg-output", "README.md", "context.jsonld", "dataset.jsonld", "dataset.ttl",
        *(f"interventions/{i}.jsonld" for i in record_ids(kg, "interventions")),
        *(f"nanopubs/{f}.trig" for f in record_ids(kg, "findings")), "ontology.ttl", "pikg.jsonld", "pikg.nq",
        "pikg.nt", "pikg.rdf", "pikg.trig", "pikg.ttl", "ro-crate-metadata.json", "shapes-sparql.ttl", "shapes.ttl",
        "vocabularies.ttl", "mappings.sssom.tsv", "interventions.schema.json",
    ])
    assert len(record_ids(kg, "findings")) == BUNDLED["classes"]["pikg:Finding"]
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".")], "a temporary folder was left"


@pytest.mark.parametrize(("name", "fmt"), [("pikg.ttl", ox.RdfFormat.TURTLE), ("pikg.nt", ox.RdfFormat.N_TRIPLES),
                                           ("pikg.rdf", ox.RdfFormat.RDF_XML)])
def test_pyoxigraph_reads_each_graph_file_back_to_the_built_graph(kg, release: Path, name: str,
                                                                   fmt: ox.RdfFormat) -> None:
    expected = set(export_graph(kg))
    actual = _triples(_quads(release / name, fmt))
    assert actual - expected == set()
    assert expected - actual == set()
    assert len(actual) == BUNDLED["triples"]


@pytest.mark.parametrize(("name", "fmt"), [("pikg.trig", ox.RdfFormat.TRIG), ("pikg.nq", ox.RdfFormat.N_QUADS)])
def test_pyoxigraph_reads_each_dataset_file_back_graph_by_graph(kg, release: Path, name: str,
                                                                 fmt: ox.RdfFormat) -> None:
    expected = {(s, p, o, g) for g in kg.export_graphs() for s, p, o in kg.dataset.graph(g)}
    assert _quads(release / name, fmt) == expected


def test_pyld_reads_the_jsonld_export_offline(kg, release: Path) -> None:
    doc = json.loads((release / "pikg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == json.loads((release / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert _pyld_triples(doc) == set(export_graph(kg))


def test_framed_interventions_are_views_of_the_graph(kg, release: Path) -> None:
    graph = set(export_graph(kg))
    ips = json.loads((release / "interventions" / "ips.jsonld").read_text(encoding="utf-8"))
    triples = _pyld_triples(ips)
    assert triples <= graph
    assert ips["name"] == ["Individual placement and support"]  # a name may have typographic variants: a list
    assert ips["durations"][0]["durationQualifier"]["name"] == ["open-ended"]
    assert [c["name"] for c in ips["components"]] == [  # in the order Table 1 prints them
        ["focus on competitive employment"], ["rapid job search"], ["in-vivo support"], ["benefit counselling"],
        ["attention to client’s preference"], ["integration with mental health teams"]]
    assert sorted(w for f in ips["findings"] for w in f.get("hedgeWording", ())) == [
        "does not seem to", "indicates", "may decrease"]
    assert sorted(s["@id"].rsplit("/", 1)[1] for s in ips["describedIn"]) == [
        "ips-recovery-abstract", "missing-link-abstract", "missing-link-table-1"]
    quotes = sorted(p["quote"] for f in ips["findings"] for p in f["supportingPassage"])
    assert quotes[0] == "IPS contributed to personal recovery in a number of ways"
    tp = json.loads((release / "interventions" / "turning-points.jsonld").read_text(encoding="utf-8"))
    assert [r["name"] for r in tp["sessionsLedBy"]] == [["peer-worker"]]
    assert "findings" not in tp


def test_no_blank_nodes_in_any_release_file(release: Path) -> None:
    for path in release.glob("pikg.*"):
        quads = ox.parse(path=str(path))
        assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)), path


def test_model_files_carry_version_iris(release: Path) -> None:
    for name, iri in (("ontology.ttl", "https://w3id.org/pikg/ontology/0.1.0"),
                      ("shapes.ttl", "https://w3id.org/pikg/shapes/0.1.0")):
        graph = Graph().parse(release / name)
        assert (None, URIRef("http://www.w3.org/2002/07/owl#versionIRI"), URIRef(iri)) in graph


def test_dataset_description_counts_and_checksums_match_the_files(kg, release: Path) -> None:
    desc = Graph().parse(release / "dataset.ttl")
    (dataset,) = desc.subjects(RDF.type, DCAT.Dataset)
    stats = compute_stats(kg)
    assert int(desc.value(dataset, VOID.triples)) == len(Graph().parse(release / "pikg.nt")) == BUNDLED["triples"]
    partitions = {str(desc.value(p, VOID["class"])): int(desc.value(p, VOID.entities))
                  for p in desc.objects(dataset, VOID.classPartition)}
    recounted = class_counts((str(s), str(o)) for s, o in Graph().parse(release / "pikg.nt").subject_objects(RDF.type))
    assert len(partitions) == len(recounted) == len(stats.classes)
    interventions = BUNDLED["classes"]["pikg:Intervention"]
    assert partitions["https://w3id.org/pikg/ontology#Intervention"] == recounted["pikg:Intervention"] == interventions
    per_graph = {str(desc.value(s, SD.name)): int(desc.value(s, VOID.triples))
                 for s in desc.objects(dataset, VOID.subset)}
    recomputed = {}
    for *_, g in _quads(release / "pikg.nq", ox.RdfFormat.N_QUADS):
        recomputed[str(g)] = recomputed.get(str(g), 0) + 1
    assert per_graph == recomputed
    distributions = list(desc.objects(dataset, DCAT.distribution))
    described = {".pikg-output", "dataset.ttl", "dataset.jsonld", "ro-crate-metadata.json"}  # the descriptions
    assert sorted(str(desc.value(d, DCTERMS.title)) for d in distributions) == sorted(
        name for name in (p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
        if name not in described)
    for dist in distributions:
        path = release / str(desc.value(dist, DCTERMS.title))
        assert int(desc.value(dist, DCAT.byteSize)) == path.stat().st_size
        checksum = desc.value(dist, SPDX.checksum)
        assert desc.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(desc.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        assert str(desc.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCAT.version, DCTERMS.creator):
        assert desc.value(dataset, prop) is not None, prop
    assert len(list(desc.objects(dataset, DCTERMS.source))) == BUNDLED["files"]


def test_schema_org_dataset_is_offline_jsonld_and_matches_the_files(release: Path) -> None:
    doc = json.loads((release / "dataset.jsonld").read_text(encoding="utf-8"))
    assert doc["@type"] == "Dataset" and doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert any({"sameAs": "https://doi.org/10.1186/s40359-021-00567-w"}.items() <= based.items()
               for based in doc["isBasedOn"])
    for dist in doc["distribution"]:
        path = release / dist["name"]
        assert dist["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert dist["contentSize"] == f"{path.stat().st_size} B"
    triples = _pyld_triples(doc)
    assert (URIRef("https://w3id.org/pikg/id/dataset"), RDF.type, URIRef("http://schema.org/Dataset")) in triples


def test_context_file_is_the_generated_context(release: Path) -> None:
    assert json.loads((release / "context.jsonld").read_text(encoding="utf-8")) == jsonld_context()


@pytest.mark.parametrize("name", ["pikg.ttl", "pikg.nt", "pikg.nq", "pikg.trig", "pikg.jsonld", "pikg.rdf"])
def test_round_trip_through_kg_validate_data(kg, release: Path, name: str) -> None:
    report, graph = validate_file(release / name)
    assert report.conforms, str(report)
    assert len(graph) == BUNDLED["triples"]
    assert store_class_counts(graph.store, ox.DefaultGraph()) == compute_stats(kg).classes




def test_a_sparql_store_loading_the_release_answers_like_kg_query(kg, release: Path) -> None:
    """pyoxigraph loads pikg.nq (and ontology.ttl, for property labels) and answers every bundled query with
    exactly the rows rdflib gives."""
    store = ox.Store()
    store.load(path=str(release / "pikg.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(path=str(release / "ontology.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/pikg/ontology"))
    specs = list_queries()
    assert tuple(spec.name for spec in specs) == QUERY_NAMES
    for spec in specs:
        params = PARAMS.get(spec.name, {})
        expected = run_query(kg.dataset, spec.name, params)
        assert run_query_oxigraph(store, spec.name, params) == expected, spec.name


def test_failed_write_leaves_the_previous_release(kg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "release"
    write_release(kg, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def explode(*args: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kg.release.folder.framed_intervention", explode)
    with pytest.raises(OSError):
        write_release(kg, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["release"]


def test_lexical_forms_are_kept_as_written(kg) -> None:
    """Values reach the exports exactly as the records wrote them (no normalisation of dates or durations)."""
    nt = export_graph(kg).serialize(format="nt")
    assert '"P49D"^^<http://www.w3.org/2001/XMLSchema#duration>' in nt
    assert '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>' in nt
    assert '"2017-09-22"^^<http://www.w3.org/2001/XMLSchema#date>' in nt
    assert Literal("12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")) in set(
        export_graph(kg).objects())
    assert not any(isinstance(t, BNode) for t in export_graph(kg).all_nodes())


def test_release_from_other_records(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    (records / "fixture.yaml").write_bytes((FIXTURES / "records" / "valid" / "fixture.yaml").read_bytes())
    other = build(Settings.default(records, FIXTURE_SOURCES))
    written = write_release(other, tmp_path / "out")
    assert "interventions/ix.jsonld" in written
    assert SEEDS.is_dir()


def test_second_process_writes_the_same_release(kg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From HELPER_FROM triples a helper process makes Turtle, TriG, JSON-LD and RDF/XML while the main one
    judges the graph and writes the framed documents: the folder must be byte for byte the one written in a single
    process."""
    from kg import pipeline

    write_release(kg, tmp_path / "one", helper=False)
    monkeypatch.setattr(release_module, "HELPER_FROM", 0)
    result = pipeline.run_pipeline(kg, tmp_path / "two")
    assert result.ok and sorted(result.written) == sorted(
        p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*")
        if p.is_file() and p.name != ".pikg-output")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


def test_the_helper_writes_its_formats_only_and_their_checksums(kg, tmp_path: Path) -> None:
    """Regression: the helper wrote the framed documents too (the main process writes them), 3 s at 1M."""
    from kg.model.published import Published
    from kg.release.description import distributions
    from kg.release.folder import finish_derived, start_derived, write_statements

    write_statements(tmp_path, Published.of(kg))
    sums = finish_derived(start_derived(tmp_path, kg.settings.base_iri, ("turtle", "trig", "json-ld", "rdf-xml")))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pikg.jsonld", "pikg.nq", "pikg.nt", "pikg.rdf", "pikg.trig", "pikg.ttl"]
    assert sums == {name: pair for name, pair in distributions(tmp_path).items()
                    if name not in ("pikg.nt", "pikg.nq")}


def test_a_failing_helper_process_keeps_the_previous_release(kg, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import pipeline

    out = tmp_path / "release"
    write_release(kg, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = release_module.start_derived
    monkeypatch.setattr(release_module, "start_derived", lambda folder, base, formats: real(folder, base, ("bogus",)))
    with pytest.raises(OSError) as failed:
        pipeline.run_pipeline(kg, out, helper=True)
    assert str(failed.value) == "writing the release formats failed in the helper process: KeyError: 'bogus'"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["release"]


def test_a_release_is_written_only_for_a_graph_that_passes(tmp_path: Path) -> None:
    """The pipeline judges with the one verdict before anything is written: two interventions sharing an acronym
    pass the shapes but not ambiguous-name-violation, and nothing is written, in one process or with the helper."""
    from test_cli import shared_acronym

    from kg.pipeline import run_pipeline

    records = tmp_path / "records"
    records.mkdir()
    for name, text in shared_acronym().items():
        (records / name).write_text(text, encoding="utf-8")
    shared = build(Settings.default(records, FIXTURE_SOURCES))
    for helper in (False, True):
        result = run_pipeline(shared, tmp_path / "out", helper=helper)
        assert not result.ok and result.written == {}
        assert "Violation queries: 3 run, 1 returned rows: ambiguous-name-violation" in result.summary()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


def test_the_shapes_name_the_files_they_are_read_with(release: Path) -> None:
    """Issue 25, item 4: the release's shapes.ttl named pikg-shapes-sparql.ttl, a file the release does not have;
    every .ttl file its comments name is a file of the release or a path of the project."""
    import re

    named = set(re.findall(r"[\w./-]+\.ttl", (release / "shapes.ttl").read_text(encoding="utf-8")))
    assert "shapes-sparql.ttl" in named
    assert [n for n in sorted(named) if not (release / n).is_file() and not (ROOT / n).is_file()] == []
