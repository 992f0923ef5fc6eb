"""How the site's files are written: into the fresh folder that replaces the old one whole (kg.base.files
.replace_folder), and a page whose bytes are those of the previous site's same page (compared, not assumed) is
hard-linked from it rather than written again, so that its modification time stays that of the last real
change (what rsync, HTTP caches and a reviewer's "what changed?" go by).

The manifest (`.pikg-site.json`) records each file's SHA-256, size and modification time, and the fingerprint of
every input of the site: `kg site` with nothing changed and no file touched stops before building anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from stat import S_ISREG
from typing import Any

from kg.base.files import SITE_MANIFEST

MANIFEST = SITE_MANIFEST  # the files written and their fingerprint (its name is kg.base.files' to know)
MANIFEST_VERSION = 1
MANIFEST_MAX_BYTES = 256 << 20  # a manifest lists ~100 bytes a file: far more than a million files' worth


def read_manifest(folder: Path | None) -> dict[str, Any]:
    """The previous site's manifest, or an empty one (no site, an unreadable or foreign manifest)."""
    if folder is None:
        return {}
    try:
        path = folder / MANIFEST
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MANIFEST_MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(
            data.get("fingerprint"), str) or not isinstance(data.get("files"), dict):
        return {}
    for name, entry in data["files"].items():
        if not _inside(name) or not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                                     and all(isinstance(x, int) and not isinstance(x, bool) for x in entry[1:])):
            return {}  # not a manifest we wrote: a name outside the folder is never even looked at
    return data


def _inside(name: object) -> bool:
    """A relative path that stays inside the site folder (no "..", not absolute, no empty or odd segment)."""
    if not isinstance(name, str) or not name or name.startswith("/") or "\\" in name or "\0" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def intact(folder: Path, manifest: dict[str, Any]) -> bool:
    """Every file the manifest lists is there, a regular file (not a link put in its place, whatever its target's
    size and time), with the size and modification time it had when written (a file edited or removed since makes
    the site stale)."""
    files = manifest.get("files", {})
    if not files:
        return False
    for name, entry in files.items():
        try:
            stat = (folder / name).lstat()
        except OSError:
            return False
        if not S_ISREG(stat.st_mode) or [stat.st_size, stat.st_mtime_ns] != entry[1:3]:
            return False
    return True


class PageWriter:
    """Writes the site's files into `folder`, reusing the previous site's unchanged ones (`previous`, its folder,
    with its manifest); `written` maps each file to [sha256, size, mtime_ns] for the next manifest."""

    def __init__(self, folder: Path, previous: Path | None = None) -> None:
        self.folder = folder
        self.previous = previous
        old = read_manifest(previous)
        self.old: dict[str, list[Any]] = old.get("files", {}) if previous is not None else {}
        self.written: dict[str, list[Any]] = {}
        self.reused = 0

    def write(self, name: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        entry = self.old.get(name)
        if entry is not None and entry[0] == digest and self.previous is not None and self._link(name, entry, data):
            self.reused += 1
        else:
            target.write_bytes(data)
        stat = target.stat()
        self.written[name] = [digest, stat.st_size, stat.st_mtime_ns]

    def _link(self, name: str, entry: list[Any], data: bytes) -> bool:
        """Hard-link the previous site's file when it is a regular file of that folder alone (no link leads out,
        no other name shares it) holding exactly these bytes: its manifest is only a hint."""
        assert self.previous is not None
        source = self.previous / name
        try:
            stat = source.lstat()
            if (not S_ISREG(stat.st_mode) or stat.st_nlink != 1 or [stat.st_size, stat.st_mtime_ns] != entry[1:3]
                    or not source.resolve().is_relative_to(self.previous.resolve())
                    or source.read_bytes() != data):
                return False
            os.link(source, self.folder / name)
        except OSError:
            return False
        return True

    def manifest(self, fingerprint: str) -> bytes:
        return (json.dumps({"version": MANIFEST_VERSION, "fingerprint": fingerprint,
                            "files": dict(sorted(self.written.items()))}, indent=0, sort_keys=True) + "\n").encode()
