"""Benchmark: `kg import-table` of a long sheet and `kg validate` of a wide table, as commands (issue 25).

Usage (from the project root, after `bash scripts/setup.sh`):

    .venv/bin/python benchmarks/load_checks.py [--rows 100000] [--columns 1500] [--keep DIR]

It writes a sheet of `--rows` findings (one a row, cells with colons, quotes and `#` as curators' sheets have
them) and runs `kg import-table` on it; then a made-up source of `--columns` interventions and a record file whose
table prints them all as columns, and runs `kg validate` on that folder (a fresh cache, so nothing is reused).
Each runs in a fresh process; it prints wall seconds, CPU seconds (user + system: what the command costs when
other work shares the cores), the child's peak resident memory and the first line of its output. `--keep DIR`
keeps the generated files there.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from validate_data import KG, run  # noqa: E402


def sheet(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "type", "study", "intervention", "outcome", "direction", "strength", "hedge",
                         "quote", "mechanisms"])
        for i in range(rows):
            writer.writerow([f"Finding {i}: a result", "result", "imr-trial", "IMR", "personal recovery",
                             "beneficial", "stated", "may", f"We found {i} things: “quoted” #x", "hope; peer-exchange"])


def wide_table(folder: Path, columns: int) -> None:
    """A made-up source (not real data) whose one table prints `columns` interventions."""
    (folder / "records").mkdir(parents=True)
    (folder / "sources").mkdir()
    names = [f"Programme {i:04d}" for i in range(1, columns + 1)]
    (folder / "sources" / "wide.txt").write_text("A made-up wide table (not real data). Table W lists the "
                                                 "programmes. " + " ".join(f"{n}." for n in names) + "\n",
                                                 encoding="utf-8")
    lines = ["source:", "  id: wide", "  label: A made-up wide table", "  text_file: wide.txt",
             '  quote: "A made-up wide table (not real data)."', "", "interventions:"]
    for i, name in enumerate(names, start=1):
        lines += [f"  programme-{i:04d}:", f'    quote: "{name}."', f"    name: {{value: {name}}}"]
    lines += ["", "tables:", "  wide-table:", '    quote: "Table W lists the programmes."',
              "    label: {value: Table W}",
              "    columns: [" + ", ".join(f"programme-{i:04d}" for i in range(1, columns + 1)) + "]"]
    (folder / "records" / "wide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=1500)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-load-checks-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KG_CACHE_DIR": str(work / "cache")}
    try:
        long = work / f"findings-{args.rows}.csv"
        sheet(long, args.rows)
        out = work / "imported.yaml"
        out.unlink(missing_ok=True)
        wide = work / f"wide-{args.columns}"
        shutil.rmtree(wide, ignore_errors=True)
        wide_table(wide, args.columns)
        print("| command | wall s | CPU s | peak MB | exit | first line |\n| --- | --- | --- | --- | --- | --- |")
        for name, command in ((f"import-table, {args.rows:,} rows", [*KG, "import-table", str(long), "--source-id",
                                                                      "x", "--text-file", "x.txt", "-o", str(out)]),
                              (f"validate, a table of {args.columns:,} columns",
                               [*KG, "validate", "--records", str(wide / "records"), "--sources",
                                str(wide / "sources")])):
            shutil.rmtree(work / "cache", ignore_errors=True)
            wall, cpu, peak, code, first = run(command, env)
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {code} | {first[:80]} |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
