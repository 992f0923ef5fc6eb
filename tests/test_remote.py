"""SPARQL servers beyond one process, with a real Oxigraph server (the `oxigraph` package) on loopback:
publish the release, ask every bundled query remotely, kill the server mid-upload, serve the release."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli import cli
from kg.query import list_queries, run_engine, run_query
from kg.release import write_release
from kg.remote import EndpointError, Endpoints, RemoteEngine, count_triples, make_session, oxigraph_binary, publish

PARAMS = {"interventions-with-component": {"component": "peer-exchange"},
          "findings-for-intervention": {"intervention": "IPS"}, "provenance": {"resource": "Turning Points"}}
GRAPHS = {"https://w3id.org/pikg/id/graph/ips-recovery-abstract": 1416,
          "https://w3id.org/pikg/id/graph/missing-link-table-1": 1349,
          "https://w3id.org/pikg/ontology": 319, "https://w3id.org/pikg/vocab/": 183}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except requests.exceptions.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {seconds} s")


class Oxigraph:
    """A read-write Oxigraph server on a free loopback port, over a database folder that outlives it."""

    def __init__(self, location: Path) -> None:
        self.location, self.port = location, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Oxigraph:
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_until_up(f"{self.base}/query", self.process)
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints.of(f"{self.base}/store")


@pytest.fixture(scope="module")
def release(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rel") / "release"
    write_release(kg, out)
    return out


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Oxigraph]:
    running = Oxigraph(tmp_path / "db").start()
    yield running
    running.kill()


def test_publish_then_every_query_answers_remotely_as_locally(kg, release: Path, server: Oxigraph) -> None:
    assert dict(publish(release, server.endpoints)) == GRAPHS
    engine = RemoteEngine(server.endpoints.query)
    specs = list_queries()
    assert len(specs) == 16
    for spec in specs:
        params = PARAMS.get(spec.name, {})
        assert run_engine(engine, spec.name, params) == run_query(kg.dataset, spec.name, params), spec.name
    session = make_session()
    assert {g: count_triples(session, server.endpoints, g, 5) for g in GRAPHS} == GRAPHS
    assert count_triples(session, server.endpoints, "https://w3id.org/pikg/vocab/#staging", 5) == 0


def test_server_killed_mid_upload_leaves_the_previous_graph_complete(release: Path, server: Oxigraph,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    publish(release, server.endpoints)
    from kg import remote

    original = remote.body_chunks

    def die_after_first_chunk(data: bytes) -> Iterator[bytes]:
        for n, chunk in enumerate(original(data)):
            if n == 1:
                server.kill()
            yield chunk

    monkeypatch.setattr(remote, "body_chunks", die_after_first_chunk)
    with pytest.raises(EndpointError) as info:
        publish(release, server.endpoints, timeout=5, retries=1, backoff=0)
    assert "could not reach the endpoint" in str(info.value) or "kept failing" in str(info.value)
    server.start()  # the same database folder
    session = make_session()
    assert {g: count_triples(session, server.endpoints, g, 5) for g in GRAPHS} == GRAPHS


def test_refusals_and_unreachable_servers_are_clear(release: Path, server: Oxigraph) -> None:
    with pytest.raises(EndpointError) as refused:
        publish(release, Endpoints.of(f"{server.base}/nope/store"))
    assert str(refused.value) == (f"PUT {server.base}/nope/store: the endpoint answered 404 Not Found: "
                                  "PUT /nope/store is not supported by this server")
    closed = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(cli, ["publish", "--endpoint", f"{closed}/store", "--release", str(release),
                                      "--retries", "1"])
    assert result.exit_code == 2
    assert result.output == (f"error: PUT {closed}/store: could not reach the endpoint (Connection error); "
                             "is the server running?\n")


def test_credentials_are_sent_but_never_printed(release: Path, server: Oxigraph,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_ENDPOINT_USER", "curator")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret-password")
    assert make_session().auth == ("curator", "s3cret-password")
    result = CliRunner().invoke(cli, ["publish", "--endpoint", f"{server.base}/store", "--release", str(release)])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    monkeypatch.setenv("KG_ENDPOINT_TOKEN", "tok-123")
    assert make_session().headers["Authorization"] == "Bearer tok-123"


def test_5xx_answers_are_retried_with_backoff() -> None:
    seen: list[float] = []

    class Flaky(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(time.monotonic())
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if len(seen) < 3:
                self.send_response(503)
                self.end_headers()
                return
            body = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        engine = RemoteEngine(f"http://127.0.0.1:{httpd.server_address[1]}/query",
                              session=make_session(retries=3, backoff=0.1))
        columns, rows = engine.select("SELECT (1 AS ?n) WHERE {}", {})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert columns == ("n",) and str(rows[0][0]) == "1"
    assert len(seen) == 3
    assert seen[2] - seen[1] >= 0.15  # the second wait is longer than the first


def test_kg_serve_serves_the_release_read_only(kg, release: Path, tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--release", str(release), "--port", str(port),
                                "--location", str(tmp_path / "db")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ}, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/query", process, 30)
        engine = RemoteEngine(f"http://127.0.0.1:{port}/query")
        assert run_engine(engine, "compare-interventions") == run_query(kg.dataset, "compare-interventions")
        put = requests.put(f"http://127.0.0.1:{port}/store", params={"default": ""}, timeout=5,
                           data=b"<http://a> <http://b> <http://c> .",
                           headers={"Content-Type": "application/n-triples"})
        assert put.status_code == 403
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200  # the query UI
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
