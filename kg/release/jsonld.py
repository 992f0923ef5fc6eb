"""Compact JSON-LD written straight from N-Triples statements, with the context derived from the ontology.

rdflib's JSON-LD compaction and pyld's framing were too slow for a large graph (benchmarks/RESULTS.md); both are
replaced by this one mapping, which only does what our data needs (IRIs and literals, no blank nodes): a
property of ours becomes its context term when the value fits the term's type coercion, anything else keeps
its compact IRI with an explicit value object. tests/test_release.py reads every document back with pyld and
compares the triples with the graph's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kg.base.config import RDF_TYPE, XSD_STRING
from kg.base.terms import parse_literal, split

Embed = Callable[[str], "dict[str, Any] | None"]


_XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN, XSD_INTEGER = _XSD + "boolean", _XSD + "integer"
_INTEGERS = {_XSD + n for n in ("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
                                "unsignedShort", "unsignedByte")}


def native(lexical: str, datatype: str) -> bool | int | None:
    """The JSON boolean or number a literal can be written as, or None: only a canonical lexical form, which
    JSON-LD's toRdf turns back into the same literal (so that "012" or "1" for true keep their value object)."""
    if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
        return lexical == "true"
    if datatype in _INTEGERS and lexical.lstrip("-").isdigit() and str(int(lexical)) == lexical \
            and abs(int(lexical)) < 10**21:
        return int(lexical)
    return None


class Compactor:
    """Turns statements grouped by subject into compact JSON-LD node objects for one context."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.language = context.get("@language")
        self.vocab: str | None = context.get("@vocab")
        self._compacted: dict[str, str] = {}
        self.prefixes = sorted(((v, k) for k, v in context.items() if isinstance(v, str) and not k.startswith("@")
                                and v.endswith(("/", "#"))), key=lambda item: -len(item[0]))
        # property IRI → (term, coercion, whether an xsd:string is plain: "@language": null)
        self.terms: dict[str, tuple[str, str | None, bool]] = {}
        self.classes: dict[str, str] = {}
        for term, definition in context.items():
            if term.startswith("@") or not isinstance(definition, (str, dict)):
                continue
            if isinstance(definition, str):
                if ":" in definition and not definition.endswith(("/", "#")):
                    self.classes[self.expand(definition)] = term
                continue
            if "@reverse" in definition:
                continue
            coercion = definition.get("@type")
            self.terms[self.expand(definition["@id"])] = (
                term, self.expand(coercion) if coercion and not coercion.startswith("@") else coercion,
                "@language" in definition and definition["@language"] is None)
        self.keys = {term for term, _, _ in self.terms.values()}

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
            return self.terms[value][0]
        if self.vocab and value.startswith(self.vocab):
            local = value[len(self.vocab):]
            if local and local not in self.keys and ":" not in local and "/" not in local:
                return local
        return self.iri(value)

    def entry(self, predicate: str, obj: str, embed: Embed | None = None) -> tuple[str, Any]:
        """The key and value under which one (predicate, object) goes into a node object; `embed` may give a
        node object to put in place of a reference. A property keeps its term whatever the value: one that does
        not fit the term's coercion is written as an explicit value object, which coercion leaves alone."""
        term, coercion, plain = self.terms.get(predicate, (None, None, False))
        key = term or self.iri(predicate)
        if obj.startswith("<"):
            nested = embed(obj[1:-1]) if embed else None
            if nested is not None:
                return key, nested
            if coercion == "@vocab":
                return key, self.vocab_iri(obj[1:-1])
            value = self.iri(obj[1:-1])
            return key, value if coercion == "@id" else {"@id": value}
        lexical, language, datatype = parse_literal(obj)
        if coercion not in (None, "@id", "@vocab"):
            if datatype != coercion:
                return key, self._value_object(lexical, language, datatype)
            number = native(lexical, datatype)
            return key, lexical if number is None else number
        if coercion is None and datatype in (XSD_BOOLEAN, XSD_INTEGER):
            number = native(lexical, datatype)
            if number is not None:
                return key, number
        if language and not plain and language == self.language and coercion is None:
            return key, lexical
        if not language and datatype in (None, XSD_STRING) and coercion is None and (plain or not self.language):
            return key, lexical
        return key, self._value_object(lexical, language, datatype)

    def _value_object(self, lexical: str, language: str | None, datatype: str | None) -> dict[str, str]:
        if language:
            return {"@value": lexical, "@language": language}
        if datatype in (None, XSD_STRING):
            return {"@value": lexical}
        return {"@value": lexical, "@type": self.iri(datatype)}

    def node(self, subject: str, pairs: Iterable[tuple[str, str]], embed: Embed | None = None,
             extra: dict[str, list[Any]] | None = None) -> dict[str, Any]:
        out: dict[str, list[Any]] = {key: list(values) for key, values in (extra or {}).items()}
        types: list[str] = []
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and obj.startswith("<"):
                types.append(self.vocab_iri(obj[1:-1]))
                continue
            key, value = self.entry(predicate, obj, embed)
            out.setdefault(key, []).append(value)
        node: dict[str, Any] = {"@id": self.iri(subject)}
        if types:
            node["@type"] = sorted(set(types)) if len(set(types)) > 1 else types[0]
        for key in sorted(out):
            values = out[key]
            node[key] = values[0] if len(values) == 1 else _sorted(values)
        return node


def _sorted(values: list[Any]) -> list[Any]:
    """Values in a canonical order: plain strings, then references and nodes by IRI (two nodes of one IRI by
    their JSON, which is only made then), then value objects."""
    values = sorted(values, key=_order)
    ids = [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]
    if len(ids) != len(set(ids)):
        values.sort(key=lambda v: (*_order(v), json.dumps(v, sort_keys=True, ensure_ascii=False)
                                   if isinstance(v, dict) and len(v) > 1 else ""))
    return values


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


def document(context: dict[str, Any], statements: Iterable[str]) -> Iterator[str]:
    """The whole graph as one JSON-LD document, one node object per line (sorted statements in), as a stream of
    text that a large graph writes to its file as it goes."""
    compactor = Compactor(context)
    yield json.dumps({"@context": context}, ensure_ascii=False, indent=2)[:-2] + ',\n  "@graph": [\n'
    separator = ""
    for s, pairs in by_subject(statements):
        yield separator + json.dumps(compactor.node(s, pairs), ensure_ascii=False, sort_keys=True)
        separator = ",\n"
    yield "\n]}\n"
