"""A folder of record files loaded as one corpus: every file read and checked (kg.load.records), source ids
unique, then every reference resolved across the files (kg.load.identity), since a record may name a record of
another file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kg.base.errors import RecordError
from kg.load.identity import resolve_references
from kg.load.records import RecordFile, load_file


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
    for path in paths:
        if not path.resolve().is_relative_to(inside):  # a link may point anywhere; what is out there is not ours
            raise RecordError(str(path), None, None, "a link leading out of the records folder; record files are "
                              "read only inside it")
        files.append(load_file(path, concepts))
        if progress:
            progress(path)
    seen: dict[str, Path] = {}
    for rf in files:
        if rf.source.id in seen:
            raise RecordError(str(rf.path), rf.source.lines["id"], "source.id",
                              f"source id {rf.source.id!r} is already used by {seen[rf.source.id]}")
        seen[rf.source.id] = rf.path
    if unresolved is not None:
        unresolved.extend(files)

    return resolve_references(files)
