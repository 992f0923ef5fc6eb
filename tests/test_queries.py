"""Bundled queries: every query's exact rows on the bundled graph (taken from the two source documents),
safe parameter binding, and the `*-violation` rule."""

from __future__ import annotations

import pytest
from rdflib import PROV, RDF, Dataset, Literal, Namespace, URIRef

from kg.base.config import Settings
from kg.base.errors import QueryError
from kg.model.build import build
from kg.query.sparql import (
    OxigraphEngine,
    format_result,
    list_queries,
    load_query,
    oxigraph_store,
    resolve_resource,
    run_query,
    run_query_oxigraph,
)

PIKG = Namespace("https://w3id.org/pikg/ontology#")

EXPECTED: list[tuple[str, dict[str, str], tuple[str, ...], tuple[tuple[str, ...], ...]]] = [
    (
        'compare-interventions',
        {},
        ('intervention', 'aim', 'components', 'duration', 'peer_support', 'sessions_led_by', 'note'),
        (('Illness management and recovery',
          'To help people with severe mental illness, acquire knowledge and skills to better manage their illness as '
          'well as setting and achieving personal recovery goals',
          'cognitive behavioural approaches to medication adherence; coping skills training; curriculum-based '
          'psychoeducation; relapse prevention; social skills training',
          'Nine months',
          'yes (group-based sessions)',
          'mental health professional (e.g. nurses)',
          ''),
         ('Individual placement and support',
          'To help people with severe mental illness obtain competitive employment',
          'attention to client’s preference; benefit counselling; focus on competitive employment; in-vivo support; '
          'integration with mental health teams; rapid job search',
          'Unlimited',
          'no',
          '',
          ''),
         ('Learn how to tackle anxiety and depression',
          'To help people with anxiety and depression acquire tools to gain control over their symptoms and to '
          'handle the challenges that accompany the illness. Additionally, to provide an opportunity where they can '
          'share experiences and thoughts with others in the same situation',
          'coping skills training; curriculum-based psychoeducation; peer-exchange; role modelling',
          '7 weeks',
          'yes (group-based sessions)',
          'peer-worker',
          ''),
         ('Turning Points',
          'Overarching aim is to assist people with mental illness in developing skills and strategies to pursue '
          'recovery',
          'equal and mutual support; peer-exchange; self-directed learning',
          'Approximately three months depending on the course',
          'yes (group-based sessions)',
          'peer-worker',
          'Turning Points contains a range of courses (designed to meet different needs among the participants)')),
    ),
    (
        'peer-led-interventions',
        {},
        ('intervention', 'led_by'),
        (('Learn how to tackle anxiety and depression', 'peer-worker'), ('Turning Points', 'peer-worker')),
    ),
    (
        'group-peer-support',
        {},
        ('intervention', 'delivery_mode'),
        (('Illness management and recovery', 'group-based'),
         ('Learn how to tackle anxiety and depression', 'group-based'),
         ('Turning Points', 'group-based')),
    ),
    (
        'shared-components',
        {},
        ('component', 'interventions', 'count'),
        (('coping skills training',
          'Illness management and recovery; Learn how to tackle anxiety and depression',
          '2'),
         ('curriculum-based psychoeducation',
          'Illness management and recovery; Learn how to tackle anxiety and depression',
          '2'),
         ('peer-exchange', 'Learn how to tackle anxiety and depression; Turning Points', '2')),
    ),
    (
        'interventions-by-duration',
        {},
        ('intervention', 'duration', 'value', 'days', 'qualifier'),
        (('Learn how to tackle anxiety and depression', '7 weeks', 'P49D', '49', 'exact'),
         ('Turning Points', 'Approximately three months depending on the course', 'P3M', '90', 'approximate'),
         ('Illness management and recovery', 'Nine months', 'P9M', '270', 'exact'),
         ('Individual placement and support', 'Unlimited', '', '', 'open-ended')),
    ),
    (
        'interventions-by-duration',
        {'max': 'P3M'},
        ('intervention', 'duration', 'value', 'days', 'qualifier'),
        (('Learn how to tackle anxiety and depression', '7 weeks', 'P49D', '49', 'exact'),
         ('Turning Points', 'Approximately three months depending on the course', 'P3M', '90', 'approximate')),
    ),
    (
        'interventions-with-component',
        {'component': 'curriculum-based psychoeducation'},
        ('intervention', 'component_label'),
        (('Illness management and recovery', 'curriculum-based psychoeducation'),
         ('Learn how to tackle anxiety and depression', 'curriculum-based psychoeducation')),
    ),
    (
        'interventions-with-component',
        {'component': 'peer-exchange'},
        ('intervention', 'component_label'),
        (('Learn how to tackle anxiety and depression', 'peer-exchange'), ('Turning Points', 'peer-exchange')),
    ),
    (
        'findings-for-intervention',
        {'intervention': 'IPS'},
        ('type', 'outcome', 'recovery_kind', 'direction', 'subgroup', 'strength', 'hedge', 'mechanisms', 'study', 'quote'),
        (('result',
          'negative or depressive symptoms',
          'clinical recovery',
          'beneficial',
          'participants suffering from negative or depressive symptoms',
          'stated',
          '',
          'getting up in the morning; structuring the day',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'participants suffering from negative or depressive symptoms described how employment helped them get up '
          'in the morning and structure the day'),
         ('result',
          'psychotic symptoms',
          'clinical recovery',
          'no effect',
          'participants suffering from psychotic symptoms',
          'stated',
          '',
          '',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'Participants suffering from psychotic symptoms were clearly of the opinion that neither IPS nor '
          'employment influenced symptom severity.'),
         ('result',
          'personal recovery',
          'personal recovery',
          'beneficial',
          'all participants',
          'stated',
          '',
          'an equal, acknowledging and safe relationship with the employment specialist; changed behaviours and '
          'beliefs about personal goals and dreams; fellowship with colleagues; normalisation and stabilisation of '
          'daily life',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'IPS contributed to personal recovery in a number of ways'),
         ('conclusion',
          'depressive symptoms',
          'clinical recovery',
          'beneficial',
          'all participants',
          'possible',
          'may decrease',
          '',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'may decrease depressive symptoms'),
         ('conclusion',
          'psychotic symptoms',
          'clinical recovery',
          'no effect',
          'all participants',
          'apparent',
          'does not seem to',
          '',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'does not seem to have an impact on psychotic symptoms'),
         ('conclusion',
          'personal recovery',
          'personal recovery',
          'beneficial',
          'all participants',
          'suggested',
          'indicates',
          '',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'The present study indicates that IPS and employment have an impact on personal recovery')),
    ),
    (
        'findings-for-intervention',
        {'intervention': 'Turning Points'},
        ('type', 'outcome', 'recovery_kind', 'direction', 'subgroup', 'strength', 'hedge', 'mechanisms', 'study', 'quote'),
        (),
    ),
    (
        'recovery-mechanisms',
        {},
        ('intervention_name', 'mechanism', 'quote'),
        (('Individual placement and support',
          'an equal, acknowledging and safe relationship with the employment specialist',
          'The ES created an equal, acknowledging and safe relationship where participants’ needs were taking into '
          'consideration in the search and support for employment.'),
         ('Individual placement and support',
          'changed behaviours and beliefs about personal goals and dreams',
          'changed their behaviours and beliefs about personal goals and dreams'),
         ('Individual placement and support',
          'fellowship with colleagues',
          'Also, fellowship with colleagues was found important.'),
         ('Individual placement and support',
          'normalisation and stabilisation of daily life',
          'Both employment and the ES contributed to normalization and stabilisation of participants’ daily lives')),
    ),
    (
        'recovery-mechanisms',
        {'intervention': 'IMR'},
        ('intervention_name', 'mechanism', 'quote'),
        (),
    ),
    (
        'outcomes-by-recovery-kind',
        {},
        ('recovery_kind', 'definition', 'outcome'),
        (('clinical recovery', 'symptom reduction and increased level of functioning', 'depressive symptoms'),
         ('clinical recovery',
          'symptom reduction and increased level of functioning',
          'negative or depressive symptoms'),
         ('clinical recovery', 'symptom reduction and increased level of functioning', 'psychotic symptoms'),
         ('personal recovery',
          'what helps the individual move beyond the role of being a patient with a mental illness',
          'personal recovery')),
    ),
    (
        'studies',
        {},
        ('study', 'design', 'data_collection', 'participants', 'country', 'interventions', 'publication', 'publication_type', 'venue', 'place', 'published', 'event_dates', 'authors'),
        (('Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'qualitative phenomenological study',
          'interview',
          '12',
          'Denmark',
          'Individual placement and support',
          'Personal and clinical recovery with the individual placement and support intervention in Denmark',
          'conference abstract',
          '8th Together Against Stigma Conference',
          'København, Denmark',
          '2017-09-22',
          '2017-09-20/2017-09-22',
          '1. Iben Gammelgaard Nielsen; 2. Elsebeth Stenager; 3. Lene Eplov; 4. Kirsten Schultz Petersen; 5. Thomas '
          'Nordahl Christensen; 6. Sofie Bratberg Jensen'),
         ('The missing link: a qualitative synthesis of interventional studies',
          'qualitative synthesis',
          '',
          '',
          '',
          'Illness management and recovery; Individual placement and support; Learn how to tackle anxiety and '
          'depression; Turning Points',
          'The missing link-participants’ perspectives on transfer from psychosocial interventional contexts to '
          'everyday community life: a qualitative synthesis of interventional studies',
          'journal article',
          'BMC Psychology',
          '',
          '2021',
          '',
          '')),
    ),
    (
        'provenance',
        {'resource': 'Learn how to tackle anxiety and depression'},
        ('source', 'property', 'value', 'quote'),
        (('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'aim',
          'To help people with anxiety and depression acquire tools to gain control over their symptoms and to '
          'handle the challenges that accompany the illness. Additionally, to provide an opportunity where they can '
          'share experiences and thoughts with others in the same situation',
          'To help people with anxiety and depression acquire tools to gain control over their symptoms and to '
          'handle the challenges that accompany the illness. Additionally, to provide an opportunity where they can '
          'share experiences and thoughts with others in the same situation'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'altLabel',
          'Lean how to tackle anxiety and depression',
          'Lean how to tackle anxiety and depression'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'delivery mode',
          'group-based',
          'Yes—group-based sessions'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'editorialNote',
          'The table spells the name “Lean how to tackle anxiety and depression”; the name is recorded as “Learn …” '
          "and the table's spelling kept as an alternative label.",
          'Peer-led program 2 (“Lean how to tackle anxiety and depression”)'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'has component',
          'coping skills training',
          'Curriculum-based psychoeducation, coping skills training, role modelling, peer-exchange'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'has component',
          'curriculum-based psychoeducation',
          'Curriculum-based psychoeducation, coping skills training, role modelling, peer-exchange'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'has component',
          'peer-exchange',
          'Curriculum-based psychoeducation, coping skills training, role modelling, peer-exchange'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'has component',
          'role modelling',
          'Curriculum-based psychoeducation, coping skills training, role modelling, peer-exchange'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'has duration',
          '7 weeks',
          '7 weeks'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'isReferencedBy',
          'Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'Peer-led program 2 (“Lean how to tackle anxiety and depression”)'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'peer support',
          'true',
          'Yes—group-based sessions'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'prefLabel',
          'Learn how to tackle anxiety and depression',
          'Peer-led program 2 (“Lean how to tackle anxiety and depression”)'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'sessions led by',
          'peer-worker',
          'Sessions are led by peer-workers'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'target population',
          'people with anxiety and depression',
          'To help people with anxiety and depression'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'type',
          'intervention',
          'Peer-led program 2 (“Lean how to tackle anxiety and depression”)'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'type',
          'peer-led program',
          'Peer-led program 2 (“Lean how to tackle anxiety and depression”)')),
    ),
    (
        'provenance',
        {'resource': 'https://w3id.org/pikg/id/component/role-modelling'},
        ('source', 'property', 'value', 'quote'),
        (('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'component kind',
          'principle or method',
          'role modelling'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'inScheme',
          'intervention components',
          'role modelling'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'isReferencedBy',
          'Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'role modelling'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'prefLabel',
          'role modelling',
          'role modelling'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'type',
          'http://www.w3.org/2004/02/skos/core#Concept',
          'role modelling'),
         ('Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods',
          'type',
          'intervention component',
          'role modelling')),
    ),
    (
        'evidence-gaps',
        {},
        ('intervention', 'recovery_kind'),
        (('Illness management and recovery', 'clinical recovery'),
         ('Illness management and recovery', 'personal recovery'),
         ('Learn how to tackle anxiety and depression', 'clinical recovery'),
         ('Learn how to tackle anxiety and depression', 'personal recovery'),
         ('Turning Points', 'clinical recovery'),
         ('Turning Points', 'personal recovery')),
    ),
    (
        'conflicts',
        {},
        ('resource', 'property', 'value', 'source', 'quote'),
        (),
    ),
    (
        'unquoted-fact-violation',
        {},
        ('graph', 's', 'p', 'o'),
        (),
    ),
    (
        'unsourced-statement-violation',
        {},
        ('graph', 'statement', 's', 'p', 'o'),
        (),
    ),
    (
        'ambiguous-name-violation',
        {},
        ('class', 'name', 'resources'),
        (),
    ),
]


def test_every_bundled_query_has_an_expected_answer() -> None:
    names = {spec.name for spec in list_queries()}
    assert len(names) == 16
    assert names == {name for name, _, _, _ in EXPECTED}


@pytest.mark.parametrize(("name", "params", "columns", "rows"), EXPECTED,
                         ids=[f"{n}-{'-'.join(p.values()) or 'all'}" for n, p, _, _ in EXPECTED])
def test_query_answers_exactly(kg, name: str, params: dict[str, str], columns: tuple, rows: tuple) -> None:
    result = run_query(kg.dataset, name, params)
    assert result.columns == columns
    assert result.rows == rows


def test_every_query_has_a_header() -> None:
    for spec in list_queries():
        assert spec.text.startswith("#+ title: "), spec.name
        assert spec.title and spec.question.endswith((")", "?", ".")), spec.name
        for param in spec.params.values():
            assert param.type in ("resource", "duration", "text") and param.description, (spec.name, param.name)


def test_every_query_returns_distinct_rows() -> None:
    """Regression: on Oxigraph's union default graph a triple stated by two sources counts twice, so a plain
    SELECT repeated IPS in interventions-by-duration."""
    for spec in list_queries():
        assert "SELECT DISTINCT" in spec.text or "GROUP BY" in spec.text, spec.name


def test_compare_interventions_as_markdown_reproduces_table_1(kg) -> None:
    text = format_result(run_query(kg.dataset, "compare-interventions"), "markdown")
    lines = text.splitlines()
    assert lines[0] == "| intervention | aim | components | duration | peer_support | sessions_led_by | note |"
    assert lines[4] == (
        "| Learn how to tackle anxiety and depression | To help people with anxiety and depression acquire tools to "
        "gain control over their symptoms and to handle the challenges that accompany the illness. Additionally, to "
        "provide an opportunity where they can share experiences and thoughts with others in the same situation | "
        "coping skills training; curriculum-based psychoeducation; peer-exchange; role modelling | 7 weeks | "
        "yes (group-based sessions) | peer-worker |  |"
    )
    assert len(lines) == 6


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("name", ["IPS", "ips", "Individual placement and support",
                                  "Individual Placement and Support", "https://w3id.org/pikg/id/intervention/ips"])
def test_intervention_parameter_accepts_label_acronym_or_iri(kg, name: str, engine: str) -> None:
    """Regression: on Oxigraph a FILTER nested in a group did not see the bound parameter, so no name resolved."""
    source = kg.dataset if engine == "rdflib" else OxigraphEngine(oxigraph_store(kg.dataset))
    iri = resolve_resource(source, name, "pikg:Intervention", "intervention")
    assert iri == URIRef("https://w3id.org/pikg/id/intervention/ips")


def test_parameter_is_bound_not_pasted(kg) -> None:
    """Text that would break out of a pasted string literal is just an unknown name."""
    hostile = 'x" } UNION { ?s ?p ?o } #'
    with pytest.raises(QueryError) as info:
        run_query(kg.dataset, "findings-for-intervention", {"intervention": hostile})
    assert str(info.value) == (
        "parameter intervention: no Intervention is named 'x\" } UNION { ?s ?p ?o } #' "
        "(give a label, an acronym or an IRI)"
    )


def test_ambiguous_name_lists_candidates(kg) -> None:
    ds = Dataset(default_union=True)
    graph = ds.graph(URIRef("urn:test"))
    for triple in kg.dataset.triples((None, None, None)):
        graph.add(triple)
    graph.add((URIRef("https://w3id.org/pikg/id/intervention/imr"),
               URIRef("https://w3id.org/pikg/ontology#acronym"), Literal("IPS")))
    with pytest.raises(QueryError) as info:
        resolve_resource(ds, "IPS", "pikg:Intervention", "intervention")
    assert str(info.value) == (
        "parameter intervention: 'IPS' is ambiguous; it names 2 resources: "
        "https://w3id.org/pikg/id/intervention/imr, https://w3id.org/pikg/id/intervention/ips. Give the IRI."
    )
    assert run_query(ds, "ambiguous-name-violation").rows == (
        ("https://w3id.org/pikg/ontology#Intervention", "ips",
         "https://w3id.org/pikg/id/intervention/imr; https://w3id.org/pikg/id/intervention/ips"),
    )


@pytest.mark.parametrize(("name", "params", "message"), [
    ("compare-intervention", {}, "unknown query 'compare-intervention'; did you mean 'compare-interventions'? "
     "Known queries: ambiguous-name-violation, compare-interventions, conflicts, evidence-gaps, findings-for-intervention, "
     "group-peer-support, interventions-by-duration, interventions-with-component, outcomes-by-recovery-kind, "
     "peer-led-interventions, provenance, recovery-mechanisms, shared-components, studies, "
     "unquoted-fact-violation, unsourced-statement-violation"),
    ("findings-for-intervention", {}, "query findings-for-intervention needs --param intervention=VALUE: "
     "the intervention, by name, acronym (IPS) or IRI"),
    ("findings-for-intervention", {"intervention": "IPS", "outcome": "x"},
     "query findings-for-intervention has no parameter 'outcome'; its parameters: intervention"),
    ("interventions-by-duration", {"max": "3 months"}, "parameter max: expected an xsd:duration such as P9M, "
     "P3M or P49D (P[nY][nM][nD][T[nH][nM][nS]], each number of at most 6 digits; write weeks as days), got '3 months'"),
    ("interventions-with-component", {"component": "IPS"},
     "parameter component: no InterventionComponent is named 'IPS' (give a label, an acronym or an IRI)"),
])
def test_query_errors(kg, name: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError) as info:
        run_query(kg.dataset, name, params)
    assert str(info.value) == message


def test_violation_queries_are_named_by_role() -> None:
    checks = [spec.name for spec in list_queries() if spec.is_violation_check]
    assert checks == ["ambiguous-name-violation", "unquoted-fact-violation", "unsourced-statement-violation"]
    assert "must return no rows" in load_query("unquoted-fact-violation").question


def test_unquoted_fact_violation_finds_a_fact_without_passage(kg) -> None:
    """A triple added to a source's graph without a quoted passage is reported."""
    fresh = build(Settings.default(sources_dir=kg.settings.sources_dir))
    graph = fresh.dataset.graph(URIRef("https://w3id.org/pikg/id/graph/missing-link-table-1"))
    triple = (URIRef("https://w3id.org/pikg/id/intervention/imr"),
              URIRef("https://w3id.org/pikg/ontology#acronym"), Literal("I.M.R."))
    graph.add(triple)
    assert run_query(fresh.dataset, "unquoted-fact-violation").rows == (
        ("https://w3id.org/pikg/id/graph/missing-link-table-1", *(str(t) for t in triple)),
    )


def test_unsourced_statement_violation_finds_a_foreign_or_missing_passage(kg) -> None:
    """A statement citing a passage of another source, or none, is reported; on rdflib and on Oxigraph."""
    fresh = build(Settings.default(sources_dir=kg.settings.sources_dir))
    table = fresh.dataset.graph(URIRef("https://w3id.org/pikg/id/graph/missing-link-table-1"))
    abstract = URIRef("https://w3id.org/pikg/id/graph/ips-recovery-abstract")
    abstract_passage = next(fresh.dataset.graph(abstract).subjects(RDF.type, PIKG.Passage))
    statements = sorted(table.subjects(RDF.type, RDF.Statement))
    foreign, bare = statements[0], statements[1]
    table.set((foreign, PROV.wasDerivedFrom, abstract_passage))
    table.remove((bare, PROV.wasDerivedFrom, None))
    expected = tuple(sorted(
        ("https://w3id.org/pikg/id/graph/missing-link-table-1", str(st), *(str(table.value(st, p)) for p in
                                                                          (RDF.subject, RDF.predicate, RDF.object)))
        for st in (foreign, bare)))
    assert run_query(fresh.dataset, "unsourced-statement-violation").rows == expected
    assert run_query_oxigraph(oxigraph_store(fresh.dataset), "unsourced-statement-violation").rows == expected
