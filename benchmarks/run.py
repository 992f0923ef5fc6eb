"""Benchmark: the project's pipeline against a plain rdflib + pyshacl one on synthetic corpora.

Usage (from the project root, after `bash scripts/setup.sh`):

    .venv/bin/python benchmarks/run.py --sizes 10000,100000 [--write benchmarks/RESULTS.md]

It first times `kg query` on the bundled graph from a cold start. For each size it then generates a corpus
(benchmarks/generate.py) and runs, each in a fresh process: our pipeline as kg build runs it (load and build,
then kg.pipeline.release_graph, the function the command calls: the verdict and the release with its helper
process) and every bundled query; each stage of kg build alone;
`kg check` (first on the corpus, then after an edit to one source); and the baseline (rdflib parse, pyshacl,
rdflib serialise), printing wall times, peak memory and the baseline / ours ratio.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def stage(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, str(HERE / "stage.py"), *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores{mem}, {cpu}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    lines = [f"# Benchmark results, {datetime.date.today().isoformat()}", "", f"Machine: {machine()}.", "",
             "Wall seconds (peak MB). `ours` is the project's pipeline as `kg build` runs it (records → validated "
             "graph → release folder, a helper process on the second core); `baseline` is rdflib parse + pyshacl + "
             "rdflib serialise (3 formats) of the same graph. Queries run on an Oxigraph store loaded from the "
             "release. `kg check` is the command in a fresh process: first on the corpus (it checks everything and "
             "keeps the state in its cache), then after editing one source (it checks what changed).", ""]
    cold = stage("cold")
    lines += ["## `kg query` on the bundled graph, from a cold start (a fresh process)", "",
              "| case | seconds |", "| --- | --- |"]
    lines += [f"| {case} | {seconds:.3f} |" for case, seconds in cold.items() if case != "peak MB"]
    lines.append("")
    print("\n".join(lines), flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            studies = generate(folder, size)
            (folder / "out").mkdir()
            ours = stage("ours", str(folder / "records"), str(folder / "texts"), str(folder / "out"))
            (folder / "parts").mkdir()
            alone = stage("parts", str(folder / "records"), str(folder / "texts"), str(folder / "parts"))
            base = stage("baseline", str(folder / "out" / "pikg.ttl"))
            check = stage("check", str(folder / "records"), str(folder / "texts"))
            triples = sum(1 for _ in open(folder / "out" / "pikg.nt", encoding="utf-8"))
        start = len(lines)
        lines += [f"## {size:,} requested: {triples:,} triples, {studies} studies", "",
                  "| stage | seconds |", "| --- | --- |"]
        lines += [f"| ours: {k} | {v:.3f} |" for k, v in ours.items()
                  if k not in ("peak MB", "helper peak MB", "conforms")]
        lines += [f"| ours: peak memory, main process + helper process | {ours['peak MB']:.0f} MB + "
                  f"{ours['helper peak MB']:.0f} MB |",
                  f"| ours: graph conforms | {bool(ours['conforms'])} |"]
        lines += [f"| ours, each stage alone: {k} | {v:.3f} |" for k, v in alone.items() if k != "peak MB"]
        lines += [f"| baseline: {k} | {v:.3f} |" for k, v in base.items() if k != "peak MB"]
        lines += [f"| baseline: peak memory | {base['peak MB']:.0f} MB |",
                  f"| kg check, first run (checks everything) | {check['first']:.3f} ({check['first MB']:.0f} MB) |",
                  f"| kg check after editing one source | {check['check']:.3f} ({check['check MB']:.0f} MB) |",
                  f"| ratio baseline / ours (total) | {base['total'] / ours['total (kg build)']:.2f} |", ""]
        print("\n".join(lines[start:]), flush=True)
    if args.write:
        kept = ""  # the sections other scripts write (quotes.py, validate_data.py) stay, after ours
        if args.write.is_file():
            text = args.write.read_text(encoding="utf-8")
            first = min((text.find(f"\n## {h}") for h in OTHER_SECTIONS if f"\n## {h}" in text), default=-1)
            kept = text[first:] if first >= 0 else ""
        args.write.write_text("\n".join(lines) + kept.rstrip("\n") + "\n", encoding="utf-8")


OTHER_SECTIONS = ("Quote check", "`kg validate --data`")  # written by benchmarks/quotes.py and validate_data.py


if __name__ == "__main__":
    main()
