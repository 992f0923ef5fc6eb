"""The main job: built graph → validation → violation queries → exports, with a one-screen summary."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.base.errors import display_path
from kg.check.validate import ValidationReport, validate
from kg.load.quotes import QuoteCheck
from kg.model.build import ONTOLOGY_GRAPH, KnowledgeGraph
from kg.model.stats import Stats, compute_stats
from kg.publish.export import Published, replace_folder
from kg.publish.release import (
    checksums,
    finish_derived,
    start_derived,
    write_derived,
    write_description,
    write_framed,
    write_statements,
)
from kg.query.sparql import QueryResult, list_queries, oxigraph_store, run_query_oxigraph


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


@dataclass
class PipelineResult:
    inputs: Inputs
    report: ValidationReport
    violations: dict[str, QueryResult]
    stats: Stats
    written: dict[str, Path] = field(default_factory=dict)
    store: Any = field(default=None, repr=False)  # the validated Oxigraph store (when nothing was written)

    @property
    def ok(self) -> bool:
        return self.report.conforms and not any(r.rows for r in self.violations.values())

    def summary(self) -> str:
        read = self.inputs
        where = display_path(read.sources_dir) if read.sources_dir else "nowhere"
        lines = [f"Records: {read.files} files, {read.records} records ({display_path(read.records_dir)})"]
        quotes = f"Quotes: {read.quotes.checked} checked verbatim against the source texts in {where}"
        if read.quotes.missing_texts:
            quotes += f"; NOT checked (text not found): {', '.join(read.quotes.missing_texts)}"
        lines.append(quotes)
        lines.append(f"Triples: {self.stats.triples} in {len(self.stats.graphs)} named graphs")
        main = ["pikg:Intervention", "pikg:InterventionComponent", "pikg:Study", "schema:ScholarlyArticle",
                "foaf:Person", "pikg:Outcome", "pikg:Finding", "pikg:Passage"]
        lines.append("  " + ", ".join(f"{c.split(':')[1]} {self.stats.classes.get(c, 0)}" for c in main))
        lines.append("Validation: " + ("conforms to the shapes" if self.report.conforms
                                       else f"FAILS: {len(self.report.violations)} violation(s)"))
        for violation in self.report.violations:
            lines.append(f"  {violation}")
        if self.report.conflicts:
            lines.append(f"Conflicts: {len(self.report.conflicts)} single-valued propert"
                         f"{'y' if len(self.report.conflicts) == 1 else 'ies'} on which sources disagree; both "
                         "values kept (see kg conflicts)")
        bad = {name: r for name, r in self.violations.items() if r.rows}
        lines.append(f"Violation queries: {len(self.violations)} run, "
                     + ("none returned rows" if not bad else f"{len(bad)} returned rows: {', '.join(bad)}"))
        for name, result in bad.items():
            lines.extend(f"  {name}: {' | '.join(row)}" for row in result.rows[:10])
        if self.written:
            folder = next(iter(self.written.values())).parent
            total = sum(p.stat().st_size for p in self.written.values())
            lines.append(f"Wrote {len(self.written)} files ({total:,} bytes) to {display_path(folder)}/:")
            lines.extend(f"  {name} ({p.stat().st_size:,} bytes)" for name, p in self.written.items()
                         if "/" not in name)
            lines.append(f"  interventions/: {sum('/' in n for n in self.written)} framed JSON-LD documents")
        elif not self.ok:
            lines.append("Wrote nothing: fix the problems above and build again.")
        return "\n".join(lines)


PARALLEL = 200_000  # published triples from which the other formats are made in a second process


class _Failed(Exception):
    """Validation failed: the temporary release folder is dropped and the previous release kept."""

    def __init__(self, result: PipelineResult) -> None:
        self.result = result


def run_pipeline(kg: KnowledgeGraph, out_dir: Path | None, store: Any = None,
                 on_valid: Callable[[Any], None] | None = None) -> PipelineResult:
    """Validate (on `store` when given, which must hold kg's graphs), run every `*-violation` query, and write
    the release only when both pass. `on_valid` is given the validated store when the graph passes (`kg build`
    answers the bundled queries on it), and the store is let go before the rest of the release is written.

    For a large graph the machine's second core makes Turtle, TriG, JSON-LD and RDF/XML (from the N-Triples and
    N-Quads files written first, and hashes them) while this process loads the store, validates, and writes the
    framed documents."""
    data = Published.of(kg)

    def check(folder: Path | None = None) -> PipelineResult:
        # the counts are Python's work, made while Oxigraph (which lets go of the GIL) loads and queries
        with ThreadPoolExecutor(1) as pool:
            stats = pool.submit(compute_stats, kg, data.union)
            if folder is None:  # the same standard SPARQL, much faster than rdflib's engine
                loaded = oxigraph_store(kg) if store is None else store
            else:  # the N-Quads just written, and the ontology, which the shapes' class targets need
                loaded = ox.Store()
                loaded.load(path=str(folder / "pikg.nq"), format=ox.RdfFormat.N_QUADS)
                loaded.load(kg.nquads([ONTOLOGY_GRAPH]), format=ox.RdfFormat.N_QUADS)
            violations = {spec.name: run_query_oxigraph(loaded, spec.name)
                          for spec in list_queries() if spec.is_violation_check}
            report = validate(kg, loaded)
            return PipelineResult(Inputs.of(kg), report, violations, stats.result(), store=loaded)

    def checked(folder: Path | None = None) -> PipelineResult:
        result = check(folder)
        if result.ok and on_valid is not None:
            on_valid(result.store)
        if out_dir is not None:
            result.store = None
        return result

    if out_dir is None:
        return checked()

    def fill(folder: Path) -> None:
        write_statements(folder, data)
        known = None
        if len(data.union) < PARALLEL:
            result = checked()
            if not result.ok:
                raise _Failed(result)
            write_derived(folder, kg.settings.base_iri)
        else:
            helper = start_derived(folder, kg.settings.base_iri, ("turtle", "trig", "json-ld", "rdf-xml"))
            try:
                result = checked(folder)
                if result.ok:
                    write_framed(folder, data)
                    known = checksums(folder, [folder / "pikg.nt", folder / "pikg.nq",
                                               *sorted((folder / "interventions").glob("*.jsonld"))])
            except BaseException:
                helper.kill()
                raise
            if not result.ok:
                helper.kill()
                helper.communicate()
                raise _Failed(result)
            known = {**(known or {}), **finish_derived(helper)}
        write_description(kg, result.stats, folder, known)
        outcome.append(result)

    outcome: list[PipelineResult] = []
    try:
        written = replace_folder(out_dir, fill)
    except _Failed as failed:
        return failed.result
    outcome[0].written = written
    return outcome[0]
