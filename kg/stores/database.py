"""`kg serve --store D`: a database folder that outlives the server, used by one server at a time, and holding
exactly the release it serves.

D holds a marker (MARKER: that kg serve made it, and the fingerprint of the release it holds), a lock file (LOCK)
and the Oxigraph database (DATABASE). A server takes the lock (flock, which the kernel drops when the process
ends, even by SIGKILL) before it reads or writes anything else there, so a second server on D exits 2 naming it
(two servers on one store would each change what the other serves). A release other than the one D holds is
loaded into a new database beside the old one, which replaces it only once the load is complete: D then holds
exactly the new release (Oxigraph's `load` adds to what a database holds, so loading in place kept the old
release's statements), and a load that fails leaves D as it was. The same release is served as it was left
(with any updates made with --read-write); a store once served with --read-write is never replaced by another
release, since its updates would be lost without a word. Only an absent or empty folder, or one with our marker,
is used: a folder of someone else's files is refused before anything is written into it.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.base.errors import InputError, display_path

MARKER = ".pikg-store"
LOCK = ".pikg-store.lock"
DATABASE = "oxigraph"
RELEASE_FILES = ("pikg.nq", "ontology.ttl")  # what kg serve loads, and so what the fingerprint covers
_HEAD = b"pikg-store\n"


def fingerprint(release: Path) -> str:
    """The SHA-256 of the files kg serve loads from a release, with their names."""
    digest = hashlib.sha256()
    for name in RELEASE_FILES:
        digest.update(name.encode() + b"\0")
        with (release / name).open("rb") as file:
            while block := file.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


def _held(folder: Path) -> tuple[str | None, bool]:
    """The fingerprint of the release the marker says D holds, or None (none yet, or a swap cut short), and
    whether it was served with --read-write (so it may hold updates of its own)."""
    lines = (folder / MARKER).read_bytes()[len(_HEAD):].decode("ascii", "replace").split()
    held = lines[1] if lines[:1] == ["release"] and len(lines) > 1 else None
    return held, "read-write" in lines


def _mark(folder: Path, release: str | None, updated: bool = False) -> None:
    """Write the marker atomically (a temporary file renamed over it)."""
    text = _HEAD + (f"release {release}\n".encode() if release else b"") + (b"read-write\n" if updated else b"")
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f"{MARKER}.", delete=False) as file:
        file.write(text)
    os.replace(file.name, folder / MARKER)


def _check(folder: Path) -> None:
    """InputError unless `folder` is absent, empty (but for our lock file) or marked as ours."""
    shown = display_path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--store {shown}: not a folder; give a folder for the database (a new or empty one, or "
                         "one an earlier `kg serve --store` made)")
    if not folder.exists():
        return
    marker = folder / MARKER
    try:
        names = sorted(p.name for p in folder.iterdir())
        ours = marker.is_file() and not marker.is_symlink() and marker.read_bytes().startswith(_HEAD)
    except OSError as exc:
        raise InputError(f"--store {shown}: cannot read it ({exc.strerror or exc})") from None
    if ours or set(names) <= {LOCK}:
        return
    legacy = (" (CURRENT and IDENTITY are an Oxigraph database an earlier kg serve wrote there itself: remove the "
              "folder and kg serve loads the release again)" if {"CURRENT", "IDENTITY"} <= set(names) else "")
    raise InputError(f"--store {shown}: the folder holds files kg serve did not put there ({', '.join(names[:3])}"
                     f"{', …' if len(names) > 3 else ''}); give a new or empty folder, or one an earlier `kg serve "
                     f"--store` made (it holds {MARKER}){legacy}")


def _lock(folder: Path) -> int:
    """The open lock file of `folder`, locked for this process (InputError if another process holds it)."""
    shown = display_path(folder)
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(f"--store {shown}: cannot open its lock file {LOCK} ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InputError(f"--store {shown}: another kg serve is serving this store (it holds {LOCK}); stop it "
                         "first, or give another --store") from None
    return fd


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def kept_store(folder: Path, release: Path, load: Callable[[Path], None], read_write: bool = False
               ) -> Iterator[Path]:
    """The database folder in `folder` holding exactly `release` (loaded by `load` into a new folder when it
    holds anything else), locked for as long as the context lasts. A store once served with --read-write
    (`read_write`) may hold updates no release has: it is never replaced by another release (InputError)."""
    folder = Path(os.path.abspath(folder))
    _check(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--store {display_path(folder)}: cannot make it ({exc.strerror or exc})") from None
    fd = _lock(folder)
    try:
        _check(folder)  # again, under the lock: another server may have written it meanwhile
        if not (folder / MARKER).is_file():
            _mark(folder, None)  # first of all, so that what a killed load leaves is still ours
        for stale in folder.glob(f"{DATABASE}.*-*"):  # temporaries of a killed run (no other run holds the lock)
            _remove(stale)
        database, wanted = folder / DATABASE, fingerprint(release)
        held, updated = _held(folder)
        if held is not None and held != wanted and updated:
            raise InputError(f"--store {display_path(folder)}: it holds another release, served with --read-write, "
                             "so it may hold updates that no release has, which serving this release would discard; "
                             "give another --store, or remove the folder to start again from this release")
        if held != wanted or not database.is_dir() or database.is_symlink():
            new = Path(tempfile.mkdtemp(prefix=f"{DATABASE}.new-", dir=folder))
            try:
                load(new)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            _mark(folder, None)  # while the databases are swapped, the marker claims neither
            old = Path(tempfile.mkdtemp(prefix=f"{DATABASE}.old-", dir=folder))
            if database.exists() or database.is_symlink():
                os.replace(database, old / DATABASE)
            new.rename(database)
            _mark(folder, wanted)
            _remove(old)
        if read_write and not updated:
            _mark(folder, wanted, updated=True)  # before any update can be made
        yield database
    finally:
        os.close(fd)
