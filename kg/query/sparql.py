"""Run the bundled SPARQL queries with safely bound parameters and format their answers.

A query's metadata lives in its own `#+` comment header (grlc style): title, question, params, lists.
Parameters are never pasted into the query text: a resource parameter is resolved to an IRI (from a label,
an acronym or the IRI itself) and bound as an RDF term; a duration parameter is checked against the XSD
grammar and bound as its length in days.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from kg.base.config import ID_RE, expand, resource_dir
from kg.base.errors import QueryError
from kg.base.lexical import DURATION_HINT, DURATION_RE, duration_days, escaped

if TYPE_CHECKING:  # rdflib is imported where it is used: `kg query` answered from the cache never needs it
    from rdflib import Dataset, URIRef
    from rdflib.term import Identifier, Node

FORMATS = ("table", "csv", "json", "markdown")
TABLE_WIDTH = 60  # characters a table column shows before it cuts a value with …


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # resource | duration | text
    required: bool
    description: str
    cls: str | None = None


@dataclass(frozen=True)
class QuerySpec:
    """A bundled query and the metadata from its header."""

    name: str
    path: Path
    title: str
    question: str
    params: dict[str, Param]
    lists: tuple[str, ...]
    text: str
    load: tuple[str, ...] = ("pikg.nt",)  # the release files a standalone engine loads to run the file as it is

    @property
    def is_violation_check(self) -> bool:
        """`*-violation.rq` queries must return no rows on a valid graph."""
        return self.name.endswith("-violation")


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def parse_header(path: Path) -> QuerySpec:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[3:] if line.startswith("#+ ") else line[2:]
                       for line in text.splitlines() if line.startswith("#+"))
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: the #+ header is not valid YAML: {exc}") from None
    for key in ("title", "question"):
        if not meta.get(key):
            raise QueryError(f"{path}: the #+ header has no {key!r}")
    params = {
        name: Param(name, spec.get("type", "text"), bool(spec.get("required", False)), spec.get("description", ""),
                    spec.get("class"))
        for name, spec in (meta.get("params") or {}).items()
    }
    load = meta.get("load") or ("pikg.nt",)
    return QuerySpec(path.stem, path, meta["title"], meta["question"], params, tuple(meta.get("lists") or ()), text,
                     tuple([load] if isinstance(load, str) else load))


def query_dir() -> Path:
    return resource_dir("queries")


def list_queries(folder: Path | None = None) -> list[QuerySpec]:
    return [parse_header(p) for p in sorted((folder or query_dir()).glob("*.rq"))]




def load_query(name: str, folder: Path | None = None, allow_service: bool = False) -> QuerySpec:
    """A bundled query by name (a name, never a path: nothing outside the queries folder runs), refused if it
    would make the engine reach the network (SERVICE) unless `allow_service`."""
    if not ID_RE.fullmatch(name):
        raise QueryError(f"{name!r} is not a query name: give the name of a bundled query (lower-case letters, "
                         "digits and hyphens, no path or .rq); `kg query --list` shows them")
    path = (folder or query_dir()) / f"{name}.rq"
    if not path.is_file():
        known = [p.stem for p in sorted((folder or query_dir()).glob("*.rq"))]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "."
        raise QueryError(f"unknown query {name!r}{hint} Known queries: {', '.join(known)}")
    spec = parse_header(path)
    if not allow_service:
        refuse_remote_access(spec.text, f"query {name}")
    return spec


HIDDEN = re.compile(  # what cannot hold a keyword: an escaped character, a comment, a string, an IRI
    r"\\.|#[^\n\r]*"  # an escaped character (ex:a\#b) first, so that its # starts no comment; \r ends one too
    r"|'''(?:'{0,2}(?:[^'\\]|\\.))*'''|\"\"\"(?:\"{0,2}(?:[^\"\\]|\\.))*\"\"\""  # long strings first
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\""
    r"|<[^<>\"{}|^`\\\x00-\x20]*>", re.S)
_REMOTE = re.compile(r"(?<![\w?$:])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # \u and \U escapes


def refuse_remote_access(text: str, what: str) -> None:
    """QueryError if a SPARQL text holds SERVICE or LOAD outside its strings, IRIs and comments: either makes the
    engine fetch from the network, which the bundled queries never need. A lexical check, so it costs nothing
    and errs only towards refusing (tests compare it with rdflib's parser)."""
    expanded = ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16)
                           < 0x110000 else " ", text)  # \u escapes, as some engines expand them before lexing
    found = _REMOTE.search(HIDDEN.sub(" ", expanded)) or _REMOTE.search(HIDDEN.sub(" ", text))
    if found:
        raise QueryError(f"{what} uses {found.group(1).upper()}, which would make the engine fetch from the network; "
                         "refused (pass --allow-service to allow it)")


class RdflibEngine:
    """Runs SELECT queries on an rdflib dataset (its default graph is the union of the named graphs)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def select(self, text: str, bindings: Mapping[str, Identifier]) -> tuple[tuple[str, ...],
                                                                           list[tuple[Node | None, ...]]]:
        from rdflib.query import ResultRow

        result = self.dataset.query(text, initBindings=bindings)  # a SELECT: its rows are ResultRows
        rows: list[tuple[Node | None, ...]] = [tuple(row) for row in result if isinstance(row, ResultRow)]
        return tuple(str(v) for v in result.vars or ()), rows


class OxigraphEngine:
    """Runs the same SELECT queries on an Oxigraph store, the union of its named graphs as default graph."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def select(self, text: str, bindings: Mapping[str, Identifier]) -> tuple[tuple[str, ...],
                                                                           list[tuple[Node | None, ...]]]:
        from kg.base.terms import from_ox

        solutions = self.store.query(with_values(text, bindings), use_default_graph_as_union=True)
        columns = tuple(v.value for v in solutions.variables)
        rows = [tuple(None if (t := s[c]) is None else from_ox(t) for c in columns) for s in solutions]
        return columns, rows


class Engine(Protocol):
    """Anything that answers a SELECT query with bound variables: rdflib, Oxigraph, a remote endpoint."""

    def select(self, text: str, bindings: Mapping[str, Identifier]) -> tuple[tuple[str, ...],
                                                                           list[tuple[Node | None, ...]]]:
        ...


def _engine(source: Dataset | Engine) -> Engine:
    return source if hasattr(source, "select") else RdflibEngine(source)


RECORD_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)?")  # an id, or KIND/ID, SCHEME/ID


def id_suffix(text: str, cls: str | None) -> str | None:
    """How the IRI of the record with id `text` ends, if `text` can be a record id: records of a section are
    minted `<BASE><segment>/<id>`, so with a class whose section is known the suffix is `segment/id` (exact,
    as ids hold no slash); otherwise `/id` (or `/KIND/ID`, `/SCHEME/ID` when given so)."""
    if not RECORD_ID_RE.fullmatch(text):
        return None
    if cls and "/" not in text:
        from kg.schema import SECTIONS

        segments = {s.segment for s in SECTIONS if not s.by_concept and cls in s.types}
        if len(segments) == 1:
            return f"{segments.pop()}/{text}"
    return f"/{text}"


def resolve_resource(source: Dataset | Engine, text: str, cls: str | None, param: str) -> URIRef:
    """The one resource (of class cls) whose IRI, record id, label, acronym or name is `text` (names
    case-insensitively)."""
    type_clause = f"?r a <{expand(cls)}> ." if cls else ""
    from kg.schema import NAME_PREDICATES  # the record format's names: labels, titles, acronyms, aliases

    names = ", ".join(f"<{expand(p)}>" for p in NAME_PREDICATES)
    suffix = id_suffix(text, cls)
    by_id = " || STRENDS(STR(?r), STR(?suffix))" if suffix else ""
    # one group, so that ?wanted is bound where the FILTER sees it on every engine (a VALUES block or rdflib's
    # initBindings); the text is bound, never pasted (the query differs only by whether it asks for a record id)
    query = f"""SELECT DISTINCT ?r WHERE {{
        ?r ?p ?name .
        {type_clause}
        FILTER ((?p IN ({names}) && LCASE(STR(?name)) = LCASE(STR(?wanted))) || STR(?r) = STR(?wanted){by_id})
    }}"""
    from rdflib import Literal, URIRef

    bindings = {"wanted": Literal(text)} | ({"suffix": Literal(suffix)} if suffix else {})
    _, rows = _engine(source).select(query, bindings)
    found = sorted({r for r, *_ in rows if isinstance(r, URIRef)}, key=str)  # a resource has an IRI to bind
    what = cls.split(":", 1)[1] if cls else "resource"
    if not found:
        raise QueryError(f"parameter {param}: no {what} is named {text!r} (give a label, an acronym, a record id "
                         "or an IRI)")
    if len(found) > 1:
        raise QueryError(f"parameter {param}: {text!r} is ambiguous; it names {len(found)} resources: "
                         f"{', '.join(str(r) for r in found)}. Give the IRI.")
    return found[0]


def bind_params(source: Dataset | Engine, spec: QuerySpec, given: dict[str, str]) -> dict[str, Identifier]:
    from rdflib import XSD, Literal

    unknown = sorted(set(given) - set(spec.params))
    if unknown:
        allowed = ", ".join(spec.params) or "none"
        raise QueryError(f"query {spec.name} has no parameter {unknown[0]!r}; its parameters: {allowed}")
    bindings: dict[str, Identifier] = {}
    for name, param in spec.params.items():
        if name not in given:
            if param.required:
                raise QueryError(f"query {spec.name} needs --param {name}=VALUE: {param.description}")
            continue
        value = given[name]
        if param.type == "resource":
            bindings[name] = resolve_resource(source, value, param.cls, name)
        elif param.type == "duration":
            if not DURATION_RE.fullmatch(value):
                raise QueryError(f"parameter {name}: expected {DURATION_HINT}, got {value!r}")
            bindings[f"{name}_days"] = Literal(str(duration_days(value)), datatype=XSD.integer)
        else:
            bindings[name] = Literal(value)
    return bindings


def term_text(term: Node | None) -> str:
    return "" if term is None else str(term)


def tidy_result(spec: QuerySpec, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> QueryResult:
    """Rows as text, exactly as the engine gave them. A list column (`lists:` in the header) needs no tidying:
    each query concatenates distinct items from a subquery that orders them (GROUP_CONCAT(DISTINCT …) over an
    ordered subquery), so any engine running the file as it is prints the same rows as `kg query`
    (tests/test_portable_queries.py)."""
    return QueryResult(columns, tuple(rows))


def run_engine(source: Dataset | Engine, name: str, params: dict[str, str] | None = None,
               folder: Path | None = None, allow_service: bool = False) -> QueryResult:
    """Run a bundled query by name on an engine, its parameters resolved and bound as RDF terms."""
    engine = _engine(source)
    spec = load_query(name, folder, allow_service)
    columns, rows = engine.select(spec.text, bind_params(engine, spec, params or {}))
    return tidy_result(spec, columns, [tuple(term_text(term) for term in row) for row in rows])


def run_query(dataset: Dataset, name: str, params: dict[str, str] | None = None,
              folder: Path | None = None) -> QueryResult:
    """Run a bundled query on rdflib (the library's graph API)."""
    return run_engine(RdflibEngine(dataset), name, params, folder)


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with its bindings as a VALUES block at the start of the outermost WHERE group (standard
    SPARQL 1.1, so any endpoint accepts it). The terms are serialised by rdflib, so what a user typed is
    escaped as a literal or was already resolved to an IRI of the graph."""
    if not bindings:
        return text
    names = sorted(bindings)
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(bindings[n].n3() for n in names)}) }}"
    head, sep, tail = text.partition("WHERE {")
    if not sep:
        raise QueryError("a parameterised query needs a WHERE { … } clause")
    return f"{head}{sep}\n  {block}{tail}"


def run_query_oxigraph(store: Any, name: str, params: dict[str, str] | None = None,
                       folder: Path | None = None, allow_service: bool = False) -> QueryResult:
    """Run a bundled query on Oxigraph (the union of the named graphs as default graph)."""
    return run_engine(OxigraphEngine(store), name, params, folder, allow_service)


def spreadsheet_safe(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula and that rings, hides or reorders nothing: control
    and format characters (Unicode Cc, Cf) other than a line break or a tab are written as escapes (\\x07,
    \\x00, \\r, \\u202e), and a value starting with = + - @ (or a tab) gets a leading apostrophe, as OWASP's
    advice on CSV injection says."""
    if not value.isprintable():
        value = "".join(repr(c)[1:-1] if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf") else c
                        for c in value)  # spaces (no-break, thin) and line separators stay as they are
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t") else value


def format_result(result: QueryResult, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(result.as_dicts(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(tuple(spreadsheet_safe(v) for v in row) for row in result.rows)
        return buffer.getvalue()
    if fmt == "markdown":
        def cell(value: str) -> str:
            return escaped(value.replace("|", "\\|").replace("\n", " "))

        lines = ["| " + " | ".join(result.columns) + " |", "| " + " | ".join("---" for _ in result.columns) + " |"]
        lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in result.rows)
        return "\n".join(lines) + "\n"
    if fmt == "table":
        rows = [tuple(escaped(v) for v in row) for row in result.rows]
        widths = [min(TABLE_WIDTH, max([len(c), *(len(r[i]) for r in rows)])) for i, c in enumerate(result.columns)]

        def line(values: tuple[str, ...]) -> str:
            cells = (v if len(v) <= w else v[: w - 1] + "…" for v, w in zip(values, widths, strict=True))
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))

        out = [line(result.columns), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]
        out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
        return "\n".join(s.rstrip() for s in out) + "\n"
    raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
