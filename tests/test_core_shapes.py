"""The shapes in two files: shapes/pikg-shapes.ttl holds the SHACL Core constraints only, so that an engine without
SHACL-SPARQL (rdf-validate-shacl stops at the first sh:sparql) can use it, and shapes/pikg-shapes-sparql.ttl adds
the SHACL-SPARQL constraints to the same node and property shapes, by their IRIs. The product's engine and the
pyshacl oracle read both (tests/test_shapes.py); here a second engine, pyrudof (rudof's SHACL validator, in Rust),
reads the core file alone: the bundled graph conforms, and each violating fixture of a Core constraint makes it
report exactly what the product's engine reports for that constraint (constraint, focus node).
"""

from __future__ import annotations

from pathlib import Path

import pyrudof
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from test_shapes import FIXTURE_UPDATES, _as_built, constraint_ids, with_fixture

from kg.base.config import PREFIXES, SHAPES_NS, resource_dir
from kg.check.validate import load_shapes, validate
from kg.model.build import KnowledgeGraph
from kg.schema.generate import sparql_block

SH = Namespace(PREFIXES["sh"])
CORE = resource_dir("shapes") / "pikg-shapes.ttl"
SPARQL = resource_dir("shapes") / "pikg-shapes-sparql.ttl"
# the SHACL-SPARQL vocabulary (SHACL §5, §6): none of it may appear in the core file
SPARQL_TERMS = {SH[name] for name in (
    "sparql", "select", "ask", "construct", "update", "prefixes", "declare", "prefix", "namespace", "validator",
    "nodeValidator", "propertyValidator", "parameter", "labelTemplate", "optional", "target",
    "SPARQLConstraint", "SPARQLConstraintComponent", "SPARQLExecutable", "SPARQLSelectExecutable",
    "SPARQLAskExecutable", "SPARQLConstructExecutable", "SPARQLUpdateExecutable", "SPARQLSelectValidator",
    "SPARQLAskValidator", "SPARQLTarget", "SPARQLTargetType", "SPARQLFunction", "ConstraintComponent",
    "PrefixDeclaration")}
CORE_FIXTURES = sorted(c for c in FIXTURE_UPDATES if not c.endswith("--SPARQL"))


def test_the_core_file_has_no_shacl_sparql() -> None:
    text = CORE.read_text(encoding="utf-8")
    assert "sh:sparql" not in text and "sh:select" not in text and "$this" not in text
    core = Graph().parse(CORE, format="turtle")
    used = {term for triple in core for term in triple}
    assert used & SPARQL_TERMS == set()


def test_the_sparql_file_only_adds_sparql_constraints_to_the_core_shapes() -> None:
    """Every sh:sparql of the second file names a shape of the first and a constraint of its own; it defines no
    shape, target or Core constraint; and the two files are what the product's engine reads."""
    core = Graph().parse(CORE, format="turtle")
    sparql = Graph().parse(SPARQL, format="turtle")
    shapes = set(core.subjects(RDF.type, SH.NodeShape)) | set(core.subjects(RDF.type, SH.PropertyShape))
    pairs = list(sparql.subject_objects(SH.sparql))
    one_value = URIRef(SHAPES_NS + "OneValue")  # shared by the single-valued text fields (kg.schema.generate)
    assert sum(c == one_value for _, c in pairs) == sparql_block().count(" sh:sparql pikgsh:OneValue .")
    assert {c for _, c in pairs} == set(sparql.subjects(RDF.type, SH.SPARQLConstraint))  # each one used
    for shape, constraint in pairs:
        assert shape in shapes, shape
        assert (constraint, RDF.type, SH.SPARQLConstraint) in sparql, constraint
        assert sparql.value(constraint, SH.select) and sparql.value(constraint, SH.message), constraint
    assert {p for p in sparql.predicates() if str(p).startswith(str(SH))} == {
        SH.sparql, SH.select, SH.message, SH.prefixes, SH.declare, SH.prefix, SH.namespace}
    assert not set(sparql.subjects(RDF.type, SH.NodeShape)) | set(sparql.subjects(RDF.type, SH.PropertyShape))
    assert sorted(p.name for p in resource_dir("shapes").glob("*.ttl")) == ["pikg-shapes-sparql.ttl",
                                                                           "pikg-shapes.ttl"]
    assert isomorphic(load_shapes(), core + sparql)


def _rudof(data: Path) -> list[tuple[str, str]]:
    """pyrudof's report on an N-Triples file against the core shapes alone: (constraint id, focus node) per
    result, the constraint id as Violation.constraint_id names it (Intervention-name--MinCount)."""
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    rudof.read_shacl(CORE, format=pyrudof.ShaclFormat.Turtle, reader_mode=pyrudof.ReaderMode.Strict)
    report = rudof.validate_shacl()
    found = []
    for result in report:
        shape = str(result.source_shape).strip("<>").rsplit("#", 1)[-1]
        component = str(result.constraint_component).strip("<>").rsplit("#", 1)[-1].removeprefix("sh:")
        found.append((f"{shape}--{component.removesuffix('ConstraintComponent')}", str(result.focus_node).strip("<>")))
    assert report.conforms == (not found)
    return found


@pytest.fixture(scope="module")
def kg(trial_kg: KnowledgeGraph) -> KnowledgeGraph:
    """The shapes judge the bundled graph with the made-up three-arm trial, which gives every section nodes."""
    return trial_kg


@pytest.fixture(scope="module")
def base_graph(kg) -> Graph:
    from test_shapes import base_graph_of

    return base_graph_of(kg)


def test_a_second_engine_finds_the_bundled_graph_conforming(base_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "pikg.nt"
    base_graph.serialize(path, format="nt", encoding="utf-8")
    assert _rudof(path) == []


def test_every_core_constraint_has_a_fixture_for_the_second_engine() -> None:
    core = [c for c in constraint_ids() if not c.endswith("--SPARQL")]  # the rest are SHACL-SPARQL
    assert CORE_FIXTURES == sorted(core)


@pytest.mark.parametrize("constraint", CORE_FIXTURES)
def test_a_second_engine_reports_each_core_fixture(constraint: str, base_graph: Graph, kg, tmp_path: Path) -> None:
    """pyrudof, with the core file alone, reports the fixture's constraint on the focus nodes the product's engine
    (both files) reports, and nothing else."""
    graph = with_fixture(base_graph, constraint)
    expected = {(v.constraint_id, str(v.focus)) for v in validate(_as_built(graph, kg)).violations}
    assert {c for c, _ in expected} == {constraint}
    path = tmp_path / "fixture.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    assert set(_rudof(path)) == expected


def test_core_messages_claim_only_the_counts_the_core_file_checks() -> None:
    """Regression (issue 25): shapes.ttl alone accepted a second intervention name while its message said "exactly
    one name". A Core property shape's message says "exactly one" only with sh:minCount 1 and sh:maxCount 1,
    "at most one" only with sh:maxCount 1, "at least one" only with sh:minCount 1; a text field's single value,
    which pikgsh:OneValue checks in the other file, is said to be checked there."""
    core = Graph().parse(CORE)
    sparql = Graph().parse(SPARQL)
    checked = 0
    for shape in core.subjects(RDF.type, SH.PropertyShape):
        message = str(core.value(shape, SH.message))
        counts = {str(p).rsplit("#", 1)[1]: int(o) for p, o in core.predicate_objects(shape)
                  if p in (SH.minCount, SH.maxCount)}
        claims = {"exactly one": {"minCount": 1, "maxCount": 1}, "at most one": {"maxCount": 1},
                  "at least one": {"minCount": 1}}
        for words, needed in claims.items():
            if words in message and "exactly one of" not in message:
                assert needed.items() <= counts.items(), f"{shape}: {message!r} but {counts}"
                checked += 1
        one_value = (shape, SH.sparql, URIRef(SHAPES_NS + "OneValue")) in sparql
        assert one_value == message.endswith("is refused by the SHACL-SPARQL constraint pikgsh:OneValue."), shape
    assert checked > 0
    name = URIRef(SHAPES_NS + "Intervention-name")
    assert str(core.value(name, SH.message)) == (
        "An intervention has a name (skos:prefLabel), an English text; at least one. Put other names in alt_names. "
        "A second value that is not a typographic variant of the first is refused by the SHACL-SPARQL constraint "
        "pikgsh:OneValue.")
