"""Benchmark: `kg build` against `kg site` on a synthetic corpus, each command in a fresh process.

Usage (from the project root, after `bash scripts/setup.sh`):

    .venv/bin/python benchmarks/site_speed.py [--triples 1000000] [--keep DIR] [--stages build,site,rebuild,edit]

It generates a synthetic corpus of about `--triples` triples (benchmarks/generate.py), then runs, each as a fresh
process calling the command line (the `kg` console script's entry point, or `python -m kg`), with the corpus's
--records and --sources:

- build:   `kg build -o OUT/build`;
- site:    `kg site -o OUT/site`, the first build of the site (OUT/site is removed first);
- rebuild: `kg site -o OUT/site` again with nothing changed;
- edit:    `kg site -o OUT/site` after a one-character change to one record file (a finding's label, still a
           valid record; the file is restored afterwards). Not run unless asked for with --stages.

The stages share one kg cache ($KG_CACHE_DIR), empty at the start of the run, as a curator's commands would.
For each stage it prints one JSON object: wall seconds; CPU seconds (user + system of the command and of every
helper process it waited for, from the rusage wait4 gives); peak resident memory: `main_mb` is the kg process's
own (RUSAGE_SELF ru_maxrss, reported by a tiny wrapper that runs the command line in that very process),
`helpers_mb` the largest of the helper processes kg started and waited for (the wrapper's RUSAGE_CHILDREN
ru_maxrss: the largest one, not a sum), `peak_mb` = main + helpers (an upper bound of what the process tree held
at once, as kg runs its helper while it works); and, for the site, the number of files and the bytes under
OUT/site (and under OUT/site/download, the release), and how many files the command wrote anew (a file counts
as written when its inode or modification time changed). At the end a Markdown table and the ratios site / build.

`--keep DIR` keeps the corpus (DIR/corpus-N) and the outputs (DIR/out-N) and reuses the corpus on the next run.
Everything runs as the command line does, so this benchmarks any version of kg.

(This file is run as a script, never imported as `site`: that name is the standard library's.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

STAGES = ("build", "site", "rebuild", "edit")
DEFAULT_STAGES = "build,site,rebuild"

# Runs the command line in this very process, so that its RUSAGE_SELF is the kg process's own and its
# RUSAGE_CHILDREN the helpers kg started and waited for; writes both (and its exit code) to the file argv[1].
WRAPPER = r"""
import json, resource, sys
report, *args = sys.argv[1:]
sys.argv = ["kg", *args]
code = 0
try:
    try:
        from importlib.metadata import entry_points
        (point,) = entry_points(group="console_scripts", name="kg")
        main = point.load()
    except ValueError:
        main = None
    if main is None:
        import runpy
        runpy.run_module("kg", run_name="__main__", alter_sys=True)
    else:
        code = main()
except SystemExit as exit:
    code = exit.code
except BaseException:
    import traceback
    traceback.print_exc()
    code = 1
finally:
    sys.stdout.flush()
    me, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(report, "w") as handle:
        json.dump({"main_kb": me.ru_maxrss, "helpers_kb": helpers.ru_maxrss,
                   "main_cpu": me.ru_utime + me.ru_stime, "helpers_cpu": helpers.ru_utime + helpers.ru_stime},
                  handle)
code = code if isinstance(code, int) else (0 if code is None else 1)
sys.exit(code)
"""

MEMORY = "peak_mb = main_mb (kg's RUSAGE_SELF) + helpers_mb (its RUSAGE_CHILDREN: the largest waited-for helper)"


def files_under(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Relative path -> (size, inode, modification time in ns) of every file under folder."""
    found = {}
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                found[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_ino, stat.st_mtime_ns)
    return found


def run(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> dict:
    """One kg command line in a fresh process (through WRAPPER): its exit code, wall and CPU seconds, memory and
    the last lines of its output (written to log)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage.json"
        with log.open("wb") as out:
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-c", WRAPPER, str(report), *args], env=env, cwd=cwd,
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
        inner = json.loads(report.read_text()) if report.exists() else {}
    tail = log.read_bytes()[-4000:].decode("utf-8", "replace").strip().splitlines()[-3:]
    main_mb, helpers_mb = inner.get("main_kb", 0) / 1024, inner.get("helpers_kb", 0) / 1024
    return {"exit": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 3),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "helpers_cpu_s": round(inner.get("helpers_cpu", 0.0), 3),
            "peak_mb": round(main_mb + helpers_mb, 1), "main_mb": round(main_mb, 1),
            "helpers_mb": round(helpers_mb, 1), "tree_max_mb": round(usage.ru_maxrss / 1024, 1),
            "output": tail}


def corpus(folder: Path, triples: int) -> tuple[Path, Path, dict]:
    """The corpus's records and texts folders (generated once; reused when complete, e.g. with --keep)."""
    done = folder / ".complete"
    info = {"stage": "corpus", "folder": str(folder), "requested_triples": triples}
    if done.exists():
        info.update(json.loads(done.read_text()), generated=False)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        studies = generate(folder, triples)
        done.write_text(json.dumps({"studies": studies}))
        info.update(studies=studies, generated=True, seconds=round(time.perf_counter() - start, 3))
    records, texts = folder / "records", folder / "texts"
    info["record_files"] = sum(1 for _ in records.glob("*.yaml"))
    return records, texts, info


def edit_one_record(records: Path) -> tuple[Path, bytes]:
    """A one-character change to one record file that keeps it valid: the first letter of a finding's label
    (a label of our own, not quoted from the source). Returns the file and its original bytes."""
    path = records / "synthetic-study-0.yaml"
    original = path.read_bytes()
    old = b'label: {value: "Finding 0 of synthetic study 0"}'
    assert old in original, f"the edit would change nothing in {path}"
    path.write_bytes(original.replace(old, old.replace(b"Finding", b"finding"), 1))
    return path, original


def table(results: list[dict]) -> str:
    lines = ["| stage | wall s | CPU s | peak MB | files | MB |", "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        files = f"{r['files']:,}" if "files" in r else ""
        mb = f"{r['bytes'] / 1e6:.1f}" if "bytes" in r else ""
        stage = r["stage"] if r["exit"] == 0 else f"{r['stage']} (FAILED, exit {r['exit']})"
        lines.append(f"| {stage} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} | {files} | {mb} |")
    by_stage = {r["stage"]: r for r in results if r["exit"] == 0}
    if "build" in by_stage:
        build = by_stage["build"]
        lines.append("")
        for name in ("site", "rebuild", "edit"):
            if name in by_stage:
                r = by_stage[name]
                lines.append(f"{name} / build: wall {r['wall_s'] / build['wall_s']:.2f}x, "
                             f"CPU {r['cpu_s'] / build['cpu_s']:.2f}x, "
                             f"peak memory {r['peak_mb'] / build['peak_mb']:.2f}x")
    lines += ["", f"Peak MB: {MEMORY}; files and MB: everything under the site folder (its download/ included)."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000, help="requested size of the corpus")
    parser.add_argument("--keep", type=Path, help="keep the corpus and the outputs in this folder, and reuse the "
                        "corpus on the next run")
    parser.add_argument("--stages", default=DEFAULT_STAGES,
                        help=f"comma-separated, in this order, from {','.join(STAGES)} (default: {DEFAULT_STAGES})")
    args = parser.parse_args()
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown or not stages:
        parser.error(f"unknown stages {unknown}; choose from {','.join(STAGES)}")
    stages = [s for s in STAGES if s in stages]

    with tempfile.TemporaryDirectory(prefix="kg-site-bench-") as tmp:
        folder = (args.keep or Path(tmp)).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        records, texts, info = corpus(folder / f"corpus-{args.triples}", args.triples)
        print(json.dumps(info), flush=True)
        out = folder / f"out-{args.triples}"
        out.mkdir(exist_ok=True)
        cache = out / "cache"
        shutil.rmtree(cache, ignore_errors=True)  # every run starts with an empty kg cache
        cache.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        env.update(KG_CACHE_DIR=str(cache), PYTHONPATH=os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))  # this working tree's kg
        inputs = ["--records", str(records), "--sources", str(texts)]
        site = out / "site"
        if stages[0] in ("rebuild", "edit") and not (site / "index.html").exists():
            parser.error(f"{stages[0]} needs the site of an earlier run in {site} (the site stage, with --keep)")
        results: list[dict] = []
        for stage in stages:
            target = out / "build" if stage == "build" else site
            if stage in ("build", "site"):
                shutil.rmtree(target, ignore_errors=True)  # a first build, into an absent folder
            before = files_under(target)
            edited = edit_one_record(records) if stage == "edit" else None
            command = ["build" if stage == "build" else "site", "-o", str(target), *inputs]
            try:
                result = {"stage": stage, "command": ["kg", *command], **run(command, env, out, out / f"{stage}.log")}
            finally:
                if edited:
                    edited[0].write_bytes(edited[1])
            result["memory"] = MEMORY
            if stage != "build":
                after = files_under(target)
                download = [v for k, v in after.items() if k.startswith("download/")]
                result.update(files=len(after), bytes=sum(v[0] for v in after.values()),
                              download_files=len(download), download_bytes=sum(v[0] for v in download),
                              written=sum(1 for k, v in after.items() if before.get(k) != v),
                              removed=len(before.keys() - after.keys()))
            else:
                after = files_under(target)
                result.update(release_files=len(after), release_bytes=sum(v[0] for v in after.values()))
            print(json.dumps(result), flush=True)
            results.append(result)
            if result["exit"] != 0:
                print(f"\n{stage} failed (exit {result['exit']}); see {out / (stage + '.log')}", file=sys.stderr)
                break
        print()
        print(table(results))
        return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
