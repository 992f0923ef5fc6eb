"""The record format: which sections a record file has, which fields each record takes, and for each field its
kind (what a value is and which RDF term it becomes), its cardinality, whether the graph requires it, and whether
it names the record.

Everything else that knows the format derives from these tables, so that nothing restates it by hand: the
loader's checks (kg.load.records), names and references (kg.load.identity), the graph (kg.model.build), the JSON
Schema (kg.schema.jsonschema), the skeletons of `kg new` (kg.load.scaffold), the name properties of queries and
the site, and the curator reference in records/README.md (`format_reference`, written by `kg schema
--reference`). tests/test_schema.py proves that the shapes and the ontology agree with them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.base.config import ID_RE, VOCAB_NS, expand
from kg.base.lexical import DURATION_HINT, DURATION_RE, XSD, check_lexical, duration_days

DURATION_QUALIFIERS = ("exact", "approximate", "open-ended")
SUGGEST_CUTOFF = 0.6  # difflib's similarity below which a misspelling gets no "did you mean"
SHOWN = 20  # allowed values a message lists before it says how many there are


def suggest(word: str, allowed: list[str], what: str = "Allowed", among: list[str] | None = None) -> str:
    """The tail of a message about a value outside `allowed`: the closest allowed one (or the closest of `among`,
    its other names), then the list."""
    close = difflib.get_close_matches(word, among or allowed, n=1, cutoff=SUGGEST_CUTOFF)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(allowed[:SHOWN]) + (f", … ({len(allowed)} in all)" if len(allowed) > SHOWN else "")
    return f"{hint} {what}: {shown or 'none'}"


class Refused(ValueError):
    """A value its kind does not accept. The loader adds the file, line and field; `line` and `at` (".value")
    point inside a value written as a mapping."""

    def __init__(self, problem: str, line: int | None = None, at: str = "") -> None:
        super().__init__(problem)
        self.problem, self.line, self.at = problem, line, at


@dataclass(frozen=True)
class Term:
    """An RDF term a value becomes: an IRI, or a literal with a datatype (a full IRI; None is a plain string) or
    a language. The builder writes it as N-Triples; keeping pyoxigraph out of the schema keeps it cheap to import
    (the CLI reads it for `kg new`'s choices)."""

    value: str
    iri: bool = False
    datatype: str | None = None
    lang: str | None = None


Triple = tuple[str, str, Term]  # subject IRI, predicate IRI, object
JSON = dict[str, Any]
TEXT_SCHEMA: JSON = {"type": "string", "minLength": 1}
NUMERIC_KEYS = ("value", "values", "quote", "quote_in", "derived_from")  # a number or a date may be derived
DERIVED_PATTERN = r"^[a-z]+/[a-z0-9][a-z0-9-]*$"  # SECTION/ID of the record a derived value comes from
DERIVED_SCHEMA: JSON = {"anyOf": [{"type": "string", "pattern": DERIVED_PATTERN},
                                  {"type": "array", "items": {"type": "string", "pattern": DERIVED_PATTERN},
                                   "minItems": 1}]}


def _iri(value: str) -> Term:
    return Term(value, iri=True)


class Kind:
    """What a field's values are. A kind checks a value as the loader reads it, describes it in JSON Schema,
    makes its RDF term (or the triples of a structured value), and tells a curator what to write. The kinds are
    the frozen dataclasses below, so they compare and pickle by value.

    Class attributes: `family` names the kind without its parameter (ref:SECTION) and `writes` says what a
    curator writes, both for the reference; `datatypes` are the literals it makes (CURIEs; none for an IRI);
    `own_quote`: a plain value is its own quote, so it must occur verbatim in the source; `keys`: what a value
    written as a mapping may hold; `whole_mapping`: the mapping is the value (a duration)."""

    name: str
    family: str = ""
    writes: str = ""
    datatypes: tuple[str, ...] = ()
    own_quote: bool = False
    keys: tuple[str, ...] = ("value", "values", "quote", "quote_in")
    whole_mapping: bool = False
    numeric: bool = False  # a number or a date: it must appear in its quote, or be marked derived (kg.load.numbers)

    def __str__(self) -> str:
        return self.name

    @property
    def range(self) -> str | None:
        """The rdfs:range (CURIE) its RDF terms fall in: the ontology's range of its property must be this."""
        return self.datatypes[0] if len(self.datatypes) == 1 else None

    @property
    def refers_to(self) -> str | None:
        """The section whose records its values name (resolved across files by kg.load.identity), if any."""
        return None

    @property
    def rdf(self) -> str:
        """What it becomes in RDF, for the reference."""
        return " or ".join(f"`{d}`" for d in self.datatypes)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> Any:
        """The value as the graph takes it; Refused with the problem otherwise."""
        raise NotImplementedError

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        """JSON Schema of one value."""
        return dict(TEXT_SCHEMA)

    def field_schema(self, fld: Field, concepts: Mapping[str, set[str]]) -> JSON:
        """JSON Schema of the field: the value written plainly or as a mapping with its quote (and as lists)."""
        item = self.item_schema(concepts)
        quote: JSON = {"quote": dict(TEXT_SCHEMA), "quote_in": dict(TEXT_SCHEMA)}
        if self.numeric:
            quote["derived_from"] = DERIVED_SCHEMA
        forms: list[JSON] = [item, {"type": "object", "additionalProperties": False, "required": ["value"],
                                    "properties": {"value": item, **quote}}]
        if fld.many:
            forms += [{"type": "array", "items": item, "minItems": 1},
                      {"type": "object", "additionalProperties": False, "required": ["values"],
                       "properties": {"values": {"type": "array", "items": item, "minItems": 1}, **quote}}]
        return {"description": fld.doc, "anyOf": forms}

    def read(self, raw: Mapping[str, Any], lines: Mapping[str, int], line: int) -> tuple[tuple[Any, ...],
                                                                                         dict[str, Any]]:
        """(values, extra facts) of a value that is a whole mapping (`whole_mapping`); `lines` are its keys'."""
        raise NotImplementedError

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        """What the skeleton's comment adds after the field's meaning (the allowed values)."""
        return ""

    def placeholder(self, many: bool) -> str:
        """The skeleton's value of a required field, for the curator to fill in."""
        return '{values: [""], quote: ""}' if many else '""'

    def term(self, item: Any, base: str) -> Term:
        """The RDF term of one checked value (`base`: the data's base IRI)."""
        raise NotImplementedError

    def triples(self, fld: Field, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        """The triples a field's values make: one per value (reversed for an inverse field)."""
        predicate = expand(fld.predicate)
        for item in items:
            obj = self.term(item, base)
            yield (obj.value, predicate, _iri(subject)) if fld.inverse else (subject, predicate, obj)


def _is_text(item: Any) -> bool:
    return isinstance(item, str) and bool(item.strip())


@dataclass(frozen=True)
class Text(Kind):
    """Prose or a name in English: a literal tagged @en."""

    name: str = "text"
    own_quote: bool = True
    writes: str = "non-empty text in English"
    datatypes = ("rdf:langString",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if _is_text(item):
            return item
        raise Refused(f"expected non-empty text, got {item!r}")

    @property
    def rdf(self) -> str:
        return "`rdf:langString` (`@en`)"

    def term(self, item: Any, base: str) -> Term:
        return Term(str(item), lang="en")


@dataclass(frozen=True)
class String(Kind):
    """A name or an identifier, not prose: a plain string; `pattern` (the shape's sh:pattern, if it has one)
    and `wanted` (how a message describes it) narrow it."""

    name: str = "string"
    pattern: str | None = None
    wanted: str = ""
    own_quote: bool = True
    writes: str = "non-empty text, as the source writes it"
    datatypes = ("xsd:string",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if not _is_text(item):
            raise Refused(f"expected non-empty text, got {item!r}")
        if self.pattern is not None and not re.fullmatch(self.pattern, item):
            raise Refused(f"expected {self.wanted}, got {item!r}")
        return item

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "string", "pattern": self.pattern} if self.pattern else dict(TEXT_SCHEMA)

    def term(self, item: Any, base: str) -> Term:
        return Term(str(item))


@dataclass(frozen=True)
class WholeNumber(Kind):
    """A whole number of at least `minimum` (0 or 1), as the XSD type that says so."""

    name: str
    minimum: int
    xsd: str
    writes: str = ""
    keys = NUMERIC_KEYS
    numeric = True

    @property
    def datatypes(self) -> tuple[str, ...]:  # type: ignore[override]
        return (f"xsd:{self.xsd}",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> int:
        if isinstance(item, int) and not isinstance(item, bool) and item >= self.minimum:
            return item
        raise Refused(f"expected a whole number of at least {self.minimum}, got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "integer", "minimum": self.minimum}

    def term(self, item: Any, base: str) -> Term:
        return Term(str(item), datatype=XSD + self.xsd)


@dataclass(frozen=True)
class Boolean(Kind):
    name: str = "boolean"
    writes: str = "true or false"
    datatypes = ("xsd:boolean",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> bool:
        if isinstance(item, bool):
            return item
        raise Refused(f"expected true or false, got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "boolean"}

    def term(self, item: Any, base: str) -> Term:
        return Term("true" if item else "false", datatype=XSD + "boolean")


# ASCII digits only: Python's \d takes any digit (Arabic-Indic "٢٠١٧" would pass as a year)
DAY_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DAY_OR_YEAR_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$"


@dataclass(frozen=True)
class Date(Kind):
    """A day (xsd:date), or also a year alone (xsd:gYear) when `years`; the calendar is checked (no 30 February)."""

    name: str = "date"
    years: bool = False
    keys = NUMERIC_KEYS
    numeric = True

    @property
    def pattern(self) -> str:
        return DAY_OR_YEAR_PATTERN if self.years else DAY_PATTERN

    @property
    def datatypes(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("xsd:date", "xsd:gYear") if self.years else ("xsd:date",)

    @property
    def writes(self) -> str:  # type: ignore[override]
        return "YYYY-MM-DD or YYYY" if self.years else "YYYY-MM-DD"

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if isinstance(item, str) and re.fullmatch(self.pattern, item):
            reason = check_lexical(self._datatype(item), item)
            if reason:
                raise Refused(f"{item!r} is {reason}")
            return item
        wanted = "a date YYYY-MM-DD or a year YYYY" if self.years else "a date YYYY-MM-DD"
        raise Refused(f"expected {wanted}, got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "string", "pattern": self.pattern}

    def _datatype(self, item: str) -> str:
        return XSD + ("gYear" if len(item) == 4 else "date")

    def term(self, item: Any, base: str) -> Term:
        return Term(str(item), datatype=self._datatype(str(item)))


LANG_PATTERN = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"


@dataclass(frozen=True)
class Language(Kind):
    name: str = "language"
    writes: str = "a BCP 47 language tag (en)"
    datatypes = ("xsd:language",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if isinstance(item, str) and re.fullmatch(LANG_PATTERN, item):
            return item
        raise Refused(f"expected a BCP 47 language tag such as en, got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "string", "pattern": LANG_PATTERN}

    def term(self, item: Any, base: str) -> Term:
        return Term(str(item), datatype=XSD + "language")


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
        if _is_text(item):
            return item  # an id or a name; resolved across all files once every file is loaded
        raise Refused(f"expected the id or name of a record, got {item!r}")

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return f" The id or a name of a record of `{self.section}`."

    def term(self, item: Any, base: str) -> Term:
        return _iri(f"{base}{SECTION_BY_NAME[self.section].segment}/{item}")


@dataclass(frozen=True)
class Authors(Ref):
    """Persons in byline order: each becomes a pikg:Authorship with its position, and a dcterms:creator."""

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
        return "a `pikg:Authorship` per person (`pikg:author`, `pikg:authorPosition`) and `dcterms:creator`"

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return ""

    def triples(self, fld: Field, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            person = self.term(item, base)
            yield from _placed(fld, subject, at, "author", "pikg:Authorship", "pikg:authorPosition", "pikg:author",
                               person)
            yield subject, expand("dcterms:creator"), person


def _placed(fld: Field, subject: str, at: int, segment: str, cls: str, position: str, value: str,
            term: Term) -> Iterator[Triple]:
    """A node for the value at place `at` of the list (`subject`/`segment`/N, of class `cls`): the order a source
    gives (a byline, a table's columns or rows), which RDF's unordered values would lose."""
    node = f"{subject}/{segment}/{at}"
    yield subject, expand(fld.predicate), _iri(node)
    yield node, expand("rdf:type"), _iri(expand(cls))
    yield node, expand(value), term
    yield node, expand(position), Term(str(at), datatype=XSD + "positiveInteger")


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
        return "a `pikg:TableColumn` per intervention (`pikg:position`, `pikg:columnIntervention`)"

    def triples(self, fld: Field, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            yield from _placed(fld, subject, at, "column", "pikg:TableColumn", "pikg:position",
                               "pikg:columnIntervention", self.term(item, base))


@dataclass(frozen=True)
class Rows(Kind):
    """Names of fields of `section` that a source table's rows show, in print order: each row a pikg:TableRow
    with its position and the field's property. A curator's fields (aliases, remarks) are not the source's, so no
    table prints them."""

    section: str = "interventions"
    family = "rows"
    writes = "names of fields of the interventions section (a curator's aliases and notes aside), in print order " \
        "(top to bottom)"

    @property
    def name(self) -> str:  # type: ignore[override]
        return "rows"

    @property
    def range(self) -> str | None:
        return "pikg:TableRow"

    @property
    def rdf(self) -> str:
        return "a `pikg:TableRow` per field (`pikg:position`, `pikg:rowProperty`: the field's property)"

    @property
    def fields(self) -> dict[str, str]:
        """The field names a row may show → their properties (CURIEs)."""
        return {f.name: f.predicate for f in SECTION_BY_NAME[self.section].fields if f.kind not in CURATORS}

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        allowed = list(self.fields)
        if isinstance(item, str) and item in allowed:
            return item
        raise Refused(f"{item!r} is not a field of `{self.section}`{suggest(str(item), allowed, 'Fields')}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"enum": list(self.fields)}

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return " Allowed: " + ", ".join(self.fields)

    def term(self, item: Any, base: str) -> Term:
        return _iri(expand(self.fields[item]))

    def triples(self, fld: Field, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        for at, item in enumerate(items, start=1):
            yield from _placed(fld, subject, at, "row", "pikg:TableRow", "pikg:position", "pikg:rowProperty",
                               self.term(item, base))


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
        return _iri(f"{VOCAB_NS}{self.scheme}/{item}")


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

    def field_schema(self, fld: Field, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "object", "description": fld.doc, "additionalProperties": False,
                "required": ["qualifier", "text"],
                "properties": {"value": {"type": "string", "pattern": DURATION_RE.pattern},
                               "qualifier": {"enum": list(DURATION_QUALIFIERS)}, "text": dict(TEXT_SCHEMA),
                               "quote": dict(TEXT_SCHEMA), "quote_in": dict(TEXT_SCHEMA)}}

    def hint(self, concepts: Mapping[str, set[str]]) -> str:
        return " {value: P9M, qualifier: exact|approximate|open-ended, text: <source's words>, quote: …}"

    def placeholder(self, many: bool) -> str:
        return '{value: "", qualifier: exact, text: "", quote: ""}'

    def triples(self, fld: Field, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        node = f"{subject}/duration/{source_id}"
        yield subject, expand(fld.predicate), _iri(node)
        yield node, expand("rdf:type"), _iri(expand("pikg:DurationSpecification"))
        yield node, expand("pikg:durationQualifier"), _iri(f"{VOCAB_NS}duration-qualifier/{extra['qualifier']}")
        yield node, expand("pikg:durationText"), Term(extra["text"], lang="en")
        for item in items:
            yield node, expand("pikg:durationValue"), Term(item, datatype=XSD + "duration")
            yield node, expand("pikg:durationInDays"), Term(str(duration_days(item)), datatype=XSD + "integer")


TEXT = Text()
ALIAS = Text("alias", own_quote=False, writes="non-empty text (a curator's, not quoted)")
REMARK = Text("remark", own_quote=False, writes="free text in English (a curator's, not quoted)")
STRING = String()
DOI = String("doi", pattern=r"^10\.[0-9]{4,9}/\S+$", wanted="a DOI: 10., a registrant code, a slash and the rest "
             "(10.1186/…), without https://doi.org/", writes="a DOI (10.1186/…), without https://doi.org/")
BOOLEAN = Boolean()
DATE = Date()
DATE_OR_YEAR = Date("date-or-year", years=True)
LANGUAGE = Language()
POSITIVE = WholeNumber("positive-integer", 1, "positiveInteger", "a whole number of at least 1")
COUNT = WholeNumber("nonnegative-integer", 0, "nonNegativeInteger", "a whole number of at least 0")
DURATION = Duration()
AUTHORS = Authors()
COLUMNS = Columns()
ROWS = Rows()
CURATORS = (ALIAS, REMARK)  # kinds whose values are a curator's words, not the source's

# Cardinality: how many values a field has.
ONE = "one"  # one value, and at most one in the graph: sources that disagree are a conflict (sh:maxCount 1)
PER_SOURCE = "one per source"  # one value in a record; each source may give its own
LIST = "list"  # one or more values

# Whether a field's values name the record (references and query parameters find it by them).
NAME = "name"  # its own name: shown for it (the site), and a name it is found by
OTHER_NAME = "other name"  # another name it is found by


@dataclass(frozen=True)
class Field:
    """One field of a record: its kind, the property it becomes, what it means; its cardinality (ONE, PER_SOURCE,
    LIST); `required`: the graph needs a value from some source (the shapes' sh:minCount 1: a record may leave
    it to another file, so the loader does not demand it); `inverse`: the record is the object of the property;
    `names`: NAME or OTHER_NAME when its values name the record."""

    name: str
    kind: Kind
    predicate: str
    doc: str
    cardinality: str = PER_SOURCE
    required: bool = False
    inverse: bool = False
    names: str = ""

    @property
    def many(self) -> bool:
        """Whether a record may list several values."""
        return self.cardinality == LIST

    def triples(self, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        """The triples of this field's checked values, for the record `subject` (an IRI) of source `source_id`."""
        return self.kind.triples(self, subject, items, extra, base, source_id)


@dataclass(frozen=True)
class Section:
    """A top-level section of a record file: a mapping from record id to record. `segment` is the singular
    (`kg new` KIND, messages) and the IRI path segment; `types` the classes of its records."""

    name: str
    types: tuple[str, ...]
    segment: str
    doc: str
    fields: tuple[Field, ...]
    scheme: str | None = None  # members are skos:Concepts of this scheme
    by_concept: bool = False  # keys are SCHEME/ID of existing vocabulary concepts

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


LABEL = Field("label", TEXT, "skos:prefLabel", "The preferred name, in English.", ONE, required=True, names=NAME)
ALT = Field("alt_names", TEXT, "skos:altLabel", "Other names used by the source, misspellings included.", LIST,
            names=OTHER_NAME)
ALIASES = Field("aliases", ALIAS, "skos:hiddenLabel", "Other names a curator declares so that references and "
                "queries find the record (not quoted: they are not the source's words).", LIST, names=OTHER_NAME)
NOTE = Field("curator_note", REMARK, "skos:editorialNote", "A curator's remark on how the record was made (free "
             "text, not quoted: never taken for the source's words).")
COMPONENT = Field("component", Ref("components"), "pikg:isComponent", "The intervention component it is, where "
                  "the source names one (peer-exchange).", ONE)

SECTIONS: tuple[Section, ...] = (
    Section(
        "publications", ("schema:ScholarlyArticle",), "publication", "Journal articles, conference abstracts.",
        (
            Field("type", Concept("publication-type"), "dcterms:type", "The kind of publication.", required=True),
            Field("title", TEXT, "dcterms:title", "The title as printed.", ONE, required=True, names=NAME),
            Field("journal", STRING, "pikg:journalTitle", "The journal's title.", ONE),
            Field("doi", DOI, "pikg:doi", "The DOI, without https://doi.org/.", ONE),
            Field("issued", DATE_OR_YEAR, "dcterms:issued", "Publication date (YYYY-MM-DD or YYYY).", ONE),
            Field("language", LANGUAGE, "dcterms:language", "Language of the text, as a BCP 47 tag (en)."),
            Field("pages", POSITIVE, "schema:numberOfPages", "Number of pages.", ONE),
            Field("status", STRING, "schema:creativeWorkStatus", "Publication status (Published)."),
            Field("authors", AUTHORS, "pikg:hasAuthorship", "Person ids, in byline order.", LIST),
            Field("presented_at", Ref("events"), "schema:workPresented", "The event it was presented at.",
                  inverse=True),
            NOTE,
        ),
    ),
    Section(
        "events", ("schema:Event",), "event", "Conferences.",
        (
            Field("name", TEXT, "schema:name", "The event's name.", required=True, names=NAME),
            Field("start", DATE, "schema:startDate", "First day (YYYY-MM-DD).", ONE),
            Field("end", DATE, "schema:endDate", "Last day (YYYY-MM-DD).", ONE),
            Field("location", Ref("places"), "schema:location", "Where it took place."),
            Field("number", POSITIVE, "pikg:conferenceNumber", "Its number in the conference series.", ONE),
            NOTE,
        ),
    ),
    Section(
        "places", ("schema:Place",), "place", "Cities where events took place.",
        (
            Field("name", STRING, "schema:name", "The place's name as the source writes it.", required=True,
                  names=NAME),
            Field("country", STRING, "schema:addressCountry", "The country's English name."),
            NOTE,
        ),
    ),
    Section(
        "persons", ("foaf:Person",), "person", "Authors.",
        (Field("name", STRING, "foaf:name", "Full name as printed.", ONE, required=True, names=NAME), ALIASES, NOTE),
    ),
    Section(
        "populations", ("pikg:TargetPopulation",), "population", "Who interventions are for.",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "components", ("pikg:InterventionComponent", "skos:Concept"), "component",
        "Principles and methods, one record however many interventions share it.",
        (LABEL, ALT, ALIASES,
         Field("kind", Concept("component-kind"), "pikg:componentKind", "Principle, method, or either.",
               required=True),
         NOTE),
        scheme="components",
    ),
    Section(
        "interventions", ("pikg:Intervention",), "intervention", "Psychosocial interventions: named programmes, "
        "and the categories reviews speak of (supported employment). Give only what the source describes.",
        (
            Field("name", TEXT, "skos:prefLabel", "The intervention's name.", ONE, required=True, names=NAME),
            ALT,
            ALIASES,
            Field("acronym", STRING, "pikg:acronym", "Abbreviation used by the source (IPS).", names=OTHER_NAME),
            Field("types", Concept("intervention-type", open=True), "dcterms:type",
                  "How the source characterises it.", LIST),
            Field("broader", Ref("interventions"), "pikg:broaderIntervention", "A category the source places it "
                  "in (IPS in supported employment), only where a source says so.", LIST),
            Field("aim", TEXT, "pikg:aim", "Its aim, in the source's words."),
            Field("target_population", Ref("populations"), "pikg:targetPopulation", "Who it is for."),
            Field("components", Ref("components"), "pikg:hasComponent", "Its principles and methods.", LIST),
            Field("duration", DURATION, "pikg:hasDuration", "How long it lasts."),
            Field("peer_support", BOOLEAN, "pikg:peerSupport", "Whether it offers peer support (true/false).", ONE),
            Field("delivery_mode", Concept("delivery-mode"), "pikg:deliveryMode", "How sessions are organised."),
            Field("sessions_led_by", Concept("provider-role", open=True), "pikg:sessionsLedBy",
                  "Who leads the sessions.", LIST),
            Field("delivered_by", Concept("provider-role", open=True), "pikg:deliveredBy", "Who delivers it.", LIST),
            Field("note", TEXT, "skos:note", "A note the source makes about it (a footnote)."),
            NOTE,
        ),
    ),
    Section(
        "studies", ("pikg:Study",), "study", "Studies that evaluated or synthesised interventions: primary "
        "studies, trials, reviews.",
        (
            LABEL,
            Field("design", Concept("study-design", open=True), "schema:studyDesign", "The study design."),
            Field("data_collection", Concept("data-collection", open=True), "pikg:dataCollectionMethod",
                  "How data were collected (semi-structured interview).", LIST),
            Field("analytic_approach", Concept("analytic-approach", open=True), "pikg:analyticApproach",
                  "The approach that guided the analysis (hermeneutic-phenomenological).", LIST),
            Field("analysis_method", Concept("analysis-method", open=True), "pikg:analysisMethod",
                  "The method of analysis (template method).", LIST),
            Field("sample_size", COUNT, "pikg:sampleSize", "Total number of participants, only where the source "
                  "states a total (samples: `samples`).", ONE),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "A review: the number of studies it "
                  "includes, as stated.", ONE),
            Field("country", STRING, "pikg:country", "Country where it was carried out.", ONE),
            Field("aim", TEXT, "pikg:aim", "Its aim, in the source's words."),
            Field("contrast", TEXT, "pikg:contrast", "A comparison the study is built on, in the source's words "
                  "(with and without peer support)."),
            Field("population", Ref("populations"), "pikg:targetPopulation", "Who the participants were."),
            Field("evaluates", Ref("interventions"), "pikg:evaluates", "Interventions it studied.", LIST),
            Field("reanalyses", Ref("datasets"), "pikg:reanalyses", "Existing data sets it analyses again.", LIST),
            Field("risk_of_bias", TEXT, "pikg:riskOfBias", "The risk of bias of its evidence, as the source "
                  "states it."),
            Field("reported_in", Ref("publications"), "pikg:reportedIn", "Publications reporting it.", LIST),
            NOTE,
        ),
    ),
    Section(
        "samples", ("pikg:StudySample",), "sample", "A study's samples (arms, participant groups, a review's "
        "trials of one category): each with its size and the interventions its participants took part in.",
        (
            LABEL,
            Field("study", Ref("studies"), "pikg:sampleOf", "The study it is a sample of.", ONE, required=True),
            Field("size", COUNT, "pikg:sampleSize", "Number of participants, as stated.", ONE),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "A review's sample: the number of studies "
                  "it pools, as stated.", ONE),
            Field("interventions", Ref("interventions"), "pikg:participatedIn",
                  "The interventions its participants took part in.", LIST),
            Field("data_origin", Concept("data-origin"), "pikg:dataOrigin", "Whether its data were collected for "
                  "this study or come from an existing data set.", ONE),
            Field("dataset", Ref("datasets"), "pikg:dataset", "The data set its data come from.", ONE),
            Field("population", Ref("populations"), "pikg:targetPopulation", "Who the participants were."),
            NOTE,
        ),
    ),
    Section(
        "datasets", ("pikg:DataSet",), "dataset", "Data sets (interview transcripts, trial data) that studies "
        "collect or re-analyse.",
        (
            LABEL,
            Field("description", TEXT, "dcterms:description", "What it holds, in the source's words."),
            Field("collected_by", Ref("studies"), "pikg:collectedBy", "The study that collected it, where a "
                  "source says so.", LIST),
            NOTE,
        ),
    ),
    Section(
        "outcomes", ("pikg:Outcome",), "outcome", "What interventions may change.",
        (LABEL, ALT, ALIASES,
         Field("recovery_kind", Concept("recovery-kind"), "pikg:recoveryKind", "Personal or clinical, only where "
               "a source classes it.", ONE),
         NOTE),
    ),
    Section(
        "phenomena", ("pikg:Phenomenon",), "phenomenon", "What qualitative findings are about when it is not an "
        "outcome (transfer to everyday life).",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "subgroups", ("pikg:ParticipantSubgroup",), "subgroup", "Subsets of a study's participants.",
        (LABEL, NOTE),
    ),
    Section(
        "mechanisms", ("pikg:Mechanism",), "mechanism", "Ways an intervention had its effect.",
        (LABEL, COMPONENT, NOTE),
    ),
    Section(
        "factors", ("pikg:Factor",), "factor", "Conditions that findings name as barriers or facilitators "
        "(illness intrusiveness, peer-exchange).",
        (LABEL, ALT, ALIASES, COMPONENT, NOTE),
    ),
    Section(
        "findings", ("pikg:Finding",), "finding", "What sources report: effect findings (an outcome and a "
        "direction), themes and review findings (a role: facilitator, barrier, pathway, gap, mechanism), and "
        "background claims about prior evidence. The record's quote is the supporting passage.",
        (
            LABEL,
            Field("type", Concept("finding-type"), "pikg:findingType", "Result, conclusion, theme, review finding "
                  "or background.", ONE, required=True),
            Field("study", Ref("studies"), "pikg:study", "The study it comes from (none for a background claim "
                  "about prior evidence).", ONE),
            Field("interventions", Ref("interventions"), "pikg:intervention", "The interventions it concerns.",
                  LIST),
            Field("all_interventions", BOOLEAN, "pikg:concernsAllInterventions", "true: it concerns every "
                  "intervention its study evaluates (the source singles none out).", ONE),
            Field("contrast", TEXT, "pikg:contrast", "A contrast it draws, in the source's words (with and without "
                  "peer support)."),
            Field("outcome", Ref("outcomes"), "pikg:outcome", "The outcome it is about, if any.", ONE),
            Field("phenomenon", Ref("phenomena"), "pikg:phenomenon", "The phenomenon it is about, if any "
                  "(transfer).", ONE),
            Field("role", Concept("finding-role"), "pikg:findingRole", "What it reports: a facilitator, barrier, "
                  "pathway, gap or mechanism.", ONE),
            Field("direction", Concept("direction"), "pikg:direction", "An effect's direction, only where the "
                  "source gives one.", ONE),
            Field("subgroup", Ref("subgroups"), "pikg:subgroup", "The subgroup it holds for (omit for everyone).",
                  ONE),
            Field("strength", Concept("assertion-strength"), "pikg:assertionStrength", "How firmly it is stated.",
                  ONE, required=True),
            Field("hedge", TEXT, "pikg:hedgeWording", "The hedging words, verbatim (may decrease).", ONE),
            Field("mechanisms", Ref("mechanisms"), "pikg:mechanism", "How the effect came about.", LIST),
            Field("facilitators", Ref("factors"), "pikg:facilitator", "Conditions it says helped.", LIST),
            Field("barriers", Ref("factors"), "pikg:barrier", "Conditions it says hindered.", LIST),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "The number of studies it rests on, as "
                  "stated.", ONE),
            Field("participants", COUNT, "pikg:participantCount", "The number of participants it rests on, as "
                  "stated.", ONE),
            Field("estimate", TEXT, "pikg:effectEstimate", "The effect estimate, verbatim (RR 1.2, 95% CI …).",
                  ONE),
            Field("certainty", Concept("certainty"), "pikg:certainty", "GRADE certainty of the evidence, where "
                  "stated.", ONE),
            Field("cerqual", Concept("certainty"), "pikg:cerqualConfidence", "GRADE-CERQual confidence in a "
                  "qualitative review finding, where stated.", ONE),
            NOTE,
        ),
    ),
    Section(
        "tables", ("pikg:SourceTable",), "table", "Tables of a source as it prints them: the interventions its "
        "columns describe and the fields its rows show, each in print order; a column's heading is the quote of the "
        "intervention's record in the same file (so quote the heading there). The site shows the table as printed.",
        (
            LABEL,
            Field("columns", COLUMNS, "pikg:hasColumn", "The interventions its columns describe, in print order "
                  "(left to right).", LIST, required=True),
            Field("rows", ROWS, "pikg:hasRow", "The fields of `interventions` its rows show, in print order (top to "
                  "bottom).", LIST),
            NOTE,
        ),
    ),
    Section(
        "concepts", (), "concept", "Facts a source states about a vocabulary concept (keys are SCHEME/ID). In an open "
        "scheme (designs, methods, intervention types, provider roles), a key the bundled scheme lacks declares a "
        "new concept: give its `label`.",
        (
            Field("label", TEXT, "skos:prefLabel", "A new concept's name, in the source's words.", ONE),
            Field("definition", TEXT, "skos:definition", "The source's definition of the concept."),
            Field("example", TEXT, "skos:example", "An example the source gives."),
            Field("credited_to", Ref("persons"), "pikg:creditedTo", "The person the source credits for it (a "
                  "method described by its author).", LIST),
        ),
        by_concept=True,
    ),
)

SECTION_BY_NAME: dict[str, Section] = {s.name: s for s in SECTIONS}
OPEN_SCHEMES = frozenset(f.kind.scheme for s in SECTIONS for f in s.fields if isinstance(f.kind, Concept)
                         and f.kind.open)
RECORD_KINDS: dict[str, str] = {s.segment: s.name for s in SECTIONS}  # `kg new KIND` → section


def _predicates(*roles: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.predicate for s in SECTIONS for f in s.fields if f.names in roles))


NAME_PREDICATES = _predicates(NAME, OTHER_NAME)  # every property whose values name a record (CURIEs)
LABEL_PREDICATES = _predicates(NAME)  # the properties of a record's own name, shown for it

SOURCE_FIELDS: dict[str, str] = {
    "id": "The source's id (lower-case letters, digits and hyphens); it names the source's graph.",
    "label": "A human-readable description of the source document.",
    "text_file": "File name of the source's plain text, in the sources folder, against which quotes are checked.",
    "publication": "The id of the publication the source document comes from.",
    "quote": "A passage identifying the document (its title).",
}
SOURCE_REQUIRED = ("id", "label", "text_file", "quote")

RECORD_KEYS: dict[str, str] = {
    "quote": "A verbatim passage of the source supporting the record; the quote of every field that gives none, "
    "except plain text values, which are their own quote.",
    "quote_in": "Another file of the sources folder the record's quote comes from (README.md).",
}

VALUE_KEYS: dict[str, str] = {
    "value": "The value (for a single value).",
    "values": "The values (for a list sharing one quote).",
    "quote": "The verbatim passage supporting this field.",
    "quote_in": "Another file of the sources folder the quote comes from.",
    "derived_from": "numbers and dates only: the value is not stated but derived (a sum, a conversion); the "
    "records it comes from, as SECTION/ID (samples/imr-sample). Without it, the value must appear in its quote.",
    "qualifier": "duration only: exact, approximate or open-ended.",
    "text": "duration only: the source's own wording.",
}

CARDINALITIES: dict[str, str] = {
    ONE: "one value; two sources giving different ones are a conflict (both kept, listed by `kg conflicts`)",
    PER_SOURCE: "one value in a record; each source may give its own",
    LIST: "one or more values (a list, or `values:` with one quote)",
}

REFERENCE_START, REFERENCE_END = "<!-- reference:start -->\n", "<!-- reference:end -->"


def _kinds() -> list[Kind]:
    """One kind of each family the sections use: text first, structured values last."""
    order = (Text, String, Boolean, WholeNumber, Date, Language, Ref, Authors, Columns, Rows, Concept, Duration)
    seen: dict[str, Kind] = {}
    for section in SECTIONS:
        for fld in section.fields:
            seen.setdefault(fld.kind.family or fld.kind.name, fld.kind)
    return sorted(seen.values(), key=lambda k: (order.index(type(k)), k.name))


def format_reference() -> str:
    """The field-by-field reference of the record format, in Markdown (records/README.md embeds it)."""
    lines = ["### `source` (one per file)", "", "| field | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc}{' (required)' if name in SOURCE_REQUIRED else ''} |"
              for name, doc in SOURCE_FIELDS.items()]
    lines += ["", "### Keys of every record", "", "| key | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc} |" for name, doc in RECORD_KEYS.items()]
    lines += ["", "### Keys of a field written as a mapping", "", "| key | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc} |" for name, doc in VALUE_KEYS.items()]
    lines += ["", "### Kinds of value", "", "| kind | write | RDF |", "| --- | --- | --- |"]
    lines += [f"| `{k.family or k.name}` | {k.writes} | {k.rdf} |" for k in _kinds()]
    lines += ["", "### How many values", "", "| values | meaning |", "| --- | --- |"]
    lines += [f"| {name} | {doc} |" for name, doc in CARDINALITIES.items()]
    lines += ["", "A **required** field is one the graph needs (the shapes' `sh:minCount 1`): some record file must "
              "give it, not necessarily every file that describes the record. A field marked **name** names the "
              "record (shown for it); **other name** is another name references and queries find it by."]
    for section in SECTIONS:
        types = ", ".join(f"`{t}`" for t in section.types) or "(an existing vocabulary concept)"
        lines += ["", f"### `{section.name}`: {section.doc}", "", f"Each record becomes a {types}.", "",
                  "| field | kind | values | RDF | meaning |", "| --- | --- | --- | --- | --- |"]
        for fld in section.fields:
            values = ", ".join(x for x in (fld.cardinality, "**required**" if fld.required else "",
                                           f"**{fld.names}**" if fld.names else "") if x)
            rdf = f"`{fld.predicate}`" + (" (inverse)" if fld.inverse else "")
            lines.append(f"| `{fld.name}` | {fld.kind} | {values} | {rdf} | {fld.doc} |")
    return "\n".join(lines) + "\n"


def embed_reference(text: str) -> str:
    """`text` (records/README.md) with the generated reference between its markers replaced by the current one;
    ValueError when the markers are missing."""
    start = text.find(REFERENCE_START)
    end = text.find(REFERENCE_END, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        raise ValueError(f"no {REFERENCE_START.strip()} … {REFERENCE_END} markers to write the reference between")
    return text[:start + len(REFERENCE_START)] + format_reference() + text[end:]
