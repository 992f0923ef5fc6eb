"""One JSON shape per key in every JSON-LD document of the release (issue 25): a key that can have several values
is always a list, any other never is; dates and plain strings are JSON strings; @type values are terms; lists a
source orders keep its order. The release publishes the JSON Schema of the framed documents, written from the
model, and every document is valid against it; pyld compacts each framed document back to itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pyld import jsonld
from test_jsonld_natural import _framed
from test_release import _offline

from conftest import write_release
from kg.base.config import PREFIXES, expand
from kg.release.export import jsonld_context
from kg.release.framed import FRAME_TERMS, SCHEMA_FILE, framed_schema
from kg.release.jsonld import Compactor, Positions
from kg.schema.jsonld import FORM_SUFFIX, keys

BASE = "https://w3id.org/pikg/id/"


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shapes") / "release"
    write_release(kg, out)
    return out


def _graph(release: Path) -> list[dict[str, Any]]:
    return json.loads((release / "pikg.jsonld").read_text(encoding="utf-8"))["@graph"]


def _entries(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every node object in a document, however deeply nested."""
    if isinstance(value, dict) and "@value" not in value:  # a node object, not a value object
        for key, item in value.items():
            if key != "@context":
                yield key, item
                yield from _entries(item)
    elif isinstance(value, list):
        for item in value:
            yield from _entries(item)


def _validator(release: Path, node: bool = False) -> jsonschema.Draft202012Validator:
    schema = json.loads((release / SCHEMA_FILE).read_text(encoding="utf-8"))
    if node:  # a node of the whole graph's document
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/node"}
    return jsonschema.Draft202012Validator(schema)


def test_the_release_publishes_the_schema_written_from_the_model(release: Path) -> None:
    written = (release / SCHEMA_FILE).read_bytes()
    assert written == framed_schema()
    schema = json.loads(written)
    jsonschema.Draft202012Validator.check_schema(schema)
    properties = schema["$defs"]["node"]["properties"]
    assert set(properties) == {"@context", "@id", "@type", *(k.key for k in keys()), *FRAME_TERMS}
    for key in keys():
        assert (properties[key.key].get("type") == "array") == key.many, key.key


def test_every_document_is_valid_against_the_schema(release: Path) -> None:
    validator = _validator(release)
    docs = _framed(release)
    assert len(docs) == len([n for n in _graph(release) if "Intervention" in n.get("@type", ())])
    for name, doc in docs.items():
        assert [e.message for e in validator.iter_errors(doc)] == [], name
    nodes = _validator(release, node=True)
    for node in _graph(release):
        assert [e.message for e in nodes.iter_errors(node)] == [], node["@id"]


def test_the_schema_refuses_the_shapes_issue_25_found(release: Path) -> None:
    validator = _validator(release)
    tp = _framed(release)["turning-points"]

    def errors(change: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((e.json_path, e.message) for e in validator.iter_errors({**tp, **change}))

    source = {"@id": f"{BASE}source/x"}
    assert errors({"describedIn": source}) == [("$.describedIn", f"{source!r} is not of type 'array'")]
    assert errors({"@type": "Intervention"}) == [("$['@type']", "'Intervention' is not of type 'array'")]
    assert errors({"@type": ["pikg:Intervention"]}) == [
        ("$['@type'][0]", f"'pikg:Intervention' is not one of {_type_terms(validator)!r}")]
    year = {"@value": "2021", "@type": "xsd:gYear"}
    assert errors({"source": {"@id": f"{BASE}publication/x", "issued": year}}) == [
        ("$.source.issued", f"{year!r} is not of type 'string'")]
    assert errors({"acronym": [{"@value": "TP"}]}) == [("$.acronym[0]", "{'@value': 'TP'} is not of type 'string'")]
    assert errors({"name": "Turning Points"}) == [("$.name", "'Turning Points' is not of type 'array'")]
    assert errors({"peerSupport": [True]}) == [("$.peerSupport", "[True] is not of type 'boolean'")]
    assert errors({"componentes": []}) == [
        ("$", "Additional properties are not allowed ('componentes' was unexpected)")]


def _type_terms(validator: jsonschema.Draft202012Validator) -> list[str]:
    return validator.schema["$defs"]["node"]["properties"]["@type"]["items"]["enum"]


def test_each_key_has_one_shape_in_every_document(release: Path) -> None:
    """Across the framed documents and the whole graph, a key is always a list or never one, as its context term
    says (a set); a date or a plain string is never a value object (only a statement's `object` keeps the
    expanded form, the one key whose values may be anything)."""
    context = jsonld_context()["@context"]
    shapes: dict[str, set[bool]] = {}
    for doc in [*_framed(release).values(), {"@graph": _graph(release)}]:
        for key, value in _entries(doc):
            if key not in ("@graph", "@id"):
                shapes.setdefault(key, set()).add(isinstance(value, list))
    assert sorted(k for k, seen in shapes.items() if len(seen) > 1) == []
    sets = {k for k, v in {**context, **FRAME_TERMS}.items() if isinstance(v, dict) and v.get("@container") == "@set"}
    assert {k for k, seen in shapes.items() if seen == {True}} == (sets & set(shapes)) | {"@type"}
    wrapped = {k for doc in _framed(release).values() for k, v in _entries(doc)
               for item in (v if isinstance(v, list) else [v]) if isinstance(item, dict) and "@value" in item}
    assert wrapped == {"object"}
    types = {t for doc in _framed(release).values() for k, v in _entries(doc) if k == "@type" for t in v}
    assert types >= {"Intervention", "Concept", "ScholarlyArticle", "Statement"}
    assert not [t for t in types if ":" in t], "every @type is a term"


def test_every_reference_is_a_node_object(release: Path) -> None:
    """describedIn was a list in three documents and an object in turning-points.jsonld; a source was a string
    where it was not embedded and an object where it was."""
    docs = _framed(release)
    for name, doc in docs.items():
        assert all(s["@id"].startswith(f"{BASE}source/") for s in doc["describedIn"]), name
        for key, value in _entries(doc):
            if key in ("inSource", "source", "category", "evaluates", "derivedFrom"):
                assert all(isinstance(v, dict) and "@id" in v for v in (value if isinstance(value, list) else [value]))


def test_pyld_compacts_each_framed_document_to_itself(release: Path) -> None:
    """Each framed document is what JSON-LD compaction with its context gives: the shapes are the context's, not
    ours alone. (A statement's predicate is written as its key, which compaction spells as a compact IRI when the
    key coerces a datatype: both name the same property.)"""
    for name, doc in _framed(release).items():
        again = jsonld.compact(jsonld.expand(doc, {"documentLoader": _offline}), doc["@context"],
                               {"documentLoader": _offline})
        assert _predicates_expanded(again) == _predicates_expanded({**doc, "@context": again["@context"]}), name


def _predicates_expanded(value: Any) -> Any:
    context = jsonld_context()["@context"]
    if isinstance(value, list):
        return [_predicates_expanded(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _predicates_expanded(v) for k, v in value.items() if k != "@context"}
    if isinstance(out.get("predicate"), str):
        term = context.get(out["predicate"])
        out["predicate"] = expand(term["@id"] if isinstance(term, dict) else out["predicate"])
    return out


def test_lists_keep_the_order_the_source_gives(kg, release: Path) -> None:
    """IMR's components as Table 1 prints them (the record lists them so), not alphabetically; a byline in its
    order (author 10 after 9, not after 1)."""
    imr = next(rec for rf in kg.files for rec in rf.records if rec.section.name == "interventions"
               and rec.id == "imr" and rf.source.id == "missing-link-table-1")
    [listed] = [v.items for v in imr.values if v.field.name == "components"]
    assert len(listed) == 5
    docs = _framed(release)
    assert [c["@id"] for c in docs["imr"]["components"]] == [f"{BASE}component/{c}" for c in listed]
    assert [c["@id"] for c in docs["imr"]["components"]] != sorted(c["@id"] for c in docs["imr"]["components"])
    positions = {f["object"]["@id"]: f["valuePosition"] for f in docs["imr"]["facts"] if "valuePosition" in f}
    assert positions == {f"{BASE}component/{c}": at for at, c in enumerate(listed, 1)}
    by_id = {n["@id"]: n for n in _graph(release)}
    assert by_id[f"{BASE}intervention/imr"]["components"] == [{"@id": f"{BASE}component/{c}"} for c in listed]
    bylines = [n["authorships"] for n in by_id.values() if "authorships" in n]
    assert bylines and max(len(b) for b in bylines) >= 10
    for byline in bylines:
        assert [by_id[a["@id"]]["authorPosition"] for a in byline] == list(range(1, len(byline) + 1))


def test_two_sources_orders_never_mix() -> None:
    """A position is its source's statement's: two sources listing values in other orders each keep a statement of
    their own; the first source's list (in IRI order) comes whole, in its order, then what only the next one
    lists, in its order; a value both place is placed by the first. Never interleaved (a fresh read of issue 25's
    work: the lower of two sources' positions gave c, d, b, a)."""
    rdf, pikg, xsd = PREFIXES["rdf"], PREFIXES["pikg"], PREFIXES["xsd"]
    s, p = f"{BASE}intervention/x", f"{pikg}hasComponent"

    def statement(name: str, obj: str, at: int) -> list[str]:
        node = f"<{BASE}statement/{name}>"
        return [f"{node} <{rdf}object> <{BASE}component/{obj}>", f"{node} <{rdf}predicate> <{p}>",
                f"{node} <{rdf}subject> <{s}>", f"{node} <{rdf}type> <{rdf}Statement>",
                f"{node} <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}passage/source-{name[0]}/h{name}>",
                f'{node} <{pikg}valuePosition> "{at}"^^<{xsd}positiveInteger>']

    lines = sorted([*statement("a1", "c", 1), *statement("a2", "b", 2), *statement("a3", "a", 3),
                    *statement("b1", "a", 1), *statement("b2", "d", 2)])
    positions = Positions.scan(lines)
    first, second = f"{BASE}passage/source-a", f"{BASE}passage/source-b"
    assert positions.of_subject == {s: {(p, f"<{BASE}component/{c}>"): place for c, place in
                                        {"c": (first, 1), "b": (first, 2), "a": (first, 3),
                                         "d": (second, 2)}.items()}}
    compactor = Compactor(jsonld_context()["@context"])
    node = compactor.node(s, [(p, f"<{BASE}component/{c}>") for c in "abcd"], positions=positions)
    assert [c["@id"].rsplit("/", 1)[1] for c in node["components"]] == ["c", "b", "a", "d"]


def test_a_property_with_several_datatypes_has_a_key_per_datatype() -> None:
    """A date is a JSON string: `issued` a day, `issuedYear` a year (one key, one datatype); a place's name,
    written as the source writes it, is not the English text an event's name is."""
    compactor = Compactor(jsonld_context()["@context"])
    xsd, dcterms, schema = PREFIXES["xsd"], PREFIXES["dcterms"], PREFIXES["schema"]
    assert compactor.entry(f"{dcterms}issued", f'"2021"^^<{xsd}gYear>') == ("issuedYear", "2021")
    assert compactor.entry(f"{dcterms}issued", f'"2019-02-11"^^<{xsd}date>') == ("issued", "2019-02-11")
    assert compactor.entry(f"{schema}name", '"København"') == ("placeName", "København")
    assert compactor.entry(f"{schema}name", '"8th Together Against Stigma Conference"@en') == (
        "eventName", "8th Together Against Stigma Conference")
    assert compactor.entry(f"{dcterms}issued", f'"2021-07"^^<{xsd}gYearMonth>') == (
        "issued", {"@value": "2021-07", "@type": "xsd:gYearMonth"})  # no field makes it: no key fits
    assert set(FORM_SUFFIX) == {"xsd:gYear", "xsd:gYearMonth"}
