"""Documentation that is derived from code or from the bundled graph must match it."""

from __future__ import annotations

import re

from conftest import BUNDLED, ROOT
from kg.query.catalogue import END, START, format_catalogue, main, render_readme
from kg.query.sparql import list_queries
from kg.schema import format_reference

# How README.md words a count (a number before the word) → where the counts file keeps it.
README_COUNTS = {
    "triples": ("triples",), "interventions": ("classes", "pikg:Intervention"),
    "components": ("classes", "pikg:InterventionComponent"), "studies": ("classes", "pikg:Study"),
    "publications": ("classes", "schema:ScholarlyArticle"), "persons": ("classes", "foaf:Person"),
    "authors": ("classes", "pikg:Authorship"), "outcomes": ("classes", "pikg:Outcome"),
    "findings": ("classes", "pikg:Finding"), "mechanisms": ("classes", "pikg:Mechanism"),
    "quoted passages": ("classes", "pikg:Passage"), "samples": ("classes", "pikg:StudySample"),
    "data sets": ("classes", "pikg:DataSet"), "factors": ("classes", "pikg:Factor"),
}


def test_record_format_reference_is_generated_from_the_schema() -> None:
    text = (ROOT / "records" / "README.md").read_text(encoding="utf-8")
    embedded = text.split("<!-- reference:start -->\n", 1)[1].split("<!-- reference:end -->", 1)[0]
    assert embedded == format_reference()


def test_queries_readme_lists_every_query() -> None:
    text = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    for spec in list_queries():
        assert f"| `{spec.name}` |" in text, spec.name


def test_queries_readme_table_is_generated_from_the_headers() -> None:
    """Regenerate with `python -m kg.query.catalogue`."""
    text = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    assert text.split(START, 1)[1].split(END, 1)[0] == format_catalogue()
    assert render_readme(text) == text
    assert main(["--check"]) == 0


def test_query_catalogue_shows_each_header() -> None:
    table = format_catalogue()
    rows = table.splitlines()[2:]
    assert len(rows) == len(list_queries()) == len(list((ROOT / "queries").glob("*.rq")))
    assert ("| `interventions-by-duration` | How long does each intervention last, shortest first, with approximate "
            "and open-ended durations flagged? With `max`, only those whose length is known and at most `max`. | "
            "`max` (optional) |") in rows
    assert rows[0].startswith("| `ambiguous-name-violation` | Which names (a preferred, alternative or hidden label")
    assert rows[0].endswith("(must return no rows; the build fails if it does) |  |")


def test_readme_states_the_bundled_graph_counts() -> None:
    """README.md's "What the graph holds" gives the counts of tests/fixtures/bundled-graph.json, each of them."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(text.split("\n## What the graph holds\n", 1)[1].split("\n## ", 1)[0].split())
    found = re.findall(rf"\b(\d[\d,]*) ({'|'.join(README_COUNTS)})\b", section)
    assert {word for _, word in found} == set(README_COUNTS), found
    for number, word in found:
        value = BUNDLED
        for key in README_COUNTS[word]:
            value = value[key]
        assert int(number.replace(",", "")) == value, (number, word)
    assert f"`kg build` prints the counts: {BUNDLED['triples']:,} triples;" in section
