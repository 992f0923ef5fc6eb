"""Bundled queries: every query's exact rows on the bundled graph, on rdflib and on Oxigraph, against the golden
files in queries/expected/ (their rows are quoted from the two source documents); safe parameter binding, and the
`*-violation` rule.

A golden file is `queries/expected/NAME.csv` (the query without parameters) or `NAME--KEY=VALUE.csv` (one file per
parameter set, the value percent-encoded as in a URL): the query's columns on the first line, then its rows, in the
query's order when it has ORDER BY (compared as a set otherwise). `KG_UPDATE_EXPECTED=1` rewrites the files from
rdflib's answers; check every changed row against its source before keeping it.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from rdflib import PROV, RDF, Dataset, Literal, Namespace, URIRef

from conftest import QUERY_NAMES
from kg.base.config import Settings
from kg.base.errors import QueryError
from kg.model.build import build
from kg.query.sparql import (
    OxigraphEngine,
    QueryResult,
    format_result,
    list_queries,
    load_query,
    query_dir,
    resolve_resource,
    run_engine,
    run_query,
    run_query_oxigraph,
)
from kg.query.store import oxigraph_store

PIKG = Namespace("https://w3id.org/pikg/ontology#")
EXPECTED_DIR = query_dir() / "expected"
EXPECTED_CASES = 38  # golden files; a glob that matches nothing (a moved folder) must fail, not pass
ENGINES = ("rdflib", "oxigraph")
UPDATE = os.environ.get("KG_UPDATE_EXPECTED") == "1"


@dataclass(frozen=True)
class Case:
    """One golden file: a bundled query, its parameters, and the answer expected on the bundled graph."""

    path: Path
    name: str
    params: dict[str, str]

    @property
    def id(self) -> str:
        return self.path.stem


def case_stem(name: str, params: dict[str, str]) -> str:
    return name + "".join(f"--{key}={quote(value, safe='')}" for key, value in sorted(params.items()))


def read_case(path: Path) -> Case:
    name, *pairs = path.stem.split("--")
    return Case(path, name, {key: unquote(value) for key, _, value in (pair.partition("=") for pair in pairs)})


def read_expected(path: Path) -> QueryResult:
    with path.open(encoding="utf-8", newline="") as handle:
        columns, *rows = [*csv.reader(handle)] or [[]]
    return QueryResult(tuple(columns), tuple(tuple(row) for row in rows))


def write_expected(path: Path, result: QueryResult) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(result.rows)


def is_ordered(text: str) -> bool:
    """Whether a query orders its rows (comment lines aside); an unordered answer is compared as a set."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"\bORDER\s+BY\b", code, re.IGNORECASE) is not None


CASES = [read_case(path) for path in sorted(EXPECTED_DIR.glob("*.csv"))]


@pytest.fixture(scope="module")
def answers(kg):
    """Each case's answer on each engine, run once (other tests here reuse rdflib's answers)."""
    sources = {"rdflib": kg.dataset, "oxigraph": OxigraphEngine(oxigraph_store(kg))}
    cache: dict[tuple[str, str, tuple], QueryResult] = {}

    def answer(engine: str, name: str, params: dict[str, str] | None = None) -> QueryResult:
        key = (engine, name, tuple(sorted((params or {}).items())))
        if key not in cache:
            cache[key] = run_engine(sources[engine], name, params)
        return cache[key]

    return answer


def test_every_bundled_query_has_an_expected_answer() -> None:
    names = [spec.name for spec in list_queries()]
    assert tuple(names) == QUERY_NAMES
    assert len(CASES) == EXPECTED_CASES, sorted(case.id for case in CASES)
    assert {case.name for case in CASES} == set(names), f"a query without a golden file in {EXPECTED_DIR}"



@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_query_answers_exactly(answers, case: Case, engine: str) -> None:
    result = answers(engine, case.name, case.params)
    if UPDATE and engine == "rdflib":
        write_expected(case.path, result)
    expected = read_expected(case.path)
    assert result.columns == expected.columns
    if is_ordered(load_query(case.name).text):
        assert result.rows == expected.rows
    else:
        assert sorted(result.rows) == sorted(expected.rows)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_golden_file_is_well_formed(case: Case) -> None:
    """Its name is the canonical one for its query and parameters, it names only the query's parameters, and a
    `*-violation` query expects no rows."""
    spec = load_query(case.name)
    assert case.id == case_stem(case.name, case.params)
    assert set(case.params) <= set(spec.params), (case.id, sorted(spec.params))
    expected = read_expected(case.path)
    assert expected.columns, f"{case.path} has no header line"
    assert all(len(row) == len(expected.columns) for row in expected.rows), case.path
    if spec.is_violation_check:
        assert expected.rows == (), f"{case.name} must return no rows on the bundled graph"


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


def test_compare_interventions_as_markdown_reproduces_table_1(answers) -> None:
    text = format_result(answers("rdflib", "compare-interventions"), "markdown")
    lines = text.splitlines()
    assert lines[0] == ("| table | intervention | aim | components | duration | peer_support | sessions_led_by | "
                        "note |")
    assert [line.split(" | ")[1] for line in lines[2:]] == [  # Table 1's columns, in print order
        "Illness management and recovery", "Individual placement and support", "Turning Points",
        "Learn how to tackle anxiety and depression"]
    assert lines[5] == (
        f"| {TABLE_1} | Learn how to tackle anxiety and depression | To help people with anxiety and depression "
        "acquire tools to gain control over their symptoms and to handle the challenges that accompany the illness. "
        "Additionally, to provide an opportunity where they can share experiences and thoughts with others in the "
        "same situation | coping skills training; curriculum-based psychoeducation; peer-exchange; role modelling | "
        "7 weeks | yes (group-based sessions) | peer-worker |  |"
    )


def test_compare_interventions_holds_the_tables_cells_only(answers) -> None:
    """Issue 24: the 2019 trial's aim of IMR was put at the start of Table 1's aim cell with no source marker."""
    rows = {row[1]: row for row in answers("rdflib", "compare-interventions").rows}
    assert rows["Illness management and recovery"][2] == (
        "To help people with severe mental illness, acquire knowledge and skills to better manage their illness as "
        "well as setting and achieving personal recovery goals")
    assert "peer support" not in rows  # the review's intervention is in no table


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("name", ["IPS", "ips", "Individual placement and support",
                                  "Individual Placement and Support", "https://w3id.org/pikg/id/intervention/ips",
                                  "intervention/ips"])
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
        "(give a label, an acronym, a record id or an IRI)"
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
     f"Known queries: {', '.join(QUERY_NAMES)}"),
    ("findings-for-intervention", {}, "query findings-for-intervention needs --param intervention=VALUE: "
     "the intervention, by name, acronym (IPS), record id or IRI"),
    ("findings-for-intervention", {"intervention": "IPS", "outcome": "x"},
     "query findings-for-intervention has no parameter 'outcome'; its parameters: intervention"),
    ("interventions-by-duration", {"max": "3 months"}, "parameter max: expected an xsd:duration such as P9M, "
     "P3M or P49D (P[nY][nM][nD][T[nH][nM][nS]], each number of at most 6 digits; write weeks as days), got '3 months'"),
    ("interventions-with-component", {"component": "IPS"},
     "parameter component: no InterventionComponent is named 'IPS' (give a label, an acronym, a record id or an "
     "IRI)"),
    ("themes-for-intervention", {"intervention": "missing-link-synthesis"},  # a study's id names no intervention
     "parameter intervention: no Intervention is named 'missing-link-synthesis' (give a label, an acronym, a "
     "record id or an IRI)"),
    ("provenance", {"resource": "personal-recovery"},  # without a class, an id shared by two kinds is ambiguous
     "parameter resource: 'personal-recovery' is ambiguous; it names 2 resources: "
     "https://w3id.org/pikg/id/outcome/personal-recovery, "
     "https://w3id.org/pikg/vocab/recovery-kind/personal-recovery. Give the IRI."),
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


SYNTHESIS = "The missing link: a qualitative synthesis of interventional studies"
TABLE_1 = "Table 1 An overview of the interventions’ aims and methods"
DENMARK_SOURCE = ("Conference abstract “Personal and clinical recovery with the individual placement and support "
                  "intervention in Denmark” (2017)")
TRIAL_SOURCE = ("Abstract “Illness management and recovery: one-year follow-up of a randomized controlled trial in "
                "Danish community mental health centers” (BMC Psychiatry, 2019)")
ABSTRACT_SOURCE = "\"Abstract of “The missing link” (BMC Psychology, 2021): background, methods and results\""


def test_study_samples_gives_each_sample_as_the_sources_describe_it(run) -> None:
    """Acceptance (issue 13): the synthesis's IMR 15 and IPS 12 secondary analyses, ONE sample of 12 for Turning
    Points and LTAD together (collected for this study), and the 2017 study's 12; no size split or summed."""
    result = run("query", "study-samples", "--format", "csv")
    assert result.exit_code == 0, result.output
    qualitative = ("Personal and clinical recovery", SYNTHESIS)
    lines = result.output.splitlines()
    assert [lines[0], *(line for line in lines if line.startswith(qualitative))] == [
        "study,sample,participants,included_studies,randomised,analysed,treatments,data_origin,dataset,quote",
        "Personal and clinical recovery with the individual placement and support intervention in Denmark,"
        "IPS participants interviewed,12,,,,Individual placement and support,,,"
        "A qualitative phenomenological study including interview of 12 participants in an IPS intervention.",
        f"{SYNTHESIS},IMR participants (secondary analysis of existing interviews),15,,,,Illness management and "
        "recovery,secondary analysis,\"existing data set of anonymised, transcribed interviews with participants in "
        "Illness Management and Recovery\",\"secondary analyses of existing data sets of anonymised, transcribed "
        "interviews investigating participants' experience from two psychosocial interventions: Illness Management "
        "and Recovery (n = 15)\"",
        f"{SYNTHESIS},IPS participants (secondary analysis of existing interviews),12,,,,Individual placement and "
        "support,secondary analysis,\"existing data set of anonymised, transcribed interviews with participants in "
        "Individual Placement and Support\",\"secondary analyses of existing data sets of anonymised, transcribed "
        "interviews investigating participants' experience from two psychosocial interventions: Illness Management "
        "and Recovery (n = 15), and Individual Placement and Support (n = 12)\"",
        f"{SYNTHESIS},Participants in Turning Points or LTAD (new interviews),12,,,,Learn how to tackle anxiety and "
        "depression; Turning Points,collected for this study,,\"Additionally, we conducted semi-structured "
        "interviews with persons who had participated in one of two peer-led programs: Turning Points and Learn How "
        "to Tackle Anxiety and Depression (n = 12).\"",
    ]


def test_study_samples_gives_a_trials_arms_with_what_each_received(run) -> None:
    """Issue 23: the 2019 trial's two arms, each with its treatments (IMR and treatment as usual; treatment as usual
    only, a comparator), and no size the abstract does not give per arm (198 is the study's total)."""
    lines = run("query", "study-samples", "--format", "csv").output.splitlines()
    trial = "Illness management and recovery: a randomized controlled trial in Danish community mental health centers"
    arms = "randomized to receive group-based IMR and treatment as usual or only the usual intervention"
    assert [line for line in lines if line.startswith(trial)] == [
        f"{trial},group-based IMR and treatment as usual,,,,,Illness management and recovery; treatment as usual,,,{arms}",
        f"{trial},treatment as usual only,,,,,treatment as usual,,,{arms}",
    ]


TOGETHER = "its study's interventions together (not said to hold for each)"  # a finding of all of them at once
PATHWAYS = ("Experiential knowledge and peer-exchange made transferal pathways between the interventional context "
            "and everyday life")
GAPS = "Illness intrusiveness and uncertainty, together with environmental obstacles, generated transferal gaps"
LTAD_BARRIERS_AND_FACILITATORS = [
    "kind,factor,component,finding,concerns,study,quote,source",
    *(f"barrier,{factor},,\"{GAPS}\",{TOGETHER},{SYNTHESIS},\"{GAPS}.\","
      f"{ABSTRACT_SOURCE}" for factor in ("environmental obstacles", "illness intrusiveness", "uncertainty")),
    f"facilitator,experiential knowledge,,{PATHWAYS},{TOGETHER},{SYNTHESIS},"
    f"{PATHWAYS}.,{ABSTRACT_SOURCE}",
    f"facilitator,peer-exchange,peer-exchange,{PATHWAYS},{TOGETHER},{SYNTHESIS},"
    f"{PATHWAYS}.,{ABSTRACT_SOURCE}",
]


@pytest.mark.parametrize("name", ["LTAD", "learn-how-to-tackle-anxiety-and-depression",
                                  "Learn to Tackle Anxiety and Depression",
                                  "https://w3id.org/pikg/id/intervention/learn-how-to-tackle-anxiety-and-depression"])
def test_barriers_and_facilitators_of_ltad(run, name: str) -> None:
    """Acceptance (issue 13): peer-exchange (the component of that name) and experiential knowledge are
    facilitators, illness intrusiveness, uncertainty and environmental obstacles barriers, each with its quote;
    the same answer whether LTAD is given by acronym, record id, a name the abstract uses, or IRI."""
    result = run("query", "barriers-and-facilitators", "--param", f"intervention={name}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == LTAD_BARRIERS_AND_FACILITATORS


def test_a_record_id_names_an_intervention_wherever_a_name_does(run) -> None:
    """`--param intervention=learn-how-to-tackle-anxiety-and-depression` (the record id) answers exactly as
    LTAD does, in every query with an intervention parameter."""
    for query in ("findings-for-intervention", "themes-for-intervention", "recovery-mechanisms"):
        by_id = run("query", query, "--param", "intervention=learn-how-to-tackle-anxiety-and-depression",
                    "--format", "csv")
        by_acronym = run("query", query, "--param", "intervention=LTAD", "--format", "csv")
        assert by_id.exit_code == by_acronym.exit_code == 0, by_id.output
        assert by_id.output == by_acronym.output, query
    themes = run("query", "themes-for-intervention", "-p", "intervention=learn-how-to-tackle-anxiety-and-depression",
                 "--format", "csv").output.splitlines()
    assert themes == [
        "finding,type,role,phenomenon,concerns,strength,hedge,study,quote,source",
        "\"Everyday life situations where capacities learned during the interventions were used, and conditions that "
        f"promoted or hindered transfer\",result,,transfer,{TOGETHER},stated,,"
        f"{SYNTHESIS},Applying a transfer perspective on rehabilitation interventions identified everyday life "
        "situations where capacities learned during the interventions were utilized and conditions were highlighted "
        f"that promoted or hindered transfer.,{ABSTRACT_SOURCE}",
        f"Individualized support could partly address the transferal gaps,result,,transfer,{TOGETHER},possible,"
        f"could partly,{SYNTHESIS},Individualized support could partly address these gaps.,"
        f"{ABSTRACT_SOURCE}",
        f"\"{GAPS}\",result,gap,transfer,{TOGETHER},stated,,{SYNTHESIS},\"{GAPS}.\","
        f"{ABSTRACT_SOURCE}",
        f"{PATHWAYS},result,pathway,transfer,{TOGETHER},stated,,{SYNTHESIS},"
        f"{PATHWAYS}.,{ABSTRACT_SOURCE}",
    ]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("param", "cls", "text", "iri"), [
    ("intervention", "pikg:Intervention", "learn-how-to-tackle-anxiety-and-depression",
     "https://w3id.org/pikg/id/intervention/learn-how-to-tackle-anxiety-and-depression"),
    ("component", "pikg:InterventionComponent", "curriculum-based-psychoeducation",
     "https://w3id.org/pikg/id/component/curriculum-based-psychoeducation"),
    ("resource", None, "missing-link-peer-led-sample", "https://w3id.org/pikg/id/sample/missing-link-peer-led-sample"),
    ("resource", None, "recovery-kind/clinical-recovery", "https://w3id.org/pikg/vocab/recovery-kind/clinical-recovery"),
])
def test_record_id_resolves_on_both_engines(kg, engine: str, param: str, cls: str | None, text: str,
                                            iri: str) -> None:
    source = kg.dataset if engine == "rdflib" else OxigraphEngine(oxigraph_store(kg.dataset))
    assert resolve_resource(source, text, cls, param) == URIRef(iri)


def test_evidence_gaps_counts_no_theme_as_evidence(answers) -> None:
    """LTAD has four findings of the synthesis (themes about transfer, no outcome, no direction): its recovery
    kinds stay gaps; IPS's clinical recovery is one study's report (its three effect findings: the result that
    credits employment, not IPS, is not one of them)."""
    assert len(answers("rdflib", "findings-for-intervention", {"intervention": "LTAD"}).rows) == 4
    result = answers("rdflib", "evidence-gaps")
    assert result.columns == ("intervention", "recovery_kind", "status", "studies", "designs", "directions",
                              "findings", "classed_by")
    rows = {row[:2]: row[2:] for row in result.rows}
    assert rows[("Learn how to tackle anxiety and depression", "personal recovery")] == (
        "gap: no study in the graph reports on it", "0", "", "", "0", "")
    assert rows[("Individual placement and support", "clinical recovery")] == (
        "reported", "1", "qualitative phenomenological study", "beneficial; no effect", "3", DENMARK_SOURCE)


def test_big_question_answers_what_works_compared_with_what_for_whom_where_and_why(answers) -> None:
    """Issue 24: one query answers the big question for IMR from the sources alone: the trial's null results are
    answers (not a gap), its comparator and setting are there, and the synthesis's findings about all its
    interventions together say so; every answer has its source and words."""
    result = answers("rdflib", "big-question", {"intervention": "IMR"})
    assert result.columns == ("aspect", "answer", "study", "source", "quote")
    rows = {(row[0], row[1]) for row in result.rows}
    trial = "Illness management and recovery: a randomized controlled trial in Danish community mental health centers"
    assert ("2 what was found", "symptoms: no significant difference") in rows
    assert ("3 compared with", "treatment as usual") in rows
    assert {answer for aspect, answer in rows if aspect.startswith("6 in what setting")} == {
        "Denmark", "Capital Region", "community mental health centre"}
    assert ("7 why", "pathway: Experiential knowledge and peer-exchange made transferal pathways between the "
            "interventional context and everyday life (of all its study's interventions together)") in rows
    assert {row[2] for row in result.rows if row[0] == "2 what was found"} == {trial}
    assert all(row[3] and row[4] for row in result.rows)  # a source and its words for every answer


def test_outcomes_by_recovery_kind_name_the_source_of_each_class_and_definition(answers) -> None:
    """Issue 24: the 2019 trial's classing of hope was shown with the 2017 abstract's definition and no source."""
    result = answers("rdflib", "outcomes-by-recovery-kind")
    assert result.columns == ("recovery_kind", "outcome", "classed_by", "definition", "defined_by")
    rows = {row[1]: row for row in result.rows}
    assert rows["hope"] == ("personal recovery", "hope", TRIAL_SOURCE, "what helps the individual move beyond the "
                            "role of being a patient with a mental illness", DENMARK_SOURCE)
    assert rows["psychotic symptoms"][2] == DENMARK_SOURCE
    assert rows["empowerment"] == ("not classed by any source", "empowerment", "", "", "")


def test_evidence_gaps_count_studies_and_a_null_trial_is_evidence(answers) -> None:
    """Issue 24: the 2019 trial of 198 people found no significant difference on clinical recovery in four results
    and a conclusion: one randomised trial reports on it, not a gap, counted once; the 18-trial review's findings on
    hope (classed by the 2019 abstract) and hospitalisation are evidence for peer support."""
    rows = {row[:2]: row[2:] for row in answers("rdflib", "evidence-gaps").rows}
    assert rows[("Illness management and recovery", "clinical recovery")][:4] == (
        "reported", "1", "randomised controlled trial", "no significant difference")
    assert rows[("peer support", "clinical recovery")][:4] == (
        "reported", "1", "meta-analysis; systematic review", "little or no evidence of an effect")
    assert rows[("peer support", "personal recovery")] == (
        "reported", "1", "meta-analysis; systematic review", "beneficial; inconsistent", "1", TRIAL_SOURCE)
    assert not [row for row in rows.values() if row[0].startswith("gap") and row[1] != "0"]


def test_lists_are_built_with_group_concat_distinct_of_str() -> None:
    """Every list is GROUP_CONCAT(DISTINCT STR(…)): DISTINCT so that a union default graph or a cross product
    does not repeat items, and STR because rdflib 7 raises NotBoundError on GROUP_CONCAT(DISTINCT ?x) when a
    group has an unbound ?x (an OPTIONAL that did not match), while it skips an unbound STR(?x). The one exception
    is a byline: Virtuoso sorts a DISTINCT aggregate's items as text (10 before 2), so its subquery is the DISTINCT
    one, ordered by position within each source's byline (an authorship is its source's: issue 25)."""
    for spec in list_queries():
        concats = re.findall(r"GROUP_CONCAT\(\s*(.{0,20})", spec.text)
        assert all(arg.startswith(("DISTINCT STR(", "STR(?author)")) for arg in concats), (spec.name, concats)
        if any(arg.startswith("STR(?author)") for arg in concats):
            assert "SELECT DISTINCT ?pub ?src ?position ?author" in spec.text
            assert 'ORDER BY STRDT(CONCAT(STR(?src), "\\t", SUBSTR(STR(1000000 + ?position), 2), "\\t",' in spec.text


def test_two_sources_orders_of_one_list_never_mix(tmp_path: Path) -> None:
    """Issue 25: a second source (made up, not real data) that prints Table 1 with its columns reversed and gives
    a byline of two of the 2017 abstract's authors. Each source's columns and authorships are its own (the nodes
    are keyed by their list and source), so compare-interventions gives each source's columns in that source's
    order (not IMR, IPS, IPS, IMR) and studies each source's byline whole, on rdflib and Oxigraph alike; the
    shapes' position checks judge each source's list on its own."""
    from conftest import SECOND_VIEW, bundled_plus
    from kg.check.validate import validate

    kg = build(Settings.default(*bundled_plus(tmp_path, (SECOND_VIEW,), (SECOND_VIEW.with_suffix(".txt"),))))
    assert validate(kg).conforms
    store = oxigraph_store(kg)
    names = ["Illness management and recovery", "Individual placement and support", "Turning Points",
             "Learn how to tackle anxiety and depression"]
    for result in (run_query(kg.dataset, "compare-interventions"), run_query_oxigraph(store, "compare-interventions")):
        assert [row[1] for row in result.rows] == names + names[::-1]
    byline = ("1. Iben Gammelgaard Nielsen; 2. Elsebeth Stenager; 3. Lene Eplov; 4. Kirsten Schultz Petersen; "
              "5. Thomas Nordahl Christensen; 6. Sofie Bratberg Jensen | 1. Lene Eplov; 2. Elsebeth Stenager")
    for result in (run_query(kg.dataset, "studies"), run_query_oxigraph(store, "studies")):
        assert byline in [row[result.columns.index("authors")] for row in result.rows]
