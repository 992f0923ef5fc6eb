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


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled records and texts plus the made-up third source (a test fixture, never real data)."""
    records, texts = tmp_path / "records", tmp_path / "texts"
    records.mkdir()
    texts.mkdir()
    for path in resource_dir("records").glob("*.yaml"):
        shutil.copy(path, records)
    shutil.copy(THIRD, records)
    for path in SEEDS.iterdir():
        shutil.copy(path, texts)
    shutil.copy(FIXTURE_SOURCES / "fixture-third-source.txt", texts)
    return records, texts


@pytest.fixture()
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`kg` in-process (click's CliRunner) in an empty working folder: run("build", "--out", "x")."""
    from click.testing import CliRunner

    from kg.cli import cli

    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke
