"""Hostile inputs for `kg serve --store` from the second hostile probe (issue 25): a store another server holds
(a second server on one store was not locked out), folders that are not a store of ours (a user's notes, a
file, an Oxigraph database an earlier version wrote in place), planted links where the lock file and the marker
go, and a release that fails to load into a store holding another (the store must be left as it was). Each ends
with exit 2 and one line before anything is served, and changes nothing under ws/keep. What needs a running
server (deep nesting, the time limit, the replace, kg serve-site's links) is in tests/test_serve.py."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from case import INPUTS, Case

REMOTE = INPUTS / "remote"
SERVE = ("serve", "--release", "{ws}/keep/release", "--port", "0", "--store")
STORE = "{ws}/keep/store"
_HELD: dict[Path, int] = {}  # lock files held by this process for a case, by workspace


def _release(ws: Path, nq: str) -> None:
    folder = ws / "keep" / "release"
    folder.mkdir(parents=True)
    shutil.copy(REMOTE / nq, folder / "pikg.nq")
    shutil.copy(REMOTE / "ontology.ttl", folder / "ontology.ttl")


def store(files: dict[str, str | None], nq: str = "good.nq", hold: bool = False) -> Callable[[Path], None]:
    """A release and ws/keep/store holding `files` (None: a folder; a value starting with -> a link to that path
    below ws/keep); `hold` takes the store's lock as a running server would."""
    def setup(ws: Path) -> None:
        _release(ws, nq)
        folder = ws / "keep" / "store"
        folder.mkdir()
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if content is None:
                path.mkdir()
            elif content.startswith("->"):
                path.symlink_to(ws / "keep" / content[2:])
            else:
                path.write_text(content, encoding="utf-8")
        if hold:
            fd = os.open(folder / ".pikg-store.lock", os.O_RDWR | os.O_CREAT)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _HELD[ws] = fd

    return setup


def release_lock(ws: Path) -> None:
    os.close(_HELD.pop(ws))


OURS = "pikg-store\nrelease 0000000000000000000000000000000000000000000000000000000000000000\n"

CASES: list[Case] = [
    # a second server on a store another holds: exit 2 naming the store, nothing loaded into it
    Case("serve-store-locked", (*SERVE, STORE), 2,
         ("error: --store keep/store: another kg serve is serving this store", "stop it first"),
         setup=store({".pikg-store": OURS, "oxigraph/CURRENT": "the database the other server serves\n"},
                     hold=True), after=release_lock),
    # folders that are not a store of ours are refused before anything is written into them (not even the lock)
    Case("serve-store-someone-elses-folder", (*SERVE, STORE), 2,
         ("--store keep/store: the folder holds files kg serve did not put there (NOTES.md)", "new or empty folder"),
         setup=store({"NOTES.md": "my notes\n"})),
    Case("serve-store-many-files-named-three", (*SERVE, STORE), 2,
         ("did not put there (a.txt, b.txt, c.txt, …)",),
         setup=store({"a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d"})),
    Case("serve-store-a-file", (*SERVE, "{ws}/keep/release/pikg.nq"), 2,
         ("invalid value for '--store'", "pikg.nq' is a file"), setup=store({})),
    Case("serve-store-database-written-in-place", (*SERVE, STORE), 2,
         ("did not put there (CURRENT, IDENTITY, LOCK, …)", "an Oxigraph database an earlier kg serve wrote there",
          "remove the folder"),
         setup=store({"CURRENT": "MANIFEST-000005\n", "IDENTITY": "x\n", "LOCK": "", "OPTIONS-000007": ""})),
    Case("serve-store-marker-is-a-link", (*SERVE, STORE), 2,
         ("did not put there (.pikg-store)",),
         setup=lambda ws: (store({".pikg-store": "->marker"})(ws),
                           (ws / "keep" / "marker").write_text(OURS)) and None),
    # a link planted where the lock file goes: not followed, its target untouched
    Case("serve-store-lock-is-a-link", (*SERVE, STORE), 2,
         ("--store keep/store: cannot open its lock file .pikg-store.lock",),
         setup=lambda ws: ((ws / "keep" / "victim.txt").write_text("not kg serve's\n"),
                           store({".pikg-store": OURS, ".pikg-store.lock": "->victim.txt"})(ws)) and None),
    # a release that fails to load into a store holding another: the store is left as it was (the new database
    # is loaded beside the old one and removed)
    Case("serve-store-failed-load-keeps-the-old-release", (*SERVE, STORE), 2,
         ("pikg.nq: oxigraph could not load it", "line 2"),
         setup=store({".pikg-store": OURS, ".pikg-store.lock": "", "oxigraph/CURRENT": "the old release\n"},
                     nq="corrupt.nq"), seconds=20),
]
