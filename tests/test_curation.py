"""Growing the graph as a curator: identity across sources, conflicts kept and listed, skeletons, the JSON
Schema, table import (and its round trip), and the quick check loop."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from rdflib import Literal, Namespace, URIRef

from conftest import FIXTURES, ROOT, THIRD
from kg.base.config import Settings, resource_dir
from kg.check.validate import validate
from kg.cli import cli
from kg.load.jsonschema import record_schema
from kg.load.records import _read_yaml
from kg.model.build import build, concepts_by_scheme, load_model
from kg.query.sparql import oxigraph_store, run_query, run_query_oxigraph

PIKG = Namespace("https://w3id.org/pikg/ontology#")
ID = Namespace("https://w3id.org/pikg/id/")


def test_names_acronyms_and_aliases_resolve_to_one_node(corpus: tuple[Path, Path]) -> None:
    kg = build(Settings.default(*corpus))
    ips = ID["intervention/ips"]
    assert (ID["study/fixture-ips-study"], PIKG.evaluates, ips) in kg.dataset  # by declared alias
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.intervention, ips) in kg.dataset  # by acronym
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.outcome, ID["outcome/personal-recovery"]) in kg.dataset
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.study, ID["study/fixture-ips-study"]) in kg.dataset
    rows = run_query(kg.dataset, "findings-for-intervention",
                     {"intervention": "individual placement and support intervention"}).rows
    assert len(rows) == 7
    assert ("result", "personal recovery", "personal recovery", "beneficial", "all participants", "stated", "", "",
            "A made-up study of IPS",
            "Individual Placement and Support (IPS) helped the participants towards personal recovery.") in rows


def test_conflicts_are_kept_and_listed(corpus: tuple[Path, Path]) -> None:
    kg = build(Settings.default(*corpus))
    report = validate(kg)
    assert report.conforms
    assert [v.constraint_id for v in report.conflicts] == ["Intervention-peerSupport--MaxCount"]
    assert set(kg.dataset.objects(ID["intervention/ips"], PIKG.peerSupport)) == {Literal(True), Literal(False)}
    table = "Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods"
    third = "A made-up third source (test fixture)"
    expected = (
        ("Individual placement and support", "has duration", "two years (P2Y)", third, "which lasted two years"),
        ("Individual placement and support", "has duration", "Unlimited (open-ended)", table, "Unlimited"),
        ("Individual placement and support", "peer support", "true", third,
         "The made-up programme offered peer support in groups."),
        ("Individual placement and support", "peer support", "false", table, "No"),
    )
    assert run_query(kg.dataset, "conflicts").rows == expected
    assert run_query_oxigraph(oxigraph_store(kg), "conflicts").rows == expected


def test_kg_conflicts_and_kg_check(corpus: tuple[Path, Path]) -> None:
    records, texts = corpus
    runner = CliRunner()
    result = runner.invoke(cli, ["conflicts", "--records", str(records), "--sources", str(texts), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == ("Individual placement and support,has duration,two years (P2Y),"
                                             "A made-up third source (test fixture),which lasted two years")
    check = runner.invoke(cli, ["check", "--records", str(records), "--sources", str(texts)])
    assert check.exit_code == 0
    assert check.output.startswith("OK: 3 files, 61 records, 144 quotes, 3171 triples, ")
    assert ", conforms, 1 conflicts (" in check.output
    bundled = runner.invoke(cli, ["conflicts"])
    assert bundled.output == "No conflicts: no two sources give different values for a single-valued property.\n"


def test_new_source_skeleton_and_append(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["new", "source", "my-study", "--text-file", "my-study.txt"])
    assert made.exit_code == 0
    assert made.output == 'Wrote records/my-study.yaml: fill in every "" and the records the source states.\n'
    text = (tmp_path / "records" / "my-study.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[4:7] == [
        "source:",
        "  id: my-study  # The source's id (lower-case letters, digits and hyphens); it names the source's graph.",
        '  label: ""  # A human-readable description of the source document.',
    ]
    assert ('    type: ""  # concept:publication-type: The kind of publication. Allowed: conference-abstract, '
            "journal-article (required)") in text
    for kind, rid in (("intervention", "prog-a"), ("finding", "prog-a-result"), ("intervention", "prog-b")):
        added = runner.invoke(cli, ["new", kind, rid, "--file", "records/my-study.yaml"])
        assert added.exit_code == 0, added.output
    data = _read_yaml(tmp_path / "records" / "my-study.yaml")
    assert list(data) == ["source", "publications", "interventions", "findings"]
    assert list(data["interventions"]) == ["prog-a", "prog-b"]
    again = runner.invoke(cli, ["new", "intervention", "prog-a", "--file", "records/my-study.yaml"])
    assert again.exit_code == 2
    assert again.output == "error: records/my-study.yaml: interventions already has a record 'prog-a'\n"
    exists = runner.invoke(cli, ["new", "source", "my-study", "--text-file", "x.txt"])
    assert exists.output == "error: records/my-study.yaml already exists; choose another source id\n"
    unfilled = runner.invoke(cli, ["check", "--records", "records", "--sources", "texts"])
    assert unfilled.exit_code == 2
    assert unfilled.output == "error: records/my-study.yaml:7: source.label: expected non-empty text, got ''\n"


def test_json_schema_is_generated_and_agrees_with_the_loader() -> None:
    committed = json.loads((ROOT / "records" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == record_schema(concepts_by_scheme(load_model()[1]))
    jsonschema.Draft202012Validator.check_schema(committed)
    validator = jsonschema.Draft202012Validator(committed)
    for path in [*resource_dir("records").glob("*.yaml"), THIRD, FIXTURES / "records" / "valid" / "fixture.yaml"]:
        assert not list(validator.iter_errors(_read_yaml(path))), path
    rejected = set()
    for path in sorted((FIXTURES / "records" / "invalid").glob("*.yaml")):
        try:
            data = _read_yaml(path)
        except Exception:
            continue  # not YAML the loader accepts at all
        if list(validator.iter_errors(data)):
            rejected.add(path.stem)
    # the structural mistakes an editor can flag while typing; references, quotes and concept keys need the loader
    assert rejected == {"missing-quote", "missing-source-field", "not-in-vocabulary", "single-value-list",
                        "unknown-field", "unknown-section", "weeks-duration", "wrong-boolean", "wrong-date",
                        "wrong-duration", "wrong-integer"}


def _table1_sheet(kg, path: Path) -> None:
    result = run_query(kg.dataset, "compare-interventions")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["attribute", *(row[0] for row in result.rows)])
        for attribute in ("aim", "components", "duration", "peer_support", "sessions_led_by", "note"):
            i = result.columns.index(attribute)
            writer.writerow([attribute, *(row[i] for row in result.rows)])


def test_table_1_round_trip(kg, tmp_path: Path) -> None:
    """Table 1 written out from compare-interventions and imported back gives the same intervention facts."""
    sheet = tmp_path / "table1.csv"
    _table1_sheet(kg, sheet)
    (tmp_path / "records").mkdir()
    out = tmp_path / "records" / "roundtrip.yaml"
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "roundtrip", "--text-file",
                                      "table1.txt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "  imr:\n" in text and "  attention-to-clients-preference:" in text  # known records keep their ids
    again = build(Settings.default(tmp_path / "records", tmp_path / "no-texts"))
    assert run_query(again.dataset, "compare-interventions") == run_query(kg.dataset, "compare-interventions")
    assert validate(again).conforms


def test_import_reports_what_it_cannot_place(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("attribute,Programme X\naim,To help\nduration,a while\nsessions led by,volunteers\n"
                     "peer support,yes (online)\nsetting,community\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert result.exit_code == 1
    name = str(sheet)
    assert result.stderr.splitlines() == [
        f"{name}:3: Programme X: cannot read the duration 'a while'; write it as a record {{value: P9M, qualifier: "
        "exact|approximate|open-ended, text: …}",
        f"{name}:4: Programme X: 'volunteers' is not in the provider-role vocabulary; allowed: "
        "employment-specialist, mental-health-professional, peer-worker",
        f"{name}:5: Programme X: delivery mode 'online' is not in the delivery-mode vocabulary; allowed: "
        "group-based, individual-based",
        f"{name}:6: unknown row 'setting', not imported; known rows: acronym, aim, components, duration, note, "
        "peer support, peer-support, peer_support, principles and methods, principles and/or methods, "
        "sessions led by, sessions_led_by, who leads the sessions",
    ]
    assert "# PROBLEM (line 6): unknown row 'setting'" in result.stdout
    assert "    peer_support: {value: true, quote: yes (online)}" in result.stdout


def test_import_long_layout(tmp_path: Path) -> None:
    sheet = tmp_path / "findings.csv"
    sheet.write_text("label,study,intervention,outcome,direction,strength,type,quote,country\n"
                     "IPS helped,My study,IPS,personal recovery,helpful,stated,result,IPS helped,DK\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{sheet}:1: unknown column 'country', not imported; known columns: label, type, study, intervention, "
        "outcome, direction, subgroup, strength, hedge, quote, mechanisms",
        f"{sheet}:2: direction 'helpful' is not in the direction vocabulary; allowed: beneficial, harmful, mixed, "
        "no-effect",
    ]
    assert "    intervention: IPS" in result.stdout
    assert "    strength: stated" in result.stdout


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"attribute;Programme X\naim;To help\n", [],
     "error: {sheet}:1: one column found; the file seems to use ';' between fields: pass --delimiter ';'\n"),
    (b"attribute,Programme X\naim,Caf\xe9\n", [],
     "error: {sheet}:2: not UTF-8 text (invalid continuation byte); save the sheet as \"CSV UTF-8\"\n"),
    (b"attribute,A,B\naim,To help\n", [],
     "error: {sheet}:2: 2 cells where the header has 3; check the delimiter and the quoting of cells that contain "
     "it\n"),
    (b"name,value\nx,y\n", [], "error: {sheet}:1: unknown layout: the first header cell is 'attribute' in Table 1's "
     "layout; a one-row-per-finding sheet has 'intervention' and 'outcome' columns\n"),
])
def test_bad_sheets(tmp_path: Path, content: bytes, args: list[str], message: str) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(content)
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt", *args])
    assert result.exit_code == 2
    assert result.output == message.format(sheet=sheet)


def test_identity_resolution_sees_hidden_labels(corpus: tuple[Path, Path]) -> None:
    kg = build(Settings.default(*corpus))
    hidden = URIRef("http://www.w3.org/2004/02/skos/core#hiddenLabel")
    assert (ID["intervention/ips"], hidden, Literal("individual placement and support intervention", lang="en")) \
        in kg.dataset


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
    assert result.stdout.startswith("OK: 25 files, 50 records, 300 quotes, ")
