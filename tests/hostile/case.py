"""The hostile-input catalogue's case type. Each `cases_*.py` module beside this one lists `CASES`; the
parametrised test in tests/test_hostile.py runs each through the real `kg` command in a fresh process.

A case runs in a workspace of its own (`ws`): `ws/records` (a copy of the packaged records), `ws/sources` (a copy
of the source texts), `ws/cache` ($KG_CACHE_DIR), `ws/home` ($HOME), the working directory `ws`. Arguments may
name them as {ws}, {records}, {sources}, {cache}, {inputs} (tests/hostile/inputs). `setup` prepares anything
else (a planted cache file, a FIFO, a symlink); `unchanged` lists the workspace paths whose content must be the
same afterwards (by default the records, the sources and anything setup made under `ws/keep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

INPUTS = Path(__file__).resolve().parent / "inputs"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    exit: int
    words: tuple[str, ...]  # each must occur (case-insensitively) in stdout + stderr
    setup: Callable[[Path], None] | None = None  # given the workspace, before the command runs
    unchanged: tuple[str, ...] = ("records", "sources", "keep")
    seconds: float = 15.0  # the command must finish within this (it is killed after)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    absent: tuple[str, ...] = ()  # strings that must NOT occur in stdout + stderr (a leaked secret)
    after: Callable[[Path], None] | None = None  # extra assertions on the workspace afterwards
