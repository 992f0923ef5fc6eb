"""Unit checks behind the hostile catalogue (issue 11): record YAML bounds, query names and SERVICE, CSV cells,
the cache's seals, and YAML written by the curation tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from conftest import FIXTURES
from kg.base.config import Settings, check_base_iri
from kg.base.errors import InputError, QueryError, RecordError
from kg.cli import cli
from kg.load.records import load_file
from kg.load.tables import emit, import_table
from kg.query.cache import SEAL, _read_sealed, _sealed, _store
from kg.query.sparql import QueryResult, format_result, list_queries, load_query, refuse_remote_access, spreadsheet_safe


def _record(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("x: &c [*c]\nsource: *c\n",
     "x.yaml:1: x: a YAML alias refers to the collection that contains it (a cycle); write the value out"),
    ("source: " + "[" * 70 + "]" * 70 + "\n", "x.yaml:1: source: nested more than 64 levels deep"),
    ("source:\n  id: a\x00b\n", "x.yaml:2: not valid YAML: the character U+0000 is not allowed in YAML; remove it"),
    ('source:\n  id: "a\\x01b"\n', "x.yaml:2: source.id: control character U+0001 at position 2 of the value; "
                                    "remove it"),
])
def test_yaml_that_would_not_end_or_corrupt_is_one_record_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordError) as caught:
        load_file(_record(tmp_path, text), {})
    assert str(caught.value) == message


def test_an_alias_bomb_stops_at_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(RecordError, match="the YAML aliases expand to more values than the file could hold"):
        load_file(_record(tmp_path, "\n".join(lines) + "\nsource: *a8\n"), {})


def test_honest_aliases_still_work(tmp_path: Path) -> None:
    """A curator may alias a quote; the budget stops only expansion beyond what the text could hold."""
    text = (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8")
    assert "quote: " in text
    rf = load_file(_record(tmp_path, text), _concepts())
    assert rf.source.id == "fixture"


def _concepts() -> dict[str, set[str]]:
    from kg.schema.vocabularies import concepts_by_scheme

    return concepts_by_scheme()


def test_a_fifo_among_the_records_is_refused_without_opening_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(RecordError) as caught:
        load_file(tmp_path / "pipe.yaml", {})
    assert str(caught.value) == "pipe.yaml: not a regular file (a record file is a plain YAML file)"


@pytest.mark.parametrize(("base", "message"), [
    ("https://ex.org/a> <b> <c> .", "--base-iri 'https://ex.org/a> <b> <c> .' is not an absolute IRI (Invalid IRI code "
                                    "point '>'); give one such as https://w3id.org/pikg/id/"),
    ("data/", "--base-iri 'data/' is not an absolute IRI (No scheme found in an absolute IRI); give one such as "
              "https://w3id.org/pikg/id/"),
    ("urn:x:", "--base-iri 'urn:x:': data IRIs are http or https IRIs; give one such as https://w3id.org/pikg/id/"),
])
def test_base_iri_is_an_absolute_http_iri(base: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        check_base_iri(base)
    assert str(caught.value) == message
    assert Settings.default(base_iri="https://example.org/kg").base_iri == "https://example.org/kg/"


@pytest.mark.parametrize("name", ["../../x/service", "/etc/passwd", "compare-interventions.rq", "Compare", ""])
def test_a_query_name_is_never_a_path(name: str) -> None:
    with pytest.raises(QueryError) as caught:
        load_query(name)
    assert str(caught.value) == (f"{name!r} is not a query name: give the name of a bundled query (lower-case "
                                 "letters, digits and hyphens, no path or .rq); `kg query --list` shows them")


def _service_in_algebra(text: str) -> bool:
    """Whether rdflib's parser finds a SERVICE pattern: the reference the lexical check is compared with."""
    found = []

    def walk(node: object) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.append(node)
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(prepareQuery(text).algebra)
    return bool(found)


SERVICE_QUERIES = [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", True),
    ("select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p ?o . SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://x/> } }", True),
    ('SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE <http://x/>', False),
    ("SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }", False),
    ("PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:p ?o }", False),
    ('SELECT * WHERE { ?s ?p """a\nSERVICE <http://x/> { }""" }', False),
]


@pytest.mark.parametrize(("text", "remote"), SERVICE_QUERIES)
def test_the_service_check_agrees_with_a_sparql_parser(text: str, remote: bool) -> None:
    assert _service_in_algebra(text) is remote
    if remote:
        with pytest.raises(QueryError, match="uses SERVICE, which would make the engine fetch from the network"):
            refuse_remote_access(text, "query x")
    else:
        refuse_remote_access(text, "query x")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}",
    'SELECT * WHERE { BIND("\\u0022" AS ?a) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } BIND("\\u0022" AS ?b) }',
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_the_service_check_reads_like_oxigraph_where_rdflib_does_not(text: str) -> None:
    """Regressions (second hostile probe): a carriage return ends a comment for Oxigraph, and an escape expanded
    before lexing hides a SERVICE from one parser; the check refuses both readings."""
    with pytest.raises(QueryError, match="uses SERVICE"):
        refuse_remote_access(text, "query x")


def test_no_bundled_query_reaches_the_network() -> None:
    specs = list_queries()
    assert len(specs) >= 10
    for spec in specs:
        assert not _service_in_algebra(spec.text)
        refuse_remote_access(spec.text, spec.name)


def test_a_query_file_with_service_is_refused_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "remote.rq").write_text("#+ title: Remote\n#+ question: What is over there?\n"
                                        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }\n")
    with pytest.raises(QueryError) as caught:
        load_query("remote", tmp_path)
    assert str(caught.value) == ("query remote uses SERVICE, which would make the engine fetch from the network; "
                                 "refused (pass --allow-service to allow it)")
    assert load_query("remote", tmp_path, allow_service=True).title == "Remote"


def test_csv_cells_never_start_a_formula() -> None:
    result = QueryResult(("label", "n"), (('=HYPERLINK("http://x","y")', "-1"), ("+SUM(A1)", "@cmd"),
                                          ("plain", "1")))
    assert format_result(result, "csv") == (
        "label,n\n"
        '"\'=HYPERLINK(""http://x"",""y"")",\'-1\n'
        "'+SUM(A1),'@cmd\n"
        "plain,1\n")
    assert spreadsheet_safe("\tx") == "'\tx"
    # issue 25's second probe: an endpoint's BEL, NUL and CR came through raw; a line break stays (quoted)
    controls = QueryResult(("label",), (("ring\x07 nul\x00 cr\r end",), ("\r=1",), ("two\nlines",),
                                        ("\u202eevil",), ("n\u00a0=\u200939",)))
    assert format_result(controls, "csv") == (
        "label\n"
        "ring\\x07 nul\\x00 cr\\r end\n"
        "\\r=1\n"
        '"two\nlines"\n'
        "\\u202eevil\n"
        "n\u00a0=\u200939\n")  # spaces stay spaces
    assert format_result(result, "json").startswith('[\n  {\n    "label": "=HYPERLINK')  # JSON is not a sheet


def test_a_sealed_cache_file_is_read_back_and_an_altered_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    _store(path, b"intervention\nIMR\n")
    assert path.read_bytes().startswith(b"intervention\nIMR\n" + SEAL)
    assert _read_sealed(path) == b"intervention\nIMR\n" and _sealed(path)
    other = tmp_path / "other-answer.txt"  # issue 25: a seal is bound to its key, the file's name
    other.write_bytes(path.read_bytes())
    assert _read_sealed(other) is None and not _sealed(other)
    for damaged in (b"", path.read_bytes()[:-2], path.read_bytes().replace(b"IMR", b"IPS"), os.urandom(200)):
        path.write_bytes(damaged)
        assert _read_sealed(path) is None and not _sealed(path)


class _Pwn:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.target,))


def test_a_planted_state_pickle_never_runs(tmp_path: Path) -> None:
    """Even sealed with a right checksum, a pickle naming anything but our dataclasses is refused, not run."""
    from kg.model.stats import Stats
    from kg.query.cache import read_state, write_state

    path = tmp_path / "state.pickle"
    write_state(path, _Pwn(tmp_path / "pwned"))
    assert read_state(path) is None
    assert not (tmp_path / "pwned").exists()
    write_state(path, Stats(1, {}, {}))
    assert read_state(path, Stats) == Stats(1, {}, {})
    assert read_state(path, tuple) is None


def test_tables_emit_yaml_that_keeps_cells_as_values(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text('attribute,"A\nsource: evil",B # c\naim,"x: y","- z"\n', encoding="utf-8")
    result = import_table(sheet, "x", "x.txt", {}, {})
    data = yaml.safe_load(result.text)
    assert list(data) == ["source", "interventions"]
    assert data["interventions"] == {"a-source-evil": {"quote": "A\nsource: evil", "name": "A\nsource: evil",
                                                       "aim": "x: y"},
                                     "b-c": {"quote": "B # c", "name": "B # c", "aim": "- z"}}
    assert emit({"k": "a\u0001b"}) == 'k: "a\\x01b"\n'


@pytest.mark.parametrize(("args", "message"), [
    (["--source-id", "x\ny"], "error: --source-id 'x\\ny': use lower-case letters, digits and hyphens\n"),
    (["--source-id", "x", "--text-file", "../secret.txt"],
     "error: --text-file '../secret.txt': give the name of a file in the sources folder (no absolute path, no .., "
     "no control characters)\n"),
    (["--source-id", "x", "--delimiter", "::"],
     "error: --delimiter '::': give one character other than a quote or a line break, such as ',' ';' or a tab\n"),
    (["--source-id", "x", "--delimiter", ""],
     "error: --delimiter '': give one character other than a quote or a line break, such as ',' ';' or a tab\n"),
])
def test_import_table_refuses_what_would_inject(tmp_path: Path, args: list[str], message: str) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("attribute,Programme X\naim,To help\n", encoding="utf-8")
    full = ["import-table", str(sheet), *args]
    if "--text-file" not in args:
        full += ["--text-file", "x.txt"]
    result = CliRunner().invoke(cli, full)
    assert (result.exit_code, result.output) == (2, message)


def test_import_table_refuses_columns_that_make_one_id(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("attribute,Programme X,programme-x\naim,a,b\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert result.exit_code == 2
    assert result.output == (f"error: {sheet}:1: columns 'Programme X' and 'programme-x' both make the record id "
                             "'programme-x'; rename one of them\n")


def test_new_refuses_a_file_that_is_not_a_record_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("list.yaml").write_text("- 1\n- 2\n")
    result = CliRunner().invoke(cli, ["new", "intervention", "x", "--file", "list.yaml"])
    assert (result.exit_code, result.output) == (
        2, "error: list.yaml: not a record file (a mapping with a `source:` section and record sections); "
           "interventions cannot be added to it\n")
    result = CliRunner().invoke(cli, ["new", "source", "../evil", "--text-file", "x.txt"])
    assert (result.exit_code, result.output) == (2, "error: source id '../evil': use lower-case letters, digits and "
                                                    "hyphens\n")
    result = CliRunner().invoke(cli, ["new", "source", "ok", "--text-file", "a\nid: evil"])
    assert result.exit_code == 2 and "--text-file 'a\\nid: evil'" in result.output


def test_new_source_writes_the_text_file_name_through_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new", "source", "my-study", "--text-file", "my: study #1.txt"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(Path("records/my-study.yaml").read_text(encoding="utf-8"))
    assert data["source"]["text_file"] == "my: study #1.txt"



# Regressions from the second hostile probe


def test_durations_count_their_hours_and_stay_small() -> None:
    from kg.base.lexical import DURATION_RE, duration_days

    assert duration_days("PT2000H") == 83
    assert duration_days("P1Y2M3DT25H") == 365 + 60 + 3 + 1
    assert duration_days("P49D") == 49
    assert DURATION_RE.match("P999999Y") and not DURATION_RE.match("P1000000Y")
    assert not DURATION_RE.match("P" + "9" * 5000 + "D") and not DURATION_RE.match("-P9M")


def test_a_duration_parameter_in_hours_compares_in_days(kg) -> None:
    from kg.query.sparql import run_query

    rows = run_query(kg.dataset, "interventions-by-duration", {"max": "PT2000H"}).rows
    assert [row[0] for row in rows] == ["Learn how to tackle anxiety and depression"]
    with pytest.raises(QueryError, match="each number of at most 6 digits"):
        run_query(kg.dataset, "interventions-by-duration", {"max": "P26000000000000000Y"})


def test_a_record_file_linking_out_of_the_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.load.corpus import load_records

    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.yml").write_text("source:\n  gho_SECRET: 1\n")
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "s.yaml").symlink_to(tmp_path / "secret.yml")
    with pytest.raises(RecordError) as caught:
        load_records(tmp_path / "records", _concepts())
    assert str(caught.value) == ("records/s.yaml: a link leading out of the records folder; record files are read "
                                 "only inside it")


def test_new_never_replaces_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "records" / "valid" / "fixture.yaml", tmp_path / "real.yaml")
    Path("link.yaml").symlink_to(tmp_path / "real.yaml")
    result = CliRunner().invoke(cli, ["new", "intervention", "x", "--file", "link.yaml"])
    assert (result.exit_code, result.output) == (2, "error: link.yaml is a link; give the record file itself\n")
    assert Path("link.yaml").is_symlink()
    Path("records").mkdir()
    Path("records/d.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = CliRunner().invoke(cli, ["new", "source", "d", "--text-file", "d.txt"])
    assert (result.exit_code, result.output) == (2, "error: records/d.yaml already exists; choose another source id\n")
    assert Path("records/d.yaml").is_symlink()


def test_a_long_value_gives_a_message_of_bounded_length() -> None:
    error = RecordError("x.yaml", 3, "studies.s.sample_size", f"expected an integer, got {'9' * 4000!r}")
    assert len(str(error)) < 1100
    assert str(error).startswith("x.yaml:3: studies.s.sample_size: expected an integer, got '9999")
    assert str(error).endswith("9999'")


def test_import_table_refuses_a_control_character(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("attribute,Programme X\naim,To\x00help\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-table", str(sheet), "--source-id", "x", "--text-file", "x.txt"])
    assert (result.exit_code, result.output) == (
        2, f"error: {sheet}:2: control character U+0000 in the cell 'To\\\\x00help'; remove it\n")


def test_data_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from kg.check.validate import validate_file

    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf<https://example.org/a> <https://example.org/b> \"c\" .\n")
    report, graph = validate_file(path)
    assert len(graph) == 1 and report.conforms


def test_a_base_iri_with_user_information_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        check_base_iri("http://u:p@example.org/")
    assert str(caught.value) == ("--base-iri: a base IRI with user information (user:password@) would put it into "
                                 "every IRI of the data; give one without it")


def test_table_output_escapes_control_characters() -> None:
    result = QueryResult(("label",), (("a\x1b[31mred\x00",),))
    assert format_result(result, "table") == "label\n----------------\na\\x1b[31mred\\x00\n(1 row)\n"
    assert "\\x1b" in format_result(result, "markdown")
