"""The table of bundled queries in queries/README.md, generated from the queries' own `#+` headers.

`python -m kg.query.catalogue` rewrites the table (between the `queries:start` and `queries:end` markers) in
place; `python -m kg.query.catalogue --check` exits 1 if the file is not what the headers give.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.query.sparql import QuerySpec, list_queries, query_dir

START = "<!-- queries:start -->\n"
END = "<!-- queries:end -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _params(spec: QuerySpec) -> str:
    return ", ".join(f"`{p.name}`" + ("" if p.required else " (optional)") for p in spec.params.values())


def format_catalogue(specs: Iterable[QuerySpec] | None = None) -> str:
    """One row per query, by name: its question and its parameters, as the header states them (Markdown)."""
    lines = ["| query | question | parameters |", "| --- | --- | --- |"]
    lines += [f"| `{spec.name}` | {_cell(spec.question)} | {_params(spec)} |"
              for spec in sorted(list_queries() if specs is None else specs, key=lambda s: s.name)]
    return "\n".join(lines) + "\n"


def render_readme(text: str, specs: Iterable[QuerySpec] | None = None) -> str:
    """`text` (queries/README.md) with the generated table between its markers."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the README has no {START.strip()} … {END} markers")
    return f"{head}{START}{format_catalogue(specs)}{END}{tail}"


def readme_path() -> Path:
    return query_dir() / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = readme_path()
    text = path.read_text(encoding="utf-8")
    wanted = render_readme(text)
    if args == ["--check"]:
        if text != wanted:
            print(f"{path} is out of date: run python -m kg.query.catalogue", file=sys.stderr)
            return 1
        return 0
    if args:
        print("usage: python -m kg.query.catalogue [--check]", file=sys.stderr)
        return 2
    if text != wanted:
        path.write_text(wanted, encoding="utf-8")
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
