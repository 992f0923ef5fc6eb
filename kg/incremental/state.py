"""What an incremental `kg check` keeps between runs, and what changed on disk since.

The state of the last check (each record file's stamp, digest, names and counts; the source texts it read; the
report, violation answers and counts), saved sealed through kg.query.cache's write_state, the per-file graphs
and build parts beside it, and the on-disk Oxigraph store of the dataset. Stamps and digests are taken before a
file is read, so that an edit saved while a check runs is a change to the next one. Kept apart from the
orchestration (kg.incremental.recheck) so that what is trusted from the last run, and why, reads in one place.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kg import __version__
from kg.base.config import Settings, resource_dir
from kg.check.validate import ValidationReport
from kg.load.identity import NameIndex
from kg.load.quotes import (
    QuoteCheck,
    SourceTextError,
    Stamp,
    TextState,
    file_stamp,
    same_stamp,
    source_text_path,
)
from kg.model.build import FileParts, Statements
from kg.model.stats import Stats
from kg.query.cache import cache_dir, read_state, write_state
from kg.query.sparql import QueryResult

NAME_HEX = 24  # hex digits of a SHA-256 naming a check folder or a file's entry: 96 bits, unique in practice
STATE_FORMAT = 1


class Fallback(Exception):
    """The change is one the shortcut cannot vouch for: check everything."""


@dataclass
class FileState:
    """What a check saw of one record file."""

    stamp: Stamp  # modification time (ns) and size, taken before the file was read, to skip hashing it
    digest: str  # of the content as it was before the check read it
    source_id: str
    graph: str
    texts: frozenset[str]
    records: int
    quotes: QuoteCheck
    names: NameIndex  # the ids and names it defines
    refs: frozenset[tuple[str, str]]  # the names it refers by
    triples: int


@dataclass
class CheckState:
    model: str  # the package, ontology, shapes and queries it was made with
    files: dict[str, FileState]  # by path, in name order
    texts: dict[str, TextState | None]  # source text name → stamp and digest as read (None: missing)
    report: ValidationReport
    queries: dict[str, QueryResult]
    reads: dict[str, frozenset[str] | None]  # the predicates each violation query names (None: any)
    stats: Stats


def check_folder(settings: Settings) -> Path:
    where = f"{settings.records_dir.resolve()}\0{settings.sources_dir and settings.sources_dir.resolve()}"
    return cache_dir() / "check" / hashlib.sha256(f"{where}\0{settings.base_iri}".encode()).hexdigest()[:NAME_HEX]


def model_digest(settings: Settings) -> str:
    digest = hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{settings.base_iri}".encode())
    for kind in ("ontology", "shapes", "queries"):
        for path in sorted(resource_dir(kind).iterdir()):
            if path.is_file():
                digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def load_state(folder: Path) -> CheckState | None:
    return read_state(folder / "state.pickle", CheckState)


def _stamp(path: Path) -> Stamp:
    try:
        return file_stamp(path.stat())
    except OSError as exc:  # removed or replaced since it was listed
        raise Fallback from exc


class _Unreadable(Exception):
    """A record file that is gone, not a regular file, or unreadable: the loader says what is wrong with it."""


def _digest(path: Path) -> str:
    """The SHA-256 of a record file's bytes, read without blocking (a FIFO named *.yaml is not read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Unreadable from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Unreadable
        return hashlib.sha256(handle.read()).hexdigest()


def _read_digest(path: Path) -> str:
    try:
        return _digest(path)
    except _Unreadable as exc:  # the full check's loader says what is wrong with it
        raise Fallback from exc


UNSEEN: tuple[Stamp, str] = ((-1, -1), "")  # matches no file: the next check looks at it again


def record_states(settings: Settings) -> dict[str, tuple[Stamp, str]]:
    """Each record file's stamp and digest, taken before the build reads it: an edit saved while the check
    runs then shows as a change to the next check (stamping after the build would vouch for the edit)."""
    if not settings.records_dir.is_dir():
        return {}
    states = {}
    for path in sorted(settings.records_dir.glob("*.yaml")):
        try:
            states[str(path)] = (_stamp(path), _digest(path))
        except (Fallback, _Unreadable):
            continue  # the build reports it
    return states


def _text_moved(settings: Settings, name: str, known: TextState | None, fresh: dict[str, TextState]) -> bool:
    """Whether a source text differs from its state when last read (a refused name counts as moved: the
    quote check then says what is wrong with it). An unchanged text with a newer stamp goes into `fresh`, so
    that the next check need not hash it again."""
    try:
        path = source_text_path(settings.sources_dir, name)
    except SourceTextError:
        return True
    if path is None:
        return known is not None
    if known is None:
        return True
    try:
        stamp = file_stamp(path.stat())  # before reading it
        if same_stamp(known[0], stamp):
            return False
        digest = _digest(path)
    except (OSError, _Unreadable):
        return True
    if digest != known[1]:
        return True
    if stamp != known[0]:
        fresh[name] = (stamp, digest)
    return False


def entry_path(folder: Path, key: str) -> Path:
    return folder / "graphs" / f"{hashlib.sha256(key.encode()).hexdigest()[:NAME_HEX]}.pickle"


def read_entry(folder: Path, key: str) -> tuple[Statements, FileParts]:
    entry = read_state(entry_path(folder, key), tuple)
    if entry is None:
        raise Fallback
    return entry


def write_entry(folder: Path, key: str, entry: tuple[Statements, FileParts]) -> None:
    write_state(entry_path(folder, key), entry)




def writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def save_state(folder: Path, state: CheckState) -> None:
    write_state(folder / "state.pickle", state)


def texts_read(files: dict[str, FileState], known: dict[str, TextState | None], quotes: QuoteCheck
               ) -> dict[str, TextState | None]:
    """The state of each source text the files quote: as this check read it, else as the last check did (a
    text edited during this check without being read by it then shows as moved next time)."""
    seen = {**known, **getattr(quotes, "read", {})}
    return {name: seen.get(name, UNSEEN) for name in sorted({t for f in files.values() for t in f.texts})}


def changed_files(settings: Settings, state: CheckState
                  ) -> tuple[dict[str, Path], list[str], list[str], dict[str, tuple[Stamp, str]],
                             dict[str, TextState]]:
    """The record files now, those changed or new (by path, in name order), those removed, the stamps and
    digests of the files looked at (taken before anything reads them for the build), and the fresher states of
    unchanged source texts."""
    if not settings.records_dir.is_dir():
        raise Fallback
    current = {str(p): p for p in sorted(settings.records_dir.glob("*.yaml"))}
    if not current:
        raise Fallback
    changed, seen = [], {}
    for key, path in current.items():
        known = state.files.get(key)
        stamp = _stamp(path)
        if known is not None and same_stamp(known.stamp, stamp):
            continue
        seen[key] = (stamp, _read_digest(path))
        if known is None or known.digest != seen[key][1]:
            changed.append(key)
    fresh: dict[str, TextState] = {}
    moved = {name for name, known in state.texts.items() if _text_moved(settings, name, known, fresh)}
    if moved:
        quoting = [k for k, f in state.files.items() if k in current and f.texts & moved]
        for key in quoting:
            if key not in seen:
                seen[key] = (_stamp(current[key]), _read_digest(current[key]))
        changed = sorted({*changed, *quoting})
    removed = [key for key in state.files if key not in current]
    return current, changed, removed, seen, fresh
