"""Record loading: every curator mistake gets one exact message naming file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, quotes_of
from kg.base.config import Settings
from kg.base.errors import QuoteError, RecordError
from kg.cli import cli
from kg.model.build import build

INVALID = sorted((FIXTURES / "records" / "invalid").glob("*.yaml"))


def test_invalid_examples_are_all_collected() -> None:
    """Every file of the folder is a case, and every case says what message it expects."""
    folder = FIXTURES / "records" / "invalid"
    assert INVALID and sorted(p.name for p in folder.iterdir()) == [p.name for p in INVALID]
    assert [p.name for p in INVALID if not p.read_text(encoding="utf-8").startswith("# expect: ")] == []


def _build_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_file: Path):
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(record_file, records / record_file.name)
    monkeypatch.chdir(tmp_path)
    return build(Settings.default(Path("records"), FIXTURE_SOURCES))


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_record_file_gives_its_exact_message(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(RecordError) as info:
        _build_alone(tmp_path, monkeypatch, case)
    assert str(info.value) == expected


def test_quote_error_shows_closest_passage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(QuoteError) as info:
        _build_alone(tmp_path, monkeypatch, FIXTURES / "records" / "invalid" / "quote-not-found.yaml")
    assert info.value.line == 11
    assert info.value.field == "interventions.ix.aim"
    assert info.value.problem.endswith(
        "the closest passage is 'Intervention X (IX) helps people with made-up conditions'"
    )


def test_valid_fixture_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kg = _build_alone(tmp_path, monkeypatch, FIXTURES / "records" / "valid" / "fixture.yaml")
    assert kg.quotes.checked == quotes_of(FIXTURES / "records" / "valid" / "fixture.yaml")
    assert kg.quotes.missing_texts == ()


def test_missing_source_text_skips_quote_check_and_says_so(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(FIXTURES / "records" / "valid" / "fixture.yaml", records)
    kg = build(Settings.default(records, tmp_path / "no-such-folder"))
    assert kg.quotes.checked == 0
    assert kg.quotes.missing_texts == ("fixture-source.txt",)


def test_reference_across_files_resolves(kg) -> None:
    """The abstract's file refers to `ips` and to a population defined in the table's file."""
    ids = {(r.section.name, r.id, r.file.name) for f in kg.files for r in f.records}
    assert ("interventions", "ips", "missing-link-table-1.yaml") in ids
    assert ("interventions", "ips", "ips-recovery-abstract.yaml") in ids


def test_every_bundled_quote_is_checked(kg) -> None:
    assert kg.quotes.missing_texts == ()
    assert kg.quotes.checked == BUNDLED["quotes"]


def test_missing_records_folder(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="records folder not found"):
        build(Settings.default(tmp_path / "nope", FIXTURE_SOURCES))


def test_duplicate_source_id_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(FIXTURES / "records" / "valid" / "fixture.yaml", records / name)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordError) as info:
        build(Settings.default(Path("records"), FIXTURE_SOURCES))
    assert str(info.value) == (
        "records/b.yaml:3: source.id: source id 'fixture' is already used by records/a.yaml"
    )


def test_check_reports_progress_on_a_large_corpus(tmp_path: Path) -> None:
    """A corpus of many files shows a progress bar while loading (forced here: the test has no terminal)."""
    records = tmp_path / "records"
    records.mkdir()
    text = (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8")
    for n in range(25):
        own = text.replace("id: fixture\n", f"id: fixture-{n:02}\n").replace(
            "label: Made-up fixture source\n", f"label: Made-up fixture source {n}\n")
        (records / f"fixture-{n:02}.yaml").write_text(own, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--progress", "--records", str(records),
                                      "--sources", str(FIXTURES / "sources")])
    assert result.exit_code == 0, result.output
    assert "Loading records" in result.stderr
    one = FIXTURES / "records" / "valid" / "fixture.yaml"
    records = sum(len(v) for k, v in yaml.safe_load(one.read_text(encoding="utf-8")).items() if k != "source")
    assert result.stdout.startswith(f"OK: 25 files, {25 * records} records, {25 * quotes_of(one)} quotes, ")
