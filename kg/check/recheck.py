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
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.base.config import PREFIXES, Settings, compact, resource_dir
from kg.check.validate import ValidationReport, Violation, load_shapes, report_of, store_violations, written_literals
from kg.check.verdict import Inputs, PipelineResult, Verdict, check_graph
from kg.load.identity import NameIndex, normalise_name, references, resolve_references
from kg.load.quotes import (
    QuoteCheck,
    SourceTextError,
    Stamp,
    TextState,
    check_quotes,
    file_stamp,
    same_stamp,
    source_text_path,
    texts_quoted,
)
from kg.load.records import load_file
from kg.model.build import (
    VOCAB_GRAPH,
    FileParts,
    Origin,
    Statements,
    build,
    build_files,
    concepts_by_scheme,
    graph_iri,
    nquad_lines,
)
from kg.model.stats import Stats
from kg.query.cache import cache_dir, read_state, write_state
from kg.query.sparql import (
    OxigraphEngine,
    QueryResult,
    list_queries,
    oxigraph_store,
    run_query_oxigraph,
    term_text,
    tidy_result,
)

STATE_FORMAT = 1
RDF = PREFIXES["rdf"]
_STATEMENT_TYPE = (ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Statement"))
_POINTERS = f"<{RDF}subject>, <{RDF}object>"  # the reification's: followed by no constraint


class _Fallback(Exception):
    """The change is one the shortcut cannot vouch for: check everything."""


@dataclass
class FileState:
    """What a check saw of one record file."""

    stamp: Stamp  # modification time (ns) and size, taken before the file was read, to skip hashing it
    digest: str  # of the content as it was before the check read it
    source_id: str
    graph: str
    texts: frozenset[str]
    records: int
    quotes: QuoteCheck
    names: NameIndex  # the ids and names it defines
    refs: frozenset[tuple[str, str]]  # the names it refers by
    triples: int


@dataclass
class CheckState:
    model: str  # the package, ontology, shapes and queries it was made with
    files: dict[str, FileState]  # by path, in name order
    texts: dict[str, TextState | None]  # source text name → stamp and digest as read (None: missing)
    report: ValidationReport
    queries: dict[str, QueryResult]
    reads: dict[str, frozenset[str] | None]  # the predicates each violation query names (None: any)
    stats: Stats


def check(settings: Settings, full: bool = False, progress: Callable[[Path], None] | None = None
          ) -> PipelineResult:
    """Check the records: only what changed since the last check, or everything when `full` (or when the
    shortcut cannot vouch for the change). Raises RecordError/QuoteError like `build`."""
    folder = _folder(settings)
    state = None if full else _load_state(folder)
    if state is not None and state.model == _model(settings):
        try:
            return _recheck(settings, folder, state, progress)
        except _Fallback:
            pass
    return _full(settings, folder, progress)


def _folder(settings: Settings) -> Path:
    where = f"{settings.records_dir.resolve()}\0{settings.sources_dir and settings.sources_dir.resolve()}"
    return cache_dir() / "check" / hashlib.sha256(f"{where}\0{settings.base_iri}".encode()).hexdigest()[:24]


def _model(settings: Settings) -> str:
    digest = hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{settings.base_iri}".encode())
    for kind in ("ontology", "shapes", "queries"):
        for path in sorted(resource_dir(kind).iterdir()):
            if path.is_file():
                digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def _load_state(folder: Path) -> CheckState | None:
    return read_state(folder / "state.pickle", CheckState)


def _stamp(path: Path) -> Stamp:
    try:
        return file_stamp(path.stat())
    except OSError as exc:  # removed or replaced since it was listed
        raise _Fallback from exc


class _Unreadable(Exception):
    """A record file that is gone, not a regular file, or unreadable: the loader says what is wrong with it."""


def _digest(path: Path) -> str:
    """The SHA-256 of a record file's bytes, read without blocking (a FIFO named *.yaml is not read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Unreadable from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Unreadable
        return hashlib.sha256(handle.read()).hexdigest()


def _read_digest(path: Path) -> str:
    try:
        return _digest(path)
    except _Unreadable as exc:  # the full check's loader says what is wrong with it
        raise _Fallback from exc


_UNSEEN: tuple[Stamp, str] = ((-1, -1), "")  # matches no file: the next check looks at it again


def _record_states(settings: Settings) -> dict[str, tuple[Stamp, str]]:
    """Each record file's stamp and digest, taken before the build reads it: an edit saved while the check
    runs then shows as a change to the next check (stamping after the build would vouch for the edit)."""
    if not settings.records_dir.is_dir():
        return {}
    states = {}
    for path in sorted(settings.records_dir.glob("*.yaml")):
        try:
            states[str(path)] = (_stamp(path), _digest(path))
        except (_Fallback, _Unreadable):
            continue  # the build reports it
    return states


def _text_moved(settings: Settings, name: str, known: TextState | None, fresh: dict[str, TextState]) -> bool:
    """Whether a source text differs from its state when last read (a refused name counts as moved: the
    quote check then says what is wrong with it). An unchanged text with a newer stamp goes into `fresh`, so
    that the next check need not hash it again."""
    try:
        path = source_text_path(settings.sources_dir, name)
    except SourceTextError:
        return True
    if path is None:
        return known is not None
    if known is None:
        return True
    try:
        stamp = file_stamp(path.stat())  # before reading it
        if same_stamp(known[0], stamp):
            return False
        digest = _digest(path)
    except (OSError, _Unreadable):
        return True
    if digest != known[1]:
        return True
    if stamp != known[0]:
        fresh[name] = (stamp, digest)
    return False


def _entry(folder: Path, key: str) -> Path:
    return folder / "graphs" / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def _read_entry(folder: Path, key: str) -> tuple[Statements, FileParts]:
    entry = read_state(_entry(folder, key), tuple)
    if entry is None:
        raise _Fallback
    return entry


_OPEN: dict[Path, Any] = {}  # a store stays open for the process: RocksDB lets one handle at a time open it


def _open_store(folder: Path) -> Any:
    path = folder / "store"
    if path not in _OPEN:
        try:
            _OPEN[path] = ox.Store(str(path))
        except (OSError, RuntimeError):  # another process holds it, or it is damaged (delete the cache folder)
            return None
    return _OPEN[path]


def _full(settings: Settings, folder: Path, progress: Callable[[Path], None] | None) -> PipelineResult:
    parts: dict[str, FileParts] = {}
    per_file: dict[str, QuoteCheck] = {}
    seen = _record_states(settings)
    kg = build(settings, progress=progress, parts=parts, per_file=per_file)
    store = _open_store(folder) if _writable(folder) else None
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
        write_state(_entry(folder, key), (kg.graphs[graph], parts[key]))
        stamp, digest = seen.get(key, _UNSEEN)
        files[key] = FileState(stamp, digest, rf.source.id, graph, texts_quoted(rf), len(rf.records),
                               per_file[key], NameIndex.of([rf]), parts[key].refs, len(kg.graphs[graph]))
    texts = _texts_read(files, {}, kg.quotes)
    # on a thread of its own: rdflib's parser keeps tracebacks, and so the frames of its caller, which here would
    # hold the store open after the check returns
    with ThreadPoolExecutor(1) as pool:
        reads = pool.submit(lambda: {spec.name: _predicates(spec.text) for spec in list_queries()
                                     if spec.is_violation_check}).result()
    _save(folder, CheckState(_model(settings), files, texts, result.report, result.violations, reads, result.stats))
    result.store = None
    return result


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def _save(folder: Path, state: CheckState) -> None:
    write_state(folder / "state.pickle", state)


def _texts_read(files: dict[str, FileState], known: dict[str, TextState | None], quotes: QuoteCheck
                ) -> dict[str, TextState | None]:
    """The state of each source text the files quote: as this check read it, else as the last check did (a
    text edited during this check without being read by it then shows as moved next time)."""
    seen = {**known, **getattr(quotes, "read", {})}
    return {name: seen.get(name, _UNSEEN) for name in sorted({t for f in files.values() for t in f.texts})}


def _changed(settings: Settings, state: CheckState) -> tuple[dict[str, Path], list[str], list[str],
                                                             dict[str, tuple[Stamp, str]], dict[str, TextState]]:
    """The record files now, those changed or new (by path, in name order), those removed, the stamps and
    digests of the files looked at (taken before anything reads them for the build), and the fresher states of
    unchanged source texts."""
    if not settings.records_dir.is_dir():
        raise _Fallback
    current = {str(p): p for p in sorted(settings.records_dir.glob("*.yaml"))}
    if not current:
        raise _Fallback
    changed, seen = [], {}
    for key, path in current.items():
        known = state.files.get(key)
        stamp = _stamp(path)
        if known is not None and same_stamp(known.stamp, stamp):
            continue
        seen[key] = (stamp, _read_digest(path))
        if known is None or known.digest != seen[key][1]:
            changed.append(key)
    fresh: dict[str, TextState] = {}
    moved = {name for name, known in state.texts.items() if _text_moved(settings, name, known, fresh)}
    if moved:
        quoting = [k for k, f in state.files.items() if k in current and f.texts & moved]
        for key in quoting:
            if key not in seen:
                seen[key] = (_stamp(current[key]), _read_digest(current[key]))
        changed = sorted({*changed, *quoting})
    removed = [key for key in state.files if key not in current]
    return current, changed, removed, seen, fresh


def _recheck(settings: Settings, folder: Path, state: CheckState, progress: Callable[[Path], None] | None
             ) -> PipelineResult:
    current, changed, removed, seen, fresh_texts = _changed(settings, state)
    for key, (stamp, _) in seen.items():
        if key in state.files and key not in changed:
            state.files[key].stamp = stamp
    state.texts.update(fresh_texts)
    if not changed and not removed:
        if seen or fresh_texts:
            _save(folder, state)
        return _outcome(settings, state)
    concepts = concepts_by_scheme()
    raw = []
    for key in changed:
        raw.append(load_file(current[key], concepts))
        if progress:
            progress(current[key])
    gone = set(changed) | set(removed)
    kept = {k: f for k, f in state.files.items() if k not in gone}
    ids = [f.source_id for f in kept.values()] + [rf.source.id for rf in raw]
    if len(ids) != len(set(ids)):
        raise _Fallback  # the full check says which files share a source id
    fresh = {str(rf.path): NameIndex.of([rf]) for rf in raw}
    before = {key for k in gone if k in state.files for key in state.files[k].names.keys()}
    touched = before ^ {key for index in fresh.values() for key in index.keys()}
    lookups = {(kind, section, name.split("\0")[0]) for kind, section, name in touched}
    for other in kept.values():
        if any(("id", section, text) in lookups or ("name", section, normalise_name(text)) in lookups
               for section, text in other.refs):
            raise _Fallback  # another file refers by a name this change defines, drops or makes ambiguous
    index = NameIndex.merge(fresh[k] if k in fresh else state.files[k].names for k in current)
    files = resolve_references(raw, index)
    per_file: dict[str, QuoteCheck] = {}
    quotes = check_quotes(files, settings.sources_dir, per_file)
    parts = {str(rf.path): FileParts(refs=references(rf)) for rf in raw}
    built = build_files(files, quotes, settings, model=False, parts=parts)
    store = _open_store(folder)
    if store is None:
        raise _Fallback
    (folder / "state.pickle").unlink(missing_ok=True)  # until the store and the state agree again
    old = {state.files[k].graph: _read_entry(folder, k)[0] for k in gone if k in state.files}
    graphs_before = {f.graph for f in state.files.values()} | {VOCAB_GRAPH}
    for rf in files:
        key, graph = str(rf.path), graph_iri(settings, rf.source.id)
        stamp, digest = seen.get(key, _UNSEEN)
        state.files[key] = FileState(stamp, digest, rf.source.id, graph, texts_quoted(rf), len(rf.records),
                                     per_file[key], fresh[key], parts[key].refs, len(built.graphs[graph]))
    for key in removed:
        del state.files[key]
    state.files = dict(sorted(state.files.items()))
    graphs_after = {f.graph for f in state.files.values()} | {VOCAB_GRAPH}
    diff = _parse({s for g in old.keys() | built.graphs.keys()
                   for s in old.get(g, {}).keys() ^ built.graphs.get(g, {}).keys()})
    before = [_in(store, t, graphs_before) for t in diff]
    for graph in old:
        store.clear_graph(ox.NamedNode(graph))
        store.remove_graph(ox.NamedNode(graph))
    store.load("".join(nquad_lines(built.graphs.items())).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    after = [_in(store, t, graphs_after) for t in diff]
    state.stats = _stats(state, diff, before, after)
    entries = {k: (built.graphs[state.files[k].graph], parts[k]) for k in parts}
    statements = {t.subject.value for t in diff if (t.predicate, t.object) == _STATEMENT_TYPE}
    found = _revalidate(store, folder, state, diff, statements, entries, gone)
    state.report = report_of(store, {f.graph for f in state.files.values()}, found)
    state.queries = _requery(store, state, old.keys() | built.graphs.keys(), built.graphs.keys(),
                             {t.predicate.value for t in diff},
                             {t.predicate.value for t in diff if t.subject.value not in statements})
    for key, entry in entries.items():
        write_state(_entry(folder, key), entry)
    for key in removed:
        _entry(folder, key).unlink(missing_ok=True)
    state.texts = _texts_read(state.files, state.texts, quotes)
    _save(folder, state)
    return _outcome(settings, state)


def _parse(statements: Iterable[str]) -> list[ox.Triple]:
    text = "".join(f"{s} .\n" for s in sorted(statements))
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def _in(store: Any, triple: ox.Triple, graphs: set[str]) -> bool:
    """Whether a triple is in the published union (the given graphs)."""
    return any(isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs
               for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def _stats(state: CheckState, diff: list[ox.Triple], before: list[bool], after: list[bool]) -> Stats:
    triples, classes = state.stats.triples, dict(state.stats.classes)
    for triple, was, now in zip(diff, before, after, strict=True):
        if was == now:
            continue
        step = 1 if now else -1
        triples += step
        if triple.predicate == _STATEMENT_TYPE[0]:
            name = compact(triple.object.value)
            classes[name] = classes.get(name, 0) + step
            if not classes[name]:
                del classes[name]
    graphs = {f.graph: f.triples for f in state.files.values()}
    graphs[VOCAB_GRAPH] = state.stats.graphs[VOCAB_GRAPH]
    return Stats(triples, graphs, dict(sorted(classes.items())))


class _Files:
    """The per-file build parts, read from the state folder as needed, and the files that mention a node."""

    def __init__(self, store: Any, folder: Path, state: CheckState, fresh: dict[str, tuple[Statements, FileParts]]
                 ) -> None:
        self.store, self.folder, self.fresh = store, folder, fresh
        self.order = list(state.files)
        self.by_graph = {f.graph: k for k, f in state.files.items()}
        self.loaded: dict[str, FileParts] = {}

    def parts(self, key: str) -> FileParts:
        if key in self.fresh:
            return self.fresh[key][1]
        if key not in self.loaded:
            self.loaded[key] = _read_entry(self.folder, key)[1]
        return self.loaded[key]

    def mentioning(self, node: str, literal_only: bool = False) -> list[str]:
        """The files whose graphs mention a node (as subject, or as object too), in file order."""
        if literal_only:
            query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{node}> ?p ?o FILTER (isLiteral(?o)) }} }}"
        else:
            query = (f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ <{node}> ?p ?o }} }} "
                     f"UNION {{ GRAPH ?g {{ ?s ?p <{node}> }} }} }}")
        keys = {self.by_graph.get(row["g"].value) for row in self.store.query(query)}
        return [k for k in self.order if k in keys]

    def origin(self, node: object, path: object | None = None) -> Origin | None:
        """As KnowledgeGraph.origin: the first file (in name order) that wrote this property, else the node."""
        keys = self.mentioning(str(node))
        for wanted in ((str(node), None if path is None else str(path)), (str(node), None)):
            for key in keys:
                found = self.parts(key).origins.get(wanted)
                if found is not None:
                    return found
        return None

    def literals(self, focus: str, path: str) -> Iterable[str]:
        for key in self.mentioning(focus, literal_only=True):
            yield from self.parts(key).literals.get((focus, path), ())


def _revalidate(store: Any, folder: Path, state: CheckState, diff: list[ox.Triple], statements: set[str],
                fresh: dict[str, tuple[Statements, FileParts]], gone: set[str]) -> list[Violation]:
    """The cached violations, with those of the nodes the change reaches found again (`statements`: the
    reification nodes among the changed triples' subjects, which no shape targets)."""
    from kg.check.engine import compile_shapes, looks_beyond_focus

    subjects = {t.subject.value for t in diff if isinstance(t.subject, ox.NamedNode)} - statements
    own = subjects | {t.object.value for t in diff if isinstance(t.object, ox.NamedNode)} - statements
    reach = set(own)
    if subjects:
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?s {{ {values} }} ?x ?p ?s "
                 f"FILTER (isIRI(?x) && ?p NOT IN ({_POINTERS})) }}")
        reach.update(row["x"].value for row in store.query(query, use_default_graph_as_union=True))
    reach -= statements
    own_nodes, reach_nodes = sorted(own), sorted(reach)
    files = _Files(store, folder, state, fresh)
    found = store_violations(
        store, compile_shapes(load_shapes()), written_literals(files.literals), files, union=True,
        nodes_for=lambda check: reach_nodes if looks_beyond_focus(check.component) else own_nodes)
    for violation in (*state.report.violations, *state.report.conflicts):
        if str(violation.focus) in (reach if looks_beyond_focus(violation.component) else own):
            continue
        if violation.origin is not None and violation.origin.file in gone:
            violation = replace(violation, origin=files.origin(violation.focus, violation.path))
        found.append(violation)
    return found


def _predicates(text: str) -> frozenset[str] | None:
    """The predicates a query's patterns name, or None when a pattern has a variable predicate (any triple
    may change its answer)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import URIRef

    found: set[str] = set()
    nodes: list[object] = [prepareQuery(text).algebra]
    paths: list[object] = []
    while nodes:
        node = nodes.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "triples":
                    paths.extend(triple[1] for triple in value)
                else:
                    nodes.append(value)
        elif isinstance(node, list | tuple):
            nodes.extend(node)
    while paths:
        path = paths.pop()
        if isinstance(path, URIRef):
            found.add(str(path))
        elif isinstance(path, AlternativePath | SequencePath | NegatedPath):
            paths.extend(path.args)
        elif isinstance(path, InvPath):
            paths.append(path.arg)
        elif isinstance(path, MulPath):
            paths.append(path.path)
        else:  # a variable
            return None
    return frozenset(found)


def _in_graph(text: str, graph: str) -> str:
    """A per-graph query for one named graph: ?graph replaced by its IRI in the WHERE clause, and bound."""
    head, sep, tail = text.partition("WHERE {")
    end = tail.rindex("}")
    return f"{head}{sep}{tail[:end].replace('?graph', f'<{graph}>')}  BIND (<{graph}> AS ?graph)\n{tail[end:]}"


_REIFICATION = frozenset(PREFIXES["rdf"] + n for n in ("Statement", "subject", "predicate", "object")) | {
    PREFIXES["prov"] + "wasDerivedFrom"}


def _requery(store: Any, state: CheckState, changed: set[str], present: Iterable[str], predicates: set[str],
             of_facts: set[str]) -> dict[str, QueryResult]:
    """The violation queries' rows: a per-graph query (with a graph column) again for the changed graphs only;
    another again when the change touches a predicate it names (or it names a variable one). The triples of
    the reification statements count only for a query that names the reification vocabulary (`of_facts` are
    the predicates of the other triples): every edit changes statements, and a query about labels and classes
    should not run again for them."""
    out = {}
    for spec in list_queries():
        if not spec.is_violation_check:
            continue
        cached, reads = state.queries.get(spec.name), state.reads.get(spec.name)
        if cached is not None and "graph" in cached.columns:
            at = cached.columns.index("graph")
            rows = [row for row in cached.rows if row[at] not in changed]
            for graph in sorted(present):
                columns, answer = OxigraphEngine(store).select(_in_graph(spec.text, graph), {})
                rows += tidy_result(spec, columns, [tuple(term_text(term) for term in row) for row in answer]).rows
            out[spec.name] = QueryResult(cached.columns, tuple(sorted(rows, key=lambda row: row[at])))
        elif cached is not None and reads is not None and not reads & (predicates if reads & _REIFICATION
                                                                       else of_facts):
            out[spec.name] = cached
        else:
            out[spec.name] = run_query_oxigraph(store, spec.name)
    return out


def _outcome(settings: Settings, state: CheckState) -> PipelineResult:
    files = state.files.values()
    quotes = QuoteCheck(sum(f.quotes.checked for f in files),
                        tuple(sorted({m for f in files for m in f.quotes.missing_texts})))
    inputs = Inputs(len(state.files), sum(f.records for f in files), quotes, settings.records_dir,
                    settings.sources_dir)
    return PipelineResult(inputs, Verdict(state.report, state.queries), state.stats)
