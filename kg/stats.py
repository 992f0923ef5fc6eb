"""Counts that describe a built graph: triples per named graph and instances per class."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph

from .build import KnowledgeGraph
from .config import compact


@dataclass(frozen=True)
class Stats:
    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]


def class_counts(graph: Graph) -> dict[str, int]:
    """Instances per class (compact names), sorted by class."""
    members: dict[str, set] = {}
    for s, o in graph.subject_objects(RDF.type):
        members.setdefault(compact(str(o)), set()).add(s)
    return {cls: len(nodes) for cls, nodes in sorted(members.items())}


def compute_stats(kg: KnowledgeGraph) -> Stats:
    """Counts over the published graphs (sources and vocabularies); reification nodes are counted as such."""
    from .export import export_graph

    union = export_graph(kg)
    graphs = {str(name): len(kg.dataset.graph(name)) for name in kg.export_graphs()}
    return Stats(len(union), graphs, class_counts(union))


def format_stats(stats: Stats) -> str:
    width = max(len(c) for c in stats.classes) if stats.classes else 0
    lines = [f"Triples: {stats.triples}", "Named graphs:"]
    lines += [f"  {name}  {count}" for name, count in stats.graphs.items()]
    lines.append("Instances per class:")
    lines += [f"  {cls.ljust(width)}  {count}" for cls, count in stats.classes.items()]
    return "\n".join(lines)
