"""Load record files (YAML) into checked, line-numbered records.

PyYAML's composer gives every node its line; this module keeps those lines so that every later message
(loader, quote check, SHACL report) can point a curator at `file:line`. Scalars stay as written: dates and
durations are not turned into Python objects, so nothing is silently normalised.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.base.config import ID_RE
from kg.base.errors import RecordError, RecordErrors
from kg.base.lexical import character_name, control_character
from kg.load.numbers import stated_in, wording_problem
from kg.schema import (
    OPEN_SCHEMES,
    RECORD_KEYS,
    SECTION_BY_NAME,
    SOURCE_FIELDS,
    SOURCE_REQUIRED,
    TEXT,
    Field,
    Refused,
    Section,
    suggest,
)


@dataclass(frozen=True)
class Value:
    """One field of one record, with the quote that supports it."""

    field: Field
    items: tuple[Any, ...]
    quote: str
    quote_in: str | None
    line: int
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # duration's qualifier and text


@dataclass(frozen=True)
class Record:
    section: Section
    id: str
    file: Path
    line: int
    quote: str
    quote_in: str | None
    quote_line: int
    values: tuple[Value, ...]


@dataclass(frozen=True)
class SourceRecord:
    id: str
    label: str
    text_file: str
    publication: str | None
    quote: str
    file: Path
    line: int
    lines: Mapping[str, int]


@dataclass(frozen=True)
class RecordFile:
    path: Path
    source: SourceRecord
    records: tuple[Record, ...]


# ------------------------------------------------------------------------------------------ YAML with lines


class _Map(dict):
    line: int
    key_lines: dict[str, int]


class _List(list):
    line: int
    item_lines: list[int]


MAX_DEPTH = 64  # record files nest four or five levels; deeper is a mistake or an attack
MAX_FILE_BYTES = 8 * 1024 * 1024  # one source's records are kilobytes (benchmark corpus: 4 KB a study, 25 KB catalogue)


class _Budget:
    """Bounds on expanding a composed YAML document: PyYAML shares an aliased node, so `*a` costs nothing to
    compose but is copied by every conversion. Without aliases every node costs at least one character, so a
    budget of the text's length never stops an honest file; an alias bomb (nine levels of ten aliases) or a
    cyclic alias (`x: &c [*c]`) is stopped at once."""

    def __init__(self, file: Path, size: int) -> None:
        self.file, self.left, self.path = file, size + 1000, set[int]()

    def enter(self, node: yaml.Node, where: str) -> None:
        line = node.start_mark.line + 1
        if id(node) in self.path:
            raise RecordError(str(self.file), line, where or None,
                              "a YAML alias refers to the collection that contains it (a cycle); write the value out")
        if len(self.path) >= MAX_DEPTH:
            raise RecordError(str(self.file), line, where or None, f"nested more than {MAX_DEPTH} levels deep")
        self.left -= 1
        if self.left < 0:
            raise RecordError(str(self.file), line, where or None,
                              "the YAML aliases expand to more values than the file could hold written out; "
                              "write the values out instead of aliasing aliases")


def _convert(node: yaml.Node, file: Path, where: str = "", budget: _Budget | None = None) -> Any:
    budget = budget or _Budget(file, 1 << 20)
    budget.enter(node, where)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        budget.path.add(id(node))
        try:
            return _convert_collection(node, file, where, budget)
        finally:
            budget.path.discard(id(node))
    tag, text = node.tag, node.value
    bad = control_character(text)
    if bad is not None:  # YAML escapes ("\x01", "\0") can write what would make RDF/XML ill-formed
        raise RecordError(str(file), node.start_mark.line + 1, where or None,
                          f"control character {character_name(text[bad])} at position {bad + 1} of the value; "
                          "remove it")
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        try:
            return int(text, 0) if not text.startswith("0") or text == "0" else int(text, 10)
        except ValueError:
            return text
    if tag.endswith(":null"):
        return None
    return text  # str, float and timestamp stay as written


MERGE_TAG = "tag:yaml.org,2002:merge"


def _merge(out: _Map, key_node: yaml.Node, value_node: yaml.Node, file: Path, where: str, budget: _Budget,
           given: set[str]) -> None:
    """A YAML merge key (`<<: *defaults`, or a list of aliases): the anchored mappings' keys that `out` does not
    give itself, each keeping the line it is written on (in the anchored mapping), as the YAML spec merges them:
    a key given in the mapping wins, then the first mapping of the list that has it."""
    sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise RecordError(str(file), key_node.start_mark.line + 1, f"{where}.<<" if where else "<<",
                              "a merge key (<<) takes a mapping or a list of mappings (*alias of an &anchor)")
        merged = _convert(source, file, where, budget)
        for key, value in merged.items():
            if key not in given and key not in out:
                out[key] = value
                out.key_lines[key] = merged.key_lines[key]


def _convert_collection(node: yaml.Node, file: Path, where: str, budget: _Budget) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line, out.key_lines = node.start_mark.line + 1, {}
        given: set[str] = set()  # keys the mapping gives itself (not merged): each at most once
        merge_line = 0
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                line = key_node.start_mark.line + 1
                if merge_line:
                    raise RecordError(str(file), line, f"{where}.<<" if where else "<<", f"duplicate key (first "
                                      f"given on line {merge_line}); merge several mappings with `<<: [*a, *b]`")
                merge_line = line
                _merge(out, key_node, value_node, file, where, budget, given)
                continue
            key = _convert(key_node, file, where, budget)
            if not isinstance(key, str):
                raise RecordError(str(file), key_node.start_mark.line + 1, where or None,
                                  f"keys must be text, got {key!r}")
            path = f"{where}.{key}" if where else key
            if key in given:
                raise RecordError(
                    str(file), key_node.start_mark.line + 1, path,
                    f"duplicate key (first given on line {out.key_lines[key]}); each id and field may appear once",
                )
            given.add(key)
            out[key] = _convert(value_node, file, path, budget)  # overrides a merged value, in its place
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    seq = _List(_convert(n, file, where, budget) for n in node.value)
    seq.line, seq.item_lines = node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
    return seq


def _read_yaml(path: Path) -> Any:
    try:
        info = os.stat(path)  # before opening: a FIFO named *.yaml would block the open forever
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(str(path), None, None, "not a regular file (a record file is a plain YAML file)")
        if info.st_size > MAX_FILE_BYTES:
            raise RecordError(str(path), None, None, f"{info.st_size:,} bytes is over the limit of "
                              f"{MAX_FILE_BYTES:,} bytes for one record file; split the source's records")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(str(path), None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RecordError(str(path), None, None, f"cannot read: {exc.strerror}") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        context = ""
        if exc.context and exc.context_mark:
            context = f" ({exc.context} that starts on line {exc.context_mark.line + 1}; check the indentation)"
        raise RecordError(str(path), line, None, f"not valid YAML: {exc.problem}{context}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere (found by the fuzz test)
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        raise RecordError(str(path), text.count("\n", 0, exc.position) + 1, None,
                          f"not valid YAML: the character {character_name(char)} is not allowed in YAML; remove it"
                          ) from None
    except yaml.YAMLError as exc:
        raise RecordError(str(path), None, None, f"not valid YAML: {exc}") from None
    if node is None:
        raise RecordError(str(path), 1, None, "the file is empty; a record file starts with a `source:` section")
    return _convert(node, path, budget=_Budget(path, len(text)))


# ------------------------------------------------------------------------------------------ checks


def _unknown(path: Path, line: int, where: str, key: str, allowed: list[str]) -> RecordError:
    return RecordError(str(path), line, where, f"unknown field {key!r}{suggest(key, allowed)}")


def _text(path: Path, line: int, where: str, value: Any) -> str:
    try:
        return TEXT.check(value, {})
    except Refused as exc:
        raise RecordError(str(path), line, where, exc.problem) from None


def _check_item(path: Path, line: int, where: str, fld: Field, item: Any, concepts: Mapping[str, set[str]]) -> Any:
    try:
        return fld.kind.check(item, concepts)
    except Refused as exc:
        raise RecordError(str(path), line, where, exc.problem) from None


def _check_value(
    path: Path, rec: _Map, key: str, fld: Field, section: str, rid: str,
    default_quote: tuple[str, str | None], concepts: Mapping[str, set[str]],
) -> Value:
    """One field of a record, written plainly, as a list, or as a mapping with its own quote; its kind checks
    each value."""
    line = rec.key_lines[key]
    where = f"{section}.{rid}.{key}"
    raw = rec[key]
    kind = fld.kind
    quote, quote_in = default_quote
    if isinstance(raw, _Map):
        for k in raw:
            if k not in kind.keys:
                raise _unknown(path, raw.key_lines[k], where, k, list(kind.keys))
        if "quote" in raw:
            quote = _text(path, raw.key_lines["quote"], f"{where}.quote", raw["quote"])
            quote_in = None
        if "quote_in" in raw:
            quote_in = _text(path, raw.key_lines["quote_in"], f"{where}.quote_in", raw["quote_in"])
        if kind.whole_mapping:  # the mapping is the value (a duration)
            try:
                whole, extra = kind.read(raw, raw.key_lines, raw.line)
            except Refused as exc:
                raise RecordError(str(path), exc.line or raw.line, where + exc.at, exc.problem) from None
            for key, text in kind.wordings(whole, extra):
                if problem := wording_problem(text, quote):
                    raise RecordError(str(path), raw.key_lines.get(key, raw.line), f"{where}.{key}", problem)
            return Value(fld, whole, quote, quote_in, raw.line, extra)
        if "value" in raw and "values" in raw:
            raise RecordError(str(path), line, where, "give either `value` or `values`, not both")
        if "values" in raw:
            items = raw["values"]
            if not fld.many:
                raise RecordError(str(path), raw.key_lines["values"], where,
                                  "this field takes one value; use `value:`")
            if not isinstance(items, _List) or not items:
                raise RecordError(str(path), raw.key_lines["values"], where, "`values` must be a non-empty list")
            lines = items.item_lines
        elif "value" in raw:
            items, lines = [raw["value"]], [raw.key_lines["value"]]
        else:
            raise RecordError(str(path), line, where, "missing `value` (or `values` for a list)")
    elif kind.whole_mapping:  # written plainly: its kind refuses it, saying what the mapping holds
        _check_item(path, line, where, fld, raw, concepts)
        raise AssertionError(f"{kind} accepted a value that is not a mapping")  # pragma: no cover
    elif isinstance(raw, _List):
        if not fld.many:
            raise RecordError(str(path), line, where, "this field takes one value, got a list")
        items, lines = raw, raw.item_lines
    else:
        items, lines = [raw], [line]
        if kind.own_quote and isinstance(raw, str):
            quote, quote_in = raw, None  # a plain text value is its own quote: it must occur verbatim
    checked = tuple(_check_item(path, ln, where, fld, item, concepts) for item, ln in zip(items, lines, strict=True))
    if len(set(checked)) != len(checked):
        raise RecordError(str(path), line, where, "the same value is listed twice")
    for item, ln in zip(checked, lines, strict=True):  # a name's number names (Study 7); a statement's is stated
        for _, text in kind.wordings((item,), {}) if not fld.names else ():
            if problem := wording_problem(text, quote):
                raise RecordError(str(path), ln, where, problem)
    facts: dict[str, Any] = {}
    if kind.numeric:
        derived = _derived_from(path, raw, where) if isinstance(raw, _Map) else ()
        own = f"{SECTION_BY_NAME[section].segment}/{rid}"
        if own in derived:
            raise RecordError(str(path), raw.key_lines["derived_from"], f"{where}.derived_from",
                              f"a value cannot be derived from its own record ({section}/{rid}): name the other "
                              "records it is computed from")
        if derived:
            facts["derived_from"] = derived
        else:
            for item, ln in zip(checked, lines, strict=True):
                if not stated_in(item, quote):
                    raise RecordError(str(path), ln, where, f"{item} does not appear in its quote {quote!r}: give the "
                                      "passage that states it (digits or an English number word), or mark the value "
                                      "derived with `derived_from: SECTION/ID` of the records it comes from")
    return Value(fld, checked, quote, quote_in, line, facts)


def _own_quotes(value: Value, raw: Any) -> tuple[Value, ...]:
    """A plain list of text values that are their own quotes (alt_names: [X, Y]) is one value per item, each its
    own quote: two spellings a source gives in two places need no passage that holds both."""
    if value.field.kind.own_quote and isinstance(raw, _List) and all(isinstance(i, str) for i in raw):
        return tuple(dataclasses.replace(value, items=(item,), quote=item, quote_in=None, line=line)
                     for item, line in zip(value.items, raw.item_lines, strict=True))
    return (value,)


def _derived_from(path: Path, raw: _Map, where: str) -> tuple[str, ...]:
    """The SECTION/ID references of a derived value's `derived_from` (none when it is stated)."""
    if "derived_from" not in raw:
        return ()
    given, line = raw["derived_from"], raw.key_lines["derived_from"]
    items = given if isinstance(given, list) else [given]
    for item in items:
        section, _, rid = item.partition("/") if isinstance(item, str) else ("", "", "")
        known = SECTION_BY_NAME.get(section)
        if known is None or known.by_concept or not ID_RE.fullmatch(rid):
            sections = [s.name for s in SECTION_BY_NAME.values() if not s.by_concept]
            raise RecordError(str(path), line, f"{where}.derived_from", f"expected SECTION/ID of a record, got "
                              f"{item!r}{suggest(str(section), sections, 'Sections')}")
    if not items:
        raise RecordError(str(path), line, f"{where}.derived_from", "expected SECTION/ID of at least one record")
    return tuple(f"{SECTION_BY_NAME[i.partition('/')[0]].segment}/{i.partition('/')[2]}" for i in items)


def _check_source(path: Path, data: _Map) -> SourceRecord:
    if "source" not in data:
        raise RecordError(str(path), data.line, "source", "missing: every record file starts with a `source:` "
                          "section (id, label, text_file, quote)")
    src = data["source"]
    if not isinstance(src, _Map):
        raise RecordError(str(path), data.key_lines["source"], "source", "expected a mapping of source fields")
    allowed = list(SOURCE_FIELDS)
    for k in src:
        if k not in SOURCE_FIELDS:
            raise _unknown(path, src.key_lines[k], "source", k, allowed)
    for k in SOURCE_REQUIRED:
        if k not in src:
            raise RecordError(str(path), src.line, f"source.{k}", f"missing required field: {SOURCE_FIELDS[k]}")
    sid = _text(path, src.key_lines["id"], "source.id", src["id"])
    if not ID_RE.fullmatch(sid):
        raise RecordError(str(path), src.key_lines["id"], "source.id",
                          f"expected lower-case letters, digits and hyphens, got {sid!r}")
    return SourceRecord(
        id=sid,
        label=_text(path, src.key_lines["label"], "source.label", src["label"]),
        text_file=_text(path, src.key_lines["text_file"], "source.text_file", src["text_file"]),
        publication=_text(path, src.key_lines["publication"], "source.publication", src["publication"])
        if "publication" in src else None,
        quote=_text(path, src.key_lines["quote"], "source.quote", src["quote"]),
        file=path,
        line=src.line,
        lines=dict(src.key_lines),
    )


def load_file(path: Path, concepts: Mapping[str, set[str]]) -> RecordFile:
    """Read one record file and check its structure (not yet its references or quotes)."""
    data = _read_yaml(path)
    if not isinstance(data, _Map):
        raise RecordError(str(path), 1, None, "expected a mapping with a `source:` section and record sections")
    source = _check_source(path, data)
    sections = ["source", *SECTION_BY_NAME]
    records: list[Record] = []
    errors: list[RecordError] = []  # every record's first problem, so that one run shows them all
    for name, body in data.items():
        if name == "source":
            continue
        if name not in SECTION_BY_NAME:
            errors.append(RecordError(str(path), data.key_lines[name], name,
                                      f"unknown section {name!r}{suggest(name, sections)}"))
            continue
        section = SECTION_BY_NAME[name]
        if not isinstance(body, _Map):
            errors.append(RecordError(str(path), data.key_lines[name], name,
                                      "expected a mapping from record id to record"))
            continue
        for rid, rec in body.items():
            try:
                records.append(_check_record(path, section, rid, body.key_lines[rid], rec, concepts))
            except RecordError as exc:
                errors.append(exc)
    RecordErrors.raise_any(errors)
    return RecordFile(path, source, tuple(records))


def _check_record(
    path: Path, section: Section, rid: str, line: int, rec: Any, concepts: Mapping[str, set[str]]
) -> Record:
    where = f"{section.name}.{rid}"
    declares = False
    if section.by_concept:
        scheme, _, cid = rid.partition("/")
        bundled = cid in concepts.get(scheme, ())
        declares = not bundled and scheme in OPEN_SCHEMES and bool(ID_RE.fullmatch(cid))
        if isinstance(rec, _Map) and "label" in rec and bundled:
            raise RecordError(str(path), rec.key_lines["label"], f"{section.name}.{rid}.label", "a bundled concept "
                              "has its label in ontology/vocabularies.ttl; `label` declares a new concept of an "
                              f"open scheme ({', '.join(sorted(OPEN_SCHEMES))})")
        if declares and isinstance(rec, _Map) and "label" not in rec:
            raise RecordError(str(path), line, f"{section.name}.{rid}", f"{cid!r} is not in the bundled {scheme} "
                              "scheme: give its `label` (and quote) to declare it, or use a bundled concept"
                              f"{suggest(cid, sorted(concepts.get(scheme, ())), 'Bundled')}")
        if not bundled and not declares:
            if scheme in concepts:
                known = sorted(f"{scheme}/{c}" for c in concepts[scheme])
                problem = f"{rid!r} is not a concept of the {scheme} scheme{suggest(rid, known, 'Its concepts')}"
            else:
                problem = f"{scheme!r} is not a concept scheme{suggest(scheme, sorted(concepts), 'Schemes')}"
            raise RecordError(str(path), line, where, f"{problem} (keys are SCHEME/ID)")
    elif not ID_RE.fullmatch(rid):
        raise RecordError(str(path), line, where, "a record id must be lower-case letters, digits and hyphens")
    if not isinstance(rec, _Map):
        raise RecordError(str(path), line, where, "expected a mapping of fields")
    allowed = [*([] if section.curated else RECORD_KEYS), *(f.name for f in section.fields)]
    for key in rec:
        if key in RECORD_KEYS and section.curated:
            raise RecordError(str(path), rec.key_lines[key], f"{where}.{key}", f"a {section.segment} is a curator's "
                              "judgement, not a source's statement: it cites no passage; give its `reasons`")
        if key not in allowed:
            raise _unknown(path, rec.key_lines[key], where, key, allowed)
    if section.curated:
        values = tuple(_check_value(path, rec, key, section.field_of(key), section.name, rid, ("", None), concepts)
                       for key in rec)
        return Record(section, rid, path, line, "", None, line, values)
    if "quote" not in rec:
        raise RecordError(str(path), rec.line, f"{where}.quote",
                          "missing: every record cites a verbatim passage of its source")
    quote = _text(path, rec.key_lines["quote"], f"{where}.quote", rec["quote"])
    quote_in = None
    if "quote_in" in rec:
        quote_in = _text(path, rec.key_lines["quote_in"], f"{where}.quote_in", rec["quote_in"])
    values = tuple(
        value
        for key in rec
        if key not in RECORD_KEYS
        for value in _own_quotes(_check_value(path, rec, key, section.field_of(key), section.name, rid,
                                              (quote, quote_in), concepts), rec[key])
    )
    return Record(section, rid, path, line, quote, quote_in, rec.key_lines["quote"], values)
