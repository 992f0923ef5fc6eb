"""The JSON shape of the release's JSON-LD documents, declared with the model so that one rule gives every key one
shape: the JSON-LD context (its terms) and the JSON Schema of the documents follow from the fields and properties.

- a key per property: ours by its label (kg.schema.properties), the others' by OTHER_KEYS; a property whose values
  come in several literal forms has a key per form (`issued` a day, `issuedYear` a year; FORM_KEYS names the
  others), so that each key's value is one JSON type and a date is a JSON string;
- a key is a list (`"@container": "@set"`) when the property can have several values in the graph: a field that
  takes a value per source or a list, a text (its typographic variants are kept: a ONE text is sh:OneValue, not
  sh:maxCount 1), an inverse field, a property the builder writes that is not functional; otherwise a single value;
- a node is `{"@id": …}` wherever it is referred to (no coercion to a bare string), embedded or not;
- `@type` is always a list of terms: our classes through @vocab, the others' by their local names;
- a statement's `object` (rdf:object) may be any value, so it keeps its expanded form (`"@type": "@none"`):
  `{"@id": …}` or `{"@value": …}` with its `@type` or `@language`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.base.config import ONTOLOGY_NS, PREFIXES
from kg.base.lexical import DURATION_RE
from kg.schema.fields import ONE
from kg.schema.generate import fields_by_property, is_text
from kg.schema.kinds import DAY_PATTERN, LANG_PATTERN, Kind
from kg.schema.properties import PROPERTIES

DEFAULT_LANGUAGE = "en"  # the records' language: a string in it is a plain JSON string
TEXT, STRING, NODE, VOCAB, ANY = "text", "string", "@id", "@vocab", "@none"  # forms besides an XSD datatype

# The natural key of each property of another vocabulary (ours come from their labels).
OTHER_KEYS: dict[str, str] = {
    "skos:prefLabel": "name", "skos:altLabel": "altName", "skos:hiddenLabel": "hiddenName",
    "skos:definition": "definition", "skos:note": "note", "skos:editorialNote": "editorialNote",
    "skos:example": "example", "skos:notation": "notation", "skos:inScheme": "inScheme",
    "skos:closeMatch": "closeMatch", "skos:broadMatch": "broadMatch", "skos:relatedMatch": "relatedMatch",
    "dcterms:title": "title", "dcterms:description": "description", "dcterms:issued": "issued",
    "dcterms:language": "language", "dcterms:type": "category", "dcterms:creator": "creator",
    "dcterms:source": "source", "dcterms:isReferencedBy": "describedIn", "foaf:name": "fullName",
    "oa:exact": "quote", "prov:wasDerivedFrom": "derivedFrom", "rdf:subject": "subject",
    "rdf:predicate": "predicate", "rdf:object": "object", "rdfs:isDefinedBy": "definedBy",
    "schema:name": "eventName", "schema:addressCountry": "addressCountry", "schema:creativeWorkStatus": "status",
    "schema:startDate": "startDate", "schema:endDate": "endDate", "schema:location": "location",
    "schema:numberOfPages": "numberOfPages", "schema:volumeNumber": "volumeNumber",
    "schema:studyDesign": "studyDesign", "schema:workPresented": "workPresented",
}
# The form and cardinality (whether several values are possible) of the properties of other vocabularies that no
# field makes: the builder's (sources, passages, statements, authorships) and the vocabularies'.
BUILT: dict[str, tuple[str, bool]] = {
    "dcterms:isReferencedBy": (NODE, True), "dcterms:source": (NODE, False), "dcterms:creator": (NODE, True),
    "skos:inScheme": (NODE, True), "skos:notation": (STRING, True), "skos:closeMatch": (NODE, True),
    "skos:broadMatch": (NODE, True), "skos:relatedMatch": (NODE, True), "rdfs:isDefinedBy": (NODE, False),
    "oa:exact": (STRING, False), "prov:wasDerivedFrom": (NODE, True), "rdf:subject": (NODE, False),
    "rdf:predicate": (VOCAB, False), "rdf:object": (ANY, False),
}
# A key for a form of a property other than the first (a year, a month: FORM_SUFFIX after the natural key).
FORM_SUFFIX = {"xsd:gYear": "Year", "xsd:gYearMonth": "YearMonth"}
FORM_KEYS = {("schema:name", STRING): "placeName"}  # a place's name, as written (an event's is English text)
# Classes of other vocabularies that no section holds: the builder's statements, the vocabularies' schemes.
OTHER_CLASSES = ("rdf:Statement", "skos:ConceptScheme")


@dataclass(frozen=True)
class Key:
    """One JSON-LD term: its key, the property (CURIE), the form of its values (an XSD datatype, TEXT in the
    default language, STRING without one, NODE, VOCAB: a property's key, ANY: expanded form) and whether it is
    always a list."""

    key: str
    predicate: str
    form: str
    many: bool

    def definition(self) -> dict[str, Any]:
        found: dict[str, Any] = {"@id": self.predicate}
        if self.form not in (TEXT, STRING, NODE):
            found["@type"] = self.form
        if self.form == STRING:
            found["@language"] = None
        if self.many:
            found["@container"] = "@set"
        return found


def term_key(label: str, functional: bool = True) -> str:
    """A property's JSON key from its label, in lowerCamelCase: "has component" names the parts an intervention
    has, so a many-valued "has X" is keyed by the plural "Xs" ("components")."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", label) if w]
    plural = len(words) > 1 and words[0].lower() == "has" and not functional
    if len(words) > 1 and words[0].lower() == "has":
        words = words[1:]
    key = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    return key + "s" if plural else key


def kind_forms(kind: Kind) -> tuple[str, ...]:
    if not kind.datatypes:
        return (NODE,)
    return tuple(TEXT if d == "rdf:langString" else STRING if d == "xsd:string" else d for d in kind.datatypes)


def _prop_form(kind: str | None, rng: str | None) -> str:
    if kind in ("object", "annotation"):
        return NODE
    return TEXT if rng == "rdf:langString" else STRING if rng in (None, "xsd:string") else rng


def keys() -> list[Key]:
    """Every term of the context but the classes, in key order; ValueError when two share a key (or differ only
    by case: a JSON reader must not have to tell `study` from `Study`)."""
    made = fields_by_property()
    found: list[Key] = []
    for curie in sorted({*PROPERTIES, *made, *BUILT} - {"rdf:type"}):
        fields = made.get(curie, [])
        if fields:
            forms = list(dict.fromkeys(f for _, fld in fields for f in kind_forms(fld.kind)))
            many = not all(fld.cardinality == ONE and not is_text(fld.kind) and not fld.inverse for _, fld in fields)
        elif curie in BUILT:
            forms, many = [BUILT[curie][0]], BUILT[curie][1]
        else:
            prop = PROPERTIES[curie]
            forms, many = [_prop_form(prop.kind, prop.range)], not prop.functional
        if curie in PROPERTIES:
            prop = PROPERTIES[curie]
            natural = term_key(prop.label, not many)
        else:
            natural = OTHER_KEYS[curie]
        for form in forms:
            key = FORM_KEYS.get((curie, form)) or natural + FORM_SUFFIX.get(form, "")
            found.append(Key(key, curie, form, many))
    names = [k.key.lower() for k in found] + [c.lower() for c in _class_terms()] + list(PREFIXES)
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"JSON-LD terms that differ only by case or repeat: {', '.join(clashes)}")
    return sorted(found, key=lambda k: k.key)


def _class_terms() -> dict[str, str]:
    """The terms of the classes of other vocabularies (ours resolve through @vocab): their local names."""
    from kg.schema.sections import SECTIONS

    curies = {t for s in SECTIONS for t in s.types if not t.startswith("pikg:")} | set(OTHER_CLASSES)
    return {c.partition(":")[2]: c for c in sorted(curies)}


def context() -> dict[str, Any]:
    """The JSON-LD context of every document of the release (JSON-LD 1.1: `@type` as a set)."""
    found: dict[str, Any] = {"@version": 1.1, **dict(sorted(PREFIXES.items())),
                             "@language": DEFAULT_LANGUAGE, "@vocab": ONTOLOGY_NS,
                             "@type": {"@container": "@set"}}
    found.update(_class_terms())
    found.update((k.key, k.definition()) for k in keys())
    return found


# ------------------------------------------------------------------------------------------------ JSON Schema

SCHEMA_ID = "https://w3id.org/pikg/interventions.schema.json"
_XSD_SCHEMA: dict[str, dict[str, Any]] = {
    "xsd:date": {"type": "string", "pattern": DAY_PATTERN},
    "xsd:gYear": {"type": "string", "pattern": r"^[0-9]{4}$"},
    "xsd:gYearMonth": {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"},
    "xsd:boolean": {"type": "boolean"},
    "xsd:integer": {"type": "integer"},
    "xsd:nonNegativeInteger": {"type": "integer", "minimum": 0},
    "xsd:positiveInteger": {"type": "integer", "minimum": 1},
    "xsd:decimal": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
    "xsd:duration": {"type": "string", "pattern": DURATION_RE.pattern},
    "xsd:language": {"type": "string", "pattern": LANG_PATTERN},
}
_EXPANDED = {"oneOf": [
    {"type": "object", "required": ["@id"], "additionalProperties": False, "properties": {"@id": {"type": "string"}}},
    {"type": "object", "required": ["@value"], "additionalProperties": False,
     "properties": {"@value": {"type": "string"}, "@type": {"type": "string"}}},
    {"type": "object", "required": ["@value", "@language"], "additionalProperties": False,
     "properties": {"@value": {"type": "string"}, "@language": {"type": "string"}}},
]}


def _value_schema(key: Key, keys_: list[str]) -> dict[str, Any]:
    if key.form == NODE:
        return {"$ref": "#/$defs/node"}
    if key.form == VOCAB:
        return {"type": "string", "enum": [*keys_, "rdf:type"]}
    if key.form == ANY:
        return _EXPANDED
    if key.form in (TEXT, STRING):
        return {"type": "string"}
    return _XSD_SCHEMA[key.form]


def document_schema(classes: Iterable[str], frame: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a framed document (the release's interventions/*.jsonld): a node of the
    context's keys, each with the one shape its Key gives; `classes`: our classes' local names (@type's terms
    besides the other vocabularies'); `frame`: the terms a framed document adds (lists of nodes)."""
    all_keys = keys()
    names = [k.key for k in all_keys]
    properties: dict[str, Any] = {
        "@context": {"type": "array"},
        "@id": {"type": "string", "minLength": 1},
        "@type": {"type": "array", "minItems": 1, "uniqueItems": True,
                  "items": {"enum": sorted({*classes, *_class_terms()})}},
    }
    for key in all_keys:
        value = _value_schema(key, names)
        properties[key.key] = {"type": "array", "minItems": 1, "items": value} if key.many else value
    for term in frame:
        properties[term] = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/node"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "pikg framed intervention document",
        "description": "One intervention of the pikg release as a framed JSON-LD document (interventions/*.jsonld): "
                       "each key has one shape, a list when the property can have several values, a single value "
                       "otherwise; a node is an object with @id wherever it is referred to; dates are strings of "
                       "their XSD type; a statement's object keeps its expanded form. A node of the whole graph "
                       "(pikg.jsonld's @graph) is #/$defs/node.",
        "type": "object", "required": ["@context", "@id", "@type"],
        "$ref": "#/$defs/node",
        "$defs": {"node": {"type": "object", "required": ["@id"], "additionalProperties": False,
                           "properties": properties}},
    }
