"""SHACL shapes: the bundled graph conforms, and every constraint has a fixture that makes exactly it fire."""

from __future__ import annotations

import pytest
import yaml
from rdflib import RDF, Graph, Namespace, URIRef

from conftest import FIXTURES
from kg.base.config import PREFIXES
from kg.check.validate import load_shapes, union_graph, validate, validate_graph
from kg.model.build import VOCAB_GRAPH, KnowledgeGraph
from kg.publish.jsonld import split

SH = Namespace(PREFIXES["sh"])
SKOS = Namespace(PREFIXES["skos"])
PARAMETERS = {
    "minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "class": "Class", "in": "In",
    "hasValue": "HasValue", "pattern": "Pattern", "or": "Or", "minInclusive": "MinInclusive",
}
SHAPES = load_shapes()
FIXTURE_UPDATES: dict[str, str] = yaml.safe_load((FIXTURES / "shape-violations.yaml").read_text(encoding="utf-8"))
UPDATE_PROLOGUE = "BASE <https://w3id.org/pikg/id/>\n" + "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()
)


def _local(node: URIRef) -> str:
    return str(node).split("#", 1)[1]


def constraint_ids() -> list[str]:
    ids = []
    for shape in sorted(SHAPES.subjects(RDF.type, SH.PropertyShape)):
        ids += [f"{_local(shape)}--{name}" for param, name in PARAMETERS.items() if (shape, SH[param], None) in SHAPES]
    ids += [f"{_local(c)}--SPARQL" for c in sorted(SHAPES.subjects(RDF.type, SH.SPARQLConstraint))]
    return ids


def test_every_constraint_has_exactly_one_fixture() -> None:
    ids = constraint_ids()
    assert len(ids) == 126
    assert sorted(FIXTURE_UPDATES) == sorted(ids)


def test_bundled_graph_conforms(kg) -> None:
    report = validate(kg)
    assert report.conforms, str(report)
    assert report.violations == ()


def base_graph_of(kg: KnowledgeGraph) -> Graph:
    return union_graph(kg)


@pytest.fixture(scope="module")
def base_graph(kg) -> Graph:
    return base_graph_of(kg)


@pytest.mark.parametrize("constraint", sorted(FIXTURE_UPDATES))
def test_fixture_fires_exactly_its_constraint(constraint: str, base_graph: Graph, kg) -> None:
    graph = Graph(bind_namespaces="none")  # rdflib's default schema: is https://schema.org/, ours http://
    for triple in base_graph:
        graph.add(triple)
    graph.update(UPDATE_PROLOGUE + FIXTURE_UPDATES[constraint])
    assert set(graph) != set(base_graph), "the fixture changed nothing"
    report = validate_graph(graph, kg, SHAPES, engine="fast")
    assert not report.conforms
    assert {v.constraint_id for v in report.violations} == {constraint}
    assert all(v.message for v in report.violations)
    at_scale = validate_graph(graph, kg, SHAPES, engine="oxigraph")  # the engine for large graphs agrees
    assert {(v.constraint_id, v.focus) for v in at_scale.violations} == {(v.constraint_id, v.focus)
                                                                          for v in report.violations}
    built = validate(_as_built(graph, kg))  # and so does the build's own path (statements on a store)
    assert {(v.constraint_id, v.focus, v.value) for v in built.violations + built.conflicts} == {
        (v.constraint_id, v.focus, v.value) for v in report.violations}


def _as_built(graph: Graph, kg: KnowledgeGraph) -> KnowledgeGraph:
    """A KnowledgeGraph holding `graph` as its first source's statements, as kg.build would have written them."""
    statements = dict.fromkeys(sorted(line.removesuffix(" .") for line in graph.serialize(format="nt").splitlines()
                                      if line.strip()))
    literals: dict[tuple[str, str], list[str]] = {}
    for statement in statements:
        s, p, o = split(statement)
        if o.startswith('"'):
            literals.setdefault((s, p), []).append(o)
    return KnowledgeGraph({str(kg.source_graphs()[0]): statements}, kg.files, kg.quotes, kg.settings, kg.origins,
                          literals)


def test_build_validation_judges_datatypes_as_written(kg) -> None:
    """Regression: Oxigraph's store keeps "1"^^xsd:positiveInteger as xsd:integer, so the build's validator
    reads datatypes from the statements as written; an xsd:integer author position is still reported."""
    positive, integer = f"<{PREFIXES['xsd']}positiveInteger>", f"<{PREFIXES['xsd']}integer>"
    author = "https://w3id.org/pikg/id/publication/ips-recovery-abstract-2017/author/1"
    bad = _as_built(base_graph_of(kg), kg)
    position = (author, PREFIXES["pikg"] + "authorPosition")
    bad.literals[position] = [v.replace(positive, integer) for v in bad.literals[position]]
    name = str(kg.source_graphs()[0])
    bad.graphs[name] = dict.fromkeys(x.replace(positive, integer) if x.startswith(f"<{position[0]}> <{position[1]}>")
                                     else x for x in bad.graphs[name])
    report = validate(bad)
    assert [(v.constraint_id, str(v.focus), v.value.n3()) for v in report.violations] == [
        ("Authorship-position--Datatype", "https://w3id.org/pikg/id/publication/ips-recovery-abstract-2017/author/1",
         f'"1"^^{integer}')]


def test_the_oxigraph_engine_refuses_what_it_does_not_implement() -> None:
    from kg.check.engine import compile_shapes

    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property <urn:p> .
        <urn:p> sh:path <urn:q> ; sh:uniqueLang true .""", format="turtle")
    with pytest.raises(NotImplementedError, match="uniqueLang"):
        compile_shapes(shapes)
    assert len(compile_shapes(SHAPES)) == 126  # one query per constraint and target


def test_report_names_the_record_file_and_line(base_graph: Graph, kg) -> None:
    graph = Graph(bind_namespaces="none")  # rdflib's default schema: is https://schema.org/, ours http://
    for triple in base_graph:
        graph.add(triple)
    graph.update(UPDATE_PROLOGUE + FIXTURE_UPDATES["Intervention-name--MinCount"])
    (violation,) = validate_graph(graph, kg, SHAPES).violations
    assert str(violation) == (
        "records/missing-link-table-1.yaml:112: interventions.imr.name: An intervention has exactly one name "
        "(skos:prefLabel), an English text; put other names in alt_names. "
        "[pikgsh:Intervention-name MinCount; focus <https://w3id.org/pikg/id/intervention/imr>]"
    )


def test_every_shape_and_constraint_has_a_message() -> None:
    for kind in (SH.PropertyShape, SH.SPARQLConstraint):
        for shape in SHAPES.subjects(RDF.type, kind):
            assert SHAPES.value(shape, SH.message), f"{shape} has no sh:message"
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        assert SHAPES.value(shape, URIRef(PREFIXES["rdfs"] + "label")), f"{shape} has no label"


def test_sh_in_lists_equal_their_concept_schemes(kg) -> None:
    """A value range on a concept scheme must list exactly the scheme's concepts, so the two cannot drift."""
    vocab = kg.dataset.graph(VOCAB_GRAPH)
    schemes: dict[frozenset, URIRef] = {}
    for scheme in vocab.subjects(RDF.type, SKOS.ConceptScheme):
        members = frozenset(vocab.subjects(SKOS.inScheme, scheme))
        if members:
            schemes[members] = scheme
    checked = 0
    for shape, head in SHAPES.subject_objects(SH["in"]):
        from rdflib.collection import Collection

        values = frozenset(Collection(SHAPES, head))
        assert values in schemes, f"{shape}: sh:in {sorted(values)} is not exactly one concept scheme"
        checked += 1
    assert checked == 13


@pytest.mark.parametrize("constraint", [None, *sorted(c for c in FIXTURE_UPDATES if c.endswith("--SPARQL"))])
def test_fast_engine_gives_the_same_results_as_pyshacl(constraint: str | None, base_graph: Graph, kg) -> None:
    """The SPARQL constraints run as one Oxigraph query each; pyshacl runs them per focus node. Same results."""
    graph = Graph(bind_namespaces="none")
    for triple in base_graph:
        graph.add(triple)
    if constraint:
        graph.update(UPDATE_PROLOGUE + FIXTURE_UPDATES[constraint])

    def results(engine: str) -> set[tuple[str, str, str]]:
        report = validate_graph(graph, kg, SHAPES, engine=engine)
        return {(v.constraint_id, str(v.focus), v.message) for v in report.violations}

    fast, reference = results("fast"), results("pyshacl")
    assert fast == reference == results("oxigraph")
    assert len(fast) == (0 if constraint is None else 1)
