"""The curator's commands: `kg new` (a record skeleton), `kg schema` (the JSON Schema of record files, the field
reference) and `kg import-table` (a data-extraction sheet turned into a record file)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.base.errors import display_path
from kg.cli.common import FORCE, cli, epilog


class _RecordKinds(click.Choice):
    """`source` and the record kinds of the record format, read from kg.schema only when `kg new` needs them
    (the other commands start without it)."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> list[str]:
        from kg.schema import RECORD_KINDS

        return ["source", *RECORD_KINDS]

    @choices.setter
    def choices(self, _value: object) -> None:
        pass


def _concepts() -> dict[str, set[str]]:
    from kg.schema.vocabularies import concepts_by_scheme

    return concepts_by_scheme()


@cli.command(epilog=epilog("new"))
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


@cli.command(epilog=epilog("schema"))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (default: stdout).")
@click.option("--reference", type=click.Path(path_type=Path, dir_okay=False),
              help="Instead, rewrite the field reference between the <!-- reference:start --> and "
                   "<!-- reference:end --> markers of this Markdown file (records/README.md).")
@click.option("--write", "write_all", is_flag=True,
              help="Instead, bring every file written from the model in kg/schema up to date in this checkout: the "
                   "ontology's properties, the shapes of the records' classes and their single-value constraints, "
                   "the JSON Schema, the reference and README's table of the model.")
@click.option("--check", "check_all", is_flag=True,
              help="Instead, exit 1 naming each file written from the model that is not up to date.")
@FORCE
def schema(output: Path | None, reference: Path | None, write_all: bool, check_all: bool, force: bool) -> None:
    """Print the JSON Schema of record files (for editors: autocompletion and checks while typing); with
    --reference, bring the curator's field reference up to date instead; with --write, every file written from the
    model (kg/schema: the fields and the properties' labels and definitions); with --check, say which are stale."""
    import json

    from kg.base.files import check_output_file, write_atomic
    from kg.schema.jsonschema import is_record_schema, record_schema

    if sum(map(bool, (output, reference, write_all, check_all))) > 1:
        raise click.UsageError("give one of --output, --reference, --write and --check")
    if write_all or check_all:
        _model_files(write_all)
        return
    if reference:
        from kg.base.errors import InputError
        from kg.schema import embed_reference

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


def _model_files(write: bool) -> None:
    """`kg schema --write` and `--check`, in the checkout that holds the package's ontology/ and shapes/."""
    from kg.base.config import resource_dir
    from kg.base.errors import InputError
    from kg.schema.generate import stale
    from kg.schema.generate import write as write_files

    root = resource_dir("ontology").parent
    if not all((root / name).is_file() for name in ("README.md", "records/README.md", "pyproject.toml")):
        raise click.UsageError(f"{display_path(root)} is not a checkout of pikg (the files written from the model are "
                               "part of the source, not of an installed package)")
    try:
        changed, found = (write_files(root), []) if write else ([], stale(root))
    except OSError as exc:  # a file gone or not readable
        raise InputError(f"{display_path(Path(exc.filename or root))}: {exc.strerror}") from None
    except ValueError as exc:  # its markers removed, or not text (UnicodeDecodeError)
        raise InputError(str(exc)) from None
    if write:
        click.echo(", ".join(display_path(p) for p in changed) + " brought up to date" if changed
                   else "Every file written from the model is up to date.")
        return
    if found:
        click.echo("Not up to date with kg/schema (run kg schema --write): "
                   + ", ".join(display_path(p) for p in found), err=True)
        sys.exit(1)
    click.echo("Every file written from the model is up to date.")


@cli.command("import-table", epilog=epilog("import-table"))
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
    from kg.schema.vocabularies import concept_labels

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
