"""Identity across sources: a reference names a record by its id, or by any of its names (preferred label or
title, alternative labels, acronym, declared aliases: the fields kg.schema.sections marks as names), whichever file
defines them. "IPS", "Individual placement and support" and a declared alias "individual placement and support
intervention" all resolve to one node; a name shared by two records is an error listing both, so nothing is
merged by accident.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.base.errors import RecordError, RecordErrors, display_path
from kg.load.records import Record, RecordFile, Value
from kg.schema import SECTION_BY_NAME, SECTIONS, suggest

# the fields whose values name a record (the schema marks them NAME or OTHER_NAME)
NAME_FIELDS = tuple(dict.fromkeys(f.name for s in SECTIONS for f in s.fields if f.names))


def normalise_name(text: str) -> str:
    """Names compare case-insensitively, with runs of whitespace and typographic apostrophes folded."""
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().casefold()


def _singular(section: str) -> str:
    return SECTION_BY_NAME[section].segment


@dataclass
class NameIndex:
    """Every record id and name, per section, with where each record is defined."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, files: list[RecordFile]) -> NameIndex:
        index = cls()
        for rf in files:
            for rec in rf.records:
                index.add(rec)
        return index

    @classmethod
    def merge(cls, indexes: Iterable[NameIndex]) -> NameIndex:
        """One index of several files' indexes, given in file order."""
        merged = cls()
        for index in indexes:
            for section, ids in index.ids.items():
                merged.ids.setdefault(section, set()).update(ids)
            for section, names in index.names.items():
                into = merged.names.setdefault(section, {})
                for name, rids in names.items():
                    into.setdefault(name, set()).update(rids)
            for key, where in index.where.items():
                merged.where.setdefault(key, where)
        return merged

    def keys(self) -> set[tuple[str, str, str]]:
        """What this index answers, as ("id", section, id) and ("name", section, name) lookups plus the ids."""
        found = {("id", section, rid) for section, ids in self.ids.items() for rid in ids}
        found.update(("name", section, f"{name}\0{rid}") for section, names in self.names.items()
                     for name, rids in names.items() for rid in rids)
        return found

    def add(self, rec: Record) -> None:
        section = rec.section.name
        self.ids.setdefault(section, set()).add(rec.id)
        self.where.setdefault((section, rec.id), f"{display_path(rec.file)}:{rec.line}")
        for value in rec.values:
            if value.field.names:
                for item in value.items:
                    self.names.setdefault(section, {}).setdefault(normalise_name(str(item)), set()).add(rec.id)

    def candidates(self, section: str, text: str) -> list[str]:
        if text in self.ids.get(section, ()):
            return [text]
        return sorted(self.names.get(section, {}).get(normalise_name(text), ()))

    def resolve(self, section: str, text: str) -> str:
        """The id `text` names in `section`; ValueError with the reason otherwise."""
        found = self.candidates(section, text)
        if len(found) == 1:
            return found[0]
        what = _singular(section)
        if found:
            listed = ", ".join(f"{rid} ({self.where[(section, rid)]})" for rid in found)
            raise ValueError(f"{text!r} is ambiguous: it names {len(found)} {section}: {listed}; write the id")
        known = sorted(self.ids.get(section, ()))
        names = sorted({n for n in self.names.get(section, {})} | set(known))
        tail = suggest(normalise_name(text), known, f"Known {section}", among=names)
        raise ValueError(f"no {what} with id or name {text!r} is defined in any record file"
                         f"{'' if tail.startswith(';') else '.'}{tail}")


def references(rf: RecordFile) -> frozenset[tuple[str, str]]:
    """Every (section, name or id) a file refers to, as written."""
    refs = {("publications", rf.source.publication)} if rf.source.publication is not None else set()
    for rec in rf.records:
        for val in rec.values:
            target = val.field.kind.refers_to
            if target is not None:
                refs.update((target, str(item)) for item in val.items)
            for derived in val.extra.get("derived_from", ()):  # segment/id of a record a value is derived from
                segment, _, rid = derived.partition("/")
                refs.add((next(s.name for s in SECTIONS if s.segment == segment), rid))
    return frozenset(refs)


def _named_twice(written: tuple, resolved: tuple[str, ...], what: str) -> str | None:
    """The problem of a list naming one record twice, by two of its names (the loader refuses a value written
    twice; two names of one record are found once they are resolved): a table would get two columns for it."""
    first: dict[str, object] = {}
    for text, rid in zip(written, resolved, strict=True):
        if rid in first:
            return (f"{first[rid]!r} and {text!r} name the same {what}, {rid}; the same value is listed twice")
        first[rid] = text
    return None


def resolve_references(files: list[RecordFile], index: NameIndex | None = None) -> list[RecordFile]:
    """Check every reference and replace names by the ids they resolve to (in `index`, by default the files'
    own)."""
    index = NameIndex.of(files) if index is None else index
    out = []
    errors: list[RecordError] = []
    for rf in files:
        pub = rf.source.publication
        if pub is not None:
            try:
                resolved_pub = index.resolve("publications", pub)
            except ValueError as exc:
                errors.append(RecordError(str(rf.path), rf.source.lines["publication"], "source.publication",
                                          str(exc)))
            else:
                rf = dataclasses.replace(rf, source=dataclasses.replace(rf.source, publication=resolved_pub))
        records = []
        for rec in rf.records:
            values = []
            for val in rec.values:
                target = val.field.kind.refers_to
                if target is not None:
                    where = f"{rec.section.name}.{rec.id}.{val.field.name}"
                    try:
                        items = tuple(index.resolve(target, str(item)) for item in val.items)
                    except ValueError as exc:
                        errors.append(RecordError(str(rf.path), val.line, where, str(exc)))
                        continue
                    twice = _named_twice(val.items, items, _singular(target))
                    if twice:
                        errors.append(RecordError(str(rf.path), val.line, where, twice))
                        continue
                    val = Value(val.field, items, val.quote, val.quote_in, val.line, val.extra)
                values.append(val)
            records.append(dataclasses.replace(rec, values=tuple(values)))
        out.append(dataclasses.replace(rf, records=tuple(records)))
    RecordErrors.raise_any(errors)
    return out
