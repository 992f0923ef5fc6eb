"""Identity across sources (kg.load.identity): ids, names, acronyms, declared aliases and titles name one node."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, Namespace, URIRef

from conftest import THIRD
from kg.base.config import Settings
from kg.load.identity import _singular
from kg.model.build import KnowledgeGraph, build
from kg.query.sparql import run_query
from kg.schema import SECTION_BY_NAME

PIKG = Namespace("https://w3id.org/pikg/ontology#")
ID = Namespace("https://w3id.org/pikg/id/")


def test_names_acronyms_and_aliases_resolve_to_one_node(corpus: tuple[Path, Path],
                                                         bundled_kg: KnowledgeGraph) -> None:
    kg = build(Settings.default(*corpus))
    ips = ID["intervention/ips"]
    assert (ID["study/fixture-ips-study"], PIKG.evaluates, ips) in kg.dataset  # by declared alias
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.intervention, ips) in kg.dataset  # by acronym
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.outcome, ID["outcome/personal-recovery"]) in kg.dataset
    assert (ID["finding/fixture-ips-personal-recovery"], PIKG.study, ID["study/fixture-ips-study"]) in kg.dataset
    rows = run_query(kg.dataset, "findings-for-intervention",
                     {"intervention": "individual placement and support intervention"}).rows
    bundled = run_query(bundled_kg.dataset, "findings-for-intervention", {"intervention": "IPS"}).rows
    assert len(rows) == len(bundled) + 1 and set(bundled) < set(rows)  # the bundled ones about IPS and the fixture's
    assert ("result", "personal recovery", "personal recovery", "beneficial", "", "", "", "", "", "all participants",
            "stated", "", "", "Individual placement and support", "A made-up study of IPS",
            "Individual Placement and Support (IPS) helped the participants towards personal recovery.") in rows


def test_identity_resolution_sees_hidden_labels(corpus: tuple[Path, Path]) -> None:
    kg = build(Settings.default(*corpus))
    hidden = URIRef("http://www.w3.org/2004/02/skos/core#hiddenLabel")
    assert (ID["intervention/ips"], hidden, Literal("individual placement and support intervention", lang="en")) \
        in kg.dataset


def test_a_publication_is_named_by_its_title(corpus: tuple[Path, Path]) -> None:
    """A title names a publication (the schema marks it a name), as `kg query` parameters already took it."""
    records, texts = corpus
    third = records / THIRD.name
    text = third.read_text(encoding="utf-8")
    third.write_text(text.replace("    reported_in: fixture-third-publication\n",
                                  "    reported_in: a made-up THIRD source\n"), encoding="utf-8")
    kg = build(Settings.default(records, texts))
    assert (ID["study/fixture-ips-study"], PIKG.reportedIn, ID["publication/fixture-third-publication"]) in kg.dataset


def test_singular_names_come_from_the_schema() -> None:
    assert {name: _singular(name) for name in ("studies", "persons", "findings")} == {
        "studies": "study", "persons": "person", "findings": "finding"}
    assert all(_singular(name) == section.segment for name, section in SECTION_BY_NAME.items())
