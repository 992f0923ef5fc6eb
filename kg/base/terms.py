"""RDF terms in one place: N-Triples terms written (iri, curie, literal: the build's statements) and read back
(split, parse_literal), and conversion between rdflib terms (the library's graph API) and pyoxigraph terms (a
strict, fast Rust parser and serialiser)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.base.config import LANG_STRING, PREFIXES, XSD_STRING, expand

SH = Namespace(PREFIXES["sh"])


def split(statement: str) -> tuple[str, str, str]:
    """Subject IRI, predicate IRI and object term of an N-Triples statement written by kg.model.build."""
    s, p, o = statement.split(" ", 2)
    return s[1:-1], p[1:-1], o


def parse_literal(term: str) -> tuple[str, str | None, str | None]:
    """An N-Triples literal as (lexical form, language, datatype IRI)."""
    end = term.rindex('"')
    raw = term[1:end]
    if "\\" in raw:
        literal = next(iter(ox.parse(f"<x:s> <x:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object
        value = literal.value
    else:
        value = raw
    rest = term[end + 1:]
    if rest.startswith("@"):
        return value, rest[1:], None
    if rest.startswith("^^"):
        return value, None, rest[3:-1]
    return value, None, None


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"cannot convert {term!r}")


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype in (XSD_STRING, LANG_STRING):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def triples_to_ox(triples: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]  # type: ignore[arg-type]  # never literals


def iri(value: str) -> str:
    """An IRI as an N-Triples term."""
    return f"<{value}>"


def curie(name: str) -> str:
    """prefix:local as an N-Triples IRI term."""
    return iri(expand(name))


def literal(value: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal as an N-Triples term, escaped by pyoxigraph."""
    if lang:
        return str(ox.Literal(value, language=lang))
    return str(ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None))


class _NoWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.WARNING


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """rdflib logs a warning, with a traceback, for every literal it cannot convert to a Python value (year
    10000, "abc" as an xsd:integer) and for an IRI it finds odd. Our data's literals were judged already
    (kg.base.lexical) and an endpoint's answer is data shown as it came, so neither is worth a word on stderr."""
    logger = logging.getLogger("rdflib.term")
    quiet = _NoWarnings()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
