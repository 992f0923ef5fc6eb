"""The record format (kg.schema.sections) is the single source of truth: the shapes and the ontology agree with it,
the loader refuses what the shapes refuse, everything that lists fields or names derives from it, and the
curator reference is written from it by `kg schema --reference`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from conftest import ROOT
from kg.base.config import ONTOLOGY_IRI, PREFIXES, SHAPES_NS, VOCAB_NS, compact, expand, resource_dir
from kg.base.lexical import check_lexical
from kg.check.validate import load_shapes
from kg.cli import cli
from kg.load import identity
from kg.schema import (
    DURATION,
    LABEL_PREDICATES,
    LIST,
    NAME_PREDICATES,
    ONE,
    REFERENCE_END,
    REFERENCE_START,
    SECTION_BY_NAME,
    SECTIONS,
    Columns,
    Concept,
    Field,
    Refused,
    Rows,
    Section,
    String,
    embed_reference,
    format_reference,
)
from kg.schema.generate import stale, terms, undeclared, write
from kg.schema.properties import PROPERTIES
from kg.schema.vocabularies import concepts_by_scheme
from kg.site import builder

SH = Namespace(PREFIXES["sh"])
SHAPES = load_shapes()  # the Core shapes and the SHACL-SPARQL constraints added to them
ONTOLOGY = Graph().parse(resource_dir("ontology") / "pikg.ttl", format="turtle")
CONCEPTS = concepts_by_scheme()
MADE_BY_THE_BUILDER = {expand("skos:inScheme"), expand("pikg:supportingPassage")}  # not fields: every record's
FIELD_SHAPE_PARAMETERS = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["or"], SH["class"], SH["in"], SH.pattern,
                          SH.sparql, SH.message, RDF.type}  # what the comparison below understands
ONE_VALUE = URIRef(SHAPES_NS + "OneValue")  # the single-value constraint of text fields
TEXT_DATATYPES = {expand("rdf:langString"), expand("xsd:string")}
SKOS_CONCEPT = URIRef(expand("skos:Concept"))

# Where a shape is weaker than the schema, not the other way round (the loader never accepts what these refuse):
# a shape's to fix. The test fails when one is fixed, so that it leaves this list.
KNOWN_SHAPE_GAPS: set[str] = set()


def _shapes(section: Section, fld: Field) -> list[URIRef]:
    """The property shapes that constrain the field's property on the section's records."""
    classes = [URIRef(expand(t)) for t in section.types]
    predicate = URIRef(expand(fld.predicate))
    return sorted({ps for cls in classes for node in SHAPES.subjects(SH.targetClass, cls)
                   for ps in SHAPES.objects(node, SH.property) if (ps, SH.path, predicate) in SHAPES})


def _datatypes(shape: URIRef) -> set[str] | None:
    """The datatypes a shape allows (sh:datatype, or an sh:or of them); None when it does not say."""
    if (found := SHAPES.value(shape, SH.datatype)) is not None:
        return {str(found)}
    if (alternatives := SHAPES.value(shape, SH["or"])) is not None:
        return {str(SHAPES.value(member, SH.datatype)) for member in Collection(SHAPES, alternatives)}
    return None


def _fields() -> list[tuple[Section, Field]]:
    return [(section, fld) for section in SECTIONS for fld in section.fields]


def _where(section: Section, fld: Field) -> str:
    return f"{section.name}.{fld.name}"


def is_text(fld: Field) -> bool:
    """Whether a field's values are text (rdf:langString or xsd:string literals), whose typographic variants are
    one value."""
    return bool(fld.kind.datatypes) and {expand(d) for d in fld.kind.datatypes} <= TEXT_DATATYPES


def _cardinality_problems(fld: Field, where: str, shapes: list[URIRef]) -> list[str]:
    """The rule stated at the top of shapes/pikg-shapes*.ttl: a single-valued text field uses pikgsh:OneValue
    (typographic variants are one value) and never sh:maxCount 1; any other single-valued field uses sh:maxCount 1;
    a field of several values neither."""
    maximum = any(SHAPES.value(s, SH.maxCount) is not None and int(SHAPES.value(s, SH.maxCount)) == 1 for s in shapes)
    one_value = any((s, SH.sparql, ONE_VALUE) in SHAPES for s in shapes)
    single, text = fld.cardinality == ONE, is_text(fld)
    problems = []
    if single and text and not one_value:
        problems.append(f"{where}: one text value, but no shape has sh:sparql pikgsh:OneValue")
    if single and not text and not maximum:
        problems.append(f"{where}: one value, but no shape has sh:maxCount 1")
    if single and text and maximum:
        problems.append(f"{where}: text, but a shape has sh:maxCount 1 (typographic variants would disagree); use "
                        "sh:sparql pikgsh:OneValue")
    if single and not text and one_value:
        problems.append(f"{where}: not text, but a shape uses pikgsh:OneValue; use sh:maxCount 1")
    if not single and (maximum or one_value):
        problems.append(f"{where}: {fld.cardinality}, but a shape allows one value")
    return problems


def _shape_problems(section: Section, fld: Field) -> list[str]:
    kind, where, shapes = fld.kind, _where(section, fld), _shapes(section, fld)
    problems = []
    minimum = any(SHAPES.value(s, SH.minCount) is not None and int(SHAPES.value(s, SH.minCount)) >= 1 for s in shapes)
    if fld.required != minimum:
        problems.append(f"{where}: {'required' if fld.required else 'optional'}, but "
                        f"{'no shape has' if fld.required else 'a shape has'} sh:minCount 1")
    problems += _cardinality_problems(fld, where, shapes)
    if isinstance(kind, Concept):
        problems += _scheme_problems(kind, where, shapes)
    wanted = {expand(d) for d in kind.datatypes}
    for shape in shapes:
        name = shape.split("#")[-1]
        if (allowed := _datatypes(shape)) is not None and allowed != wanted:
            problems.append(f"{where}: makes {sorted(wanted)}, {name} allows {sorted(allowed)}")
        if (cls := SHAPES.value(shape, SH["class"])) is not None and (kind.datatypes or expand(kind.range) != str(cls)):
            problems.append(f"{where}: makes {kind.range}, {name} wants sh:class {cls}")
        if (members := SHAPES.value(shape, SH["in"])) is not None:
            shape_in = {str(m) for m in Collection(SHAPES, members)}
            scheme = kind.scheme if isinstance(kind, Concept) else "(not a concept)"
            loader_in = {f"{VOCAB_NS}{scheme}/{c}" for c in CONCEPTS.get(scheme, ())}
            if shape_in != loader_in:
                problems.append(f"{where}: accepts {sorted(loader_in)}, {name} sh:in {sorted(shape_in)}")
        if (pattern := SHAPES.value(shape, SH.pattern)) is not None and getattr(kind, "pattern", None) != str(pattern):
            problems.append(f"{where}: {kind} does not check {name}'s sh:pattern {pattern}")
        unknown = {p for p in SHAPES.predicates(shape) if p not in FIELD_SHAPE_PARAMETERS}
        if unknown:
            problems.append(f"{where}: {name} has constraints the schema does not state: {sorted(unknown)}")
        if set(SHAPES.objects(shape, SH.sparql)) - {ONE_VALUE}:
            problems.append(f"{where}: {name} has SPARQL constraints other than pikgsh:OneValue")
    return problems


def _scheme_problems(kind: Concept, where: str, shapes: list[URIRef]) -> list[str]:
    """A closed scheme's field lists the scheme with sh:in (compared with it above); an open scheme's, which record
    files may extend, takes any skos:Concept (sh:class; the node shape's *-conceptsInScheme checks the scheme) and
    never sh:in, which would refuse the concepts a record file declares."""
    listed = any(SHAPES.value(s, SH["in"]) is not None for s in shapes)
    concept = any((s, SH["class"], SKOS_CONCEPT) in SHAPES for s in shapes)
    if kind.open and listed:
        return [f"{where}: the open scheme {kind.scheme} is extended by record files, but a shape has sh:in"]
    if kind.open and not concept:
        return [f"{where}: the open scheme {kind.scheme}, but no shape has sh:class skos:Concept"]
    if not kind.open and not listed:
        return [f"{where}: the closed scheme {kind.scheme}, but no shape lists it with sh:in"]
    return []


def _ontology_problems(section: Section, fld: Field) -> list[str]:
    where, predicate = _where(section, fld), URIRef(expand(fld.predicate))
    problems = []
    declared_range = ONTOLOGY.value(predicate, RDFS.range)
    wanted_range = expand(section.types[0]) if fld.inverse else (fld.kind.range and expand(fld.kind.range))
    if declared_range is not None and str(declared_range) != wanted_range:
        problems.append(f"{where}: makes {wanted_range}, the ontology's rdfs:range is {declared_range}")
    domain = ONTOLOGY.value(predicate, RDFS.domain)
    subjects = {expand(t) for t in (_target_types(fld) if fld.inverse else section.types)}
    if domain is not None and str(domain) not in subjects:
        problems.append(f"{where}: used on {sorted(subjects)}, the ontology's rdfs:domain is {domain}")
    if (predicate, RDF.type, OWL.FunctionalProperty) in ONTOLOGY and fld.cardinality != ONE:
        problems.append(f"{where}: {fld.cardinality}, but {fld.predicate} is an owl:FunctionalProperty")
    return problems


def _target_types(fld: Field) -> tuple[str, ...]:
    """The classes of the records a reference field names (the subjects of an inverse field's property)."""
    target = fld.kind.refers_to
    return next(s.types for s in SECTIONS if s.name == target) if target else ()


def test_shapes_and_ontology_agree_with_the_schema() -> None:
    """sh:minCount 1 ⇔ required; one value ⇔ pikgsh:OneValue for text, sh:maxCount 1 otherwise; an open scheme
    ⇔ sh:class skos:Concept without sh:in, a closed one ⇔ sh:in; sh:datatype, sh:class, sh:in and sh:pattern are
    what the field's kind makes and checks; the ontology's rdfs:range and rdfs:domain are what the field makes and is
    used on, and an owl:FunctionalProperty has one value."""
    problems = set()
    for section, fld in _fields():
        if section.types and not fld.inverse:
            problems.update(_shape_problems(section, fld))
        problems.update(_ontology_problems(section, fld))
    assert problems - KNOWN_SHAPE_GAPS == set()
    assert KNOWN_SHAPE_GAPS - problems == set(), "a shape was fixed: take it off KNOWN_SHAPE_GAPS"


def test_every_property_shape_of_a_record_constrains_a_field() -> None:
    """A shape on a property no record field writes would judge what the loader cannot give."""
    predicates = {expand(f.predicate) for _, f in _fields()} | MADE_BY_THE_BUILDER
    for section in SECTIONS:
        for cls in section.types:
            for node in SHAPES.subjects(SH.targetClass, URIRef(expand(cls))):
                for shape in SHAPES.objects(node, SH.property):
                    assert str(SHAPES.value(shape, SH.path)) in predicates, shape


def test_table_shapes_agree_with_the_table_kinds() -> None:
    """A table row's property is one of the fields `rows` accepts (the shape's sh:in lists exactly their
    properties, in the schema's order), and a column's intervention is of the class of the section `columns`
    names: the shapes of the nodes the two kinds make agree with the kinds."""
    tables = SECTION_BY_NAME["tables"]
    rows, columns = tables.field("rows").kind, tables.field("columns").kind
    assert isinstance(rows, Rows) and isinstance(columns, Columns)
    shape = URIRef(SHAPES_NS + "TableRow-property")
    listed = [str(m) for m in Collection(SHAPES, SHAPES.value(shape, SH["in"]))]
    assert listed == [expand(p) for p in rows.fields.values()]
    interventions = SECTION_BY_NAME[rows.section]
    assert set(rows.fields) == {f.name for f in interventions.fields} - {"aliases", "curator_note"}
    column = URIRef(SHAPES_NS + "TableColumn-intervention")
    assert str(SHAPES.value(column, SH["class"])) == expand(SECTION_BY_NAME[columns.section].types[0])
    for node, kind in (("TableColumn", columns), ("TableRow", rows)):
        assert SHAPES.value(URIRef(SHAPES_NS + node), SH.targetClass) == URIRef(expand(kind.range))
        position = URIRef(SHAPES_NS + f"{node}-position")
        assert SHAPES.value(position, SH.datatype) == URIRef(expand("xsd:positiveInteger"))
    assert [rows.check(name, CONCEPTS) for name in rows.fields] == list(rows.fields)
    with pytest.raises(Refused, match=r"^'aimm' is not a field of `interventions`; did you mean 'aim'\? Fields: "
                       r"name, alt_names, acronym, types, broader, aim, "):
        rows.check("aimm", CONCEPTS)
    for curators in ("aliases", "curator_note", 1, None):
        with pytest.raises(Refused):
            rows.check(curators, CONCEPTS)


SAMPLES: tuple[Any, ...] = (
    "2017", "2017-09-20", "2017-02-30", "2017-09-20\n", "20170920", "\u0662\u0660\u0661\u0667", "en", "en-GB",
    "en\n", "english", "10.1186/s40359-021-00567-w", "10.1186/x y", "https://doi.org/10.1186/x", "10.12/x",
    0, 1, -1, 12, True, False, "yes", "x", "", " ", "P9M", "P9M\n", "P7W",
)


@pytest.mark.parametrize(("where", "fld", "shape"), [
    (_where(section, fld), fld, shape) for section, fld in _fields() if section.types and not fld.inverse
    for shape in _shapes(section, fld) if _datatypes(shape) is not None or SHAPES.value(shape, SH.pattern)
], ids=lambda x: x if isinstance(x, str) else "")
def test_the_loader_refuses_what_the_shapes_refuse(where: str, fld: Field, shape: URIRef) -> None:
    """Every value the loader takes for a field becomes a literal its shape accepts: `start: "2017"` is refused
    by the loader as it is by pikgsh:Event-start."""
    allowed = _datatypes(shape)
    pattern = SHAPES.value(shape, SH.pattern)
    for sample in SAMPLES:
        try:
            item = fld.kind.check(sample, CONCEPTS)
        except Refused:
            continue
        term = fld.kind.term(item, "https://example.org/")
        datatype = RDF.langString if term.lang else term.datatype or expand("xsd:string")
        if allowed is not None:
            assert str(datatype) in allowed, (where, sample)
        assert check_lexical(str(datatype), term.value) is None, (where, sample)
        if pattern is not None:
            assert re.search(str(pattern), term.value), (where, sample)


@pytest.mark.parametrize("value", ["P9M\n", "P7W", "9 months", "P", "PT"])
def test_a_duration_the_shapes_refuse_is_refused(value: str) -> None:
    with pytest.raises(Refused):
        DURATION.read({"qualifier": "exact", "text": "x", "value": value}, {"value": 3}, 2)
    assert DURATION.read({"qualifier": "exact", "text": "x", "value": "P9M"}, {}, 2) == (
        ("P9M",), {"qualifier": "exact", "text": "x"})


def test_kinds_own_their_forms() -> None:
    """Each kind says what its values are in JSON Schema and RDF; a sample of each."""
    doi = next(f.kind for s, f in _fields() if _where(s, f) == "publications.doi")
    assert isinstance(doi, String) and doi.item_schema(CONCEPTS) == {"type": "string", "pattern": doi.pattern}
    start = next(f for s, f in _fields() if _where(s, f) == "events.start")
    issued = next(f for s, f in _fields() if _where(s, f) == "publications.issued")
    assert start.kind.datatypes == ("xsd:date",) and issued.kind.datatypes == ("xsd:date", "xsd:gYear")
    assert issued.kind.term("2017", "").datatype == expand("xsd:gYear")
    with pytest.raises(Refused, match=r"^expected a date YYYY-MM-DD, got '2017'$"):
        start.kind.check("2017", CONCEPTS)
    authors = next(f for s, f in _fields() if _where(s, f) == "publications.authors")
    assert authors.cardinality == LIST and authors.kind.refers_to == "persons"
    triples = list(authors.triples("https://ex.org/p", ("a", "b"), {}, "https://ex.org/", "s"))
    first = "https://ex.org/p/author/s/1"  # the byline as source s gives it
    assert [(s, p) for s, p, _ in triples[:5]] == [
        ("https://ex.org/p", expand("pikg:hasAuthorship")), (first, expand("rdf:type")), (first, expand("pikg:author")),
        (first, expand("pikg:authorPosition")), ("https://ex.org/p", expand("dcterms:creator"))]
    assert triples[3][2].value == "1" and triples[8][2].value == "2" and len(triples) == 10


def test_names_and_labels_derive_from_the_schema() -> None:
    """identity's name fields, the query parameters' name properties and the site's labels are the schema's."""
    names = {f.name for _, f in _fields() if f.names}
    assert set(identity.NAME_FIELDS) == names == {"label", "name", "title", "alt_names", "acronym", "aliases"}
    assert set(NAME_PREDICATES) == {
        "skos:prefLabel", "skos:altLabel", "skos:hiddenLabel", "pikg:acronym", "foaf:name", "schema:name",
        "dcterms:title"}
    assert builder.LABELS == (str(RDFS.label), *(expand(p) for p in LABEL_PREDICATES), expand("oa:exact"),
                              expand("pikg:durationText"))
    assert set(LABEL_PREDICATES) == {"skos:prefLabel", "foaf:name", "schema:name", "dcterms:title"}


def test_the_reference_is_written_by_kg_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kg schema --reference records/README.md` rewrites only the generated section; the committed README is in
    step (run it after changing kg/schema/sections.py)."""
    committed = (ROOT / "records" / "README.md").read_text(encoding="utf-8")
    assert embed_reference(committed) == committed
    assert committed.split(REFERENCE_START, 1)[1].split(REFERENCE_END, 1)[0] == format_reference()
    monkeypatch.chdir(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Records\n\nby hand\n\n{REFERENCE_START}stale\n{REFERENCE_END}\n\nafter\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["schema", "--reference", "README.md"])
    assert result.exit_code == 0, result.output
    assert result.output == "README.md: the field reference is updated.\n"
    assert readme.read_text(encoding="utf-8") == (f"# Records\n\nby hand\n\n{REFERENCE_START}{format_reference()}"
                                                  f"{REFERENCE_END}\n\nafter\n")
    again = runner.invoke(cli, ["schema", "--reference", "README.md"])
    assert again.output == "README.md: the field reference is up to date.\n"
    shutil.copy(readme, tmp_path / "copy.md")
    (tmp_path / "plain.md").write_text("# no markers\n", encoding="utf-8")
    refused = runner.invoke(cli, ["schema", "--reference", "plain.md"])
    assert refused.exit_code == 2
    assert refused.output == ("error: plain.md: no <!-- reference:start --> … <!-- reference:end --> markers to "
                              "write the reference between\n")
    assert (tmp_path / "plain.md").read_text(encoding="utf-8") == "# no markers\n"
    (tmp_path / "link.md").symlink_to(tmp_path / "copy.md")
    linked = runner.invoke(cli, ["schema", "--reference", "link.md"])
    assert linked.exit_code == 2 and "not a regular file" in linked.output


def test_the_files_written_from_the_model_are_up_to_date(tmp_path: Path) -> None:
    """ontology/pikg.ttl's properties, the records' shapes, the JSON Schema, the curator's reference and README's
    table of the model are what kg/schema says (`kg schema --write` writes them); a stale one is named."""
    assert stale(ROOT) == []
    result = CliRunner().invoke(cli, ["schema", "--check"])
    assert (result.exit_code, result.output) == (0, "Every file written from the model is up to date.\n")
    for folder in ("ontology", "shapes", "records"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shapes = tmp_path / "shapes" / "pikg-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8").replace("pikgsh:Study-aim", "pikgsh:Study-goal"),
                      encoding="utf-8")
    assert stale(tmp_path) == [shapes]
    assert write(tmp_path) == [shapes] and stale(tmp_path) == []


def test_each_property_is_declared_once_and_made_by_something(kg) -> None:
    """Both directions: every property of the ontology's namespace a field makes is declared in
    kg/schema/properties.py, and every declared one is made by a field or by the builder (the bundled graph or the
    ontology uses it); what a field makes (kind, range, domain, functional) is never stated a second time there."""
    assert undeclared() == []
    made = {f.predicate for _, f in _fields()}
    used = {compact(str(p)) for g in (*kg.source_graphs(), URIRef(ONTOLOGY_IRI)) for _, p, _ in kg.dataset.graph(g)}
    builder = "".join((ROOT / "kg" / name).read_text(encoding="utf-8") for name in ("model/build.py",
                                                                                 "schema/structured.py"))
    named = {c for c in PROPERTIES if f"'{c}'" in builder or f'"{c}"' in builder}  # the builder writes it
    assert sorted(c for c in PROPERTIES if c not in made and c not in used and c not in named) == []
    assert sorted(c for c, p in PROPERTIES.items()
                  if c in made and (p.kind or p.range or p.domain or p.functional)) == []


def test_each_class_is_declared_and_used() -> None:
    """Both directions between the ontology's classes (written by hand) and the model: every class of ours that a
    section's records, a kind's nodes or a property's domain or range names is declared with a label and a
    definition, and every declared class is named so."""
    named = {t for s in SECTIONS for t in s.types} | {f.kind.range for _, f in _fields() if f.kind.range}
    named |= {x for term in terms() for x in (term.domain, term.range) if x}
    ours = {c for c in named if c.startswith("pikg:")}
    declared = {compact(str(c)) for c in ONTOLOGY.subjects(RDF.type, OWL.Class)}
    assert sorted(ours - declared) == []
    builder_made = {"pikg:SourceDocument", "pikg:Passage", "pikg:CuratorStatement"}  # kg.model.build types these
    assert sorted(c for c in declared - ours if c not in builder_made) == []
    for cls in declared:
        node = URIRef(expand(cls))
        assert ONTOLOGY.value(node, RDFS.label) and ONTOLOGY.value(node, URIRef(expand("skos:definition"))), cls


def test_what_properties_no_field_makes_say_of_themselves_holds_in_the_graph(kg) -> None:
    """kg/schema/properties.py states the domain, range and kind of the properties the builder and the structured
    kinds make (no field does): every statement of the built graph with one of them agrees (a typed literal of its
    range, or a node of its range class; a subject of its domain class)."""
    graph = kg.dataset
    made = {f.predicate for _, f in _fields()}
    problems = []
    for term in terms():
        if term.curie in made:
            continue
        for s, o in graph.subject_objects(URIRef(expand(term.curie))):
            if term.domain and (s, RDF.type, URIRef(expand(term.domain))) not in graph:
                problems.append(f"{term.curie}: {s} is not a {term.domain}")
            if term.range and term.kind == "datatype" and str(getattr(o, "datatype", None) or expand("rdf:langString")
                                                               ) != expand(term.range):
                problems.append(f"{term.curie}: {o!r} is not of {term.range}")
            if term.range and term.kind == "object" and term.range != "rdf:Property" and (
                    o, RDF.type, URIRef(expand(term.range))) not in graph:
                problems.append(f"{term.curie}: {o} is not a {term.range}")
    assert problems == []


def test_kg_schema_check_names_a_file_whose_markers_are_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Hostile: a generated file whose markers a hand edit removed is an error naming it (exit 2), not a traceback,
    and nothing is written."""
    for folder in ("ontology", "shapes", "records"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    sparql = tmp_path / "shapes" / "pikg-shapes-sparql.ttl"
    text = sparql.read_text(encoding="utf-8").replace("# ---- end of what `kg schema --write` writes\n", "")
    sparql.write_text(text, encoding="utf-8")
    monkeypatch.setattr("kg.base.config.resource_dir", lambda name: tmp_path / name)
    for option in ("--check", "--write"):
        result = CliRunner().invoke(cli, ["schema", option])
        assert (result.exit_code, result.output) == (2, "error: shapes/pikg-shapes-sparql.ttl has no markers to write "
                                                         "between: # ---- written from kg/schema by `kg schema "
                                                         "--write`: edit kg/schema, not the lines between these "
                                                         "markers … # ---- end of what `kg schema --write` writes\n")
    assert sparql.read_text(encoding="utf-8") == text
