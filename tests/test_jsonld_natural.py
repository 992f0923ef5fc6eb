"""JSON-LD that JSON code can use as it is (issue 14): native booleans and numbers, plain strings in the default
language, natural keys, no two keys apart only by case, and the quotes of the Table 1 facts in each framed
document; read back by pyld and pyoxigraph, the documents are still exactly views of the graph."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld
from test_release import _offline, _pyld_triples, quads_from_ox

from conftest import write_release
from kg.base.config import expand
from kg.release.export import export_graph, jsonld_context, term_key
from kg.release.jsonld import Compactor, native


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("natural") / "release"
    write_release(kg, out)
    return out


def _framed(release: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((release / "interventions").glob("*"))}


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every node object in a document, however deeply nested."""
    if isinstance(value, dict):
        if "@id" in value:
            yield value
        for key, item in value.items():
            if key != "@context":
                yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def test_framed_documents_have_json_types(release: Path) -> None:
    docs = _framed(release)
    assert docs["ips"]["peerSupport"] is False
    stated = {name: d["peerSupport"] for name, d in docs.items() if "peerSupport" in d}  # Table 1's rows say it
    assert stated and all(type(v) is bool for v in stated.values())
    assert [name for name, v in stated.items() if not v] == ["ips"]
    days = {name: r["durationInDays"] for name, d in docs.items() for r in d.get("durations", ())
            if "durationInDays" in r}
    assert days and all(isinstance(v, int) and not isinstance(v, bool) for v in days.values())
    sizes = [n["sampleSize"] for d in docs.values() for n in _nodes(d) if "sampleSize" in n]
    assert sizes and all(type(v) is int for v in sizes)
    assert 12 in sizes
    ips = docs["ips"]
    assert ips["name"] == ["Individual placement and support"] and ips["acronym"] == ["IPS"]
    assert all(isinstance(a, str) for a in ips["aim"])
    assert all(isinstance(n, str) for c in ips["components"] for n in c["name"])
    publication = next(n for n in _nodes(ips) if n["@id"].endswith("publication/ips-recovery-abstract-2017"))
    assert publication["numberOfPages"] == 1 and all(isinstance(t, str) for t in publication["title"])
    assert publication["issued"] == "2017-09-22"  # a day; a year is issuedYear: a date is a JSON string
    article = next(n for n in _nodes(docs["imr"]) if n["@id"].endswith("publication/missing-link-article"))
    assert article["issuedYear"] == "2021" and "issued" not in article


def test_framed_documents_quote_the_table_1_facts(release: Path) -> None:
    ips = _framed(release)["ips"]
    facts = {(f["predicate"], json.dumps(f["object"], ensure_ascii=False)): f["derivedFrom"] for f in ips["facts"]}
    [passage] = facts[("peerSupport", '{"@value": "false", "@type": "xsd:boolean"}')]  # an object: expanded form
    assert passage["inSource"]["@id"].endswith("source/missing-link-table-1") and isinstance(passage["quote"], str)
    [passage] = facts[("name", '{"@value": "Individual placement and support", "@language": "en"}')]
    assert passage["quote"] == "Individual placement and support"
    assert {f["predicate"] for c in ips["components"] for f in c["facts"]} >= {"name"}
    assert {f["predicate"] for f in ips["durations"][0]["facts"]} >= {"durationText"}
    quotes = [p["quote"] for f in ips["findings"] for p in f["supportingPassage"]]
    assert quotes and all(isinstance(q, str) for q in quotes)


def test_whole_graph_document_has_json_types(release: Path) -> None:
    doc = json.loads((release / "pikg.jsonld").read_text(encoding="utf-8"))
    by_id = {n["@id"]: n for n in doc["@graph"]}
    ips = by_id["https://w3id.org/pikg/id/intervention/ips"]
    assert ips["peerSupport"] is False and ips["name"] == ["Individual placement and support"]
    assert all(type(n["sampleSize"]) is int for n in doc["@graph"] if "sampleSize" in n)
    assert all(type(n["authorPosition"]) is int for n in doc["@graph"] if "authorPosition" in n)
    assert all(isinstance(n["quote"], str) for n in doc["@graph"] if "quote" in n)
    assert not [k for n in doc["@graph"] for k in n if ":" in k], "every property used has a natural key"


def test_context_keys_differ_beyond_case(release: Path) -> None:
    for context in (jsonld_context()["@context"], *_framed(release)["ips"]["@context"]):
        keys = [k.lower() for k in context]
        assert len(keys) == len(set(keys))
    context = jsonld_context()["@context"]
    assert "study" in context and "Study" not in context
    assert context["@language"] == "en"
    assert {context[k]["@id"] for k in ("name", "altName", "title", "quote", "issued", "components")} == {
        "skos:prefLabel", "skos:altLabel", "dcterms:title", "oa:exact", "dcterms:issued", "pikg:hasComponent"}


@pytest.mark.parametrize("name", ["pikg.jsonld", "interventions/ips.jsonld", "interventions/turning-points.jsonld"])
def test_pyld_and_pyoxigraph_read_the_same_triples(kg, release: Path, name: str) -> None:
    text = (release / name).read_text(encoding="utf-8")
    by_pyld = _pyld_triples(json.loads(text))
    by_oxigraph = {q[:3] for q in quads_from_ox(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD))}
    assert by_pyld == by_oxigraph
    graph = set(export_graph(kg))
    assert by_pyld == graph if name == "pikg.jsonld" else by_pyld <= graph


def test_framed_documents_hold_each_fact_and_its_passage(kg, release: Path) -> None:
    """Every fact listed is in the graph with the passage it was derived from."""
    ips = json.loads((release / "interventions" / "ips.jsonld").read_text(encoding="utf-8"))
    expanded = jsonld.expand(ips, {"documentLoader": _offline})
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    statements = [n for n in _nodes(expanded) if f"{rdf}predicate" in n]
    assert len(statements) >= 20
    assert all("http://www.w3.org/ns/prov#wasDerivedFrom" in n for n in statements)


def test_only_canonical_literals_become_json_values() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert native("false", xsd + "boolean") is False and native("1", xsd + "boolean") is None
    assert native("12", xsd + "nonNegativeInteger") == 12 and native("012", xsd + "integer") is None
    assert native("-3", xsd + "integer") == -3 and native("1.5", xsd + "decimal") is None
    compactor = Compactor(jsonld_context()["@context"])
    key, value = compactor.entry("https://w3id.org/pikg/ontology#sampleSize", f'"012"^^<{xsd}nonNegativeInteger>')
    assert (key, value) == ("sampleSize", "012")  # the coerced lexical form, kept as written
    key, value = compactor.entry("https://w3id.org/pikg/ontology#doi", '"10.1/x"@de')
    assert (key, value) == ("doi", {"@value": "10.1/x", "@language": "de"})


def test_keys_come_from_labels() -> None:
    assert term_key("has component", functional=False) == "components"
    assert term_key("CERQual confidence") == "cerqualConfidence"
    assert term_key("DOI") == "doi" and term_key("sessions led by") == "sessionsLedBy"


def test_every_property_a_field_makes_has_a_key() -> None:
    """The JSON-LD context has a natural key for every property the record format makes (ours from the ontology's
    labels, the others from EXTERNAL_TERMS), so that a new field's values never come out under a full IRI."""
    from kg.schema import SECTIONS

    context = jsonld_context()["@context"]
    keyed = {expand(v["@id"]) for v in context.values() if isinstance(v, dict) and "@id" in v}
    made = {expand(f.predicate) for s in SECTIONS for f in s.fields}
    assert sorted(made - keyed) == []
