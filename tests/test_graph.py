"""The graph holds every fact of the two source documents, each in its source's named graph with its quote; its
counts are the ones stated once in tests/fixtures/bundled-graph.json."""

from __future__ import annotations

import json
import os

import pytest
from rdflib import OWL, RDF, XSD, Literal, Namespace, URIRef

from conftest import FIXTURES
from kg.base.config import Settings
from kg.model.build import VOCAB_GRAPH, KnowledgeGraph, build, load_model
from kg.model.stats import compute_stats

ID = Namespace("https://w3id.org/pikg/id/")
PIKG = Namespace("https://w3id.org/pikg/ontology#")
V = Namespace("https://w3id.org/pikg/vocab/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("http://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
TABLE = ID["graph/missing-link-table-1"]
ABSTRACT = ID["graph/ips-recovery-abstract"]
COUNTS_FILE = FIXTURES / "bundled-graph.json"
COUNTS = json.loads(COUNTS_FILE.read_text(encoding="utf-8"))


def in_graph(kg: KnowledgeGraph, graph: URIRef, triple: tuple) -> bool:
    return triple in kg.dataset.graph(graph)


def quote_of(kg: KnowledgeGraph, graph: URIRef, triple: tuple) -> str:
    """The quoted passage that supports a triple in a source's graph."""
    rows = list(kg.dataset.query(
        """SELECT ?q WHERE { GRAPH ?g { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                          prov:wasDerivedFrom/oa:exact ?q } }""",
        initBindings={"g": graph, "s": triple[0], "p": triple[1], "o": triple[2]},
        initNs={"rdf": RDF, "prov": Namespace("http://www.w3.org/ns/prov#"),
                "oa": Namespace("http://www.w3.org/ns/oa#")},
    ))
    assert len(rows) == 1, rows
    return str(rows[0][0])


IMR, IPS = ID["intervention/imr"], ID["intervention/ips"]
TP, LTAD = ID["intervention/turning-points"], ID["intervention/learn-how-to-tackle-anxiety-and-depression"]

TABLE_FACTS = [
    ((IMR, SKOS.prefLabel, Literal("Illness management and recovery", lang="en")),
     "Illness management and recovery"),
    ((IMR, PIKG.acronym, Literal("IMR")), "IMR"),
    ((IPS, PIKG.acronym, Literal("IPS")), "IPS"),
    ((LTAD, SKOS.prefLabel, Literal("Learn how to tackle anxiety and depression", lang="en")),
     "Peer-led program 2 (“Lean how to tackle anxiety and depression”)"),
    ((LTAD, SKOS.altLabel, Literal("Lean how to tackle anxiety and depression", lang="en")),
     "Lean how to tackle anxiety and depression"),
    ((TP, SKOS.note, Literal("Turning Points contains a range of courses (designed to meet different needs among "
                             "the participants)", lang="en")),
     "Turning Points contains a range of courses (designed to meet different needs among the participants)"),
    ((IPS, PIKG.aim, Literal("To help people with severe mental illness obtain competitive employment", lang="en")),
     "To help people with severe mental illness obtain competitive employment"),
    ((IMR, PIKG.hasComponent, ID["component/relapse-prevention"]),
     "Curriculum-based psychoeducation, cognitive behavioural approaches to medication adherence, relapse "
     "prevention, social skills training and coping skills training"),
    ((LTAD, PIKG.hasComponent, ID["component/curriculum-based-psychoeducation"]),
     "Curriculum-based psychoeducation, coping skills training, role modelling, peer-exchange"),
    ((IMR, PIKG.peerSupport, Literal(True)), "Yes—group-based sessions"),
    ((IPS, PIKG.peerSupport, Literal(False)), "No"),
    ((TP, PIKG.deliveryMode, V["delivery-mode/group-based"]), "Yes—group-based sessions"),
    ((IMR, PIKG.sessionsLedBy, V["provider-role/mental-health-professional"]),
     "Sessions are led by mental health professionals (e.g. nurses)"),
    ((V["provider-role/mental-health-professional"], SKOS.example, Literal("nurses", lang="en")),
     "Sessions are led by mental health professionals (e.g. nurses)"),
    ((TP, PIKG.sessionsLedBy, V["provider-role/peer-worker"]), "Sessions are led by peer-workers"),
    ((LTAD, DCTERMS.type, V["intervention-type/peer-led-program"]),
     "Peer-led program 2 (“Lean how to tackle anxiety and depression”)"),
]

ABSTRACT_FACTS = [
    ((IPS, SKOS.altLabel, Literal("Individual Placement and Support", lang="en")),
     "Individual Placement and Support (IPS)"),
    ((IPS, PIKG.deliveredBy, V["provider-role/employment-specialist"]),
     "employment specialists (ES) support persons with severe mental illness"),
    ((ID["study/ips-denmark-recovery-study"], PIKG.sampleSize, Literal("12", datatype=XSD.nonNegativeInteger)),
     "A qualitative phenomenological study including interview of 12 participants in an IPS intervention."),
    ((ID["publication/ips-recovery-abstract-2017"], DCTERMS.issued, Literal("2017-09-22", datatype=XSD.date)),
     "Publication date22. Sep 2017"),
    ((ID["publication/ips-recovery-abstract-2017"], DCTERMS.language, Literal("en", datatype=XSD.language)),
     "Original languageEnglish"),
    ((ID["publication/ips-recovery-abstract-2017"], SCHEMA.numberOfPages, Literal("1", datatype=XSD.positiveInteger)),
     "Number of pages1"),
    ((ID["event/together-against-stigma-2017"], SCHEMA.startDate, Literal("2017-09-20", datatype=XSD.date)),
     "Duration: 20. Sep 201722. Sep 2017"),
    ((ID["event/together-against-stigma-2017"], SCHEMA.endDate, Literal("2017-09-22", datatype=XSD.date)),
     "Duration: 20. Sep 201722. Sep 2017"),
    ((ID["event/together-against-stigma-2017"], PIKG.conferenceNumber, Literal("8", datatype=XSD.positiveInteger)),
     "Conference number: 8"),
    ((ID["place/kobenhavn"], SCHEMA.name, Literal("København")), "København"),
    ((ID["event/together-against-stigma-2017"], SCHEMA.workPresented, ID["publication/ips-recovery-abstract-2017"]),
     "Event8th Together Against Stigma Conference - København, Denmark"),
    ((V["recovery-kind/personal-recovery"], SKOS.definition,
      Literal("what helps the individual move beyond the role of being a patient with a mental illness", lang="en")),
     "what helps the individual move beyond the role of being a patient with a mental illness"),
    ((ID["finding/ips-depressive-symptoms-conclusion"], PIKG.hedgeWording, Literal("may decrease", lang="en")),
     "may decrease"),
    ((ID["finding/ips-psychotic-symptoms-result"], PIKG.subgroup,
      ID["subgroup/participants-with-psychotic-symptoms"]),
     "Participants suffering from psychotic symptoms were clearly of the opinion that neither IPS nor employment "
     "influenced symptom severity."),
]


@pytest.mark.parametrize(("triple", "quote"), TABLE_FACTS, ids=lambda v: str(v)[-40:])
def test_table_fact_is_in_the_table_graph_with_its_quote(kg, triple: tuple, quote: str) -> None:
    assert in_graph(kg, TABLE, triple)
    assert not in_graph(kg, ABSTRACT, triple) or triple[1] == PIKG.acronym
    assert quote_of(kg, TABLE, triple) == quote


@pytest.mark.parametrize(("triple", "quote"), ABSTRACT_FACTS, ids=lambda v: str(v)[-40:])
def test_abstract_fact_is_in_the_abstract_graph_with_its_quote(kg, triple: tuple, quote: str) -> None:
    assert in_graph(kg, ABSTRACT, triple)
    assert not in_graph(kg, TABLE, triple)
    assert quote_of(kg, ABSTRACT, triple) == quote


def test_ips_is_one_node_described_by_both_sources(kg) -> None:
    for graph in (TABLE, ABSTRACT):
        assert in_graph(kg, graph, (IPS, RDF.type, PIKG.Intervention))
    assert in_graph(kg, TABLE, (IPS, PIKG.acronym, Literal("IPS")))
    assert in_graph(kg, ABSTRACT, (IPS, PIKG.acronym, Literal("IPS")))
    assert quote_of(kg, ABSTRACT, (IPS, PIKG.acronym, Literal("IPS"))) == "Individual Placement and Support (IPS)"


def test_empty_cell_is_not_reported_not_a_value(kg) -> None:
    """Table 1 leaves who leads IPS sessions empty: no sessionsLedBy for IPS anywhere."""
    assert list(kg.dataset.objects(IPS, PIKG.sessionsLedBy)) == []
    assert set(kg.dataset.objects(IPS, PIKG.deliveredBy)) == {V["provider-role/employment-specialist"]}


def test_durations(kg) -> None:
    expected = {
        IMR: ("Nine months", "exact", "P9M", 270),
        IPS: ("Unlimited", "open-ended", None, None),
        TP: ("Approximately three months depending on the course", "approximate", "P3M", 90),
        LTAD: ("7 weeks", "exact", "P49D", 49),
    }
    for intervention, (text, qualifier, value, days) in expected.items():
        (node,) = kg.dataset.objects(intervention, PIKG.hasDuration)
        assert node == URIRef(f"{intervention}/duration/missing-link-table-1")
        assert kg.dataset.value(node, PIKG.durationText) == Literal(text, lang="en")
        assert kg.dataset.value(node, PIKG.durationQualifier) == V[f"duration-qualifier/{qualifier}"]
        literal = kg.dataset.value(node, PIKG.durationValue)
        assert (str(literal) if literal is not None else None) == value
        if literal is not None:
            assert literal.datatype == XSD.duration
        days_literal = kg.dataset.value(node, PIKG.durationInDays)
        assert (int(days_literal) if days_literal is not None else None) == days


def test_shared_components_are_one_node(kg) -> None:
    users = set(kg.dataset.subjects(PIKG.hasComponent, ID["component/peer-exchange"]))
    assert users == {TP, LTAD}
    components = set(kg.dataset.subjects(RDF.type, PIKG.InterventionComponent))
    assert len(components) == COUNTS["classes"]["pikg:InterventionComponent"]


def test_authors_in_byline_order(kg) -> None:
    pub = ID["publication/ips-recovery-abstract-2017"]
    names = []
    for position in range(1, 7):
        authorship = URIRef(f"{pub}/author/ips-recovery-abstract/{position}")  # the byline as this source gives it
        assert kg.dataset.value(authorship, PIKG.authorPosition) == Literal(str(position),
                                                                             datatype=XSD.positiveInteger)
        names.append(str(kg.dataset.value(kg.dataset.value(authorship, PIKG.author), FOAF.name)))
    assert names == ["Iben Gammelgaard Nielsen", "Elsebeth Stenager", "Lene Eplov", "Kirsten Schultz Petersen",
                     "Thomas Nordahl Christensen", "Sofie Bratberg Jensen"]


def test_table_1_as_the_source_prints_it(kg) -> None:
    """The table's own triples, exactly: its columns (the interventions, left to right) and rows (the fields'
    properties, top to bottom), each with its position; all in the table's graph, each with a statement citing the
    table's caption (the record's quote, which `columns` and `rows` do not override)."""
    table = ID["table/missing-link-table-1"]
    caption = "Table 1 An overview of the interventions’ aims and methods"
    positive = XSD.positiveInteger
    expected = {
        (table, RDF.type, PIKG.SourceTable),
        (table, DCTERMS.isReferencedBy, ID["source/missing-link-table-1"]),
        (table, SKOS.prefLabel, Literal(caption, lang="en")),
    }
    for position, intervention in enumerate((IMR, IPS, TP, LTAD), start=1):
        column = URIRef(f"{table}/column/missing-link-table-1/{position}")  # the order as this source gives it
        expected |= {(table, PIKG.hasColumn, column), (column, RDF.type, PIKG.TableColumn),
                     (column, PIKG.position, Literal(str(position), datatype=positive)),
                     (column, PIKG.columnIntervention, intervention)}
    rows = ((PIKG.aim, "Aim"), (PIKG.hasComponent, "Principles and/or methods"), (PIKG.hasDuration, "Duration"),
            (PIKG.peerSupport, "Peer-support"), (PIKG.sessionsLedBy, None))  # the last row has no heading
    for position, (prop, heading) in enumerate(rows, start=1):
        row = URIRef(f"{table}/row/missing-link-table-1/{position}")
        expected |= {(table, PIKG.hasRow, row), (row, RDF.type, PIKG.TableRow),
                     (row, PIKG.position, Literal(str(position), datatype=positive)), (row, PIKG.rowProperty, prop)}
        if heading:  # issue 24: the heading the table prints, not the graph's property name
            expected.add((row, PIKG.rowHeading, Literal(heading, lang="en")))
    graph = kg.dataset.graph(TABLE)
    found = {(s, p, o) for s, p, o in graph if str(s) == str(table) or str(s).startswith(f"{table}/")}
    assert found == expected and len(expected) == 43
    for triple in expected:
        assert quote_of(kg, TABLE, triple) == caption
    assert {p for _, p, _ in graph.triples((None, None, table))} == {RDF.subject}  # only its statements
    for other in kg.source_graphs():
        if other != TABLE:
            assert not list(kg.dataset.graph(other).triples((table, None, None)))
    # the empty cell stays empty: the row of who leads the sessions has no value for IPS's column
    assert list(kg.dataset.objects(IPS, PIKG.sessionsLedBy)) == []


def test_findings_count_and_hedges(kg) -> None:
    findings = set(kg.dataset.subjects(RDF.type, PIKG.Finding))
    assert len(findings) == COUNTS["classes"]["pikg:Finding"]
    hedges = {str(h) for f in findings for h in kg.dataset.objects(f, PIKG.hedgeWording)}
    assert hedges == {"indicates", "may decrease", "does not seem to", "could partly", "some evidence"}


def test_no_blank_nodes(kg) -> None:
    from rdflib import BNode

    assert not any(isinstance(t, BNode) for quad in kg.dataset.quads((None, None, None, None)) for t in quad[:3])


def test_base_iri_is_configurable(kg) -> None:
    other = build(Settings.default(sources_dir=kg.settings.sources_dir, base_iri="https://example.org/kg"))
    assert (URIRef("https://example.org/kg/intervention/ips"), RDF.type, PIKG.Intervention) in other.dataset
    assert not list(other.dataset.triples((IPS, None, None)))


def test_counts_are_the_ones_stated_in_the_counts_file(kg) -> None:
    """The counts that tests and README.md quote, from one build. KG_UPDATE_EXPECTED=1 rewrites the file (after a
    change to the bundled records; check the new numbers before keeping them)."""
    stats = compute_stats(kg)
    ontology, _ = load_model()
    actual = {
        "files": len(kg.files),
        "records": sum(len(f.records) for f in kg.files),
        "quotes": kg.quotes.checked,
        "triples": stats.triples,
        "graphs": {name: len(statements) for name, statements in kg.graphs.items()},
        "classes": stats.classes,
        "ontology": {kind: len(set(ontology.subjects(RDF.type, cls))) for kind, cls in (
            ("classes", OWL.Class), ("object_properties", OWL.ObjectProperty),
            ("datatype_properties", OWL.DatatypeProperty))},
        "concepts": len(set(kg.dataset.graph(VOCAB_GRAPH).subjects(RDF.type, SKOS.Concept))),
    }
    assert {name: len(kg.graphs[name]) for name in stats.graphs} == stats.graphs
    if os.environ.get("KG_UPDATE_EXPECTED") == "1":
        text = json.dumps({"$comment": COUNTS["$comment"], **actual}, indent=2, ensure_ascii=False) + "\n"
        COUNTS_FILE.write_text(text, encoding="utf-8")
    assert actual == {key: value for key, value in COUNTS.items() if key != "$comment"}
