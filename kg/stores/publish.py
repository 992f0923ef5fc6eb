"""`kg publish`: put the release into a SPARQL 1.1 store so that readers never see a mix and success means each
graph of the release holds exactly what was sent.

Why SPARQL Update and not the Graph Store Protocol: one update request is one transaction on the stores we test
(Oxigraph, and Virtuoso when the request succeeds; Fuseki by its documentation), while a Graph Store PUT is not
on Virtuoso (readers saw half-loaded graphs), and a staging graph would be part of the union default graph every
bundled query reads. So the graphs are replaced by as few requests as REQUEST_BYTES allows (the bundled release
by one), each graph dropped and inserted again in batches.

Why a probe and a read-back: stores change data. Virtuoso refuses xsd:duration (its loader turns P9M into "9"),
writes true as 1; Oxigraph keeps xsd:positiveInteger as xsd:integer. Before anything live is touched, the
distinct values of each datatype of the release go to a probe graph and are read back; a datatype the store
cannot hold stops the publish (or, with `leave_out`, its statements are left out and counted). After the graphs
are replaced, each is read back whole and compared with what was sent: anything but the same values is an error
(StoreMismatch, exit 1).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.base.config import LANG_STRING, ONTOLOGY_IRI, PREFIXES, XSD_STRING, compact, expand
from kg.base.errors import InputError, KGError
from kg.query.endpoint import RETRY_STATUS, Client, Deadline, EndpointError, Endpoints, Upload
from kg.query.redact import printable
from kg.query.remote import UNION_SETTINGS, RemoteEngine, release_graphs
from kg.stores.values import value

XSD = PREFIXES["xsd"]
INSERT_BATCH = 1000  # triples per INSERT DATA: Virtuoso's compiler refuses one of about 2,000 and more (SP031)
REQUEST_BYTES = 8 * 1024 * 1024  # graphs share one request up to this: Virtuoso refuses a request over 10 MB
PROBE_GRAPH = "urn:pikg:publish-probe"  # never read by a bundled query (no class, no property of ours)
PROBE_PROPERTY = "urn:pikg:publish-probe#value"
PROBE_VALUES = 5000  # distinct values of each datatype sent to the probe (a release has few of most)
REFUSED = frozenset({400, 500})  # what a store answers to a value it cannot hold (Oxigraph 400, Virtuoso 500)
SHOWN = 3  # examples of a difference

Key = tuple[str, ...]  # a term: ("uri", iri) | ("bnode", id) | ("literal", lexical form, datatype, language)
Triple = tuple[Key, Key, Key]


class StoreMismatch(KGError):
    """The store cannot hold the release as it is, or does not hold what was sent: exit 1 (the data fails a
    check), as against an unreachable or refusing endpoint (EndpointError, exit 2)."""

    exit_code = 1


class Publication(list["PublishedGraph"]):
    """The graphs published, in order, and `notes` on the store as a whole (graphs of an earlier release that this
    one lacks, a default graph that is not the union)."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []


@dataclass
class PublishedGraph:
    """One named graph put into the store: how many triples were sent, and what the store wrote otherwise with
    the same values (a note, not a failure)."""

    graph: str
    triples: int
    left_out: int = 0
    notes: list[str] = field(default_factory=list)


# --- terms -------------------------------------------------------------------------------------------------------

def _ox_key(term: Any) -> Key:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if getattr(term, "direction", None):
        raise InputError(f"the literal {term} has a base direction (RDF 1.2), which kg publish cannot send yet")
    return ("literal", term.value, term.datatype.value, term.language or "")


def _rdf_key(term: Node | None) -> Key:
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        datatype = LANG_STRING if term.language else str(term.datatype or XSD_STRING)
        return ("literal", str(term), datatype, (term.language or "").lower())
    raise ValueError(f"not an RDF term: {term!r}")


def _datatype(key: Key) -> str | None:
    return key[2] if key[0] == "literal" else None


def _value(key: Key) -> tuple[str, object] | None:
    """A literal's value (kg.stores.values), None for any other term."""
    return value(key[1], key[2]) if key[0] == "literal" else None


def _shown(key: Key) -> str:
    if key[0] == "uri":
        return f"<{key[1]}>"
    if key[0] == "bnode":
        return f"_:{key[1]}"
    text = printable(key[1], 60)  # a value from the store, shown on one line without control characters
    return f'"{text}"' + (f"@{key[3]}" if key[3] else f"^^{compact(key[2])}")


def _nt(key: Key) -> str:
    """A term in N-Triples (and so SPARQL) syntax."""
    import pyoxigraph as ox

    if key[0] == "uri":
        return str(ox.NamedNode(key[1]))
    if key[0] == "bnode":
        return str(ox.BlankNode(key[1]))
    if key[3]:
        return str(ox.Literal(key[1], language=key[3]))
    return str(ox.Literal(key[1], datatype=ox.NamedNode(key[2])))


# --- comparing what was sent with what the store holds --------------------------------------------------------

@dataclass
class Comparison:
    """What a store gave back, against what was sent: value-preserving rewrites (notes) and real differences,
    each grouped by predicate and datatype."""

    same_value: Counter[tuple[str, str]] = field(default_factory=Counter)  # (sent datatype, got datatype)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)  # of each, the first in text order
    lacking: dict[tuple[str, str], list[Triple]] = field(default_factory=lambda: defaultdict(list))
    extra: dict[tuple[str, str], list[Triple]] = field(default_factory=lambda: defaultdict(list))

    @property
    def identical(self) -> bool:
        return not self.lacking and not self.extra

    def notes(self) -> list[str]:
        out = []
        for (sent, got), n in sorted(self.same_value.items()):
            how = f"as {compact(got)}" if sent != got else "spelt otherwise"
            out.append(f"the store gives back {n} {compact(sent)} value{'s' if n > 1 else ''} {how}, with the same "
                       f"value{'s' if n > 1 else ''} (e.g. {self.examples[(sent, got)]})")
        return out

    def problems(self) -> list[str]:
        out = []
        for group in sorted(set(self.lacking) | set(self.extra)):
            predicate, datatype = group
            lacking, extra = self.lacking.get(group, []), self.extra.get(group, [])
            parts = []
            if lacking:
                parts.append(f"lacks {len(lacking)} sent (e.g. " + ", ".join(_shown(t[2]) for t in lacking[:SHOWN])
                             + ")")
            if extra:
                parts.append(f"holds {len(extra)} not sent (e.g. " + ", ".join(_shown(t[2]) for t in extra[:SHOWN])
                             + ")")
            out.append(f"{compact(predicate)} ({compact(datatype) if datatype else 'IRIs'}): " + "; ".join(parts))
        return out


def _group(triple: Triple) -> tuple[str, str]:
    return triple[1][1], _datatype(triple[2]) or ""


def compare(sent: Iterable[Triple], got: Iterable[Triple]) -> Comparison:
    """Sent and read-back triples matched exactly, then by value where only the spelling or a derived datatype
    changed (true as 1, positiveInteger as integer)."""
    sent_set, got_set = set(sent), set(got)
    result = Comparison()
    unmatched: dict[tuple[Key, Key, tuple[str, object]], list[Triple]] = defaultdict(list)
    for triple in sorted(got_set - sent_set):
        value = _value(triple[2])
        if value is None:
            result.extra[_group(triple)].append(triple)
        else:
            unmatched[(triple[0], triple[1], value)].append(triple)
    for triple in sorted(sent_set - got_set):
        value = _value(triple[2])
        pool = unmatched.get((triple[0], triple[1], value)) if value is not None else None
        if pool:
            got_triple = pool.pop(0)
            kind = (triple[2][2], got_triple[2][2])
            example = f"{_shown(triple[2])} as {_shown(got_triple[2])}"
            result.same_value[kind] += 1
            result.examples[kind] = min(result.examples.get(kind, example), example)
        else:
            result.lacking[_group(triple)].append(triple)
    for pool in unmatched.values():
        for triple in pool:
            result.extra[_group(triple)].append(triple)
    return result


# --- talking to the store ----------------------------------------------------------------------------------------

def _update(client: Client, endpoints: Endpoints, text: str, timeout: float,
            retry_status: frozenset[int] = RETRY_STATUS) -> None:
    """One SPARQL Update request (its length declared: a chunked body can be acknowledged and dropped). Sending it
    again gives the same result, so a lost connection and the 5xx answers of `retry_status` are retried."""
    data = text.encode("utf-8")
    client.request("POST", endpoints.update, Deadline(timeout), body=lambda: Upload(data),
                   retry_status=retry_status, headers={"Content-Type": "application/sparql-update"})


def _inserts(graph: str, triples: list[Triple]) -> list[str]:
    ops = []
    for start in range(0, len(triples), INSERT_BATCH):
        lines = "\n".join(" ".join(_nt(k) for k in t) + " ." for t in triples[start : start + INSERT_BATCH])
        ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}")
    return ops


def replace_ops(graph: str, triples: list[Triple]) -> list[str]:
    """The operations that replace a named graph: drop it (and a staging graph an earlier kg may have left), then
    insert the triples in batches."""
    staging = [] if "#" in graph else [f"DROP SILENT GRAPH <{graph}#staging>"]  # no IRI has two #
    return [*staging, f"DROP SILENT GRAPH <{graph}>", *_inserts(graph, triples)]


def requests_for(graphs: dict[str, list[Triple]]) -> list[tuple[list[str], str]]:
    """The release's graphs packed, in order, into as few update requests as REQUEST_BYTES allows (each request
    is one transaction: a release that fits in one is replaced at once, every source together); a graph larger
    than that is a request of its own. Each item: the graphs it replaces and its text."""
    packed: list[tuple[list[str], str]] = []
    names: list[str] = []
    ops: list[str] = []
    size = 0
    for graph in sorted(graphs):
        mine = replace_ops(graph, graphs[graph])
        mine_size = sum(len(op.encode("utf-8")) + 3 for op in mine)
        if ops and size + mine_size > REQUEST_BYTES:
            packed.append((names, " ;\n".join(ops) + "\n"))
            names, ops, size = [], [], 0
        names.append(graph)
        ops.extend(mine)
        size += mine_size
    if ops:
        packed.append((names, " ;\n".join(ops) + "\n"))
    return packed


def _count(engine: RemoteEngine, graph: str, where: str = "") -> int:
    _, rows = engine.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {where}}}", {})
    value = str(rows[0][0]) if rows and rows[0][0] is not None else "0"
    if not value.isdigit():
        raise StoreMismatch(f"{graph}: the store counts its triples as {printable(value, 50)!r}, not a number")
    return int(value)


PART = "SUBSTR(MD5(CONCAT(STR(?s), ' ', STR(?p), ' ', STR(?o))), 1, {k})"  # a triple's part: its hash's start


def read_graph(engine: RemoteEngine, graph: str) -> list[Triple]:
    """Every triple of a named graph as the store gives it back. One answer when the store gives every row;
    a store that caps its answers (Virtuoso's ResultSetMaxRows, whose sorted paging stops at the cap too) is read
    in parts by the start of a hash of each triple, each part smaller than the cap. A total that disagrees with
    the store's own count is an error, never a silent short read."""
    total = _count(engine, graph)
    _, rows = engine.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {})
    cap = len(rows)
    if cap < total:
        rows = []
        for k in range(1, 5):
            part = PART.format(k=k)
            _, counted = engine.select(f"SELECT ?h (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                                       f"BIND ({part} AS ?h) }} GROUP BY ?h", {})
            sizes = {str(h): int(str(n)) for h, n, *_ in counted if str(n).isdigit()}
            if sizes and max(sizes.values()) < cap:
                break
        else:
            raise StoreMismatch(f"{graph}: the store answers at most {cap} of its {total} triples at a time, and "
                                "they could not be read in parts below that; nothing can be compared")
        for h, n in sorted(sizes.items()):
            _, got = engine.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                                   f"FILTER ({part} = \"{h}\") }}", {})
            if len(got) != n:
                break
            rows.extend(got)
    if len(rows) != total:
        raise StoreMismatch(f"{graph}: the store counts {total} triples but answered {len(rows)} when asked for "
                            "them; nothing can be compared")
    if any(term is None for row in rows for term in row):
        raise StoreMismatch(f"{graph}: the store answered a triple with a part missing; nothing can be compared")
    return [(_rdf_key(s), _rdf_key(p), _rdf_key(o)) for s, p, o in rows]


def probe(client: Client, endpoints: Endpoints, triples: Iterable[Triple], timeout: float) -> dict[str, str]:
    """What the store does with each datatype of the release: its distinct values (up to PROBE_VALUES of each) go
    to a probe graph of this run (one request a datatype, so a refusal names its datatype) and are read back.
    Returns the datatypes it refuses or changes, each with what it did; value-preserving rewrites are not listed.
    Only the store's answer to a value is a refusal: a lost connection or a gateway's 502 is an error as always."""
    values: dict[str, set[Key]] = defaultdict(set)
    for triple in triples:
        datatype = _datatype(triple[2])
        if datatype and len(values[datatype]) < PROBE_VALUES:
            values[datatype].add(triple[2])
    engine = RemoteEngine(endpoints.query, timeout, client)
    graph = f"{PROBE_GRAPH}/{uuid.uuid4().hex}"  # of this run: two publishes at once do not drop each other's
    problems: dict[str, str] = {}
    sent: list[Triple] = []
    drop = f"DROP SILENT GRAPH <{graph}>"
    _update(client, endpoints, drop, timeout)  # first, a harmless update: a store that refuses writes says so here
    try:
        for n, datatype in enumerate(sorted(values)):  # a subject each: a store may merge equal values
            batch: list[Triple] = [(("uri", f"{graph}/{n}"), ("uri", PROBE_PROPERTY), v)
                                   for v in sorted(values[datatype])]
            try:
                _update(client, endpoints, " ;\n".join(_inserts(graph, batch)), timeout,
                        retry_status=RETRY_STATUS - REFUSED)
            except EndpointError as exc:
                if exc.status not in REFUSED:
                    raise
                problems[datatype] = f"the store refuses them ({str(exc).split(': ', 1)[-1]})"
            else:
                sent.extend(batch)
        result = compare(sent, read_graph(engine, graph))
    finally:
        with suppress(KGError):  # an error on the way is the one to report
            _update(client, endpoints, drop, timeout)
    for (_, datatype), lacking in sorted(result.lacking.items()):
        extra = result.extra.get((PROBE_PROPERTY, datatype), []) or [t for g, ts in result.extra.items() for t in ts]
        changed = ", ".join(f"{_shown(t[2])}" for t in lacking[:SHOWN])
        into = ", ".join(_shown(t[2]) for t in extra[:SHOWN]) or "nothing"
        problems.setdefault(datatype, f"the store changes them: sent {changed}, got back {into}")
    return problems


def _triples(quads: Iterable[Any]) -> list[Triple]:
    return sorted({(_ox_key(q.subject), _ox_key(q.predicate), _ox_key(q.object)) for q in quads})


def _datatype_iri(name: str) -> str:
    """A --leave-out value as an IRI: prefix:name with one of our prefixes (as the messages show them), or a
    full IRI."""
    if not any(ch.isspace() or ch in "<>\"{}|^`\\" for ch in name):
        if name.startswith(("http://", "https://", "urn:")):
            return name
        prefix, colon, local = name.partition(":")
        if colon and local and prefix in PREFIXES:
            return expand(name)
    raise InputError(f"--leave-out {name!a}: expected a datatype, as xsd:duration or a full IRI")


def publish(release: Path, endpoints: Endpoints, timeout: float = 30, retries: int = 3, backoff: float = 0.5,
            client: Client | None = None, leave_out: Iterable[str] = (),
            on_graph: Callable[[PublishedGraph], None] | None = None) -> Publication:
    """Replace the named graphs of the release in the store, in as few update requests as REQUEST_BYTES allows
    (the bundled release in one), after checking that the store holds every datatype of the release as it is
    (`leave_out`: datatypes, xsd:duration or a full IRI, whose statements are not sent), and read each graph back
    to compare it with what was sent. `timeout` bounds each request, its retries included; `on_graph` hears of
    each graph as soon as it is published and compared."""
    graphs = {graph: _triples(quads) for graph, quads in release_graphs(release).items()}
    skipped = {_datatype_iri(name) for name in leave_out}
    for graph, triples in graphs.items():
        blank = next((t for t in triples if "bnode" in (t[0][0], t[2][0])), None)
        if blank:  # INSERT DATA makes new ones, so a read-back could never match, and a retry would double them
            raise InputError(f"{graph}: the release holds blank nodes (e.g. {_shown(blank[0])} {_shown(blank[1])} "
                             f"{_shown(blank[2])}), which kg publish cannot replace or compare; kg release writes "
                             "none (give them IRIs)")
    client = client or Client(retries, backoff)
    everything = [t for triples in graphs.values() for t in triples]
    problems = {dt: why for dt, why in probe(client, endpoints, everything, timeout).items() if dt not in skipped}
    if problems:
        counts = Counter(_datatype(t[2]) for t in everything)
        lines = [f"  {compact(dt)} ({counts[dt]} value{'s' if counts[dt] > 1 else ''} in the release): {why}"
                 for dt, why in sorted(problems.items())]
        options = " ".join(f"--leave-out {compact(dt)}" for dt in sorted(problems))
        raise StoreMismatch("the store cannot hold every value of the release as it is; nothing was published:\n"
                            + "\n".join(lines) + f"\nUse a store that keeps them, or publish without their "
                            f"statements ({options}): they are counted, and the rest is compared after publishing.")
    engine = RemoteEngine(endpoints.query, timeout, client)
    sent = {graph: [t for t in triples if _datatype(t[2]) not in skipped] for graph, triples in graphs.items()}
    done = Publication()
    for names, text in requests_for(sent):
        try:
            _update(client, endpoints, text, timeout)
        except EndpointError as exc:
            raise EndpointError(f"{exc}\nThe store may hold part of {', '.join(names)} (a store that does not roll "
                                "back a failed request, as Virtuoso, keeps what ran before the failure): publish "
                                "again") from None
        for graph in names:
            result = compare(sent[graph], read_graph(engine, graph))
            if not result.identical:
                raise StoreMismatch(f"{graph}: the store took the update but does not hold what was sent (read "
                                    "back; the graphs before it, in sorted order, were published and compared):\n"
                                    + "\n".join(f"  {line}" for line in result.problems()))
            done.append(PublishedGraph(graph, len(sent[graph]), len(graphs[graph]) - len(sent[graph]),
                                       result.notes()))
            if on_graph:
                on_graph(done[-1])
    done.notes = store_notes(engine, list(graphs))
    return done


def store_notes(engine: RemoteEngine, graphs: list[str]) -> list[str]:
    """What a reader of the store should know that is not in the release: graphs under the release's graph
    names that it does not have (kg publish never drops a graph it was not given), and a default graph that is
    not the union the bundled queries read."""
    others: set[str] = set()
    for prefix in sorted({g.rsplit("/", 1)[0] + "/" for g in graphs
                          if g != ONTOLOGY_IRI and not g.endswith("/") and "/" in g}):
        _, rows = engine.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "
                                f"{_nt(('literal', prefix, XSD_STRING, ''))})) }}", {})
        others |= {str(row[0]) for row in rows} - set(graphs)
    notes = [f"the store also holds <{other}>, a graph this release does not have (a source removed or renamed?); "
             f"kg publish leaves it (DROP GRAPH <{other}> removes it)" for other in sorted(others)]
    if not engine.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", {})[1]:
        notes.append(f"the store's default graph is empty: it does not read the union of its named graphs, which the "
                     f"bundled queries read ({UNION_SETTINGS})")
    return notes
