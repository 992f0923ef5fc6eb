"""Counts that describe a built graph: triples per named graph and instances per class."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph

from kg.base.config import PREFIXES, compact
from kg.model.build import KnowledgeGraph

RDF_TYPE = PREFIXES["rdf"] + "type"


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


def compute_stats(kg: KnowledgeGraph, union: list[str] | None = None) -> Stats:
    """Counts over the published graphs (sources and vocabularies); reification nodes are counted as such.
    `union` (kg.union()) may be passed in when already computed."""
    union = kg.union() if union is None else union
    graphs = {str(name): len(kg.graphs[str(name)]) for name in kg.export_graphs()}
    members: dict[str, set[str]] = {}
    marker = f"<{RDF_TYPE}> <"
    for statement in union:
        end = statement.index(" ")
        if statement.startswith(marker, end + 1):
            members.setdefault(compact(statement[end + 1 + len(marker):-1]), set()).add(statement[:end])
    return Stats(len(union), graphs, {cls: len(nodes) for cls, nodes in sorted(members.items())})


def format_stats(stats: Stats) -> str:
    width = max(len(c) for c in stats.classes) if stats.classes else 0
    lines = [f"Triples: {stats.triples}", "Named graphs:"]
    lines += [f"  {name}  {count}" for name, count in stats.graphs.items()]
    lines.append("Instances per class:")
    lines += [f"  {cls.ljust(width)}  {count}" for cls, count in stats.classes.items()]
    return "\n".join(lines)
