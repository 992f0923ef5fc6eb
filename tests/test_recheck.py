"""`kg check` after an edit validates only what changed: after every edit of a series, its report must be the
full check's, word for word, and the edits that need no full check must not run one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import BUNDLED, quotes_of
from kg.base.config import Settings
from kg.base.errors import QuoteError
from kg.check.verdict import Checked
from kg.cli import cli
from kg.incremental import recheck, state
from kg.model.build import build
from kg.query import store as stores

TABLE = "Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods"


def _seen(result: Checked) -> tuple:
    """Everything a check reports, as text."""
    def listed(violations: tuple) -> list[tuple[str, ...]]:
        return [(v.constraint_id, str(v.focus), str(v.value), str(v.origin), v.message) for v in violations]

    return (listed(result.report.violations), listed(result.report.conflicts),
            {name: (r.columns, r.rows) for name, r in result.violations.items()},
            result.stats, result.inputs)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_each_edit_gives_the_full_checks_report(corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    records, texts = corpus
    settings = Settings.default(records, texts)
    third = records / "fixture-third-source.yaml"
    abstract = records / "ips-recovery-abstract.yaml"
    first = recheck.check(settings)
    assert [v.constraint_id for v in first.report.conflicts] == ["Intervention-peerSupport--MaxCount"]
    full_check = recheck._full

    def incremental_only(*args: object) -> Checked:
        raise AssertionError("a full check ran")

    hedged, conflict = "Finding-hedgeMatchesStrength--SPARQL", "Intervention-peerSupport--MaxCount"
    edits = [
        # (file, old, new, whether the shortcut must vouch for it, violations and conflicts after it)
        (third, "    strength: stated\n", "    strength: stated\n    hedge: {value: helped, quote: \"IPS) helped\"}\n",
         True, [hedged], [conflict]),  # a hedged finding marked "stated"
        (third, "    sample_size: 20\n",
         "    sample_size: 20\n    country: {value: Denmark, quote: \"In this made-up study\"}\n",
         True, [hedged], [conflict]),
        (third, "peer_support: {value: true,", "peer_support: {value: false,", True, [hedged], []),  # both say no
        (third, "    evaluates: individual placement and support intervention\n", "    evaluates: imr\n", True,
         [hedged, "Finding-studyEvaluatesIntervention--SPARQL"], []),  # one step from the finding
        (third, "    evaluates: imr\n", "    evaluates: [imr, ips]\n", True, [hedged], []),
        (abstract, "    design: qualitative-phenomenological-study\n", "    design: qualitative-synthesis\n", True,
         [hedged], []),
        (third, "  label: A made-up third source (test fixture)\n", f"  label: \"{TABLE}\"\n", True, [hedged], []),
        # two sources of one name: ambiguous-name-violation
        # a record id that another file refers by leaves this file: the full check decides
        (third, "interventions:\n  ips:\n", "interventions:\n  ips-two:\n", False,
         [hedged, "Intervention-name--MinCount"], []),
    ]
    for path, old, new, vouched, violations, conflicts in edits:
        _edit(path, old, new)
        monkeypatch.setattr(recheck, "_full", incremental_only if vouched else full_check)
        quick = recheck.check(settings)
        monkeypatch.setattr(recheck, "_full", full_check)
        monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "fresh-cache"))
        full = recheck.check(settings, full=True)
        monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
        assert _seen(quick) == _seen(full), (old, new)
        assert sorted({v.constraint_id for v in quick.report.violations}) == violations
        assert [v.constraint_id for v in quick.report.conflicts] == conflicts
    assert quick.violations["ambiguous-name-violation"].rows == (
        ("https://w3id.org/pikg/ontology#SourceDocument", TABLE.lower(),
         "https://w3id.org/pikg/id/source/fixture-third-source; https://w3id.org/pikg/id/source/missing-link-table-1"),
    )


def _line_of(path: Path, text: str) -> int:
    """The number of the line of `path` that is `text` (a record's key)."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_reports_after_edits_name_the_right_lines(corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    """A violation found before an edit keeps its record line right when lines above it move."""
    records, texts = corpus
    settings = Settings.default(records, texts)
    third = records / "fixture-third-source.yaml"
    _edit(third, "    strength: stated\n", "    strength: stated\n    hedge: {value: helped, quote: \"IPS) helped\"}\n")
    before = recheck.check(settings)
    line = _line_of(third, "  fixture-ips-personal-recovery:")
    assert [str(v).split(": ")[0] for v in before.report.violations] == [f"{third}:{line}"]
    _edit(third, "source:\n", "# a line more, and no triple changes\nsource:\n")
    after = recheck.check(settings)
    assert [str(v).split(": ")[0] for v in after.report.violations] == [f"{third}:{line + 1}"]


def test_a_changed_source_text_checks_its_quotes_again(corpus: tuple[Path, Path]) -> None:
    records, texts = corpus
    settings = Settings.default(records, texts)
    recheck.check(settings)
    _edit(texts / "fixture-third-source.txt", "which lasted two years", "which lasted three years")
    with pytest.raises(QuoteError) as info:
        recheck.check(settings)
    assert str(info.value).startswith(f"{records / 'fixture-third-source.yaml'}:20: interventions.ips.duration: "
                                      "quote not found verbatim in fixture-third-source.txt: 'which lasted two years'")


def test_kg_check_twice_and_after_an_edit(corpus: tuple[Path, Path]) -> None:
    records, texts = corpus
    runner = CliRunner()
    args = ["check", "--records", str(records), "--sources", str(texts)]
    third = records / "fixture-third-source.yaml"
    third_records = sum(len(v) for k, v in yaml.safe_load(third.read_text(encoding="utf-8")).items() if k != "source")
    triples = len(build(Settings.default(records, texts)).union())
    for _ in range(2):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(  # the bundled records and the third source's, counted from the file, and
            # the triples of a full build of them
            f"OK: {BUNDLED['files'] + 1} files, {BUNDLED['records'] + third_records} records, "
            f"{BUNDLED['quotes'] + quotes_of(third)} quotes, {triples} triples, conforms, 1 conflicts (")
    _edit(records / "fixture-third-source.yaml", "    strength: stated\n",
          "    strength: stated\n    hedge: {value: helped, quote: \"IPS) helped\"}\n")
    failed = runner.invoke(cli, args)
    assert failed.exit_code == 1
    assert (f"fixture-third-source.yaml:{_line_of(third, '  fixture-ips-personal-recovery:')}: "
            "findings.fixture-ips-personal-recovery: A hedged finding (suggested, "
            "possible, apparent) keeps the source's hedge wording; a stated one has none. "
            "[pikgsh:Finding-hedgeMatchesStrength SPARQL; focus "
            "<https://w3id.org/pikg/id/finding/fixture-ips-personal-recovery>]\n") in failed.output
    full = runner.invoke(cli, [*args, "--full"])
    assert full.output == failed.output


def test_a_check_while_another_holds_the_state_checks_everything(corpus: tuple[Path, Path]) -> None:
    """Oxigraph's store opens in one process at a time: a second check runs without it and leaves it be."""
    records, texts = corpus
    settings = Settings.default(records, texts)
    first = recheck.check(settings)
    store = state.check_folder(settings) / "store"
    stores._OPEN.clear()  # as if this were a new process
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", str(store)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        _edit(records / "fixture-third-source.yaml", "peer_support: {value: true,", "peer_support: {value: false,")
        second = recheck.check(settings)
    finally:
        holder.kill()
        holder.wait()
    assert [v.constraint_id for v in first.report.conflicts] == ["Intervention-peerSupport--MaxCount"]
    assert second.report.conflicts == () and second.ok
    assert store.is_dir() and (state.check_folder(settings) / "state.pickle").is_file()


def test_dropping_the_record_a_value_is_derived_from_is_seen_by_the_quick_check(corpus: tuple[Path, Path]) -> None:
    """A derived value names records of other files; renaming one of those leaves the deriving file unchanged,
    yet the quick check must find what the full check finds (regression: it said OK)."""
    from kg.base.errors import RecordError

    records, texts = corpus
    settings = Settings.default(records, texts)
    _edit(records / "missing-link-abstract.yaml", "    data_collection: semi-structured-interview\n",
          "    data_collection: semi-structured-interview\n    sample_size: {value: 12, quote: \"(n = 12)\", "
          "derived_from: samples/ips-denmark-recovery-sample}\n")
    assert recheck.check(settings).report.conforms
    _edit(records / "ips-recovery-abstract.yaml", "  ips-denmark-recovery-sample:\n", "  ips-denmark-sample:\n")
    with pytest.raises(RecordError) as quick:
        recheck.check(settings)
    assert str(quick.value).endswith("studies.missing-link-synthesis.sample_size.derived_from: no record "
                                     "samples/ips-denmark-recovery-sample in any file")
