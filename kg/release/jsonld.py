"""Compact JSON-LD written straight from N-Triples statements, with the context written from the model
(kg.schema.jsonld).

rdflib's JSON-LD compaction and pyld's framing were too slow for a large graph (benchmarks/RESULTS.md); both are
replaced by this one mapping, which only does what our data needs (IRIs and literals, no blank nodes) and gives
what JSON-LD compaction with the context gives: a property becomes the term whose coercion fits the value, in the
container the term declares (a set: always a list), a value no term fits keeps an explicit value object; lists a
source orders keep its order (Positions). tests/test_release.py and tests/test_jsonld_shapes.py read every
document back with pyld and pyoxigraph and compare the triples with the graph's, and compact them again with pyld.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from kg.base.config import ONTOLOGY_NS, PREFIXES, RDF_TYPE, XSD_STRING
from kg.base.lexical import INTEGERS, XSD
from kg.base.terms import parse_literal, split

Embed = Callable[[str], "dict[str, Any] | None"]
Place = tuple[str, int]  # where a source puts a value: (its list, its number in it); see Positions


XSD_BOOLEAN, XSD_INTEGER = XSD + "boolean", XSD + "integer"


def native(lexical: str, datatype: str) -> bool | int | None:
    """The JSON boolean or number a literal can be written as, or None: only a canonical lexical form, which
    JSON-LD's toRdf turns back into the same literal (so that "012" or "1" for true keep their value object)."""
    if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
        return lexical == "true"
    if datatype in INTEGERS and lexical.lstrip("-").isdigit() and str(int(lexical)) == lexical \
            and abs(int(lexical)) < 10**21:
        return int(lexical)
    return None


class Compactor:
    """Turns statements grouped by subject into compact JSON-LD node objects for one context, in the shape the
    context declares (kg.schema.jsonld): a key that is a set is always a list, any other a single value; a node
    is always `{"@id": …}`; a property with a term per datatype (a day, a year) takes the term that fits."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.language = context.get("@language")
        self.vocab: str | None = context.get("@vocab")
        self._compacted: dict[str, str] = {}
        self.prefixes = sorted(((v, k) for k, v in context.items() if isinstance(v, str) and not k.startswith("@")
                                and v.endswith(("/", "#"))), key=lambda item: -len(item[0]))
        # property IRI → its terms, in the context's order: (term, coercion, whether a string is plain:
        # "@language": null)
        self.terms: dict[str, list[tuple[str, str | None, bool]]] = {}
        self.many: dict[str, bool] = {}  # term → whether it is a set (always a list)
        self.classes: dict[str, str] = {}
        for term, definition in context.items():
            if term.startswith("@") or not isinstance(definition, (str, dict)):
                continue
            if isinstance(definition, str):
                if ":" in definition and not definition.endswith(("/", "#")):
                    self.classes[self.expand(definition)] = term
                continue
            self.many[term] = definition.get("@container") == "@set"
            if "@reverse" in definition:
                continue
            coercion = definition.get("@type")
            self.terms.setdefault(self.expand(definition["@id"]), []).append((
                term, self.expand(coercion) if coercion and not coercion.startswith("@") else coercion,
                "@language" in definition and definition["@language"] is None))
        self.keys = {term for terms in self.terms.values() for term, _, _ in terms}
        # property IRI → the term a node goes under, and its coercion
        self.node_terms = {p: next(((k, c) for k, c, _ in terms if c in (None, "@vocab", "@none")),
                                   (terms[0][0], terms[0][1])) for p, terms in self.terms.items()}

    def expand(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        for ns, known in self.prefixes:
            if known == prefix:
                return ns + local
        return name

    def iri(self, value: str) -> str:
        known = self._compacted.get(value)
        if known is None:
            known = next((f"{prefix}:{value[len(ns):]}" for ns, prefix in self.prefixes
                          if value.startswith(ns) and len(value) > len(ns)), value)
            self._compacted[value] = known
        return known

    def vocab_iri(self, value: str) -> str:
        """An IRI where a vocabulary-relative one is read (@type, "@type": "@vocab"): its term, a name of ours
        that @vocab resolves (a class), else its compact IRI."""
        if value in self.classes:
            return self.classes[value]
        if value in self.terms:
            return self.terms[value][0][0]
        if self.vocab and value.startswith(self.vocab):
            local = value[len(self.vocab):]
            if local and local not in self.keys and ":" not in local and "/" not in local:
                return local
        return self.iri(value)

    def entry(self, predicate: str, obj: str, embed: Embed | None = None) -> tuple[str, Any]:
        """The key and value under which one (predicate, object) goes into a node object; `embed` may give a
        node object to put in place of a reference. Of a property's terms the first whose coercion fits the value
        is taken; a value none fits (not one the records make) keeps the first term with an explicit value
        object, which coercion leaves alone."""
        if obj[0] == "<":
            target = obj[1:-1]
            key, coercion = self.node_terms.get(predicate) or (self.iri(predicate), None)
            if coercion == "@vocab":
                return key, self.vocab_iri(target)
            nested = embed(target) if embed and coercion != "@none" else None
            return key, nested if nested is not None else {"@id": self.iri(target)}
        known = predicate in self.terms
        terms = self.terms[predicate] if known else [(self.iri(predicate), None, False)]
        lexical, language, datatype = parse_literal(obj)
        if datatype == XSD_STRING:
            datatype = None
        if known:
            for key, coercion, plain in terms:
                if coercion == "@none":
                    return key, self._value_object(lexical, language, datatype)
                if coercion not in (None, "@id", "@vocab") and datatype == coercion:
                    number = native(lexical, datatype)
                    return key, lexical if number is None else number
                if coercion is None and not language and datatype is None and (plain or not self.language):
                    return key, lexical
                if coercion is None and language and not plain and language == self.language:
                    return key, lexical
        key = terms[0][0]
        if not known:  # a property without a term: JSON's booleans and numbers, and a string in the default language
            number = native(lexical, datatype) if datatype in (XSD_BOOLEAN, XSD_INTEGER) else None
            if number is not None:
                return key, number
            if (language and language == self.language) or (not language and datatype is None and not self.language):
                return key, lexical
        return key, self._value_object(lexical, language, datatype)

    def _value_object(self, lexical: str, language: str | None, datatype: str | None) -> dict[str, str]:
        if language:
            return {"@value": lexical, "@language": language}
        if datatype in (None, XSD_STRING):
            return {"@value": lexical}
        return {"@value": lexical, "@type": self.iri(datatype)}

    def node(self, subject: str, pairs: Iterable[tuple[str, str]], embed: Embed | None = None,
             extra: dict[str, list[Any]] | None = None, positions: Positions | None = None) -> dict[str, Any]:
        """The node object of `subject`; `extra`: lists of nodes to add (a framed document's reverse keys);
        `positions`: where a source puts each value of a list it orders, which the list keeps."""
        out: dict[str, list[Any]] = {key: list(values) for key, values in (extra or {}).items()}
        ranks = positions.of_subject.get(subject) if positions else None
        placed = positions.of_node if positions else None
        places: dict[str, dict[int, Place]] = {}  # key → index of a value in out[key] → its place
        types: list[str] = []
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and obj.startswith("<"):
                types.append(self.vocab_iri(obj[1:-1]))
                continue
            key, value = self.entry(predicate, obj, embed)
            bucket = out.get(key)
            if bucket is None:
                bucket = out[key] = []
            at = ranks.get((predicate, obj)) if ranks else None
            if at is None and placed and obj[0] == "<":
                at = placed.get(obj)
            if at is not None:
                places.setdefault(key, {})[len(bucket)] = at
            bucket.append(value)
        node: dict[str, Any] = {"@id": self.iri(subject)}
        if types:
            node["@type"] = sorted(set(types))
        for key in sorted(out):
            values = out[key]
            if len(values) > 1:
                node[key] = _sorted(values, places.get(key))
            else:
                node[key] = values if self.many.get(key, True) else values[0]
        return node


class Positions:
    """Where a source puts a value in a list it gives in order: the pikg:valuePosition of the statement that states
    the triple (an intervention's components: kg.schema's ordered fields), or a placed node's own (an authorship's
    pikg:authorPosition, a table column's or row's pikg:position). A position is (its list, its number): a
    statement's list is its passage's source, a placed node's the IRI it is numbered under (…/author/SOURCE/), so
    two sources' orders never interleave: the first source's list (in IRI order) comes whole, then the next's, and
    a value two sources place is placed by the first."""

    def __init__(self) -> None:
        self.of_subject: dict[str, dict[tuple[str, str], Place]] = {}  # subject → (predicate, object) → place
        self.of_node: dict[str, Place] = {}  # a placed node (as an N-Triples term, <IRI>) → its place

    def add(self, subject: str, pairs: Iterable[tuple[str, str]]) -> None:
        """A node's position, if it has one: a statement's is its triple's, any other node's its own."""
        found = dict(pairs)
        stated = found.get(_VALUE_POSITION)
        at = _whole(stated or found.get(_POSITION) or found.get(_AUTHOR_POSITION))
        if at is None:
            return
        if stated and _RDF_SUBJECT in found and _RDF_PREDICATE in found and _RDF_OBJECT in found:
            ranks = self.of_subject.setdefault(found[_RDF_SUBJECT][1:-1], {})
            pair = (found[_RDF_PREDICATE][1:-1], found[_RDF_OBJECT])
            place = (found.get(_DERIVED_FROM, "<>")[1:-1].rsplit("/", 1)[0], at)  # …/passage/SOURCE/hash: its source
            ranks[pair] = min(place, ranks.get(pair, place))
        elif not stated:
            self.of_node[f"<{subject}>"] = (subject.rsplit("/", 1)[0], at)

    @classmethod
    def scan(cls, statements: Sequence[str]) -> Positions:
        """The positions in sorted statements (a whole graph): a line is read only when it names a position (a
        substring test, at C speed), and then its subject's lines around it (sorted, they are next to it)."""
        found = cls()
        for i, line in enumerate(statements):
            if _MARK not in line:
                continue
            subject = line[:line.index(" ") + 1]
            first, last = i, i + 1
            while first > 0 and statements[first - 1].startswith(subject):
                first -= 1
            while last < len(statements) and statements[last].startswith(subject):
                last += 1
            found.add(subject[1:-2], (split(s)[1:] for s in statements[first:last]))
        return found


_POSITION, _AUTHOR_POSITION, _VALUE_POSITION = (ONTOLOGY_NS + n for n in ("position", "authorPosition",
                                                                          "valuePosition"))
_MARK = "osition> "  # in the predicates pikg:position, pikg:authorPosition and pikg:valuePosition


def _whole(term: str | None) -> int | None:
    """A position's number (None for anything but a literal of digits)."""
    if term is None or not term.startswith('"'):
        return None
    lexical = parse_literal(term)[0]
    return int(lexical) if lexical.isdigit() else None
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = (PREFIXES["rdf"] + n for n in ("subject", "predicate", "object"))
_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"


def _sorted(values: list[Any], places: dict[int, Place] | None = None) -> list[Any]:
    """Values in the source's order where it gives one (`places`: a value's index → its position; those first),
    then in a canonical order: plain strings, then references and nodes by IRI (two nodes of one IRI by their
    JSON, which is only made then), then value objects."""
    ids = [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]
    twins = len(ids) != len(set(ids))
    if not twins and not places:
        return sorted(values, key=_order)
    return [values[i] for i in sorted(range(len(values)), key=lambda i: (
        places is None or i not in places, (places or {}).get(i, ("", 0)), *_order(values[i]),
        json.dumps(values[i], sort_keys=True, ensure_ascii=False) if twins and isinstance(values[i], dict) else ""))]


def _order(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return ("0", value)
    if not isinstance(value, dict):  # a JSON boolean or number
        return ("0", json.dumps(value))
    if "@id" in value:
        return ("1", value["@id"])
    return ("2", str(value.get("@value")), str(value.get("@language", "")), str(value.get("@type", "")))


def by_subject(statements: Iterable[str]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(subject, [(predicate, object)]) for statements sorted by subject."""
    current: str | None = None
    pairs: list[tuple[str, str]] = []
    for statement in statements:
        s, p, o = split(statement)
        if s != current:
            if current is not None:
                yield current, pairs
            current, pairs = s, []
        pairs.append((p, o))
    if current is not None:
        yield current, pairs


def document(context: dict[str, Any], statements: Sequence[str]) -> Iterator[str]:
    """The whole graph as one JSON-LD document, one node object per line (sorted statements in), as a stream of
    text that a large graph writes to its file as it goes."""
    compactor = Compactor(context)
    positions = Positions.scan(statements)
    yield json.dumps({"@context": context}, ensure_ascii=False, indent=2)[:-2] + ',\n  "@graph": [\n'
    separator = ""
    for s, pairs in by_subject(statements):
        yield separator + json.dumps(compactor.node(s, pairs, positions=positions), ensure_ascii=False,
                                     sort_keys=True)
        separator = ",\n"
    yield "\n]}\n"
