"""The site benchmark (benchmarks/site_speed.py) runs on a tiny corpus and prints sane figures for each stage."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_site_benchmark_prints_one_json_object_per_stage_and_a_table(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "site_speed.py"), "--triples", "2000",
                           "--keep", str(tmp_path), "--stages", "build,site,rebuild"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    corpus, *stages = objects
    assert corpus["stage"] == "corpus" and corpus["studies"] == 1 and corpus["record_files"] == 2
    assert [s["stage"] for s in stages] == ["build", "site", "rebuild"]
    for s in stages:
        assert s["exit"] == 0
        assert s["wall_s"] > 0 and s["cpu_s"] > 0
        assert s["main_mb"] > 10 and s["peak_mb"] == round(s["main_mb"] + s["helpers_mb"], 1)
    build, site, rebuild = stages
    assert build["release_files"] > 10
    on_disk = [p for p in (tmp_path / "out-2000" / "site").rglob("*") if p.is_file()]
    assert site["files"] == rebuild["files"] == len(on_disk) > build["release_files"]
    assert site["bytes"] == rebuild["bytes"] == sum(p.stat().st_size for p in on_disk)
    assert site["download_files"] < site["files"] and 0 < site["download_bytes"] < site["bytes"]
    assert site["written"] == site["files"] and 0 <= rebuild["written"] <= rebuild["files"]
    assert "| stage | wall s | CPU s | peak MB | files | MB |" in done.stdout
    assert "site / build: wall " in done.stdout and "rebuild / build: wall " in done.stdout


def test_the_wrapper_tells_the_kg_process_from_its_helpers(tmp_path: Path) -> None:
    """A stand-in `kg` (first on PYTHONPATH) holds about 100 MB and waits for a helper holding about 200 MB:
    main_mb is its own peak, helpers_mb the helper's, peak_mb their sum, and its exit code is kept."""
    spec = importlib.util.spec_from_file_location("benchmark_site", ROOT / "benchmarks" / "site_speed.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    (tmp_path / "kg").mkdir()
    (tmp_path / "kg" / "__init__.py").write_text("")
    (tmp_path / "kg" / "__main__.py").write_text("import sys\nfrom kg.cli import main\nsys.exit(main())\n")
    (tmp_path / "kg" / "cli.py").write_text(
        "import subprocess, sys\n"
        "def main():\n"
        "    held = bytearray(100 * 2**20)\n"
        "    subprocess.run([sys.executable, '-c', 'x = bytearray(200 * 2**20)'], check=True)\n"
        "    print('stand-in', sys.argv[1:], len(held))\n"
        "    return 3\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = bench.run(["site", "-o", "x"], env, tmp_path, tmp_path / "log")
    assert result["exit"] == 3 and "stand-in ['site', '-o', 'x']" in result["output"][-1]
    assert 100 < result["main_mb"] < 190 and 200 < result["helpers_mb"] < 290
    # each figure rounded to 0.1 MB on its own: the sum of the rounded parts may be 0.1 off (a regression test)
    assert abs(result["peak_mb"] - (result["main_mb"] + result["helpers_mb"])) <= 0.1 + 1e-9
    assert result["tree_max_mb"] == result["helpers_mb"]  # wait4 gives the largest process of the tree, not a sum
