"""Data-extraction sheets (kg.load.tables, `kg import-table`): Table 1's layout and one row per finding, what
cannot be placed listed with its line, and Table 1 written out and imported back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, SKOS, Literal, Namespace

from kg.base.config import Settings
from kg.check.validate import validate
from kg.cli import cli
from kg.load.tables import TABLE_ROWS
from kg.model.build import build
from kg.query.sparql import run_query

PIKG = Namespace("https://w3id.org/pikg/ontology#")


def _table1_sheet(kg, path: Path) -> None:
    result = run_query(kg.dataset, "compare-interventions")  # Table 1's own cells, a row per column
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["attribute", *(row[1] for row in result.rows)])
        for attribute in ("aim", "components", "duration", "peer_support", "sessions_led_by", "note"):
            i = result.columns.index(attribute)
            writer.writerow([attribute, *(row[i] for row in result.rows)])


def test_table_1_round_trip(kg, tmp_path: Path) -> None:
    """Table 1 written out from compare-interventions and imported back gives the same intervention facts."""
    sheet = tmp_path / "table1.csv"
    _table1_sheet(kg, sheet)
    (tmp_path / "records").mkdir()
    out = tmp_path / "records" / "roundtrip.yaml"
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "roundtrip", "--text-file",
                                      "table1.txt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "  imr:\n" in text and "  attention-to-clients-preference:" in text  # known records keep their ids
    again = build(Settings.default(tmp_path / "records", tmp_path / "no-texts"))
    table = run_query(kg.dataset, "compare-interventions")
    aims, components, durations = (table.columns.index(c) for c in ("aim", "components", "duration"))
    for row in table.rows:  # the imported records state each of Table 1's cells, and nothing else
        [iri] = [s for s in again.dataset.subjects(SKOS.prefLabel, Literal(row[1], lang="en"))
                 if (s, RDF.type, PIKG.Intervention) in again.dataset]
        assert _texts(again, iri, PIKG.aim) == set(row[aims].split("; ")), row[1]
        assert {t for c in again.dataset.objects(iri, PIKG.hasComponent)
                for t in _texts(again, c, SKOS.prefLabel)} == set(row[components].split("; ")), row[1]
        assert {t for d in again.dataset.objects(iri, PIKG.hasDuration)
                for t in _texts(again, d, PIKG.durationText)} == set(row[durations].split("; ")), row[1]
    assert validate(again).conforms


def _texts(kg, s, p) -> set[str]:
    return {str(o) for o in kg.dataset.objects(s, p)}


def test_import_reports_what_it_cannot_place(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("attribute,Programme X\naim,To help\nduration,a while\nsessions led by,volunteers\n"
                     "peer support,yes (online)\ncolour,green\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert result.exit_code == 1
    name = str(sheet)
    assert result.stderr.splitlines() == [
        f"{name}:3: Programme X: cannot read the duration 'a while'; write it as a record {{value: P9M, qualifier: "
        "exact|approximate|open-ended, text: …}",
        f"{name}:4: Programme X: 'volunteers' is not in the provider-role vocabulary; allowed: "
        "employment-specialist, mental-health-professional, peer-worker",
        f"{name}:5: Programme X: delivery mode 'online' is not in the delivery-mode vocabulary; allowed: "
        "group-based, individual-based",
        f"{name}:6: unknown row 'colour', not imported; known rows: {', '.join(sorted(TABLE_ROWS))}",
    ]
    assert "# PROBLEM (line 6): unknown row 'colour'" in result.stdout
    assert {"acronym", "aim", "note", "principles and/or methods", "who leads the sessions"} <= set(TABLE_ROWS)
    assert "    peer_support: {value: true, quote: yes (online)}" in result.stdout


def test_import_long_layout(tmp_path: Path) -> None:
    sheet = tmp_path / "findings.csv"
    sheet.write_text("label,study,intervention,outcome,direction,strength,type,quote,country\n"
                     "IPS helped,My study,IPS,personal recovery,helpful,stated,result,IPS helped,DK\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{sheet}:1: unknown column 'country', not imported; known columns: label, type, study, intervention, "
        "outcome, direction, subgroup, strength, hedge, quote, mechanisms",
        f"{sheet}:2: direction 'helpful' is not in the direction vocabulary; allowed: beneficial, harmful, "
        "inconsistent, mixed, no-effect, no-evidence-of-effect, no-significant-difference, unclear",
    ]
    assert "    interventions: IPS" in result.stdout
    assert "    strength: stated" in result.stdout


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"attribute;Programme X\naim;To help\n", [],
     "error: {sheet}:1: one column found; the file seems to use ';' between fields: pass --delimiter ';'\n"),
    (b"attribute,Programme X\naim,Caf\xe9\n", [],
     "error: {sheet}:2: not UTF-8 text (invalid continuation byte); save the sheet as \"CSV UTF-8\"\n"),
    (b"attribute,A,B\naim,To help\n", [],
     "error: {sheet}:2: 2 cells where the header has 3; check the delimiter and the quoting of cells that contain "
     "it\n"),
    (b"name,value\nx,y\n", [], "error: {sheet}:1: unknown layout: the first header cell is 'attribute' in Table 1's "
     "layout; a one-row-per-finding sheet has 'intervention' and 'outcome' columns\n"),
])
def test_bad_sheets(tmp_path: Path, content: bytes, args: list[str], message: str) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(content)
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt", *args])
    assert result.exit_code == 2
    assert result.output == message.format(sheet=sheet)


# issue 25: `kg import-table` writes with kg.load.emit, which must give PyYAML's bytes (kg.load.emit.library)
_YAML_HOSTILE = ("-", "?", ":", "#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", " ",
                 "---", "...", ": ", " #", "\n", "\t", "\r", "\x85", "\u2028", "\xa0", "\ufeff", "\x00", "\x1b", "é",
                 "’", "😀", "\U0001f600x", "yes", "No", "null", "~", "12", "0x1F", "1e3", "1:20", ".inf", "2017-05-04",
                 "<<", "=", "a", "b", "Z", "0", "1.5", "-3", "+", "_", "\\")


def _hostile_texts() -> Any:
    from hypothesis import strategies as st

    return st.lists(st.sampled_from(_YAML_HOSTILE) | st.text(max_size=3), max_size=5).map("".join)


def _documents() -> Any:
    from hypothesis import strategies as st

    from kg.load.emit import Flow

    keys = _hostile_texts().filter(lambda k: 0 < len(k) < 20)
    scalars = _hostile_texts() | st.booleans() | st.integers(-5, 5000)
    flows = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(keys, inner, max_size=3).map(Flow), max_leaves=6)
    blocks = st.recursive(flows, lambda inner: st.dictionaries(keys, inner, max_size=3), max_leaves=12)
    return st.dictionaries(keys, blocks, min_size=1, max_size=3)


def test_the_fast_writer_gives_the_librarys_bytes() -> None:
    """Every string the emitter treats differently (indicators first or inside, spaces at either end, document
    markers, what reads back as a number, a boolean, a null or a date, line breaks, control and non-BMP
    characters), in block and in flow context, as keys and as values: `emit` writes what PyYAML's own emitter
    writes, byte for byte, and a document it cannot write (a long key) falls back to it."""
    from hypothesis import HealthCheck, given, settings

    from kg.load.emit import emit, library

    @settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(_documents())
    def check(document: dict[str, Any]) -> None:
        assert emit(document) == library(document)

    check()
    long_key = {"findings": {"x" * 130: {"quote": "a: b"}}}
    assert emit(long_key) == library(long_key) and emit(long_key).startswith("findings:\n  ? ")


def test_a_sheet_of_findings_is_written_as_the_library_writes_it(tmp_path: Path) -> None:
    """The whole record file import-table writes for a sheet of hostile cells is PyYAML's, byte for byte."""
    from kg.load import tables
    from kg.load.emit import library
    from kg.schema.vocabularies import concept_labels

    sheet = tmp_path / "findings.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "type", "study", "intervention", "outcome", "hedge", "quote", "mechanisms"])
        for i, text in enumerate(_YAML_HOSTILE):
            if text.strip() and not any(c in text for c in "\x00\x1b\x85\r\n"):  # a control character is refused
                writer.writerow([f"{text} finding {i}", "result", text, f"IMR {text}", "hope", text,
                                 f"{text}: quoted #{i}", f"{text}; b"])
    captured: list[dict[str, Any]] = []
    real = tables.emit
    try:
        tables.emit = lambda data: captured.append(data) or real(data)  # type: ignore[assignment]
        result = tables.import_table(sheet, "x", "x.txt", concept_labels(), {})
    finally:
        tables.emit = real  # type: ignore[assignment]
    assert len(captured) == 2 and result.text.endswith("".join(library(d) for d in captured[1:]))
