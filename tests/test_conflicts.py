"""Conflicts: two sources giving different values for a single-valued property are both kept, each with its
quote, reported by validation as conflicts (not errors) and listed by `kg conflicts`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Literal, Namespace

from kg.base.config import Settings
from kg.check.validate import validate
from kg.cli import cli
from kg.model.build import build
from kg.query.sparql import run_query, run_query_oxigraph
from kg.query.store import oxigraph_store

PIKG = Namespace("https://w3id.org/pikg/ontology#")
ID = Namespace("https://w3id.org/pikg/id/")


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
