"""Shared fixtures: the bundled graph built once per session, the seeds folder, and an isolated cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kg.base.config import Settings, resource_dir
from kg.model.build import KnowledgeGraph, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE_SOURCES = FIXTURES / "sources"
THIRD = FIXTURES / "records" / "third-source" / "fixture-third-source.yaml"
BUNDLED = json.loads((FIXTURES / "bundled-graph.json").read_text(encoding="utf-8"))  # the counts, stated once


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    os.environ["KG_SOURCES_DIR"] = str(SEEDS)


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    assert SEEDS.is_dir(), f"the tests need the source texts in {SEEDS}"
    return build(Settings.default(sources_dir=SEEDS))


def bundled_plus(root: Path, records: tuple[Path, ...] = (), texts: tuple[Path, ...] = ()) -> tuple[Path, Path]:
    """The bundled records and source texts, copied to `records` and `texts` below root, plus the given fixture
    record files and texts (which may refer to the bundled records): (records folder, texts folder)."""
    records_dir, texts_dir = root / "records", root / "texts"
    records_dir.mkdir()
    texts_dir.mkdir()
    for path in [*resource_dir("records").glob("*.yaml"), *records]:
        shutil.copy(path, records_dir)
    for path in [*SEEDS.iterdir(), *texts]:
        shutil.copy(path, texts_dir)
    return records_dir, texts_dir


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled records and texts plus the made-up third source (a test fixture, never real data)."""
    return bundled_plus(tmp_path, (THIRD,), (FIXTURE_SOURCES / "fixture-third-source.txt",))


@pytest.fixture()
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`kg` in-process (click's CliRunner) in an empty working folder: run("build", "--out", "x")."""
    from click.testing import CliRunner

    from kg.cli import cli

    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke
