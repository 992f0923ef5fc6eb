"""Fields and sections of the record format: a field's kind, the property it becomes, its cardinality, whether the
graph requires it and whether it names the record; a section's class and fields. The sections themselves are
declared in kg.schema.sections."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.schema.kinds import Kind, Triple

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
    `names`: NAME or OTHER_NAME when its values name the record; `ordered`: a LIST whose order is the source's (a
    table's cell lists an intervention's components in print order), kept as each value's pikg:valuePosition on the
    statement that source makes (RDF's values have no order; a statement is its source's own, so two sources'
    orders never mix)."""

    name: str
    kind: Kind
    predicate: str
    doc: str
    cardinality: str = PER_SOURCE
    required: bool = False
    inverse: bool = False
    names: str = ""
    shape: str = ""  # its property shape's name after the node shape's (pikgsh:NODE-SHAPE); by default its name
    ordered: bool = False

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
    shape: str = ""  # the local name of its node shape (pikgsh:NAME); by default its segment, capitalised
    by_concept: bool = False  # keys are SCHEME/ID of existing vocabulary concepts
    curated: bool = False  # its records are a curator's judgements, not a source's statements: they cite no passage

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_of(self, name: str) -> Field:
        """The field of that name, which the caller knows the section has (KeyError otherwise)."""
        found = self.field(name)
        if found is None:
            raise KeyError(name)
        return found


SECTION_BY_NAME: dict[str, Section] = {}  # filled by kg.schema.sections, which declares them
