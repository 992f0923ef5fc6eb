"""Record skeletons (kg.load.scaffold, `kg new`): generated from the record format, so every comment says what a
field means and which values it allows, and the required fields are the ones the shapes require."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli.curation import new
from kg.load.records import _read_yaml
from kg.load.scaffold import record_skeleton
from kg.schema import RECORD_KINDS, SECTION_BY_NAME
from kg.schema.vocabularies import concepts_by_scheme


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
    assert ("    # type:  # concept:publication-type: The kind of publication, where the source states it. Allowed: "
            "conference-abstract, journal-article") in text  # optional (issue 23: a type no source states was required)
    assert '    title: ""  # text: The title as printed. (required)' in text
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


def test_kinds_of_record_come_from_the_schema() -> None:
    """`kg new KIND` offers every section of records by its singular, and nothing else."""
    choices = next(p for p in new.params if p.name == "kind").type.choices
    assert list(choices) == ["source", *RECORD_KINDS]
    assert RECORD_KINDS["study"] == "studies" and RECORD_KINDS["person"] == "persons"
    assert set(RECORD_KINDS.values()) == set(SECTION_BY_NAME)
    assert RECORD_KINDS["concept"] == "concepts"  # declares a concept of an open scheme


def test_new_concept_declares_one_of_an_open_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["new", "source", "my-study", "--text-file", "my-study.txt"]).exit_code == 0
    added = runner.invoke(cli, ["new", "concept", "study-design/cohort-study", "--file", "records/my-study.yaml"])
    assert added.output == "Appended concept 'study-design/cohort-study' to records/my-study.yaml.\n"
    text = (tmp_path / "records" / "my-study.yaml").read_text(encoding="utf-8")
    assert text.endswith("concepts:\n  study-design/cohort-study:\n"
                         '    quote: ""  # REQUIRED: a verbatim passage of the source that names this record\n'
                         "    label: \"\"  # text: A new concept's name, in the source's words. (required)\n"
                         "    # definition:  # text: The source's definition of the concept.\n"
                         "    # example:  # text: An example the source gives.\n"
                         "    # credited_to:  # ref:persons, list: The person the source credits for it (a method "
                         "described by its author). The id or a name of a record of `persons`.\n")
    closed = runner.invoke(cli, ["new", "concept", "direction/x", "--file", "records/my-study.yaml"])
    assert closed.exit_code == 2
    assert closed.output == ("error: concept 'direction/x': write SCHEME/ID with an open scheme (analysis-method, "
                             "analytic-approach, comparator, data-collection, intervention-type, provider-role, "
                             "setting, study-design) "
                             "and an id of lower-case letters, digits and hyphens\n")
    bundled = runner.invoke(cli, ["new", "concept", "study-design/systematic-review", "--file",
                                  "records/my-study.yaml"])
    assert bundled.output == ("error: concept 'study-design/systematic-review' is bundled already "
                              "(ontology/vocabularies.ttl); use it as it is\n")


@pytest.mark.parametrize("section", [s for s in SECTION_BY_NAME if not SECTION_BY_NAME[s].by_concept])
def test_skeleton_fills_in_the_required_fields_and_comments_the_others(section: str) -> None:
    lines = record_skeleton(section, "x", concepts_by_scheme()).splitlines()[2:]
    fields = SECTION_BY_NAME[section].fields
    assert len(lines) == len(fields)
    for fld, line in zip(fields, lines, strict=True):
        if fld.required:
            assert line.startswith(f"    {fld.name}: {fld.kind.placeholder(fld.many)}  # {fld.kind}"), line
            assert line.endswith(" (required)")
        else:
            assert line.startswith(f"    # {fld.name}:  # {fld.kind}"), line
