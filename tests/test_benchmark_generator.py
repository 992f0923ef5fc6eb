"""The benchmark's synthetic corpus stays a valid corpus: it builds, every quote is found, and it conforms."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import BUNDLED, ROOT
from kg.base.config import Settings
from kg.check.validate import validate
from kg.model.build import build
from kg.model.stats import compute_stats

sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate


def test_generated_corpus_builds_and_conforms(tmp_path: Path) -> None:
    assert generate(tmp_path, 10_000) == 2
    kg = build(Settings.default(tmp_path / "records", tmp_path / "texts"))
    assert kg.quotes.missing_texts == ()
    vocabularies = BUNDLED["graphs"]["https://w3id.org/pikg/vocab/"]  # the bundled vocabularies, as counted
    assert compute_stats(kg).triples == 7484 + vocabularies  # the generated records (stable) and the vocabularies
    assert validate(kg).conforms


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "a", 10_000)
    generate(tmp_path / "b", 10_000)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files and all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
