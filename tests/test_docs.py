"""Documentation that is derived from code must match it."""

from __future__ import annotations

from conftest import ROOT
from kg.load.schema import format_reference
from kg.query.sparql import list_queries


def test_record_format_reference_is_generated_from_the_schema() -> None:
    text = (ROOT / "records" / "README.md").read_text(encoding="utf-8")
    embedded = text.split("<!-- reference:start -->\n", 1)[1].split("<!-- reference:end -->", 1)[0]
    assert embedded == format_reference()


def test_queries_readme_lists_every_query() -> None:
    text = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    for spec in list_queries():
        assert f"| `{spec.name}` |" in text, spec.name
