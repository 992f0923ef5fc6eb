"""How long `kg publish` takes, and how much memory, against real stores on loopback (issue 16).

Publishes the bundled release, then a release of the bundled ontology and one named graph of --triples triples
(distinct literals), each with `kg publish` in a fresh process, to Oxigraph's server and, when Debian's Virtuoso is
installed, to Virtuoso (which answers at most 10,000 rows: the read-back goes in parts). Prints one line per run:
seconds, the peak resident memory of the kg process, and the triples published.

    .venv/bin/python benchmarks/publish_speed.py --triples 200000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import generate  # noqa: E402, F401  (dates the generated releases: SOURCE_DATE_EPOCH)
from test_remote import Oxigraph  # noqa: E402  (the tests' servers: loopback, free ports, temporary data)
from test_stores import Virtuoso, big_release  # noqa: E402

MEASURED = ("import resource, runpy, sys\n"
            "sys.argv = ['kg', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('kg', run_name='__main__')\n"
            "finally:\n    print('peak-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, the peak MB of the kg process, and its last line of output."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"kg {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")
    peak = int(done.stderr.rsplit("peak-kb", 1)[1].split()[0]) / 1024
    return seconds, peak, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=200000)
    parser.add_argument("--timeout", default="600")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pikg-publish-bench-"))
    release = work / "release"
    subprocess.run([sys.executable, "-m", "kg", "release", "--out", str(release)], check=True, cwd=ROOT,
                   capture_output=True)
    big = big_release(work / "big", release, options.triples)
    stores = [("oxigraph", Oxigraph(work / "oxigraph").start(), {}, [])]
    if shutil.which("virtuoso-t"):
        stores.append(("virtuoso", Virtuoso(work / "virtuoso").start(),
                       {"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "dba", "KG_ENDPOINT_AUTH": "digest"},
                       ["--leave-out", "xsd:duration"]))
    try:
        for name, server, env, extra in stores:
            endpoints = server.endpoints
            for label, folder in (("bundled release", release), (f"one graph of {options.triples:,}", big)):
                seconds, peak, last = run(["publish", "--query-endpoint", endpoints.query, "--update-endpoint",
                                           endpoints.update, "--release", str(folder), "--timeout",
                                           options.timeout, *extra], env)
                print(f"{name:9} {label:24} {seconds:7.1f} s  peak {peak:6.0f} MB  {last}")
    finally:
        for _, server, _, _ in stores:
            server.kill()


if __name__ == "__main__":
    main()
