"""SPARQL servers beyond one process: the bundled queries run on a remote SPARQL 1.1 endpoint (RemoteEngine), its
answers checked (a SPARQL answer that is not SPARQL JSON results is one clear error) and the store checked (an
empty answer from a store whose default graph is not the union of its named graphs, or that is empty, is an error
that says so); and the release's graphs as `kg publish` sends them, and the Oxigraph server `kg serve` runs. The
HTTP side (URLs, credentials, deadlines, retries, EndpointError) is kg/query/endpoint.py.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.base.config import ONTOLOGY_IRI, PREFIXES
from kg.base.errors import InputError, display_path
from kg.base.terms import quiet_rdflib
from kg.query.endpoint import Answer, Client, Deadline, EndpointError, check_url
from kg.query.redact import answer_excerpt, redact
from kg.query.sparql import with_values

# --- SPARQL results ----------------------------------------------------------------------------------------------

BOOLEAN = PREFIXES["xsd"] + "boolean"
UNION_SETTINGS = ("Oxigraph: serve --union-default-graph; Fuseki/TDB2: tdb2:unionDefaultGraph true; GraphDB: the "
                  "default graph is the union by default; Virtuoso: the default graph is every graph")
EXPECTED = ('SPARQL JSON results (an object with "head": {"vars": [...]} and "results": {"bindings": [...]})')


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _shape_problem(doc: object) -> str | None:
    """What is wrong with a SELECT answer's shape, in a few words (None if nothing)."""
    if not isinstance(doc, dict):
        return f"got {_kind(doc)}"
    head, results = doc.get("head"), doc.get("results")
    if not isinstance(head, dict):
        return 'got an object without "head"' if head is None else f'"head" is {_kind(head)}'
    names = head.get("vars")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return '"head" has no "vars" list of names'
    if not isinstance(results, dict):
        return ('got an object without "results"' + (' (an ASK answer)' if "boolean" in doc else "")
                if results is None else f'"results" is {_kind(results)}')
    bindings = results.get("bindings")
    if not isinstance(bindings, list):
        return '"results" has no "bindings" list'
    for n, row in enumerate(bindings):
        if not isinstance(row, dict):
            return f"binding {n + 1} is {_kind(row)}"
        for name, term in row.items():
            if not (isinstance(term, dict) and isinstance(term.get("value"), str)
                    and term.get("type") in ("uri", "bnode", "literal", "typed-literal")):
                return f'binding {n + 1}: ?{name} is not a term ({{"type": "uri"|"literal"|"bnode", "value": ...}})'
    return None




def _term(binding: dict[str, str]) -> Node:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if isinstance(binding.get("xml:lang"), str):
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    value = binding["value"]
    if datatype == BOOLEAN and value in ("1", "0"):  # the same value, spelt as Virtuoso spells it
        value = "true" if value == "1" else "false"
    return Literal(value, datatype=URIRef(datatype) if isinstance(datatype, str) else None, normalize=False)


def parse_select(answer: Answer, where: str, secrets: Iterable[str] = ()) -> tuple[tuple[str, ...],
                                                                                  list[tuple[Node | None, ...]]]:
    """Columns and rows of a SPARQL JSON SELECT answer; anything else is one error naming the endpoint and what
    was expected."""
    try:
        doc = json.loads(answer.body)
    except (ValueError, RecursionError):
        what = answer.content_type.split(";")[0].strip() or "no Content-Type"
        excerpt = answer_excerpt(answer.body, secrets)
        raise EndpointError(redact(f"{where}: the answer is not JSON ({what}: {excerpt or 'empty'}); expected "
                                   f"{EXPECTED}", secrets)) from None
    problem = _shape_problem(doc)
    if problem:
        raise EndpointError(redact(f"{where}: the answer is not SPARQL JSON results: {problem}; expected "
                                   f"{EXPECTED}", secrets))
    columns = tuple(doc["head"]["vars"])
    try:
        with quiet_rdflib():
            rows = [tuple(_term(b[c]) if c in b else None for c in columns) for b in doc["results"]["bindings"]]
    except ValueError as exc:  # a language tag or datatype rdflib refuses
        raise EndpointError(redact(f"{where}: the answer holds a term that is not RDF ({exc})", secrets)) from None
    return columns, rows


class RemoteEngine:
    """Runs the bundled queries on a SPARQL 1.1 query endpoint (its default graph should be the union of the
    named graphs: Oxigraph's --union-default-graph, Fuseki's unionDefaultGraph). With a `deadline`, every query
    it sends shares it (`kg query --timeout` bounds the whole command); without, each query gets `timeout`.
    `check_union`: the first empty answer asks whether the default graph is empty while named graphs hold data
    (a store that does not read the union), or the store is empty, each an error that says so, not an empty
    answer."""

    def __init__(self, endpoint: str, timeout: float = 30, client: Client | None = None,
                 deadline: Deadline | None = None, check_union: bool = False) -> None:
        self.endpoint, self.timeout = check_url(endpoint), timeout
        self.client = client or Client()
        self.deadline = deadline
        self.check_union = check_union

    def select(self, text: str, bindings: Mapping[str, Identifier]) -> tuple[tuple[str, ...],
                                                                           list[tuple[Node | None, ...]]]:
        columns, rows = self._select(with_values(text, bindings))
        if not rows and self.check_union:
            self.check_union = False  # asked once
            if self._select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")[1]:
                return columns, rows
            if not self._select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")[1]:
                raise self.client.error(f"{self.endpoint}: the store holds no triples at all, so every question has "
                                        "an empty answer: put the release in it first (kg publish)", self.endpoint)
            raise self.client.error(
                f"{self.endpoint}: the default graph is empty while named graphs hold data: this store does not read "
                "the union of its named graphs as the default graph, which the bundled queries read (and where kg "
                f"publish puts one graph per source). Turn it on ({UNION_SETTINGS}), or give an endpoint that does",
                self.endpoint)
        return columns, rows

    def _select(self, text: str) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        # the protocol's form-encoded POST, which every store answers (Virtuoso never answers a POST of
        # application/sparql-query: an open bug of it), rather than the direct POST
        answer = self.client.request(
            "POST", self.endpoint, self.deadline or Deadline(self.timeout),
            body=urlencode({"query": text}).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json"})
        return parse_select(answer, f"POST {self.endpoint}", self.client.secrets(self.endpoint))


# --- publishing --------------------------------------------------------------------------------------------------

def _read_rdf(path: Path, fmt: Any) -> list[Any]:
    """Every quad of a release file, or one error naming the file and line (nothing is sent before this)."""
    import pyoxigraph as ox

    if not path.is_file():
        raise InputError(f"{display_path(path)}: missing; write the release with `kg release` first")
    try:
        return list(ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        raise InputError(f"{display_path(path)}{line}: not valid {fmt.name}: {exc.msg}") from None
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot read it: {exc.strerror or exc}") from None


def release_graphs(release: Path) -> dict[str, list[Any]]:
    """The named graphs of a release (pikg.nq, and ontology.ttl in the ontology's graph), checked before any
    upload: a corrupt or missing file is an error naming it and its line."""
    import pyoxigraph as ox

    if not release.is_dir():
        raise InputError(f"{display_path(release)}: no such folder; write the release with `kg release` first")
    path = release / "pikg.nq"
    quads = _read_rdf(path, ox.RdfFormat.N_QUADS)
    if not quads:
        raise InputError(f"{display_path(path)}: holds no quads; write the release with `kg release` first")
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise InputError(f"{display_path(path)}: the triple {quad.subject} {quad.predicate} {quad.object} is "
                             "not in a named graph; the release's N-Quads hold one named graph per source")
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    if ONTOLOGY_IRI in graphs:
        raise InputError(f"{display_path(path)}: holds the graph <{ONTOLOGY_IRI}>, which is the ontology's "
                         "(ontology.ttl) and not a source's")
    ontology = _read_rdf(release / "ontology.ttl", ox.RdfFormat.TURTLE)
    graphs[ONTOLOGY_IRI] = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_IRI)) for q in ontology]
    return graphs


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise InputError("the oxigraph server is not installed: pip install oxigraph")
    return found
