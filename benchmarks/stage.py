"""One measured stage of the benchmark, run in a fresh process so that its peak memory is its own.

Prints one JSON object: the stage's timings in seconds and the process's peak resident memory in MB.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(records: Path, texts: Path, out: Path) -> dict[str, float]:
    """The project's pipeline as `kg build` runs it, through the function the command calls
    (kg.pipeline.release_graph: the verdict, the answers of the bundled queries cached, and the whole release
    folder, with its helper process), then every bundled query on a store loaded from the release."""
    import pyoxigraph as ox

    from kg.base.config import Settings
    from kg.model.build import build
    from kg.pipeline import release_graph
    from kg.query.sparql import list_queries, run_query_oxigraph

    os.environ["KG_CACHE_DIR"] = tempfile.mkdtemp()  # kg build answers the bundled queries into the cache
    times: dict[str, float] = {}
    start = time.perf_counter()
    kg = build(Settings.default(records, texts))
    times["load + build"] = time.perf_counter() - start
    t = time.perf_counter()
    result = release_graph(kg, out)
    times["verdict + release (17+ files) + cache for kg query"] = time.perf_counter() - t
    times["total (kg build)"] = time.perf_counter() - start
    times["conforms"] = float(result.ok)
    store = ox.Store()
    store.load(path=str(out / "pikg.nq"), format=ox.RdfFormat.N_QUADS)
    params = {"interventions-with-component": {"component": "synthetic component 1"},
              "findings-for-intervention": {"intervention": "SI-1"},
              "themes-for-intervention": {"intervention": "SI-1"},
              "barriers-and-facilitators": {"intervention": "SI-1"},
              "provenance": {"resource": "Synthetic intervention 1"}}
    for spec in list_queries():
        t = time.perf_counter()
        run_query_oxigraph(store, spec.name, params.get(spec.name, {}))
        times[f"query {spec.name}"] = time.perf_counter() - t
    times["helper peak MB"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return times


def parts(records: Path, texts: Path, out: Path) -> dict[str, float]:
    """Each stage of `kg build` alone, one after the other on one core (kg build runs the exports on a second
    core while it validates): the store, validation, the violation queries, and each file of the release."""
    import pyoxigraph as ox

    from kg.base.config import Settings
    from kg.check.validate import validate
    from kg.check.verdict import violation_queries
    from kg.model.build import ONTOLOGY_GRAPH, build
    from kg.model.published import Published
    from kg.query.sparql import run_query_oxigraph
    from kg.release.folder import write_derived, write_framed, write_statements

    times: dict[str, float] = {}

    def timed(name: str, step: Callable[[], object]) -> object:
        t = time.perf_counter()
        done = step()
        times[name] = time.perf_counter() - t
        return done

    kg = timed("load + build", lambda: build(Settings.default(records, texts)))
    data = timed("sorted union of the published graphs", lambda: Published.of(kg))
    timed("export N-Triples + N-Quads", lambda: write_statements(out, data))
    store = ox.Store()
    timed("store loaded from the N-Quads", lambda: (store.load(path=str(out / "pikg.nq"),
                                                               format=ox.RdfFormat.N_QUADS),
                                                    store.load(kg.nquads([ONTOLOGY_GRAPH]),
                                                               format=ox.RdfFormat.N_QUADS)))
    timed("validate (every SHACL constraint, on the store)", lambda: validate(kg, store))
    for spec in violation_queries():
        timed(f"violation query {spec.name}", lambda name=spec.name: run_query_oxigraph(store, name))
    for fmt, name in (("trig", "TriG"), ("turtle", "Turtle"), ("json-ld", "JSON-LD"), ("rdf-xml", "RDF/XML")):
        timed(f"export {name}", lambda fmt=fmt: write_derived(out, kg.settings.base_iri, (fmt,), framed=False))
    timed("export framed JSON-LD per intervention", lambda: write_framed(out, data))
    return times


def baseline(turtle: Path) -> dict[str, float]:
    """The straightforward path: rdflib parses the Turtle, pyshacl validates everything, rdflib serialises."""
    import pyshacl
    from rdflib import Graph

    from kg.check.validate import load_shapes
    from kg.model.build import load_model

    times: dict[str, float] = {}
    start = time.perf_counter()
    graph = Graph().parse(turtle, format="turtle")
    times["parse turtle"] = time.perf_counter() - start
    ontology, vocab = load_model()
    t = time.perf_counter()
    pyshacl.validate(graph + ontology + vocab, shacl_graph=load_shapes(), inference="none", advanced=True)
    times["validate"] = time.perf_counter() - t
    for fmt in ("turtle", "json-ld", "nt"):
        t = time.perf_counter()
        graph.serialize(format=fmt)
        times[f"export {fmt}"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - start
    return times


def _command(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit code of one command in a fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def check_after_edit(records: Path, texts: Path) -> dict[str, float]:
    """`kg check` as a curator runs it, each time a fresh process: once (everything is checked, and the state
    for the next check is kept), then after editing one source (only what changed is checked)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "KG_CACHE_DIR": cache}
        command = [sys.executable, "-m", "kg", "check", "--records", str(records), "--sources", str(texts)]
        first, first_mb, first_code = _command(command, env)
        edited = records / "synthetic-study-0.yaml"
        text = edited.read_text(encoding="utf-8")
        designs = ("    design: qualitative-synthesis", "    design: qualitative-phenomenological-study")
        old, new = designs if designs[0] in text else designs[::-1]
        assert old in text, "the edit would change nothing"
        edited.write_text(text.replace(old, new), encoding="utf-8")
        after, after_mb, after_code = _command(command, env)
    return {"first": first, "first MB": first_mb, "check": after, "check MB": after_mb,
            "ok": float(first_code == after_code == 0)}


def cold_query() -> dict[str, float]:
    """`kg query` on the bundled graph, each a fresh process: with no cache at all, after `kg build` (the
    answer cached), and with a parameter not asked before (a store loaded from the cached N-Quads)."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "KG_CACHE_DIR": cache}
        kg = [sys.executable, "-m", "kg"]
        times = {"no cache": _command([*kg, "query", "compare-interventions"], env)[0]}
        _command([*kg, "build", "--out", out], env)
        times["after kg build"] = _command([*kg, "query", "compare-interventions"], env)[0]
        times["a new parameter"] = _command([*kg, "query", "findings-for-intervention", "--param",
                                             "intervention=IPS"], env)[0]
    return times


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    paths = [Path(a) for a in args]
    stages = {"ours": ours, "parts": parts, "baseline": baseline, "check": check_after_edit, "cold": cold_query}
    result = stages[kind](*paths)
    result["peak MB"] = peak_mb()
    print(json.dumps(result))
