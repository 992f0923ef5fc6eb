"""The JSON Schema of record files (kg.schema.jsonschema): generated from the record format, committed as
records/record.schema.json, and in agreement with the loader on every fixture."""

from __future__ import annotations

import json

import jsonschema

from conftest import FIXTURES, ROOT, THIRD
from kg.base.config import resource_dir
from kg.load.records import _read_yaml
from kg.model.build import load_model
from kg.schema.jsonschema import record_schema
from kg.schema.vocabularies import concepts_by_scheme


def test_json_schema_is_generated_and_agrees_with_the_loader() -> None:
    committed = json.loads((ROOT / "records" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == record_schema(concepts_by_scheme(load_model()[1]))
    jsonschema.Draft202012Validator.check_schema(committed)
    validator = jsonschema.Draft202012Validator(committed)
    for path in [*resource_dir("records").glob("*.yaml"), THIRD, FIXTURES / "records" / "valid" / "fixture.yaml"]:
        assert not list(validator.iter_errors(_read_yaml(path))), path
    rejected = set()
    for path in sorted((FIXTURES / "records" / "invalid").glob("*.yaml")):
        try:
            data = _read_yaml(path)
        except Exception:
            continue  # not YAML the loader accepts at all
        if list(validator.iter_errors(data)):
            rejected.add(path.stem)
    # the structural mistakes an editor can flag while typing; references, quotes and concept keys need the loader
    assert rejected == {"missing-quote", "missing-source-field", "not-in-vocabulary", "single-value-list",
                        "unknown-field", "unknown-section", "weeks-duration", "wrong-boolean", "wrong-date",
                        "wrong-doi", "wrong-duration", "wrong-integer", "year-only-event-start"}
