"""SHACL shapes: the bundled graph conforms, and every constraint has a fixture that makes exactly it fire. The
shapes are the two files read together (kg.check.validate.load_shapes): the SHACL Core ones and the SHACL-SPARQL
ones added to them (tests/test_core_shapes.py checks the split, and the Core file alone with a second engine).

Two engines judge each fixture: the product's (every constraint one SPARQL query on Oxigraph, kg.check.engine, as
the build runs it) and pyshacl, the oracle, which must report the same constraints, focus nodes, values and
messages. pyshacl is not used by the product.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

from conftest import FIXTURES
from kg.base.config import PREFIXES, VOCAB_NS, expand
from kg.base.terms import split
from kg.check.validate import ValidationReport, Violation, load_shapes, validate
from kg.model.build import VOCAB_GRAPH, KnowledgeGraph
from kg.release.export import ntriples
from kg.schema import SECTION_BY_NAME, SECTIONS
from kg.schema.generate import property_shape, shaped

SH = Namespace(PREFIXES["sh"])
SKOS = Namespace(PREFIXES["skos"])
PARAMETERS = {
    "minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "class": "Class", "in": "In",
    "hasValue": "HasValue", "pattern": "Pattern", "or": "Or", "minInclusive": "MinInclusive", "sparql": "SPARQL",
}
SHAPES = load_shapes()
WRITTEN_FIXTURES: dict[str, str] = yaml.safe_load((FIXTURES / "shape-violations.yaml").read_text(encoding="utf-8"))
GENERATED = {property_shape(s, f): (s, f) for s in SECTIONS for f in shaped(s)}  # the shapes kg/schema writes
UPDATE_PROLOGUE = "BASE <https://w3id.org/pikg/id/>\n" + "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()
)


def _local(node: URIRef) -> str:
    return str(node).split("#", 1)[1]


def constraint_ids() -> list[str]:
    ids = []
    for shape in sorted(SHAPES.subjects(RDF.type, SH.PropertyShape)):
        ids += [f"{_local(shape)}--{name}" for param, name in PARAMETERS.items() if (shape, SH[param], None) in SHAPES]
    # a SPARQL constraint of a node shape is named by itself; one of a property shape (pikgsh:OneValue, shared by
    # every single-valued text field) by the property shape, above
    node_shapes = set(SHAPES.subjects(RDF.type, SH.NodeShape))
    of_nodes = {c for s, c in SHAPES.subject_objects(SH.sparql) if s in node_shapes}
    ids += [f"{_local(c)}--SPARQL" for c in sorted(of_nodes)]
    return ids


def derived_update(constraint: str) -> str | None:
    """A violating update for a constraint of a property shape written from kg/schema (kg.schema.generate), when
    shape-violations.yaml gives none, so that a new field needs no fixture written by hand: on the first node of the
    class (by IRI, one that has a value first), the values of the field are replaced by one of a wrong datatype with
    the same lexical form (Datatype), by an IRI that names no node (Class), by a concept of another scheme (In), or
    removed (MinCount), or a second value is added (MaxCount, and OneValue's SPARQL for a text). None for any other
    constraint: those are written in the YAML."""
    shape, component = constraint.split("--")
    if shape not in GENERATED or component not in ("Datatype", "Class", "MinCount", "MaxCount", "SPARQL", "In"):
        return None
    section, fld = GENERATED[shape]
    cls, path = expand(section.types[0]), expand(fld.predicate)
    first = (f"{{ SELECT ?n WHERE {{ ?n a <{cls}> OPTIONAL {{ ?n <{path}> ?x }} }} "
             "ORDER BY DESC(BOUND(?x)) STR(?n) LIMIT 1 }")
    if component in ("MaxCount", "SPARQL"):  # a second value, of the right kind (OneValue: the SPARQL of a text)
        return f"INSERT {{ ?n <{path}> ?other }} WHERE {{ {first} ?n <{path}> ?v {second_value(fld)} }}"
    if component == "In":  # a concept of another scheme
        wrong = "certainty/high" if getattr(fld.kind, "scheme", "") == "direction" else "direction/beneficial"
        return (f"DELETE {{ ?n <{path}> ?v }} INSERT {{ ?n <{path}> <{VOCAB_NS}{wrong}> }} "
                f"WHERE {{ {first} OPTIONAL {{ ?n <{path}> ?v }} }}")
    if component == "MinCount":
        return f"DELETE {{ ?n <{path}> ?v }} WHERE {{ {first} ?n <{path}> ?v }}"
    if component == "Class":
        return (f"DELETE {{ ?n <{path}> ?v }} INSERT {{ ?n <{path}> <https://w3id.org/pikg/id/nothing/at-all> }} "
                f"WHERE {{ {first} OPTIONAL {{ ?n <{path}> ?v }} }}")
    lexical = 'COALESCE(STR(?v), "x")'
    bad = f"STR({lexical})" if fld.kind.datatypes == ("rdf:langString",) else f'STRLANG({lexical}, "en")'
    return (f"DELETE {{ ?n <{path}> ?v }} INSERT {{ ?n <{path}> ?bad }} "
            f"WHERE {{ {first} OPTIONAL {{ ?n <{path}> ?v }} BIND({bad} AS ?bad) }}")


def second_value(fld: Any) -> str:
    """The pattern binding ?other, a value of the field's kind that differs from ?v: another concept of its scheme,
    another record of its section, or the text or number with something added."""
    scheme, section = getattr(fld.kind, "scheme", None), getattr(fld.kind, "section", None)
    if scheme:
        return (f"{{ SELECT ?other WHERE {{ ?other <{PREFIXES['skos']}inScheme> <{VOCAB_NS}{scheme}> }} "
                "ORDER BY DESC(STR(?other)) LIMIT 2 } FILTER (?other != ?v)")
    if section:
        target = expand(SECTION_BY_NAME[section].types[0])
        return (f"{{ SELECT ?other WHERE {{ ?other a <{target}> }} ORDER BY DESC(STR(?other)) LIMIT 2 }} "
                "FILTER (?other != ?v)")
    return ('BIND (IF(LANG(?v) != "", STRLANG(CONCAT(STR(?v), " (another)"), LANG(?v)), '
            'IF(DATATYPE(?v) = xsd:string, CONCAT(STR(?v), " (another)"), STRDT(CONCAT(STR(?v), "1"), DATATYPE(?v)))) '
            "AS ?other)")


def _fixtures() -> dict[str, str]:
    """Every constraint's violating update: the YAML's, and a derived one where the YAML gives none."""
    derived = {c: u for c in constraint_ids() if c not in WRITTEN_FIXTURES and (u := derived_update(c)) is not None}
    return {**WRITTEN_FIXTURES, **derived}


def test_every_constraint_has_exactly_one_fixture() -> None:
    ids = constraint_ids()
    assert len(ids) == len(set(ids))  # each constraint named once
    assert sorted(FIXTURE_UPDATES) == sorted(ids)


_PREPARED: dict[tuple, Any] = {}


@contextmanager
def _each_query_parsed_once() -> Iterator[None]:
    """pyshacl hands rdflib each SPARQL constraint as text, which rdflib parses again for every call (two thirds
    of the oracle's time); parsed once and reused, as rdflib's prepareQuery does, the answers are the same."""
    real = SPARQLProcessor.query

    def query(self: SPARQLProcessor, text: Any, initBindings: Any = None, initNs: Any = None, base: Any = None,
              DEBUG: bool = False) -> Any:
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in _PREPARED:
                _PREPARED[key] = translateQuery(parseQuery(text), base, initNs)
            text = _PREPARED[key]
        return real(self, text, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query  # type: ignore[method-assign]
    try:
        yield
    finally:
        SPARQLProcessor.query = real  # type: ignore[method-assign]


def oracle(graph: Graph, kg: KnowledgeGraph | None = None) -> ValidationReport:
    """pyshacl's report on an rdflib graph (no inference: what is checked is what is written), as Violations.
    pyshacl reads the graph in place, without a copy (without inference it adds nothing to it)."""
    import pyshacl

    with _each_query_parsed_once():
        _, report, _ = pyshacl.validate(graph, shacl_graph=SHAPES, inference="none", advanced=True,
                                        allow_warnings=True, inplace=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus, path = report.value(result, SH.focusNode), report.value(result, SH.resultPath)
        shape, constraint = report.value(result, SH.sourceShape), report.value(result, SH.sourceConstraint)
        # a SPARQL constraint of a node shape is named by sh:sourceConstraint (its sh:sourceShape is the node
        # shape); one of a property shape by the property shape, whose sh:message pyshacl adds to the
        # constraint's: the constraint's is the one reported
        messages = {str(m) for m in report.objects(result, SH.resultMessage)}
        own = str(SHAPES.value(constraint, SH.message)) if constraint is not None else None
        found.append(Violation(
            focus=focus, path=path, value=report.value(result, SH.value),
            shape=constraint if constraint is not None and (shape, RDF.type, SH.PropertyShape) not in SHAPES
            else shape,
            component=report.value(result, SH.sourceConstraintComponent),
            message=own if own in messages else next(iter(messages), ""),
            origin=kg.origin(focus, path) if kg else None))
    found.sort(key=lambda v: (str(v.origin or ""), v.constraint, str(v.focus), str(v.value)))
    return ValidationReport(not found, tuple(found))


def seen(violations: tuple[Violation, ...]) -> set[tuple[str, str, str, str]]:
    """What both engines must agree on. A SPARQL constraint that selects no ?value reports its focus node as the
    value in pyshacl and no value in ours: the same result (Violation leaves either out of its message). A value
    a SPARQL constraint selects is compared as a value: Oxigraph's store keeps "1"^^xsd:positiveInteger as
    "1"^^xsd:integer (the datatype checks, which must tell them apart, read the literals as written)."""
    def value(v: Violation) -> str:
        if v.value in (None, v.focus):
            return ""
        if v.constraint_id.endswith("--SPARQL") and isinstance(v.value, Literal):
            return repr(v.value.toPython())
        return v.value.n3()

    return {(v.constraint_id, str(v.focus), value(v), v.message) for v in violations}


def test_bundled_graph_conforms(kg, base_graph: Graph) -> None:
    report = validate(kg)
    assert report.conforms, str(report)
    assert report.violations == ()
    copy = Graph(bind_namespaces="none")
    copy += base_graph
    assert oracle(copy, kg).conforms


def base_graph_of(kg: KnowledgeGraph) -> Graph:
    """All named graphs (the ontology's too) as one rdflib graph: what the shapes see, less the reified statements
    (rdf:Statement nodes, two thirds of the triples), which no shape targets or reads: both engines judge the rest
    the same, and pyshacl, run once per constraint, takes a third of the time."""
    mark = f"<{kg.settings.base_iri}statement/"
    lines = {line for line in kg.statements() if not line.startswith(mark)}
    return Graph(bind_namespaces="none").parse(data=ntriples(lines).decode("utf-8"), format="nt")


def with_fixture(base: Graph, constraint: str) -> Graph:
    """A copy of the bundled graph with the fixture of one constraint applied."""
    graph = Graph(bind_namespaces="none")  # rdflib's default schema: is https://schema.org/, ours http://
    for triple in base:
        graph.add(triple)
    graph.update(UPDATE_PROLOGUE + FIXTURE_UPDATES[constraint])
    assert set(graph) != set(base), "the fixture changed nothing"
    return graph


@pytest.fixture(scope="module")
def kg(trial_kg: KnowledgeGraph) -> KnowledgeGraph:
    """The shapes judge the bundled graph with the made-up three-arm trial, which gives every section nodes."""
    return trial_kg


@pytest.fixture(scope="module")
def base_graph(kg) -> Graph:
    return base_graph_of(kg)


FIXTURE_UPDATES = _fixtures()


def test_every_written_fixture_names_a_constraint() -> None:
    """A fixture left in the YAML after its constraint went (renamed, or no longer written) would test nothing."""
    assert sorted(set(WRITTEN_FIXTURES) - set(constraint_ids())) == []


@pytest.mark.parametrize("constraint", sorted(FIXTURE_UPDATES))
def test_fixture_fires_exactly_its_constraint(constraint: str, base_graph: Graph, kg) -> None:
    """The product's engine, as the build runs it (the statements on an Oxigraph store), and the pyshacl oracle
    both report exactly this constraint, on the same focus nodes and values, with its message."""
    graph = with_fixture(base_graph, constraint)
    built = validate(_as_built(graph, kg))
    expected = oracle(graph, kg)
    assert not expected.conforms
    assert {v.constraint_id for v in expected.violations} == {constraint}
    assert all(v.message for v in expected.violations)
    assert seen(built.violations + built.conflicts) == seen(expected.violations)


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
    author = "https://w3id.org/pikg/id/publication/ips-recovery-abstract-2017/author/ips-recovery-abstract/1"
    bad = _as_built(base_graph_of(kg), kg)
    position = (author, PREFIXES["pikg"] + "authorPosition")
    bad.literals[position] = [v.replace(positive, integer) for v in bad.literals[position]]
    name = str(kg.source_graphs()[0])  # _as_built holds every statement there
    bad.graphs[name] = dict.fromkeys(x.replace(positive, integer) if x.startswith(f"<{position[0]}> <{position[1]}>")
                                     else x for x in bad.graphs[name])
    report = validate(bad)
    assert [(v.constraint_id, str(v.focus), v.value.n3()) for v in report.violations] == [
        ("Authorship-position--Datatype", "https://w3id.org/pikg/id/publication/ips-recovery-abstract-2017/author/ips-recovery-abstract/1",
         f'"1"^^{integer}')]


def test_the_oxigraph_engine_refuses_what_it_does_not_implement() -> None:
    from kg.check.engine import compile_shapes

    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property <urn:p> .
        <urn:p> sh:path <urn:q> ; sh:uniqueLang true .""", format="turtle")
    with pytest.raises(NotImplementedError, match="uniqueLang"):
        compile_shapes(shapes)
    node_path = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:sparql <urn:c> .
        <urn:c> sh:select "SELECT $this WHERE { $this $PATH ?v }" .""", format="turtle")
    with pytest.raises(NotImplementedError, match=r"\$PATH in a constraint of a node shape"):
        compile_shapes(node_path)
    assert len(compile_shapes(SHAPES)) == len(constraint_ids())  # one query per constraint and target


def test_report_names_the_record_file_and_line(bundled_kg: KnowledgeGraph) -> None:
    graph = with_fixture(base_graph_of(bundled_kg), "Intervention-name--MinCount")
    (violation,) = validate(_as_built(graph, bundled_kg)).violations
    assert str(violation) == (
        "records/missing-link-table-1.yaml:109: interventions.imr.name: An intervention has a name "
        "(skos:prefLabel), an English text; at least one. Put other names in alt_names. A second value that is not "
        "a typographic variant of the first is refused by the SHACL-SPARQL constraint pikgsh:OneValue. "
        "[pikgsh:Intervention-name MinCount; focus <https://w3id.org/pikg/id/intervention/imr>]"
    )


def test_every_shape_and_constraint_has_a_message() -> None:
    for kind in (SH.PropertyShape, SH.SPARQLConstraint):
        for shape in SHAPES.subjects(RDF.type, kind):
            assert SHAPES.value(shape, SH.message), f"{shape} has no sh:message"
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        assert SHAPES.value(shape, URIRef(PREFIXES["rdfs"] + "label")), f"{shape} has no label"


PROPERTY_LISTS = {URIRef("https://w3id.org/pikg/shapes#TableRow-property")}  # properties, not concepts:
# the fields a table row may show (tests/test_schema.py compares the list with the record format)


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

        if shape in PROPERTY_LISTS:
            continue

        values = frozenset(Collection(SHAPES, head))
        assert values in schemes, f"{shape}: sh:in {sorted(values)} is not exactly one concept scheme"
        checked += 1
    assert checked == sum(1 for shape, _ in SHAPES.subject_objects(SH["in"]) if shape not in PROPERTY_LISTS) > 0


def test_no_shape_reads_the_reified_statements() -> None:
    """What lets base_graph_of leave the rdf:Statement nodes out: no shape targets or reads them, but the three
    that number a list's places (issue 25), which read the statement of each place only to tell which source's
    list it is in; without statements (base_graph_of, someone else's file) every place of one table or byline is
    in one list, as each is in the bundled graph, so both engines still judge alike."""
    from kg.base.config import resource_dir

    positions = ("Publication-uniqueAuthorPositions", "Table-columnPositions", "Table-rowPositions")
    for path in resource_dir("shapes").glob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        constraints = re.split(r"\n(?=pikgsh:)", text)
        reading = [c.split()[0] for c in constraints if any(term in c for term in (
            "rdf:Statement", "rdf:subject", "rdf:predicate", "rdf:object", "wasDerivedFrom",
            "22-rdf-syntax-ns#Statement"))]
        assert all(c.removeprefix("pikgsh:") in positions for c in reading), (path.name, reading)
        assert len(reading) == (3 if path.name == "pikg-shapes-sparql.ttl" else 0), (path.name, reading)
