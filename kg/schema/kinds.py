"""The kinds of value a record field takes: what a curator writes, how the loader checks it, its JSON Schema, and
the RDF term it becomes. The plain kinds are here; references, concepts and the kinds that make nodes are in
kg.schema.structured; fields and sections, which use them, in kg.schema.fields and kg.schema.sections."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from kg.base.config import expand
from kg.base.lexical import XSD, check_lexical

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


def iri_term(value: str) -> Term:
    return Term(value, iri=True)


class FieldLike(Protocol):
    """What a kind needs of the field it serves (kg.schema.fields.Field), without importing it."""

    @property
    def name(self) -> str: ...
    @property
    def predicate(self) -> str: ...
    @property
    def doc(self) -> str: ...
    @property
    def inverse(self) -> bool: ...
    @property
    def many(self) -> bool: ...


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

    def wordings(self, items: tuple[Any, ...], extra: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """The texts a value carries in the source's words, with the key that holds them (`value` for the value
        itself): every number such a text prints must appear in the value's quote, as a number field's must
        (kg.load.numbers), unless the field names a record (a label's "Study 7" is a name, not a count)."""
        return tuple(("value", item) for item in items if isinstance(item, str)) if self.own_quote else ()

    def item_quotes(self, item: Any) -> tuple[str, ...]:
        """Words a checked value carries that the source prints (a table row's heading): each must occur verbatim
        in the source text, as a quote does."""
        return ()

    def field_schema(self, fld: FieldLike, concepts: Mapping[str, set[str]]) -> JSON:
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

    def triples(self, fld: FieldLike, subject: str, items: tuple[Any, ...], extra: Mapping[str, Any], base: str,
                source_id: str) -> Iterator[Triple]:
        """The triples a field's values make: one per value (reversed for an inverse field)."""
        predicate = expand(fld.predicate)
        for item in items:
            obj = self.term(item, base)
            yield (obj.value, predicate, iri_term(subject)) if fld.inverse else (subject, predicate, obj)


def is_text(item: Any) -> bool:
    return isinstance(item, str) and bool(item.strip())


@dataclass(frozen=True)
class Text(Kind):
    """Prose or a name in English: a literal tagged @en."""

    name: str = "text"
    own_quote: bool = True
    writes: str = "non-empty text in English"
    datatypes = ("rdf:langString",)

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if is_text(item):
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
        if not is_text(item):
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


DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


@dataclass(frozen=True)
class DecimalNumber(Kind):
    """A number as printed (1.93, 0.03, 40): a Decimal keeps its digits (1.10 stays 1.10, which a float would
    not), so the value is the source's and is checked against its quote like a whole number."""

    name: str = "decimal"
    writes: str = "a number as printed (1.93), in quotes to keep trailing zeros for the quote check (\"1.10\"); " \
        "the graph holds its value (1.1)"
    datatypes = ("xsd:decimal",)
    keys = NUMERIC_KEYS
    numeric = True

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> Decimal:
        text = repr(item) if isinstance(item, float) else str(item) if isinstance(item, int) and not isinstance(
            item, bool) else item
        if isinstance(text, str) and re.fullmatch(DECIMAL_PATTERN, text.strip()):
            try:
                return Decimal(text.strip())
            except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
                pass
        raise Refused(f"expected a number as printed (1.93, 40), got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": DECIMAL_PATTERN}]}

    def term(self, item: Any, base: str) -> Term:
        """The value in XSD 1.1's canonical form (9.0 as 9, 0.010 as 0.01): the form stores give back (Oxigraph
        rewrites a literal so; rdflib keeps it as written), so that every engine answers alike. The printed form
        stays in the quote."""
        text = format(item, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return Term("0" if text in ("", "-0") else text, datatype=XSD + "decimal")


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
DAY_MONTH_OR_YEAR_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


@dataclass(frozen=True)
class Date(Kind):
    """A day (xsd:date), or also a year alone (xsd:gYear) when `years`, and a month (xsd:gYearMonth, "searched to
    July 2013") when `months`; the calendar is checked (no 30 February)."""

    name: str = "date"
    years: bool = False
    months: bool = False
    keys = NUMERIC_KEYS
    numeric = True

    @property
    def pattern(self) -> str:
        return DAY_MONTH_OR_YEAR_PATTERN if self.months else DAY_OR_YEAR_PATTERN if self.years else DAY_PATTERN

    @property
    def datatypes(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("xsd:date", "xsd:gYearMonth", "xsd:gYear") if self.months else ("xsd:date", "xsd:gYear") \
            if self.years else ("xsd:date",)

    @property
    def writes(self) -> str:  # type: ignore[override]
        return "YYYY-MM-DD, YYYY-MM or YYYY" if self.months else "YYYY-MM-DD or YYYY" if self.years else "YYYY-MM-DD"

    def check(self, item: Any, concepts: Mapping[str, set[str]]) -> str:
        if isinstance(item, str) and re.fullmatch(self.pattern, item):
            reason = check_lexical(self._datatype(item), item)
            if reason:
                raise Refused(f"{item!r} is {reason}")
            return item
        wanted = ("a date YYYY-MM-DD, a month YYYY-MM or a year YYYY" if self.months else
                  "a date YYYY-MM-DD or a year YYYY" if self.years else "a date YYYY-MM-DD")
        raise Refused(f"expected {wanted}, got {item!r}")

    def item_schema(self, concepts: Mapping[str, set[str]]) -> JSON:
        return {"type": "string", "pattern": self.pattern}

    def _datatype(self, item: str) -> str:
        return XSD + {4: "gYear", 7: "gYearMonth"}.get(len(item), "date")

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



TEXT = Text()
ALIAS = Text("alias", own_quote=False, writes="non-empty text (a curator's, not quoted)")
REMARK = Text("remark", own_quote=False, writes="free text in English (a curator's, not quoted)")
STRING = String()
DOI = String("doi", pattern=r"^10\.[0-9]{4,9}/\S+$", wanted="a DOI: 10., a registrant code, a slash and the rest "
             "(10.1186/…), without https://doi.org/", writes="a DOI (10.1186/…), without https://doi.org/")
ORCID = String("orcid", pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$", wanted="an ORCID iD: four groups of "
               "four digits (0000-0002-1825-0097), without https://orcid.org/", writes="an ORCID iD "
               "(0000-0002-1825-0097)")
BOOLEAN = Boolean()
DATE = Date()
DATE_OR_YEAR = Date("date-or-year", years=True)
DATE_MONTH_OR_YEAR = Date("date-month-or-year", years=True, months=True)
LANGUAGE = Language()
POSITIVE = WholeNumber("positive-integer", 1, "positiveInteger", "a whole number of at least 1")
COUNT = WholeNumber("nonnegative-integer", 0, "nonNegativeInteger", "a whole number of at least 0")
DECIMAL = DecimalNumber()
CURATOR = String("curator", own_quote=False, writes="the curator's name or ORCID (a curator's, not quoted)")
CURATORS = (ALIAS, REMARK, CURATOR)  # kinds whose values are a curator's words, not the source's
