"""Shared fixtures: the bundled graph built once per session, the seeds folder, and an isolated cache."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from kg.base.config import Settings, resource_dir
from kg.model.build import KnowledgeGraph, build
from kg.pipeline import site_of
from kg.stores.serve_site import serve_folder

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE_SOURCES = FIXTURES / "sources"
THIRD = FIXTURES / "records" / "third-source" / "fixture-third-source.yaml"
# a made-up second source of Table 1 and of a byline (issue 25), its text beside it (second-view.txt)
SECOND_VIEW = FIXTURES / "records" / "second-view" / "second-view.yaml"
THREE_ARM = tuple(sorted((FIXTURES / "records" / "trial-and-qes").glob("three-arm-trial*.yaml")))
BUNDLED = json.loads((FIXTURES / "bundled-graph.json").read_text(encoding="utf-8"))  # the counts, stated once


RELEASE_DAY, RELEASE_EPOCH = "2026-12-07", "1796601600"  # the suite's release date, as SOURCE_DATE_EPOCH gives it


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A cache of the session's own, the seeds as source texts, and the release dated as reproducible builds date
    it (records copied out of the checkout have no commit to date them; tests/test_metadata.py covers that)."""
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    os.environ["KG_SOURCES_DIR"] = str(SEEDS)
    os.environ["SOURCE_DATE_EPOCH"] = RELEASE_EPOCH

PARAMS = {  # the parameters the tests give each query that needs some, when running every bundled query
    "interventions-with-component": {"component": "peer-exchange"},
    "findings-for-intervention": {"intervention": "IPS"}, "provenance": {"resource": "Turning Points"},
    "themes-for-intervention": {"intervention": "LTAD"},
    "barriers-and-facilitators": {"intervention": "LTAD"}, "big-question": {"intervention": "IMR"}}
QUERY_NAMES = (  # every bundled query, in the order `kg query --list` and error messages give them
    "ambiguous-name-violation", "barriers-and-facilitators", "big-question", "compare-interventions", "conflicts",
    "data-reuse",
    "description-completeness", "evidence-gaps", "findings-for-intervention", "group-peer-support",
    "interventions-by-duration", "interventions-with-component", "outcomes-by-recovery-kind",
    "peer-led-interventions", "peer-support-contrast", "person-candidates", "provenance", "recovery-mechanisms",
    "shared-components", "studies", "study-samples", "themes-for-intervention", "trial-results",
    "unquoted-fact-violation",
    "unsourced-statement-violation",
)


@pytest.fixture(scope="session")
def bundled_kg() -> KnowledgeGraph:
    """The bundled graph (also `kg`, which a module may override with a larger corpus)."""
    assert SEEDS.is_dir(), f"the tests need the source texts in {SEEDS}"
    return build(Settings.default(sources_dir=SEEDS))


@pytest.fixture(scope="session")
def kg(bundled_kg: KnowledgeGraph) -> KnowledgeGraph:
    return bundled_kg


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


@pytest.fixture(scope="session")
def trial_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled graph plus the made-up three-arm trial and its second report (test fixtures, never real data):
    every section of the model has nodes in it, so each shape has something to judge."""
    records, texts = bundled_plus(tmp_path_factory.mktemp("trial-corpus"), THREE_ARM,
                                  tuple(sorted(FIXTURE_SOURCES.glob("three-arm-trial*.txt"))))
    return build(Settings.default(records, texts))


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


# --- the site's tests (tests/test_site.py, tests/test_site_browser.py): the bundled graph's site written once per
# module as `kg site` writes it, served over HTTP on loopback, and one headless chromium (Debian's, installed by
# scripts/browser.sh)

def write_site(kg: KnowledgeGraph, out: Path) -> dict[str, Path]:
    """The site as `kg site` writes it: the release judged and written into download/, then the pages."""
    result, written = site_of(kg, out)
    assert result.ok, result.summary()
    return written


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    write_site(kg, out)
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = serve_folder(site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless chromium for the module (starting one takes about a second)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_script_timeout(120)  # axe on the ontology page takes a few seconds on a busy machine
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def release(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph's release folder, written once per test module."""
    out = tmp_path_factory.mktemp("release") / "release"
    write_release(kg, out)
    return out


def write_release(kg: KnowledgeGraph, out: Path, info: Any = None, helper: bool | None = None) -> dict[str, Path]:
    """The release of a graph that must pass, through the pipeline (kg.pipeline.run_pipeline): its files."""
    from kg.pipeline import run_pipeline

    result = run_pipeline(kg, out, helper=helper, info=info)
    assert result.ok, result.summary()
    return result.written


def quotes_of(path: Path) -> int:
    """The passages a record file cites, counted from the file itself (not by the quote checker it tests): its
    source's quote, each record's quote, and each field whose passage is another (a mapping's own `quote`, or a
    plain text value, which is its own quote, each item of a list of them apart)."""
    from kg.schema import SECTION_BY_NAME

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 1
    for name, records in data.items():
        if name == "source":
            continue
        for record in records.values():
            own = (record["quote"], record.get("quote_in"))
            count += 1
            for key, value in record.items():
                fld = SECTION_BY_NAME[name].field(key)
                if fld is None:  # quote, quote_in
                    continue
                if isinstance(value, dict) and "quote" in value:
                    count += (value["quote"], value.get("quote_in")) != own
                elif fld.kind.own_quote and isinstance(value, str):
                    count += (value, None) != own
                elif fld.kind.own_quote and isinstance(value, list) and all(isinstance(v, str) for v in value):
                    count += sum((v, None) != own for v in value)
    return count
