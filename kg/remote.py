"""SPARQL servers beyond one process: run the bundled queries on a remote SPARQL 1.1 endpoint, publish the
release through the Graph Store HTTP Protocol so that readers never see a half-loaded graph, and serve the
release with Oxigraph's server.

Credentials come from the environment (KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD) and are
never printed. Connection errors and 5xx answers are retried with exponential backoff; a 4xx answer is an error
that says what the server refused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .config import ONTOLOGY_IRI
from .errors import InputError, display_path
from .query import with_values

CHUNK = 64 * 1024


class EndpointError(InputError):
    """The endpoint could not be reached, or refused a request."""


def make_session(retries: int = 3, backoff: float = 0.5, retry_posts: bool = True) -> requests.Session:
    session = requests.Session()
    methods = {"GET", "PUT", "HEAD"} | ({"POST"} if retry_posts else set())
    retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                  status_forcelist=(500, 502, 503, 504), allowed_methods=frozenset(methods), raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    token = os.environ.get("KG_ENDPOINT_TOKEN")
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    elif os.environ.get("KG_ENDPOINT_USER"):
        session.auth = (os.environ["KG_ENDPOINT_USER"], os.environ.get("KG_ENDPOINT_PASSWORD", ""))
    return session


def _send(session: requests.Session, method: str, url: str, timeout: float, **kwargs: Any) -> requests.Response:
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.RetryError as exc:
        raise EndpointError(f"{method} {url}: the server kept failing ({exc.__class__.__name__}); try again later") \
            from None
    except requests.exceptions.RequestException as exc:
        reason = exc.__class__.__name__.replace("Error", " error")
        raise EndpointError(f"{method} {url}: could not reach the endpoint ({reason}); is the server running?") \
            from None
    if response.status_code >= 400:
        body = response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
        raise EndpointError(f"{method} {url}: the endpoint answered {response.status_code} {response.reason}"
                            + (f": {body}" if body else ""))
    return response


def _term(binding: dict[str, str]) -> Node:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(binding["value"], datatype=URIRef(datatype) if datatype else None, normalize=False)


class RemoteEngine:
    """Runs the bundled queries on a SPARQL 1.1 query endpoint (its default graph should be the union of the
    named graphs: Oxigraph's --union-default-graph, Fuseki's unionDefaultGraph)."""

    def __init__(self, endpoint: str, timeout: float = 30, session: requests.Session | None = None) -> None:
        self.endpoint, self.timeout = endpoint, timeout
        self.session = session or make_session()

    def select(self, text: str, bindings: dict[str, Node]) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        response = _send(self.session, "POST", self.endpoint, self.timeout, data=with_values(text, bindings).encode(),
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})
        try:
            doc = response.json()
        except ValueError:
            raise EndpointError(f"POST {self.endpoint}: the answer is not SPARQL JSON results") from None
        columns = tuple(doc["head"]["vars"])
        rows = [tuple(_term(b[c]) if c in b else None for c in columns) for b in doc["results"]["bindings"]]
        return columns, rows


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL 1.1 store; Oxigraph's are BASE/store, BASE/query and BASE/update."""

    store: str
    query: str
    update: str

    @classmethod
    def of(cls, store: str, query: str | None = None, update: str | None = None) -> Endpoints:
        base = store[: -len("/store")] if store.endswith("/store") else None
        if (query is None or update is None) and base is None:
            raise InputError(f"{store}: give --query-endpoint and --update-endpoint, or a store URL ending in /store")
        return cls(store, query or f"{base}/query", update or f"{base}/update")


def body_chunks(data: bytes) -> Iterator[bytes]:
    """The upload, in pieces (streamed, so a large graph is not held twice)."""
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def count_triples(session: requests.Session, endpoints: Endpoints, graph: str, timeout: float) -> int:
    engine = RemoteEngine(endpoints.query, timeout, session)
    _, rows = engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {})
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def publish(release: Path, endpoints: Endpoints, timeout: float = 30, retries: int = 3,
            backoff: float = 0.5) -> list[tuple[str, int]]:
    """Upload each named graph of the release to a staging graph, check its triple count, then replace the live
    graph with it in one SPARQL Update (MOVE), so readers see the old graph or the new one, never a mix."""
    import pyoxigraph as ox

    path = release / "pikg.nq"
    if not path.is_file():
        raise InputError(f"{display_path(release)}: no pikg.nq here; write the release with `kg release` first")
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    ontology = list(ox.parse(path=str(release / "ontology.ttl"), format=ox.RdfFormat.TURTLE))
    graphs[ONTOLOGY_IRI] = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_IRI)) for q in ontology]
    session = make_session(retries, backoff)
    once = make_session(retries, backoff, retry_posts=False)  # a MOVE is not repeated blindly
    done = []
    for graph in sorted(graphs):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in graphs[graph]]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        staging = f"{graph}#staging"
        _send(session, "PUT", endpoints.store, timeout, params={"graph": staging}, data=body_chunks(data),
              headers={"Content-Type": "application/n-triples"})
        staged = count_triples(session, endpoints, staging, timeout)
        if staged != len(triples):
            raise EndpointError(f"{graph}: the staging graph holds {staged} triples, not {len(triples)}; the live "
                                "graph was left as it was")
        try:
            _send(once, "POST", endpoints.update, timeout, data=f"MOVE <{staging}> TO <{graph}>".encode(),
                  headers={"Content-Type": "application/sparql-update"})
        except EndpointError:
            if count_triples(session, endpoints, graph, timeout) != len(triples):
                raise
        done.append((graph, len(triples)))
    return done


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise InputError("the oxigraph server is not installed: pip install oxigraph")
    return found


def load_release(release: Path, location: Path) -> None:
    """Load the release into an Oxigraph database folder (the named graphs, and the ontology for its labels)."""
    binary = oxigraph_binary()
    for args in (["--file", str(release / "pikg.nq")],
                 ["--file", str(release / "ontology.ttl"), "--graph", ONTOLOGY_IRI]):
        done = subprocess.run([binary, "load", "--location", str(location), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise InputError(f"oxigraph could not load {args[1]}: {done.stderr.strip().splitlines()[-1:]}")


def serve_command(release: Path, host: str, port: int, read_write: bool, location: Path | None) -> list[str]:
    """Load the release and return the command that serves it (loopback and read-only unless asked)."""
    if not (release / "pikg.nq").is_file():
        raise InputError(f"{display_path(release)}: no pikg.nq here; write the release with `kg release` first")
    folder = location or Path(tempfile.mkdtemp(prefix="pikg-oxigraph-"))
    load_release(release, folder)
    mode = "serve" if read_write else "serve-read-only"
    return [oxigraph_binary(), mode, "--location", str(folder), "--bind", f"{host}:{port}", "--union-default-graph"]
