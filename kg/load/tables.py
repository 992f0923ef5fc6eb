"""Turn a data-extraction sheet (CSV) into a record file.

Two layouts: Table 1's (`attribute` in the first header cell, one column per intervention, one row per
attribute) and a long one (one row per finding, columns named after the finding fields). Every cell is taken
as the source's own words, so it is also the fact's quote. Unknown rows and columns, values outside a
controlled vocabulary and durations that cannot be read are reported with their line, and kept in the output
as comments for the curator: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.base.config import ID_RE
from kg.base.errors import InputError, display_path
from kg.base.lexical import character_name, control_character, escaped
from kg.load.emit import Flow, emit
from kg.load.identity import normalise_name
from kg.schema import NAME, SECTION_BY_NAME, Concept

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}
UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}
INTERVENTIONS = SECTION_BY_NAME["interventions"]
# the fields whose cell is the value and its own quote: every single-valued text field but the name (the heading)
TEXT_ROWS = tuple(f.name for f in INTERVENTIONS.fields if f.kind.own_quote and not f.many and f.names != NAME)
PARSED_ROWS = {  # the fields a cell is parsed into, by the headings Table 1 of the 2021 synthesis prints
    "principles and/or methods": "components", "principles and methods": "components", "components": "components",
    "duration": "duration", "peer-support": "peer_support", "peer support": "peer_support",
    "peer_support": "peer_support", "sessions led by": "sessions_led_by", "sessions_led_by": "sessions_led_by",
    "who leads the sessions": "sessions_led_by",
}
TABLE_ROWS = {**{h: n for n in TEXT_ROWS for h in (n, n.replace("_", " "))}, **PARSED_ROWS}
LONG_COLUMNS = ("label", "type", "study", "intervention", "outcome", "direction", "subgroup", "strength", "hedge",
                "quote", "mechanisms")


@dataclass
class Imported:
    """The record file text and the problems met on the way (file line, message)."""

    text: str
    problems: list[tuple[int, str]] = field(default_factory=list)


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", normalise_name(text)).strip("-")
    return value if ID_RE.fullmatch(value or "") else "record"


def check_names(source_id: str, text_file: str) -> None:
    """The --source-id is a record id; the --text-file a file name inside the sources folder, not a path."""
    if not ID_RE.fullmatch(source_id):
        raise InputError(f"--source-id {source_id!r}: use lower-case letters, digits and hyphens")
    parts = Path(text_file).parts
    if (not text_file.strip() or Path(text_file).is_absolute() or ".." in parts
            or not all(ch.isprintable() for ch in text_file)):
        raise InputError(f"--text-file {text_file!r}: give the name of a file in the sources folder (no absolute "
                         "path, no .., no control characters)")


def read_csv(path: Path, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Rows with their line numbers; a wrong encoding or delimiter is an error that says how to fix it."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{display_path(path)}:{line}: not UTF-8 text ({exc.reason}); save the sheet as "
                         "\"CSV UTF-8\"") from None
    if len(delimiter) != 1 or delimiter in "\r\n\"":
        raise InputError(f"--delimiter {delimiter!r}: give one character other than a quote or a line break, "
                         "such as ',' ';' or a tab")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, list(map(str.strip, row))))
    except csv.Error as exc:
        raise InputError(f"{display_path(path)}:{reader.line_num}: not valid CSV: {exc}") from None
    for line, row in rows if control_character(text) is not None else ():  # where, only when there is one
        for cell in row:
            if (bad := control_character(cell)) is not None:
                raise InputError(f"{display_path(path)}:{line}: control character {character_name(cell[bad])} in the "
                                 f"cell {escaped(cell[:60])!r}; remove it")
    rows = [(n, r) for n, r in rows if any(r)]
    if not rows:
        raise InputError(f"{display_path(path)}: the sheet is empty")
    header = rows[0][1]
    if len(header) == 1:
        for other in (";", "\t", "|"):
            if other in header[0] and other != delimiter:
                shown = "\\t" if other == "\t" else other
                raise InputError(f"{display_path(path)}:{rows[0][0]}: one column found; the file seems to use "
                                 f"{shown!r} between fields: pass --delimiter {shown!r}")
    width = len(header)
    for line, row in rows[1:]:
        if len(row) != width:
            raise InputError(f"{display_path(path)}:{line}: {len(row)} cells where the header has {width}; "
                             "check the delimiter and the quoting of cells that contain it")
    return rows


def parse_duration(text: str) -> tuple[str, str | None] | None:
    """(qualifier, xsd:duration) from the source's words, or None when they cannot be read."""
    words = normalise_name(text)
    if words in ("unlimited", "open-ended", "ongoing", "no fixed end"):
        return "open-ended", None
    approximate = bool(re.search(r"\b(approximately|about|around|roughly|circa|depending)\b", words))
    match = re.search(r"\b(\d+|" + "|".join(NUMBERS) + r")\s+(day|week|month|year)s?\b", words)
    if not match:
        return None
    amount = int(match.group(1)) if match.group(1).isdigit() else NUMBERS[match.group(1)]
    unit = UNITS[match.group(2)]
    value = f"P{amount * 7}D" if unit == "W" else f"P{amount}{unit}"
    return ("approximate" if approximate else "exact"), value


def _concept(text: str, scheme: str, labels: Mapping[str, Mapping[str, str]]) -> str | None:
    """The concept id of `scheme` whose id or label matches text (plural forms too)."""
    wanted, names = normalise_name(text), _names(scheme, tuple(labels.get(scheme, {}).items()))
    for candidate in (wanted, wanted.removesuffix("s"), wanted.replace(" ", "-")):
        for cid, name in names:
            if candidate in (cid, name):
                return cid
    return None


@lru_cache(maxsize=64)
def _names(scheme: str, labels: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A scheme's concept ids with their normalised labels, made once, not once a cell."""
    return tuple((cid, normalise_name(label)) for cid, label in labels)


def import_table(path: Path, source_id: str, text_file: str, labels: Mapping[str, Mapping[str, str]],
                 known: Mapping[str, Mapping[str, str]] | None = None, delimiter: str = ",") -> Imported:
    """Read a sheet in either layout; `labels` maps scheme → concept id → label; `known` maps a section
    (interventions, components) to normalised names of existing records and their ids, so that an
    intervention or component the graph already has stays one node. The cyclic garbage collector is paused
    meanwhile: a sheet of 100,000 rows makes millions of small objects and no cycle, and its passes over them
    took a fifth of the time."""
    check_names(source_id, text_file)
    paused = gc.isenabled()
    gc.disable()
    try:
        return _import(path, source_id, text_file, labels, known or {}, delimiter)
    finally:
        if paused:
            gc.enable()


def _import(path: Path, source_id: str, text_file: str, labels: Mapping[str, Mapping[str, str]],
            known: Mapping[str, Mapping[str, str]], delimiter: str) -> Imported:
    rows = read_csv(path, delimiter)
    header = [h.lower() for h in rows[0][1]]
    if header[0] in ("attribute", ""):
        return _table_layout(path, rows, source_id, text_file, labels, known)
    if "intervention" in header and "outcome" in header:
        return _long_layout(path, rows, source_id, text_file, labels)
    raise InputError(f"{display_path(path)}:{rows[0][0]}: unknown layout: the first header cell is 'attribute' in "
                     "Table 1's layout; a one-row-per-finding sheet has 'intervention' and 'outcome' columns")


def _render(source_id: str, text_file: str, quote: str, problems: list[tuple[int, str]], path: Path,
            sections: dict[str, Any]) -> str:
    head = ["# yaml-language-server: $schema=record.schema.json",
            f"# Imported from {escaped(path.name)} by `kg import-table`; check every value against the source."]
    head += [f"# PROBLEM (line {line}): {escaped(message)}" for line, message in problems]
    source = {"id": source_id, "label": f"Imported from {path.name}", "text_file": text_file, "quote": quote}
    blocks = [emit({"source": source}), *(emit({name: body}) for name, body in sections.items() if body)]
    return "\n".join(head) + "\n\n" + "\n".join(blocks)


def _unique(path: Path, line: int, ids: list[str], names: list[str], what: str) -> None:
    """Two columns (or rows) whose names make the same record id would overwrite each other: an error naming both."""
    seen: dict[str, str] = {}
    for rid, name in zip(ids, names, strict=True):
        if rid in seen:
            raise InputError(f"{display_path(path)}:{line}: {what} {seen[rid]!r} and {name!r} both make the record "
                             f"id {rid!r}; rename one of them")
        seen[rid] = name


def _table_layout(path: Path, rows: list[tuple[int, list[str]]], source_id: str, text_file: str,
                  labels: Mapping[str, Mapping[str, str]], known: Mapping[str, Mapping[str, str]]) -> Imported:
    header_line, header = rows[0]
    names = header[1:]
    problems: list[tuple[int, str]] = []
    known_interventions, known_components = known.get("interventions", {}), known.get("components", {})
    ids = [known_interventions.get(normalise_name(n), slug(n)) for n in names]
    _unique(path, header_line, ids, names, "columns")
    cells: dict[str, dict[str, tuple[int, str]]] = {i: {} for i in ids}
    for line, row in rows[1:]:
        attribute = TABLE_ROWS.get(row[0].lower())
        if attribute is None:
            problems.append((line, f"unknown row {row[0]!r}, not imported; known rows: "
                                   f"{', '.join(sorted(set(TABLE_ROWS)))}"))
            continue
        for rid, cell in zip(ids, row[1:], strict=True):
            if cell:
                cells[rid][attribute] = (line, cell)
    components: dict[str, dict[str, str]] = {}
    examples: dict[str, dict[str, str]] = {}
    interventions: dict[str, dict[str, Any]] = {}
    for rid, name in zip(ids, names, strict=True):
        record: dict[str, Any] = {"quote": name, "name": name}
        interventions[rid] = record
        got = cells[rid]
        for attr in TEXT_ROWS:
            if attr in got:
                record[attr] = got[attr][1]
        if "components" in got:
            line, cell = got["components"]
            parts = [p.strip() for p in re.split(r";" if ";" in cell else r",", cell) if p.strip()]
            part_ids = [known_components.get(normalise_name(p), slug(p)) for p in parts]
            for part, cid in zip(parts, part_ids, strict=True):
                if cid in components and normalise_name(components[cid]["label"]) != normalise_name(part):
                    problems.append((line, f"{name}: components {components[cid]['label']!r} and {part!r} both make "
                                           f"the record id {cid!r}; kept the first, check the second"))
                components.setdefault(cid, Flow({"quote": part, "label": part, "kind": "principle-or-method"}))
            record["components"] = Flow({"values": list(dict.fromkeys(part_ids)), "quote": cell})
        if "duration" in got:
            line, cell = got["duration"]
            parsed = parse_duration(cell)
            if parsed is None:
                problems.append((line, f"{name}: cannot read the duration {cell!r}; write it as a record "
                                       "{value: P9M, qualifier: exact|approximate|open-ended, text: …}"))
            else:
                qualifier, value = parsed
                record["duration"] = Flow({**({"value": value} if value else {}), "qualifier": qualifier,
                                           "text": cell, "quote": cell})
        if "peer_support" in got:
            line, cell = got["peer_support"]
            answer = re.match(r"^(yes|no)\b\W*(.*)$", cell, re.IGNORECASE)
            if answer is None:
                problems.append((line, f"{name}: peer support {cell!r} is neither yes nor no"))
            else:
                record["peer_support"] = Flow({"value": answer.group(1).lower() == "yes", "quote": cell})
                rest = answer.group(2).strip(" ()")
                if rest:
                    mode = _concept(rest.removesuffix(" sessions").removesuffix("sessions").strip(),
                                    "delivery-mode", labels)
                    if mode:
                        record["delivery_mode"] = Flow({"value": mode, "quote": cell})
                    else:
                        problems.append((line, f"{name}: delivery mode {rest!r} is not in the delivery-mode "
                                               f"vocabulary; allowed: {', '.join(sorted(labels['delivery-mode']))}"))
        if "sessions_led_by" in got:
            line, cell = got["sessions_led_by"]
            text = re.sub(r"^sessions are led by\s+", "", cell, flags=re.IGNORECASE)
            example = re.search(r"\(e\.g\.\s*([^)]+)\)", text)
            role_text = re.sub(r"\s*\(e\.g\..*\)\s*$", "", text)
            role = _concept(role_text, "provider-role", labels)
            if role is None:
                problems.append((line, f"{name}: {role_text!r} is not in the provider-role vocabulary; allowed: "
                                       f"{', '.join(sorted(labels['provider-role']))}"))
            else:
                record["sessions_led_by"] = Flow({"value": role, "quote": cell})
                if example:
                    shown = example.group(1).strip()
                    examples[f"provider-role/{role}"] = Flow({"quote": shown, "example": shown})
    problems.sort()
    text = _render(source_id, text_file, names[0] if names else path.name, problems, path,
                   {"interventions": interventions, "components": components, "concepts": examples})
    return Imported(text, problems)


def _long_layout(path: Path, rows: list[tuple[int, list[str]]], source_id: str, text_file: str,
                 labels: Mapping[str, Mapping[str, str]]) -> Imported:
    header_line, header = rows[0]
    columns = [h.strip().lower() for h in header]
    problems = [(header_line, f"unknown column {c!r}, not imported; known columns: {', '.join(LONG_COLUMNS)}")
                for c in columns if c not in LONG_COLUMNS]
    schemes = {f.name: f.kind.scheme for f in SECTION_BY_NAME["findings"].fields
               if isinstance(f.kind, Concept) and f.name in LONG_COLUMNS}  # type, direction, strength
    findings: dict[str, dict[str, Any]] = {}
    known: dict[tuple[str, str], str | None] = {}
    first_quote = ""
    cells = [dict(zip(columns, row, strict=True)) for _line, row in rows[1:]]
    ids = [slug(cell.get("label") or f"finding-{line}") for (line, _row), cell in zip(rows[1:], cells, strict=True)]
    _unique(path, header_line, ids, [f"line {line}" for line, _row in rows[1:]], "the findings on")
    for (line, _row), cell, rid in zip(rows[1:], cells, ids, strict=True):
        quote = cell.get("quote") or cell.get("label", "")
        first_quote = first_quote or quote
        record: dict[str, Any] = {"quote": quote}
        findings[rid] = record
        if cell.get("label"):
            record["label"] = Flow({"value": cell["label"]})
        for col, fld in (("study", "study"), ("intervention", "interventions"), ("outcome", "outcome"),
                         ("subgroup", "subgroup")):  # a sheet names one intervention a row; the field takes a list
            if cell.get(col):
                record[fld] = cell[col]
        for col, scheme in schemes.items():
            if not cell.get(col):
                continue
            if (cell[col], scheme) not in known:  # a sheet repeats a few words in these columns
                known[cell[col], scheme] = _concept(cell[col], scheme, labels)
            cid = known[cell[col], scheme]
            if cid is None:
                problems.append((line, f"{col} {cell[col]!r} is not in the {scheme} vocabulary; allowed: "
                                       f"{', '.join(sorted(labels[scheme]))}"))
            else:
                record[col] = cid
        if cell.get("hedge"):
            record["hedge"] = cell["hedge"]
        if cell.get("mechanisms"):
            record["mechanisms"] = [m.strip() for m in cell["mechanisms"].split(";") if m.strip()]
    problems.sort()
    return Imported(_render(source_id, text_file, first_quote or path.name, problems, path, {"findings": findings}),
                    problems)
