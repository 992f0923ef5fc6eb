"""What an edit changes in the graph, which nodes it can reach, and the constraints checked again on them.

The change is the triples added or removed (the union's counts follow from them). A node's own values decide
every property constraint, so each compiled constraint runs again only on the subjects and objects of those
triples; sh:class and SPARQL constraints look one step further, so for them also on the nodes that point at
those subjects (not through the reification's rdf:subject and rdf:object: no shape targets a statement). The
cached violations of the other nodes stand, their record lines found again when their file was rebuilt. Kept
apart so that the one argument the shortcut rests on (how far a constraint looks) sits beside the code it
justifies; a constraint that looked two steps from its focus node would need `kg check --full`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.base.config import PREFIXES, compact
from kg.check.validate import Violation, compiled_shapes, store_violations, written_literals
from kg.incremental.state import CheckState, read_entry
from kg.model.build import VOCAB_GRAPH, FileParts, Origin, Statements
from kg.model.stats import Stats

RDF = PREFIXES["rdf"]
STATEMENT_TYPE = (ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Statement"))
_POINTERS = f"<{RDF}subject>, <{RDF}object>"  # the reification's: followed by no constraint


def parse_statements(statements: Iterable[str]) -> list[ox.Triple]:
    text = "".join(f"{s} .\n" for s in sorted(statements))
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def in_union(store: Any, triple: ox.Triple, graphs: set[str]) -> bool:
    """Whether a triple is in the published union (the given graphs)."""
    return any(isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs
               for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def stats_after(state: CheckState, diff: list[ox.Triple], before: list[bool], after: list[bool]) -> Stats:
    triples, classes = state.stats.triples, dict(state.stats.classes)
    for triple, was, now in zip(diff, before, after, strict=True):
        if was == now:
            continue
        step = 1 if now else -1
        triples += step
        if triple.predicate == STATEMENT_TYPE[0]:
            name = compact(triple.object.value)  # type: ignore[union-attr]  # a class IRI, never an RDF-star triple
            classes[name] = classes.get(name, 0) + step
            if not classes[name]:
                del classes[name]
    graphs = {f.graph: f.triples for f in state.files.values()}
    graphs[VOCAB_GRAPH] = state.stats.graphs[VOCAB_GRAPH]
    return Stats(triples, graphs, dict(sorted(classes.items())))


class _Files:
    """The per-file build parts, read from the state folder as needed, and the files that mention a node."""

    def __init__(self, store: Any, folder: Path, state: CheckState, fresh: dict[str, tuple[Statements, FileParts]]
                 ) -> None:
        self.store, self.folder, self.fresh = store, folder, fresh
        self.order = list(state.files)
        self.by_graph = {f.graph: k for k, f in state.files.items()}
        self.loaded: dict[str, FileParts] = {}

    def parts(self, key: str) -> FileParts:
        if key in self.fresh:
            return self.fresh[key][1]
        if key not in self.loaded:
            self.loaded[key] = read_entry(self.folder, key)[1]
        return self.loaded[key]

    def mentioning(self, node: str, literal_only: bool = False) -> list[str]:
        """The files whose graphs mention a node (as subject, or as object too), in file order."""
        if literal_only:
            query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{node}> ?p ?o FILTER (isLiteral(?o)) }} }}"
        else:
            query = (f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ <{node}> ?p ?o }} }} "
                     f"UNION {{ GRAPH ?g {{ ?s ?p <{node}> }} }} }}")
        keys = {self.by_graph.get(row["g"].value) for row in self.store.query(query)}
        return [k for k in self.order if k in keys]

    def origin(self, node: object, path: object | None = None) -> Origin | None:
        """As KnowledgeGraph.origin: the first file (in name order) that wrote this property, else the node."""
        keys = self.mentioning(str(node))
        for wanted in ((str(node), None if path is None else str(path)), (str(node), None)):
            for key in keys:
                found = self.parts(key).origins.get(wanted)
                if found is not None:
                    return found
        return None

    def literals(self, focus: str, path: str) -> Iterable[str]:
        for key in self.mentioning(focus, literal_only=True):
            yield from self.parts(key).literals.get((focus, path), ())


def revalidate(store: Any, folder: Path, state: CheckState, diff: list[ox.Triple], statements: set[str],
               fresh: dict[str, tuple[Statements, FileParts]], gone: set[str]) -> list[Violation]:
    """The cached violations, with those of the nodes the change reaches found again (`statements`: the
    reification nodes among the changed triples' subjects, which no shape targets)."""
    from kg.check.engine import looks_beyond_focus

    subjects = {t.subject.value for t in diff if isinstance(t.subject, ox.NamedNode)} - statements
    own = subjects | {t.object.value for t in diff if isinstance(t.object, ox.NamedNode)} - statements
    reach = set(own)
    if subjects:
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?s {{ {values} }} ?x ?p ?s "
                 f"FILTER (isIRI(?x) && ?p NOT IN ({_POINTERS})) }}")
        reach.update(row["x"].value for row in store.query(query, use_default_graph_as_union=True))
    reach -= statements
    own_nodes, reach_nodes = sorted(own), sorted(reach)
    files = _Files(store, folder, state, fresh)
    found = store_violations(
        store, compiled_shapes(), written_literals(files.literals), files, union=True,
        nodes_for=lambda check: reach_nodes if looks_beyond_focus(check.component) else own_nodes)
    for violation in (*state.report.violations, *state.report.conflicts):
        if str(violation.focus) in (reach if looks_beyond_focus(violation.component) else own):
            continue
        if violation.origin is not None and violation.origin.file in gone:
            violation = replace(violation, origin=files.origin(violation.focus, violation.path))
        found.append(violation)
    return found
