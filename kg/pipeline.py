"""The main job: records → built graph → the one verdict (kg.check.verdict) → the release, with a one-screen
summary. `kg build`, `kg release` and the benchmark call `release_graph`; `kg site` calls `site_of`, which writes
the same release (through the same writer, kg.publish.release.write_release_files) into the site's download
folder; `kg check` calls `run_pipeline` without a folder (judge only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.base.config import Settings
from kg.base.errors import InputError, UncheckedQuotes, display_path
from kg.base.files import check_output_folder, replace_folder
from kg.check.verdict import PipelineResult, check_graph
from kg.model.build import KnowledgeGraph, build
from kg.model.stats import Stats
from kg.publish.export import Published
from kg.publish.metadata import ReleaseInfo, check_download_base, check_release_date, release_info
from kg.publish.release import write_release_files
from kg.query.store import oxigraph_store, released_store


class _Failed(Exception):
    """The graph failed the verdict: the temporary folder is dropped and the previous one kept."""

    def __init__(self, result: PipelineResult) -> None:
        self.result = result


def run_pipeline(kg: KnowledgeGraph, out_dir: Path | None, store: Any = None,
                 on_valid: Callable[[Any], None] | None = None, helper: bool | None = None,
                 info: ReleaseInfo | None = None) -> PipelineResult:
    """Judge kg (on `store` when given, which must hold kg's graphs) and, with `out_dir`, write the release there
    only when it passes (the previous folder is kept otherwise). `on_valid` is given the judged store when the
    graph passes (`kg build` answers the bundled queries on it). `helper`, `info`: see write_release_files."""
    if out_dir is None:
        result = check_graph(kg, oxigraph_store(kg) if store is None else store)
        if result.ok and on_valid is not None:
            on_valid(result.store)
        return result
    outcome: list[PipelineResult] = []
    try:
        written = replace_folder(out_dir, lambda folder: outcome.append(
            release_into(kg, folder, on_valid=on_valid, helper=helper, info=info)))
    except _Failed as failed:
        return failed.result
    outcome[0].written = written
    return outcome[0]


def release_into(kg: KnowledgeGraph, folder: Path, data: Published | None = None,
                 on_valid: Callable[[Any], None] | None = None, helper: bool | None = None,
                 info: ReleaseInfo | None = None) -> PipelineResult:
    """Write kg's release into `folder` (a fresh temporary folder) through the one writer, the verdict judging
    the statements once they are written; _Failed when the graph fails, so that the caller's replace_folder drops
    the folder. The judged store is let go before the rest of the release is written."""
    data = Published.of(kg) if data is None else data
    outcome: list[PipelineResult] = []

    def gate(written: Path) -> Stats:
        result = check_graph(kg, released_store(kg, written), data.union)
        if not result.ok:
            raise _Failed(result)
        if on_valid is not None:
            on_valid(result.store)
        result.store = None
        outcome.append(result)
        return result.stats

    write_release_files(kg, folder, data, gate=gate, helper=helper, info=info)
    return outcome[0]


def release_graph(kg: KnowledgeGraph, out_dir: Path, complete_quotes: bool = False,
                  info: ReleaseInfo | None = None, unchecked_ok: bool | None = None) -> PipelineResult:
    """`kg build` and `kg release` once the graph is built (the benchmark times this): judge it, write the release
    folder when it passes, and leave in the cache what `kg query` reads next (the answers of the bundled queries,
    the released N-Quads). `complete_quotes` (`kg release`) refuses, before anything is judged or written, a graph
    some of whose quotes were not checked because their source text was not found: a release for others vouches
    for every quote. `info`: the release date and download base (kg.publish.metadata; by default the date the
    records give). `unchecked_ok=False` (`kg build` without --no-quote-check) refuses unchecked quotes too, with
    UncheckedQuotes (exit 1); None leaves them to the summary."""
    from kg.query.cache import remember_release, warm_answers

    where = display_path(kg.settings.sources_dir) if kg.settings.sources_dir else "nowhere"
    if unchecked_ok is False and kg.quotes.missing_texts:
        raise UncheckedQuotes(f"not built: the source texts of some quotes were not found in {where} "
                              f"({', '.join(kg.quotes.missing_texts)}), so those quotes cannot be checked; give "
                              "--sources DIR (or KG_SOURCES_DIR), or --no-quote-check to build without checking them")
    if complete_quotes and kg.quotes.missing_texts:
        raise InputError(f"not released: the source texts of some quotes were not found in {where} "
                         f"({', '.join(kg.quotes.missing_texts)}), so those quotes are not checked; give --sources "
                         "(kg build writes a folder without them)")
    result = run_pipeline(kg, out_dir, on_valid=lambda store: warm_answers(kg.settings, kg, store), info=info)
    if result.ok:
        remember_release(kg.settings, kg, out_dir)
    return result


def build_release(settings: Settings, out_dir: Path, complete_quotes: bool = False, release_date: str | None = None,
                  download_base: str | None = None, unchecked_ok: bool | None = None,
                  progress: Callable[[Path], None] | None = None) -> PipelineResult:
    """release_graph from the records: the folder, the date and the base are checked first, so that a folder that
    is not ours is never touched, and a mistyped option is told, before a long build."""
    check_output_folder(out_dir, "release")
    release_date = check_release_date(release_date) if release_date else None
    download_base = check_download_base(download_base) if download_base else None
    kg = build(settings, progress=progress)
    return release_graph(kg, out_dir, complete_quotes, release_info(kg, release_date, download_base), unchecked_ok)


def site_of(kg: KnowledgeGraph, out_dir: Path, fingerprint: str = "", workers: int | None = None
            ) -> tuple[PipelineResult, dict[str, Path]]:
    """The static site of kg in out_dir: the release written by the one writer and judged by the one verdict into
    download/, then the pages, from the same statements; nothing replaced when the graph fails. A
    page that the site being replaced has byte for byte is linked from it rather than written again (its date
    stays that of its last change). Returns the result and the site's files (none when it failed)."""
    from kg.publish.site import SitePages

    outcome: list[PipelineResult] = []
    previous = out_dir if out_dir.is_dir() else None

    def fill(folder: Path) -> None:
        (folder / "download").mkdir()
        with SitePages(kg, folder, previous, fingerprint, workers) as pages:  # resource pages start now
            result = release_into(kg, folder / "download")
            pages.finish(result.stats)
        outcome.append(result)

    try:
        written = replace_folder(out_dir, fill, "site")
    except _Failed as failed:
        return failed.result, {}
    return outcome[0], written


def build_site(settings: Settings, out_dir: Path, progress: Callable[[Path], None] | None = None
               ) -> tuple[PipelineResult | None, dict[str, Path]]:
    """site_of from the records, the folder checked first (`progress` is called after each record file). When
    out_dir is the site of these very inputs, untouched since, nothing is built: (None, its files)."""
    from kg.publish.site.files import MANIFEST, intact, read_manifest
    from kg.publish.site.inputs import fingerprint

    check_output_folder(out_dir, "site")
    given = fingerprint(settings)
    manifest = read_manifest(out_dir if out_dir.is_dir() else None)
    if manifest.get("fingerprint") == given and intact(out_dir, manifest):
        return None, {name: out_dir / name for name in (*manifest["files"], MANIFEST)}  # as many as it wrote
    return site_of(build(settings, progress=progress), out_dir, given)
