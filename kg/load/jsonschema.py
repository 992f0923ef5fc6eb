"""A JSON Schema for record files, generated from the record format, so that editors can autocomplete and
check record files while typing (YAML editors read `# yaml-language-server: $schema=record.schema.json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.base.lexical import DURATION_RE
from kg.load.records import DATE_RE, ID_RE, LANG_RE
from kg.load.schema import DURATION_QUALIFIERS, RECORD_KEYS, SECTIONS, SOURCE_FIELDS, VALUE_KEYS, Field

TEXT = {"type": "string", "minLength": 1}
SCHEMA_ID = "https://w3id.org/pikg/record.schema.json"


def _item(fld: Field, concepts: Mapping[str, set[str]]) -> dict[str, Any]:
    kind = fld.kind
    if kind.startswith("concept:"):
        return {"enum": sorted(concepts.get(kind[8:], ()))}
    if kind in ("integer", "positive-integer", "nonnegative-integer"):
        return {"type": "integer", **({"minimum": 1} if kind == "positive-integer" else
                                      {"minimum": 0} if kind == "nonnegative-integer" else {})}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "date":
        return {"type": "string", "pattern": DATE_RE.pattern}
    if kind == "language":
        return {"type": "string", "pattern": LANG_RE.pattern}
    return dict(TEXT)


def _field(fld: Field, concepts: Mapping[str, set[str]]) -> dict[str, Any]:
    quote = {"quote": dict(TEXT), "quote_in": dict(TEXT)}
    if fld.kind == "duration":
        return {"type": "object", "description": fld.doc, "additionalProperties": False,
                "required": ["qualifier", "text"],
                "properties": {"value": {"type": "string", "pattern": DURATION_RE.pattern},
                               "qualifier": {"enum": list(DURATION_QUALIFIERS)}, "text": dict(TEXT), **quote}}
    item = _item(fld, concepts)
    forms: list[dict[str, Any]] = [item,
                                   {"type": "object", "additionalProperties": False, "required": ["value"],
                                    "properties": {"value": item, **quote}}]
    if fld.many or fld.kind == "authors":
        forms += [{"type": "array", "items": item, "minItems": 1},
                  {"type": "object", "additionalProperties": False, "required": ["values"],
                   "properties": {"values": {"type": "array", "items": item, "minItems": 1}, **quote}}]
    return {"description": fld.doc, "anyOf": forms}


def record_schema(concepts: Mapping[str, set[str]]) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for section in SECTIONS:
        record = {
            "type": "object", "additionalProperties": False, "required": ["quote"],
            "properties": {**{k: {"description": d, **TEXT} for k, d in RECORD_KEYS.items()},
                           **{f.name: _field(f, concepts) for f in section.fields}},
        }
        key_pattern = (r"^[a-z0-9-]+/[a-z0-9-]+$" if section.by_concept else ID_RE.pattern)
        sections[section.name] = {"type": "object", "description": section.doc,
                                  "propertyNames": {"pattern": key_pattern}, "additionalProperties": record}
    source = {"type": "object", "additionalProperties": False, "required": ["id", "label", "text_file", "quote"],
              "properties": {k: {"description": d, **TEXT} for k, d in SOURCE_FIELDS.items()}}
    source["properties"]["id"]["pattern"] = ID_RE.pattern
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "pikg record file",
        "description": "One source document's curated facts; see records/README.md. Keys of a field written as a "
                       "mapping: " + "; ".join(f"{k}: {d}" for k, d in VALUE_KEYS.items()),
        "type": "object", "additionalProperties": False, "required": ["source"],
        "properties": {"source": source, **sections},
    }


def is_record_schema(data: bytes) -> bool:
    """Whether a file holds a record schema written by `kg schema` (which may then replace it)."""
    import json

    try:
        return json.loads(data).get("$id") == SCHEMA_ID
    except (ValueError, AttributeError):
        return False
