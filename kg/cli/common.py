"""The `kg` command's group and what its commands share: the group `cli` (errors as one message on stderr, never
a traceback; exit codes 0 ok, 1 the data fails validation, 2 usage or input error), `main` (the console script),
the examples of each command's help, and the options several commands take. The commands are in graph, curation
and servers beside it, which import this module and register themselves on the group."""

from __future__ import annotations

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
    "serve": "  kg serve\n  kg serve --release release/ --port 8080\n  kg serve --store db/ --timeout 30",
    "site": "  kg site\n  kg site --out public/",
    "serve-site": "  kg serve-site\n  kg serve-site --dir public/ --port 8080",
    "new": "  kg new source my-study-2024 --text-file my-study-2024.txt\n"
           "  kg new intervention my-programme --file records/my-study-2024.yaml\n"
           "  kg new finding my-programme-result --file records/my-study-2024.yaml",
    "schema": "  kg schema --output records/record.schema.json\n  kg schema --reference records/README.md\n"
              "  kg schema --write\n  kg schema --check",
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


class Seconds(click.FloatRange):
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


def epilog(name: str) -> str:
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


@click.group(cls=_Group, epilog="\b\nExamples:\n  kg build\n  kg query --list\n  kg query compare-interventions")
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build, validate, query and export the psychosocial intervention knowledge graph."""


def release_options(func: Any) -> Any:
    """The release's date and download base: metadata inputs, so the same input gives the same bytes."""
    func = click.option("--download-base", metavar="URL",
                        help="URL of the folder the release will be served from: the dataset description, the "
                             "RO-Crate and dataset search get absolute download links (default: links relative to the "
                             "description that holds them).")(func)
    func = click.option("--release-date", metavar="YYYY-MM-DD",
                        help="The release's date (default: from $SOURCE_DATE_EPOCH, else the day of the last git "
                             "commit that changed the records; never a date a source states).")(func)
    return func


PROGRESS = click.option("--progress/--no-progress", default=None,
                        help="Show a progress bar on stderr while loading records (default: on a terminal, from "
                             f"{PROGRESS_FROM} files up).")


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """The `kg` command. SIGTERM and SIGHUP end it like Ctrl-C does, through every `finally`, so that temporary
    folders are removed and helper processes stopped."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    cli(prog_name="kg")
