"""Hostile inputs of the second probe of issue 25 that loading and checking must catch: a second source's order
of a table and a byline (kept apart, never mixed), numbers inside a text that its quote does not state, two labels
of one declared concept, a year taken for a count, a value derived from its own record, an ill-typed literal on a
property no shape covers; and the two inputs that were slow (a sheet of 100,000 findings for `kg import-table`, a
table of 1,500 columns for `kg validate`). Each made-up source (text and record file) is not real data."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from case import Case

from conftest import SECOND_VIEW

CHECK = ("check", "--records", "{records}", "--sources", "{sources}")
FILE = "records/hostile-load.yaml"
TEXT = ("A made-up hostile test source (not real data). We interviewed 39 participants (n = 39). The trial was "
        "registered on 4 May 2017. Results were first reported (2017). The estimate was RR 1.2 (95% CI 0.9 to "
        "1.6). It lasted 7 weeks. In May 2017 we recruited 2017 people.\n")
HEAD = """source:
  id: hostile-load
  label: A made-up hostile test source
  text_file: hostile-load.txt
  quote: "A made-up hostile test source (not real data)."

studies:
  hostile-load-study:
    quote: "We interviewed 39 participants (n = 39)."
    label: {value: A made-up trial}
"""  # ten lines: what a case adds starts on line 11


def _source(tail: str):
    """The made-up source's text and its record file: HEAD, then `tail`."""
    def setup(ws: Path) -> None:
        (ws / "sources" / "hostile-load.txt").write_text(TEXT, encoding="utf-8")
        (ws / "records" / "hostile-load.yaml").write_text(HEAD + tail, encoding="utf-8")
    return setup


def _case(name: str, tail: str, message: str) -> Case:
    return Case(name, CHECK, 2, (f"error: {FILE}:{message}",), _source(tail))


FINDING = """findings:
  f:
    quote: "The estimate was RR 1.2 (95% CI 0.9 to 1.6)."
    label: {value: A finding}
    type: result
    strength: stated
"""  # six lines: the next is line 17


# a second source describing Table 1 of the missing link with its columns reversed, and the 2017 abstract's byline
def _second_view(ws: Path) -> None:
    shutil.copy(SECOND_VIEW.with_suffix(".txt"), ws / "sources")
    shutil.copy(SECOND_VIEW, ws / "records")


def _each_table_in_its_order(ws: Path) -> None:
    """compare.html prints each source's Table 1 with its own columns in its own order (not IMR, IPS, IPS, IMR)."""
    html = (ws / "site" / "compare.html").read_text(encoding="utf-8")
    sections = dict(re.findall(r'<section aria-labelledby="(missing-link-table-1[^"]*)">(.*?)</section>', html,
                               re.S))
    heads = {name: [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in
                    re.findall(r'<th[^>]*scope="col"[^>]*>(.*?)</th>', body, re.S)]
             for name, body in sections.items() if not name.endswith("-others")}
    assert [h[:3] for h in heads["missing-link-table-1-missing-link-table-1"]] == ["Ill", "Ind", "Pee", "Pee"]
    assert heads["missing-link-table-1-second-view"] == [
        "Learn how to tackle anxiety and depression", "Turning Points", "Individual placement and support",
        "Illness management and recovery"]


def _concepts(ws: Path) -> None:
    """Two made-up sources declaring one concept, each with its own label (its line 10)."""
    (ws / "sources" / "hostile-load.txt").write_text(TEXT + "We ran a cohort study. A cohort analysis followed.\n",
                                                     encoding="utf-8")
    for name, quote, label in (("a", "We ran a cohort study.", "cohort study"),
                               ("b", "A cohort analysis followed.", "cohort analysis")):
        (ws / "records" / f"hostile-load-{name}.yaml").write_text(
            f"source:\n  id: hostile-load-{name}\n  label: A made-up hostile test source\n"
            '  text_file: hostile-load.txt\n  quote: "A made-up hostile test source (not real data)."\n\n'
            f'concepts:\n  study-design/cohort-study:\n    quote: "{quote}"\n    label: {label}\n', encoding="utf-8")


def _sheet(ws: Path) -> None:
    with (ws / "findings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "type", "study", "intervention", "outcome", "hedge", "quote", "mechanisms"])
        for i in range(100_000):
            writer.writerow([f"Finding {i}: a result", "result", "imr-trial", "IMR", "personal recovery", "may",
                             f"We found {i} things: “quoted” #x", "hope; peer-exchange"])


def _imported(ws: Path) -> None:
    text = (ws / "keep-out.yaml").read_text(encoding="utf-8")
    assert text.count("\n  finding-") == 100_000 and "    quote: 'We found 99999 things: “quoted” #x'\n" in text


def _wide(ws: Path) -> None:
    names = [f"Programme {i:04d}" for i in range(1, 1501)]
    (ws / "sources" / "wide.txt").write_text("A made-up wide table (not real data). Table W lists the programmes. "
                                             + " ".join(f"{n}." for n in names) + "\n", encoding="utf-8")
    lines = ["source:", "  id: wide", "  label: A made-up wide table", "  text_file: wide.txt",
             '  quote: "A made-up wide table (not real data)."', "", "interventions:"]
    for i, name in enumerate(names, start=1):
        lines += [f"  programme-{i:04d}:", f'    quote: "{name}."', f"    name: {{value: {name}}}"]
    lines += ["", "tables:", "  wide-table:", '    quote: "Table W lists the programmes."',
              "    label: {value: Table W}", "    columns: [" + ", ".join(f"programme-{i:04d}" for i in range(1, 1501))
              + "]"]
    (ws / "records" / "wide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ill_typed(ws: Path) -> None:
    (ws / "ill.ttl").write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n'
                                '<http://example.org/x> <http://example.org/when> "2017-02-30"^^xsd:date .\n',
                                encoding="utf-8")


CASES = [
    # a: two sources' orders of one list never mix
    Case("position-second-source-reversed-columns", ("site", "--records", "{records}", "--sources", "{sources}",
                                                     "--out", "{ws}/site"),
         0, ("conforms to the shapes", "Wrote"), _second_view, seconds=90, after=_each_table_in_its_order),
    Case("position-second-source-byline", ("query", "studies", "--records", "{records}", "--sources", "{sources}",
                                           "--format", "csv"),
         0, ("1. Iben Gammelgaard Nielsen; 2. Elsebeth Stenager; 3. Lene Eplov; 4. Kirsten Schultz "
             "Petersen; 5. Thomas Nordahl Christensen; 6. Sofie Bratberg Jensen | 1. Lene Eplov; 2. Elsebeth "
             "Stenager",), _second_view, seconds=30),
    # b: numbers inside a text value are checked against its quote
    _case("estimate-numbers-not-in-quote", FINDING.replace("The estimate was RR 1.2 (95% CI 0.9 to 1.6).", "It lasted 7 weeks.")
          + '    estimate: {value: "RR 1.2 (95% CI 0.9 to 1.6)"}\n',
          "17: findings.f.estimate: 1.2, 95, 0.9 and 1.6 (in 'RR 1.2 (95% CI 0.9 to 1.6)') do not appear in its "
          "quote 'It lasted 7 weeks.': give the passage that states them (digits or an English number word)"),
    _case("estimate-one-number-not-in-quote", FINDING + '    estimate: {value: "RR 1.3 (95% CI 0.9 to 1.6)"}\n',
          "17: findings.f.estimate: 1.3 (in 'RR 1.3 (95% CI 0.9 to 1.6)') does not appear in its quote 'The "
          "estimate was RR 1.2 (95% CI 0.9 to 1.6).': give the passage that states it (digits or an English number "
          "word)"),
    Case("estimate-numbers-in-quote-pass", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _source(FINDING + '    estimate: {value: "RR 1.2, 95% CI 0.9–1.6"}\n')),
    Case("name-with-a-number-passes", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),  # a name, not a count
         _source(FINDING.replace("label: {value: A finding}", "label: {value: Finding 7 of trial 3}"))),
    _case("duration-text-number-not-in-quote",
          'interventions:\n  p:\n    quote: "It lasted 7 weeks."\n    name: {value: A made-up programme}\n'
          "    duration: {value: P56D, qualifier: exact, text: 8 weeks}\n",
          "15: interventions.p.duration.text: 8 (in '8 weeks') does not appear in its quote 'It lasted 7 weeks.': "
          "give the passage that states it (digits or an English number word)"),
    # c: two labels of one declared concept
    Case("concept-two-labels", CHECK, 2, (
        "error: records/hostile-load-b.yaml:10: concepts.study-design/cohort-study.label: 'cohort analysis' differs "
        "from the label 'cohort study' that records/hostile-load-a.yaml:10 declares for this concept; a concept has "
        "one label: give the same one (with a quote of this source: {value: LABEL, quote: …})",), _concepts),
    # d: a year is not a count
    _case("count-is-a-year", '    sample_size: {value: 2017, quote: "The trial was registered on 4 May 2017."}\n',
          "11: studies.hostile-load-study.sample_size: 2017 does not appear in its quote 'The trial was registered "
          "on 4 May 2017.': give the passage that states it (digits or an English number word), or mark the value "
          "derived with `derived_from: SECTION/ID` of the records it comes from"),
    _case("count-is-a-year-in-parentheses",
          '    sample_size: {value: 2017, quote: "Results were first reported (2017)."}\n',
          "11: studies.hostile-load-study.sample_size: 2017 does not appear in its quote 'Results were first "
          "reported (2017).': give the passage that states it (digits or an English number word), or mark the value "
          "derived with `derived_from: SECTION/ID` of the records it comes from"),
    Case("count-beside-a-year-passes", CHECK, 0, ("OK: ", "conforms, 0 conflicts"),
         _source('    sample_size: {value: 2017, quote: "In May 2017 we recruited 2017 people."}\n')),
    # e: a value derived from its own record
    _case("derived-from-own-record", "    sample_size: {value: 78, derived_from: studies/hostile-load-study}\n",
          "11: studies.hostile-load-study.sample_size.derived_from: a value cannot be derived from its own record "
          "(studies/hostile-load-study): name the other records it is computed from"),
    # h: an ill-typed literal on a property no shape covers
    Case("data-ill-typed-unshaped", ("validate", "--data", "{ws}/ill.ttl"), 1, (
        "ill.ttl:3: http://example.org/when: An ill-typed literal: not a valid xsd:date (2017-02 has 28 days)",
        "does not conform to the shapes: 1 violation(s)"), _ill_typed),
    # f, g: inputs that were slow (a minute each); bounded as every case is, not timed
    Case("import-table-100000-rows", ("import-table", "{ws}/findings.csv", "--source-id", "x", "--text-file",
                                      "x.txt", "--output", "{ws}/keep-out.yaml"),
         0, ("(0 problem(s) to check)",), _sheet, seconds=60, after=_imported),
    Case("validate-1500-columns", ("validate", "--records", "{records}", "--sources", "{sources}"), 0,
         ("conforms to the shapes",), _wide, seconds=60),
]
