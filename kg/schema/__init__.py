"""Stage 0, schema: the model declared once — the record format's sections and fields (`sections`, `fields`), the
kinds of value (`kinds`, `structured`) and the controlled values they take (`vocabularies`), each property's label
and definition (`properties`), the shapes' messages that say more than the generated ones (`messages`) — and what
is written from it (`generate`: the ontology's properties, the records' SHACL shapes, README's table of the
model; `jsonschema`; `reference`).

The names most stages need are re-exported here: `from kg.schema import SECTIONS`."""

from kg.schema.fields import LIST, NAME, ONE, OTHER_NAME, PER_SOURCE, SECTION_BY_NAME, Field, Section
from kg.schema.kinds import (
    CURATORS,
    DURATION_QUALIFIERS,
    JSON,
    NUMERIC_KEYS,
    TEXT,
    Kind,
    Refused,
    String,
    Term,
    Text,
    Triple,
    suggest,
)
from kg.schema.reference import REFERENCE_END, REFERENCE_START, embed_reference, format_reference
from kg.schema.sections import (
    CARDINALITIES,
    DESCRIBING,
    LABEL_PREDICATES,
    NAME_PREDICATES,
    OPEN_SCHEMES,
    RECORD_KEYS,
    RECORD_KINDS,
    SECTIONS,
    SOURCE_FIELDS,
    SOURCE_REQUIRED,
    VALUE_KEYS,
)
from kg.schema.structured import AUTHORS, COLUMNS, DURATION, ROWS, Authors, Columns, Concept, Duration, Ref, Rows

__all__ = [
    "AUTHORS",
    "CARDINALITIES",
    "COLUMNS",
    "CURATORS",
    "DESCRIBING",
    "DURATION",
    "DURATION_QUALIFIERS",
    "JSON",
    "LABEL_PREDICATES",
    "LIST",
    "NAME",
    "NAME_PREDICATES",
    "NUMERIC_KEYS",
    "ONE",
    "OPEN_SCHEMES",
    "OTHER_NAME",
    "PER_SOURCE",
    "RECORD_KEYS",
    "RECORD_KINDS",
    "REFERENCE_END",
    "REFERENCE_START",
    "ROWS",
    "SECTIONS",
    "SECTION_BY_NAME",
    "SOURCE_FIELDS",
    "SOURCE_REQUIRED",
    "TEXT",
    "VALUE_KEYS",
    "Authors",
    "Columns",
    "Concept",
    "Duration",
    "Field",
    "Kind",
    "Ref",
    "Refused",
    "Rows",
    "Section",
    "String",
    "Term",
    "Text",
    "Triple",
    "embed_reference",
    "format_reference",
    "suggest",
]
