"""The shapes as SPARQL queries on Oxigraph: the product's one SHACL engine, for every graph and every command.

Each constraint of the subset of SHACL the project's shapes use (targetClass, targetObjectsOf; minCount,
maxCount, datatype, class, in, hasValue, pattern, minInclusive, an sh:or of datatypes; SHACL-SPARQL SELECT
constraints on node shapes, and on property shapes with $PATH standing for the path) becomes one query over all
focus nodes. tests/test_shapes.py checks that it reports exactly what pyshacl reports, on the bundled graph and on
every violating fixture; a shape using anything else is refused with a message, rather than silently not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.base.config import PREFIXES
from kg.base.terms import SH

SUBCLASS = f"<{PREFIXES['rdfs']}subClassOf>"
SUPPORTED = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.hasValue, SH.pattern,
             SH.minInclusive, SH["or"], SH.sparql, SH.path, SH.message, SH.name, SH.description, RDF.type}


@dataclass(frozen=True)
class Check:
    """One constraint as one query: it selects ?this (and ?value where there is one) for every violation.

    A datatype check selects every value (`datatypes` says which are allowed) and is judged in Python on the
    literals as written: Oxigraph's store keeps xsd:positiveInteger and the other integer types as xsd:integer, so
    DATATYPE() in a query cannot tell them apart."""

    shape: Node  # an IRI, or the blank node of a property shape written inline
    component: URIRef
    path: URIRef | None
    message: str
    query: str
    datatypes: tuple[str, ...] = ()

    def on(self, nodes: list[str]) -> str:
        """The query restricted to the given focus nodes (IRIs): what `kg check` re-runs after an edit."""
        values = f"VALUES ?this {{ {' '.join(f'<{n}>' for n in nodes)} }}\n"
        return self.query.replace(FOCUS, values)


def looks_beyond_focus(component: Node) -> bool:
    """Whether a result of this constraint component may change with the triples of the nodes the focus node
    points at (sh:class looks at a value's types, a SPARQL constraint may follow a path), not only with the focus
    node's own triples."""
    return component in (SH.ClassConstraintComponent, SH.SPARQLConstraintComponent)


def _targets(shapes: Graph, node_shape: Node) -> list[str]:
    patterns = [f"?this a/{SUBCLASS}* <{c}> ." for c in shapes.objects(node_shape, SH.targetClass)]
    patterns += [f"?subject <{p}> ?this ." for p in shapes.objects(node_shape, SH.targetObjectsOf)]
    return sorted(patterns)


FOCUS = "# focus nodes\n"  # where Check.on() puts a VALUES block of the focus nodes to check


def _focus(target: str) -> str:
    return f"{{ SELECT DISTINCT ?this WHERE {{ {FOCUS}{target} }} }}"


def compile_shapes(shapes: Graph) -> list[Check]:
    prefixes = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                       for d in sorted(shapes.objects(None, SH.declare), key=lambda d: str(shapes.value(d, SH.prefix))))
    checks: list[Check] = []
    for node_shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        for target in _targets(shapes, node_shape):
            focus = _focus(target)
            for ps in sorted(shapes.objects(node_shape, SH.property), key=str):
                checks += _property_checks(shapes, ps, focus, prefixes)
            for constraint in sorted(shapes.objects(node_shape, SH.sparql), key=str):
                checks.append(_sparql_check(shapes, constraint, focus, prefixes, constraint, None))
    return checks


def _sparql_check(shapes: Graph, constraint: Node, focus: str, prefixes: str, shape: Node,
                  path: URIRef | None) -> Check:
    """A SHACL-SPARQL SELECT constraint as one query over the focus nodes. On a property shape, $PATH is its
    path (as SHACL substitutes it) and the violation is named by the property shape, as pyshacl's sh:sourceShape
    does: one constraint node (pikgsh:OneValue) serves many fields, and the report must say which field."""
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise NotImplementedError(f"{constraint}: only SHACL-SPARQL constraints with sh:select are supported")
    inner = str(select).replace("$this", "?this")
    if path is not None:
        inner = inner.replace("$PATH", f"<{path}>")
    elif "$PATH" in inner:
        raise NotImplementedError(f"{constraint}: $PATH in a constraint of a node shape, which has no path")
    inner = inner.replace("WHERE {", "WHERE { " + FOCUS, 1)
    query = f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{\n  {{ {inner} }}\n  {focus}\n}}"
    return Check(URIRef(str(shape)), SH.SPARQLConstraintComponent, path, str(shapes.value(constraint, SH.message)),
                 query)


def _property_checks(shapes: Graph, ps: Node, focus: str, prefixes: str) -> list[Check]:
    unknown = {p for p in shapes.predicates(ps) if p not in SUPPORTED}
    if unknown:
        raise NotImplementedError(f"{ps}: the Oxigraph validator does not know {sorted(map(str, unknown))}")
    path = shapes.value(ps, SH.path)
    if not isinstance(path, URIRef):
        raise NotImplementedError(f"{ps}: only predicate paths are supported")
    message = str(shapes.value(ps, SH.message))
    each = f"{focus} ?this <{path}> ?value ."
    checks = []

    def add(component: str, query: str, datatypes: tuple[str, ...] = ()) -> None:
        checks.append(Check(ps, SH[f"{component}ConstraintComponent"], path, message, query, datatypes))

    counts = {
        "MinCount": (SH.minCount, "OPTIONAL {{ ?this <{path}> ?v }}", "<"),
        "MaxCount": (SH.maxCount, "?this <{path}> ?v .", ">"),
    }
    for component, (param, pattern, op) in counts.items():
        n = shapes.value(ps, param)
        if n is not None:
            values = pattern.format(path=path)
            add(component, f"SELECT ?this WHERE {{ {focus} {values} }} "
                           f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(str(n))})")
    datatype = shapes.value(ps, SH.datatype)
    if datatype is not None:
        add("Datatype", f"SELECT DISTINCT ?this ?value WHERE {{ {each} }}", (str(datatype),))
    cls = shapes.value(ps, SH["class"])
    if cls is not None:
        add("Class", f"SELECT DISTINCT ?this ?value WHERE {{ {each} "
                     f"FILTER NOT EXISTS {{ ?value a/{SUBCLASS}* <{cls}> }} }}")
    members = shapes.value(ps, SH["in"])
    if members is not None:
        listed = ", ".join(term.n3() for term in Collection(shapes, members))
        add("In", f"SELECT DISTINCT ?this ?value WHERE {{ {each} FILTER (?value NOT IN ({listed})) }}")
    value = shapes.value(ps, SH.hasValue)
    if value is not None:
        add("HasValue", f"SELECT DISTINCT ?this WHERE {{ {focus} "
                        f"FILTER NOT EXISTS {{ ?this <{path}> {value.n3()} }} }}")
    regex = shapes.value(ps, SH.pattern)
    if regex is not None:
        add("Pattern", f"SELECT DISTINCT ?this ?value WHERE {{ {each} "
                       f"FILTER (isBlank(?value) || !REGEX(STR(?value), {Literal(str(regex)).n3()})) }}")
    low = shapes.value(ps, SH.minInclusive)
    if low is not None:
        add("MinInclusive", f"SELECT DISTINCT ?this ?value WHERE {{ {each} "
                            f"FILTER (!COALESCE(?value >= {low.n3()}, false)) }}")
    alternatives = shapes.value(ps, SH["or"])
    if alternatives is not None:
        types = []
        for member in Collection(shapes, alternatives):
            kinds = set(shapes.predicates(member))
            if kinds != {SH.datatype}:
                raise NotImplementedError(f"{ps}: only sh:or of sh:datatype alternatives is supported")
            types.append(str(shapes.value(member, SH.datatype)))
        add("Or", f"SELECT DISTINCT ?this ?value WHERE {{ {each} }}", tuple(types))
    checks += [_sparql_check(shapes, constraint, focus, prefixes, ps, path)
               for constraint in sorted(shapes.objects(ps, SH.sparql), key=str)]
    return checks
