"""Serialise the built graph deterministically and write files atomically.

Every format is made from the built N-Triples statements, sorted, by pyoxigraph's writers (Turtle, TriG,
RDF/XML) or kg.publish.jsonld (JSON-LD, one node object per line, keys and values in a canonical order), so the same
input gives byte-identical files (the graph has no blank nodes). Files are written to a temporary name and
renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import OWL, RDF, RDFS, Graph

from kg.base.config import ONTOLOGY_NS, PREFIXES, TITLE
from kg.base.errors import OutputError, display_path
from kg.model.build import KnowledgeGraph, load_model, nquad_lines

FORMATS: dict[str, tuple[str, str]] = {  # name: (file suffix, media type)
    "turtle": ("ttl", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
    "json-ld": ("jsonld", "application/ld+json"),
    "rdf-xml": ("rdf", "application/rdf+xml"),
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: Path, durable: bool = False) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces `path` only when the block completes; `durable` flushes it to
    the disk before the rename (a cache entry must never be a torn file after a crash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a web server must be able to read the file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    with atomic_writer(path, durable) as handle:
        handle.write(data)


def write_lines(path: Path, lines: Iterable[str], size: int = 50_000) -> None:
    """Write text lines atomically, a block at a time, so that a large file is never held in memory."""
    with atomic_writer(path) as handle:
        block: list[str] = []
        for line in lines:
            block.append(line)
            if len(block) >= size:
                handle.write("".join(block).encode("utf-8"))
                block.clear()
        handle.write("".join(block).encode("utf-8"))


# ------------------------------------------------------------------------------------------ owned outputs

STAMP = ".pikg-output"  # written first into every folder a command fills: "pikg release" or "pikg site"


def _stamp_text(kind: str) -> bytes:
    return f"pikg {kind}\n".encode()


RELEASE_FILES = frozenset({"README.md", "context.jsonld", "dataset.jsonld", "dataset.ttl", "ontology.ttl",
                           "vocabularies.ttl", "shapes.ttl", "pikg.ttl", "pikg.nt", "pikg.rdf", "pikg.jsonld",
                           "pikg.trig", "pikg.nq", "interventions"})


def _legacy(folder: Path, kind: str) -> bool:
    """A release written before folders were stamped: its dataset description names our dataset and it holds
    nothing but release files (a folder that also holds anything else, such as a .git, is someone's)."""
    if kind != "release":
        return False
    try:
        names = {p.name for p in folder.iterdir()}
        framed = folder / "interventions"
        if not names <= RELEASE_FILES or (framed.exists() and (framed.is_symlink() or not framed.is_dir() or any(
                not p.name.endswith(".jsonld") or not p.is_file() or p.is_symlink() for p in framed.iterdir()))):
            return False
        description = folder / "dataset.ttl"
        mark = f'"{TITLE}"@en'.encode()
        return description.is_file() and not description.is_symlink() and mark in description.read_bytes()
    except OSError:
        return False


def _stamped(folder: Path, kind: str) -> bool:
    stamp = folder / STAMP
    try:
        return stamp.is_file() and not stamp.is_symlink() and stamp.read_bytes() == _stamp_text(kind)
    except OSError:
        return False


def is_our_folder(folder: Path, kind: str) -> bool:
    """Whether `folder` may be replaced by a command that writes a `kind` folder: it is empty, or an earlier
    output of the same kind (stamped, or an unstamped release recognised by its dataset description)."""
    if not folder.is_dir():
        return False
    try:
        if not any(folder.iterdir()):
            return True
    except OSError:
        return False
    return _stamped(folder, kind) or _legacy(folder, kind)


def check_output_folder(out_dir: Path, kind: str) -> Path:
    """The absolute folder to write, or OutputError when it may not be replaced: it is a file, or a folder that is
    neither empty nor an earlier `kind` of ours, or one whose files cannot all be removed."""
    target = Path(os.path.abspath(out_dir))
    if target.is_symlink():
        raise OutputError(f"{display_path(out_dir)} is a symbolic link; give the folder itself")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{display_path(out_dir)} is not a folder; choose an empty or new folder")
    if target.is_dir():
        if not is_our_folder(target, kind):
            raise OutputError(f"{display_path(out_dir)} is not a pikg {kind}; choose an empty or new folder")
        for folder in (target, *(p for p in target.rglob("*") if p.is_dir() and not p.is_symlink())):
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"{display_path(out_dir)} cannot be replaced: {display_path(folder)} is not "
                                  "writable, so its files could not be removed")
    parent = next(p for p in target.parents if p.exists())
    if not parent.is_dir():
        raise OutputError(f"{display_path(parent)} is not a folder; choose another place for {out_dir}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(parent)} is not writable; choose another place for {out_dir}")
    return target


@contextlib.contextmanager
def _folder_lock(parent: Path) -> Iterator[None]:
    """Serialise the commands that replace folders in one parent (a second build of the same folder waits for
    the first instead of failing on its temporary names); the kernel drops the lock if the process dies."""
    import fcntl

    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_tree(folder: Path) -> None:
    """Remove a folder of ours with its stamp last, so that a removal cut short leaves a folder the next run
    still recognises as ours."""
    for entry in folder.iterdir():
        if entry.name == STAMP:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    (folder / STAMP).unlink(missing_ok=True)
    folder.rmdir()


def _remove_stale(target: Path, kind: str) -> None:
    """Temporary siblings left by a killed run of ours (`.NAME.new-*`, `.NAME.old-*` that carry our stamp: a new
    folder is stamped before anything else is written, an old one loses its stamp last); only called under the
    folder lock, so none of them belongs to a running command."""
    for sibling in target.parent.glob(f".{target.name}.*-*"):
        if sibling.name.split("-", 1)[0] in (f".{target.name}.new", f".{target.name}.old") \
                and sibling.is_dir() and not sibling.is_symlink() and _stamped(sibling, kind):
            try:
                _remove_tree(sibling)
            except OSError:
                pass


def replace_folder(out_dir: Path, fill: Callable[[Path], object], kind: str = "release") -> dict[str, Path]:
    """Fill a temporary sibling of out_dir, then rename it into place: readers see the old folder or the
    complete new one, never a half-written mix; on failure the old folder is left as it was. Only an absent or
    empty folder, or an earlier output of the same `kind`, is replaced (OutputError otherwise, nothing touched)."""
    target = check_output_folder(out_dir, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target.parent):
        target = check_output_folder(out_dir, kind)  # again: another command may have written it meanwhile
        _remove_stale(target, kind)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        try:
            (tmp / STAMP).write_bytes(_stamp_text(kind))
            fill(tmp)
            for folder in (tmp, *(p for p in tmp.rglob("*") if p.is_dir())):
                os.chmod(folder, 0o777 & ~_umask())  # mkdtemp makes 0700
            os.chmod(tmp / STAMP, 0o666 & ~_umask())
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                old.rmdir()
                target.rename(old)
                tmp.rename(target)
                if not _stamped(old, kind):  # an empty folder or an unstamped release: stamp it, then remove it
                    (old / STAMP).write_bytes(_stamp_text(kind))
                try:
                    _remove_tree(old)  # writable (checked above); what is left goes on the next run
                except OSError:
                    pass
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return {p.relative_to(target).as_posix(): p for p in sorted(target.rglob("*"))
            if p.is_file() and p.name != STAMP}


def check_output_file(path: Path, ours: Callable[[bytes], bool] | None = None, force: bool = False) -> None:
    """Refuse to overwrite a file the command did not write: an existing non-empty file is replaced only when
    `ours` recognises its content, or with --force; never a folder, a link or a special file."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OutputError(f"{display_path(path)} is not a regular file; choose a new file name")
    if not path.is_file() or force or path.stat().st_size == 0:
        return
    if ours is not None:
        try:
            with path.open("rb") as handle:
                if ours(handle.read(1 << 20)):
                    return
        except OSError:
            pass
    raise OutputError(f"{display_path(path)} exists and was not written by this command; choose a new file or "
                      "pass --force to overwrite it")


def jsonld_context(ontology: Graph | None = None) -> dict[str, Any]:
    """The JSON-LD context, derived from the ontology so that the two cannot drift: one term per class and
    property of ours, object properties typed @id, datatype properties typed by their range."""
    if ontology is None:
        return copy.deepcopy(_packaged_context())
    return _context(ontology)


@functools.cache
def _packaged_context() -> dict[str, Any]:
    return _context(load_model()[0])


def _context(ontology: Graph) -> dict[str, Any]:
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    terms: dict[str, Any] = {}
    for term in sorted(set(ontology.subjects(RDFS.isDefinedBy, None)), key=str):
        iri = str(term)
        if not iri.startswith(ONTOLOGY_NS):
            continue
        local = iri[len(ONTOLOGY_NS):]
        kinds = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in kinds:
            terms[local] = {"@id": f"pikg:{local}", "@type": "@id"}
        elif OWL.DatatypeProperty in kinds:
            rng = ontology.value(term, RDFS.range)
            if rng is not None and str(rng).startswith(PREFIXES["xsd"]):
                terms[local] = {"@id": f"pikg:{local}", "@type": f"xsd:{str(rng)[len(PREFIXES['xsd']):]}"}
            else:
                terms[local] = {"@id": f"pikg:{local}"}
        else:
            terms[local] = f"pikg:{local}"
    context.update(sorted(terms.items()))
    return {"@context": context}


def canonical_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: canonical_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def new_graph() -> Graph:
    """A graph bound to exactly our prefixes (rdflib's defaults bind schema: to https://schema.org/)."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def export_graph(kg: KnowledgeGraph) -> Graph:
    """The published data (the union of the sources' graphs and the vocabularies) as an rdflib Graph."""
    return new_graph().parse(data=ntriples(kg.union()).decode("utf-8"), format="nt")


def ntriples(statements: Iterable[str]) -> bytes:
    return "".join(f"{s} .\n" for s in statements).encode("utf-8")


_SUBJECT_START = re.compile(rb"\n(?=[^\t])")


def _turtle_body(statements: list[str] | bytes, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """Turtle statements (or N-Triples bytes) without prefix lines, a blank line between subjects (pyoxigraph's
    writer: fast, and the same bytes for the same sorted triples; literals never span lines, so a subject starts
    at column 0)."""
    import pyoxigraph as ox

    nt = statements if isinstance(statements, bytes) else ntriples(statements)
    text = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes)
    del nt
    start, end = 0, len(text)
    while text.startswith(b"@prefix", start):
        start = text.index(b"\n", start) + 1
    while end > start and text[end - 1] == 10:
        end -= 1
    return _SUBJECT_START.sub(b"\n\n", memoryview(text)[start:end])


def _prefix_lines(prefixes: dict[str, str] = PREFIXES) -> str:
    """Prefix lines of our own, sorted: pyoxigraph's writer does not keep the order it is given."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))


def small_turtle(statements: list[str], prefixes: dict[str, str]) -> bytes:
    """Turtle of a few sorted statements with the given prefixes (the dataset description)."""
    return f"{_prefix_lines(prefixes)}\n".encode() + _turtle_body(statements, prefixes) + b"\n"


@dataclass(frozen=True)
class Published:
    """What every export is made from: the sorted statements of the union of the published graphs, and of each
    published graph by IRI. It can be read back from the N-Triples and N-Quads files it writes first, which is
    how a second process makes the other formats while the first validates."""

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


def _trig(data: Published) -> bytes:
    """TriG with one block per named graph, in IRI order."""
    parts = [_prefix_lines().encode()]
    for name, statements in data.graphs.items():
        parts += [f"\n<{name}> {{\n".encode(), _turtle_body(statements), b"\n}\n"]
    return b"".join(parts)


def _turtle(data: Published) -> bytes:
    buffer = io.BytesIO()
    write_turtle(buffer, data.union, data.base_iri)
    return buffer.getvalue()


def write_turtle(handle: BinaryIO, source: Path | list[str], base_iri: str) -> None:
    """Turtle a person can read, from sorted statements or the sorted N-Triples file: the facts first, then their
    provenance (passages and reified statements). Sorted, the lines of each provenance kind are one run, cut out
    whole; each part is written as it is made, so that a large graph is not held twice."""
    nt = source.read_bytes() if isinstance(source, Path) else ntriples(source)
    runs = []
    for kind in ("passage/", "statement/"):
        prefix = f"<{base_iri}{kind}".encode()
        first = 0 if nt.startswith(prefix) else nt.find(b"\n" + prefix) + 1
        if first or nt.startswith(prefix):
            last = nt.rfind(b"\n" + prefix) + 1 or first
            runs.append((first, nt.index(b"\n", last) + 1))
    cuts = [0, *(i for run in sorted(runs) for i in run), len(nt)]
    facts = b"".join(nt[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True))
    provenance = b"".join(nt[a:b] for a, b in sorted(runs))
    del nt
    handle.write(f"{_prefix_lines()}\n# Facts\n\n".encode())
    handle.write(_turtle_body(facts))
    del facts
    handle.write(b"\n\n# Provenance: the quoted passages, and every fact above as an rdf:Statement derived from "
                 b"one of them\n\n")
    handle.write(_turtle_body(provenance))
    handle.write(b"\n")


def serialize(kg: KnowledgeGraph | Published, fmt: str) -> bytes:
    """One export of the published graphs, from a built graph or from what was already gathered of it."""
    import pyoxigraph as ox

    data = kg if isinstance(kg, Published) else Published.of(kg)
    if fmt == "nquads":
        return "".join(nquad_lines(data.graphs.items())).encode("utf-8")
    if fmt == "trig":
        return _trig(data)
    if fmt == "turtle":
        return _turtle(data)
    if fmt == "nt":
        return ntriples(data.union)
    if fmt == "rdf-xml":
        return ox.serialize(ox.parse(ntriples(data.union), format=ox.RdfFormat.N_TRIPLES),
                            format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
    if fmt == "json-ld":
        from kg.publish.jsonld import document

        return "".join(document(jsonld_context()["@context"], data.union)).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")
