"""Publishing to and querying the stores people run (issue 16), each a real server started on loopback by the
tests: Oxigraph's (PyPI) and Virtuoso 7 (Debian's virtuoso-opensource-7-bin, installed by scripts/stores.sh,
configured here to bind 127.0.0.1 only, its database in a temporary folder).

For each store: a first publish, a repeat, a changed release with the same number of triples (the case that once
gave a false success), a publish killed mid-upload, readers during publishes (never a mix), and every bundled
query through the endpoint, expecting `kg query`'s local rows over what the store was given."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, URIRef
from test_remote import GRAPHS, Loopback, Oxigraph, free_port, http_server, run_kg, wait_until_up

from conftest import PARAMS, QUERY_NAMES
from kg.base.config import PREFIXES
from kg.query.endpoint import Client, Deadline, EndpointError, Endpoints
from kg.query.remote import RemoteEngine, oxigraph_binary, release_graphs
from kg.query.sparql import list_queries, run_engine, run_query
from kg.stores.publish import StoreMismatch, _ox_key, compare, publish, read_graph

STUDY = "https://w3id.org/pikg/id/study/ips-denmark-recovery-study"
SAMPLE_SIZE = "https://w3id.org/pikg/ontology#sampleSize"
TWELVE = f'<{STUDY}> <{SAMPLE_SIZE}> "12"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'
XSD = PREFIXES["xsd"]


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    assert found, "the store tests need Debian's Virtuoso: bash scripts/stores.sh installs it"
    return found


class Virtuoso(Loopback):
    """Virtuoso 7 on two free loopback ports (SQL and HTTP), its database in `folder`; dba/dba (the default
    account of a new database) reaches /sparql-auth by Digest authentication."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sql_port, self.port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "db"
        (folder / "virtuoso.ini").write_text(textwrap.dedent(f"""\
            [Database]
            DatabaseFile = {db}.db
            ErrorLogFile = {db}.log
            LockFile = {db}.lck
            TransactionFile = {db}.trx
            xa_persistent_file = {db}.pxa
            TempStorage = TempDatabase
            [TempDatabase]
            DatabaseFile = {db}-temp.db
            TransactionFile = {db}-temp.trx
            [Parameters]
            ServerPort = 127.0.0.1:{self.sql_port}
            DisableUnixSocket = 1
            ServerThreads = 10
            NumberOfBuffers = 10000
            MaxDirtyBuffers = 6000
            DirsAllowed = {folder}
            [HTTPServer]
            ServerPort = 127.0.0.1:{self.port}
            ServerRoot = {folder}
            ServerThreads = 10
            EnabledDavVSP = 0
            [SPARQL]
            ResultSetMaxRows = 10000
            MaxQueryExecutionTime = 60
            """), encoding="utf-8")

    def start(self) -> Virtuoso:
        self.process = subprocess.Popen([virtuoso_binary(), "-c", str(self.folder / "virtuoso.ini"), "+foreground"],
                                        cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        wait_until_up(f"{self.base}/sparql", self.process, 60)
        return self

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(f"{self.base}/sparql", f"{self.base}/sparql-auth")


@dataclass
class Store:
    """A running store as a test uses it: where to send, which credentials, what it cannot hold."""

    name: str
    server: Oxigraph | Virtuoso
    env: dict[str, str] = field(default_factory=dict)
    leave_out: tuple[str, ...] = ()

    @property
    def endpoints(self) -> Endpoints:
        return self.server.endpoints

    def cli_args(self) -> list[str]:
        return ["--query-endpoint", self.endpoints.query, "--update-endpoint", self.endpoints.update,
                *(a for dt in self.leave_out for a in ("--leave-out", dt))]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    oxigraph = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "db").start()
    virtuoso = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    try:
        yield {"oxigraph": Store("oxigraph", oxigraph),
               "virtuoso": Store("virtuoso", virtuoso, {"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "dba",
                                                        "KG_ENDPOINT_AUTH": "digest"}, ("xsd:duration",))}
    finally:
        oxigraph.kill()
        virtuoso.kill()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, running: dict[str, Store], monkeypatch: pytest.MonkeyPatch) -> Store:
    chosen = running[request.param]
    for name in ("KG_ENDPOINT_TOKEN", "KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_AUTH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in chosen.env.items():
        monkeypatch.setenv(name, value)
    return chosen


@pytest.fixture(scope="module")
def changed(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release with one value edited and the same number of triples: the 2017 study's 12 participants as 13."""
    out = tmp_path_factory.mktemp("changed") / "release"
    out.mkdir()
    for name in ("pikg.nq", "ontology.ttl"):
        text = (release / name).read_text(encoding="utf-8")
        if name == "pikg.nq":
            assert text.count(TWELVE) == 1
            text = text.replace(TWELVE, TWELVE.replace('"12"', '"13"'))
        (out / name).write_text(text, encoding="utf-8")
    return out


def sample_sizes(store: Store) -> list[str]:
    _, rows = RemoteEngine(store.endpoints.query, 10).select(f"SELECT ?n WHERE {{ <{STUDY}> <{SAMPLE_SIZE}> ?n }}",
                                                             {})
    return sorted(str(row[0]) for row in rows)


def holds_exactly(store: Store, release: Path) -> None:
    """Each named graph of the release, read back, holds what was sent (the left-out datatypes apart)."""
    engine = RemoteEngine(store.endpoints.query, 30)
    skipped = {XSD + dt[4:] for dt in store.leave_out}
    for graph, quads in release_graphs(release).items():
        sent = [k for k in ((_ox_key(q.subject), _ox_key(q.predicate), _ox_key(q.object)) for q in quads)
                if not (k[2][0] == "literal" and k[2][2] in skipped)]
        result = compare(sent, read_graph(engine, graph))
        assert result.problems() == [], graph


def local_dataset(kg, store: Store) -> Dataset:
    """The graph as the store was given it: without the statements of the left-out datatypes."""
    dataset = Dataset(default_union=True)
    for s, p, o, g in kg.dataset.quads():
        if not (store.leave_out and getattr(o, "datatype", None) == URIRef(XSD + "duration")):
            dataset.graph(g).add((s, p, o))
    return dataset


# --- publish -----------------------------------------------------------------------------------------------------

def test_first_repeat_and_changed_publishes_leave_exactly_the_release(release: Path, changed: Path,
                                                                      store: Store) -> None:
    for folder, sizes in ((release, ["12"]), (release, ["12"]), (changed, ["13"]), (release, ["12"])):
        code, output, _ = run_kg("publish", *store.cli_args(), "--release", str(folder))
        assert code == 0, output
        assert output.count("read back and compared") == len(GRAPHS)
        assert sample_sizes(store) == sizes
        holds_exactly(store, folder)
    engine = RemoteEngine(store.endpoints.query, 10)
    _, rows = engine.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), '#staging') "
                            "|| STRSTARTS(STR(?g), 'urn:pikg:')) } LIMIT 1", {})
    assert rows == []  # no staging graph, no probe graph left


def test_every_bundled_query_answers_as_locally(kg, release: Path, store: Store) -> None:
    publish(release, store.endpoints, leave_out=store.leave_out)
    engine = RemoteEngine(store.endpoints.query, 60)
    local = local_dataset(kg, store)
    specs = list_queries()
    assert tuple(spec.name for spec in specs) == QUERY_NAMES
    for spec in specs:
        params = PARAMS.get(spec.name, {})
        assert run_engine(engine, spec.name, params) == run_query(local, spec.name, params), spec.name


def test_a_publish_killed_mid_upload_leaves_the_previous_release(release: Path, changed: Path,
                                                                 store: Store, tmp_path: Path) -> None:
    publish(release, store.endpoints, leave_out=store.leave_out)
    script = textwrap.dedent(f"""\
        import sys, time
        from pathlib import Path
        from kg.query import endpoint
        from kg.stores import publish as to_store
        original = endpoint.body_chunks
        def slow(data):
            for n, chunk in enumerate(original(data)):
                if n == 1:
                    print("uploading", flush=True)
                    time.sleep(60)
                yield chunk
        endpoint.body_chunks = slow
        to_store.publish(Path({str(changed)!r}), endpoint.Endpoints({store.endpoints.query!r},
                         {store.endpoints.update!r}), timeout=120, leave_out={store.leave_out!r})
        """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, **store.env})
    assert child.stdout is not None
    assert child.stdout.readline() == "uploading\n"
    child.kill()
    child.wait(10)
    time.sleep(0.5)  # the store notices the connection is gone
    assert sample_sizes(store) == ["12"]
    holds_exactly(store, release)


def test_readers_never_see_a_mix(release: Path, changed: Path, store: Store) -> None:
    publish(release, store.endpoints, leave_out=store.leave_out)
    seen: list[list[str]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(sample_sizes(store))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for n in range(6):
            publish(changed if n % 2 == 0 else release, store.endpoints, leave_out=store.leave_out)
    finally:
        stop.set()
        for reader in readers:
            reader.join(30)
    assert len(seen) > 20
    assert {tuple(s) for s in seen} <= {("12",), ("13",)}, [s for s in seen if len(s) != 1][:3]


# --- what a store cannot do, said before anything is published --------------------------------------------------

def test_virtuoso_cannot_hold_durations_and_says_so_before_publishing(kg, release: Path, running: dict[str, Store],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store = running["virtuoso"]
    for name, value in store.env.items():
        monkeypatch.setenv(name, value)
    publish(release, store.endpoints, leave_out=store.leave_out)
    code, output, _ = run_kg("publish", "--query-endpoint", store.endpoints.query, "--update-endpoint",
                             store.endpoints.update, "--release", str(release))
    durations = sum(getattr(o, "datatype", None) == URIRef(XSD + "duration") for _, _, o, _ in kg.dataset.quads())
    assert code == 1
    assert output.startswith(
        "the store cannot hold every value of the release as it is; nothing was published:\n"
        f"  xsd:duration ({durations} values in the release): the store refuses them (the endpoint answered 500 SPARQL "
        "Request Failed: Virtuoso 22023 Error SR553: Literal of type xsd:duration can not be created from SQL value of "
        "type INTEGER (189)"), output
    assert output.endswith("\nUse a store that keeps them, or publish without their statements (--leave-out "
                           "xsd:duration): they are counted, and the rest is compared after publishing.\n")
    holds_exactly(store, release)  # the previous publish, untouched


def test_virtuoso_wants_digest_and_its_refusals_say_why(release: Path, running: dict[str, Store],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = running["virtuoso"]
    for name in ("KG_ENDPOINT_TOKEN", "KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_ENDPOINT_AUTH"):
        monkeypatch.delenv(name, raising=False)
    update = store.endpoints.update
    args = ["publish", "--query-endpoint", store.endpoints.query, "--update-endpoint", update, "--release",
            str(release), "--retries", "0"]
    code, output, _ = run_kg(*args)
    assert code == 2
    assert output.startswith(f"error: POST {update}: the endpoint answered 401 Unauthorized (it asks for Digest "
                             'authentication: Digest realm="SPARQL", domain="/sparql-auth", nonce=')
    assert output.endswith("; set KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD and KG_ENDPOINT_AUTH=digest)\n")
    code, output, _ = run_kg(*args, env={"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "dba"})
    assert (code, output) == (2, f"error: POST {update}: the endpoint answered 401 Unauthorized (the Basic "
                                 "credentials were refused; if the endpoint wants Digest authentication, as "
                                 "Virtuoso's /sparql-auth does, set KG_ENDPOINT_AUTH=digest)\n")
    code, output, _ = run_kg("publish", "--query-endpoint", store.endpoints.query, "--update-endpoint",
                             store.endpoints.query, "--release", str(release), "--retries", "0")
    assert code == 2  # the first, harmless update (dropping this run's probe graph) is refused: not exit 1
    assert output.startswith(f"error: POST {store.endpoints.query}: the endpoint answered 500 SPARQL Request "
                             "Failed: Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
                             "DB.DBA.SPARUL_DROP with user ID 107, group ID 107 SPARQL query: DROP SILENT GRAPH "
                             "<urn:pikg:publish-probe/"), output
    forbidden = requests.put(f"{store.server.base}/sparql-graph-crud", params={"graph": "urn:x"}, data=b"",
                             headers={"Content-Type": "application/n-triples"}, timeout=10)
    assert forbidden.status_code == 403

    with pytest.raises(EndpointError) as info:
        Client(retries=0).request("PUT", f"{store.server.base}/sparql-graph-crud", Deadline(10),
                                  params={"graph": "urn:x"}, body=b"",
                                  headers={"Content-Type": "application/n-triples"})
    assert str(info.value) == (f"PUT {store.server.base}/sparql-graph-crud: the endpoint answered 403 Forbidden: "
                               "SPARQL Graph Protocol request failed HTTP/1.1 403 Forbidden Error 42000 "
                               "SQ110:SECURITY: Permission denied for delete from DB.DBA.RDF_QUAD (user ID = 107)")


def test_a_default_graph_that_is_not_the_union_is_named(release: Path, tmp_path: Path) -> None:
    """Oxigraph without --union-default-graph (like Fuseki --mem, or TDB without unionDefaultGraph): the default
    graph is empty while the named graphs hold the release."""
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "plain"), "--bind",
                                f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query", process)
        assert publish(release, Endpoints(f"{base}/query", f"{base}/update")).notes == [
            "the store's default graph is empty: it does not read the union of its named graphs, which the bundled "
            "queries read (Oxigraph: serve --union-default-graph; Fuseki/TDB2: tdb2:unionDefaultGraph true; GraphDB: "
            "the default graph is the union by default; Virtuoso: the default graph is every graph)"]
        code, output, _ = run_kg("query", "findings-for-intervention", "--param", "intervention=IPS",
                                 "--endpoint", f"{base}/query")
    finally:
        process.kill()
        process.wait(10)
    assert (code, output) == (2, f"error: {base}/query: the default graph is empty while named graphs hold data: "
                                 "this store does not read the union of its named graphs as the default graph, "
                                 "which the bundled queries read (and where kg publish puts one graph per source). "
                                 "Turn it on (Oxigraph: serve --union-default-graph; Fuseki/TDB2: "
                                 "tdb2:unionDefaultGraph true; GraphDB: the default graph is the union by default; "
                                 "Virtuoso: the default graph is every graph), or give an endpoint that does\n")


def test_a_mismatch_after_publishing_is_exit_1_naming_predicate_and_datatype() -> None:
    def key(o: str, dt: str) -> tuple:
        return (("uri", STUDY), ("uri", SAMPLE_SIZE), ("literal", o, XSD + dt, ""))

    sent = [key("12", "nonNegativeInteger"), key("P9M", "duration"), key("true", "boolean"), key("1.50", "decimal")]
    got = [key("12", "integer"), key("9", "duration"), key("1", "boolean"), key("1.5", "decimal")]
    result = compare(sent, got)
    assert result.problems() == ['pikg:sampleSize (xsd:duration): lacks 1 sent (e.g. "P9M"^^xsd:duration); holds 1 '
                                 'not sent (e.g. "9"^^xsd:duration)']
    assert result.notes() == [
        'the store gives back 1 xsd:boolean value spelt otherwise, with the same value (e.g. "true"^^xsd:boolean as '
        '"1"^^xsd:boolean)',
        'the store gives back 1 xsd:decimal value spelt otherwise, with the same value (e.g. "1.50"^^xsd:decimal as '
        '"1.5"^^xsd:decimal)',
        'the store gives back 1 xsd:nonNegativeInteger value as xsd:integer, with the same value (e.g. '
        '"12"^^xsd:nonNegativeInteger as "12"^^xsd:integer)']
    assert StoreMismatch.exit_code == 1
    # issue 25's second probe: values, not spellings, for every datatype with a value of its own
    same = [("P12M", "P1Y", "duration"), ("PT36H", "P1DT12H", "dayTimeDuration"),
            ("2021-03-04T10:00:00.500+00:00", "2021-03-04T10:00:00.5Z", "dateTime"),
            ("2021-03-04-00:00", "2021-03-04Z", "date"),
            ("2021", "2021", "gYear"), ("0fab", "0FAB", "hexBinary"), ("aGk=", "aG k=", "base64Binary")]
    for sent_value, got_value, dt in same:
        result = compare([key(sent_value, dt)], [key(got_value, dt)])
        assert result.identical, (sent_value, got_value, result.problems())
    differ = [("P1M", "P30D", "duration"), ("2021-03-04T10:00:00Z", "2021-03-04T11:00:00+01:00", "dateTime"),
              ("2021-03-04", "2021-03-04Z", "date"), ("2021", "2022", "gYear"), ("P1Y", "-P1Y", "duration")]
    for sent_value, got_value, dt in differ:
        assert not compare([key(sent_value, dt)], [key(got_value, dt)]).identical, (sent_value, got_value)
    assert compare([key("P12M", "duration")], [key("P1Y", "duration")]).notes() == [
        'the store gives back 1 xsd:duration value spelt otherwise, with the same value (e.g. "P12M"^^xsd:duration '
        'as "P1Y"^^xsd:duration)']
    # only the XSD lexical forms count as the same value: Python's int() also reads "1_2" and "١٢"
    for odd in ("1_2", "\u0661\u0662", " 12"):
        assert compare([key("12", "integer")], [key(odd, "integer")]).problems() == [
            f'pikg:sampleSize (xsd:integer): lacks 1 sent (e.g. "12"^^xsd:integer); holds 1 not sent (e.g. '
            f'"{odd.strip() if odd == " 12" else odd}"^^xsd:integer)']


def test_an_update_url_that_is_the_query_url_fails_before_anything_is_replaced(release: Path,
                                                                            running: dict[str, Store]) -> None:
    """Issue 16, item 1: with --update-endpoint pointed at the query URL, an earlier publish said it succeeded."""
    store = running["oxigraph"]
    publish(release, store.endpoints)
    query = store.endpoints.query
    code, output, _ = run_kg("publish", "--query-endpoint", query, "--update-endpoint", query, "--release",
                             str(release), "--retries", "0")
    assert (code, output) == (2, f"error: POST {query}: the endpoint answered 415 Unsupported Media Type: No "
                                 "supported content Content-Type given: application/sparql-update\n")
    holds_exactly(store, release)


def test_an_edit_the_store_makes_is_exit_1_never_a_false_success(kg, release: Path,
                                                                running: dict[str, Store]) -> None:
    """Issue 16, item 1: a store that ends up holding other data with the same number of triples. A proxy in front
    of a real Oxigraph changes the IPS sample's 12 participants to 13 in the update it passes on (the second graph
    in order); the read-back finds it, names predicate and datatype, and the exit is 1, after the first graph's
    report."""
    target = running["oxigraph"].server.base
    twelve = TWELVE.replace(STUDY, "https://w3id.org/pikg/id/sample/missing-link-ips-sample")

    def forward(handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        if handler.path.startswith("/update"):
            body = body.replace(twelve.encode(), twelve.replace('"12"', '"13"').encode())
        answer = requests.post(f"{target}{handler.path}", data=body, timeout=30,
                               headers={k: v for k, v in handler.headers.items() if k.lower() in
                                        ("content-type", "accept")})
        handler.send_response(answer.status_code)
        handler.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    with http_server(forward) as (base, seen):
        code, output, _ = run_kg("publish", "--endpoint", f"{base}/store", "--release", str(release))
    assert any(twelve.encode() in request[3] for request in seen.requests)
    assert code == 1
    edited = "https://w3id.org/pikg/id/graph/missing-link-abstract"
    before = [graph for graph in sorted(GRAPHS) if graph < edited]  # published and compared first
    report, _, failure = output.partition(f"{edited}: ")
    lines = report.splitlines()
    assert [line for line in lines if not line.startswith("  note: ")] == [
        f"Published {graph}: {GRAPHS[graph]} triples, read back and compared" for graph in before]
    notes: dict[str, set[tuple[str, int]]] = {}
    for line in lines:
        if line.startswith("Published "):
            graph = line.split()[1][:-1]
            notes[graph] = set()
        else:
            found = re.fullmatch(r"  note: the store gives back (\d+) xsd:(\w+) values as xsd:integer, with the "
                                 r'same values \(e\.g\. "(\d+)"\^\^xsd:\2 as "\3"\^\^xsd:integer\)', line)
            assert found, line
            notes[graph].add((found[2], int(found[1])))
    for graph in before:  # each narrowed integer datatype of the graph, counted
        kinds = [str(o.datatype)[len(XSD):] for o in kg.dataset.graph(URIRef(graph)).objects()
                 if str(getattr(o, "datatype", "")) in (XSD + "nonNegativeInteger", XSD + "positiveInteger")]
        assert notes[graph] == {(kind, kinds.count(kind)) for kind in set(kinds)}, graph
    assert failure == (
        "the store took the update but does not hold what was sent (read back; the graphs before it, in sorted "
        "order, were published and compared):\n"
        '  pikg:sampleSize (xsd:integer): holds 1 not sent (e.g. "13"^^xsd:integer)\n'
        '  pikg:sampleSize (xsd:nonNegativeInteger): lacks 1 sent (e.g. "12"^^xsd:nonNegativeInteger)\n'), output


def big_release(folder: Path, release: Path, triples: int, value: str = "x") -> Path:
    """A release of the bundled ontology and one graph of `triples` triples."""
    folder.mkdir(parents=True)
    (folder / "ontology.ttl").write_bytes((release / "ontology.ttl").read_bytes())
    with (folder / "pikg.nq").open("w", encoding="utf-8") as out:
        for n in range(triples):
            out.write(f'<urn:pikg-test:s{n}> <urn:pikg-test:p> "{value} {n}" <{BIG}> .\n')
    return folder


BIG = "https://w3id.org/pikg/id/graph/test-big"


def test_a_graph_larger_than_the_stores_answers_is_read_back_in_parts(release: Path, store: Store,
                                                                      tmp_path: Path) -> None:
    """Virtuoso answers at most ResultSetMaxRows rows (10,000 here) and refuses sorted paging past it: a graph of
    25,000 triples is read back in parts by the start of a hash of each triple."""
    publish(release, store.endpoints, leave_out=store.leave_out)  # whose source graphs the big one lacks
    big = big_release(tmp_path / "big", release, 25000)
    try:
        done = publish(big, store.endpoints, leave_out=store.leave_out)
        assert {d.graph: d.triples for d in done}[BIG] == 25000
        holds_exactly(store, big)
        assert done.notes == [f"the store also holds <{graph}>, a graph this release does not have (a source "
                              f"removed or renamed?); kg publish leaves it (DROP GRAPH <{graph}> removes it)"
                              for graph in sorted(GRAPHS) if "/id/graph/" in graph]
    finally:
        publish_drop(store, BIG)  # so that the other tests see the bundled release alone


def publish_drop(store: Store, graph: str) -> None:
    Client().request("POST", store.endpoints.update, Deadline(30), body=f"DROP SILENT GRAPH <{graph}>".encode(),
                     headers={"Content-Type": "application/sparql-update"})


def test_virtuoso_refuses_a_request_over_10_mb_and_keeps_the_graph(release: Path, running: dict[str, Store],
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = running["virtuoso"]
    for name, value in store.env.items():
        monkeypatch.setenv(name, value)
    small = big_release(tmp_path / "small", release, 10)
    publish(small, store.endpoints, leave_out=store.leave_out)
    huge = big_release(tmp_path / "huge", release, 40000, "y" * 300)
    try:
        code, output, _ = run_kg("publish", *store.cli_args(), "--release", str(huge), "--retries", "0")
        assert code == 2
        assert "HT057" in output or "10Mb" in output or "SR578" in output, output
        assert output.endswith(f"The store may hold part of {BIG} (a store that "
                               "does not roll back a failed request, as Virtuoso, keeps what ran before the "
                               "failure): publish again\n"), output
        holds_exactly(store, small)  # refused before anything ran
    finally:
        publish_drop(store, BIG)
