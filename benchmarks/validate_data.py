"""Benchmark: `kg validate --data` as a command, on large and deeply nested files.

Usage (from the project root, after `bash scripts/setup.sh`):

    .venv/bin/python benchmarks/validate_data.py [--triples 1000000] [--nested 100000] [--keep DIR]

It generates a synthetic corpus (benchmarks/generate.py), writes its graph with `kg export` as N-Quads and as
Turtle (about `--triples` triples, a graph that conforms), a Turtle file of `--nested` blank nodes each inside
the previous one, and a JSON-LD document nested as deep (refused: nesting over 512 levels), then runs
`kg validate --data FILE` on each in a fresh process, printing wall seconds, the child's peak resident memory
(its rusage, as RUSAGE_CHILDREN gives for one child) and the first line of its output. `--keep DIR` keeps the
generated files there and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

KG = [sys.executable, "-m", "kg"]


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds (user + system), peak MB, exit code and the first line of the output of one
    command in a fresh process (CPU seconds tell what the command costs when other work shares the cores)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        first = out.read(4000).decode("utf-8", "replace").splitlines()[:1]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), (first or [""])[0]


def corpus_files(folder: Path, triples: int, env: dict[str, str]) -> list[Path]:
    """The corpus's graph as N-Quads and Turtle (made once; kept when the folder is kept)."""
    files = [folder / f"corpus-{triples}.nq", folder / f"corpus-{triples}.ttl"]
    if all(f.exists() for f in files):
        return files
    generate(folder / "corpus", triples)
    for path, fmt in zip(files, ("nquads", "turtle"), strict=True):
        partial = path.with_suffix(".partial")
        subprocess.run([*KG, "export", "--format", fmt, "--records", str(folder / "corpus" / "records"),
                        "--sources", str(folder / "corpus" / "texts"), "--output", str(partial)],
                       env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        partial.rename(path)
    return files


def nested_files(folder: Path, depth: int) -> list[Path]:
    turtle = folder / f"nested-{depth}.ttl"
    if not turtle.exists():
        turtle.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p " + "[ ex:p " * depth + "ex:z"
                          + " ]" * depth + " .\n", encoding="utf-8")
    json_ld = folder / f"nested-{depth}.jsonld"
    if not json_ld.exists():
        json_ld.write_text('{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * depth + "1"
                           + "]" * depth + "}\n", encoding="utf-8")
    return [turtle, json_ld]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--nested", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder and reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "KG_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(ROOT)}
        env.pop("KG_MAX_INPUT_BYTES", None)
        files = corpus_files(folder, args.triples, env) + nested_files(folder, args.nested)
        print("| file | size | exit | wall s | CPU s | peak MB | first line of the output |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for path in files:
            size = path.stat().st_size
            seconds, cpu, peak, code, first = run([*KG, "validate", "--data", str(path), "--max-bytes",
                                              str(max(size, 1))], env)
            shown = first.replace(str(path), path.name).replace("|", "\\|")
            shown = shown if len(shown) <= 160 else shown[:157] + "..."
            print(f"| {path.name} | {size / 1e6:.1f} MB | {code} | {seconds:.2f} | {cpu:.2f} | {peak:.0f} | {shown} |",
                  flush=True)


if __name__ == "__main__":
    main()
