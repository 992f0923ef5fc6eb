"""A static site for people who will not write SPARQL (kg site): the pages, written beside the release that
kg.pipeline.site_of writes into download/ (judged by the one verdict, written by the one release writer), read
from the statements that release is written from.

graph: the read-only view of the released graph the pages are made from; builder: the pages; ontology: the
ontology's documentation page; files: writing them, reusing the previous site's unchanged files."""

from __future__ import annotations

from pathlib import Path

from kg.model.build import KnowledgeGraph
from kg.model.stats import Stats, compute_stats
from kg.publish.site.files import MANIFEST, PageWriter


def write_pages(kg: KnowledgeGraph, out: Path, stats: Stats | None = None, previous: Path | None = None,
                fingerprint: str = "", workers: int | None = None) -> PageWriter:
    """Write the site's pages into `out`, whose download/ folder holds kg's release already. `previous`: the
    site this one replaces; `fingerprint`: of the inputs, kept in the manifest for the next `kg site`."""
    from kg.publish.site.builder import SiteBuilder

    writer = SiteBuilder(kg, compute_stats(kg) if stats is None else stats).write(out, previous, workers)
    for path in sorted((out / "download").rglob("*")):  # the release: its sizes and times, for `intact`
        if path.is_file():
            stat = path.stat()
            writer.written[path.relative_to(out).as_posix()] = ["", stat.st_size, stat.st_mtime_ns]
    (out / MANIFEST).write_bytes(writer.manifest(fingerprint))
    return writer
