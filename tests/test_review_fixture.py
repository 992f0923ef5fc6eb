"""The synthetic review (tests/fixtures/records/review/review-abstract.yaml over
tests/fixtures/sources/review-abstract.txt: a test fixture, never real data), built together with the bundled
records, whose IPS and personal recovery it refers to: what a quantitative review becomes in the graph, triple by
triple; numbers checked against their quotes (and derived ones marked); YAML anchors and merge keys; and every
load error of a file reported in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_SOURCES, FIXTURES, SEEDS
from kg.base.config import Settings, resource_dir
from kg.base.errors import RecordError, RecordErrors
from kg.check.verdict import judge
from kg.load.records import load_file
from kg.model.build import KnowledgeGraph, build, graph_iri
from kg.schema.vocabularies import concepts_by_scheme

REVIEW = FIXTURES / "records" / "review" / "review-abstract.yaml"
TEXT = FIXTURE_SOURCES / "review-abstract.txt"
ID = "https://w3id.org/pikg/id/"
SHORT = {  # namespaces written short in the expected facts
    ID: "",
    "https://w3id.org/pikg/ontology#": "pikg:",
    "https://w3id.org/pikg/vocab/": "vocab:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://schema.org/": "schema:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
}
COUNT = "^^xsd:nonNegativeInteger"
CITED = "dcterms:isReferencedBy source/review-abstract"
NUMBER_HINT = ("give the passage that states it (digits or an English number word), or mark the value derived "
               "with `derived_from: SECTION/ID` of the records it comes from")


def _corpus(root: Path, review: str | None = None) -> Settings:
    """The bundled records and texts plus the review (or `review`, an edited copy), as `records` and `texts`
    below `root` (in the working folder, messages name records/review-abstract.yaml)."""
    records, texts = root / "records", root / "texts"
    records.mkdir()
    texts.mkdir()
    for path in resource_dir("records").glob("*.yaml"):
        shutil.copy(path, records)
    (records / REVIEW.name).write_text(review if review is not None else REVIEW.read_text(encoding="utf-8"),
                                       encoding="utf-8")
    for path in SEEDS.iterdir():
        shutil.copy(path, texts)
    shutil.copy(TEXT, texts)
    return Settings.default(records, texts)


def _edited(old: str, new: str) -> str:
    text = REVIEW.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def _short(term: str) -> str:
    if term.startswith("<"):
        iri = term[1:-1]
        for ns, prefix in SHORT.items():
            if iri.startswith(ns):
                return prefix + iri[len(ns):]
        return term
    head, sep, datatype = term.rpartition("^^<")
    return f"{head}^^{_short('<' + datatype)}" if sep else term


def _long(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return next(ns for ns, short in SHORT.items() if short == f"{prefix}:") + local


def _facts(kg: KnowledgeGraph, node: str, graph: str = "review-abstract") -> set[str]:
    """The facts `graph` (a source's named graph) gives about `node` (SEGMENT/ID), as 'predicate object'."""
    subject = f"<{ID}{node}> "
    return {" ".join(_short(t) for t in statement[len(subject):].split(" ", 1))
            for statement in kg.graphs[graph_iri(kg.settings, graph)] if statement.startswith(subject)}


def _objects(kg: KnowledgeGraph, node: str, predicate: str) -> set[str]:
    """Every object of (node, predicate) in every graph, short."""
    prefix = f"<{ID}{node}> <{predicate}> "
    return {_short(s[len(prefix):]) for s in kg.statements() if s.startswith(prefix)}


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return build(_corpus(tmp_path_factory.mktemp("review")))


def test_the_review_builds_with_the_bundled_records_and_conforms(review: KnowledgeGraph) -> None:
    verdict = judge(review)
    assert verdict.ok, "\n".join(verdict.lines())
    assert verdict.report.conflicts == ()
    assert review.quotes.missing_texts == ()
    assert "review-abstract" in [rf.source.id for rf in review.files]


def test_the_review_is_a_study_with_its_stated_counts_and_risk_of_bias(review: KnowledgeGraph) -> None:
    assert _facts(review, "study/employment-psychoeducation-review") == {
        "rdf:type pikg:Study",
        CITED,
        'skos:prefLabel "Systematic review of supported employment and group psychoeducation for adults with severe '
        'mental illness"@en',
        "schema:studyDesign vocab:study-design/systematic-review",
        "pikg:analysisMethod vocab:analysis-method/random-effects-meta-analysis",
        f'pikg:includedStudyCount "14"{COUNT}',
        f'pikg:sampleSize "2265"{COUNT}',
        'pikg:aim "To assess the effects of supported employment and of group psychoeducation on competitive '
        'employment, symptoms, relapse and personal recovery in adults with severe mental illness."@en',
        'pikg:contrast "with treatment as usual or another vocational or psychosocial service"@en',
        "pikg:targetPopulation population/adults-with-severe-mental-illness",
        "pikg:evaluates intervention/supported-employment",
        "pikg:evaluates intervention/group-psychoeducation",
        'pikg:riskOfBias "Most trials were at high risk of bias for blinding of participants and personnel, and at '
        'unclear risk of bias for allocation concealment."@en',
        "pikg:reportedIn publication/employment-psychoeducation-review-article",
    }
    # the stated total is the only sample size of the review: the samples' sizes are the samples' own
    assert _objects(review, "study/employment-psychoeducation-review", _long("pikg:sampleSize")) == {
        f'"2265"{COUNT}'}
    graph = review.graphs[graph_iri(review.settings, "review-abstract")]
    assert not any("derivedFromRecord" in s for s in graph)  # nothing in the fixture is derived


def test_each_category_is_a_sample_with_its_trials_and_participants(review: KnowledgeGraph) -> None:
    study = "pikg:sampleOf study/employment-psychoeducation-review"
    assert _facts(review, "sample/supported-employment-trials") == {
        "rdf:type pikg:StudySample", CITED, 'skos:prefLabel "Participants of the supported employment trials"@en',
        study, f'pikg:includedStudyCount "8"{COUNT}', f'pikg:sampleSize "1480"{COUNT}',
        "pikg:participatedIn intervention/supported-employment",
    }
    assert _facts(review, "sample/group-psychoeducation-trials") == {
        "rdf:type pikg:StudySample", CITED, 'skos:prefLabel "Participants of the group psychoeducation trials"@en',
        study, f'pikg:includedStudyCount "6"{COUNT}', f'pikg:sampleSize "785"{COUNT}',
        "pikg:participatedIn intervention/group-psychoeducation",
    }


def test_categories_have_a_name_only_and_ips_is_placed_in_one_because_the_text_says_so(
    review: KnowledgeGraph,
) -> None:
    for name in ("supported employment", "group psychoeducation"):
        node = "intervention/" + name.replace(" ", "-")
        assert _facts(review, node) == {"rdf:type pikg:Intervention", CITED, f'skos:prefLabel "{name}"@en'}
        for absent in ("pikg:aim", "pikg:hasDuration", "pikg:hasComponent"):
            assert _objects(review, node, _long(absent)) == set(), (node, absent)
    assert _facts(review, "intervention/ips") == {
        "rdf:type pikg:Intervention", CITED, "pikg:broaderIntervention intervention/supported-employment"}
    rows = review.dataset.query("""
        PREFIX pikg: <https://w3id.org/pikg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact WHERE {
            ?st rdf:subject <https://w3id.org/pikg/id/intervention/ips> ; rdf:predicate pikg:broaderIntervention ;
                prov:wasDerivedFrom ?passage .
            ?passage oa:exact ?exact .
        }""")
    assert [str(r[0]) for r in rows] == ["Individual Placement and Support (IPS) is a form of supported employment."]


FINDING = {"rdf:type pikg:Finding", CITED, "pikg:findingType vocab:finding-type/review-finding",
           "pikg:study study/employment-psychoeducation-review"}  # type and study: merged from one YAML anchor


def _finding(kg: KnowledgeGraph, rid: str) -> set[str]:
    facts = _facts(kg, f"finding/{rid}")
    passages = {f for f in facts if f.startswith("pikg:supportingPassage passage/review-abstract/")}
    assert len(passages) == 1, facts
    return facts - passages


def test_review_findings_keep_direction_certainty_counts_and_estimate(review: KnowledgeGraph) -> None:
    assert _finding(review, "supported-employment-competitive-employment") == FINDING | {
        'skos:prefLabel "Supported employment probably increases competitive employment"@en',
        "pikg:intervention intervention/supported-employment", "pikg:outcome outcome/competitive-employment",
        "pikg:direction vocab:direction/beneficial", "pikg:assertionStrength vocab:assertion-strength/suggested",
        'pikg:hedgeWording "probably"@en', f'pikg:includedStudyCount "6"{COUNT}',
        f'pikg:participantCount "1120"{COUNT}', 'pikg:effectEstimate "RR 2.31, 95% CI 1.85 to 2.88"@en',
        "pikg:certainty vocab:certainty/moderate",
    }
    assert _finding(review, "supported-employment-personal-recovery") == FINDING | {
        'skos:prefLabel "It is very uncertain whether supported employment improves personal recovery"@en',
        "pikg:intervention intervention/supported-employment", "pikg:outcome outcome/personal-recovery",
        "pikg:direction vocab:direction/unclear", "pikg:assertionStrength vocab:assertion-strength/possible",
        'pikg:hedgeWording "very uncertain whether"@en', f'pikg:includedStudyCount "2"{COUNT}',
        f'pikg:participantCount "310"{COUNT}', 'pikg:effectEstimate "SMD 0.21, 95% CI -0.12 to 0.54"@en',
        "pikg:certainty vocab:certainty/very-low",
    }
    assert _finding(review, "group-psychoeducation-symptoms") == FINDING | {
        'skos:prefLabel "Little or no evidence of an effect of group psychoeducation on symptoms"@en',
        "pikg:intervention intervention/group-psychoeducation", "pikg:outcome outcome/symptoms",
        "pikg:direction vocab:direction/no-evidence-of-effect",
        "pikg:assertionStrength vocab:assertion-strength/stated",
        f'pikg:includedStudyCount "5"{COUNT}', f'pikg:participantCount "640"{COUNT}',
        'pikg:effectEstimate "SMD -0.08, 95% CI -0.25 to 0.09"@en', "pikg:certainty vocab:certainty/low",
    }
    assert _finding(review, "group-psychoeducation-relapse") == FINDING | {
        'skos:prefLabel "Group psychoeducation may reduce relapse"@en',
        "pikg:intervention intervention/group-psychoeducation", "pikg:outcome outcome/relapse",
        "pikg:direction vocab:direction/beneficial", "pikg:assertionStrength vocab:assertion-strength/possible",
        'pikg:hedgeWording "may reduce"@en', f'pikg:includedStudyCount "4"{COUNT}',
        f'pikg:participantCount "512"{COUNT}', 'pikg:effectEstimate "RR 0.72, 95% CI 0.56 to 0.93"@en',
        "pikg:certainty vocab:certainty/low",
    }
    # personal recovery is the bundled outcome (ips-recovery-abstract.yaml), one node for both sources
    assert _facts(review, "outcome/personal-recovery") == set()
    assert 'skos:prefLabel "personal recovery"@en' in _facts(review, "outcome/personal-recovery",
                                                             "ips-recovery-abstract")


def test_a_declared_analysis_method_is_a_concept_of_its_scheme(review: KnowledgeGraph) -> None:
    subject = "<https://w3id.org/pikg/vocab/analysis-method/random-effects-meta-analysis> "
    facts = {" ".join(_short(t) for t in s[len(subject):].split(" ", 1))
             for s in review.graphs[graph_iri(review.settings, "review-abstract")] if s.startswith(subject)}
    assert facts == {"rdf:type skos:Concept", "skos:inScheme vocab:analysis-method", CITED,
                     'skos:prefLabel "random-effects meta-analysis"@en'}


# ------------------------------------------------------------------------------------------ numbers


def test_a_size_its_quote_does_not_state_is_refused_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _edited("    size: 1480\n", "    size: 3900\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordError) as info:
        build(_corpus(tmp_path, text))
    assert _line(text, "size: 3900") == 68
    assert str(info.value) == (
        "records/review-abstract.yaml:68: samples.supported-employment-trials.size: 3900 does not appear in its "
        f"quote 'Supported employment: eight trials, 1,480 participants': {NUMBER_HINT}")


TOTAL_FROM_SAMPLES = ('    sample_size:\n      value: 2265\n      quote: "Supported employment: eight trials, 1,480 '
                      'participants; group psychoeducation: six trials, 785 participants."\n')
DERIVED = "      derived_from: [samples/supported-employment-trials, samples/group-psychoeducation-trials]\n"


def test_a_total_its_quote_does_not_state_needs_derived_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _edited("    sample_size: 2265\n", TOTAL_FROM_SAMPLES)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordError) as info:
        build(_corpus(tmp_path, text))
    assert str(info.value) == (
        "records/review-abstract.yaml:53: studies.employment-psychoeducation-review.sample_size: 2265 does not "
        "appear in its quote 'Supported employment: eight trials, 1,480 participants; group psychoeducation: six "
        f"trials, 785 participants.': {NUMBER_HINT}")


def test_a_derived_total_passes_and_its_statement_names_the_records_it_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kg = build(_corpus(tmp_path, _edited("    sample_size: 2265\n", TOTAL_FROM_SAMPLES + DERIVED)))
    assert judge(kg).report.conforms
    rows = kg.dataset.query("""
        PREFIX pikg: <https://w3id.org/pikg/ontology#>
        SELECT ?value ?record WHERE {
            ?st rdf:subject <https://w3id.org/pikg/id/study/employment-psychoeducation-review> ;
                rdf:predicate pikg:sampleSize ; rdf:object ?value ; pikg:derivedFromRecord ?record .
        } ORDER BY ?record""")
    assert [(str(v), _short(f"<{r}>")) for v, r in rows] == [
        ("2265", "sample/group-psychoeducation-trials"), ("2265", "sample/supported-employment-trials")]
    marked = [s for s in kg.graphs[graph_iri(kg.settings, "review-abstract")] if "derivedFromRecord" in s]
    assert len(marked) == 2  # only the derived value's statement is marked


def test_a_derived_total_passes_the_verdict(tmp_path: Path) -> None:
    kg = build(_corpus(tmp_path, _edited("    sample_size: 2265\n", TOTAL_FROM_SAMPLES + DERIVED)))
    verdict = judge(kg)
    assert verdict.ok, "\n".join(verdict.lines())


# ------------------------------------------------------------------------------------------ curator comfort

SOURCE = """source:
  id: merge-demo
  label: A made-up merge demo (test fixture)
  text_file: review-abstract.txt
  quote: "SYNTHETIC TEST FIXTURE"
"""


def _load(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(SOURCE + text, encoding="utf-8")
    return load_file(path, concepts_by_scheme())


def _values(rf) -> list[tuple[str, list[tuple[str, tuple, str]]]]:
    return [(r.id, [(v.field.name, v.items, v.quote) for v in r.values]) for r in rf.records]


def test_yaml_anchors_and_merge_keys_read_as_the_values_written_out(tmp_path: Path) -> None:
    merged = _load(tmp_path, "merged.yaml", """findings:
  a:
    <<: &defaults {type: review-finding, study: s, strength: stated}
    quote: "Supported employment probably increases competitive employment"
    label: A
  b:
    <<: [*defaults, {outcome: o}]
    quote: "Group psychoeducation may reduce relapse"
    strength: possible
    label: B
""")
    written = _load(tmp_path, "written.yaml", """findings:
  a:
    type: review-finding
    study: s
    strength: stated
    quote: "Supported employment probably increases competitive employment"
    label: A
  b:
    type: review-finding
    study: s
    strength: possible
    outcome: o
    quote: "Group psychoeducation may reduce relapse"
    label: B
""")
    assert _values(merged) == _values(written)
    lines = {(r.id, v.field.name): v.line for r in merged.records for v in r.values}
    assert lines[("b", "type")] == 8  # a merged field keeps the line it is written on (the anchor)
    assert lines[("b", "strength")] == 14  # the record's own value wins, on its own line
    assert lines[("b", "outcome")] == 12


def test_a_bad_merged_value_is_reported_where_it_is_written_for_each_record(tmp_path: Path) -> None:
    with pytest.raises(RecordErrors) as info:
        _load(tmp_path, "merged.yaml", """findings:
  a:
    <<: &defaults {type: review-findings, study: s}
    quote: "x"
  b:
    <<: *defaults
    quote: "y"
""")
    problem = ("'review-findings' is not in the finding-type vocabulary; did you mean 'review-finding'? Allowed: "
               "background, conclusion, result, review-finding, theme")
    path = tmp_path / "merged.yaml"
    assert str(info.value) == (f"{path}:8: findings.a.type: {problem}\n{path}:8: findings.b.type: {problem}")


def test_a_merge_key_takes_mappings_only(tmp_path: Path) -> None:
    with pytest.raises(RecordError) as info:
        _load(tmp_path, "merged.yaml", "findings:\n  a:\n    <<: [x]\n    quote: y\n")
    assert str(info.value) == (f"{tmp_path / 'merged.yaml'}:8: findings.a.<<: a merge key (<<) takes a mapping or "
                               "a list of mappings (*alias of an &anchor)")


def test_every_bad_record_of_a_file_is_reported_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = REVIEW.read_text(encoding="utf-8")
    for old, new in (("    size: 785\n", "    size: 7850\n"),
                     ("    direction: no-evidence-of-effect\n", "    direction: no-evidence\n"),
                     ("    certainty: very-low\n", "    certainty: very low\n")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordErrors) as info:
        build(_corpus(tmp_path, text))
    file = "records/review-abstract.yaml"
    assert str(info.value).splitlines() == [
        f"{file}:75: samples.group-psychoeducation-trials.size: 7850 does not appear in its quote 'group "
        f"psychoeducation: six trials, 785 participants': {NUMBER_HINT}",
        f"{file}:115: findings.supported-employment-personal-recovery.certainty: 'very low' is not in the certainty "
        "vocabulary; did you mean 'very-low'? Allowed: high, low, moderate, very-low",
        f"{file}:122: findings.group-psychoeducation-symptoms.direction: 'no-evidence' is not in the direction "
        "vocabulary; did you mean 'no-evidence-of-effect'? Allowed: beneficial, harmful, inconsistent, mixed, "
        "no-effect, no-evidence-of-effect, no-significant-difference, unclear",
    ]
