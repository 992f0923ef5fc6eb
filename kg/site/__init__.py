"""A static site for people who will not write SPARQL (kg site): the pages, written beside the release that
kg.pipeline.site_of writes into download/ (judged by the one verdict, written by the one release writer), read
from the statements that release is written from.

graph: the read-only view of the released graph the pages are made from; builder: the site and its lists; pages:
a page per resource, and the labels and links every page shares; ontology: the ontology's documentation page;
files: writing them, reusing the previous site's unchanged files; inputs: the fingerprint of what a site is made
from."""

from __future__ import annotations

from pathlib import Path

from kg.base.config import ReleaseInfo
from kg.model.build import KnowledgeGraph
from kg.model.stats import Stats
from kg.site.files import MANIFEST, PageWriter


class SitePages:
    """The pages of a site being written into `out` beside its release (kg.pipeline.site_of): the resource pages
    start at once (forked at scale, while the release is written and judged), the rest once the release is there
    (`finish`). A context manager: leaving it unfinished (the graph failed) stops the forked writers."""

    def __init__(self, kg: KnowledgeGraph, out: Path, previous: Path | None = None, fingerprint: str = "",
                 workers: int | None = None, info: ReleaseInfo | None = None) -> None:
        from kg.site.builder import SiteBuilder

        self.out, self.fingerprint = out, fingerprint
        self.builder = SiteBuilder(kg)
        self.builder.info = info  # the release's date and links, as download/ has them
        self.writer = PageWriter(out, previous)
        self.resources = self.builder.start_resource_pages(self.writer, workers)

    def __enter__(self) -> SitePages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.resources.stop()

    def finish(self, stats: Stats | None = None) -> PageWriter:
        """The other pages, then the resource pages' end, then the manifest (the release's files included: their
        sizes and times, for `intact`)."""
        self.builder.stats = stats
        self.builder.summary_pages(self.writer, self.out)
        self.resources.finish()
        for path in sorted((self.out / "download").rglob("*")):
            if path.is_file():
                stat = path.stat()
                self.writer.written[path.relative_to(self.out).as_posix()] = ["", stat.st_size, stat.st_mtime_ns]
        (self.out / MANIFEST).write_bytes(self.writer.manifest(self.fingerprint))
        return self.writer

