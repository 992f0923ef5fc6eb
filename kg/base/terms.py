"""Conversion between rdflib terms (the library's graph API) and pyoxigraph terms (a strict, fast Rust parser
and serialiser used for input checking and RDF/XML output)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]


def quads_from_ox(quads: Iterable[ox.Quad]) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    for quad in quads:
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else from_ox(quad.graph_name)
        yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), graph
