"""Validate a graph against the packaged SHACL shapes and explain each violation in the curator's terms.

One engine: every constraint compiled to one SPARQL query (kg.check.engine) and run on Oxigraph, for the built
graph, the incremental check and someone else's file alike. pyshacl is only the tests' oracle
(tests/test_shapes.py proves the two report the same). Whether a graph passes is kg.check.verdict's to say: it
adds the `*-violation` queries to what is found here.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.base.config import LANG_STRING, XSD_STRING, compact, resource_dir
from kg.base.terms import parse_literal, quiet_rdflib
from kg.model.build import KnowledgeGraph, Origin

if TYPE_CHECKING:
    from kg.check.data import DataGraph
    from kg.check.engine import Check



def load_shapes() -> Graph:
    """The packaged shapes as one graph: pikg-shapes.ttl (SHACL Core, usable alone by a Core-only engine) and
    pikg-shapes-sparql.ttl (the SHACL-SPARQL constraints, added to the same shapes by their IRIs)."""
    shapes = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[Check, ...]:
    """The packaged shapes compiled to queries, once a process: parsing and compiling them costs more than
    running them on a small graph."""
    from kg.check.engine import compile_shapes

    return tuple(compile_shapes(load_shapes()))


ONE_VALUE = "https://w3id.org/pikg/shapes#OneValue"  # the constraint of single-valued text: sources may disagree


@lru_cache(maxsize=1)
def one_value_shapes() -> frozenset[str]:
    """The property shapes that judge a single-valued text with pikgsh:OneValue: what they find between sources
    is a conflict, as sh:maxCount's is; any other SPARQL constraint's finding stays a violation."""
    from kg.base.terms import SH

    shapes = load_shapes()
    return frozenset(str(s) for s in shapes.subjects(SH.sparql, URIRef(ONE_VALUE)))


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    text = compact(str(node))
    return text if text != str(node) else f"<{text}>"


@dataclass(frozen=True)
class Violation:
    """One validation result, with the record it comes from when known."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: Node
    message: str
    origin: Origin | None

    @property
    def constraint(self) -> str:
        """The constraint that fired: shape and component, e.g. pikgsh:Intervention-name MinCount."""
        component = _short(self.component).removeprefix("sh:").removesuffix("ConstraintComponent")
        return f"{_short(self.shape)} {component}"

    @property
    def constraint_id(self) -> str:
        """The fixture name of the constraint: Intervention-name--MinCount, Intervention-peerLedByPeers--SPARQL."""
        return self.constraint.removeprefix("pikgsh:").replace(" ", "--")

    def __str__(self) -> str:
        where = str(self.origin) if self.origin else _short(self.focus)
        value = f" (value: {self.value.n3()})" if self.value not in (None, self.focus) else ""
        return f"{where}: {self.message}{value} [{self.constraint}; focus {_short(self.focus)}]"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    conflicts: tuple[Violation, ...] = ()

    @property
    def disputed(self) -> int:
        """How many (resource, property) pairs the conflicts are about: pikgsh:OneValue reports each value."""
        return len({(v.focus, v.path) for v in self.conflicts})

    def lines(self) -> list[str]:
        """What the shapes found, as the verdict prints it (kg.check.verdict.Verdict.lines)."""
        lines = ["Validation: " + ("conforms to the shapes" if self.conforms
                                   else f"does not conform to the shapes: {len(self.violations)} violation(s)")]
        lines.extend(f"  {v}" for v in self.violations)
        if self.conflicts:
            n = self.disputed
            lines.append(f"Conflicts: {n} single-valued propert{'y' if n == 1 else 'ies'} on which sources "
                         "disagree; both values kept (see kg conflicts)")
            lines.extend(f"  {v}" for v in self.conflicts)
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


Written = Callable[[Node, Node], Iterable[Node]]  # (focus, path) → the literal values as written


class Origins(Protocol):
    def origin(self, node: object, path: object | None = None) -> Origin | None: ...


def store_violations(store: Any, checks: Iterable[Check], written: Written, kg: Origins | None = None,
                     union: bool = False, nodes_for: Callable[[Any], list[str]] | None = None) -> list[Violation]:
    """Run compiled constraints (kg.check.engine.Check) on an Oxigraph store; `union` queries the union of
    its named graphs. Datatypes are judged on the literals as written, which `written` gives (see Check).
    `nodes_for`, when given, names the focus nodes to check for each constraint (all of them otherwise)."""
    from kg.base.terms import from_ox

    found = []
    for check in checks:
        nodes = nodes_for(check) if nodes_for else None
        if nodes is not None and not nodes:
            continue
        query = check.query if nodes is None else check.on(nodes)
        rows = store.query(query, use_default_graph_as_union=union)
        if check.datatypes:  # judged on the graph as written (see kg.check.engine.Check)
            path = check.path
            assert path is not None  # a datatype check is a property shape's: it has a path
            values: dict[Node, list[Node]] = {}
            for row in rows:
                focus, value = from_ox(row["this"]), row["value"]
                listed = values.setdefault(focus, [])
                if not isinstance(value, ox.Literal):
                    listed.append(from_ox(value))
                elif not any(isinstance(v, Literal) for v in listed):
                    listed.extend(dict.fromkeys(written(focus, path)))
            for focus, listed in values.items():
                origin = kg.origin(focus, check.path) if kg else None
                for value in listed:
                    datatype = str(value.datatype or XSD_STRING) if isinstance(value, Literal) and not value.language \
                        else LANG_STRING if isinstance(value, Literal) else None
                    if datatype not in check.datatypes or getattr(value, "ill_typed", False):
                        found.append(Violation(focus, check.path, value, check.shape, check.component,
                                               check.message, origin))
            continue
        for row in rows:
            focus = from_ox(row["this"])
            value = row["value"]  # None when the query has no ?value
            found.append(Violation(focus, check.path, from_ox(value) if value is not None else None, check.shape,
                                   check.component, check.message, kg.origin(focus, check.path) if kg else None))
    return found


def _written(kg: KnowledgeGraph) -> Written:
    return written_literals(lambda focus, path: kg.literals.get((focus, path), ()))


def written_literals(get: Callable[[str, str], Iterable[str]]) -> Written:
    """The literals as written (N-Triples terms that `get` gives for a focus node and a property) as rdflib
    terms, for the datatype checks."""

    def literals(focus: Node, path: Node) -> Iterator[Node]:
        for term in get(str(focus), str(path)):
            lexical, language, datatype = parse_literal(term)
            yield Literal(lexical, lang=language) if language else Literal(
                lexical, datatype=URIRef(datatype) if datatype else None, normalize=False)
    return literals


def _between_sources(store: Any, sources: set[str], violation: Violation) -> bool:
    """A single-value violation (sh:maxCount, or pikgsh:OneValue on a property shape) is a conflict, not an
    error, when each source states one value and several do."""
    component = str(violation.component)
    single = component.endswith("MaxCountConstraintComponent") or (
        component.endswith("SPARQLConstraintComponent") and str(violation.shape) in one_value_shapes())
    if violation.path is None or not single:
        return False
    stated: dict[str, set[str]] = {}
    query = f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ <{violation.focus}> <{violation.path}> ?v }} }}"
    for row in store.query(query):
        if row["g"].value in sources:
            stated.setdefault(row["g"].value, set()).add(str(row["v"]))
    return len(stated) >= 2 and all(len(values) == 1 for values in stated.values())


def validate(kg: KnowledgeGraph, store: Any = None) -> ValidationReport:
    """Validate the union of the sources' graphs, every constraint as one query on Oxigraph (`store`, made from
    kg when not given); sources disagreeing on a single-valued property are reported as conflicts (both values
    kept, each with its provenance), not as violations."""
    from kg.query.store import oxigraph_store

    store = oxigraph_store(kg) if store is None else store
    found = store_violations(store, compiled_shapes(), _written(kg), kg, union=True)
    return report_of(store, {str(g) for g in kg.source_graphs()}, found)


def report_of(store: Any, sources: set[str], found: list[Violation]) -> ValidationReport:
    """The report of what the constraints found, in a stable order, with conflicts between the `sources`
    (graph IRIs) set apart."""
    found = sorted(found, key=lambda v: (str(v.origin or ""), v.constraint, str(v.focus), str(v.value)))
    conflicts = tuple(v for v in found if _between_sources(store, sources, v))
    violations = tuple(v for v in found if v not in conflicts)
    return ValidationReport(not violations, violations, conflicts)


def validate_file(path: Path, fmt: str | None = None, max_bytes: int | None = None
                  ) -> tuple[ValidationReport, DataGraph]:
    """Validate someone else's RDF file against our shapes, with our ontology and vocabularies beside it, on the
    Oxigraph engine the build uses (every constraint one query; no rdflib graph of the data, so a million
    triples take seconds); return the report and the data that was read (DataGraph: len() is its number of
    triples, its store holds them in the default graph). A problem with the file itself is an InputError (see
    kg.check.data); rdflib, which still turns the values of violations into terms, never logs a traceback. The
    violation queries that also judge such a file are kg.check.verdict.judge_file's."""
    from kg.check.data import load_data
    from kg.model.build import ONTOLOGY_GRAPH, VOCAB_GRAPH

    checks = compiled_shapes()
    typed = frozenset(str(c.path) for c in checks if c.datatypes and c.path is not None)
    with quiet_rdflib():
        data = load_data(path, fmt, max_bytes, keep=typed)
        folder = resource_dir("ontology")
        for name, graph in (("pikg.ttl", ONTOLOGY_GRAPH), ("vocabularies.ttl", VOCAB_GRAPH)):
            data.store.load(path=str(folder / name), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(graph)))
        found = store_violations(data.store, checks, _written_in(data), union=True)
        found = _with_ill_typed(data, found)
    found.sort(key=lambda v: (v.origin.line if v.origin else 0, v.constraint, str(v.focus), str(v.value)))
    return ValidationReport(not found, tuple(found)), data


WELL_TYPED = URIRef("https://w3id.org/pikg/shapes#WellTypedLiteral")  # no shape of the shapes graph: kg.base.lexical


def _with_ill_typed(data: DataGraph, found: list[Violation]) -> list[Violation]:
    """The violations found, those of an ill-typed literal with its file and line, and a violation of its own
    for each ill-typed literal that no shape's datatype reported: on a property no shape constrains, or a node
    no shape targets (kg.check.data)."""
    from kg.base.lexical import check_lexical
    from kg.base.terms import SH, from_ox

    at: dict[tuple[Node, str, str, str], Origin] = {}
    for item in data.ill_typed_at:
        key = (from_ox(item.subject), item.predicate, item.lexical, item.datatype)
        at.setdefault(key, Origin(str(data.path), item.line or 0, compact(item.predicate)))
    placed, reported = [], set()
    for v in found:
        key = (v.focus, str(v.path), str(v.value), str(getattr(v.value, "datatype", "")))
        origin = at.get(key) if isinstance(v.value, Literal) else None
        if origin:
            reported.add(key)
        placed.append(dataclasses.replace(v, origin=origin) if origin and v.origin is None else v)
    for (focus, predicate, lexical, datatype), origin in at.items():
        if (focus, predicate, lexical, datatype) in reported:
            continue
        with warnings.catch_warnings():  # rdflib warns of a "weird boolean" such as "yes": reported here
            warnings.simplefilter("ignore")
            value = _Refused(lexical, datatype=URIRef(datatype), normalize=False)
        placed.append(Violation(focus, URIRef(predicate), value, WELL_TYPED, SH.DatatypeConstraintComponent,
                                f"An ill-typed literal: {check_lexical(datatype, lexical)}; a typed value must be "
                                "in its datatype's lexical space, whichever property holds it.", origin))
    return placed


class _Accepted(Literal):
    """A literal of a datatype kg.base.lexical judges whose lexical form it accepted: rdflib's narrower reading (its
    Python dates end at year 9999) does not make it ill-typed."""

    __slots__ = ()

    @property
    def ill_typed(self) -> bool:
        return False


class _Refused(Literal):
    """A literal whose lexical form kg.base.lexical refuses for its datatype ("abc"^^xsd:integer, "P7W"^^xsd:duration,
    which rdflib would accept): ill-typed, so that an sh:datatype reports it (SHACL: a literal of the datatype that
    is ill-typed does not conform)."""

    __slots__ = ()

    @property
    def ill_typed(self) -> bool:
        return True


def _written_in(data: DataGraph) -> Written:
    """The literals of a focus node and property as the file wrote them: strings from the store (kept as they
    are), other typed literals from DataGraph.written (the store would give "1"^^xsd:integer for
    "01"^^xsd:positiveInteger; an ill-typed one is _Refused), and the model's from the store."""
    from kg.base.lexical import CHECKED
    from kg.base.terms import from_ox, to_ox

    def literals(focus: Node, path: Node) -> Iterator[Node]:
        for quad in data.store.quads_for_pattern(to_ox(focus), ox.NamedNode(str(path)), None, None):
            value = quad.object
            if isinstance(value, ox.Literal) and (quad.graph_name != ox.DefaultGraph() or value.datatype.value in (
                    XSD_STRING, LANG_STRING)):
                yield from_ox(value)
        for lexical, datatype in data.written.get((str(focus), str(path)), ()):
            if (lexical, datatype) in data.ill_typed:
                with warnings.catch_warnings():  # rdflib warns of a "weird boolean" such as "yes": reported here
                    warnings.simplefilter("ignore")
                    refused = _Refused(lexical, datatype=URIRef(datatype), normalize=False)
                yield refused
                continue
            kind = _Accepted if datatype in CHECKED else Literal
            yield kind(lexical, datatype=URIRef(datatype), normalize=False)
    return literals


