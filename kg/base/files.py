"""Files written so that nothing is lost or left half-written, and folders replaced only when they are ours.

A file is written to a temporary name beside it and renamed, so a reader never sees half a file (`durable`
flushes it to the disk first). A command that fills a folder (`kg build`, `kg site`) fills a temporary sibling
and renames it into place, and replaces only a folder that is absent, empty, or its own earlier output: stamped
with STAMP, or an unstamped release that holds nothing but release files. The stamp lists what the command
wrote, so that what anyone else put in the folder since (a CNAME, a .git, notes) is carried into the new folder,
never deleted. Folders of one parent are replaced one at a time (a lock), and temporaries a killed run left
behind are removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from kg.base.config import TITLE
from kg.base.errors import OutputError, display_path

T = TypeVar("T")
WRITE_BLOCK_LINES = 50_000  # lines joined into one write: a large file is never held whole in memory
READ_BLOCK = 1 << 22  # bytes read at a time when copying or hashing a large file (4 MiB)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: Path, durable: bool = False) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces `path` only when the block completes; `durable` flushes it to
    the disk before the rename (a cache entry must never be a torn file after a crash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a web server must be able to read the file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    with atomic_writer(path, durable) as handle:
        handle.write(data)


def write_lines(path: Path, lines: Iterable[str], size: int = WRITE_BLOCK_LINES) -> None:
    """Write text lines atomically, a block at a time, so that a large file is never held in memory."""
    with atomic_writer(path) as handle:
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) >= size:
                handle.write("".join(block).encode("utf-8"))
                block.clear()
        handle.write("".join(block).encode("utf-8"))


# ------------------------------------------------------------------------------------------ owned outputs

STAMP = ".pikg-output"  # written first into every folder a command fills: "pikg release" or "pikg site", then
# rewritten when it is complete with the paths the command wrote below it, one a line


def _stamp_text(kind: str) -> bytes:
    return f"pikg {kind}\n".encode()


def _stamp_written(folder: Path, kind: str) -> None:
    """The stamp of a filled folder: its kind, then every path below it that the command wrote, sorted."""
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p != folder / STAMP)
    write_atomic(folder / STAMP, _stamp_text(kind) + "".join(f"{p}\n" for p in paths).encode("utf-8"))


SITE_MANIFEST = ".pikg-site.json"  # a site's list of its files (kg.site.files), which stamps before lists relied on


def _written(folder: Path) -> set[str] | None:
    """The paths a stamped folder's command wrote: its stamp's list; for a stamp written before stamps listed
    paths, what that command writes (a release's files and folders, the files a site's manifest lists); None when
    not even that is known (everything in the folder is then the command's)."""
    try:
        lines = (folder / STAMP).read_bytes().decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if lines[1:]:
        return set(lines[1:])
    if lines[:1] == ["pikg release"]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
                if p.relative_to(folder).parts[0] in RELEASE_FILES}
    if lines[:1] == ["pikg site"]:
        import json

        try:
            files = json.loads((folder / SITE_MANIFEST).read_bytes()).get("files", {})
        except (OSError, ValueError, AttributeError):
            return None
        written = {SITE_MANIFEST}
        for name in files if isinstance(files, dict) else ():
            parts = str(name).split("/")
            written.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        return written
    return None


def _unlisted(folder: Path, written: set[str]) -> Iterator[Path]:
    """The entries below `folder` that `written` does not list (a listed folder is looked into, an unlisted one
    is one entry), the stamp aside."""
    stack = [folder]
    while stack:
        for entry in sorted(stack.pop().iterdir()):
            rel = entry.relative_to(folder).as_posix()
            if rel == STAMP:
                continue
            if rel not in written:
                yield entry
            elif entry.is_dir() and not entry.is_symlink():
                stack.append(entry)


def _holds_others(folder: Path) -> bool:
    """Whether a folder of ours holds something its stamp does not list (someone's files, carried into it: only
    ever into a folder whose stamp lists what was written, so a stamp without a list means none)."""
    try:
        listed = set((folder / STAMP).read_bytes().decode("utf-8").splitlines()[1:])
    except (OSError, UnicodeDecodeError):
        return False
    return bool(listed) and next(_unlisted(folder, listed), None) is not None


def _others(old: Path, new: Path) -> list[tuple[Path, Path]]:
    """What someone else put into the folder `old` (paths its stamp does not list), each with its place in `new`;
    OutputError, nothing moved, when the new folder writes a file of the same name."""
    written = _written(old)
    if written is None:
        return []
    moves = []
    for entry in _unlisted(old, written):
        place = new / entry.relative_to(old)
        if place.exists() or place.is_symlink():
            raise OutputError(f"{display_path(entry)} was not written by kg, and this run writes a file of that "
                              f"name; move it out of {display_path(old)} and run again")
        moves.append((entry, place))
    return moves


RELEASE_FILES = frozenset({"README.md", "context.jsonld", "dataset.jsonld", "dataset.ttl", "ontology.ttl",
                           "vocabularies.ttl", "shapes.ttl", "shapes-sparql.ttl", "pikg.ttl", "pikg.nt", "pikg.rdf",
                           "pikg.jsonld", "pikg.trig", "pikg.nq", "ro-crate-metadata.json", "mappings.sssom.tsv",
                           "interventions", "interventions.schema.json", "nanopubs"})
RELEASE_FOLDERS = {"interventions": ".jsonld", "nanopubs": ".trig"}  # the release's folders and their files


def _legacy(folder: Path, kind: str) -> bool:
    """A release written before folders were stamped: its dataset description names our dataset and it holds
    nothing but release files (a folder that also holds anything else, such as a .git, is someone's)."""
    if kind != "release":
        return False
    try:
        names = {p.name for p in folder.iterdir()}
        if not names <= RELEASE_FILES:
            return False
        for name, suffix in RELEASE_FOLDERS.items():
            inner = folder / name
            if inner.exists() and (inner.is_symlink() or not inner.is_dir() or any(
                    not p.name.endswith(suffix) or not p.is_file() or p.is_symlink() for p in inner.iterdir())):
                return False
        description = folder / "dataset.ttl"
        mark = f'"{TITLE}"@en'.encode()
        return description.is_file() and not description.is_symlink() and mark in description.read_bytes()
    except OSError:
        return False


def _stamped(folder: Path, kind: str) -> bool:
    stamp = folder / STAMP
    try:
        if not stamp.is_file() or stamp.is_symlink():
            return False
        with stamp.open("rb") as handle:
            return handle.readline() == _stamp_text(kind)
    except OSError:
        return False


def is_our_folder(folder: Path, kind: str) -> bool:
    """Whether `folder` may be replaced by a command that writes a `kind` folder: it is empty, or an earlier
    output of the same kind (stamped, or an unstamped release recognised by its dataset description)."""
    if not folder.is_dir():
        return False
    try:
        if not any(folder.iterdir()):
            return True
    except OSError:
        return False
    return _stamped(folder, kind) or _legacy(folder, kind)


def check_output_folder(out_dir: Path, kind: str) -> Path:
    """The absolute folder to write, or OutputError when it may not be replaced: it is a file, or a folder that is
    neither empty nor an earlier `kind` of ours, or one whose files cannot all be removed."""
    target = Path(os.path.abspath(out_dir))
    if target.is_symlink():
        raise OutputError(f"{display_path(out_dir)} is a symbolic link; give the folder itself")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{display_path(out_dir)} is not a folder; choose an empty or new folder")
    if target.is_dir():
        if not is_our_folder(target, kind):
            raise OutputError(f"{display_path(out_dir)} is not a pikg {kind}; choose an empty or new folder")
        for folder in (target, *(p for p in target.rglob("*") if p.is_dir() and not p.is_symlink())):
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"{display_path(out_dir)} cannot be replaced: {display_path(folder)} is not "
                                  "writable, so its files could not be removed")
    parent = next(p for p in target.parents if p.exists())
    if not parent.is_dir():
        raise OutputError(f"{display_path(parent)} is not a folder; choose another place for {out_dir}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(parent)} is not writable; choose another place for {out_dir}")
    return target


@contextlib.contextmanager
def _folder_lock(parent: Path) -> Iterator[None]:
    """Serialise the commands that replace folders in one parent (a second build of the same folder waits for
    the first instead of failing on its temporary names); the kernel drops the lock if the process dies."""
    import fcntl

    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_tree(folder: Path) -> None:
    """Remove a folder of ours with its stamp last, so that a removal cut short leaves a folder the next run
    still recognises as ours."""
    for entry in folder.iterdir():
        if entry.name == STAMP:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    (folder / STAMP).unlink(missing_ok=True)
    folder.rmdir()


def _remove_stale(target: Path, kind: str) -> None:
    """Temporary siblings left by a killed run of ours (`.NAME.new-*`, `.NAME.old-*` that carry our stamp: a new
    folder is stamped before anything else is written, an old one loses its stamp last); only called under the
    folder lock, so none of them belongs to a running command."""
    for sibling in target.parent.glob(f".{target.name}.*-*"):
        if sibling.name.split("-", 1)[0] in (f".{target.name}.new", f".{target.name}.old") \
                and sibling.is_dir() and not sibling.is_symlink() and _stamped(sibling, kind) \
                and not _holds_others(sibling):  # a run killed while carrying someone's files: left for them
            try:
                _remove_tree(sibling)
            except OSError:
                pass


def replace_folder(out_dir: Path, fill: Callable[[Path], T], kind: str = "release",
                   keep: Callable[[T], bool] = lambda _: True) -> T:
    """Fill a temporary sibling of out_dir, then rename it into place, and return what `fill` returned: readers see
    the old folder or the complete new one, never a half-written mix. When `fill` raises, or `keep` says no to what
    it returned (a graph that failed its verdict), the temporary folder is removed and the old one left as it was.
    Only an absent or empty folder, or an earlier output of the same `kind`, is replaced (OutputError otherwise,
    nothing touched)."""
    target = check_output_folder(out_dir, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target.parent):
        target = check_output_folder(out_dir, kind)  # again: another command may have written it meanwhile
        _remove_stale(target, kind)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        try:
            (tmp / STAMP).write_bytes(_stamp_text(kind))
            result = fill(tmp)
            if not keep(result):
                shutil.rmtree(tmp, ignore_errors=True)
                return result
            for folder in (tmp, *(p for p in tmp.rglob("*") if p.is_dir())):
                os.chmod(folder, 0o777 & ~_umask())  # mkdtemp makes 0700
            _stamp_written(tmp, kind)
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                old.rmdir()
                _swap(target, tmp, old)
                if not _stamped(old, kind):  # an empty folder or an unstamped release: stamp it, then remove it
                    (old / STAMP).write_bytes(_stamp_text(kind))
                try:
                    _remove_tree(old)  # writable (checked above); what is left goes on the next run
                except OSError:
                    pass
            else:
                tmp.rename(target)
        except BaseException:
            if not _holds_others(tmp):  # someone's files that could not be put back stay where they are
                shutil.rmtree(tmp, ignore_errors=True)
            raise
    return result


def _swap(target: Path, new: Path, old: Path) -> None:
    """Carry what others put into `target` over to `new`, then rename `target` to `old` and `new` to `target`;
    a failure on the way puts everything back where it was (nobody's file is left in a folder that is removed)."""
    moved: list[tuple[Path, Path]] = []
    renamed = False
    try:
        for source, place in _others(target, new):
            place.parent.mkdir(parents=True, exist_ok=True)
            source.rename(place)
            moved.append((source, place))
        target.rename(old)
        renamed = True
        new.rename(target)
    except BaseException:
        if renamed and not target.exists():
            old.rename(target)
        for source, place in reversed(moved):
            place.rename(source)
        raise


def folder_files(folder: Path) -> dict[str, Path]:
    """The files a command wrote into an output folder, by relative path (its stamp aside; what others put there
    since is not the command's)."""
    folder = Path(os.path.abspath(folder))
    written = _written(folder)
    return {rel: p for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STAMP and ((rel := p.relative_to(folder).as_posix()) in written
                                                    if written is not None else True)}


def check_output_file(path: Path, ours: Callable[[bytes], bool] | None = None, force: bool = False) -> None:
    """Refuse to overwrite a file the command did not write: an existing non-empty file is replaced only when
    `ours` recognises its content, or with --force; never a folder, a link or a special file."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputError(f"{display_path(path)} is not a regular file; choose a new file name")
    if not path.is_file() or force or path.stat().st_size == 0:
        return
    if ours is not None:
        try:
            with path.open("rb") as handle:
                if ours(handle.read(1 << 20)):
                    return
        except OSError:
            pass
    raise OutputError(f"{display_path(path)} exists and was not written by this command; choose a new file or "
                      "pass --force to overwrite it")
