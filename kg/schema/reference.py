"""The curator's field-by-field reference of the record format, in Markdown, written from the sections
(records/README.md embeds it between markers; `kg schema --reference`)."""

from __future__ import annotations

from kg.schema.fields import Kind
from kg.schema.kinds import Boolean, Date, DecimalNumber, Language, String, Text, WholeNumber
from kg.schema.sections import CARDINALITIES, RECORD_KEYS, SECTIONS, SOURCE_FIELDS, SOURCE_REQUIRED, VALUE_KEYS
from kg.schema.structured import Authors, Columns, Concept, Duration, Ref, Rows

REFERENCE_START, REFERENCE_END = "<!-- reference:start -->\n", "<!-- reference:end -->"

def kinds_used() -> list[Kind]:
    """One kind of each family the sections use: text first, structured values last."""
    order = (Text, String, Boolean, WholeNumber, DecimalNumber, Date, Language, Ref, Authors, Columns, Rows, Concept,
             Duration)
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
    lines += [f"| `{k.family or k.name}` | {k.writes} | {k.rdf} |" for k in kinds_used()]
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


def between(text: str, start_marker: str, end_marker: str, block: str, missing: str) -> str:
    """`text` with what lies between the two markers replaced by `block` (the markers kept): how every generated
    part of a hand-written file is written; ValueError(`missing`) when the markers are not there."""
    start = text.find(start_marker)
    end = text.find(end_marker, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        raise ValueError(missing)
    return text[:start + len(start_marker)] + block + text[end:]


def embed_reference(text: str) -> str:
    """`text` (records/README.md) with the generated reference between its markers replaced by the current one;
    ValueError when the markers are missing."""
    return between(text, REFERENCE_START, REFERENCE_END, format_reference(),
                   f"no {REFERENCE_START.strip()} … {REFERENCE_END} markers to write the reference between")
