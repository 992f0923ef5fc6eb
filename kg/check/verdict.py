"""One verdict: whether a graph passes, decided in one place for every command that judges.

A graph passes when the shapes (SHACL compiled to SPARQL on Oxigraph, kg.check.engine) find no violation and no
`*-violation` query returns a row. Sources that disagree on a single-valued property are conflicts: reported,
both values kept, never failing. `kg validate`, `kg check`, `kg build`, `kg release` and `kg site` all decide
with `Verdict.ok` and print `Verdict.lines()`, so that no command publishes what another refuses (a test runs
every invalid fixture through the five and expects the same exit code and the same lines).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.base.errors import display_path
from kg.check.validate import ValidationReport, validate, validate_file
from kg.load.quotes import QuoteCheck
from kg.model.stats import Stats, compute_stats
from kg.query.sparql import QueryResult, QuerySpec, list_queries, run_query_oxigraph
from kg.query.store import oxigraph_store

if TYPE_CHECKING:
    from kg.check.data import DataGraph

from kg.model.build import KnowledgeGraph

SHOWN_ROWS = 10  # rows of a violation query a verdict shows; the query itself gives them all


@dataclass(frozen=True)
class Verdict:
    """What the shapes found (violations and conflicts) and what each violation query returned."""

    report: ValidationReport
    queries: dict[str, QueryResult]

    @property
    def ok(self) -> bool:
        """The one definition of a passing graph: no violation of the shapes, no row from a violation query."""
        return self.report.conforms and not any(result.rows for result in self.queries.values())

    def lines(self) -> list[str]:
        """The verdict as every judging command prints it."""
        lines = self.report.lines()
        bad = {name: result for name, result in self.queries.items() if result.rows}
        lines.append(f"Violation queries: {len(self.queries)} run, "
                     + ("none returned rows" if not bad else f"{len(bad)} returned rows: {', '.join(bad)}"))
        for name, result in bad.items():
            lines.extend(f"  {name}: {' | '.join(row)}" for row in result.rows[:SHOWN_ROWS])
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def per_source(spec: QuerySpec) -> bool:
    """Whether a violation query judges the build's layout, one named graph per source (it reads `GRAPH ?graph`):
    the provenance checks. Someone else's file has no such graphs (its named graphs are merged on reading), so
    on it they could only ever return nothing."""
    return "GRAPH ?graph" in spec.text


def violation_queries(any_graph: bool = False) -> list[QuerySpec]:
    """The bundled `*-violation` queries; with `any_graph`, only those that mean something on any graph."""
    return [spec for spec in list_queries() if spec.is_violation_check and not (any_graph and per_source(spec))]


def run_violation_queries(store: Any, specs: list[QuerySpec] | None = None) -> dict[str, QueryResult]:
    """Each violation query's rows on an Oxigraph store (the union of its graphs as default graph)."""
    return {spec.name: run_query_oxigraph(store, spec.name)
            for spec in (violation_queries() if specs is None else specs)}


def judge(kg: KnowledgeGraph, store: Any = None) -> Verdict:
    """The verdict on a built graph, on `store` when given (it must hold kg's graphs, the ontology's too)."""
    store = oxigraph_store(kg) if store is None else store
    return Verdict(validate(kg, store), run_violation_queries(store))


def judge_file(path: Path, fmt: str | None = None, max_bytes: int | None = None) -> tuple[Verdict, DataGraph]:
    """The verdict on someone else's RDF file (`kg validate --data`): our shapes, with our ontology and
    vocabularies beside the data, and the violation queries that hold on any graph (ambiguous names); not the
    provenance checks, which judge how `kg build` lays out its sources (see per_source). Returns the data read."""
    report, data = validate_file(path, fmt, max_bytes)
    return Verdict(report, run_violation_queries(data.store, violation_queries(any_graph=True))), data


@dataclass(frozen=True)
class Inputs:
    """What a check read, as its summary tells it."""

    files: int
    records: int
    quotes: QuoteCheck
    records_dir: Path
    sources_dir: Path | None

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> Inputs:
        return cls(len(kg.files), sum(len(f.records) for f in kg.files), kg.quotes, kg.settings.records_dir,
                   kg.settings.sources_dir)


MAIN_CLASSES = ("pikg:Intervention", "pikg:InterventionComponent", "pikg:Study", "schema:ScholarlyArticle",
                "foaf:Person", "pikg:Outcome", "pikg:Finding", "pikg:Passage")  # the summary's counts


@dataclass
class Checked:
    """What a check read, its verdict and the graph's counts (kg.pipeline.PipelineResult adds what was written)."""

    inputs: Inputs
    verdict: Verdict
    stats: Stats
    store: Any = field(default=None, repr=False)  # the judged Oxigraph store, until the caller lets it go

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    @property
    def report(self) -> ValidationReport:
        return self.verdict.report

    @property
    def violations(self) -> dict[str, QueryResult]:
        """The rows of each `*-violation` query."""
        return self.verdict.queries

    def summary(self) -> str:
        read = self.inputs
        where = display_path(read.sources_dir) if read.sources_dir else "nowhere"
        lines = [f"Records: {read.files} files, {read.records} records ({display_path(read.records_dir)})"]
        quotes = f"Quotes: {read.quotes.checked} checked verbatim against the source texts in {where}"
        if read.quotes.missing_texts:
            quotes += f"; NOT checked (text not found): {', '.join(read.quotes.missing_texts)}"
        lines.append(quotes)
        lines.append(f"Triples: {self.stats.triples} in {len(self.stats.graphs)} named graphs")
        lines.append("  " + ", ".join(f"{c.split(':')[1]} {self.stats.classes.get(c, 0)}" for c in MAIN_CLASSES))
        lines.extend(self.verdict.lines())
        if not self.ok:
            lines.append("Wrote nothing: fix the problems above and build again.")
        return "\n".join(lines)


def check_graph(kg: KnowledgeGraph, store: Any, union: list[str] | None = None) -> Checked:
    """The verdict on `store` (which holds kg's graphs) with what was read and the counts, made meanwhile: they
    are Python's work, done while Oxigraph (which lets go of the GIL) queries. `kg check` and the pipeline both
    judge through it."""
    with ThreadPoolExecutor(1) as pool:
        stats = pool.submit(compute_stats, kg, union)
        verdict = judge(kg, store)
        return Checked(Inputs.of(kg), verdict, stats.result(), store=store)
