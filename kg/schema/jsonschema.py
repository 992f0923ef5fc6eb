"""A JSON Schema for record files, generated from the record format, so that editors can autocomplete and
check record files while typing (YAML editors read `# yaml-language-server: $schema=record.schema.json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.base.config import ID_RE
from kg.schema.kinds import JSON, TEXT_SCHEMA
from kg.schema.sections import RECORD_KEYS, SECTIONS, SOURCE_FIELDS, SOURCE_REQUIRED, VALUE_KEYS

SCHEMA_ID = "https://w3id.org/pikg/record.schema.json"


def record_schema(concepts: Mapping[str, set[str]]) -> dict[str, Any]:
    """The JSON Schema of a record file; each field's part comes from its kind."""
    sections: dict[str, Any] = {}
    for section in SECTIONS:
        keys = {} if section.curated else RECORD_KEYS  # a curator's judgement cites no passage
        record = {
            "type": "object", "additionalProperties": False,
            "required": [f.name for f in section.fields if f.required] if section.curated else ["quote"],
            "properties": {**{k: {"description": d, **TEXT_SCHEMA} for k, d in keys.items()},
                           **{f.name: f.kind.field_schema(f, concepts) for f in section.fields}},
        }
        key_pattern = (r"^[a-z0-9-]+/[a-z0-9-]+$" if section.by_concept else ID_RE.pattern)
        sections[section.name] = {"type": "object", "description": section.doc,
                                  "propertyNames": {"pattern": key_pattern}, "additionalProperties": record}
    source: JSON = {"type": "object", "additionalProperties": False, "required": list(SOURCE_REQUIRED),
              "properties": {k: {"description": d, **TEXT_SCHEMA} for k, d in SOURCE_FIELDS.items()}}
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
