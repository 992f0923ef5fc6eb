"""The `kg` command, run in-process: exit codes, exact messages, and every command documented."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, ROOT, SEEDS
from kg import __version__
from kg.base.files import RELEASE_FILES, RELEASE_FOLDERS
from kg.cli import cli

COMMANDS = ["build", "release", "check", "validate", "query", "export", "stats", "conflicts", "new", "schema",
            "import-table", "site", "serve-site", "publish", "serve"]


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"kg, version {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"kg {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_commands_list_is_complete() -> None:
    assert sorted(cli.commands) == sorted(COMMANDS)


def test_build_prints_summary_and_writes_files(run, tmp_path: Path) -> None:
    result = run("build", "--out", "release", "--sources", str(SEEDS))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    counts = BUNDLED["classes"]
    assert lines[1] == f"Quotes: {BUNDLED['quotes']} checked verbatim against the source texts in {SEEDS}"
    assert lines[2] == f"Triples: {BUNDLED['triples']} in {len(BUNDLED['graphs']) - 1} named graphs"  # not ontology
    assert lines[3] == "  " + ", ".join(f"{c.split(':')[1]} {counts[c]}" for c in (
        "pikg:Intervention", "pikg:InterventionComponent", "pikg:Study", "schema:ScholarlyArticle", "foaf:Person",
        "pikg:Outcome", "pikg:Finding", "pikg:Passage"))
    assert lines[4] == "Validation: conforms to the shapes"
    assert lines[5] == "Violation queries: 3 run, none returned rows"
    findings, interventions = BUNDLED["classes"]["pikg:Finding"], BUNDLED["classes"]["pikg:Intervention"]
    files = len(RELEASE_FILES - set(RELEASE_FOLDERS))
    assert lines[6].startswith(f"Wrote {files + interventions + findings} files (")
    assert lines[6].endswith(" bytes) to release/:")
    assert lines[7].startswith("  README.md (")
    assert lines[-2:] == [f"  nanopubs/: {findings} nanopublications (TriG), one per finding",
                          f"  interventions/: {interventions} framed JSON-LD documents"]
    assert sorted(p.name for p in (tmp_path / "release").iterdir()) == [
        ".pikg-output", "README.md", "context.jsonld", "dataset.jsonld", "dataset.ttl", "interventions",
        "interventions.schema.json", "mappings.sssom.tsv", "nanopubs", "ontology.ttl", "pikg.jsonld", "pikg.nq",
        "pikg.nt", "pikg.rdf", "pikg.trig", "pikg.ttl", "ro-crate-metadata.json", "shapes-sparql.ttl", "shapes.ttl",
        "vocabularies.ttl"]


def test_query_csv(run) -> None:
    result = run("query", "peer-led-interventions", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == (
        "intervention,led_by\n"
        "Learn how to tackle anxiety and depression,peer-worker\n"
        "Turning Points,peer-worker\n"
    )


def test_query_table_and_cached_answer_are_identical(run) -> None:
    first = run("query", "interventions-by-duration", "--param", "max=P3M")
    second = run("query", "interventions-by-duration", "--param", "max=P3M")
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output == (
        "intervention                                duration                                            value  days"
        "  qualifier\n"
        "------------------------------------------  --------------------------------------------------  -----  ----"
        "  -----------\n"
        "Learn how to tackle anxiety and depression  7 weeks                                             P49D   49"
        "    exact\n"
        "Turning Points                              Approximately three months depending on the course  P3M    90"
        "    approximate\n"
        "(2 rows)\n"
    )


def test_query_json(run) -> None:
    result = run("query", "interventions-with-component", "-p", "component=role modelling", "--format", "json")
    assert result.exit_code == 0
    assert result.output == (
        '[\n  {\n    "intervention": "Learn how to tackle anxiety and depression",\n'
        '    "component_label": "role modelling"\n  }\n]\n'
    )


def test_query_list_names_every_query(run) -> None:
    result = run("query", "--list")
    assert result.exit_code == 0
    assert "findings-for-intervention: Findings for an intervention" in result.output
    assert "    --param max=... (duration, optional):" in result.output
    assert result.output.count(": ") >= 14


@pytest.mark.parametrize(("args", "message"), [
    (["query", "nope"], "error: unknown query 'nope'. Known queries: ambiguous-name-violation, "
     "barriers-and-facilitators, big-question, compare-interventions, conflicts, data-reuse, description-completeness, "
     "evidence-gaps, findings-for-intervention, group-peer-support, interventions-by-duration, "
     "interventions-with-component, outcomes-by-recovery-kind, peer-led-interventions, peer-support-contrast, "
     "person-candidates, provenance, recovery-mechanisms, shared-components, studies, study-samples, "
     "themes-for-intervention, trial-results, unquoted-fact-violation, unsourced-statement-violation\n"),
    (["query", "findings-for-intervention"], "error: query findings-for-intervention needs --param "
     "intervention=VALUE: the intervention, by name, acronym (IPS), record id or IRI\n"),
    (["query", "findings-for-intervention", "-p", "intervention=XYZ"],
     "error: parameter intervention: no Intervention is named 'XYZ' (give a label, an acronym, a record id or an "
     "IRI)\n"),
])
def test_query_input_errors_exit_2_with_one_message(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.output == message


def test_bad_param_syntax_is_a_usage_error(run) -> None:
    result = run("query", "peer-led-interventions", "--param", "x")
    assert result.exit_code == 2
    assert "Error: --param expects NAME=VALUE, got 'x'" in result.output


def test_broken_record_file_exits_2_without_traceback(run, tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(FIXTURES / "records" / "invalid" / "wrong-duration.yaml", records)
    result = run("build", "--records", "records", "--sources", str(FIXTURE_SOURCES))
    assert result.exit_code == 2
    assert result.output == (
        "error: records/wrong-duration.yaml:11: interventions.ix.duration.value: expected an xsd:duration such as "
        "P9M, P3M or P49D (P[nY][nM][nD][T[nH][nM][nS]], each number of at most 6 digits; write weeks as days), "
        "got '9 monts'\n"
    )
    assert not (tmp_path / "out").exists()


def test_validation_failure_exits_1(run, tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    lines = (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8").splitlines(True)
    (records / "fixture.yaml").write_text("".join(ln for ln in lines if not ln.startswith("    name:")),
                                          encoding="utf-8")
    result = run("validate", "--records", "records", "--sources", str(FIXTURE_SOURCES))
    assert result.exit_code == 1
    assert result.output == (
        "Validation: does not conform to the shapes: 1 violation(s)\n"
        "  records/fixture.yaml:11: interventions.ix: An intervention has a name (skos:prefLabel), an English "
        "text; at least one. Put other names in alt_names. A second value that is not a typographic variant of the "
        "first is refused by the SHACL-SPARQL constraint pikgsh:OneValue. "
        "[pikgsh:Intervention-name MinCount; focus <https://w3id.org/pikg/id/intervention/ix>]\n"
        "Violation queries: 3 run, none returned rows\n"
    )
    built = run("build", "--records", "records", "--sources", str(FIXTURE_SOURCES))
    assert built.exit_code == 1
    assert "Wrote nothing: fix the problems above and build again." in built.output
    assert not (tmp_path / "out").exists()


def test_validate_someone_elses_file(run, tmp_path: Path) -> None:
    good = run("export", "--format", "nt", "--output", "graph.nt")
    assert good.exit_code == 0
    assert run("validate", "--data", "graph.nt").output == (
        f"Read graph.nt: {BUNDLED['triples']} triples ("
        + ", ".join(f"{c[5:]} {n}" for c, n in BUNDLED["classes"].items() if c.startswith("pikg:")) + ")\n"
        "Validation: conforms to the shapes\n"
        "Violation queries: 1 run, none returned rows\n"
    )
    (tmp_path / "bad.ttl").write_text("garbage <\n", encoding="utf-8")
    result = run("validate", "--data", "bad.ttl")
    assert result.exit_code == 2
    assert result.output == (
        "error: bad.ttl:1: not valid turtle: Parser error at line 1 between columns 1 and 8: garbage is not a valid "
        "subject or graph name\n"
    )


def test_export_to_stdout(run, kg) -> None:
    from kg.release.export import serialize

    result = CliRunner().invoke(cli, ["export", "--format", "nt"])
    assert result.exit_code == 0
    assert result.stdout_bytes == serialize(kg, "nt")


def test_stats(run) -> None:
    result = run("stats")
    assert result.exit_code == 0
    assert result.output.splitlines()[:len(BUNDLED["graphs"]) + 1] == [
        f"Triples: {BUNDLED['triples']}",
        "Named graphs:",
        *(f"  {graph}  {n}" for graph, n in BUNDLED["graphs"].items() if not graph.endswith("/ontology")),
    ]
    assert f"  pikg:Intervention           {BUNDLED['classes']['pikg:Intervention']}" in result.output


def test_cached_answer_follows_an_edited_record(run, tmp_path: Path) -> None:
    """The cache key covers the records: editing one gives the new answer, never a stale one."""
    records = tmp_path / "records"
    records.mkdir()
    fixture = records / "fixture.yaml"
    shutil.copy(FIXTURES / "records" / "valid" / "fixture.yaml", fixture)
    args = ("query", "peer-led-interventions", "--format", "csv", "--records", "records",
            "--sources", str(FIXTURE_SOURCES))
    assert run("build", "--records", "records", "--sources", str(FIXTURE_SOURCES)).exit_code == 0
    assert run(*args).output == "intervention,led_by\nIntervention X,peer-worker\n"
    edited = fixture.read_text(encoding="utf-8").replace("name: Intervention X", "name: {value: Intervention Y}")
    fixture.write_text(edited, encoding="utf-8")
    assert run(*args).output == "intervention,led_by\nIntervention Y,peer-worker\n"


def test_unwritable_output_is_an_input_error(run, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    result = run("build", "--out", "taken/release", "--sources", str(SEEDS))
    assert result.exit_code == 2
    assert result.output == "error: taken is not a folder; choose another place for taken/release\n"


# ------------------------------------------------------------------------------------------ one verdict

JUDGING = ("validate", "check", "build", "release", "site")  # every command that says whether the graph passes
INVALID = sorted((FIXTURES / "records" / "invalid").glob("*.yaml"))


def _fixture_text() -> str:
    return (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8")


def shared_acronym() -> dict[str, str]:
    """Two interventions named IX: the shapes pass, ambiguous-name-violation does not."""
    text = _fixture_text()
    second = text.split("interventions:\n", 1)[1].replace("  ix:\n", "  iy:\n", 1).replace(
        "name: Intervention X", "name: {value: Intervention Y}")
    return {"fixture.yaml": text + second}


def no_name() -> dict[str, str]:
    """An intervention without its name (the one thing every description has): pikgsh:Intervention-name MinCount."""
    return {"fixture.yaml": "".join(ln for ln in _fixture_text().splitlines(True) if not ln.startswith("    name:"))}


def disagreeing_sources() -> dict[str, str]:
    """A second source that says IX has no peer support: a conflict, reported by every command, failing none."""
    return {"fixture.yaml": _fixture_text(), "fixture-two.yaml": (
        "source:\n  id: fixture-two\n  label: A second made-up source\n  text_file: fixture-source.txt\n"
        '  quote: "Intervention X (IX)"\n\ninterventions:\n  ix:\n    quote: "Intervention X (IX)"\n'
        '    peer_support: {value: false, quote: "Peer-support: Yes—group-based sessions."}\n')}


GRAPH_CASES = {"shared-acronym": shared_acronym, "no-name": no_name, "disagreeing-sources": disagreeing_sources}


def _judged_by_all(run, tmp_path: Path, files: dict[str, str]) -> dict[str, object]:
    records = tmp_path / "records"
    records.mkdir()
    for name, text in files.items():
        (records / name).write_text(text, encoding="utf-8")
    inputs = ("--records", "records", "--sources", str(FIXTURE_SOURCES))
    return {command: run(command, *inputs, *(() if command in ("validate", "check") else ("--out", command)))
            for command in JUDGING}


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_every_judging_command_refuses_an_invalid_record_file_alike(run, tmp_path: Path, case: Path) -> None:
    """A record file the loader refuses: exit 2 and the same one line from validate, check, build, release and
    site, and nothing written."""
    expected = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    results = _judged_by_all(run, tmp_path, {case.name: case.read_text(encoding="utf-8")})
    assert {command: (r.exit_code, r.output) for command, r in results.items()} == {
        command: (2, f"error: {expected}\n") for command in JUDGING}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


@pytest.mark.parametrize("case", sorted(GRAPH_CASES))
def test_every_judging_command_gives_the_same_verdict(run, tmp_path: Path, case: str) -> None:
    """A graph that loads: validate, check, build, release and site exit alike and print the verdict's lines
    alike (`kg validate` prints only them; the others say what they read around them); what fails is written
    nowhere, and a conflict fails nothing."""
    results = _judged_by_all(run, tmp_path, GRAPH_CASES[case]())
    verdict = results["validate"].output.splitlines()
    assert verdict[0].startswith("Validation: ") and any(ln.startswith("Violation queries: ") for ln in verdict)
    codes = {command: r.exit_code for command, r in results.items()}
    assert codes == dict.fromkeys(JUDGING, {"shared-acronym": 1, "no-name": 1, "disagreeing-sources": 0}[case])
    for command, result in results.items():
        lines = result.output.splitlines()
        if command == "check" and result.exit_code == 0:  # the quick loop's one line
            assert ", conforms, 1 conflicts (" in result.output
            continue
        at = lines.index(verdict[0])
        assert lines[at:at + len(verdict)] == verdict, command
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == (["build", "records", "release", "site"] if codes["build"] == 0 else ["records"])


def test_the_verdict_on_a_shared_acronym(run, tmp_path: Path) -> None:
    """Regression: `kg validate` said "conforms" (exit 0) and `kg site` published where `kg build` failed."""
    results = _judged_by_all(run, tmp_path, shared_acronym())
    assert results["validate"].output == (
        "Validation: conforms to the shapes\n"
        "Violation queries: 3 run, 1 returned rows: ambiguous-name-violation\n"
        "  ambiguous-name-violation: https://w3id.org/pikg/ontology#Intervention | ix | "
        "https://w3id.org/pikg/id/intervention/ix; https://w3id.org/pikg/id/intervention/iy\n")
    assert results["site"].output.endswith("Wrote nothing: fix the problems above and build again.\n")


def test_release_differs_from_build_in_vouching_for_every_quote(run, tmp_path: Path) -> None:
    """`kg build --no-quote-check` writes a folder while a source text is missing (its quotes reported as not
    checked); `kg release` refuses, writing nothing: a release tells others that each fact is traced to a verbatim
    passage."""
    records = tmp_path / "records"
    records.mkdir()
    (records / "fixture.yaml").write_text(_fixture_text(), encoding="utf-8")
    (tmp_path / "no-texts").mkdir()
    inputs = ("--records", "records", "--sources", "no-texts")
    built = run("build", *inputs, "--out", "out", "--no-quote-check")
    assert built.exit_code == 0, built.output
    assert "Quotes: 0 checked verbatim against the source texts in no-texts; NOT checked (text not found): " \
           "fixture-source.txt" in built.output
    released = run("release", *inputs)
    assert (released.exit_code, released.output) == (2, (
        "error: not released: the source texts of some quotes were not found in no-texts (fixture-source.txt), so "
        "those quotes are not checked; give --sources (kg build writes a folder without them)\n"))
    assert not (tmp_path / "release").exists()
    assert run("release", "--records", "records", "--sources", str(FIXTURE_SOURCES)).exit_code == 0
    assert (tmp_path / "release" / "pikg.nq").is_file()


def test_a_cached_answer_starts_without_rdflib_yaml_or_oxigraph(tmp_path: Path) -> None:
    """Regression (review): `kg query` answered from the cache imports none of the heavy libraries (0.1 s)."""
    import os
    import subprocess
    import sys

    script = ("import sys\nfrom kg.cli import main\nsys.argv = ['kg', 'query', 'peer-led-interventions']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in ('rdflib', 'yaml', 'pyoxigraph') if m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert first.stdout == again.stdout and "Turning Points" in again.stdout
    assert again.stderr.strip() == "[]"


def test_query_list_honours_the_format(run) -> None:
    from kg.query.sparql import list_queries

    listed = run("query", "--list", "--format", "json")
    assert listed.exit_code == 0
    entries = json.loads(listed.output)
    assert [e["name"] for e in entries] == [spec.name for spec in list_queries()]
    samples = next(e for e in entries if e["name"] == "barriers-and-facilitators")
    assert samples["params"] == ("intervention (resource, required): the intervention, by name, acronym (LTAD), "
                                 "record id or IRI")
    table = run("query", "--list", "--format", "csv")
    assert table.output.splitlines()[0] == "name,title,question,params"


def test_build_without_source_texts_stops_unless_told(run, tmp_path: Path) -> None:
    """A pip-installed `kg build` finds no ../shared/seeds: it says so and writes nothing (exit 1), unless
    --no-quote-check, which builds and reports every quote as not checked."""
    nowhere = tmp_path / "no-texts"
    nowhere.mkdir()
    refused = run("build", "--sources", str(nowhere), "--out", "built")
    assert refused.exit_code == 1
    assert refused.output == (
        "error: not built: the source texts of some quotes were not found in no-texts (000_965b1d08199467f9.txt, "
        "002_d349a9c6d7cd556c.txt, README.md, imr-rct-follow-up-abstract.txt, missing-link-abstract.txt, "
        "peer-support-meta-analysis-abstract.txt), so those quotes cannot be checked; give "
        "--sources DIR (or KG_SOURCES_DIR), or --no-quote-check to build without checking them\n")
    assert not (tmp_path / "built").exists()
    built = run("build", "--sources", str(nowhere), "--out", "built", "--no-quote-check")
    assert built.exit_code == 0, built.output
    assert built.output.splitlines()[1] == (
        "Quotes: 0 checked verbatim against the source texts in no-texts; NOT checked (text not found): "
        "000_965b1d08199467f9.txt, 002_d349a9c6d7cd556c.txt, README.md, imr-rct-follow-up-abstract.txt, "
        "missing-link-abstract.txt, peer-support-meta-analysis-abstract.txt")


@pytest.mark.parametrize("command", ["build", "release", "site", "check"])
def test_long_commands_show_progress_on_stderr_when_asked(run, command: str) -> None:
    """click's progress bar of the record files, on stderr (by default only on a terminal, from 20 files up)."""
    out = () if command == "check" else ("--out", f"{command}-out")
    shown = run(command, "--sources", str(SEEDS), "--progress", *out)
    assert shown.exit_code == 0, shown.output
    assert "Loading records" in shown.stderr and "Loading records" not in shown.stdout
    quiet = run(command, "--sources", str(SEEDS), *out)
    assert "Loading records" not in quiet.stderr
