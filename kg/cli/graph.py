"""The commands over the graph: `kg build`, `release`, `validate`, `check`, `query`, `export`, `site`, `conflicts`
and `stats`, each a thin layer over the Python API (kg.pipeline, kg.check, kg.query, kg.release)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kg.base.errors import display_path
from kg.cli.common import FORCE, PROGRESS, PROGRESS_FROM, Seconds, cli, epilog, input_options, release_options


def _build(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None):
    """The graph built afresh (a cached Python object could run code when read); its N-Quads are kept in the
    cache for `kg query`."""
    from kg.base.config import Settings
    from kg.query.cache import build_cached

    return build_cached(Settings.default(records_dir, sources_dir, base_iri))


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


@cli.command(epilog=epilog("build"))
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


@cli.command(epilog=epilog("release"))
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


@cli.command(epilog=epilog("validate"))
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


@cli.command(epilog=epilog("query"))
@input_options
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the bundled queries and their parameters.")
@click.option("--endpoint", help="Run the query on this remote SPARQL 1.1 query endpoint instead of the records "
              "(its default graph the union of the named graphs).")
@click.option("--timeout", type=Seconds(), default=30, show_default=True,
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
        from kg.query.endpoint import Deadline
        from kg.query.remote import RemoteEngine
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


@cli.command(epilog=epilog("export"))
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


@cli.command(epilog=epilog("check"))
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


@cli.command(epilog=epilog("site"))
@input_options
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to write the site to (replaced only when complete).")
@release_options
@PROGRESS
def site(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None, out_dir: Path,
         release_date: str | None, download_base: str | None, progress: bool | None) -> None:
    """Write a static site: home page, the sources' tables as printed, evidence map, a page per resource (its
    Turtle beside it, its JSON-LD in it), lists by class, search, ontology documentation and, in download/, the
    release as `kg build` writes it (judged the same way: exit 1, writing nothing, if the graph fails). Plain
    HTML and CSS; open it from disk. Run again with nothing changed, it stops at once."""
    from kg.base.config import Settings
    from kg.pipeline import build_site

    settings = Settings.default(records_dir, sources_dir, base_iri)
    with _loading(settings.records_dir, progress) as loaded:
        result, written = build_site(settings, out_dir, loaded, release_date, download_base)
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


@cli.command(epilog=epilog("conflicts"))
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


@cli.command(epilog=epilog("stats"))
@input_options
def stats(records_dir: Path | None, sources_dir: Path | None, base_iri: str | None) -> None:
    """Print triple counts per named graph and instance counts per class."""
    from kg.model.stats import compute_stats, format_stats

    click.echo(format_stats(compute_stats(_build(records_dir, sources_dir, base_iri))))
