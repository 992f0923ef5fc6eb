"""Exports: deterministic bytes, every format parses back to the same graph, a context derived from the ontology,
and files written atomically (a failed build leaves the previous release as it was)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, SEEDS, write_release
from kg.base.config import ONTOLOGY_NS, Settings
from kg.base.files import RELEASE_FILES, RELEASE_FOLDERS, write_atomic
from kg.model.build import build
from kg.pipeline import run_pipeline
from kg.release.export import export_graph, jsonld_context, serialize


def _assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(only_expected)[:20]] + [f"+ {t}" for t in sorted(only_actual)[:20]]
        pytest.fail("graphs differ:\n" + "\n".join(lines))


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_single_graph_formats_parse_back_to_the_same_graph(kg, fmt: str) -> None:
    parsed = Graph()
    parsed.parse(data=serialize(kg, fmt), format={"nt": "nt", "turtle": "turtle", "json-ld": "json-ld"}[fmt])
    _assert_isomorphic(export_graph(kg), parsed)
    assert len(parsed) == BUNDLED["triples"]


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dataset_formats_keep_one_named_graph_per_source(kg, fmt: str) -> None:
    parsed = Dataset()
    parsed.parse(data=serialize(kg, fmt), format=fmt)
    names = sorted(str(g.identifier) for g in parsed.graphs() if len(g))
    assert names == sorted(str(n) for n in kg.export_graphs())
    for name in kg.export_graphs():
        _assert_isomorphic(kg.dataset.graph(name), parsed.graph(URIRef(str(name))))


def test_two_builds_give_byte_identical_files(tmp_path: Path) -> None:
    digests = []
    for run, seed in enumerate(("1", "4242")):
        out = tmp_path / f"out{run}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", "--out", str(out), "--sources", str(SEEDS)],
                       check=True, env=env, capture_output=True)
        digests.append({p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    framed = BUNDLED["classes"]["pikg:Intervention"]  # one framed document per intervention
    files = len(RELEASE_FILES - set(RELEASE_FOLDERS))  # the files, the framed documents, nanopubs and the stamp
    assert len(digests[0]) == files + framed + BUNDLED["classes"]["pikg:Finding"] + 1
    assert digests[0] == digests[1]


def test_context_terms_map_one_to_one_to_the_ontology(kg) -> None:
    """One term per property of ours, keyed by its label; classes resolve through @vocab, not terms."""
    from rdflib import OWL, RDF, RDFS

    context = jsonld_context()["@context"]
    ours = {k: v["@id"] for k, v in context.items() if isinstance(v, dict) and v.get("@id", "").startswith("pikg:")}
    classes = set(kg.dataset.subjects(RDF.type, OWL.Class))
    properties = {str(t)[len(ONTOLOGY_NS):] for t in kg.dataset.subjects(RDFS.isDefinedBy, None)
                  if str(t).startswith(ONTOLOGY_NS) and t not in classes}
    # one term per property, and one more per further datatype of a property (searched to a day, a month, a year)
    assert sorted(set(v[len("pikg:"):] for v in ours.values())) == sorted(properties)
    assert [k for k, v in ours.items() if v == "pikg:searchedTo"] == [
        "searchedTo", "searchedToYear", "searchedToYearMonth"]
    assert context["@vocab"] == ONTOLOGY_NS
    assert context["components"] == {"@id": "pikg:hasComponent", "@container": "@set"}  # a node: {"@id": …}
    assert context["durationValue"] == {"@id": "pikg:durationValue", "@type": "xsd:duration"}
    assert context["doi"] == {"@id": "pikg:doi", "@language": None, "@container": "@set"}  # variants kept


def test_jsonld_uses_the_context_terms(kg) -> None:
    doc = json.loads(serialize(kg, "json-ld"))
    ips = next(n for n in doc["@graph"] if n["@id"] == "https://w3id.org/pikg/id/intervention/ips")
    assert ips["acronym"] == ["IPS"]
    assert {"@id": "https://w3id.org/pikg/id/component/rapid-job-search"} in ips["components"]


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.ttl"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ttl"]


def test_failed_validation_leaves_previous_release_untouched(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    lines = (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8").splitlines(True)
    (records / "fixture.yaml").write_text("".join(ln for ln in lines if not ln.startswith("    name:")),
                                          encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".pikg-output").write_text("pikg release\n", encoding="utf-8")
    (out / "pikg.ttl").write_text("previous release\n", encoding="utf-8")
    kg = build(Settings.default(records, FIXTURE_SOURCES))
    result = run_pipeline(kg, out)
    assert not result.ok
    assert [v.constraint_id for v in result.report.violations] == ["Intervention-name--MinCount"]
    assert (out / "pikg.ttl").read_text(encoding="utf-8") == "previous release\n"
    assert sorted(p.name for p in out.iterdir()) == [".pikg-output", "pikg.ttl"]


def test_written_files_are_readable_by_a_web_server(kg, tmp_path: Path) -> None:
    """Regression: files written through a temporary file kept mkstemp's 0600 mode, and folders mkdtemp's 0700."""

    old = os.umask(0o022)
    try:
        written = write_release(kg, tmp_path / "release")
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in written.values()} == {"0o644"}
    assert oct((tmp_path / "release").stat().st_mode & 0o777) == "0o755"
    assert oct((tmp_path / "release" / "interventions").stat().st_mode & 0o777) == "0o755"
