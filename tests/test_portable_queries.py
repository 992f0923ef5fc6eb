"""Queries that run anywhere: each bundled `.rq` file, run as it is by a plain engine over the release files its
`#+ load:` header names (the union file pikg.nt for all but the queries about named graphs), gives exactly the rows
`kg query` prints, in the same order, with no item repeated in a list cell.

The engines are plain: an rdflib Graph (a Dataset whose default graph is the union only where the header loads
pikg.nq), a pyoxigraph Store with the files in its default graph, and Comunica (npm, pinned in
tests/comunica/package-lock.json and installed by scripts/comunica.sh; tests/comunica/run.js answers every case in
one Node process, from an in-memory store of the same files). Parameters are bound as `kg query` binds them
(initBindings on rdflib, a VALUES block on Oxigraph and Comunica), with the values the golden files name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from test_queries import CASES, EXPECTED_CASES, Case, is_ordered

from conftest import QUERY_NAMES
from kg.base.terms import from_ox
from kg.query.endpoint import Answer
from kg.query.remote import parse_select
from kg.query.sparql import QueryResult, bind_params, list_queries, load_query, run_query, term_text, with_values

ENGINES = ("rdflib", "oxigraph", "comunica")
COMUNICA = Path(__file__).parent / "comunica"
COMUNICA_TIMEOUT = 30  # seconds per query; every case takes well under one
NAMED_GRAPHS = (".nq", ".trig")  # a file of named graphs: the query wants their union as default graph
FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def engines(release: Path):
    """A plain store per engine and set of files, loaded once."""
    cache: dict[tuple[str, tuple[str, ...]], object] = {}

    def engine(name: str, files: tuple[str, ...]):
        key = (name, files)
        if key not in cache:
            union = any(f.endswith(NAMED_GRAPHS) for f in files)
            if name == "rdflib":
                graph = Dataset(default_union=True) if union else Graph()
                for file in files:
                    graph.parse(release / file, format={".nt": "nt", ".ttl": "turtle", ".nq": "nquads",
                                                        ".trig": "trig"}[Path(file).suffix])
                cache[key] = graph
            else:
                store = ox.Store()
                for file in files:
                    store.load(path=str(release / file), format=FORMATS[Path(file).suffix])
                cache[key] = store
        return cache[key]

    return engine


@pytest.fixture(scope="module")
def comunica(kg, release: Path) -> dict[str, QueryResult | str]:
    """Comunica's answer to every case (or its error), from one Node process: Node's start and Comunica's set-up
    take seconds, so every query goes to one run of tests/comunica/run.js. Node or the install missing fails."""
    node = shutil.which("node")
    assert node, "the Comunica tests need Node.js (20 or later) on the PATH"
    assert (COMUNICA / "node_modules" / "@comunica" / "query-sparql").is_dir(), \
        "Comunica is not installed: run `bash scripts/comunica.sh` (scripts/test.sh does)"
    jobs = []
    for case in CASES:
        spec = load_query(case.name)
        jobs.append({"query": with_values(spec.text, bind_params(kg.dataset, spec, case.params)),
                     "files": [str(release / file) for file in spec.load],
                     "union": any(f.endswith(NAMED_GRAPHS) for f in spec.load)})
    request = json.dumps({"timeout": COMUNICA_TIMEOUT, "jobs": jobs})
    done = subprocess.run([node, str(COMUNICA / "run.js")], input=request, capture_output=True, text=True,
                          timeout=COMUNICA_TIMEOUT * len(jobs) + 60, check=False)
    assert done.returncode == 0, done.stderr
    answers = {}
    for case, doc in zip(CASES, json.loads(done.stdout), strict=True):
        if "error" in doc:
            answers[case.id] = doc["error"]
            continue
        columns, rows = parse_select(Answer(200, "OK", "application/sparql-results+json",
                                            json.dumps(doc).encode()), "Comunica")
        answers[case.id] = QueryResult(columns, tuple(tuple(term_text(t) for t in row) for row in rows))
    return answers


def raw_answer(engine: object, text: str, bindings: dict, union: bool) -> QueryResult:
    """The engine's own answer to the query text, unchanged, as text: nothing de-duplicated, sorted or tidied."""
    if isinstance(engine, ox.Store):
        solutions = engine.query(with_values(text, bindings), use_default_graph_as_union=union)
        columns = tuple(v.value for v in solutions.variables)
        rows = [tuple(term_text(None if s[c] is None else from_ox(s[c])) for c in columns) for s in solutions]
        return QueryResult(columns, tuple(rows))
    result = engine.query(text, initBindings=bindings)
    return QueryResult(tuple(str(v) for v in result.vars), tuple(tuple(term_text(t) for t in row) for row in result))


def test_every_golden_file_is_a_portable_case() -> None:
    """Each golden file is run on every engine below: none is left out of the portable cases."""
    assert len(CASES) == EXPECTED_CASES


def test_every_query_names_the_release_files_to_load(release: Path) -> None:
    """The union file pikg.nt, unless a query is about the named graphs themselves; each file is in the release."""
    specs = list_queries()
    assert tuple(spec.name for spec in specs) == QUERY_NAMES
    for spec in specs:
        assert "#+ load: " in spec.text, spec.name
        assert spec.load and all((release / file).is_file() for file in spec.load), (spec.name, spec.load)
        assert spec.load[0] == ("pikg.nq" if "GRAPH ?" in spec.text else "pikg.nt"), (spec.name, spec.load)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_query_file_gives_kg_query_rows_on_a_plain_engine(kg, engines, request, case: Case, engine: str) -> None:
    spec = load_query(case.name)
    expected = run_query(kg.dataset, case.name, case.params)
    if engine == "comunica":
        got = request.getfixturevalue("comunica")[case.id]
        assert isinstance(got, QueryResult), f"Comunica: {got}"
    else:
        union = any(f.endswith(NAMED_GRAPHS) for f in spec.load)
        got = raw_answer(engines(engine, spec.load), spec.text, bind_params(kg.dataset, spec, case.params), union)
    assert got.columns == expected.columns
    if is_ordered(spec.text):
        assert got.rows == expected.rows
    else:
        assert sorted(got.rows) == sorted(expected.rows)
    for column in spec.lists:
        at = got.columns.index(column)
        for row in got.rows:
            items = row[at].split("; ") if row[at] else []
            assert len(items) == len(set(items)), (column, row[at])
