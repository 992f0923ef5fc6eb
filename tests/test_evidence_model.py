"""The evidence as the sources report it (issue 13): the abstract of "The missing link" and the seeds' README as
sources of their own, samples and data lineage, qualitative findings with their barriers and facilitators, and
no direction or recovery kind that a quote does not state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, XSD, Literal, URIRef
from test_graph import DCTERMS, ID, PIKG, V, in_graph, quote_of

from conftest import ROOT
from kg.base.config import Settings
from kg.base.errors import RecordError, RecordErrors
from kg.load.numbers import date_in, number_in, numbers_missing, wording_problem
from kg.model.build import KnowledgeGraph, build

README = ID["graph/seeds-readme"]
ML_ABSTRACT = ID["graph/missing-link-abstract"]
LTAD = ID["intervention/learn-how-to-tackle-anxiety-and-depression"]
SYNTHESIS = ID["study/missing-link-synthesis"]
ARTICLE = ID["publication/missing-link-article"]

README_FACTS = [
    ((ARTICLE, PIKG.doi, Literal("10.1186/s40359-021-00567-w")), "10.1186/s40359-021-00567-w"),
    ((ARTICLE, PIKG.journalTitle, Literal("BMC Psychology")), "BMC Psychology"),
    ((ARTICLE, DCTERMS.issued, Literal("2021", datatype=XSD.gYear)),
     "(BMC Psychology, 2021, DOI 10.1186/s40359-021-00567-w)"),
    ((ARTICLE, DCTERMS.type, V["publication-type/journal-article"]), "of the journal article"),
]

ABSTRACT_FACTS = [
    ((LTAD, PIKG.acronym, Literal("LTAD")), "LTAD"),
    ((LTAD, SKOS.altLabel, Literal("Learn to Tackle Anxiety and Depression", lang="en")),
     "Learn to Tackle Anxiety and Depression"),  # each spelling its own quote, each where the abstract uses it
    ((LTAD, SKOS.altLabel, Literal("Learn How to Tackle Anxiety and Depression", lang="en")),
     "Learn How to Tackle Anxiety and Depression"),
    ((ID["sample/missing-link-imr-sample"], PIKG.sampleSize, Literal("15", datatype=XSD.nonNegativeInteger)),
     "Illness Management and Recovery (n = 15)"),
    ((ID["sample/missing-link-imr-sample"], PIKG.dataOrigin, V["data-origin/secondary-analysis"]),
     "secondary analyses of existing data sets of anonymised, transcribed interviews investigating participants' "
     "experience from two psychosocial interventions: Illness Management and Recovery (n = 15)"),
    ((ID["sample/missing-link-peer-led-sample"], PIKG.dataOrigin, V["data-origin/collected-for-this-study"]),
     "Additionally, we conducted semi-structured interviews"),
    ((SYNTHESIS, PIKG.reanalyses, ID["dataset/ips-interview-data-set"]),
     "The material partly consists of secondary analyses of existing data sets of anonymised, transcribed "
     "interviews"),
    ((SYNTHESIS, PIKG.analysisMethod, V["analysis-method/template-method"]),
     "was based on the template method described by Nigel King"),
    ((V["analysis-method/template-method"], PIKG.creditedTo, ID["person/nigel-king"]),
     "was based on the template method described by Nigel King"),
    ((V["analysis-method/template-method"], RDF.type, SKOS.Concept),
     "was based on the template method described by Nigel King"),
    ((ID["intervention/ips"], DCTERMS.type, V["intervention-type/community-based-intervention"]),
     "a community-based intervention [Individual Placement and Support (IPS)]"),
    ((ID["factor/peer-exchange"], PIKG.isComponent, ID["component/peer-exchange"]),
     "Experiential knowledge and peer-exchange made transferal pathways"),
    ((ID["finding/transferal-gaps"], PIKG.barrier, ID["factor/environmental-obstacles"]),
     "Illness intrusiveness and uncertainty, together with environmental obstacles, generated transferal gaps."),
    ((ID["finding/transferal-pathways"], PIKG.findingRole, V["finding-role/pathway"]),
     "Experiential knowledge and peer-exchange made transferal pathways between the interventional context and "
     "everyday life."),
]


@pytest.mark.parametrize(("triple", "quote"), README_FACTS, ids=lambda v: str(v)[-40:])
def test_bibliographic_facts_are_the_readmes_own(kg: KnowledgeGraph, triple: tuple, quote: str) -> None:
    assert in_graph(kg, README, triple)
    assert not in_graph(kg, ID["graph/missing-link-table-1"], triple)
    assert quote_of(kg, README, triple) == quote


@pytest.mark.parametrize(("triple", "quote"), ABSTRACT_FACTS, ids=lambda v: str(v)[-40:])
def test_abstract_fact_is_in_its_graph_with_its_quote(kg: KnowledgeGraph, triple: tuple, quote: str) -> None:
    assert in_graph(kg, ML_ABSTRACT, triple)
    assert quote_of(kg, ML_ABSTRACT, triple) == quote


def test_the_abstract_reuses_the_tables_nodes(kg: KnowledgeGraph) -> None:
    """One article, one synthesis study, its four interventions: the abstract adds to them, it makes no copies."""
    assert len(set(kg.dataset.objects(SYNTHESIS, PIKG.evaluates))) == 4
    assert set(kg.dataset.objects(SYNTHESIS, PIKG.reportedIn)) == {ARTICLE}
    assert {str(o) for o in kg.dataset.objects(LTAD, SKOS.altLabel)} == {
        "Lean how to tackle anxiety and depression", "Learn to Tackle Anxiety and Depression",
        "Learn How to Tackle Anxiety and Depression"}


def test_no_total_is_recorded_that_no_source_states(kg: KnowledgeGraph) -> None:
    """The abstract gives 15, 12 and 12 for three samples and no total: the study has no sample size, and each
    sample has the size its quote states."""
    assert list(kg.dataset.objects(SYNTHESIS, PIKG.sampleSize)) == []
    sizes = {str(s).rsplit("/", 1)[1]: int(n) for s in kg.dataset.subjects(PIKG.sampleOf, SYNTHESIS)
             for n in kg.dataset.objects(s, PIKG.sampleSize)}
    assert sizes == {"missing-link-imr-sample": 15, "missing-link-ips-sample": 12, "missing-link-peer-led-sample": 12}
    peer_led = ID["sample/missing-link-peer-led-sample"]
    assert set(kg.dataset.objects(peer_led, PIKG.participatedIn)) == {ID["intervention/turning-points"], LTAD}


# Each finding's direction with the words of its quote that justify it; a finding without one has None.
NO_DIFFERENCE = (("no-significant-difference",), "No significant differences were found")
DIRECTIONS = {  # each finding's directions, with the words of its quote that state them
    "ips-personal-recovery-result": (("beneficial",), "IPS contributed to personal recovery"),
    "ips-psychotic-symptoms-result": (("no-effect",), "neither IPS nor employment influenced symptom severity"),
    "ips-negative-or-depressive-symptoms-result": None,  # it credits employment and names no outcome
    "ips-fellowship-with-colleagues-result": None,
    "ips-personal-recovery-conclusion": None,  # "have an impact on" gives no direction
    "ips-depressive-symptoms-conclusion": (("beneficial",), "may decrease depressive symptoms"),
    "ips-psychotic-symptoms-conclusion": (("no-effect",), "does not seem to have an impact on psychotic symptoms"),
    "ips-recovery-measures-background": (("unclear",), "is ambiguous"),
    "transfer-situations-and-conditions": None,
    "transferal-pathways": None,
    "transferal-gaps": None,
    "individualized-support-and-gaps": None,
    "imr-trial-functioning-result": NO_DIFFERENCE,
    "imr-trial-symptoms-result": NO_DIFFERENCE,
    "imr-trial-hospital-admissions-result": NO_DIFFERENCE,
    "imr-trial-emergency-room-visits-result": NO_DIFFERENCE,
    "imr-trial-outpatient-treatment-result": NO_DIFFERENCE,
    "imr-trial-recovery-conclusion": (("no-significant-difference",), "showed no significant effect"),
    "peer-support-background": None,
    "peer-support-hospitalisation-symptoms-satisfaction-result": (("no-evidence-of-effect",),
                                                                  "there was little or no evidence that"),
    "peer-support-hope-recovery-empowerment-result": (("beneficial", "inconsistent"),
                                                      "positive effects on measures of hope"),
    "peer-support-evidence-conclusion": None,
    "peer-support-policy-conclusion": None,
}


def test_every_direction_is_justified_by_words_of_its_quote(kg: KnowledgeGraph) -> None:
    """No finding carries a direction its quote does not state: the table above lists each, with its words."""
    seen = {}
    for finding in kg.dataset.subjects(RDF.type, PIKG.Finding):
        name = str(finding).rsplit("/", 1)[1]
        directions = tuple(sorted(str(d).rsplit("/", 1)[1] for d in kg.dataset.objects(finding, PIKG.direction)))
        passage = kg.dataset.value(finding, PIKG.supportingPassage)
        quote = str(kg.dataset.value(passage, URIRef("http://www.w3.org/ns/oa#exact")))
        seen[name] = (directions, quote) if directions else None
    assert set(seen) == set(DIRECTIONS)
    for name, expected in DIRECTIONS.items():
        if expected is None:
            assert seen[name] is None, name
        else:
            directions, words = expected
            assert seen[name] is not None and seen[name][0] == directions, name
            assert words in seen[name][1], (name, words)


def test_only_sources_class_recovery_kinds(kg: KnowledgeGraph) -> None:
    """"recovery measures" is named by the 2017 abstract without a kind; it gets none."""
    assert list(kg.dataset.objects(ID["outcome/recovery-measures"], PIKG.recoveryKind)) == []


def test_a_curators_note_is_not_a_quote(kg: KnowledgeGraph) -> None:
    notes = list(kg.dataset.objects(LTAD, SKOS.editorialNote))
    assert len(notes) == 2  # one per file that remarks on the name; neither is in a source text


@pytest.mark.parametrize(("number", "quote", "found"), [
    (12, "including interview of 12 participants", True), (3900, "(n = 39)", False), (39, "(n = 3900)", False),
    (18, "Eighteen trials were included", True), (12, "twelve participants", True), (1480, "1,480 participants", True),
    (1, "Number of pages1", True), (21, "twenty-one trials", True), (2, "2.5 points", False),
])
def test_a_number_must_appear_in_its_quote(number: int, quote: str, found: bool) -> None:
    assert number_in(number, quote) is found


@pytest.mark.parametrize(("number", "quote", "found"), [
    (2017, "The trial was registered on 4 May 2017.", False), (4, "The trial was registered on 4 May 2017.", False),
    (2017, "registered in May 2017", False), (2017, "Smith et al. (2017) found", False), (2017, "(2017)", False),
    (20, "8th conference, København, 20–22 September 2017", False), (22, "20–22 September 2017", False),
    (2019, "2019-02-11", False), (11, "Published 11/02/2019", False), (11, "2019 Feb 11;19:65.", False),
    (19, "2019 Feb 11;19:65.", True), (2017, "In May 2017 we recruited 2017 people.", True),
    (2017, "2017 participants", True), (39, "n = 39, May 2017", True), (2017, "(n = 2017)", True),
    (12, "twelve in 2017", True), (8, "8th Together Against Stigma Conference", True),
    (2017, "In 2017 we recruited people.", False), (2017, "recruited since 2017", False),
    (2017, "we recruited 2017 people by 2018", True),
])
def test_a_count_is_not_a_date(number: int, quote: str, found: bool) -> None:
    """Digits that are part of a date (a day or year joined to a month's name, a numeric date, a year alone in
    parentheses) do not state a count (issue 25); the same digits elsewhere in the quote, or a number word, do."""
    assert number_in(number, quote) is found


@pytest.mark.parametrize(("text", "quote", "missing"), [
    ("RR 1.2 (95% CI 0.9 to 1.6)", "We found nothing.", ["1.2", "95", "0.9", "1.6"]),
    ("RR 1.2 (95% CI 0.9 to 1.6)", "RR = 1.2, 95% CI: 0.9–1.6", []),
    ("RR 1.20", "RR 1.2", ["1.20"]), ("p < .05", "p < 0.05", []), ("-0.3", "a difference of 0.3", ["-0.3"]),
    ("−0.3", "a difference of -0.3", []), ("1,480 people", "1480 people", []), ("12 interviews", "twelve", []),
    ("s12888-019-2048-0", "doi: 10.1186/s12888-019-2048-0", []), ("in 2017", "4 May 2017", []),
    ("0.9-1.6", "0.9 to 1.6", []), ("3 of 12", "three of twelve", []), ("13 of 12", "three of twelve", ["13"]),
])
def test_the_numbers_a_text_prints_must_appear_in_its_quote(text: str, quote: str, missing: list[str]) -> None:
    """A text value's numbers (an estimate's wording) are checked as number fields are (issue 25): digits as
    printed, a whole number also as a word, a minus only where it cannot be a range's dash."""
    assert numbers_missing(text, quote) == missing


def test_a_texts_missing_numbers_are_one_message() -> None:
    assert wording_problem("RR 1.2", "RR 1.2") is None and wording_problem("none", "x") is None
    assert wording_problem("RR 1.3 (0.9)", "RR 1.2 (0.9)") == (
        "1.3 (in 'RR 1.3 (0.9)') does not appear in its quote 'RR 1.2 (0.9)': give the passage that states it "
        "(digits or an English number word)")


@pytest.mark.parametrize(("value", "quote", "found"), [
    ("2017-09-22", "Publication date22. Sep 2017", True), ("2017-09-20", "Duration: 20. Sep 201722. Sep 2017", True),
    ("2017-09-23", "Publication date22. Sep 2017", False), ("2021", "(BMC Psychology, 2021, DOI 10.1186/x)", True),
    ("2017-10-22", "Publication date22. Sep 2017", False),
])
def test_a_date_must_appear_in_its_quote(value: str, quote: str, found: bool) -> None:
    assert date_in(value, quote) is found


def _copy_records(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(ROOT / "records", records)
    return records


def test_an_unstated_number_fails_with_file_and_line(tmp_path: Path, kg: KnowledgeGraph) -> None:
    records = _copy_records(tmp_path)
    path = records / "missing-link-abstract.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("size: {value: 15,", "size: {value: 3900,"), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "3900" in row)
    with pytest.raises(RecordError) as exc:
        build(Settings.default(records, sources_dir=kg.settings.sources_dir))
    assert str(exc.value) == (
        f"{path}:{line}: samples.missing-link-imr-sample.size: 3900 does not appear in its quote 'Illness Management "
        "and Recovery (n = 15)': give the passage that states it (digits or an English number word), or mark the "
        "value derived with `derived_from: SECTION/ID` of the records it comes from")


def test_a_derived_total_says_what_it_comes_from(tmp_path: Path, kg: KnowledgeGraph) -> None:
    """A curator who wants the total writes it as derived: the statement names the samples, and no one can take
    it for a number the source gives."""
    records = _copy_records(tmp_path)
    path = records / "missing-link-abstract.yaml"
    text = path.read_text(encoding="utf-8")
    derived = ("    sample_size: {value: 39, quote: \"Illness Management and Recovery (n = 15)\", derived_from: "
               "[samples/missing-link-imr-sample, samples/missing-link-ips-sample, "
               "samples/missing-link-peer-led-sample]}\n")
    path.write_text(text.replace("    data_collection: semi-structured-interview\n",
                                 "    data_collection: semi-structured-interview\n" + derived), encoding="utf-8")
    graph = build(Settings.default(records, sources_dir=kg.settings.sources_dir)).dataset
    total = Literal("39", datatype=XSD.nonNegativeInteger)
    statements = [s for s in graph.subjects(RDF.subject, SYNTHESIS)
                  if graph.value(s, RDF.predicate) == PIKG.sampleSize and graph.value(s, RDF.object) == total]
    assert len(statements) == 1
    assert set(graph.objects(statements[0], PIKG.derivedFromRecord)) == {
        ID["sample/missing-link-imr-sample"], ID["sample/missing-link-ips-sample"],
        ID["sample/missing-link-peer-led-sample"]}


def test_all_problems_of_a_run_are_reported_at_once(tmp_path: Path, kg: KnowledgeGraph) -> None:
    records = _copy_records(tmp_path)
    path = records / "missing-link-abstract.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    label: uncertainty\n", "    labl: uncertainty\n")
    text = text.replace("    data_origin: secondary-analysis\n    dataset: imr-interview-data-set\n",
                        "    data_origin: reanalysis\n    dataset: imr-interview-data-set\n")
    text = text.replace("    analysis_method: {value: template-method,", "    analysis_method: {value: template-methd,")
    path.write_text(text, encoding="utf-8")
    rows = text.splitlines()
    origin, label = (rows.index(row) + 1 for row in ("    data_origin: reanalysis", "    labl: uncertainty"))
    with pytest.raises(RecordErrors) as exc:
        build(Settings.default(records, sources_dir=kg.settings.sources_dir))
    assert str(exc.value).splitlines() == [  # the undeclared concept shows once the file loads: it needs every file
        f"{path}:{origin}: samples.missing-link-imr-sample.data_origin: 'reanalysis' is not in the data-origin "
        "vocabulary; did you mean 'secondary-analysis'? Allowed: collected-for-this-study, secondary-analysis",
        f"{path}:{label}: factors.uncertainty: unknown field 'labl'; did you mean 'label'? Allowed: quote, quote_in, "
        "label, alt_names, aliases, component, curator_note"]


def test_the_cli_prints_one_error_line_per_problem(tmp_path: Path, kg: KnowledgeGraph) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    records = _copy_records(tmp_path)
    path = records / "missing-link-abstract.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    label: uncertainty\n", "    labl: uncertainty\n").replace(
        "    label: environmental obstacles\n", "    lable: environmental obstacles\n"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--records", str(records), "--sources", str(kg.settings.sources_dir)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert [line.split(": ", 3)[2] for line in lines] == ["factors.uncertainty", "factors.environmental-obstacles"]
    assert all(line.startswith(f"error: {path}:") for line in lines)


def test_a_trial_and_a_qualitative_evidence_synthesis_fit_unbent(tmp_path: Path, kg: KnowledgeGraph) -> None:
    """Two more kinds of report (synthetic fixtures, never bundled): a randomised controlled trial, whose arms are
    samples with their own sizes beside the stated total, and a qualitative evidence synthesis, whose review
    findings carry a role, a factor and a GRADE-CERQual confidence and no direction."""
    from conftest import FIXTURE_SOURCES, FIXTURES, bundled_plus
    from kg.check.verdict import judge

    records, texts = bundled_plus(tmp_path, tuple(sorted((FIXTURES / "records" / "trial-and-qes").glob("*.yaml"))),
                                  (FIXTURE_SOURCES / "trial-abstract.txt", FIXTURE_SOURCES / "qes-abstract.txt"))
    built = build(Settings.default(records, texts))
    assert judge(built).ok
    g = built.dataset
    trial = ID["study/ips-first-episode-trial"]
    assert (trial, URIRef("http://schema.org/studyDesign"), V["study-design/randomised-controlled-trial"]) in g
    assert {int(n) for s in g.subjects(PIKG.sampleOf, trial) for n in g.objects(s, PIKG.sampleSize)} == {61, 59}
    assert g.value(trial, PIKG.sampleSize) == Literal("120", datatype=XSD.nonNegativeInteger)
    qes = [ID["finding/qes-learning-from-peers"], ID["finding/qes-fixed-schedules"]]
    assert [g.value(f, PIKG.cerqualConfidence) for f in qes] == [V["certainty/moderate"], V["certainty/low"]]
    assert [g.value(f, PIKG.findingRole) for f in qes] == [V["finding-role/facilitator"], V["finding-role/barrier"]]
    assert all(g.value(f, PIKG.direction) is None for f in qes)
    assert g.value(ID["study/peer-support-qes"], PIKG.includedStudyCount) == Literal(
        "11", datatype=XSD.nonNegativeInteger)  # "eleven", checked as an English number word
    courses = ID["intervention/recovery-courses"]
    assert {p for p, _ in g.predicate_objects(courses)} == {
        RDF.type, SKOS.prefLabel, PIKG.sessionsLedBy, DCTERMS.isReferencedBy}  # a name, and what the source says


@pytest.mark.parametrize(("value", "quote", "found"), [
    ("2017-05-12", "a marked decrease on 12 March 2017", False),  # "mar" of marked, "dec" of decrease: no month
    ("2017-03-12", "a marked decrease on 12 March 2017", True),
    ("2017-12-01", "12/1/2017", True), ("2017-12-12", "12/1/2017", False),
])
def test_a_month_is_a_word_or_a_number_of_its_own(value: str, quote: str, found: bool) -> None:
    assert date_in(value, quote) is found


def test_a_number_of_thousands_of_digits_is_compared_as_written() -> None:
    """Regression (a fresh read of issue 25's work): int() refuses more than 4,300 digits, which gave a traceback
    for an estimate's wording with such a number; a long number is now looked for as it is written."""
    from kg.load.numbers import numbers_missing

    huge = "9" * 5000
    assert numbers_missing(f"RR {huge}", "no such number") == [huge]
    assert numbers_missing(f"RR {huge}", f"an RR of {huge} (not real)") == []
