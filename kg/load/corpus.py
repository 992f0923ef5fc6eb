"""A folder of record files loaded as one corpus: every file read and checked (kg.load.records), source ids
unique, then every reference resolved across the files (kg.load.identity), since a record may name a record of
another file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kg.base.errors import RecordError, RecordErrors, display_path
from kg.load.identity import NameIndex, resolve_references
from kg.load.records import RecordFile, load_file
from kg.schema import SECTIONS, Concept


def load_records(
    records_dir: Path, concepts: Mapping[str, set[str]], progress: Callable[[Path], None] | None = None,
    unresolved: list[RecordFile] | None = None,
) -> list[RecordFile]:
    """Load every *.yaml file of a folder, in name order, and check references across them; `progress` is
    called after each file (a large corpus shows a progress bar); `unresolved` receives the files as written,
    before names were resolved to ids."""
    if not records_dir.is_dir():
        raise RecordError(str(records_dir), None, None, "records folder not found")
    paths = sorted(records_dir.glob("*.yaml"))
    if not paths:
        raise RecordError(str(records_dir), None, None, "no record files (*.yaml) in this folder")
    inside = records_dir.resolve()
    files = []
    errors: list[RecordError] = []  # every file's problems, in one run
    for path in paths:
        if not path.resolve().is_relative_to(inside):  # a link may point anywhere; what is out there is not ours
            raise RecordError(str(path), None, None, "a link leading out of the records folder; record files are "
                              "read only inside it")
        try:
            files.append(load_file(path, concepts))
        except RecordError as exc:
            errors.append(exc)
        if progress:
            progress(path)
    RecordErrors.raise_any(errors)
    seen: dict[str, Path] = {}
    for rf in files:
        if rf.source.id in seen:
            raise RecordError(str(rf.path), rf.source.lines["id"], "source.id",
                              f"source id {rf.source.id!r} is already used by {seen[rf.source.id]}")
        seen[rf.source.id] = rf.path
    if unresolved is not None:
        unresolved.extend(files)
    check_declared(files, concepts)
    return resolve_references(files)


def declared_concepts(files: list[RecordFile]) -> dict[str, set[str]]:
    """The concepts record files declare in open schemes (a `concepts:` key with a label), per scheme."""
    declared: dict[str, set[str]] = {}
    for rf in files:
        for rec in rf.records:
            if rec.section.by_concept and any(v.field.name == "label" for v in rec.values):
                scheme, _, cid = rec.id.partition("/")
                declared.setdefault(scheme, set()).add(cid)
    return declared


def check_declared(files: list[RecordFile], concepts: Mapping[str, set[str]]) -> None:
    """Every concept of an open scheme is bundled or declared by some file, declared with one label (SKOS: one
    prefLabel a language; two would be two names of one concept, not two sources' values), and every record a
    derived value names exists: what one file alone cannot tell."""
    declared = declared_concepts(files)
    ids = {(rec.section.segment, rec.id) for rf in files for rec in rf.records if not rec.section.by_concept}
    labels: dict[str, tuple[str, str, int]] = {}  # concept → (its label, the file and line that first gave it)
    errors: list[RecordError] = []
    for rf in files:
        for rec in rf.records:
            for val in rec.values:
                if rec.section.by_concept and val.field.name == "label":
                    label, first = val.items[0], labels.setdefault(rec.id, (val.items[0], str(rf.path), val.line))
                    if label != first[0]:
                        errors.append(RecordError(str(rf.path), val.line, f"concepts.{rec.id}.label", (
                            f"{label!r} differs from the label {first[0]!r} that {display_path(first[1])}:{first[2]} "
                            "declares for this concept; a concept has one label: give the same one (with a quote "
                            "of this source: {value: LABEL, quote: …})")))
                where = f"{rec.section.name}.{rec.id}.{val.field.name}"
                kind = val.field.kind
                if isinstance(kind, Concept) and kind.open:
                    for item in val.items:
                        problem = kind.undeclared(item, declared.get(kind.scheme, set()), concepts)
                        if problem:
                            errors.append(RecordError(str(rf.path), val.line, where, problem))
                for target in val.extra.get("derived_from", ()):
                    segment, _, rid = target.partition("/")
                    if (segment, rid) not in ids:
                        section = next(s.name for s in SECTIONS if s.segment == segment)
                        errors.append(RecordError(str(rf.path), val.line, f"{where}.derived_from",
                                                  f"no record {section}/{rid} in any file"))
    RecordErrors.raise_any(errors)


def beyond_the_file(files: list[RecordFile], before: list[NameIndex], concepts: Mapping[str, set[str]]) -> bool:
    """Whether checking these changed files needs the others (`before`: the indexes of the files as they were):
    they declare a concept or did, use one no bundled scheme has, or derive a value from other records."""
    def unbundled(scheme_id: str) -> bool:
        scheme, _, cid = scheme_id.partition("/")
        return cid not in concepts.get(scheme, ())

    if any(unbundled(cid) for index in before for cid in index.ids.get("concepts", ())):
        return True
    for rf in files:
        for rec in rf.records:
            if rec.section.by_concept and unbundled(rec.id):
                return True
            for val in rec.values:
                kind = val.field.kind
                if val.extra.get("derived_from") or (isinstance(kind, Concept) and kind.open and any(
                        item not in concepts.get(kind.scheme, ()) for item in val.items)):
                    return True
    return False
