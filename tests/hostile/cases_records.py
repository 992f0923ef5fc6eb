"""Hostile record folders: YAML that expands without bound, recurses, blocks, or is not text (issue 11, item 5)."""

from __future__ import annotations

import os
from pathlib import Path

from case import Case

from kg.schema import ROWS as ROWS_KIND

CHECK = ("check", "--records", "{records}", "--sources", "{sources}")
BUILD = ("build", "--records", "{records}", "--sources", "{sources}", "--out", "{ws}/out")


def _write(name: str, text: str | bytes):
    def setup(ws: Path) -> None:
        path = ws / "records" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return setup


def _bomb(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nsource: *a{levels - 1}\n"


def _edit(name: str, old: str, new: str):
    def setup(ws: Path) -> None:
        path = ws / "records" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return setup


ABSTRACT = "ips-recovery-abstract.yaml"
TABLE = "missing-link-table-1.yaml"
COLUMNS = "columns: [imr, ips, turning-points, learn-how-to-tackle-anxiety-and-depression]"
ROWS = ("rows: [aim: Aim, components: Principles and/or methods, duration: Duration, peer_support: Peer-support, "
        "sessions_led_by]")


def _secret_link(ws: Path) -> None:
    (ws / "home" / "sec.yml").write_text("source:\n  id: zz\ngho_SECRET456: 1\n")
    (ws / "records" / "s.yaml").symlink_to(ws / "home" / "sec.yml")


def _fifo(ws: Path) -> None:
    os.mkfifo(ws / "records" / "zz-pipe.yaml")


def _no_code_ran(ws: Path) -> None:
    assert not (ws / "pwned").exists(), "a YAML tag ran code"


def _no_out(ws: Path) -> None:
    assert not (ws / "out").exists(), "a release was written from bad records"


CASES = [
    Case("yaml-alias-bomb", CHECK, 2, ("bomb.yaml", "aliases expand to more values"), _write("bomb.yaml", _bomb(9, 10)),
         seconds=10),
    Case("yaml-alias-bomb-build", BUILD, 2, ("aliases expand",), _write("bomb.yaml", _bomb(7, 10)), after=_no_out),
    Case("yaml-cyclic-alias", CHECK, 2, ("cycle.yaml:1", "refers to the collection that contains it"),
         _write("cycle.yaml", "x: &c [*c]\nsource: *c\n")),
    Case("yaml-cyclic-mapping", CHECK, 2, ("a cycle",), _write("cycle.yaml", "source: &s {id: x, self: *s}\n")),
    Case("yaml-deep-flow", CHECK, 2, ("nested more than 64 levels",),
         _write("deep.yaml", "source: " + "[" * 900 + "]" * 900 + "\n")),
    Case("yaml-deeper-than-libyaml", CHECK, 2, ("not valid YAML", "maximum nesting depth"),
         _write("deep.yaml", "source: " + "[" * 100_000 + "]" * 100_000 + "\n")),
    Case("yaml-deep-block", CHECK, 2, ("nested more than 64 levels",), _write("deep.yaml", "source:\n  " + "- " * 200 + "x\n")),
    Case("fifo-record-file", CHECK, 2, ("zz-pipe.yaml", "not a regular file"), _fifo, seconds=10),
    Case("fifo-record-file-build", BUILD, 2, ("not a regular file",), _fifo, seconds=10, after=_no_out),
    Case("record-not-utf8", CHECK, 2, ("latin.yaml", "not UTF-8 text"), _write("latin.yaml", b"source:\n  id: caf\xe9\n")),
    Case("record-empty", CHECK, 2, ("empty.yaml:1", "the file is empty"), _write("empty.yaml", "")),
    Case("record-a-list", CHECK, 2, ("list.yaml:1", "expected a mapping with a `source:` section"),
         _write("list.yaml", "- 1\n- 2\n")),
    Case("record-python-tag", CHECK, 2, ("tag.yaml:1", "expected a mapping of source fields"),
         _write("tag.yaml", "source: !!python/object/apply:os.system ['touch pwned']\n"), after=_no_code_ran),
    Case("record-huge-file", CHECK, 2, ("huge.yaml", "over the limit"),
         _write("huge.yaml", "source:\n  quote: \"" + "x" * (9 * 1024 * 1024) + "\"\n"), seconds=20),
    Case("record-key-not-text", CHECK, 2, ("keys.yaml:1", "keys must be text"), _write("keys.yaml", "[1]: x\n")),
    Case("record-duplicate-key", CHECK, 2, ("dup.yaml:2", "duplicate key"), _write("dup.yaml", "source: {}\nsource: {}\n")),
    Case("record-date-february-30", CHECK, 2, (f"{ABSTRACT}:30", "'2017-02-30' is not a valid xsd:date"),
         _edit(ABSTRACT, "value: 2017-09-22", "value: 2017-02-30")),
    Case("record-date-month-13", CHECK, 2, (f"{ABSTRACT}:46", "events.together-against-stigma-2017.start", "2017-13-20"),
         _edit(ABSTRACT, "value: 2017-09-20", "value: 2017-13-20")),
    Case("record-year-arabic-indic", CHECK, 2, ("seeds-readme.yaml:17", "expected a date YYYY-MM-DD or a year YYYY"),
         _edit("seeds-readme.yaml", 'issued: "2021"', 'issued: "\u0662\u0660\u0662\u0661"')),
    Case("record-duration-arabic-indic", CHECK, 2, ("expected an xsd:duration",),
         _edit("missing-link-table-1.yaml", "value: P9M", "value: P\u0669M")),
    Case("record-control-character", BUILD, 2, (f"{ABSTRACT}:30", "control character U+0001"),
         _edit(ABSTRACT, 'quote: "Publication date22. Sep 2017"', 'quote: "Publication\\x01date22. Sep 2017"'),
         after=_no_out),
    Case("record-nul-character", CHECK, 2, ("control character U+0000",),
         _edit(ABSTRACT, 'quote: "Publication date22. Sep 2017"', 'quote: "Publication\\0date22. Sep 2017"')),
    Case("record-duration-5000-digits", CHECK, 2, ("missing-link-table-1.yaml:121", "each number of at most 6 digits"),
         _edit("missing-link-table-1.yaml", "value: P9M", "value: P" + "9" * 5000 + "D")),
    Case("table-column-unknown-intervention", CHECK, 2, (
        f"{TABLE}:181: tables.missing-link-table-1.columns: no intervention with id or name 'learn-to-tackle' is "
        "defined in any record file",), _edit(TABLE, COLUMNS, "columns: [imr, ips, turning-points, learn-to-tackle]")),
    Case("table-row-unknown-field", CHECK, 2, (
        f"{TABLE}:182: tables.missing-link-table-1.rows: 'aimm' is not a field of `interventions`; did you mean "
        f"'aim'? Fields: {', '.join(ROWS_KIND.fields)}",),
         _edit(TABLE, ROWS, "rows: [aimm, components, duration, peer_support, sessions_led_by]")),
    Case("table-row-curator-field", CHECK, 2, (f"{TABLE}:182", "'curator_note' is not a field of `interventions`"),
         _edit(TABLE, ROWS, "rows: [aim, curator_note]")),
    Case("table-column-repeated", CHECK, 2, (
        f"{TABLE}:181: tables.missing-link-table-1.columns: the same value is listed twice",),
         _edit(TABLE, COLUMNS, "columns: [imr, ips, imr, turning-points]")),
    Case("table-column-repeated-by-another-name", CHECK, 2, (
        f"{TABLE}:181: tables.missing-link-table-1.columns: 'imr' and 'Illness management and recovery' name the "
        "same intervention, imr; the same value is listed twice",),
         _edit(TABLE, COLUMNS, "columns: [imr, ips, Illness management and recovery]")),
    Case("table-row-repeated", CHECK, 2, (
        f"{TABLE}:182: tables.missing-link-table-1.rows: the same value is listed twice",),
         _edit(TABLE, ROWS, "rows: [aim, components, aim]")),
    Case("table-without-columns", CHECK, 1, ("tables.missing-link-table-1", "at least one column"),
         _edit(TABLE, f"    {COLUMNS}\n", "")),
    Case("record-file-links-out", CHECK, 2, ("s.yaml", "a link leading out of the records folder"), _secret_link,
         absent=("gho_SECRET456",)),
    Case("record-publication-not-text", CHECK, 2, (f"{ABSTRACT}:11", "source.publication: expected non-empty text, got 5"),
         _edit(ABSTRACT, "  publication: ips-recovery-abstract-2017", "  publication: 5")),
    Case("record-quote-in-not-text", CHECK, 2, ("interventions.ips.quote_in: expected non-empty text, got 5",),
         _edit(ABSTRACT, "  ips:\n    quote: &ips-intro", "  ips:\n    quote_in: 5\n    quote: &ips-intro")),
    Case("records-folder-missing", ("check", "--records", "{ws}/nowhere"), 2, ("nowhere: records folder not found",),
         unchanged=("sources",)),
    Case("records-folder-empty", ("check", "--records", "{ws}/keep"), 2, ("no record files",)),
    Case("base-iri-injection", ("export", "--format", "nt", "--base-iri", "https://ex.org/a> <b> <c> ."), 2,
         ("--base-iri", "not an absolute IRI", "Invalid IRI code point '>'")),
    Case("base-iri-with-space", ("export", "--format", "nt", "--base-iri", "https://ex.org/a b/"), 2,
         ("not an absolute IRI", "' '")),
    Case("base-iri-with-fragment", ("build", "--base-iri", "https://example.org/kg#", "--out", "{ws}/out"), 2,
         ("--base-iri 'https://example.org/kg#': a base IRI with a fragment (#)", "end it with '/'"),
         after=_no_out),  # it crashed the nanopublications with a traceback (review of #15)
    Case("base-iri-relative", ("build", "--base-iri", "data/", "--out", "{ws}/out"), 2,
         ("--base-iri 'data/' is not an absolute IRI", "No scheme"), after=_no_out),
    Case("base-iri-env-not-http", ("stats",), 2, ("KG_BASE_IRI 'file:///etc/'", "http or https"),
         env={"KG_BASE_IRI": "file:///etc/"}),
]
