"""Hostile evidence records (issue 13): numbers and dates a quote does not state, derived values naming nothing or
written wrong, concepts of open schemes used without being declared, a label given to a bundled concept, a key
of a closed scheme that does not exist. Each case adds a made-up source (text and record file, never real data)
beside the bundled ones and expects its one exact message; two cases show what passes (a number written as a
word, a day and month the quote states)."""

from __future__ import annotations

from pathlib import Path

from case import Case

from kg.schema import SECTION_BY_NAME, suggest

CHECK = ("check", "--records", "{records}", "--sources", "{sources}")
FILE = "records/hostile-trial.yaml"
TEXT = ("A made-up hostile test source (not real data). We interviewed 39 participants (n = 39). Eighteen "
        "participants were women. The trial was registered on 4 May 2020.\n")
HEAD = """source:
  id: hostile-trial
  label: A made-up hostile test source
  text_file: hostile-trial.txt
  quote: "A made-up hostile test source (not real data)."

studies:
  hostile-trial-study:
    quote: "We interviewed 39 participants (n = 39)."
    label: {value: A made-up trial}
"""  # ten lines: what a case adds starts on line 11
NUMBER_HINT = ("give the passage that states it (digits or an English number word), or mark the value derived with "
               "`derived_from: SECTION/ID` of the records it comes from")
# the sections a derived value may name, as the message lists them (kg.schema.suggest: the first 20, then how many)
SECTIONS = suggest("", [s for s in SECTION_BY_NAME if s != "concepts"], "Sections").removeprefix(" Sections: ")
WOMEN = """samples:
  women:
    quote: "Eighteen participants were women."
    label: {value: women}
    study: hostile-trial-study
"""
REGISTRATION = """publications:
  hostile-trial-registration:
    quote: "The trial was registered on 4 May 2020."
    type: journal-article
    title: {value: A made-up trial}
"""


def _trial(tail: str):
    """The made-up source's text and its record file: HEAD, then `tail`."""
    def setup(ws: Path) -> None:
        (ws / "sources" / "hostile-trial.txt").write_text(TEXT, encoding="utf-8")
        (ws / "records" / "hostile-trial.yaml").write_text(HEAD + tail, encoding="utf-8")
    return setup


def _case(name: str, tail: str, message: str) -> Case:
    return Case(name, CHECK, 2, (f"error: {FILE}:{message}",), _trial(tail))


TABLE = """interventions:
  hostile-programme:
    quote: "We interviewed 39 participants (n = 39)."
    name: {value: A made-up programme}

tables:
  hostile-table:
    quote: "A made-up hostile test source (not real data)."
    label: {value: A made-up table}
    columns: [hostile-programme]
"""  # ten lines: `rows` is line 21


CASES = [
    # issue 24: a table's row heading is the source's words, checked like a quote
    _case("table-row-heading-not-in-text", TABLE + "    rows: [aim: Aims and goals]\n",
          "21: tables.hostile-table.rows: quote not found verbatim in hostile-trial.txt: 'Aims and goals'; the "
          "closest passage is 'A made-up hostile'"),
    _case("table-row-heading-two-fields", TABLE + "    rows: [{aim: Aim, duration: Duration}]\n",
          "21: tables.hostile-table.rows: a headed row is one field and its heading ({components: Principles "
          "and/or methods}), got 2 keys"),
    _case("table-row-heading-unknown-field", TABLE + "    rows: [aims: Aim]\n",
          "21: tables.hostile-table.rows: 'aims' is not a field of `interventions`; did you mean 'aim'? Fields: "
          "name, alt_names, acronym, types, broader, aim, target_population, components, duration, peer_support, "
          "delivery_mode, sessions_led_by, delivered_by, note"),
    Case("table-row-heading-in-text-passes", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _trial(TABLE + "    rows: [aim: participants]\n")),
    _case("number-3900-for-39", "    sample_size: 3900\n",
          "11: studies.hostile-trial-study.sample_size: 3900 does not appear in its quote 'We interviewed 39 "
          f"participants (n = 39).': {NUMBER_HINT}"),
    _case("number-derived-from-missing-record", "    sample_size: {value: 3900, derived_from: samples/nowhere}\n",
          "11: studies.hostile-trial-study.sample_size.derived_from: no record samples/nowhere in any file"),
    _case("number-derived-from-malformed", "    sample_size: {value: 3900, derived_from: sample/women}\n",
          "11: studies.hostile-trial-study.sample_size.derived_from: expected SECTION/ID of a record, got "
          f"'sample/women'; did you mean 'samples'? Sections: {SECTIONS}"),
    _case("number-derived-from-a-concept", "    sample_size: {value: 3900, derived_from: concepts/x}\n",
          "11: studies.hostile-trial-study.sample_size.derived_from: expected SECTION/ID of a record, got "
          f"'concepts/x' Sections: {SECTIONS}"),
    _case("number-word-wrong-value", WOMEN + "    size: 80\n",
          "16: samples.women.size: 80 does not appear in its quote 'Eighteen participants were women.': "
          f"{NUMBER_HINT}"),
    Case("number-word-eighteen-passes", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _trial(WOMEN + "    size: 18\n")),
    _case("date-day-not-in-quote", REGISTRATION + "    issued: 2020-05-14\n",
          "16: publications.hostile-trial-registration.issued: 2020-05-14 does not appear in its quote 'The trial "
          f"was registered on 4 May 2020.': {NUMBER_HINT}"),
    Case("date-day-and-month-in-quote-pass", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _trial(REGISTRATION + "    issued: 2020-05-04\n")),
    _case("concept-open-scheme-undeclared", "    design: cohort-study\n",
          "11: studies.hostile-trial-study.design: 'cohort-study' is not a concept of the study-design scheme; "
          "declare it under `concepts:` as study-design/cohort-study with its label and quote Known: meta-analysis, "
          "qualitative-phenomenological-study, qualitative-synthesis, randomised-controlled-trial, systematic-review"),
    _case("concept-label-on-bundled",
          'concepts:\n  study-design/systematic-review:\n    quote: "We interviewed 39 participants (n = 39)."\n'
          "    label: a review\n",
          "14: concepts.study-design/systematic-review.label: a bundled concept has its label in "
          "ontology/vocabularies.ttl; `label` declares a new concept of an open scheme (analysis-method, "
          "analytic-approach, comparator, data-collection, intervention-type, provider-role, setting, study-design)"),
    _case("concept-closed-scheme-unknown-key",
          'concepts:\n  direction/very-beneficial:\n    quote: "We interviewed 39 participants (n = 39)."\n'
          "    label: very beneficial\n",
          "12: concepts.direction/very-beneficial: 'direction/very-beneficial' is not a concept of the direction "
          "scheme; did you mean 'direction/beneficial'? Its concepts: direction/beneficial, direction/harmful, "
          "direction/inconsistent, direction/mixed, direction/no-effect, direction/no-evidence-of-effect, "
          "direction/no-significant-difference, direction/unclear (keys are SCHEME/ID)"),
    # issue 23: numbers as printed, a curator's judgement that cites a passage, an identifier, a month
    _case("decimal-not-in-quote",
          'findings:\n  f:\n    quote: "We interviewed 39 participants (n = 39)."\n    label: {value: A finding}\n'
          '    type: result\n    strength: stated\n    p_value: "0.39"\n',
          "17: findings.f.p_value: 0.39 does not appear in its quote 'We interviewed 39 participants (n = 39).': "
          f"{NUMBER_HINT}"),
    Case("decimal-as-printed-passes", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _trial('findings:\n  f:\n    quote: "We interviewed 39 participants (n = 39)."\n    label: {value: A finding}\n'
                '    type: result\n    strength: stated\n    point_estimate: "39"\n')),
    _case("mapping-cites-a-passage",
          'mappings:\n  m:\n    quote: "We interviewed 39 participants (n = 39)."\n',
          "13: mappings.m.quote: a mapping is a curator's judgement, not a source's statement: it cites no passage; "
          "give its `reasons`"),
    _case("orcid-malformed",
          'persons:\n  p: {quote: "We interviewed 39 participants (n = 39).", name: We, orcid: 0000-0002}\n',
          "12: persons.p.orcid: expected an ORCID iD: four groups of four digits (0000-0002-1825-0097), without "
          "https://orcid.org/, got '0000-0002'"),
    _case("search-month-13", "    searched_to: 2013-13\n",
          "11: studies.hostile-trial-study.searched_to: expected a date YYYY-MM-DD, a month YYYY-MM or a year YYYY, "
          "got '2013-13'"),
]
