"""Counts that describe a built graph: triples per named graph and instances per class."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.base.config import RDF_TYPE, compact
from kg.model.build import KnowledgeGraph


@dataclass(frozen=True)
class Stats:
    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]


def class_counts(typed: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Instances per class (compact names), sorted by class, from (instance, class IRI) pairs: the one count of
    instances that the build's statistics, the dataset description, `kg validate --data` and the tests share
    (each gives the pairs of its own graph: N-Triples statements, a store's quads, an rdflib graph)."""
    members: dict[str, set[str]] = {}
    for instance, cls in typed:
        members.setdefault(compact(cls), set()).add(instance)
    return {cls: len(nodes) for cls, nodes in sorted(members.items())}


def typed_statements(statements: Iterable[str]) -> Iterable[tuple[str, str]]:
    """The (instance, class IRI) pairs of the rdf:type statements among N-Triples statements (without " .")."""
    marker = f"<{RDF_TYPE}> <"
    for statement in statements:
        end = statement.index(" ")
        if statement.startswith(marker, end + 1):
            yield statement[:end], statement[end + 1 + len(marker):-1]


def store_class_counts(store: Any, graph: Any = None) -> dict[str, int]:
    """class_counts of an Oxigraph store's rdf:type quads, in one graph (`graph`, a pyoxigraph graph name) or in
    all of them."""
    import pyoxigraph as ox

    quads = store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, graph)
    return class_counts((q.subject.value, q.object.value) for q in quads)


def compute_stats(kg: KnowledgeGraph, union: list[str] | None = None) -> Stats:
    """Counts over the published graphs (sources and vocabularies); reification nodes are counted as such.
    `union` (kg.union()) may be passed in when already computed."""
    union = kg.union() if union is None else union
    graphs = {str(name): len(kg.graphs[str(name)]) for name in kg.export_graphs()}
    return Stats(len(union), graphs, class_counts(typed_statements(union)))


def format_stats(stats: Stats) -> str:
    width = max(len(c) for c in stats.classes) if stats.classes else 0
    lines = [f"Triples: {stats.triples}", "Named graphs:"]
    lines += [f"  {name}  {count}" for name, count in stats.graphs.items()]
    lines.append("Instances per class:")
    lines += [f"  {cls.ljust(width)}  {count}" for cls, count in stats.classes.items()]
    return "\n".join(lines)
