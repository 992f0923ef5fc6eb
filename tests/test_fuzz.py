"""Fuzzing the record loader (Hypothesis, a bounded number of examples): whatever a record file holds, loading
it ends in records or in one RecordError that names the file, never in another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.base.config import resource_dir
from kg.base.errors import KGError
from kg.load.corpus import load_records
from kg.schema.vocabularies import concepts_by_scheme

CONCEPTS = concepts_by_scheme()
REAL = sorted(resource_dir("records").glob("*.yaml"))[0].read_bytes()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            load_records(Path(folder), CONCEPTS)
        except KGError as exc:
            assert "fuzz.yaml" in str(exc), str(exc)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _load(data)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                                          inner, max_size=4),
                      max_leaves=30)
KEYS = st.sampled_from(["source", "interventions", "studies", "findings", "components", "id", "label", "quote",
                        "text_file", "quote_in", "value", "values", "duration", "name", "aim", "x"])


@FUZZ
@given(st.dictionaries(KEYS, st.dictionaries(KEYS | st.text(max_size=8), VALUES, max_size=5), max_size=5))
def test_random_structures(data: dict) -> None:
    _load(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(REAL)), st.integers(0, 40), st.binary(max_size=12)), min_size=1,
                max_size=6))
def test_mutated_real_record_file(edits: list[tuple[int, int, bytes]]) -> None:
    data = REAL
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut:]
    _load(data)


@FUZZ
@given(st.text(alphabet="&*[]{}:-, \nabc!|>'\"#%@`", max_size=300))
def test_yaml_punctuation(text: str) -> None:
    _load(text.encode("utf-8"))
