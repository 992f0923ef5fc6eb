"""Shared fixtures: the bundled graph built once per session, the seeds folder, and an isolated cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import KnowledgeGraph, build
from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE_SOURCES = FIXTURES / "sources"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    os.environ["KG_SOURCES_DIR"] = str(SEEDS)


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    assert SEEDS.is_dir(), f"the tests need the source texts in {SEEDS}"
    return build(Settings.default(sources_dir=SEEDS))
