"""Conflicts: one meaning everywhere. Two sources giving different values for a single-valued field (cardinality ONE
in kg/schema/sections.py) are a disagreement that `kg validate`, `kg check`, `kg build` and `kg conflicts` all report
(the shapes' sh:maxCount 1 and pikgsh:OneValue; queries/conflicts.rq); typographic variants of one text (’ and ',
dashes, spaces) are one value for all of them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.base.config import Settings, expand, resource_dir
from kg.check.validate import load_shapes, validate, validate_file
from kg.cli import cli
from kg.model.build import KnowledgeGraph, build
from kg.query.sparql import list_queries, run_query, run_query_oxigraph
from kg.query.store import oxigraph_store
from kg.schema import ONE, SECTIONS

PIKG = Namespace("https://w3id.org/pikg/ontology#")
ID = Namespace("https://w3id.org/pikg/id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ONE_VALUE = URIRef("https://w3id.org/pikg/shapes#OneValue")
QUERY = next(spec for spec in list_queries() if spec.name == "conflicts").text
NAMES = [URIRef(expand(p)) for p in ("skos:prefLabel", "dcterms:title", "foaf:name", "schema:name")]  # the query's


def test_conflicts_are_kept_and_listed(corpus: tuple[Path, Path]) -> None:
    """The third source says IPS offers peer support, Table 1 that it does not: a conflict, both values kept. Its
    other duration is not one: a duration is one per source (each source's own DurationSpecification)."""
    kg = build(Settings.default(*corpus))
    report = validate(kg)
    assert report.conforms
    assert [v.constraint_id for v in report.conflicts] == ["Intervention-peerSupport--MaxCount"]
    assert set(kg.dataset.objects(ID["intervention/ips"], PIKG.peerSupport)) == {Literal(True), Literal(False)}
    table = "Table 1 of “The missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods"
    third = "A made-up third source (test fixture)"
    expected = (
        ("Individual placement and support", "peer support", "true", third,
         "The made-up programme offered peer support in groups."),
        ("Individual placement and support", "peer support", "false", table, "No"),
    )
    assert run_query(kg.dataset, "conflicts").rows == expected
    assert run_query_oxigraph(oxigraph_store(kg), "conflicts").rows == expected
    assert _pairs(kg, report.violations + report.conflicts) == _listed(expected)


def test_kg_conflicts_and_kg_check(corpus: tuple[Path, Path]) -> None:
    records, texts = corpus
    runner = CliRunner()
    result = runner.invoke(cli, ["conflicts", "--records", str(records), "--sources", str(texts), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == ("Individual placement and support,peer support,true,"
                                             "A made-up third source (test fixture),"
                                             "The made-up programme offered peer support in groups.")
    check = runner.invoke(cli, ["check", "--records", str(records), "--sources", str(texts)])
    assert check.exit_code == 0
    assert re.match(r"OK: \d+ files, \d+ records, \d+ quotes, \d+ triples, conforms, 1 conflicts \(", check.output)
    bundled = runner.invoke(cli, ["conflicts"])
    assert bundled.output == "No conflicts: no two sources give different values for a single-valued property.\n"


def test_the_bundled_graph_carries_a_typographic_variant(kg: KnowledgeGraph) -> None:
    """The abstract prints the article's title with ', Table 1 with ’: both titles are kept, and they are one
    value (the bundled graph conforms and `kg conflicts` lists nothing, test_kg_conflicts_and_kg_check)."""
    title = URIRef(expand("dcterms:title"))
    titles = {str(t) for t in kg.dataset.objects(ID["publication/missing-link-article"], title)}
    assert len(titles) == 2 and {t.replace("’", "'") for t in titles} == {min(titles)}
    report = validate(kg)
    assert report.conforms and report.conflicts == ()


# ------------------------------------------------------------------ the query covers what the shapes judge


def _query_properties() -> set[str]:
    prefixes = dict(re.findall(r"^PREFIX (\w+): <([^>]+)>", QUERY, re.M))
    block = re.search(r"VALUES \?p \{([^}]*)\}", QUERY)
    assert block, "queries/conflicts.rq lists its properties in one VALUES ?p block"
    return {prefixes[term.split(":")[0]] + term.split(":")[1] for term in block.group(1).split()}


def test_the_query_covers_exactly_the_single_valued_fields() -> None:
    """Derived from the record format, so that a new single-valued field cannot be missed by `kg conflicts`; a
    property single-valued in one section must not be a list in another (the query judges properties, not
    classes)."""
    one = {expand(f.predicate) for s in SECTIONS for f in s.fields if f.cardinality == ONE and not f.inverse}
    several = {expand(f.predicate) for s in SECTIONS for f in s.fields if f.cardinality != ONE}
    assert one & several == set()
    assert _query_properties() == one


def _normalisations(text: str) -> set[str]:
    """The REPLACE chains a query applies to STR(?x), with the variable and the layout left out."""
    chains = re.findall(r"REPLACE\(REPLACE\(REPLACE\(REPLACE\(REPLACE\(STR\(\?\w+\),(.*?\"\^ \| \$\", \"\"\))",
                        text, re.S)
    return {" ".join(chain.split()) for chain in chains}


def test_the_query_and_the_shape_normalise_text_alike() -> None:
    shapes = load_shapes()
    select = str(shapes.value(ONE_VALUE, SH.select))
    ours = _normalisations(select)
    assert len(ours) == 1
    assert _normalisations(QUERY) == ours
    for shape in shapes.subjects(SH.sparql, ONE_VALUE):
        assert (shape, RDF.type, SH.PropertyShape) in shapes, f"{shape}: pikgsh:OneValue needs a property shape's path"


SAME = [
    ("participants’ views", "participants' views"), ("the ‘Open Doors’ programme", "the 'Open Doors' programme"),
    ("the “Open Doors” programme", 'the "Open Doors" programme'), ("self‐esteem", "self-esteem"),
    ("2017–2018", "2017-2018"), ("yes—group-based", "yes-group-based"), ("−1", "-1"),
    ("everyday\u00a0life", "everyday life"), ("everyday\u2009life", "everyday life"),
    ("everyday  life", "everyday life"), ("everyday\n\tlife ", "everyday life"),
]
DIFFERENT = [
    ("Denmark", "Sweden"), ("Open Doors", "open doors"), ("selfesteem", "self-esteem"), ("self esteem", "self-esteem"),
    ("everydaylife", "everyday life"),
]


@pytest.mark.parametrize(("one", "other", "same"), [(a, b, True) for a, b in SAME]
                         + [(a, b, False) for a, b in DIFFERENT])
def test_typographic_variants_are_one_value(tmp_path: Path, one: str, other: str, same: bool) -> None:
    """pikgsh:OneValue on both engines (Oxigraph, as every command runs it, and pyshacl, the oracle)."""
    from test_shapes import oracle

    graph = Graph()
    article = URIRef("http://example.org/article")
    graph.add((article, RDF.type, URIRef(expand("schema:ScholarlyArticle"))))
    graph.add((article, URIRef(expand("dcterms:type")), URIRef("https://w3id.org/pikg/vocab/publication-type/"
                                                                 "journal-article")))
    for title in (one, other):
        graph.add((article, URIRef(expand("dcterms:title")), Literal(title, lang="en")))
    path = tmp_path / "article.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    report, _ = validate_file(path)
    expected = set() if same else {"Publication-title--SPARQL"}
    assert {v.constraint_id for v in report.violations} == expected
    assert {v.constraint_id for v in oracle(Graph().parse(path, format="nt")).violations} == expected


def test_a_language_or_datatype_makes_another_value(tmp_path: Path) -> None:
    path = tmp_path / "names.ttl"
    path.write_text('<http://example.org/p> a <http://xmlns.com/foaf/0.1/Person> ;\n'
                    '  <http://xmlns.com/foaf/0.1/name> "Lene Eplov" , "Lene Eplov"@da .\n', encoding="utf-8")
    report, _ = validate_file(path)
    assert sorted(v.constraint_id for v in report.violations) == [  # a person's name is a plain string (so the
        "Person-name--Datatype",  # tagged one is also ill-typed), and the two are one value each
        "Person-name--SPARQL", "Person-name--SPARQL"]


# ------------------------------------------------------------------ every command, on two small sources

TEXT_A = ("Peer support in participants’ everyday life – a study of the “Open Doors” programme\n\n"
          "The “Open Doors” programme offered peer support.\n")
TITLE_A = "Peer support in participants’ everyday life – a study of the “Open Doors” programme"
RECORDS_A = f"""source:
  id: source-a
  label: Source A (test fixture)
  text_file: source-a.txt
  quote: "{TITLE_A}"
publications:
  open-doors-article:
    quote: "{TITLE_A}"
    type: journal-article
    title: "{TITLE_A}"
interventions:
  open-doors:
    quote: "The “Open Doors” programme offered peer support."
    name: "The “Open Doors” programme"
    peer_support: true
"""
TITLE_B = 'Peer support in participants\' everyday\u00a0life - a study of the "Open Doors"  programme'
TITLE_B_DIFFERENT = 'Peer support in people\'s everyday life - a study of the "Open Doors" programme'


def _sources(tmp_path: Path, title_b: str, peer_support_b: str) -> tuple[Path, Path]:
    """Two made-up sources describing one article and one intervention; the second with its own title and its
    own word on peer support."""
    records, texts = tmp_path / "records", tmp_path / "texts"
    records.mkdir()
    texts.mkdir()
    (texts / "source-a.txt").write_text(TEXT_A, encoding="utf-8")
    (records / "a.yaml").write_text(RECORDS_A, encoding="utf-8")
    (texts / "source-b.txt").write_text(f'{title_b}\n\nThe "Open Doors" programme offered {peer_support_b}.\n',
                                        encoding="utf-8")
    (records / "b.yaml").write_text(f"""source:
  id: source-b
  label: Source B (test fixture)
  text_file: source-b.txt
  quote: {json.dumps(title_b, ensure_ascii=False)}
publications:
  open-doors-article:
    quote: {json.dumps(title_b, ensure_ascii=False)}
    title: {json.dumps(title_b, ensure_ascii=False)}
interventions:
  open-doors:
    quote: 'The "Open Doors" programme offered {peer_support_b}.'
    name: 'The "Open Doors" programme'
    peer_support: {str(peer_support_b == "peer support").lower()}
""", encoding="utf-8")
    return records, texts


def _pairs(kg: KnowledgeGraph, violations: tuple) -> set[tuple[str, str]]:
    """(resource, property) of the single-value violations and conflicts, named as queries/conflicts.rq names
    them (the least of the resource's names; the property's label, or its local name)."""
    ontology = Graph().parse(resource_dir("ontology") / "pikg.ttl", format="turtle")
    pairs = set()
    for v in violations:
        if not (str(v.component).endswith("MaxCountConstraintComponent") or v.constraint_id.endswith("--SPARQL")):
            continue
        names = [str(o) for p in NAMES for o in kg.dataset.objects(v.focus, p)]
        label = ontology.value(v.path, RDFS.label)
        pairs.add((min(names), str(label) if label else re.sub(r"^.*[#/]", "", str(v.path))))
    return pairs


def _listed(rows: tuple | list) -> set[tuple[str, str]]:
    return {(row[0], row[1]) for row in rows}


def test_typographic_variants_are_no_conflict_for_any_command(run, tmp_path: Path) -> None:
    records, texts = _sources(tmp_path, TITLE_B, "peer support")
    inputs = ("--records", str(records), "--sources", str(texts))
    validated = run("validate", *inputs)
    assert validated.exit_code == 0, validated.output
    assert validated.output.startswith("Validation: conforms to the shapes\n") and "Conflicts" not in validated.output
    built = run("build", *inputs, "--out", "out")
    assert built.exit_code == 0, built.output
    checked = run("check", *inputs)
    assert checked.exit_code == 0 and ", conforms, 0 conflicts (" in checked.output, checked.output
    listed = run("conflicts", *inputs)
    assert listed.output == "No conflicts: no two sources give different values for a single-valued property.\n"
    kg = build(Settings.default(records, texts))
    assert len(set(kg.dataset.objects(ID["publication/open-doors-article"], URIRef(expand("dcterms:title"))))) == 2


def test_a_real_difference_is_reported_by_every_command(run, tmp_path: Path) -> None:
    """A title that differs beyond typography, and a different word on peer support: both are conflicts between
    sources (pikgsh:OneValue for text, sh:maxCount 1 otherwise; both values kept, exit 0) that validate, check and
    build report alike and `kg conflicts` lists: the same (resource, property) pairs."""
    records, texts = _sources(tmp_path, TITLE_B_DIFFERENT, "no peer support")
    inputs = ("--records", str(records), "--sources", str(texts))
    validated = run("validate", *inputs)
    assert validated.exit_code == 0, validated.output
    assert ("Conflicts: 2 single-valued properties on which sources disagree; both values kept (see kg conflicts)"
            in validated.output)
    assert "[pikgsh:Publication-title SPARQL; focus <https://w3id.org/pikg/id/publication/open-doors-article>]" \
        in validated.output
    assert "[pikgsh:Intervention-peerSupport MaxCount; focus" in validated.output
    checked = run("check", *inputs)
    assert checked.exit_code == 0 and ", conforms, 2 conflicts (" in checked.output, checked.output
    built = run("build", *inputs, "--out", "out")
    assert built.exit_code == 0 and "pikgsh:Publication-title SPARQL" in built.output, built.output
    listed = run("conflicts", *inputs, "--format", "csv")
    assert listed.exit_code == 0
    rows = list(csv.reader(io.StringIO(listed.output)))[1:]
    kg = build(Settings.default(records, texts))
    report = validate(kg)
    assert _pairs(kg, report.violations + report.conflicts) == _listed(rows) == {
        (min(TITLE_A, TITLE_B_DIFFERENT), "title"), ('The "Open Doors" programme', "peer support")}
    assert {(row[2], row[3]) for row in rows if row[1] == "title"} == {
        (TITLE_A, "Source A (test fixture)"), (TITLE_B_DIFFERENT, "Source B (test fixture)")}


def _declaring(folder: Path, labels: dict[str, tuple[str, str]]) -> Path:
    """Made-up record files (not real data), each declaring study-design/cohort-study with its label and quote."""
    records = folder / "records"
    records.mkdir()
    for name, (label, quote) in labels.items():
        (records / f"{name}.yaml").write_text(
            f"source:\n  id: {name}\n  label: A made-up source\n  text_file: made-up.txt\n"
            f'  quote: "A made-up source."\n\nconcepts:\n  study-design/cohort-study:\n    quote: "{quote}"\n'
            f"    label: {label}\n", encoding="utf-8")
    return records


def test_two_labels_of_one_declared_concept_fail_naming_both_files(tmp_path: Path) -> None:
    """A concept has one label (SKOS: one prefLabel a language), so two files that declare it with different labels
    are refused, the message naming both files and lines, whichever command loads them (issue 25); the same label
    from two sources, each with its own quote, is one concept."""
    from kg.base.errors import RecordError
    from kg.load.corpus import load_records
    from kg.schema.vocabularies import concepts_by_scheme

    records = _declaring(tmp_path, {"a-source": ("cohort study", "We ran a cohort study."),
                                    "b-source": ("cohort analysis", "A cohort analysis followed.")})
    with pytest.raises(RecordError) as info:
        load_records(records, concepts_by_scheme())
    assert str(info.value) == (
        f"{records / 'b-source.yaml'}:10: concepts.study-design/cohort-study.label: 'cohort analysis' differs from "
        f"the label 'cohort study' that {records / 'a-source.yaml'}:10 declares for this concept; a concept has one "
        "label: give the same one (with a quote of this source: {value: LABEL, quote: …})")
    (records / "b-source.yaml").write_text((records / "b-source.yaml").read_text(encoding="utf-8").replace(
        "label: cohort analysis", 'label: {value: cohort study, quote: "A cohort analysis followed."}'),
        encoding="utf-8")
    files = load_records(records, concepts_by_scheme())
    assert [v.items for rf in files for rec in rf.records for v in rec.values if v.field.name == "label"] == [
        ("cohort study",), ("cohort study",)]
