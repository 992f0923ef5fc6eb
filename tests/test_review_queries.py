"""The bundled queries on the bundled records plus a quantitative systematic review (the synthetic fixture
tests/fixtures/records/review/review-abstract.yaml and its text tests/fixtures/sources/review-abstract.txt, never
real data): a review of 14 trials is not shown like one interview study, intervention categories with only a name
produce no placeholder rows, nothing is invented (durations, components, directions, totals, recovery kinds), and
every answer is the same on rdflib and on Oxigraph.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef

from conftest import FIXTURES, bundled_plus
from kg.base.config import Settings
from kg.model.build import KnowledgeGraph, build
from kg.query.sparql import OxigraphEngine, QueryResult, run_engine
from kg.query.store import oxigraph_store

REVIEW_RECORDS = FIXTURES / "records" / "review" / "review-abstract.yaml"
REVIEW_TEXT = FIXTURES / "sources" / "review-abstract.txt"

REVIEW = "Systematic review of supported employment and group psychoeducation for adults with severe mental illness"
REVIEW_SOURCE = ("A fictional systematic review abstract on supported employment and group psychoeducation (synthetic "
                 "test fixture)")
DENMARK_SOURCE = ("Conference abstract “Personal and clinical recovery with the individual placement and support "
                  "intervention in Denmark” (2017)")
TRIAL_SOURCE = ("Abstract “Illness management and recovery: one-year follow-up of a randomized controlled trial in "
                "Danish community mental health centers” (BMC Psychiatry, 2019)")
SYNTHESIS = "The missing link: a qualitative synthesis of interventional studies"
DENMARK = "Personal and clinical recovery with the individual placement and support intervention in Denmark"


@pytest.fixture(scope="module")
def review_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled records and texts plus the review fixture's record file and text."""
    records, texts = bundled_plus(tmp_path_factory.mktemp("review"), (REVIEW_RECORDS,), (REVIEW_TEXT,))
    return build(Settings.default(records_dir=records, sources_dir=texts))


@pytest.fixture(scope="module")
def ask(review_kg: KnowledgeGraph, kg: KnowledgeGraph):
    """ask(name, params, graph="review"|"bundled"): the answer on rdflib, checked equal to Oxigraph's."""
    engines = {"review": (review_kg.dataset, OxigraphEngine(oxigraph_store(review_kg))),
               "bundled": (kg.dataset, OxigraphEngine(oxigraph_store(kg)))}

    def answer(name: str, params: dict[str, str] | None = None, graph: str = "review") -> QueryResult:
        rdflib_engine, oxigraph_engine = engines[graph]
        result = run_engine(rdflib_engine, name, params)
        assert run_engine(oxigraph_engine, name, params) == result, name
        return result

    return answer


def test_the_fixture_is_there() -> None:
    assert REVIEW_RECORDS.is_file() and REVIEW_TEXT.is_file()
    assert REVIEW_TEXT.read_text(encoding="utf-8").startswith("SYNTHETIC TEST FIXTURE")


def test_studies_show_a_review_by_its_included_studies_and_stated_total(ask) -> None:
    """The review: 14 included trials and the 2,265 participants it states, its two samples as k trials and n
    participants each; the synthesis still has no total (none is stated), only its samples."""
    result = ask("studies")
    assert result.columns[:10] == ("study", "designs", "sites", "region", "data_collection", "participants",
                                   "included_studies", "samples", "country", "interventions")
    rows = {row[0]: row[:1] + row[1:2] + row[4:] for row in result.rows}  # sites and region: none is a review's
    bundled = {row[0] for row in ask("studies", graph="bundled").rows}
    assert sorted(rows) == sorted(bundled | {REVIEW})
    assert rows[REVIEW] == (
        REVIEW, "systematic review", "", "2265", "14",
        "Participants of the group psychoeducation trials (k = 6, n = 785) [treatments: group psychoeducation]; "
        "Participants of the supported employment trials (k = 8, n = 1480) [treatments: supported employment]",
        "", "group psychoeducation; supported employment",
        "Supported employment and group psychoeducation for adults with severe mental illness: a systematic review "
        "and meta-analysis of randomised controlled trials",
        "journal article", "Fictional Journal of Psychosocial Reviews", "", "2024", "", "")
    assert rows[SYNTHESIS][3:6] == (
        "", "", "IMR participants (secondary analysis of existing interviews) (n = 15) [treatments: Illness management "
        "and recovery]; IPS participants (secondary analysis of existing interviews) (n = 12) [treatments: Individual "
        "placement and support]; Participants in Turning Points or LTAD (new interviews) (n = 12) [treatments: Learn "
        "how to tackle anxiety and depression + Turning Points]")
    assert rows[DENMARK][3:6] == ("12", "", "IPS participants interviewed (n = 12) [treatments: Individual placement "
                                  "and support]")


def test_study_samples_of_the_review(ask) -> None:
    rows = [row for row in ask("study-samples").rows if row[0] == REVIEW]
    assert rows == [
        (REVIEW, "Participants of the group psychoeducation trials", "785", "6", "", "", "group psychoeducation", "",
         "", "group psychoeducation: six trials, 785 participants"),
        (REVIEW, "Participants of the supported employment trials", "1480", "8", "", "", "supported employment", "",
         "", "Supported employment: eight trials, 1,480 participants"),
    ]


def test_evidence_gaps_count_only_effect_findings_on_classed_outcomes(ask) -> None:
    """Supported employment's personal-recovery finding (direction unclear) is a report, not a gap; its
    competitive-employment finding and group psychoeducation's finding on relapse concern outcomes no source
    classes, so they report on neither kind; no finding about the category counts for IPS. The review is one
    study, whatever its trial count; its little-or-no-evidence finding on symptoms (the outcome the 2019 trial
    classes as clinical recovery) is a report of absence of evidence, not a gap."""
    result = ask("evidence-gaps")
    assert result.columns == ("intervention", "recovery_kind", "status", "studies", "designs", "directions",
                              "findings", "classed_by")
    categories = ("group psychoeducation", "supported employment")
    # the bundled interventions' rows are the bundled graph's: nothing about the categories counts for them
    assert [row for row in result.rows if row[0] not in categories] == list(ask("evidence-gaps", graph="bundled").rows)
    gap = ("gap: no study in the graph reports on it", "0", "", "", "0", "")
    assert [row for row in result.rows if row[0] in categories] == [
        ("group psychoeducation", "clinical recovery", "reported", "1", "systematic review",
         "little or no evidence of an effect", "1", TRIAL_SOURCE),
        ("group psychoeducation", "personal recovery", *gap),
        ("supported employment", "clinical recovery", *gap),
        ("supported employment", "personal recovery", "reported", "1", "systematic review", "unclear", "1",
         DENMARK_SOURCE),  # the outcome "personal recovery", which the 2017 abstract classes
    ]


def test_outcomes_by_recovery_kind_never_guesses_a_kind(ask) -> None:
    """The review's own outcomes, which no source classes, are "not classed"; its symptoms are the outcome the 2019
    trial classes, so they stay where the bundled graph has them."""
    rows = ask("outcomes-by-recovery-kind").rows
    bundled = ask("outcomes-by-recovery-kind", graph="bundled").rows
    assert sorted(set(rows) - set(bundled)) == [("not classed by any source", "competitive employment", "", "", ""),
                                                ("not classed by any source", "relapse", "", "", "")]
    assert set(bundled) <= set(rows)


@pytest.mark.parametrize("name", ["interventions-by-duration", "compare-interventions", "shared-components",
                                  "recovery-mechanisms"])
def test_categories_with_only_a_name_add_no_rows(ask, name: str) -> None:
    """Supported employment and group psychoeducation have a name and nothing else (no aim, duration, components,
    mechanisms): these answers are exactly the bundled graph's, with no placeholder row for them."""
    result = ask(name)
    assert result == ask(name, graph="bundled")
    assert not any("supported employment" in row or "group psychoeducation" in row for row in result.rows)
    assert len(result.rows) == {"interventions-by-duration": 4, "compare-interventions": 4,
                                "shared-components": 3, "recovery-mechanisms": 3}[name]


def test_interventions_by_duration_with_max_lists_no_category(ask) -> None:
    assert [row[0] for row in ask("interventions-by-duration", {"max": "P1Y"}).rows] == [
        "Learn how to tackle anxiety and depression", "Turning Points", "Illness management and recovery"]


def test_findings_for_a_category_are_the_reviews_with_their_hedges(ask) -> None:
    """No invented direction: the personal-recovery finding is unclear as the review says (very uncertain);
    competitive employment is not classed as any kind of recovery."""
    result = ask("findings-for-intervention", {"intervention": "supported-employment"})
    assert result.rows == (
        ("review finding", "competitive employment", "not classed by any source", "beneficial", "", "", "", "", "",
         "all participants", "suggested", "probably", "", "supported employment", REVIEW,
         "Supported employment probably increases competitive employment (RR 2.31, 95% CI 1.85 to 2.88; 6 trials, "
         "1,120 participants; moderate-certainty evidence)."),
        ("review finding", "personal recovery", "personal recovery", "unclear", "", "", "", "", "", "all participants",
         "possible", "very uncertain whether", "", "supported employment", REVIEW,
         "We are very uncertain whether supported employment improves personal recovery (SMD 0.21, 95% CI -0.12 to "
         "0.54; 2 trials, 310 participants; very low-certainty evidence)."),
    )
    # IPS is in the category, but the category's findings are not IPS's
    ips = ask("findings-for-intervention", {"intervention": "IPS"})
    assert ips == ask("findings-for-intervention", {"intervention": "IPS"}, graph="bundled")


def test_provenance_of_the_review_states_each_fact_in_its_words(ask) -> None:
    """Every fact about the review study with the passage that states it; all are stated, none derived."""
    result = ask("provenance", {"resource": "employment-psychoeducation-review"})
    assert result.columns == ("source", "property", "value", "quote", "derived_from")
    assert {row[0] for row in result.rows} == {REVIEW_SOURCE}
    assert [row[1:] for row in result.rows] == [
        ("aim", "To assess the effects of supported employment and of group psychoeducation on competitive "
         "employment, symptoms, relapse and personal recovery in adults with severe mental illness.",
         "To assess the effects of supported employment and of group psychoeducation on competitive employment, "
         "symptoms, relapse and personal recovery in adults with severe mental illness.", ""),
        ("analysis method", "random-effects meta-analysis", "We pooled data using random-effects meta-analysis", ""),
        ("contrast", "with treatment as usual or another vocational or psychosocial service",
         "with treatment as usual or another vocational or psychosocial service", ""),
        ("evaluates", "group psychoeducation",
         "Supported employment: eight trials, 1,480 participants; group psychoeducation: six trials, 785 "
         "participants.", ""),
        ("evaluates", "supported employment",
         "Supported employment: eight trials, 1,480 participants; group psychoeducation: six trials, 785 "
         "participants.", ""),
        ("included study count", "14", "We included 14 randomised controlled trials (2,265 participants).", ""),
        ("isReferencedBy", REVIEW_SOURCE, "We included 14 randomised controlled trials (2,265 participants).", ""),
        ("prefLabel", REVIEW, "We included 14 randomised controlled trials (2,265 participants).", ""),
        ("reported in", "Supported employment and group psychoeducation for adults with severe mental illness: a "
         "systematic review and meta-analysis of randomised controlled trials",
         "Supported employment and group psychoeducation for adults with severe mental illness: a systematic review "
         "and meta-analysis of randomised controlled trials", ""),
        ("risk of bias", "Most trials were at high risk of bias for blinding of participants and personnel, and at "
         "unclear risk of bias for allocation concealment.",
         "Most trials were at high risk of bias for blinding of participants and personnel, and at unclear risk of "
         "bias for allocation concealment.", ""),
        ("sample size", "2265", "We included 14 randomised controlled trials (2,265 participants).", ""),
        ("studyDesign", "systematic review", "a systematic review and meta-analysis of randomised controlled trials",
         ""),
        ("target population", "adults with severe mental illness",
         "Randomised controlled trials comparing supported employment or group psychoeducation with treatment as "
         "usual or another vocational or psychosocial service in adults with severe mental illness.", ""),
        ("type", "study", "We included 14 randomised controlled trials (2,265 participants).", ""),
    ]


def test_provenance_names_the_records_a_derived_value_comes_from(review_kg: KnowledgeGraph) -> None:
    """A statement marked pikg:derivedFromRecord (a sum of samples, not stated) shows those records by name."""
    fresh = build(review_kg.settings)
    data = fresh.dataset
    pikg = "https://w3id.org/pikg/ontology#"
    study = URIRef("https://w3id.org/pikg/id/study/employment-psychoeducation-review")
    statement = next(s for s in data.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"),
                                              URIRef(pikg + "sampleSize"))
                     if data.value(s, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")) == study)
    graph = data.graph(URIRef("https://w3id.org/pikg/id/graph/review-abstract"))
    for sample in ("supported-employment-trials", "group-psychoeducation-trials"):
        graph.add((statement, URIRef(pikg + "derivedFromRecord"), URIRef(f"https://w3id.org/pikg/id/sample/{sample}")))
    for source in (data, OxigraphEngine(oxigraph_store(data))):
        rows = [row for row in run_engine(source, "provenance", {"resource": "employment-psychoeducation-review"}).rows
                if row[1] == "sample size"]
        assert rows == [(REVIEW_SOURCE, "sample size", "2265",
                         "We included 14 randomised controlled trials (2,265 participants).",
                         "Participants of the group psychoeducation trials; "
                         "Participants of the supported employment trials")]
