"""The kinds whose values name other things or become nodes of their own: references to records, concepts of a
scheme, authors in byline order, a table's columns and rows in print order, and durations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.base.config import ID_RE, VOCAB_NS, expand
from kg.base.lexical import DURATION_HINT, DURATION_RE, XSD, duration_days
from kg.schema.fields import SECTION_BY_NAME
from kg.schema.kinds import (
    CURATORS,
    DURATION_QUALIFIERS,
    JSON,
    TEXT,
    TEXT_SCHEMA,
    FieldLike,
    Kind,
    Refused,
    Term,
    Triple,
    iri_term,
    is_text,
    suggest,
)


@dataclass(frozen=True)
class Ref(Kind):
    """The id or a name of a record of `section`, in any file: an IRI of that section's class."""

    section: str
    family = "ref:SECTION"
    writes = "the id or a name of a record of that section, in any file"

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"ref:{self.section}"

    @property
    def range(self) -> str | None:
        return SECTION_BY_NAME[self.section].types[0]

    @property
    def refers_to(self) -> str | None:
        return self.section

    @property
    def rdf(self) -> str:
        return "an IRI of that section's class"

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if is_text(item):
            return item  # an id or a name; resolved across all files once every file is loaded
        raise Refused(f"expected the id or name of a record, got {item!r}")

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return f" The id or a name of a record of `{self.section}`."

    def term(self, item: Any, base: str) -> Term:
        return iri_term(f"{base}{SECTION_BY_NAME[self.section].segment}/{item}")


@dataclass(frozen=True)
class Authors(Ref):
    """Persons in byline order: each becomes a pikg:Authorship with its position in the byline its source gives,
    and a dcterms:creator."""

    section: str = "persons"
    family = "authors"
    writes = "the ids or names of persons, in byline order"

    @property
    def name(self) -> str:  # type: ignore[override]
        return "authors"

    @property
    def range(self) -> str | None:
        return "pikg:Authorship"

    @property
    def rdf(self) -> str:
        return ("a `pikg:Authorship` per person and source (`pikg:author`, `pikg:authorPosition`) and "
                "`dcterms:creator`")

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return ""

    def triples(self, fld: FieldLike, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            person = self.term(item, base)
            yield from placed(fld, subject, at, "author", "pikg:Authorship", "pikg:authorPosition", "pikg:author",
                               person, source_id)
            yield subject, expand("dcterms:creator"), person


def placed(fld: FieldLike, subject: str, at: int, segment: str, cls: str, position: str, value: str,
            term: Term, source_id: str) -> Iterator[Triple]:
    """A node for the value at place `at` of the list (of class `cls`): the order a source gives (a byline, a
    table's columns or rows), which RDF's unordered values would lose. The node is the list's and its source's
    (`subject`/`segment`/`source_id`/N, as a duration is its source's): two sources that order one list each
    keep their own order, never a mix of the two (issue 25)."""
    node = place_node(subject, segment, source_id, at)
    yield subject, expand(fld.predicate), iri_term(node)
    yield node, expand("rdf:type"), iri_term(expand(cls))
    yield node, expand(value), term
    yield node, expand(position), Term(str(at), datatype=XSD + "positiveInteger")


def place_node(subject: str, segment: str, source_id: str, at: int) -> str:
    """The IRI of place `at` of a list that a source gives of `subject` (see placed)."""
    return f"{subject}/{segment}/{source_id}/{at}"


@dataclass(frozen=True)
class Columns(Ref):
    """The interventions a source table's columns describe, in print order: each column a pikg:TableColumn with
    its position (as Authors makes an authorship per person)."""

    section: str = "interventions"
    family = "columns"
    writes = "the ids or names of interventions, in print order (left to right)"

    @property
    def name(self) -> str:  # type: ignore[override]
        return "columns"

    @property
    def range(self) -> str | None:
        return "pikg:TableColumn"

    @property
    def rdf(self) -> str:
        return "a `pikg:TableColumn` per intervention and source (`pikg:position`, `pikg:columnIntervention`)"

    def triples(self, fld: FieldLike, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            yield from placed(fld, subject, at, "column", "pikg:TableColumn", "pikg:position",
                               "pikg:columnIntervention", self.term(item, base), source_id)


@dataclass(frozen=True)
class Rows(Kind):
    """Names of fields of `section` that a source table's rows show, in print order: each row a pikg:TableRow
    with its position and the field's property, and the heading the table prints for it where it prints one
    (`{components: Principles and/or methods}`: verbatim, checked against the source text; a row without a
    heading is a plain field name). A curator's fields (aliases, remarks) are not the source's, so no table
    prints them."""

    section: str = "interventions"
    family = "rows"
    writes = "names of fields of the interventions section (a curator's aliases and notes aside), in print order " \
        "(top to bottom); a row the table heads is `{FIELD: heading as printed}`"

    @property
    def name(self) -> str:  # type: ignore[override]
        return "rows"

    @property
    def range(self) -> str | None:
        return "pikg:TableRow"

    @property
    def rdf(self) -> str:
        return ("a `pikg:TableRow` per field and source (`pikg:position`, `pikg:rowProperty`: the field's property; "
                "`pikg:rowHeading`: the printed heading)")

    @property
    def fields(self) -> dict[str, str]:
        """The field names a row may show → their properties (CURIEs)."""
        return {f.name: f.predicate for f in SECTION_BY_NAME[self.section].fields if f.kind not in CURATORS}

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str | tuple[str, str]:
        """A field name, or (field name, heading) for a row written `{FIELD: heading}`."""
        allowed = list(self.fields)
        if isinstance(item, Mapping):
            if len(item) != 1:
                raise Refused(f"a headed row is one field and its heading ({{components: Principles and/or methods}}), "
                              f"got {len(item)} keys")
            [(name, heading)] = item.items()
            field = self.check(name, concepts)
            return (field if isinstance(field, str) else field[0], TEXT.check(heading, concepts))
        if isinstance(item, str) and item in allowed:
            return item
        raise Refused(f"{item!r} is not a field of `{self.section}`{suggest(str(item), allowed, 'Fields')}")

    def item_quotes(self, item: Any) -> tuple[str, ...]:
        return (item[1],) if isinstance(item, tuple) else ()

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        names = {"enum": list(self.fields)}
        return {"anyOf": [names, {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": names,
                                  "additionalProperties": dict(TEXT_SCHEMA)}]}

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return " Allowed: " + ", ".join(self.fields) + " (a headed row: {FIELD: heading as printed})"

    def term(self, item: Any, base: str) -> Term:
        return iri_term(expand(self.fields[item[0] if isinstance(item, tuple) else item]))

    def triples(self, fld: FieldLike, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            yield from placed(fld, subject, at, "row", "pikg:TableRow", "pikg:position", "pikg:rowProperty",
                               self.term(item, base), source_id)
            if isinstance(item, tuple):
                yield place_node(subject, "row", source_id, at), expand("pikg:rowHeading"), Term(item[1], lang="en")


@dataclass(frozen=True)
class Concept(Kind):
    """The id of a concept of `scheme` (ontology/vocabularies.ttl). An `open` scheme also takes a concept that a
    record file declares under `concepts:` (a design, a method or a role the bundled scheme lacks): the loader
    accepts any id here and checks it against the declarations once every file is read (kg.load.corpus)."""

    scheme: str
    open: bool = False
    family = "concept:SCHEME"
    writes = "the id of a concept of that scheme (ontology/vocabularies.ttl), or of an open scheme's concept a " \
        "record file declares under `concepts:`"

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"concept:{self.scheme}"

    @property
    def range(self) -> str | None:
        return "skos:Concept"

    @property
    def rdf(self) -> str:
        return "the concept's IRI"

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        allowed = sorted(concepts.get(self.scheme, ()))
        if item in allowed or (self.open and isinstance(item, str) and ID_RE.fullmatch(item)):
            return item
        if self.open:
            raise Refused(f"expected the id of a concept of the {self.scheme} scheme (lower-case letters, digits "
                          f"and hyphens), got {item!r}; declare a new one under `concepts:` as "
                          f"{self.scheme}/ID{suggest(str(item), allowed, 'Bundled')}")
        raise Refused(f"{item!r} is not in the {self.scheme} vocabulary{suggest(str(item), allowed)}")

    def undeclared(self, item: str, declared: set[str], concepts: Mapping[str, set[str]]) -> str | None:
        """The problem of an open scheme's concept that neither the bundled scheme nor any record file has."""
        known = sorted(concepts.get(self.scheme, set()) | declared)
        if item in known:
            return None
        return (f"{item!r} is not a concept of the {self.scheme} scheme; declare it under `concepts:` as "
                f"{self.scheme}/{item} with its label and quote{suggest(item, known, 'Known')}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        bundled: JSON = {"enum": sorted(concepts.get(self.scheme, ()))}
        return {"anyOf": [bundled, {"type": "string", "pattern": ID_RE.pattern}]} if self.open else bundled

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        tail = " (or one declared under `concepts:`)" if self.open else ""
        return " Allowed: " + ", ".join(sorted(concepts.get(self.scheme, ()))) + tail

    def term(self, item: Any, base: str) -> Term:
        return iri_term(f"{VOCAB_NS}{self.scheme}/{item}")


@dataclass(frozen=True)
class Duration(Kind):
    """How long: the source's wording, a qualifier, and (unless open-ended) an xsd:duration with its length in
    days, on a pikg:DurationSpecification node of the source's own."""

    name: str = "duration"
    family = "duration"
    writes = "`{value: P9M, qualifier: exact, text: Nine months}`; open-ended: no `value`"
    keys = ("value", "qualifier", "text", "quote", "quote_in")
    whole_mapping = True

    @property
    def range(self) -> str | None:
        return "pikg:DurationSpecification"

    @property
    def rdf(self) -> str:
        return ("a `pikg:DurationSpecification` (`pikg:durationText`, `pikg:durationQualifier`, "
                "`pikg:durationValue`, `pikg:durationInDays`)")

    @property
    def expected(self) -> str:
        """The problem of a duration not written as a mapping."""
        return (f"expected a mapping with `qualifier` ({', '.join(DURATION_QUALIFIERS)}), `value` ({DURATION_HINT}), "
                "`text` and `quote`")

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> Any:
        raise Refused(self.expected)

    def read(self, raw: Mapping[str, Any], lines: Mapping[str, int], line: int) -> tuple[tuple[Any, ...],
                                                                                         dict[str, Any]]:
        """(the value, or none when open-ended; the qualifier and the text) of a duration's mapping."""
        qualifier = raw.get("qualifier")
        if qualifier not in DURATION_QUALIFIERS:
            raise Refused(f"expected one of {', '.join(DURATION_QUALIFIERS)}, got {qualifier!r}",
                          lines.get("qualifier", line), ".qualifier")
        if "text" not in raw:
            raise Refused("missing `text`: the source's own wording of the duration", line)
        try:
            text = TEXT.check(raw["text"], {})
        except Refused as exc:
            raise Refused(exc.problem, lines["text"], ".text") from None
        value = raw.get("value")
        if qualifier == "open-ended":
            if value is not None:
                raise Refused("an open-ended duration has no value; remove `value`", lines["value"], ".value")
        else:
            vline = lines.get("value", line)
            if value is None:
                raise Refused(f"missing: expected {DURATION_HINT}", vline, ".value")
            if not isinstance(value, str) or not DURATION_RE.fullmatch(value):
                raise Refused(f"expected {DURATION_HINT}, got {value!r}", vline, ".value")
        return ((value,) if value else ()), {"qualifier": qualifier, "text": text}

    def wordings(self, items: tuple[Any, ...], extra: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        return (("text", extra["text"]),)

    def field_schema(self, fld: FieldLike, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "object", "description": fld.doc, "additionalProperties": False,
                "required": ["qualifier", "text"],
                "properties": {"value": {"type": "string", "pattern": DURATION_RE.pattern},
                               "qualifier": {"enum": list(DURATION_QUALIFIERS)}, "text": dict(TEXT_SCHEMA),
                               "quote": dict(TEXT_SCHEMA), "quote_in": dict(TEXT_SCHEMA)}}

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return " {value: P9M, qualifier: exact|approximate|open-ended, text: <source's words>, quote: …}"

    def placeholder(self, many: bool) -> str:
        return '{value: "", qualifier: exact, text: "", quote: ""}'

    def triples(self, fld: FieldLike, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        node = f"{subject}/duration/{source_id}"
        yield subject, expand(fld.predicate), iri_term(node)
        yield node, expand("rdf:type"), iri_term(expand("pikg:DurationSpecification"))
        yield node, expand("pikg:durationQualifier"), iri_term(f"{VOCAB_NS}duration-qualifier/{extra['qualifier']}")
        yield node, expand("pikg:durationText"), Term(extra["text"], lang="en")
        for item in items:
            yield node, expand("pikg:durationValue"), Term(item, datatype=XSD + "duration")
            yield node, expand("pikg:durationInDays"), Term(str(duration_days(item)), datatype=XSD + "integer")



DURATION = Duration()
AUTHORS = Authors()
COLUMNS = Columns()
ROWS = Rows()
