"""The statements a release is made from, gathered once from the built graph: the sorted union of the published
graphs and each published graph's statements. The verdict judges them, the release writes them; a helper process
reads them back from the two statement files the release writes first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.model.build import KnowledgeGraph


@dataclass(frozen=True)
class Published:
    """What every export is made from: the sorted statements of the union of the published graphs, and of each
    published graph by IRI. It can be read back from the N-Triples and N-Quads files the release writes first,
    which is how a second process makes the other formats."""

    union: list[str]
    graphs: dict[str, list[str]]
    base_iri: str

    @classmethod
    def of(cls, kg: KnowledgeGraph, union: list[str] | None = None) -> Published:
        return cls(kg.union() if union is None else union,
                   {name: sorted(kg.graphs[name]) for name in sorted(map(str, kg.export_graphs()))},
                   kg.settings.base_iri)

    @classmethod
    def read(cls, folder: Path, base_iri: str, graphs: bool = True, union: bool = True) -> Published:
        """Read back what write_statements wrote: the union from pikg.nt, the graphs from pikg.nq."""
        statements = []
        if union:  # line by line: the file's text is never held whole
            with (folder / "pikg.nt").open(encoding="utf-8", newline="\n") as lines:
                statements = [line[:-3] for line in lines]
        by_graph: dict[str, list[str]] = {}
        if graphs:
            with (folder / "pikg.nq").open(encoding="utf-8", newline="\n") as lines:
                for line in lines:
                    statement, graph, _ = line.rsplit(" ", 2)
                    by_graph.setdefault(graph[1:-1], []).append(statement)
        return cls(statements, by_graph, base_iri)
