"""Every `*-violation` query is probed once per thing it guards, with cases derived from the built bundled graph
(and the made-up fixtures that use the fields the bundled sources do not).

Why: a review found that exempting `pikg:aim` in unquoted-fact-violation (adding it to the query's `NOT IN (...)`
list) survived the whole suite, because the tests only ever broke a `pikg:acronym` fact. A guard is only as
tested as the predicates its tests break, so the cases here are derived from the data, never typed:

- the fact predicates are those that some rdf:Statement of a source's named graph has as rdf:predicate (not read
  from the query's exemptions, which are what these tests guard); for each, the smallest reified fact (by
  N-Triples text, then graph) loses its statement (unquoted-fact-violation must answer exactly that fact), or its
  statement loses its citation in each way the query guards (unsourced-statement-violation must answer exactly
  that statement); rdf:type, which the unquoted query exempts by object, is also probed once per class it types;
- the name predicates are the record format's (`NAME_PREDICATES`): for each, a second resource of a named
  resource's class gets the same name through it, and ambiguous-name-violation must answer exactly that name (a
  query parameter is resolved by every one of them, kg.query.sparql.resolve_resource).

The bundled graph is built at import (about 20 ms, no cache involved) because the parametrisation needs it at
collection; the tests run the real bundled queries on one Oxigraph store of it, each test taking its quads out or
putting its quads in and restoring the store afterwards, so the module runs in a few seconds.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import FIXTURE_SOURCES, FIXTURES, bundled_plus
from kg.base.config import Settings, compact, expand
from kg.model.build import build
from kg.query.sparql import run_query_oxigraph
from kg.query.store import memory_store
from kg.schema import NAME_PREDICATES, SECTIONS

Term = ox.NamedNode | ox.BlankNode | ox.Literal
RDF_TYPE, RDF_STATEMENT, RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (
    ox.NamedNode(expand(f"rdf:{name}")) for name in ("type", "Statement", "subject", "predicate", "object"))
DERIVED_FROM, EXACT, IN_SOURCE = (ox.NamedNode(expand(c)) for c in ("prov:wasDerivedFrom", "oa:exact", "pikg:inSource"))
PASSAGE, SOURCE_DOCUMENT = ox.NamedNode(expand("pikg:Passage")), ox.NamedNode(expand("pikg:SourceDocument"))
CURATOR_STATEMENT = ox.NamedNode(expand("pikg:CuratorStatement"))

# The bundled graph and the made-up review, trial, QES and third-source fixtures (which use the fields the bundled
# sources do not), built once at collection; the valid fixture is left out: its names repeat the bundled ones.
_FIXTURE_RECORDS = tuple(sorted(p for folder in ("review", "trial-and-qes", "third-source")
                                for p in (FIXTURES / "records" / folder).glob("*.yaml")))
_ROOT = Path(tempfile.mkdtemp(prefix="kg-guards-"))
atexit.register(shutil.rmtree, _ROOT, True)
_CORPUS = bundled_plus(_ROOT, _FIXTURE_RECORDS,
                       tuple(sorted(FIXTURE_SOURCES.glob("*.txt"))))
BUILT = build(Settings.default(*_CORPUS))
# Fields no fixture gives a value yet: a known gap, not an exemption (the coverage test fails when one is given).
NO_FIXTURE_GIVES = frozenset({"pikg:collectedBy"})
DERIVED = memory_store(BUILT.nquads())  # read only: the cases are derived from it


def quads(pattern: tuple[Term | None, Term | None, Term | None, ox.NamedNode | None]) -> list[ox.Quad]:
    return sorted(DERIVED.quads_for_pattern(*pattern), key=str)


def named(term: object) -> ox.NamedNode:
    """A term the build makes an IRI (a graph, a statement, a class, a predicate), as one."""
    assert isinstance(term, ox.NamedNode), term
    return term


def value(subject: Term, predicate: ox.NamedNode, graph: ox.NamedNode) -> Term:
    (quad,) = DERIVED.quads_for_pattern(subject, predicate, None, graph)
    assert not isinstance(quad.object, ox.Triple)
    return quad.object


SOURCES = {named(q.graph_name): named(q.subject) for q in quads((None, RDF_TYPE, SOURCE_DOCUMENT, None))}


@dataclass(frozen=True)
class Fact:
    """A fact of a source's graph and the rdf:Statement reifying it there."""

    graph: ox.NamedNode
    statement: ox.NamedNode
    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal

    @property
    def quad(self) -> ox.Quad:
        return ox.Quad(self.subject, self.predicate, self.object, self.graph)

    @property
    def row(self) -> tuple[str, str, str, str]:
        """The fact as unquoted-fact-violation answers it: (graph, s, p, o)."""
        return self.graph.value, self.subject.value, self.predicate.value, self.object.value

    @property
    def statement_row(self) -> tuple[str, ...]:
        """The statement as unsourced-statement-violation answers it: (graph, statement, s, p, o)."""
        return self.graph.value, self.statement.value, *self.row[1:]


def reified_facts() -> list[Fact]:
    """Every statement of a source's graph with the fact it reifies, the smallest fact first."""
    facts = []
    for quad in quads((None, RDF_PREDICATE, None, None)):
        graph, statement = named(quad.graph_name), named(quad.subject)
        if graph not in SOURCES:
            continue
        subject = value(statement, RDF_SUBJECT, graph)
        assert not isinstance(subject, ox.Literal)
        facts.append(Fact(graph, statement, subject, named(quad.object), value(statement, RDF_OBJECT, graph)))
    return sorted(facts, key=lambda f: (str(ox.Triple(f.subject, f.predicate, f.object)), f.graph.value))


FACTS = reified_facts()
# the curators' statements (notes, aliases, mappings, identity judgements): they must cite no passage
CURATED = {named(q.subject) for q in quads((None, RDF_TYPE, CURATOR_STATEMENT, None))}


def smallest_by(key: Callable[[Fact], Any], curated: bool | None = None) -> dict[Any, Fact]:
    """The smallest fact for each value of key(fact), in key order (only the source's, or only the curators',
    when `curated` says which)."""
    first: dict[Any, Fact] = {}
    for fact in FACTS:
        if curated is None or (fact.statement in CURATED) == curated:
            first.setdefault(key(fact), fact)
    return dict(sorted(first.items(), key=lambda item: str(item[0])))


BY_PREDICATE = smallest_by(lambda f: f.predicate)
SOURCE_BY_PREDICATE = smallest_by(lambda f: f.predicate, curated=False)
CURATED_BY_PREDICATE = smallest_by(lambda f: f.predicate, curated=True)
BY_CLASS = smallest_by(lambda f: f.object if f.predicate == RDF_TYPE else None)
BY_CLASS.pop(None, None)


def curie(term: Term) -> str:
    return compact(term.value)


@pytest.fixture(scope="module")
def store() -> Any:
    """The bundled graph in Oxigraph, shared by the module: every change is undone by `changed`."""
    return memory_store(BUILT.nquads())


@contextmanager
def changed(store: Any, remove: Iterable[ox.Quad] = (), add: Iterable[ox.Quad] = ()) -> Iterator[None]:
    """The store without `remove` (quads it holds) and with `add` (quads it does not) for the block's duration."""
    removed, added = list(remove), list(add)
    assert all(q in store for q in removed) and not any(q in store for q in added)
    for quad in removed:
        store.remove(quad)
    for quad in added:
        store.add(quad)
    try:
        yield
    finally:
        for quad in added:
            store.remove(quad)
        for quad in removed:
            store.add(quad)


def rows(store: Any, name: str) -> tuple[tuple[str, ...], ...]:
    return run_query_oxigraph(store, name).rows


# --- the cases are what the data says they are -----------------------------------------------------------------

def test_the_cases_cover_every_fact_of_the_sources() -> None:
    """The fact predicates, derived from the statements, are every predicate that source graphs assert of a
    subject that is neither a statement nor a passage (the provenance machinery); and each case's fact is
    asserted in its graph."""
    machinery = {q.subject for q in quads((None, RDF_TYPE, RDF_STATEMENT, None))} | {
        q.subject for q in quads((None, RDF_TYPE, PASSAGE, None))}
    asserted = {q.predicate for q in quads((None, None, None, None)) if q.graph_name in SOURCES
                and q.subject not in machinery}
    assert sorted(BY_PREDICATE, key=str) == sorted(asserted, key=str)
    assert sorted(g.value for g in SOURCES) == sorted(str(g) for g in BUILT.source_graphs())
    for fact in FACTS:
        assert fact.quad in DERIVED


def test_the_bundled_graph_violates_nothing(store: Any) -> None:
    """The precondition of every exact row below: the untouched graph gives none."""
    for name in ("unquoted-fact-violation", "unsourced-statement-violation", "ambiguous-name-violation"):
        assert rows(store, name) == (), name


# --- unquoted-fact-violation: a fact whose statement is gone, for every fact predicate ---------------------------

def unquote(store: Any, fact: Fact) -> tuple[tuple[str, ...], ...]:
    with changed(store, remove=store.quads_for_pattern(fact.statement, None, None, fact.graph)):
        return rows(store, "unquoted-fact-violation")


@pytest.mark.parametrize("fact", BY_PREDICATE.values(), ids=[curie(p) for p in BY_PREDICATE])
def test_unquoted_fact_is_reported_for_every_predicate(store: Any, fact: Fact) -> None:
    assert unquote(store, fact) == (fact.row,)


@pytest.mark.parametrize("fact", BY_CLASS.values(), ids=[curie(c) for c in BY_CLASS])
def test_unquoted_typing_is_reported_for_every_class(store: Any, fact: Fact) -> None:
    """rdf:type is exempted by its object (a statement's or a passage's typing), so each class is a case."""
    assert unquote(store, fact) == (fact.row,)


# --- unsourced-statement-violation: a statement whose citation is broken, in each way, for every predicate -------

def other_source(graph: ox.NamedNode) -> ox.NamedNode:
    return next(s for g, s in sorted(SOURCES.items(), key=lambda item: item[0].value) if g != graph)


def other_graph(graph: ox.NamedNode) -> ox.NamedNode:
    return next(g for g in sorted(SOURCES, key=lambda g: g.value) if g != graph)


def break_citation(store: Any, fact: Fact, how: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """(quads to remove, quads to add) that leave the fact's statement without a quoted passage of its source:
    `uncited` (no prov:wasDerivedFrom), or citing a copy of its passage that has no oa:exact (`unquoted`), is of
    another source (`misattributed`), or lies in another source's graph (`elsewhere`)."""
    graph, statement = fact.graph, fact.statement
    citations = list(store.quads_for_pattern(statement, DERIVED_FROM, None, graph))
    if how == "uncited":
        return citations, []
    (citation,) = citations
    copy = ox.NamedNode(f"{citation.object.value}-{how}")
    passage = list(store.quads_for_pattern(citation.object, None, None, graph))
    assert {q.predicate for q in passage} >= {RDF_TYPE, EXACT, IN_SOURCE}
    triples = [(copy, q.predicate, q.object) for q in passage]
    if how == "unquoted":
        triples = [t for t in triples if t[1] != EXACT]
    elif how == "misattributed":
        triples = [(s, p, other_source(graph) if p == IN_SOURCE else o) for s, p, o in triples]
    where = other_graph(graph) if how == "elsewhere" else graph
    return citations, [ox.Quad(*t, where) for t in triples] + [ox.Quad(statement, DERIVED_FROM, copy, graph)]


@pytest.mark.parametrize("how", ["uncited", "unquoted", "misattributed", "elsewhere"])
@pytest.mark.parametrize("fact", SOURCE_BY_PREDICATE.values(), ids=[curie(p) for p in SOURCE_BY_PREDICATE])
def test_unsourced_statement_is_reported_for_every_predicate(store: Any, fact: Fact, how: str) -> None:
    remove, add = break_citation(store, fact, how)
    with changed(store, remove, add):
        assert rows(store, "unsourced-statement-violation") == (fact.statement_row,)


def a_passage(graph: ox.NamedNode) -> ox.NamedNode:
    """The smallest quoted passage of the graph's source."""
    return min((named(q.subject) for q in quads((None, RDF_TYPE, PASSAGE, graph))), key=str)


@pytest.mark.parametrize("how", ["cited", "untyped"])
@pytest.mark.parametrize("fact", CURATED_BY_PREDICATE.values(), ids=[curie(p) for p in CURATED_BY_PREDICATE])
def test_a_curator_statement_passed_off_as_the_source_is_reported(store: Any, fact: Fact, how: str) -> None:
    """A curator's statement that cites a passage of the source (`cited`: the curators' words shown as the source's),
    or that is no longer marked as the curators' and so stands uncited (`untyped`), is reported."""
    typing = ox.Quad(fact.statement, RDF_TYPE, CURATOR_STATEMENT, fact.graph)
    remove, add = ([], [ox.Quad(fact.statement, DERIVED_FROM, a_passage(fact.graph), fact.graph)]) \
        if how == "cited" else ([typing], [])
    with changed(store, remove, add):
        assert rows(store, "unsourced-statement-violation") == (fact.statement_row,)


# --- ambiguous-name-violation: a second resource of a named resource's class, of that name, for every name predicate

# classes whose names are scoped (a person's; a study's time points, comparisons, arm values): the query skips them
SCOPED = {ox.NamedNode(expand(c)) for c in ("foaf:Person", "pikg:TimePoint", "pikg:Comparison", "pikg:ArmValue")}


def classes(resource: ox.NamedNode) -> list[ox.NamedNode]:
    """The classes the query looks at (a statement's typing and the scoped classes aside)."""
    typed = {named(q.object) for q in DERIVED.quads_for_pattern(resource, RDF_TYPE, None, None)}
    return sorted(typed - {RDF_STATEMENT} - SCOPED, key=str)


def instances(cls: ox.NamedNode) -> set[ox.NamedNode]:
    return {named(q.subject) for q in DERIVED.quads_for_pattern(None, RDF_TYPE, cls, None)}


BEARERS: dict[str, set[Term]] = {}  # a literal in lower case -> every subject that has it as a value
for _quad in DERIVED.quads_for_pattern(None, None, None, None):
    if isinstance(_quad.object, ox.Literal):
        BEARERS.setdefault(_quad.object.value.lower(), set()).add(_quad.subject)


@dataclass(frozen=True)
class Namesake:
    """A name predicate's case: `second`, a new resource of `first`'s class `cls`, is given `name` through the
    predicate (as `first` already was, or is given too, for a predicate the data never uses)."""

    predicate: str
    cls: ox.NamedNode
    first: ox.NamedNode
    second: ox.NamedNode
    name: ox.Literal
    add: tuple[ox.Quad, ...]

    @property
    def row(self) -> tuple[str, str, str]:
        """(class, the name in lower case, both resources in the query's order)."""
        both = "; ".join(sorted((self.first.value, self.second.value), key=lambda r: (r.lower(), r)))
        return self.cls.value, self.name.value.lower(), both


def namesake(predicate: str) -> Namesake:
    """The smallest resource named through `predicate` (by IRI, then name) with a class in which no other resource
    has that name as any value; for a predicate the data never uses, the smallest resource of a class whose records
    the schema gives it to, and a name nothing has."""
    values = [(named(q.subject), q.object) for q in quads((None, ox.NamedNode(expand(predicate)), None, None))
              if isinstance(q.object, ox.Literal)]
    for first, name in values:
        for cls in classes(first):
            if not (instances(cls) - {first}) & BEARERS.get(name.value.lower(), set()):
                return minted(predicate, cls, first, name, (False, True))
    name = ox.Literal(f"the name given through {predicate}")
    assert name.value.lower() not in BEARERS
    for curie_ in sorted({t for s in SECTIONS for f in s.fields if f.predicate == predicate for t in s.types}):
        members = sorted(instances(ox.NamedNode(expand(curie_))), key=str)
        if members:
            return minted(predicate, ox.NamedNode(expand(curie_)), members[0], name, (True, True))
    raise AssertionError(f"no resource of a class that {predicate} names")


def minted(predicate: str, cls: ox.NamedNode, first: ox.NamedNode, name: ox.Literal,
           named: tuple[bool, bool]) -> Namesake:
    """The case of `first` and a new resource of class `cls`, in the graph that types `first` as one, each given
    `name` as `named` says."""
    second = ox.NamedNode(f"{first.value}-namesake")
    assert not list(DERIVED.quads_for_pattern(second, None, None, None))
    graph = min((q.graph_name for q in DERIVED.quads_for_pattern(first, RDF_TYPE, cls, None)), key=str)
    p = ox.NamedNode(expand(predicate))
    add = (ox.Quad(second, RDF_TYPE, cls, graph),
           *(ox.Quad(r, p, name, graph) for r, given in zip((first, second), named, strict=True) if given))
    return Namesake(predicate, cls, first, second, name, add)


# persons may share a name (two people, or two sources' records of one person until a curator judges them), so
# ambiguous-name-violation leaves foaf:Person out; person-candidates lists such pairs instead
PERSON_NAMES = {"foaf:name"}
NAMESAKES = [namesake(p) for p in NAME_PREDICATES if p not in PERSON_NAMES]


@pytest.mark.parametrize("cls", sorted(SCOPED, key=str), ids=lambda c: compact(c.value))
def test_two_of_a_scoped_class_with_one_name_are_no_violation(store: Any, cls: ox.NamedNode) -> None:
    """Two persons of one name, or two studies' time points both called "baseline", are no ambiguity."""
    predicate = ox.NamedNode(expand("foaf:name" if compact(cls.value) == "foaf:Person" else "skos:prefLabel"))
    first = min(instances(cls), key=str)
    (name, *_) = [q.object for q in DERIVED.quads_for_pattern(first, predicate, None, None)]
    graph = min((q.graph_name for q in DERIVED.quads_for_pattern(first, RDF_TYPE, cls, None)), key=str)
    second = ox.NamedNode(f"{first.value}-namesake")
    with changed(store, add=[ox.Quad(second, RDF_TYPE, cls, graph), ox.Quad(second, predicate, name, graph)]):
        assert rows(store, "ambiguous-name-violation") == ()
@pytest.mark.parametrize("case", [pytest.param(case, id=case.predicate) for case in NAMESAKES])
def test_ambiguous_name_is_reported_for_every_name_predicate(store: Any, case: Namesake) -> None:
    with changed(store, add=case.add):
        assert rows(store, "ambiguous-name-violation") == (case.row,)


def test_every_property_a_field_makes_is_guarded() -> None:
    """Each property the record format makes is a predicate the unquoted and unsourced cases probe, once some
    fixture gives it a value; the ones none gives yet are listed (NO_FIXTURE_GIVES), and leave the list when one
    does."""
    probed = {compact(p.value) for p in BY_PREDICATE}
    made = {f.predicate for s in SECTIONS for f in s.fields}
    assert sorted(made - probed) == sorted(NO_FIXTURE_GIVES)
