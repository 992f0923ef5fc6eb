"""Hostile cache states: nothing in $KG_CACHE_DIR is trusted or executed (issue 11, item 7). Each case fills the
cache with a real `kg query`, then damages it; the next query must give the true answer and exit 0."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from case import Case

QUERY = ("query", "compare-interventions", "--format", "csv", "--records", "{records}", "--sources", "{sources}")
TRUE = ("Individual placement and support,To help people with severe mental illness obtain competitive employment",
        "Turning Points,")


def _fill(ws: Path) -> None:
    env = {**os.environ, "KG_CACHE_DIR": str(ws / "cache"), "HOME": str(ws / "home"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for args in (QUERY, ("query", "peer-led-interventions", "--records", "{records}", "--sources", "{sources}")):
        subprocess.run([sys.executable, "-m", "kg", *(a.format(records=ws / "records", sources=ws / "sources")
                                                      for a in args)], env=env, check=True, capture_output=True)


def _damage(suffix: str, change: Callable[[bytes], bytes]):
    def setup(ws: Path) -> None:
        _fill(ws)
        paths = sorted((ws / "cache").glob(f"*{suffix}"))
        assert paths, f"no cached *{suffix} file to damage"
        for path in paths:
            path.write_bytes(change(path.read_bytes()))
    return setup


class _Pwn:
    def __reduce__(self) -> tuple:
        return (Path.touch, (Path(os.environ.get("KG_PWNED", "/nonexistent/pwned")),))


def _planted_pickle(ws: Path) -> None:
    _fill(ws)
    for path in (ws / "cache").glob("*.nq"):
        os.environ["KG_PWNED"] = str(ws / "pwned")
        path.with_suffix(".pickle").write_bytes(pickle.dumps(_Pwn()))
        del os.environ["KG_PWNED"]


def _no_code_ran(ws: Path) -> None:
    assert not (ws / "pwned").exists(), "a planted pickle ran code"


def _cache_is_a_file(ws: Path) -> None:
    (ws / "cache").rmdir()
    (ws / "cache").write_text("not a folder\n")


def _foreign_answer(ws: Path) -> None:
    _fill(ws)
    for path in (ws / "cache").glob("*.txt"):
        path.write_text("intervention\nsomething else entirely\n")


CASES = [
    Case("cache-truncated-nquads", QUERY, 0, TRUE, _damage(".nq", lambda b: b[: len(b) // 2]), seconds=20),
    Case("cache-empty-nquads", QUERY, 0, TRUE, _damage(".nq", lambda b: b""), seconds=20),
    Case("cache-random-nquads", QUERY, 0, TRUE, _damage(".nq", lambda b: os.urandom(4096)), seconds=20),
    Case("cache-edited-nquads", ("query", "compare-interventions", "-p", "x=y"), 2, ("has no parameter 'x'",),
         _damage(".nq", lambda b: b.replace(b"Turning Points", b"Turning Pointz")), seconds=20),
    Case("cache-edited-nquads-answer", ("query", "interventions-with-component", "-p", "component=relapse prevention",
                                        "--records", "{records}", "--sources", "{sources}"), 0,
         ("Illness management and recovery",), _damage(".nq", lambda b: b.replace(b"relapse", b"relapze")), seconds=20),
    Case("cache-truncated-answer", QUERY, 0, TRUE, _damage(".txt", lambda b: b[:40]), seconds=20),
    Case("cache-random-answer", QUERY, 0, TRUE, _damage(".txt", lambda b: os.urandom(200)), seconds=20),
    Case("cache-empty-answer", QUERY, 0, TRUE, _damage(".txt", lambda b: b""), seconds=20),
    Case("cache-foreign-answer", QUERY, 0, TRUE, _foreign_answer, seconds=20),
    Case("cache-planted-pickle", ("stats", "--records", "{records}", "--sources", "{sources}"), 0,
         ("Triples:",), _planted_pickle, seconds=20, after=_no_code_ran),
    Case("cache-dir-is-a-file", QUERY, 0, TRUE, _cache_is_a_file, unchanged=("records", "sources", "cache")),
]


def _planted_state(ws: Path) -> None:
    """A real check's state replaced by a sealed pickle that would touch ws/pwned when loaded by pickle.load."""
    env = {**os.environ, "KG_CACHE_DIR": str(ws / "cache"), "HOME": str(ws / "home"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    subprocess.run([sys.executable, "-m", "kg", "check", "--records", str(ws / "records"), "--sources",
                    str(ws / "sources")], env=env, check=True, capture_output=True)
    from kg.query.cache import write_state

    states = sorted((ws / "cache").rglob("*.pickle"))
    assert states
    os.environ["KG_PWNED"] = str(ws / "pwned")
    try:
        for path in states:
            write_state(path, _Pwn())
    finally:
        del os.environ["KG_PWNED"]


CASES += [
    Case("cache-planted-check-state", ("check", "--records", "{records}", "--sources", "{sources}"), 0,
         ("OK:", "conforms"), _planted_state, seconds=30, after=_no_code_ran),
    Case("cache-truncated-check-state", ("check", "--records", "{records}", "--sources", "{sources}"), 0,
         ("OK:",), lambda ws: (_planted_state(ws), [p.write_bytes(p.read_bytes()[:10])
                                                    for p in (ws / "cache").rglob("*.pickle")]), seconds=30),
]
