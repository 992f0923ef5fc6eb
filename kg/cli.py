"""The `kg` command: a thin layer over the Python API. Exit codes: 0 ok, 1 the data fails validation,
2 usage or input error. Errors are one message on stderr, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.base.errors import KGError, RecordErrors, UncheckedQuotes, display_path

EXAMPLES = {
    "build": "  kg build\n  kg build --out release/ --base-iri https://example.org/pikg/",
    "release": "  kg release\n  kg release --out /srv/data/pikg-0.1.0",
    "validate": "  kg validate\n  kg validate --data their-graph.ttl\n"
                "  kg validate --data big.nq --max-bytes 500000000",
    "query": "  kg query --list\n  kg query compare-interventions --format markdown\n"
             "  kg query findings-for-intervention --param intervention=IPS\n"
             "  kg query interventions-by-duration --param max=P3M --format csv\n"
             "  kg query peer-led-interventions --endpoint http://127.0.0.1:7878/query",
    "export": "  kg export --format turtle > pikg.ttl\n  kg export --format json-ld --output pikg.jsonld",
    "stats": "  kg stats",
    "publish": "  kg publish --endpoint http://127.0.0.1:7878/store\n"
               "  KG_ENDPOINT_USER=dba KG_ENDPOINT_PASSWORD=… KG_ENDPOINT_AUTH=digest kg publish "
               "--query-endpoint http://127.0.0.1:8890/sparql --update-endpoint http://127.0.0.1:8890/sparql-auth "
               "--leave-out xsd:duration\n"
               "  KG_ENDPOINT_TOKEN=… kg publish --query-endpoint https://example.org/sparql --update-endpoint https://example.org/update",
    "serve": "  kg serve\n  kg serve --release release/ --port 8080",
    "site": "  kg site\n  kg site --out public/",
    "serve-site": "  kg serve-site\n  kg serve-site --dir public/ --port 8080",
    "new": "  kg new source my-study-2024 --text-file my-study-2024.txt\n"
           "  kg new intervention my-programme --file records/my-study-2024.yaml\n"
           "  kg new finding my-programme-result --file records/my-study-2024.yaml",
    "schema": "  kg schema --output records/record.schema.json\n  kg schema --reference records/README.md",
    "import-table": "  kg import-table table1.csv --source-id my-review-table-1 --text-file table1.txt "
                    "--output records/my-review-table-1.yaml\n"
                    "  kg import-table findings.csv --source-id my-study --text-file my-study.txt --delimiter ';'",
    "check": "  kg check\n  kg check --records my-records/ --sources my-texts/\n  kg check --full",
    "conflicts": "  kg conflicts\n  kg conflicts --format csv > conflicts.csv",
}


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecordErrors as exc:  # several problems of a run: one `error:` line each
            click.echo("\n".join(f"error: {error}" for error in exc.errors), err=True)
            ctx.exit(exc.exit_code)
        except KGError as exc:
            click.echo(f"error: {exc}" if exc.exit_code == 2 or isinstance(exc, UncheckedQuotes) else str(exc),
                       err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # an output folder that cannot be written, a disk that is full
            where = f"{display_path(exc.filename)}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(2)


class _RecordKinds(click.Choice):
    """`source` and the record kinds of the record format, read from kg.schema.fields only when `kg new` needs them
    (the other commands start without it)."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> list[str]:
        from kg.schema.fields import RECORD_KINDS

        return ["source", *RECORD_KINDS]

    @choices.setter
    def choices(self, _value: object) -> None:
        pass


class _Seconds(click.FloatRange):
    """A positive number of seconds, at most a day (FloatRange alone lets `nan` through)."""

    name = "number of seconds"

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True, max=86400)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:  # nan
            self.fail("must be a number of seconds", param, ctx)
        return seconds


PROGRESS_FROM = 20  # record files from which `kg check` shows a progress bar on a terminal
FORCE = click.option("--force", is_flag=True, help="Overwrite the output file even if this command did not write it.")


def _epilog(name: str) -> str:
    return "\b\nExamples:\n" + EXAMPLES[name]


def input_options(func: Any) -> Any:
    func = click.option("--records", "records_dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Folder of record files (default: the packaged records).")(func)
    func = click.option("--sources", "sources_dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Folder of source texts for quote checking (default: $KG_SOURCES_DIR or "
                             "../shared/seeds).")(func)
    func = click.option("--base-iri", help="Base IRI of the data (default: $KG_BASE_IRI or "
                                           "https://w3id.org/pikg/id/).")(func)
    return func


def _build(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None):
    """The graph built afresh (a cached Python object could run code when read); its N-Quads are kept in the
    cache for `kg query`."""
    from kg.base.config import Settings
    from kg.query.cache import build_cached

    return build_cached(Settings.default(records_dir, sources_dir, base_iri))


@click.group(cls=_Group, epilog="\b\nExamples:\n  kg build\n  kg query --list\n  kg query compare-interventions")
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build, validate, query and export the psychosocial intervention knowledge graph."""


def release_options(func: Any) -> Any:
    """The release's date and download base: metadata inputs, so the same input gives the same bytes."""
    func = click.option("--download-base", metavar="URL",
                        help="URL of the folder the release will be served from: the dataset description, the "
                             "RO-Crate and dataset search get absolute download links (default: none in dataset.ttl, "
                             "paths relative to the description elsewhere).")(func)
    func = click.option("--release-date", metavar="YYYY-MM-DD",
                        help="The release's date (default: from $SOURCE_DATE_EPOCH, else the newest date the "
                             "records state).")(func)
    return func


PROGRESS = click.option("--progress/--no-progress", default=None,
                        help="Show a progress bar on stderr while loading records (default: on a terminal, from "
                             f"{PROGRESS_FROM} files up).")


@contextmanager
def _loading(records_dir: Path, progress: bool | None) -> Iterator[Callable[[Path], None] | None]:
    """A progress bar of the record files loaded (click's, on stderr) when asked, or by default on a terminal
    for a corpus large enough to take a while; None otherwise."""
    paths = sorted(records_dir.glob("*.yaml")) if records_dir.is_dir() else []
    if progress or (progress is None and len(paths) >= PROGRESS_FROM and sys.stderr.isatty()):
        with click.progressbar(length=len(paths), label="Loading records", file=sys.stderr) as bar:
            yield lambda _path: bar.update(1)
    else:
        yield None


def _build_and_release(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None,
                       out_dir: Path, complete_quotes: bool = False, release_date: str | None = None,
                       download_base: str | None = None, unchecked_ok: bool | None = None,
                       progress: bool | None = None) -> None:
    from kg.base.config import Settings
    from kg.pipeline import build_release

    settings = Settings.default(records_dir, sources_dir, base_iri)
    with _loading(settings.records_dir, progress) as loaded:
        result = build_release(settings, out_dir, complete_quotes, release_date, download_base, unchecked_ok,
                               loaded)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@cli.command(epilog=_epilog("build"))
@input_options
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Folder to write the release to (replaced only when complete).")
@release_options
@click.option("--no-quote-check", is_flag=True, help="Build even when the source texts of some quotes are not found "
              "(they are reported as not checked); by default that is exit 1 and nothing written.")
@PROGRESS
def build(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, out_dir: Path,
          release_date: str | None, download_base: str | None, no_quote_check: bool, progress: bool | None) -> None:
    """Build the graph from the records, judge it (the SHACL shapes and the violation queries; conflicts between
    sources are reported, not failing) and write the release folder (every format, context, framed
    interventions, ontology, shapes, dataset description); exit 1, writing nothing, if it fails or if the source
    text of some quote is not found (unless --no-quote-check: then they are reported as not checked, and
    `kg release` still refuses them)."""
    _build_and_release(records_dir, sources_dir, base_iri, out_dir, release_date=release_date,
                       download_base=download_base, unchecked_ok=no_quote_check, progress=progress)


@cli.command(epilog=_epilog("release"))
@input_options
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="Folder to write the release to (replaced only when complete).")
@release_options
@PROGRESS
def release(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, out_dir: Path,
            release_date: str | None, download_base: str | None, progress: bool | None) -> None:
    """Write the linked-data release folder for other repositories (the folder `kg publish` and `kg serve`
    read): `kg build`, refused (exit 2, nothing written) unless every quote was checked against its source text.
    A release tells others that each fact is traced to a verbatim passage; `kg build` also writes a folder
    while some source texts are missing, for a quick look."""
    _build_and_release(records_dir, sources_dir, base_iri, out_dir, complete_quotes=True, release_date=release_date,
                       download_base=download_base, progress=progress)


@cli.command(epilog=_epilog("validate"))
@input_options
@click.option("--data", type=click.Path(path_type=Path, dir_okay=False),
              help="Validate this local RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) instead of "
                   "the records: the SHACL shapes and ambiguous-name-violation (the provenance checks, "
                   "unquoted-fact- and unsourced-statement-violation, judge the build's one graph per source, "
                   "which someone else's file does not have).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig", "json-ld", "rdf-xml"]),
              help="Format of --data (default: from its suffix).")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Refuse --data files larger than this "
              "(default: $KG_MAX_INPUT_BYTES or 100 MiB).")
def validate(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, data: Path | None,
             fmt: str | None, max_bytes: int | None) -> None:
    """Judge the graph as `kg build` does: the SHACL shapes and the violation queries (conflicts between sources
    are reported, not failing); exit 1 if it fails. Writes nothing."""
    from kg.check.verdict import judge, judge_file

    if data:
        import pyoxigraph as ox

        from kg.model.stats import store_class_counts

        verdict, graph = judge_file(data, fmt, max_bytes)
        counts = store_class_counts(graph.store, ox.DefaultGraph())
        main = ", ".join(f"{c.split(':')[1]} {n}" for c, n in counts.items() if c.startswith("pikg:"))
        click.echo(f"Read {display_path(data)}: {len(graph)} triples ({main or 'no pikg instances'})")
    else:
        verdict = judge(_build(records_dir, sources_dir, base_iri))
    click.echo(str(verdict))
    if not verdict.ok:
        sys.exit(1)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param expects NAME=VALUE, got {item!r}")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            raise click.UsageError(f"--param {item!r} is not UTF-8 text; give the value in UTF-8") from None
        params[key.strip()] = value.strip()
    return params


@cli.command(epilog=_epilog("query"))
@input_options
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the bundled queries and their parameters.")
@click.option("--endpoint", help="Run the query on this remote SPARQL 1.1 query endpoint instead of the records "
              "(its default graph the union of the named graphs).")
@click.option("--timeout", type=_Seconds(), default=30, show_default=True,
              help="With --endpoint: seconds for the whole command, retries and backoff included.")
@click.option("--allow-service", is_flag=True, help="Allow a query to use SERVICE or LOAD (refused by default: "
              "they make the engine fetch from the network).")
def query(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, name: str | None,
          params: tuple[str, ...], fmt: str, list_only: bool, endpoint: str | None, timeout: float,
          allow_service: bool) -> None:
    """Run a bundled SPARQL query by NAME and print its answer. A query that would make the engine fetch from
    the network (SERVICE, LOAD) is refused unless --allow-service is given. CSV cells that a spreadsheet would
    run as a formula (starting with = + - @) get a leading apostrophe."""
    if list_only or not name:
        from kg.query.sparql import list_queries

        if not list_only:
            raise click.UsageError("give a query NAME, or --list to see them")
        if fmt != "table":  # the catalogue as data, in the format asked for
            from kg.query.sparql import QueryResult, format_result

            rows = tuple((spec.name, spec.title, spec.question, "; ".join(
                f"{p.name} ({p.type}, {'required' if p.required else 'optional'}): {p.description}"
                for p in spec.params.values())) for spec in list_queries())
            click.echo(format_result(QueryResult(("name", "title", "question", "params"), rows), fmt), nl=False)
            return
        for spec in list_queries():
            click.echo(f"{spec.name}: {spec.title}")
            click.echo(f"    {spec.question}")
            for param in spec.params.values():
                need = "required" if param.required else "optional"
                click.echo(f"    --param {param.name}=... ({param.type}, {need}): {param.description}")
        return
    from kg.base.config import ID_RE, Settings, resource_dir
    from kg.query.cache import cached_answer

    query_file = resource_dir("queries") / f"{name}.rq"
    if not ID_RE.fullmatch(name) or not query_file.is_file():  # a name, never a path: nothing else is read
        from kg.query.sparql import load_query

        load_query(name)  # says why: not a query name, or an unknown one (with the closest)
    settings = Settings.default(records_dir, sources_dir, base_iri)
    given = _parse_params(params)
    if endpoint is not None:
        from kg.query.remote import Deadline, RemoteEngine
        from kg.query.sparql import format_result, run_engine

        engine = RemoteEngine(endpoint, timeout, deadline=Deadline(timeout), check_union=True)
        click.echo(format_result(run_engine(engine, name, given, allow_service=allow_service), fmt), nl=False)
        return

    def answer() -> str:
        from kg.query.cache import query_store
        from kg.query.sparql import format_result, run_query_oxigraph

        return format_result(run_query_oxigraph(query_store(settings), name, given, allow_service=allow_service),
                             fmt)

    click.echo(cached_answer(settings, query_file, given, fmt, answer), nl=False)


@cli.command(epilog=_epilog("export"))
@input_options
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "trig", "nquads", "json-ld", "rdf-xml"]),
              default="turtle",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (default: stdout).")
@FORCE
def export(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, fmt: str,
           output: Path | None, force: bool) -> None:
    """Export the graph in one format, without validating it (use `kg build` for a checked release)."""
    from kg.base.files import check_output_file, write_atomic
    from kg.release.export import serialize

    if output:
        check_output_file(output, force=force)
    data = serialize(_build(records_dir, sources_dir, base_iri), fmt)
    if output:
        write_atomic(output, data)
    else:
        sys.stdout.buffer.write(data)


@cli.command(epilog=_epilog("check"))
@input_options
@PROGRESS
@click.option("--full", is_flag=True,
              help="Check every file again, not only those changed since the last check.")
def check(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, progress: bool | None,
          full: bool) -> None:
    """The curator's quick loop: load, build, check quotes, validate and run the violation queries, writing
    nothing to the release. After the first check, only the record files (and source texts) changed since are
    read, and only what they change is validated again. One line when all is well; exit 1 with the problems
    otherwise."""
    import time

    from kg.base.config import Settings
    from kg.incremental.recheck import check as run_check

    start = time.perf_counter()
    settings = Settings.default(records_dir, sources_dir, base_iri)
    with _loading(settings.records_dir, progress) as loaded:
        result = run_check(settings, full, progress=loaded)
    elapsed = time.perf_counter() - start
    if not result.ok:
        click.echo(result.summary())
        sys.exit(1)
    read = result.inputs
    missing = f" (NOT checked: {', '.join(read.quotes.missing_texts)})" if read.quotes.missing_texts else ""
    click.echo(f"OK: {read.files} files, {read.records} records, {read.quotes.checked} quotes{missing}, "
               f"{result.stats.triples} triples, conforms, {result.report.disputed} conflicts "
               f"({elapsed:.2f} s)")


def _concepts() -> dict[str, set[str]]:
    from kg.model.build import concepts_by_scheme

    return concepts_by_scheme()


@cli.command(epilog=_epilog("new"))
@click.argument("kind", type=_RecordKinds())
@click.argument("record_id")
@click.option("--text-file", help="source only: file name of the source's plain text in the sources folder.")
@click.option("--records", "records_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("records"),
              show_default=True, help="source only: the folder to write the new record file to.")
@click.option("--file", "record_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The record file to append the new record to (all kinds but source).")
def new(kind: str, record_id: str, text_file: str | None, records_dir: Path, record_file: Path | None) -> None:
    """Scaffold a record file for a new source (bibliographic fields first), or append a record skeleton to
    one. The comments say what each field means and which values are allowed; fill in every ""."""
    from kg.load.scaffold import append_record, new_source

    if kind == "source":
        if not text_file:
            raise click.UsageError("kg new source needs --text-file NAME (the source's plain text)")
        path = new_source(records_dir, record_id, text_file, _concepts())
        click.echo(f"Wrote {display_path(path)}: fill in every \"\" and the records the source states.")
        return
    if record_file is None:
        raise click.UsageError(f"kg new {kind} needs --file RECORDS.yaml (the file to append to)")
    append_record(record_file, kind, record_id, _concepts())
    click.echo(f"Appended {kind} {record_id!r} to {display_path(record_file)}.")


@cli.command(epilog=_epilog("schema"))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (default: stdout).")
@click.option("--reference", type=click.Path(path_type=Path, dir_okay=False),
              help="Instead, rewrite the field reference between the <!-- reference:start --> and "
                   "<!-- reference:end --> markers of this Markdown file (records/README.md).")
@FORCE
def schema(output: Path | None, reference: Path | None, force: bool) -> None:
    """Print the JSON Schema of record files (for editors: autocompletion and checks while typing); with
    --reference, bring the curator's field reference up to date instead. Both come from the record format."""
    import json

    from kg.base.files import check_output_file, write_atomic
    from kg.schema.jsonschema import is_record_schema, record_schema

    if reference:
        if output:
            raise click.UsageError("give --output or --reference, not both")
        from kg.base.errors import InputError
        from kg.schema.fields import embed_reference

        check_output_file(reference, force=True)  # never a link, a folder or a device
        try:
            old = reference.read_text(encoding="utf-8")
            new = embed_reference(old)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{display_path(reference)}: {getattr(exc, 'strerror', None) or exc}") from None
        if new != old:
            write_atomic(reference, new.encode("utf-8"))
        click.echo(f"{display_path(reference)}: the field reference is {'updated' if new != old else 'up to date'}.")
        return
    text = json.dumps(record_schema(_concepts()), ensure_ascii=False, indent=2) + "\n"
    if output:
        check_output_file(output, is_record_schema, force)
        write_atomic(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@cli.command("import-table", epilog=_epilog("import-table"))
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--source-id", required=True, help="Id of the source the sheet was extracted from.")
@click.option("--text-file", required=True, help="File name of that source's plain text (for quote checks).")
@click.option("-o", "--output", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Record file to write (default: stdout); an existing file is not overwritten without --force.")
@FORCE
@click.option("--delimiter", default=",", show_default=True, help="The sheet's field delimiter.")
@click.option("--records", "records_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Existing records, so that known interventions keep their ids (default: the packaged ones).")
def import_table_command(sheet: Path, source_id: str, text_file: str, out_file: Path | None, force: bool,
                         delimiter: str, records_dir: Path | None) -> None:
    """Turn a data-extraction sheet (CSV) into a record file: Table 1's layout (first header cell `attribute`,
    one column per intervention) or one row per finding. Problems are listed (exit 1), never dropped."""
    from kg.base.config import Settings
    from kg.base.files import check_output_file, write_atomic
    from kg.load.corpus import load_records
    from kg.load.identity import NameIndex
    from kg.load.tables import import_table
    from kg.model.build import concept_labels

    labels = concept_labels()
    index = NameIndex.of(load_records(Settings.default(records_dir).records_dir, _concepts()))
    known = {section: {name: next(iter(ids)) for name, ids in index.names.get(section, {}).items() if len(ids) == 1}
             for section in ("interventions", "components")}
    result = import_table(sheet, source_id, text_file, labels, known, delimiter)
    for line, problem in result.problems:
        click.echo(f"{display_path(sheet)}:{line}: {problem}", err=True)
    if out_file:
        check_output_file(out_file, force=force)
        write_atomic(out_file, result.text.encode("utf-8"))
        click.echo(f"Wrote {display_path(out_file)} ({len(result.problems)} problem(s) to check).", err=True)
    else:
        click.echo(result.text, nl=False)
    if result.problems:
        sys.exit(1)


@cli.command(epilog=_epilog("site"))
@input_options
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to write the site to (replaced only when complete).")
@PROGRESS
def site(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, out_dir: Path,
         progress: bool | None) -> None:
    """Write a static site: home page, the sources' tables as printed, evidence map, a page per resource (its
    Turtle beside it, its JSON-LD in it), lists by class, search, ontology documentation and, in download/, the
    release as `kg build` writes it (judged the same way: exit 1, writing nothing, if the graph fails). Plain
    HTML and CSS; open it from disk. Run again with nothing changed, it stops at once."""
    from kg.base.config import Settings
    from kg.pipeline import build_site

    settings = Settings.default(records_dir, sources_dir, base_iri)
    with _loading(settings.records_dir, progress) as loaded:
        result, written = build_site(settings, out_dir, loaded)
    if result is None:
        click.echo(f"{display_path(out_dir)}/ is up to date: its {len(written)} files were written from these very "
                   "records, source texts and model, and none has changed since; nothing was rebuilt")
        return
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)
    total = sum(p.stat().st_size for p in written.values())
    click.echo(f"Wrote {len(written)} files ({total:,} bytes) to {display_path(out_dir)}/; "
               f"open {display_path(out_dir / 'index.html')}")


@cli.command("serve-site", epilog=_epilog("serve-site"))
@click.option("--dir", "site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("site"), show_default=True, help="The site folder written by `kg site`.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
def serve_site(site_dir: Path, port: int, host: str) -> None:
    """Serve the site folder over HTTP for a quick look (Ctrl-C stops it)."""
    from kg.stores.serve import serve_folder

    server = serve_folder(site_dir, host, port)
    click.echo(f"Serving {display_path(site_dir)}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command(epilog=_epilog("publish"))
@click.option("--endpoint", help="An Oxigraph-style store URL, BASE/store, from which BASE/query and BASE/update "
                                 "follow.")
@click.option("--query-endpoint", help="The store's SPARQL query URL (default: BASE/query).")
@click.option("--update-endpoint", help="The store's SPARQL update URL (default: BASE/update).")
@click.option("--release", "release_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="The release folder written by `kg release`.")
@click.option("--leave-out", "leave_out", multiple=True, metavar="DATATYPE",
              help="Do not send the statements whose value has this datatype (xsd:duration or a full IRI), for a "
                   "store that cannot hold it; they are counted. Repeatable.")
@click.option("--timeout", type=_Seconds(), default=30, show_default=True,
              help="Seconds for each request to the store, its retries and backoff included.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries on connection errors and 5xx answers, with exponential backoff (within --timeout).")
def publish(endpoint: str | None, query_endpoint: str | None, update_endpoint: str | None, release_dir: Path,
            leave_out: tuple[str, ...], timeout: float, retries: int) -> None:
    """Put the release into a SPARQL 1.1 store, one named graph per source, each replaced by one update request
    (readers see the old graph or the new one), then read back and compared with what was sent (exit 1 if the
    store holds anything else). Before anything is replaced, a probe graph checks that the store keeps every
    datatype of the release (exit 1, nothing published, if not). Credentials come from KG_ENDPOINT_TOKEN or
    KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD (Digest with KG_ENDPOINT_AUTH=digest), or the URL, and are never
    printed."""
    from kg.query.remote import Endpoints
    from kg.stores.publish import PublishedGraph
    from kg.stores.publish import publish as publish_release

    def report(done: PublishedGraph) -> None:  # as each graph is done: a later failure does not hide what was done
        left = f", {done.left_out} left out" if done.left_out else ""
        click.echo(f"Published {done.graph}: {done.triples} triples{left}, read back and compared")
        for note in done.notes:
            click.echo(f"  note: {note}")

    done = publish_release(release_dir, Endpoints.of(endpoint, query_endpoint, update_endpoint), timeout, retries,
                           leave_out=leave_out, on_graph=report)
    for note in done.notes:
        click.echo(f"note: {note}")


@cli.command(epilog=_epilog("serve"))
@click.option("--release", "release_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("release"),
              show_default=True, help="The release folder written by `kg release`.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: a free one, shown when serving starts).")
@click.option("--read-write", is_flag=True, help="Accept updates and uploads (read-only by default).")
@click.option("--store", "--location", "location", type=click.Path(path_type=Path, file_okay=False),
              help="Database folder to keep (default: a temporary one, removed when the server stops); "
                   "--location is the old spelling.")
@click.option("--allow-service", is_flag=True,
              help="Pass every request to Oxigraph unchecked, so SERVICE (federated queries) and LOAD run.")
@click.option("--timeout", type=click.IntRange(1, 86400), default=60, show_default=True,
              help="Seconds a query may run before Oxigraph cancels it.")
def serve(release_dir: Path, host: str, port: int, read_write: bool, location: Path | None,
          allow_service: bool, timeout: int) -> None:
    """Serve the release with Oxigraph's SPARQL server (query UI at /, SPARQL at /query), the union of the named
    graphs as default graph.

    Oxigraph's server has no switch to turn federation off, so it runs on a private loopback port behind a small
    proxy on --port that parses each query and update (with rdflib) and answers 400 to SERVICE and LOAD: they
    would make the server send requests wherever a client asks. A request rdflib cannot parse that may hold
    either keyword is refused too, and Oxigraph is sent the text the proxy checked (\\u escapes expanded, line
    breaks as line feeds), never a text the two parsers could read differently. A request from a web page (a
    foreign Origin, or a Host that is not loopback) is refused with 403. --allow-service passes everything
    through.

    The limit: the private port is an ordinary loopback TCP port without a password (Oxigraph cannot listen on a
    Unix socket or ask for a secret), so any local process, of any user, that finds it reaches Oxigraph directly,
    SERVICE included. The proxy guards the public port; it does not separate the users of one machine.

    SIGTERM, SIGINT or SIGHUP stop the server and remove its temporary database; on Linux the server also dies
    with `kg serve` when that is killed outright, and the next `kg serve` removes what such a kill left."""
    from kg.stores.serve import serve_release

    serve_release(release_dir, host, port, read_write, location, allow_service, echo=click.echo, timeout=timeout)


@cli.command(epilog=_epilog("conflicts"))
@input_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              show_default=True)
def conflicts(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, fmt: str) -> None:
    """List where sources disagree on a single-valued property: each value with its source and quote.
    Nothing is overwritten; both values stay in the graph. Exit 0 either way. Answered on Oxigraph from the
    cache, as `kg query conflicts` is."""
    from kg.base.config import Settings
    from kg.query.cache import query_store
    from kg.query.sparql import format_result, run_query_oxigraph

    result = run_query_oxigraph(query_store(Settings.default(records_dir, sources_dir, base_iri)), "conflicts")
    if not result.rows and fmt == "table":
        click.echo("No conflicts: no two sources give different values for a single-valued property.")
        return
    click.echo(format_result(result, fmt), nl=False)


@cli.command(epilog=_epilog("stats"))
@input_options
def stats(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None) -> None:
    """Print triple counts per named graph and instance counts per class."""
    from kg.model.stats import compute_stats, format_stats

    click.echo(format_stats(compute_stats(_build(records_dir, sources_dir, base_iri))))


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """The `kg` command. SIGTERM and SIGHUP end it like Ctrl-C does, through every `finally`, so that temporary
    folders are removed and helper processes stopped."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    cli(prog_name="kg")
