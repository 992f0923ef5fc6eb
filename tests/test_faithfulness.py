"""Issue 23: the records say what their sources say, no more. Each test pins one place where a record used to say
more than its quote (the five overstatements of the bundled IPS and synthesis records), and what the two sources
added since (a randomised trial of IMR, a review of peer support) hold as they report it."""

from __future__ import annotations

from typing import Any

import pytest

from kg.base.config import expand
from kg.model.build import KnowledgeGraph

ID = "https://w3id.org/pikg/id/"
V = "https://w3id.org/pikg/vocab/"


def values(kg: KnowledgeGraph, subject: str, predicate: str) -> list[str]:
    """The values the union of the sources gives `subject` (an IRI below ID) for `predicate` (a CURIE), sorted."""
    from rdflib import URIRef

    return sorted(str(o) for o in kg.dataset.objects(URIRef(ID + subject), URIRef(expand(predicate))))


def rows(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, Any]]:
    from kg.query.sparql import run_query

    result = run_query(kg.dataset, name, params)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


# --- the five overstatements of the bundled records ------------------------------------------------------------

def test_the_result_that_credits_employment_is_not_an_effect_of_ips(kg: KnowledgeGraph) -> None:
    """"employment helped them get up in the morning": employment is credited, no outcome is named, and it is the
    participants' account; nothing makes it a firm benefit of IPS for clinical recovery."""
    f = "finding/ips-negative-or-depressive-symptoms-result"
    assert values(kg, f, "pikg:intervention") == []
    assert values(kg, f, "pikg:exposure") == [ID + "exposure/employment"]
    assert values(kg, f, "pikg:outcome") == values(kg, f, "pikg:direction") == []
    assert values(kg, f, "pikg:evidenceBasis") == [V + "evidence-basis/participants-accounts"]


def test_a_participants_opinion_stays_their_opinion(kg: KnowledgeGraph) -> None:
    f = "finding/ips-psychotic-symptoms-result"
    assert values(kg, f, "pikg:evidenceBasis") == [V + "evidence-basis/participants-accounts"]
    assert values(kg, f, "skos:prefLabel") == [
        "Participants suffering from psychotic symptoms were of the opinion that neither IPS nor employment "
        "influenced symptom severity"]
    (row,) = [r for r in rows(kg, "findings-for-intervention", intervention="IPS")
              if r["subgroup"] == "participants suffering from psychotic symptoms"]
    assert (row["direction"], row["basis"]) == ("no effect", "participants' accounts")


def test_have_an_impact_on_is_no_direction(kg: KnowledgeGraph) -> None:
    f = "finding/ips-personal-recovery-conclusion"
    assert values(kg, f, "pikg:direction") == []
    assert values(kg, f, "pikg:hedgeWording") == ["indicates"]


def test_fellowship_with_colleagues_is_not_a_mechanism_of_personal_recovery(kg: KnowledgeGraph) -> None:
    mechanisms = values(kg, "finding/ips-personal-recovery-result", "pikg:mechanism")
    assert not any("fellowship" in m for m in mechanisms)
    f = "finding/ips-fellowship-with-colleagues-result"
    assert values(kg, f, "skos:prefLabel") == ["Fellowship with colleagues was found important"]
    assert values(kg, f, "pikg:outcome") == values(kg, f, "pikg:mechanism") == []


def test_the_transfer_findings_are_not_said_to_hold_for_each_intervention(kg: KnowledgeGraph) -> None:
    """A findings query for IPS shows the peer-exchange pathway only as a finding of the synthesis's interventions
    taken together, never as IPS's."""
    pathway = [r for r in rows(kg, "findings-for-intervention", intervention="IPS") if r["role"] == "pathway"]
    assert [r["concerns"] for r in pathway] == ["its study's interventions together (not said to hold for each)"]


# --- the 2019 trial, as it reports itself ----------------------------------------------------------------------

TRIAL_RESULTS = ("imr-trial-functioning-result", "imr-trial-symptoms-result", "imr-trial-hospital-admissions-result",
                 "imr-trial-emergency-room-visits-result", "imr-trial-outpatient-treatment-result",
                 "imr-trial-recovery-conclusion")


@pytest.mark.parametrize("finding", TRIAL_RESULTS)
def test_each_trial_result_names_its_comparison_time_point_and_test(kg: KnowledgeGraph, finding: str) -> None:
    f = f"finding/{finding}"
    assert values(kg, f, "pikg:comparison") == [ID + "comparison/imr-and-tau-against-tau"]
    assert values(kg, f, "pikg:timePoint") == [ID + "timepoint/imr-trial-one-year-follow-up"]
    assert values(kg, f, "pikg:direction") == [V + "direction/no-significant-difference"]
    assert values(kg, f, "pikg:participantCount") == []  # 198 is the study's total, not each result's


def test_the_trial_holds_its_arms_setting_time_points_and_measure(kg: KnowledgeGraph) -> None:
    study = "study/imr-danish-trial"
    assert values(kg, study, "pikg:sampleSize") == ["198"]
    assert (values(kg, study, "pikg:siteCount"), values(kg, study, "pikg:region"),
            values(kg, study, "pikg:country")) == (["3"], ["Capital Region"], ["Denmark"])
    assert values(kg, study, "pikg:analysisSet") == [V + "analysis-set/intention-to-treat"]
    assert values(kg, "sample/imr-trial-control-arm", "pikg:receivedComparator") == [
        V + "comparator/treatment-as-usual"]
    assert values(kg, "sample/imr-trial-control-arm", "pikg:participatedIn") == []
    assert values(kg, "comparison/imr-and-tau-against-tau", "pikg:controlArm") == [ID + "sample/imr-trial-control-arm"]
    kinds = {t: values(kg, f"timepoint/{t}", "pikg:timePointKind") for t in (
        "imr-trial-baseline", "imr-trial-postintervention", "imr-trial-one-year-follow-up")}
    assert kinds == {"imr-trial-baseline": [V + "timepoint-kind/baseline"],
                     "imr-trial-postintervention": [V + "timepoint-kind/post-intervention"],
                     "imr-trial-one-year-follow-up": [V + "timepoint-kind/follow-up"]}
    assert values(kg, "finding/imr-trial-functioning-result", "pikg:measure") == [
        ID + "measure/global-assessment-of-functioning"]
    assert sorted(values(kg, study, "pikg:assessedOutcome")) == sorted(
        ID + f"outcome/{o}" for o in ("symptoms", "global-functioning", "hospitalization", "hope", "personal-agency"))
    assert values(kg, "publication/imr-trial-follow-up-2019", "dcterms:type") == []  # the text states none


# --- the 2014 review, as it reports itself ---------------------------------------------------------------------

def test_the_review_keeps_both_designs_its_eligibility_and_search(kg: KnowledgeGraph) -> None:
    study = "study/peer-support-review"
    assert values(kg, study, "schema:studyDesign") == [V + "study-design/meta-analysis",
                                                        V + "study-design/systematic-review"]
    assert values(kg, study, "pikg:eligibilityCriterion") == [
        "Randomised trials of non-residential peer support interventions", "without restriction by publication status"]
    assert values(kg, study, "pikg:searchedDatabase") == ["CINAHL", "Cochrane CENTRAL Register", "Embase", "Medline",
                                                          "PsycINFO"]
    assert values(kg, study, "pikg:searchedTo") == ["2013-07"]
    assert values(kg, study, "pikg:reportingQuality") == ["Outcomes were incompletely reported"]
    assert values(kg, study, "pikg:includedStudyCount") == ["18"]


def test_the_review_findings_keep_their_directions_limits_and_associations(kg: KnowledgeGraph) -> None:
    positive = "finding/peer-support-hope-recovery-empowerment-result"
    assert values(kg, positive, "pikg:direction") == [V + "direction/beneficial", V + "direction/inconsistent"]
    assert values(kg, positive, "pikg:relationKind") == [V + "relation-kind/association"]
    assert values(kg, positive, "pikg:hedgeWording") == ["some evidence"]
    null = "finding/peer-support-hospitalisation-symptoms-satisfaction-result"
    assert values(kg, null, "pikg:limitation") == [
        "From small numbers of studies in the analyses it was possible to conduct"]
    assert values(kg, null, "pikg:hedgeWording") == []  # a limitation of the evidence, not a hedge
    assert values(kg, null, "pikg:participantCount") == []  # 5,597 is the review's total


# --- persons ---------------------------------------------------------------------------------------------------

def test_persons_are_never_merged_silently(kg: KnowledgeGraph) -> None:
    """Each byline keeps its own person records; a curator's judgement links one pair, and the other pair is a
    candidate until someone judges it."""
    assert values(kg, "person/sofie-bratberg-jensen-2019", "foaf:name") == ["Sofie Bratberg Jensen"]
    judged = values(kg, "identity/sofie-bratberg-jensen-2017-2019", "pikg:judgedPerson")
    assert judged == [ID + "person/sofie-bratberg-jensen", ID + "person/sofie-bratberg-jensen-2019"]
    (candidate,) = rows(kg, "person-candidates")
    assert (candidate["name_a"], candidate["name_b"], candidate["match"], candidate["shared_coauthors"]) == (
        "Lene Eplov", "Lene Falgaard Eplov", "extended name", "Sofie Bratberg Jensen")


def test_a_candidate_is_the_same_name_or_one_with_words_added() -> None:
    """Regression (issue 26's corpus at a million triples): names that share only their first and last words
    (Person 12 Synthetic, Person 13 Synthetic) were all paired, which no engine finished; the same name and a
    two-word name extended by middle words are candidates, on rdflib and Oxigraph alike."""
    from rdflib import Dataset, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, FOAF, RDF

    from kg.query.sparql import OxigraphEngine, run_engine
    from kg.query.store import oxigraph_store

    pikg, ex = Namespace(expand("pikg:")), Namespace("urn:test:")
    data = Dataset(default_union=True)
    graph = data.graph(URIRef("urn:test:graph"))
    bylines = {"p1": ["Person 12 Synthetic", "Kim Mueser"], "p2": ["Person 13 Synthetic", "Kim T Mueser"],
               "p3": ["Person 12 Synthetic", "Ann Other"]}
    for pub, names in bylines.items():
        graph.add((ex[pub], DCTERMS.title, Literal(f"Paper {pub}")))
        for n, name in enumerate(names):
            person, ship = ex[f"{pub}-{n}"], ex[f"{pub}-ship-{n}"]
            graph.add((person, RDF.type, FOAF.Person))
            graph.add((person, FOAF.name, Literal(name)))
            graph.add((ex[pub], pikg.hasAuthorship, ship))
            graph.add((ship, pikg.author, person))
    for source in (data, OxigraphEngine(oxigraph_store(data))):
        assert [row[:5] for row in run_engine(source, "person-candidates").rows] == [
            ("Kim Mueser", "Paper p1", "Kim T Mueser", "Paper p2", "extended name"),
            ("Person 12 Synthetic", "Paper p1", "Person 12 Synthetic", "Paper p3", "same name")]


# --- curators' words apart from the sources' ---------------------------------------------------------------------

def test_curator_notes_and_mappings_cite_no_passage(kg: KnowledgeGraph) -> None:
    """A curator note, a mapping and an identity judgement are the curators' statements: none cites a passage, so
    neither `provenance` nor a page shows them beside a source's words."""
    from rdflib import RDF, URIRef

    curated = set(kg.dataset.subjects(RDF.type, URIRef(expand("pikg:CuratorStatement"))))
    predicates = {str(kg.dataset.value(s, RDF.predicate)) for s in curated}
    assert {expand(c) for c in ("skos:editorialNote", "pikg:mappingObject", "pikg:identityJudgement",
                                "pikg:reasons")} <= predicates
    assert not any(kg.dataset.value(s, URIRef(expand("prov:wasDerivedFrom"))) for s in curated)
    notes = [r for r in rows(kg, "provenance", resource="imr-trial-symptoms-result")
             if r["property"] == "editorial note"]
    assert notes == []


def test_the_release_has_the_mappings_as_an_sssom_set(kg: KnowledgeGraph) -> None:
    from kg.release.sssom import COLUMNS, sssom_text

    text = sssom_text(kg.union(), kg.settings.base_iri)
    table = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert tuple(table[0]) == COLUMNS
    assert [(r[0], r[2], r[3], r[5], r[6]) for r in table[1:]] == [
        ("pikg:outcome/empowerment", "skos:exactMatch", "pikgv:outcome-domain/chime-empowerment",
         "semapv:ManualMappingCuration", "pikg curators"),
        ("pikg:outcome/hope", "skos:closeMatch", "pikgv:outcome-domain/chime-hope-and-optimism",
         "semapv:ManualMappingCuration", "pikg curators"),
        ("pikg:outcome/hospitalization", "skos:broadMatch", "pikgv:outcome-domain/comet-resource-use",
         "semapv:ManualMappingCuration", "pikg curators"),
    ]


def test_one_study_two_reports_keeps_both_descriptions_each_with_its_source(trial_kg: KnowledgeGraph) -> None:
    """The made-up three-arm trial and its second report: one study with two reports; the last time point counted
    from randomisation in one and from the end of the programme in the other, the control arm's comparator named
    two ways; both kept, each in its source's graph, and no conflict between them."""
    from kg.check.validate import validate

    base = trial_kg.settings.base_iri
    tp, arm = f"<{base}timepoint/three-arm-12-months>", f"<{base}sample/wait-list-arm>"
    counted, comparator = f"<{expand('pikg:countedFrom')}>", f"<{expand('pikg:receivedComparator')}>"

    def stated(graph: str, subject: str, predicate: str) -> list[str]:
        lines = trial_kg.graphs[f"{base}graph/{graph}"]
        return sorted(line.split(" ", 2)[2] for line in lines if line.startswith(f"{subject} {predicate} "))

    assert stated("three-arm-trial", tp, counted) == [f"<{V}reference-point/randomisation>"]
    assert stated("three-arm-trial-report-2", tp, counted) == [f"<{V}reference-point/end-of-intervention>"]
    assert stated("three-arm-trial", arm, comparator) == [f"<{V}comparator/wait-list>"]
    assert stated("three-arm-trial-report-2", arm, comparator) == [f"<{V}comparator/usual-care>"]
    study = f"<{base}study/three-arm-trial>"
    assert len(stated("three-arm-trial", study, f"<{expand('pikg:reportedIn')}>")) == 1
    assert len(stated("three-arm-trial-report-2", study, f"<{expand('pikg:reportedIn')}>")) == 1
    report = validate(trial_kg)
    assert not [c for c in report.conflicts if "three-arm" in str(c)]
