"""The catalogue of hostile inputs (tests/hostile/cases_*.py): each case runs through the real `kg` command in a
fresh process and must end with its exit code, a message with its key words, no traceback, nothing changed that
should not change, and within its time bound. Grow it with every bug."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from kg.base.config import resource_dir

HOSTILE = Path(__file__).resolve().parent / "hostile"
sys.path.insert(0, str(HOSTILE))
from case import INPUTS, Case  # noqa: E402


def _load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(HOSTILE.glob("cases_*.py")):
        spec = importlib.util.spec_from_file_location(f"hostile_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    return cases


CASES = _load_cases()
MINIMUM = 244  # the catalogue only grows: a case removed fails here (raise it as cases are added)


def test_the_catalogue_is_large_and_its_ids_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) >= MINIMUM, f"{len(ids)} hostile cases; the catalogue promises at least {MINIMUM}"
    assert len(set(ids)) == len(ids), sorted({i for i in ids if ids.count(i) > 1})


def _snapshot(path: Path) -> dict[str, str]:
    """Every entry below path: files by content hash, links by target, folders by name (FIFOs are not read)."""
    if not path.exists() and not path.is_symlink():
        return {}
    out: dict[str, str] = {}
    entries = [path, *sorted(path.rglob("*"))] if path.is_dir() and not path.is_symlink() else [path]
    for entry in entries:
        rel = entry.relative_to(path).as_posix()
        if entry.is_symlink():
            out[rel] = "-> " + os.readlink(entry)
        elif entry.is_file():
            out[rel] = hashlib.sha256(entry.read_bytes()).hexdigest()
        elif entry.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = "special"
    return out


def _workspace(tmp: Path) -> Path:
    ws = tmp / "ws"
    shutil.copytree(resource_dir("records"), ws / "records")
    shutil.copytree(SEEDS, ws / "sources")
    for name in ("cache", "home", "keep"):
        (ws / name).mkdir()
    return ws


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    if case.setup:
        case.setup(ws)
    before = {name: _snapshot(ws / name) for name in case.unchanged}
    places = {"ws": str(ws), "records": str(ws / "records"), "sources": str(ws / "sources"),
              "cache": str(ws / "cache"), "inputs": str(INPUTS)}
    args = [a.format(**places) for a in case.args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update({"HOME": str(ws / "home"), "KG_CACHE_DIR": str(ws / "cache"), "KG_SOURCES_DIR": str(ws / "sources"),
                "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    env.update({k: v.format(**places) for k, v in case.env.items()})
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *args], cwd=ws, env=env, input=case.stdin,
                              stdin=None if case.stdin else subprocess.DEVNULL, capture_output=True,
                              timeout=case.seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg {' '.join(args)} ran past {case.seconds} s")
    elapsed = time.monotonic() - start
    out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out, out
    assert done.returncode == case.exit, f"exit {done.returncode} ({elapsed:.1f} s):\n{out}"
    for word in case.words:
        assert word.lower() in out.lower(), f"{word!r} not in:\n{out}"
    for word in case.absent:
        assert word.format(**places) not in out, f"{word!r} leaked:\n{out}"
    for name in case.unchanged:
        assert _snapshot(ws / name) == before[name], f"{name} changed"
    if case.after:
        case.after(ws)
