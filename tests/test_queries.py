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
EXPECTED_CASES = 21  # golden files; a glob that matches nothing (a moved folder) must fail, not pass
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
    names = {spec.name for spec in list_queries()}
    assert len(names) == 16
    assert len(CASES) == EXPECTED_CASES, sorted(case.id for case in CASES)
    assert {case.name for case in CASES} == names, f"a query without a golden file in {EXPECTED_DIR}"


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
