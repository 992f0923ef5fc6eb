"""`kg check` after an edit: validate what changed, not the whole graph again.

The first check builds and validates everything, and keeps in the cache folder an on-disk Oxigraph store of the
dataset, each record file's graph (with its origins and literals as written) and the report. The next check
compares the record files and source texts with what it saw (size and time, then content hash; both taken before
the file was read, and a time too recent to trust forces the hash, so that an edit saved while a check runs is a
change to the next one), loads and builds only the changed files against the name index of all files, replaces
their named graphs in the store, and re-runs each compiled constraint only on the nodes the change can reach:
the subjects and objects of the triples added or removed (a node's own values decide every property constraint),
and for sh:class and SPARQL constraints, which look one step further, also the nodes that point at those
subjects (not through the reification's rdf:subject and rdf:object: no shape targets a statement); a constraint
that looked two steps from its focus node would need `kg check --full`. Per-graph violation queries run on the
changed graphs only. Whatever the shortcut cannot vouch for (no usable state; the package, ontology, shapes or
queries changed; a changed name that another file refers by; a source id taken twice) makes it check everything,
and tests compare its reports with full checks after a series of edits.

This module holds `check()` and the two ways through it, full and incremental; the saved state and what changed
on disk are kg.incremental.state's, the nodes a change reaches and their constraints kg.incremental.reach's, and the
violation queries run again kg.incremental.requery's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.base.config import Settings
from kg.check.validate import report_of
from kg.check.verdict import Checked, Inputs, Verdict, check_graph
from kg.incremental.reach import STATEMENT_TYPE, in_union, parse_statements, revalidate, stats_after
from kg.incremental.requery import requery, violation_reads
from kg.incremental.state import (
    UNSEEN,
    CheckState,
    Fallback,
    FileState,
    changed_files,
    check_folder,
    entry_path,
    load_state,
    model_digest,
    read_entry,
    record_states,
    save_state,
    texts_read,
    writable,
    write_entry,
)
from kg.load.corpus import beyond_the_file
from kg.load.identity import NameIndex, normalise_name, references, resolve_references
from kg.load.quotes import QuoteCheck, check_quotes, texts_quoted
from kg.load.records import load_file
from kg.model.build import VOCAB_GRAPH, FileParts, build, build_files, graph_iri, nquad_lines
from kg.query.store import open_store, oxigraph_store
from kg.schema.vocabularies import concepts_by_scheme


def check(settings: Settings, full: bool = False, progress: Callable[[Path], None] | None = None
          ) -> Checked:
    """Check the records: only what changed since the last check, or everything when `full` (or when the
    shortcut cannot vouch for the change). Raises RecordError/QuoteError like `build`."""
    folder = check_folder(settings)
    state = None if full else load_state(folder)
    if state is not None and state.model == model_digest(settings):
        try:
            return _recheck(settings, folder, state, progress)
        except Fallback:
            pass
    return _full(settings, folder, progress)


def _full(settings: Settings, folder: Path, progress: Callable[[Path], None] | None) -> Checked:
    parts: dict[str, FileParts] = {}
    per_file: dict[str, QuoteCheck] = {}
    seen = record_states(settings)
    kg = build(settings, progress=progress, parts=parts, per_file=per_file)
    store = open_store(folder) if writable(folder) else None
    if store is None:  # another check holds the state (or it is damaged): leave it be
        return check_graph(kg, oxigraph_store(kg))
    (folder / "state.pickle").unlink(missing_ok=True)
    store.clear()  # emptied rather than deleted: this process may still hold it open
    shutil.rmtree(folder / "graphs", ignore_errors=True)
    store.bulk_load(kg.nquads(), format=ox.RdfFormat.N_QUADS)
    result = check_graph(kg, store)
    files = {}
    for rf in kg.files:
        key, graph = str(rf.path), graph_iri(settings, rf.source.id)
        write_entry(folder, key, (kg.graphs[graph], parts[key]))
        stamp, digest = seen.get(key, UNSEEN)
        files[key] = FileState(stamp, digest, rf.source.id, graph, texts_quoted(rf), len(rf.records),
                               per_file[key], NameIndex.of([rf]), parts[key].refs, len(kg.graphs[graph]))
    texts = texts_read(files, {}, kg.quotes)
    reads = violation_reads()
    save_state(folder, CheckState(model_digest(settings), files, texts, result.report, result.violations, reads,
                                  result.stats))
    result.store = None
    return result


def _recheck(settings: Settings, folder: Path, state: CheckState, progress: Callable[[Path], None] | None
             ) -> Checked:
    current, changed, removed, seen, fresh_texts = changed_files(settings, state)
    for key, (stamp, _) in seen.items():
        if key in state.files and key not in changed:
            state.files[key].stamp = stamp
    state.texts.update(fresh_texts)
    if not changed and not removed:
        if seen or fresh_texts:
            save_state(folder, state)
        return _outcome(settings, state)
    concepts = concepts_by_scheme()
    raw = []
    for key in changed:
        raw.append(load_file(current[key], concepts))
        if progress:
            progress(current[key])
    gone = set(changed) | set(removed)
    if beyond_the_file(raw, [state.files[k].names for k in gone if k in state.files], concepts):
        raise Fallback  # declared concepts and derived values are checked across all files, as the full check does
    kept = {k: f for k, f in state.files.items() if k not in gone}
    ids = [f.source_id for f in kept.values()] + [rf.source.id for rf in raw]
    if len(ids) != len(set(ids)):
        raise Fallback  # the full check says which files share a source id
    fresh = {str(rf.path): NameIndex.of([rf]) for rf in raw}
    before = {key for k in gone if k in state.files for key in state.files[k].names.keys()}
    touched = before ^ {key for index in fresh.values() for key in index.keys()}
    lookups = {(kind, section, name.split("\0")[0]) for kind, section, name in touched}
    for other in kept.values():
        if any(("id", section, text) in lookups or ("name", section, normalise_name(text)) in lookups
               for section, text in other.refs):
            raise Fallback  # another file refers by a name this change defines, drops or makes ambiguous
    index = NameIndex.merge(fresh[k] if k in fresh else state.files[k].names for k in current)
    files = resolve_references(raw, index)
    per_file: dict[str, QuoteCheck] = {}
    quotes = check_quotes(files, settings.sources_dir, per_file)
    parts = {str(rf.path): FileParts(refs=references(rf)) for rf in raw}
    built = build_files(files, quotes, settings, model=False, parts=parts)
    store = open_store(folder)
    if store is None:
        raise Fallback
    (folder / "state.pickle").unlink(missing_ok=True)  # until the store and the state agree again
    old = {state.files[k].graph: read_entry(folder, k)[0] for k in gone if k in state.files}
    graphs_before = {f.graph for f in state.files.values()} | {VOCAB_GRAPH}
    for rf in files:
        key, graph = str(rf.path), graph_iri(settings, rf.source.id)
        stamp, digest = seen.get(key, UNSEEN)
        state.files[key] = FileState(stamp, digest, rf.source.id, graph, texts_quoted(rf), len(rf.records),
                                     per_file[key], fresh[key], parts[key].refs, len(built.graphs[graph]))
    for key in removed:
        del state.files[key]
    state.files = dict(sorted(state.files.items()))
    graphs_after = {f.graph for f in state.files.values()} | {VOCAB_GRAPH}
    diff = parse_statements({s for g in old.keys() | built.graphs.keys()
                             for s in old.get(g, {}).keys() ^ built.graphs.get(g, {}).keys()})
    present_before = [in_union(store, t, graphs_before) for t in diff]
    for graph in old:
        store.clear_graph(ox.NamedNode(graph))
        store.remove_graph(ox.NamedNode(graph))
    store.load("".join(nquad_lines(built.graphs.items())).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    after = [in_union(store, t, graphs_after) for t in diff]
    state.stats = stats_after(state, diff, present_before, after)
    entries = {k: (built.graphs[state.files[k].graph], parts[k]) for k in parts}
    statements = {t.subject.value for t in diff  # type: ignore[union-attr]  # no RDF-star triple terms in ours
                  if (t.predicate, t.object) == STATEMENT_TYPE}
    found = revalidate(store, folder, state, diff, statements, entries, gone)
    state.report = report_of(store, {f.graph for f in state.files.values()}, found)
    state.queries = requery(store, state, old.keys() | built.graphs.keys(), built.graphs.keys(),
                            {t.predicate.value for t in diff},
                            {t.predicate.value for t in diff
                             if t.subject.value not in statements})  # type: ignore[union-attr]  # as above
    for key, entry in entries.items():
        write_entry(folder, key, entry)
    for key in removed:
        entry_path(folder, key).unlink(missing_ok=True)
    state.texts = texts_read(state.files, state.texts, quotes)
    save_state(folder, state)
    return _outcome(settings, state)


def _outcome(settings: Settings, state: CheckState) -> Checked:
    files = state.files.values()
    quotes = QuoteCheck(sum(f.quotes.checked for f in files),
                        tuple(sorted({m for f in files for m in f.quotes.missing_texts})))
    inputs = Inputs(len(state.files), sum(f.records for f in files), quotes, settings.records_dir,
                    settings.sources_dir)
    return Checked(inputs, Verdict(state.report, state.queries), state.stats)
