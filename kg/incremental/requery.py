"""Which bundled `*-violation` queries an incremental `kg check` runs again, and on which graphs.

A per-graph query (one with a graph column) runs again on the changed graphs only, its rows for the other graphs
kept; any other runs again only when the change touches a predicate its patterns name (or it names a variable
one), so the full check records, once, the predicates each query reads. Kept apart from re-validating the shapes
(kg.incremental.reach) because the argument differs: a query's answer depends on the predicates it reads, not on how
far a constraint looks from a node.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kg.base.config import PREFIXES
from kg.check.verdict import violation_queries
from kg.incremental.state import CheckState
from kg.query.sparql import (
    OxigraphEngine,
    QueryResult,
    run_query_oxigraph,
    term_text,
    tidy_result,
)


def _predicates(text: str) -> frozenset[str] | None:
    """The predicates a query's patterns name, or None when a pattern has a variable predicate (any triple
    may change its answer)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import URIRef

    found: set[str] = set()
    nodes: list[object] = [prepareQuery(text).algebra]
    paths: list[object] = []
    while nodes:
        node = nodes.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "triples":
                    paths.extend(triple[1] for triple in value)
                else:
                    nodes.append(value)
        elif isinstance(node, list | tuple):
            nodes.extend(node)
    while paths:
        path = paths.pop()
        if isinstance(path, URIRef):
            found.add(str(path))
        elif isinstance(path, AlternativePath | SequencePath | NegatedPath):
            paths.extend(path.args)
        elif isinstance(path, InvPath):
            paths.append(path.arg)
        elif isinstance(path, MulPath):
            paths.append(path.path)
        else:  # a variable
            return None
    return frozenset(found)


def violation_reads() -> dict[str, frozenset[str] | None]:
    """The predicates each violation query names (None: any)."""
    # on a thread of its own: rdflib's parser keeps tracebacks, and so the frames of its callers, which would hold
    # the check's store open after the check returns
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: {spec.name: _predicates(spec.text) for spec in violation_queries()}).result()


def _in_graph(text: str, graph: str) -> str:
    """A per-graph query for one named graph: ?graph replaced by its IRI in the WHERE clause, and bound."""
    head, sep, tail = text.partition("WHERE {")
    end = tail.rindex("}")
    return f"{head}{sep}{tail[:end].replace('?graph', f'<{graph}>')}  BIND (<{graph}> AS ?graph)\n{tail[end:]}"


_REIFICATION = frozenset(PREFIXES["rdf"] + n for n in ("Statement", "subject", "predicate", "object")) | {
    PREFIXES["prov"] + "wasDerivedFrom"}


def requery(store: Any, state: CheckState, changed: set[str], present: Iterable[str], predicates: set[str],
            of_facts: set[str]) -> dict[str, QueryResult]:
    """The violation queries' rows: a per-graph query (with a graph column) again for the changed graphs only;
    another again when the change touches a predicate it names (or it names a variable one). The triples of
    the reification statements count only for a query that names the reification vocabulary (`of_facts` are
    the predicates of the other triples): every edit changes statements, and a query about labels and classes
    should not run again for them."""
    out = {}
    for spec in violation_queries():
        cached, reads = state.queries.get(spec.name), state.reads.get(spec.name)
        if cached is not None and "graph" in cached.columns:
            at = cached.columns.index("graph")
            rows = [row for row in cached.rows if row[at] not in changed]
            for graph in sorted(present):
                columns, answer = OxigraphEngine(store).select(_in_graph(spec.text, graph), {})
                rows += tidy_result(spec, columns, [tuple(term_text(term) for term in row) for row in answer]).rows
            out[spec.name] = QueryResult(cached.columns, tuple(sorted(rows, key=lambda row: row[at])))
        elif cached is not None and reads is not None and not reads & (predicates if reads & _REIFICATION
                                                                       else of_facts):
            out[spec.name] = cached
        else:
            out[spec.name] = run_query_oxigraph(store, spec.name)
    return out
