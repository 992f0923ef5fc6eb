"""Read someone else's RDF file safely and strictly, for `kg validate --data`.

Nothing beyond the given file is read: no URL, no remote JSON-LD context, no `owl:imports`, no XML entity or
DOCTYPE. Files over a size limit are refused. Syntax is checked by pyoxigraph (stricter than rdflib, and it
reports line and column); literal lexical forms of the common XSD datatypes are checked here, before rdflib sees
them, so an ill-typed literal is one clear message instead of a logged traceback.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import InputError, display_path
from .records import DURATION_RE

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
SUFFIXES = {
    ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "rdf-xml", ".xml": "rdf-xml", ".owl": "rdf-xml",
}
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"^[+-]?\d+$")
_LEXICAL = {
    "integer": _INTEGER, "int": _INTEGER, "long": _INTEGER, "short": _INTEGER,
    "nonNegativeInteger": re.compile(r"^\+?\d+$|^-0+$"), "positiveInteger": re.compile(r"^\+?0*[1-9]\d*$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "double": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$"),
    "float": re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
    "date": re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?$"),
    "dateTime": re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
                           r"(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"),
    "gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    "duration": DURATION_RE,
    "language": re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$"),
}


def max_input_bytes() -> int:
    return int(os.environ.get("KG_MAX_INPUT_BYTES") or DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class LoadedData:
    graph: Graph
    path: Path
    fmt: str


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"{display_path(path)}: cannot tell the RDF format from the name; use a suffix "
                         f"({', '.join(SUFFIXES)}) or --format")
    return SUFFIXES[path.suffix.lower()]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _check_json_ld(path: Path, text: str) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{display_path(path)}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            raise InputError(
                                f"{display_path(path)}:{_line_of(text, ctx)}: the remote JSON-LD context {ctx!r} is "
                                "not fetched; put the context inline (the release's context.jsonld holds ours)")
                        if isinstance(ctx, dict) and "@import" in ctx:
                            raise InputError(f"{display_path(path)}: JSON-LD @import {ctx['@import']!r} is not "
                                             "fetched; put the context inline")
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)


def _check_literal(path: Path, text: str, lexical: str, datatype: str) -> None:
    """Check a literal's lexical form before rdflib builds it (rdflib would log a traceback and go on)."""
    if not datatype.startswith(XSD):
        return
    local = datatype[len(XSD):]
    rule = _LEXICAL.get(local)
    if rule is not None and not rule.match(lexical):
        line = _line_of(text, f'"{lexical}"') or _line_of(text, lexical)
        where = f"{display_path(path)}:{line}" if line else display_path(path)
        hint = " (write weeks as days: P49D)" if local == "duration" and "W" in lexical else ""
        raise InputError(f"{where}: ill-typed literal {lexical!r}: not a valid xsd:{local}{hint}")


def load_data(path: Path, fmt: str | None = None, max_bytes: int | None = None) -> LoadedData:
    """Parse one local RDF file into a single graph (named graphs merged), or raise InputError saying why not."""
    import pyoxigraph as ox

    from .oxi import from_ox

    fmt = _format_of(path, fmt)
    if not path.is_file():
        raise InputError(f"{display_path(path)}: not a local file (only local files are read, never URLs)")
    limit = max_input_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{display_path(path)}: {size:,} bytes is over the input limit of {limit:,} bytes "
                         "(raise it with --max-bytes or KG_MAX_INPUT_BYTES)")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{display_path(path)}:{line}: not UTF-8 text ({exc.reason})") from None
    if fmt == "rdf-xml" and re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise InputError(f"{display_path(path)}:{_line_of(text, '<!')}: RDF/XML with a DOCTYPE or entity "
                         "declarations is refused (entities can read files or expand without bound)")
    if fmt == "json-ld":
        _check_json_ld(path, text)
    ox_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
                 "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD, "rdf-xml": ox.RdfFormat.RDF_XML}[fmt]
    graph = Graph(bind_namespaces="none")
    try:
        for quad in ox.parse(data, format=ox_format, base_iri=path.resolve().as_uri()):
            terms = (quad.subject, quad.predicate, quad.object)
            if any(not isinstance(t, ox.NamedNode | ox.BlankNode | ox.Literal) for t in terms):
                raise InputError(f"{display_path(path)}: RDF-star triple terms are not supported")
            if isinstance(quad.object, ox.Literal) and quad.object.language is None:
                _check_literal(path, text, quad.object.value, quad.object.datatype.value)
            graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    except SyntaxError as exc:
        where = f"{display_path(path)}:{exc.lineno}" if exc.lineno else display_path(path)
        message = str(exc.msg if hasattr(exc, "msg") else exc).split(" (line ")[0]
        raise InputError(f"{where}: not valid {fmt}: {message}") from None
    return LoadedData(graph, path, fmt)
