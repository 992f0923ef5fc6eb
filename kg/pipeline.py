"""The main job, one pass down the stages: records (kg.load, through kg.model.build) → the graph and its statements
(kg.model) → the one verdict (kg.check) → the release (kg.release), each stage visited once and in that order,
with a one-screen summary. Nothing calls back up: a stage gets what the stage before it returned (the release
writer gets the verdict as a future, judged on a second thread while it writes the statements).

`kg build`, `kg release` and the benchmark call `release_graph`; `kg site` calls `site_of`, which writes the same
release (through the same writer, kg.release.folder.write_release_files) into the site's download folder; `kg
check` judges through kg.incremental.recheck, with the same verdict (kg.check.verdict.check_graph)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg.base.config import ReleaseInfo, Settings
from kg.base.errors import InputError, UncheckedQuotes, display_path
from kg.base.files import check_output_folder, folder_files, replace_folder
from kg.check.verdict import Checked, check_graph
from kg.model.build import KnowledgeGraph, build
from kg.model.published import Published
from kg.query.cache import warm_answers
from kg.query.store import oxigraph_store
from kg.release.folder import write_release, write_release_files
from kg.release.metadata import release_info, resolved


@dataclass
class PipelineResult(Checked):
    """What was read and judged (kg.check.verdict.Checked) and the files written (none when the graph failed)."""

    written: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [super().summary()]
        if self.written:
            folder = next(iter(self.written.values())).parent
            total = sum(p.stat().st_size for p in self.written.values())
            lines.append(f"Wrote {len(self.written)} files ({total:,} bytes) to {display_path(folder)}/:")
            lines.extend(f"  {name} ({p.stat().st_size:,} bytes)" for name, p in self.written.items()
                         if "/" not in name)
            nanopubs = sum(n.startswith("nanopubs/") for n in self.written)
            if nanopubs:
                lines.append(f"  nanopubs/: {nanopubs} nanopublications (TriG), one per finding")
            lines.append(f"  interventions/: {sum(n.startswith('interventions/') for n in self.written)} framed "
                         "JSON-LD documents")
        return "\n".join(lines)


def _result(checked: Checked, written: dict[str, Path] | None = None) -> PipelineResult:
    return PipelineResult(checked.inputs, checked.verdict, checked.stats, written=written or {})


def judge(kg: KnowledgeGraph, data: Published, remember: bool = False) -> Checked:
    """The one verdict on kg's statements (with the ontology's graph, which the shapes' class targets need) and
    their counts; when the graph passes and `remember`, the answers of the bundled queries left in the cache for
    `kg query`. The judged store is let go: the release needs only the verdict and the counts."""
    checked = check_graph(kg, oxigraph_store(kg), data.union)
    if checked.ok and remember:
        warm_answers(kg.settings, kg, checked.store)
    checked.store = None
    return checked


def run_pipeline(kg: KnowledgeGraph, out_dir: Path, helper: bool | None = None, info: ReleaseInfo | None = None,
                 remember: bool = False) -> PipelineResult:
    """Judge kg and write its release into out_dir, kept only when the graph passes (the previous folder stays
    otherwise). The verdict is made on a second thread (Oxigraph lets go of the GIL) while the release writer
    writes the statements and starts its helper; the writer waits for it before anything else. `remember`: leave
    in the cache what `kg query` reads next. `helper`, `info`: see kg.release.folder.write_release_files."""
    data = Published.of(kg)
    with ThreadPoolExecutor(1) as pool:
        judged = pool.submit(judge, kg, data, remember)
        checked, written = write_release(kg, data, judged, out_dir, info, helper, remember)
    return _result(checked, written)


def _refuse_unchecked(kg: KnowledgeGraph, complete_quotes: bool, unchecked_ok: bool | None) -> None:
    """`complete_quotes` (`kg release`): a release for others vouches for every quote, so quotes whose source text
    was not found refuse it (InputError, exit 2); `unchecked_ok=False` (`kg build` without --no-quote-check)
    refuses them with UncheckedQuotes (exit 1); None leaves them to the summary."""
    if not kg.quotes.missing_texts:
        return
    where = display_path(kg.settings.sources_dir) if kg.settings.sources_dir else "nowhere"
    missing = ", ".join(kg.quotes.missing_texts)
    if unchecked_ok is False:
        raise UncheckedQuotes(f"not built: the source texts of some quotes were not found in {where} ({missing}), "
                              "so those quotes cannot be checked; give --sources DIR (or KG_SOURCES_DIR), or "
                              "--no-quote-check to build without checking them")
    if complete_quotes:
        raise InputError(f"not released: the source texts of some quotes were not found in {where} ({missing}), so "
                         "those quotes are not checked; give --sources (kg build writes a folder without them)")


def release_graph(kg: KnowledgeGraph, out_dir: Path, complete_quotes: bool = False,
                  info: ReleaseInfo | None = None, unchecked_ok: bool | None = None) -> PipelineResult:
    """`kg build` and `kg release` once the graph is built (the benchmark times this): unchecked quotes refused as
    the command asks, then run_pipeline, remembering the release for `kg query`."""
    _refuse_unchecked(kg, complete_quotes, unchecked_ok)
    return run_pipeline(kg, out_dir, info=info, remember=True)


def build_release(settings: Settings, out_dir: Path, complete_quotes: bool = False, release_date: str | None = None,
                  download_base: str | None = None, unchecked_ok: bool | None = None,
                  progress: Callable[[Path], None] | None = None) -> PipelineResult:
    """release_graph from the records: the folder, the date and the base are checked first, so that a folder that
    is not ours is never touched, and a mistyped option is told, before a long build."""
    check_output_folder(out_dir, "release")
    info = release_info(settings.records_dir, release_date, download_base)
    kg = build(settings, progress=progress)
    return release_graph(kg, out_dir, complete_quotes, info, unchecked_ok)


def site_of(kg: KnowledgeGraph, out_dir: Path, fingerprint: str = "", workers: int | None = None,
            info: ReleaseInfo | None = None) -> tuple[PipelineResult, dict[str, Path]]:
    """The static site of kg in out_dir: the resource pages start at once (forked at scale), the graph is judged by
    the one verdict beside them while the one writer writes the release into download/, then the other pages, from
    the same statements; nothing replaced when the graph fails. A page that the site being replaced has byte for
    byte is linked from it rather than written again (its date stays that of its last change). Returns the result
    and the site's files (none when it failed). `info`: the release's date and links, as for `kg build`."""
    from kg.site import SitePages

    data = Published.of(kg)
    info = resolved(kg, info)  # one date for download/ and the pages
    previous = out_dir if out_dir.is_dir() else None

    def fill(folder: Path) -> Checked:
        (folder / "download").mkdir()
        with SitePages(kg, folder, previous, fingerprint, workers, info) as pages:  # resource pages start now
            checked = write_release_files(kg, folder / "download", data, judged, info)
            if checked.ok:
                pages.finish(checked.stats)
        return checked

    with ThreadPoolExecutor(1) as pool:
        judged = pool.submit(judge, kg, data)
        checked = replace_folder(out_dir, fill, "site", keep=lambda result: result.ok)
    return _result(checked), folder_files(out_dir) if checked.ok else {}


def build_site(settings: Settings, out_dir: Path, progress: Callable[[Path], None] | None = None,
               release_date: str | None = None, download_base: str | None = None
               ) -> tuple[PipelineResult | None, dict[str, Path]]:
    """site_of from the records, the folder and the release's options checked first (`progress` is called after
    each record file). When out_dir is the site of these very inputs and options, untouched since, nothing is
    built: (None, its files)."""
    from kg.site.files import MANIFEST, intact, read_manifest
    from kg.site.inputs import fingerprint

    check_output_folder(out_dir, "site")
    info = release_info(settings.records_dir, release_date, download_base)
    given = fingerprint(settings, info)
    manifest = read_manifest(out_dir if out_dir.is_dir() else None)
    if manifest.get("fingerprint") == given and intact(out_dir, manifest):
        return None, {name: out_dir / name for name in (*manifest["files"], MANIFEST)}  # as many as it wrote
    return site_of(build(settings, progress=progress), out_dir, given, info=info)
