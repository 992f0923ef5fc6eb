"""Read someone else's RDF file safely and strictly into an Oxigraph store, for `kg validate --data`.

Nothing beyond the given file is read: no URL, no remote JSON-LD context or `@import` (refused here with the
line, and pyoxigraph's JSON-LD parser has no document loader anyway), no `owl:imports`, no XML entity or
DOCTYPE. Only a regular file is opened (a FIFO or a device would block or never end); files over a size limit
are refused, and so is a file that grows past it while being read.

The file is streamed: pyoxigraph parses it (stricter than rdflib, and it reports the line) and each triple goes
into an in-memory `pyoxigraph.Store`, the engine the build validates on; no rdflib graph of the data is built, so
a million triples take seconds and well under the build's memory. While streaming, every literal is checked:
no control character, at most MAX_LITERAL_CHARS characters; and its lexical form against its XSD datatype
(kg.base.lexical: ASCII digits, real calendar dates, durations without weeks), which does not refuse the file:
an ill-typed literal ("abc"^^xsd:integer, "yes"^^xsd:boolean, "2017-02-30"^^xsd:date) is a well-formed RDF term,
loaded as it is; on a property that a shape gives an sh:datatype it is recorded (DataGraph.ill_typed) and that
constraint reports it, as SHACL says and other engines do. Wherever else it is (a property no shape constrains,
a node no shape targets) it is kept with its line (DataGraph.ill_typed_at), and kg.check.validate reports it as a
violation of its own: a value outside its datatype's lexical space is wrong data whichever shape looks at it.

The contract: a problem with the file itself (not RDF, not UTF-8, too large, a control character, a literal too
long, JSON nested too deep, something that would be fetched) is one InputError naming the file and, where it can
be found, the line, and the command exits 2 — the same as a syntax error. What the shapes find in the data, and
any ill-typed literal in it, is a violation (exit 1), reported by kg.check.validate.validate_file with the file
and, where it can be found, the line.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.base.config import LANG_STRING, XSD_STRING
from kg.base.errors import InputError, display_path
from kg.base.lexical import CONTROL_RE, character_name, check_lexical, control_character

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# A literal longer than this is refused: our own longest literal (a quoted passage) is a few kilobytes, and a
# value of megabytes would be copied into every message and violation that names it and matched by every
# sh:pattern. A fixed bound, not a share of --max-bytes: that one bounds the work for the whole file, this one
# what a single value may cost; 1 MiB is a 500-page book.
MAX_LITERAL_CHARS = 1024 * 1024
MAX_JSON_DEPTH = 512  # JSON-LD nesting deeper than this is refused before any parser recurses into it
LINES_SOUGHT = 100  # the ill-typed literals whose line is looked up (each a search of the file); the rest say none
SUFFIXES = {
    ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "rdf-xml", ".xml": "rdf-xml", ".owl": "rdf-xml",
}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD, "rdf-xml": ox.RdfFormat.RDF_XML}
CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# a JSON string (escapes included; DOTALL so that a backslash before a line break cannot leave a string open
# and make the scan quadratic) or a structural character; numbers, true, false, null do not matter here
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]', re.DOTALL)


def max_input_bytes() -> int:
    """The input size limit: $KG_MAX_INPUT_BYTES (a positive number of bytes) or DEFAULT_MAX_BYTES."""
    value = os.environ.get("KG_MAX_INPUT_BYTES", "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
        raise InputError(f"KG_MAX_INPUT_BYTES must be a positive whole number of bytes, such as 104857600 "
                         f"(100 MiB); got {value[:40]!r}")
    return int(value)


@dataclass(frozen=True)
class IllTyped:
    """An ill-typed literal where the file has it: its subject (a pyoxigraph term), property, lexical form,
    datatype, why kg.base.lexical refuses it, and its line when it could be found."""

    subject: Any
    predicate: str
    lexical: str
    datatype: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class DataGraph:
    """The triples read from one file, in the default graph of `store` (named graphs merged; the store may hold
    named graphs beside it, such as our ontology).

    `written` keeps, for the properties asked for, the typed literals other than strings exactly as the file
    wrote them, by (subject, property): Oxigraph's store keeps "01"^^xsd:positiveInteger as "1"^^xsd:integer,
    and the shapes' datatype checks must see what was written (see kg.check.engine.Check). `ill_typed` holds
    those of them (lexical form, datatype) whose lexical form kg.base.lexical refuses: an sh:datatype reports
    them."""

    store: Any
    path: Path
    fmt: str
    triples: int
    written: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    ill_typed: frozenset[tuple[str, str]] = frozenset()
    ill_typed_at: tuple[IllTyped, ...] = ()

    def __len__(self) -> int:
        return self.triples


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{display_path(path)}: cannot tell the RDF format from the name; use a suffix "
                         f"({', '.join(SUFFIXES)}) or --format")
    return SUFFIXES[path.suffix.lower()]


def _line_in_file(path: Path, needles: list[str]) -> int | None:
    """The line of the first occurrence of the first needle found in the file, reading it in chunks (only on
    the way to an error message, so that the happy path never holds the file's text)."""
    for needle in needles:
        raw = needle.encode("utf-8")
        if not raw:
            continue
        lines, tail = 1, b""
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                data = tail + chunk
                index = data.find(raw)
                if index >= 0:
                    return lines + data.count(b"\n", 0, index)
                keep = min(len(raw) - 1, len(data))
                lines += data.count(b"\n", 0, len(data) - keep)
                tail = data[len(data) - keep:] if keep else b""
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{display_path(path)}:{line}" if line else display_path(path)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _check_json_ld(path: Path, text: str) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH, remote contexts and @import, scanning the text iteratively
    (json.loads and any recursive walk of a 100,000-deep document end in RecursionError)."""
    stack: list[str] = []  # per open container: "{", "[", or "@context" for the array value of "@context"
    key: str | None = None  # the last key read in the current object
    after_colon = False
    for token in _JSON_TOKEN.finditer(text):
        char = token.group()[0]
        if char in "{[":
            stack.append("@context" if char == "[" and after_colon and key == "@context" else char)
            if len(stack) > MAX_JSON_DEPTH:
                raise InputError(f"{display_path(path)}:{_line_of(text, token.start())}: JSON nested more than "
                                 f"{MAX_JSON_DEPTH} levels deep is refused")
            key, after_colon = None, False
        elif char in "}]":
            if stack:
                stack.pop()
            after_colon = False
        elif char == ":":
            after_colon = True
        elif char == ",":
            after_colon = False
        else:  # a string: a key, a value, or an item of an array
            raw = token.group()
            value = raw[1:-1] if "\\" not in raw else json.loads(raw)
            if (after_colon and key == "@context") or (not after_colon and stack and stack[-1] == "@context"):
                raise InputError(
                    f"{display_path(path)}:{_line_of(text, token.start())}: the remote JSON-LD context {value!r} "
                    "is not fetched; put the context inline (the release's context.jsonld holds ours)")
            if after_colon and key == "@import":
                raise InputError(f"{display_path(path)}: JSON-LD @import {value!r} is not fetched; put the context "
                                 "inline")
            if after_colon:
                after_colon = False
            elif stack and stack[-1] == "{":
                key = value


def _check_bytes(path: Path, fmt: str, limit: int) -> None:
    """Read the file once in chunks: UTF-8 throughout, no DOCTYPE or entity in RDF/XML, and no more bytes than
    the limit (the size said by stat may be wrong, or the file may grow)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    total, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise InputError(f"{display_path(path)}: over the input limit of {limit:,} bytes "
                                 "(raise it with --max-bytes or KG_MAX_INPUT_BYTES)")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                _not_utf8(path)
            if fmt == "rdf-xml" and _DOCTYPE.search(tail + chunk):
                raise InputError(f"{_where(path, _line_in_file(path, ['<!']))}: RDF/XML with a DOCTYPE or entity "
                                 "declarations is refused (entities can read files or expand without bound)")
            tail = chunk[-16:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _not_utf8(path)


def _not_utf8(path: Path) -> None:
    data = path.read_bytes()  # within the limit: checked before
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{display_path(path)}:{line}: not UTF-8 text ({exc.reason})") from None
    raise InputError(f"{display_path(path)}: not UTF-8 text")


def _literal_problem(path: Path, subject: Any, value: str) -> None:
    """Raise the InputError for a literal that breaks a rule (a cold path: the hot loop only detects)."""
    if len(value) > MAX_LITERAL_CHARS:
        line = _line_in_file(path, [value[:200]])
        raise InputError(f"{_where(path, line)}: a literal of {len(value):,} characters is over the limit of "
                         f"{MAX_LITERAL_CHARS:,} characters")
    index = control_character(value)
    if index is not None:
        name = character_name(value[index])
        escapes = [f"\\u{ord(value[index]):04X}", f"\\u{ord(value[index]):04x}", f"&#x{ord(value[index]):X};",
                   f"&#{ord(value[index])};"]
        before = value[max(0, index - 40):index]
        needles = [value] if len(value) <= 4096 else []
        needles += ([before] if len(before) >= 8 else []) + escapes + [subject.value]
        raise InputError(f"{_where(path, _line_in_file(path, needles))}: control character {name} at character "
                         f"{index + 1} of the literal {_preview(value)}; only tab, line feed and carriage return "
                         "are allowed")


def _preview(value: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return repr(shown)


def _quads(parser: Any, path: Path, keep: frozenset[str], written: dict[tuple[str, str], list[tuple[str, str]]],
           ill_typed: set[tuple[str, str]], ill_typed_at: list[IllTyped], named_graphs: bool) -> Iterator[Any]:
    """The parsed triples as quads of the default graph, each literal checked on the way (the hot loop: detect
    here, explain in _literal_problem; a term is read from a quad only when needed, as each read makes an
    object); an ill-typed literal is added to `ill_typed_at` (and, of a property in `keep`, to `ill_typed`), and
    loaded as any other. Subjects need no check: RDF 1.2 allows triple terms only as objects."""
    literal, named, blank, quad_of, default = ox.Literal, ox.NamedNode, ox.BlankNode, ox.Quad, ox.DefaultGraph
    control, limit, check = CONTROL_RE.search, MAX_LITERAL_CHARS, check_lexical
    for quad in parser:
        obj = quad.object
        kind = type(obj)
        if kind is literal:
            value = obj.value
            datatype = obj.datatype.value
            if len(value) > limit or control(value):
                _literal_problem(path, quad.subject, value)
            if datatype != XSD_STRING and datatype != LANG_STRING:
                predicate = quad.predicate.value
                kept = predicate in keep
                if kept:
                    written.setdefault((quad.subject.value, predicate), []).append((value, datatype))
                if reason := check(datatype, value):
                    ill_typed_at.append(IllTyped(quad.subject, predicate, value, datatype, reason))
                    if kept:
                        ill_typed.add((value, datatype))
        elif kind is not named and kind is not blank:
            _triple_term(path)
        if named_graphs and type(quad.graph_name) is not default:
            # Quad(s, p, o) is in the default graph; DefaultGraph() as a fourth argument costs four times more
            yield quad_of(quad.subject, quad.predicate, obj)
        else:
            yield quad


def _triple_term(path: Path) -> None:
    raise InputError(f"{_where(path, _line_in_file(path, ['<<']))}: RDF-star triple terms are not supported")


def load_data(path: Path, fmt: str | None = None, max_bytes: int | None = None,
              keep: frozenset[str] = frozenset()) -> DataGraph:
    """Read one local RDF file into the default graph of a new in-memory Oxigraph store, named graphs merged, or
    raise InputError saying why not. `keep` names the properties whose typed literals are kept as written
    (DataGraph.written)."""
    fmt = _format_of(path, fmt)
    if not path.is_file():
        if path.is_dir():
            raise InputError(f"{display_path(path)}: is a folder; give an RDF file")
        if path.exists():
            raise InputError(f"{display_path(path)}: not a regular file (a FIFO, socket or device is never read)")
        raise InputError(f"{display_path(path)}: not a local file (only local files are read, never URLs)")
    limit = max_input_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{display_path(path)}: {size:,} bytes is over the input limit of {limit:,} bytes "
                         "(raise it with --max-bytes or KG_MAX_INPUT_BYTES)")
    if fmt == "json-ld":
        data = path.read_bytes()
        if len(data) > limit:
            raise InputError(f"{display_path(path)}: over the input limit of {limit:,} bytes "
                             "(raise it with --max-bytes or KG_MAX_INPUT_BYTES)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(f"{display_path(path)}:{line}: not UTF-8 text ({exc.reason})") from None
        del data
        _check_json_ld(path, text)
    else:
        text = None
        _check_bytes(path, fmt, limit)
    store = ox.Store()
    written: dict[tuple[str, str], list[tuple[str, str]]] = {}
    ill_typed: set[tuple[str, str]] = set()
    ill_typed_at: list[IllTyped] = []
    handle = path.open("rb")  # a regular file (checked above)
    if handle.read(3) != b"\xef\xbb\xbf":  # a UTF-8 byte order mark, which editors write and the parsers refuse
        handle.seek(0)
    parser = ox.parse(handle, format=OX_FORMATS[fmt], base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
    try:
        store.extend(_quads(parser, path, keep, written, ill_typed, ill_typed_at, fmt in ("nquads", "trig",
                                                                                          "json-ld")))
    except SyntaxError as exc:
        if text is not None:
            _json_syntax(path, text)
        message = str(exc.msg if hasattr(exc, "msg") else exc).split(" (line ")[0]
        if "LoadDocumentCallback" in message:  # a remote context the scan above did not recognise
            message = "a remote JSON-LD context or @import is not fetched; put the context inline"
        raise InputError(f"{_where(path, exc.lineno)}: not valid {fmt}: {message}") from None
    except MemoryError as exc:  # pyoxigraph's parsers hold one token in a buffer of at most 16 MiB
        if "buffer" not in str(exc):
            raise
        raise InputError(f"{_where(path, _long_line(path))}: a literal or IRI of more than 16 MiB; literals are "
                         f"limited to {MAX_LITERAL_CHARS:,} characters") from None
    finally:
        handle.close()
    return DataGraph(store, path, fmt, len(store), written, frozenset(ill_typed),  # the default graph only
                     _with_lines(path, ill_typed_at))


def _with_lines(path: Path, found: list[IllTyped]) -> tuple[IllTyped, ...]:
    """The ill-typed literals with their lines: the n-th literal of one lexical form is taken to be its n-th
    occurrence in the file as a quoted value ("2017-02-30" in Turtle, N-Triples and JSON-LD) or an element's
    text (>2017-02-30< in RDF/XML), since the parser reads the file in order (a cold path: only the first
    LINES_SOUGHT are looked for, each a search of the file)."""
    if not found:
        return ()
    import mmap

    seen: dict[str, int] = {}
    offsets: dict[int, int] = {}  # the index in `found` → the byte offset of its literal
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for n, item in enumerate(found[:LINES_SOUGHT]):
            nth = seen[item.lexical] = seen.get(item.lexical, 0) + 1
            offset = _nth_offset(data, item.lexical, nth)
            if offset is not None:
                offsets[n] = offset
        lines, at, line = {}, 0, 1
        for n, offset in sorted(offsets.items(), key=lambda pair: pair[1]):
            line += data[at:offset].count(b"\n")
            lines[n], at = line, offset
    return tuple(dataclasses.replace(item, line=lines.get(n)) for n, item in enumerate(found))


def _nth_offset(data: Any, lexical: str, nth: int) -> int | None:
    for needle in (f'"{lexical}"'.encode(), f">{lexical}<".encode()):
        index, start = -1, 0
        for _ in range(nth):
            index = data.find(needle, start)
            if index < 0:
                break
            start = index + 1
        if index >= 0:
            return int(index)
    return None


def _long_line(path: Path) -> int | None:
    """The first line longer than MAX_LITERAL_CHARS bytes (where a huge literal most likely is), or None."""
    line, length = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            start = 0
            while (end := chunk.find(b"\n", start)) >= 0:
                if length + end - start > MAX_LITERAL_CHARS:
                    return line
                line, length, start = line + 1, 0, end + 1
            length += len(chunk) - start
            if length > MAX_LITERAL_CHARS:
                return line
    return None


def _json_syntax(path: Path, text: str) -> None:
    """The JSON decoder's message when the text is not JSON at all (clearer than the JSON-LD parser's)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{display_path(path)}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:  # cannot happen below MAX_JSON_DEPTH; never a traceback all the same
        raise InputError(f"{display_path(path)}: JSON nested too deep") from None
