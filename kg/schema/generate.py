"""What is written from the one declaration of the model (the sections' fields, kg.schema.properties and
kg.schema.messages), so that no file restates it by hand: the ontology's property terms (ontology/pikg.ttl), the
SHACL Core shapes of the records' classes and of a table's row (shapes/pikg-shapes.ttl) and the single-value
constraints of their text fields (shapes/pikg-shapes-sparql.ttl), each between markers in its file; the JSON
Schema of record files (records/record.schema.json), the curator's reference (records/README.md) and README's
table of the model. `kg schema --write` brings them up to
date, `kg schema --check` (and tests/test_schema.py) fails when one is not.

The rules, stated once here:
- a property's kind (object or datatype), range, domain and functionality follow from the fields that make it: an
  IRI-valued kind makes an object property, a literal one a datatype property; the range is the kind's; the domain
  is the class of the one section whose fields make it (none when several do); it is functional when every field
  that makes it takes ONE value;
- each field (not inverse) of a section has a property shape `pikgsh:NODE-FIELD` on that section's node shape:
  sh:minCount 1 when the graph requires it; sh:maxCount 1 when it takes ONE value that is not text (ONE text takes
  pikgsh:OneValue in the SPARQL file, so that typographic variants are one value); sh:datatype (sh:or for several),
  sh:class for a reference, sh:in for a closed concept scheme (sh:class skos:Concept for an open one, whose
  scheme a SPARQL constraint checks), sh:pattern for a patterned string; and the field's message (or one said from
  these rules).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.base.config import ONTOLOGY_IRI, VOCAB_NS, expand
from kg.base.files import write_atomic
from kg.schema.fields import LIST, ONE, Field, Section
from kg.schema.kinds import Boolean, Date, Kind, Language, String, Text, WholeNumber
from kg.schema.messages import MESSAGES
from kg.schema.properties import PROPERTIES, Prop
from kg.schema.reference import between, embed_reference
from kg.schema.sections import SECTIONS
from kg.schema.structured import ROWS, Concept, Duration, Ref
from kg.schema.vocabularies import concepts_by_scheme

TEXT_DATATYPES = ("rdf:langString", "xsd:string")
START = "# ---- written from kg/schema by `kg schema --write`: edit kg/schema, not the lines between these markers\n"
END = "# ---- end of what `kg schema --write` writes\n"


@dataclass(frozen=True)
class Term:
    """What the ontology says of a property: its kind, range, domain and functionality, with its declaration."""

    curie: str
    prop: Prop
    kind: str
    range: str | None
    domain: str | None
    functional: bool


def fields_by_property() -> dict[str, list[tuple[Section, Field]]]:
    made: dict[str, list[tuple[Section, Field]]] = {}
    for section in SECTIONS:
        for fld in section.fields:
            made.setdefault(fld.predicate, []).append((section, fld))
    return made


def _class_of(section: Section) -> str:
    return section.types[0] if section.types else "skos:Concept"  # `concepts`: facts about vocabulary concepts


def terms() -> list[Term]:
    """Every property of the ontology, what it is following from the fields that make it (see the module)."""
    made = fields_by_property()
    found = []
    for curie, prop in PROPERTIES.items():
        fields = made.get(curie, [])
        if not fields:
            found.append(Term(curie, prop, prop.kind or "datatype", prop.range, prop.domain, prop.functional))
            continue
        kinds = {f.kind for _, f in fields}
        ranges = {k.range for k in kinds}
        owners = {s.types[0] for s, f in fields if not f.inverse and s.types}
        found.append(Term(curie, prop, "datatype" if all(k.datatypes for k in kinds) else "object",
                          ranges.pop() if len(ranges) == 1 else None, owners.pop() if len(owners) == 1 else None,
                          all(f.cardinality == ONE for _, f in fields)))
    return found


def undeclared() -> list[str]:
    """The properties of the ontology's namespace that fields make but kg.schema.properties does not declare."""
    return sorted(p for p in fields_by_property() if p.startswith("pikg:") and p not in PROPERTIES)


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False) + "@en"


_OWL_TYPES = {"object": "owl:ObjectProperty", "datatype": "owl:DatatypeProperty",
              "annotation": "owl:AnnotationProperty"}


def _term_turtle(term: Term) -> str:
    types = _OWL_TYPES[term.kind] + (" , owl:FunctionalProperty" if term.functional else "")
    lines = [f"{term.curie} a {types} ;"]
    if term.prop.sub_of:
        lines.append(f"    rdfs:subPropertyOf {term.prop.sub_of} ;")
    lines += [f"    rdfs:label {_literal(term.prop.label)} ;",
              f"    skos:definition {_literal(term.prop.definition)} ;"]
    scope = [f"rdfs:domain {term.domain}"] * bool(term.domain) + [f"rdfs:range {term.range}"] * bool(term.range)
    if scope:
        lines.append(f"    {' ; '.join(scope)} ;")
    if term.prop.tidier:
        lines.append(f"    pikg:tidierItem <{VOCAB_NS}tidier-item/{term.prop.tidier}> ;")
    if term.prop.close:
        lines.append(f"    skos:closeMatch {' , '.join(term.prop.close)} ;")
    lines.append(f"    rdfs:isDefinedBy <{ONTOLOGY_IRI}> .")
    return "\n".join(lines)


def ontology_block() -> str:
    """The ontology's property terms: object and annotation properties, then datatype properties."""
    all_terms = terms()
    parts = []
    for title, kinds in (("object properties", ("object", "annotation")), ("datatype properties", ("datatype",))):
        chosen = [t for t in all_terms if t.kind in kinds]
        parts.append(f"# ---------------------------------------------------------------- {title}\n\n"
                     + "\n\n".join(_term_turtle(t) for t in chosen) + "\n")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------ the shapes


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def node_shape(section: Section) -> str:
    """The local name of a section's node shape (pikgsh:NAME)."""
    return section.shape or section.segment.title()


def property_shape(section: Section, fld: Field) -> str:
    """The local name of a field's property shape (pikgsh:NODE-FIELD)."""
    return f"{node_shape(section)}-{fld.shape or _camel(fld.name)}"


def is_text(kind: Kind) -> bool:
    """Whether a kind's values are text, whose typographic variants are one value."""
    return bool(kind.datatypes) and set(kind.datatypes) <= set(TEXT_DATATYPES)


def shaped(section: Section) -> list[Field]:
    """The fields of a section that have a property shape: every field whose values the record is the subject of."""
    return [f for f in section.fields if not f.inverse] if section.types else []


def constraints(fld: Field, schemes: Mapping[str, list[str]]) -> list[str]:
    """The SHACL Core constraints of a field's property shape, as Turtle (see the module for the rules)."""
    kind, found = fld.kind, []
    if fld.required:
        found.append("sh:minCount 1")
    if fld.cardinality == ONE and not is_text(kind):
        found.append("sh:maxCount 1")
    if len(kind.datatypes) == 1:
        found.append(f"sh:datatype {kind.datatypes[0]}")
    elif kind.datatypes:
        found.append("sh:or ( " + " ".join(f"[ sh:datatype {d} ]" for d in kind.datatypes) + " )")
    elif isinstance(kind, Concept) and not kind.open:
        members = " ".join(f"<{VOCAB_NS}{kind.scheme}/{c}>" for c in schemes.get(kind.scheme, []))
        found.append(f"sh:in ( {members} )")
    elif kind.range:
        found.append(f"sh:class {kind.range}")
    if isinstance(kind, String) and kind.pattern:
        found.append("sh:pattern " + json.dumps(kind.pattern))
    return found


def _article(noun: str) -> str:
    return ("An " if noun[0] in "aeiou" else "A ") + noun


def _what(kind: Kind) -> str:
    """What a kind's values are, for a message."""
    if isinstance(kind, Text):
        return "English text"
    if isinstance(kind, String):
        return kind.wanted or "a plain string without a language tag"
    if isinstance(kind, WholeNumber):
        return f"a whole number of at least {kind.minimum} (xsd:{kind.xsd})"
    if isinstance(kind, Boolean):
        return "true or false (xsd:boolean)"
    if isinstance(kind, Date):
        return "a date (xsd:date) or a year (xsd:gYear)" if kind.years else "a date (xsd:date)"
    if isinstance(kind, Language):
        return "a language tag (xsd:language)"
    if isinstance(kind, Concept):
        return f"a concept of the {kind.scheme} scheme"
    if isinstance(kind, Duration | Ref):
        return f"a {kind.range} node"
    return f"a {kind.range}"


def message(section: Section, fld: Field, noun: str) -> str:
    """The field's message in kg.schema.messages, or one said from the rules: what the values are, how many."""
    one_text = fld.cardinality == ONE and is_text(fld.kind)  # its maximum is OneValue's, not this shape's
    tail = (" A second value that is not a typographic variant of the first is refused by the SHACL-SPARQL "
            "constraint pikgsh:OneValue." if one_text else "")
    if (section.name, fld.name) in MESSAGES:
        return MESSAGES[section.name, fld.name] + tail
    how = {(True, True): "; exactly one", (True, False): "; at least one", (False, True): "; at most one"}.get(
        (fld.required, fld.cardinality == ONE and not one_text), "")
    verb = "are each" if fld.cardinality == LIST else "is"
    return f"{_article(noun)}'s {fld.name.replace('_', ' ')} ({fld.predicate}) {verb} {_what(fld.kind)}{how}.{tail}"


def _wrapped(items: list[str], head: str, width: int = 116) -> str:
    """`head` and the items joined by commas, in lines of at most `width` characters (the rest indented)."""
    lines, line = [], head
    for at, item in enumerate(items):
        piece = item + (" ," if at < len(items) - 1 else "")
        if len(line) + len(piece) > width and line.strip():
            lines.append(line.rstrip())
            line = "        "
        line += piece + " "
    return "\n".join([*lines, line.rstrip()])


def shapes_block(class_labels: Mapping[str, str], schemes: Mapping[str, list[str]]) -> str:
    """The node shape of each section's class and the property shape of each of its fields (SHACL Core)."""
    parts = []
    for section in SECTIONS:
        fields = shaped(section)
        if not fields:
            continue
        name = node_shape(section)
        noun = class_labels.get(section.types[0], section.segment)
        members = _wrapped([f"pikgsh:{property_shape(section, f)}" for f in fields], "    sh:property ")
        parts.append(f"pikgsh:{name} a sh:NodeShape ;\n    rdfs:label {_literal(noun + ' shape')} ;\n"
                     f"    sh:targetClass {section.types[0]} ;\n{members} .\n")
        for fld in fields:
            body = " ; ".join(constraints(fld, schemes))
            parts.append(f"pikgsh:{property_shape(section, fld)} a sh:PropertyShape ; sh:path {fld.predicate} ;\n"
                         + (f"    {body} ;\n" if body else "")
                         + f"    sh:message {_literal(message(section, fld, noun))} .")
        parts.append("")
    return "\n".join([*parts, table_row_shape()])


def table_row_shape() -> str:
    """The property a source table's row shows: one of the fields a row may show (kg.schema.structured.Rows)."""
    fields = " ".join(ROWS.fields.values())
    return ("pikgsh:TableRow-property a sh:PropertyShape ; sh:path pikg:rowProperty ;\n"
            f"    sh:minCount 1 ; sh:maxCount 1 ;\n    sh:in ( {fields} ) ;\n"
            "    sh:message \"A table row shows exactly one property (pikg:rowProperty), the property of a field of an "
            "intervention record (pikg:aim, pikg:hasComponent, pikg:hasDuration …).\"@en .\n")


def sparql_block() -> str:
    """The single-value constraint of each text field that takes ONE value."""
    return "".join(f"pikgsh:{property_shape(s, f)} sh:sparql pikgsh:OneValue .\n" for s in SECTIONS
                   for f in shaped(s) if f.cardinality == ONE and is_text(f.kind))


# ------------------------------------------------------------------------------------------------ the README

MODEL_START, MODEL_END = "<!-- model:start -->\n", "<!-- model:end -->"


def model_table(close_matches: Mapping[str, list[str]]) -> str:
    """README's table of the model, in Markdown: each class whose records a section holds, with what it aligns to
    (the ontology's skos:closeMatch) and every property its fields make (then, in italics, those the builder adds
    to it); then each class only the builder makes nodes of, with the properties whose domain it is."""
    made = fields_by_property()
    builder: dict[str, list[str]] = {}
    for term in terms():
        if term.domain and term.curie not in made:
            builder.setdefault(term.domain, []).append(f"*`{term.curie}`*")
    rows = []
    for section in SECTIONS:
        cls = _class_of(section)
        props = list(dict.fromkeys(f"`{f.predicate}`" + (" (inverse)" if f.inverse else "") for f in section.fields))
        rows.append((cls, f"`{section.name}`", [*props, *builder.pop(cls, [])]))
    rows += [(cls, "(made by the builder)", props) for cls, props in builder.items()]
    lines = ["| class | records | aligned to | properties |", "| --- | --- | --- | --- |"]
    for cls, records, props in rows:
        aligned = ", ".join(f"`{c}`" for c in close_matches.get(cls, []))
        lines.append(f"| `{cls}` | {records} | {aligned} | {', '.join(props)} |")
    return "\n".join(lines) + "\n"


def _close_matches(ontology: Path) -> dict[str, list[str]]:
    """Each class's skos:closeMatch, as CURIEs by the file's own prefixes (of two for one namespace, the one the
    local name starts with: sepio:SEPIO_…), in IRI order."""
    import re

    from rdflib import OWL, RDF, Graph, URIRef

    text = ontology.read_text(encoding="utf-8")
    prefixes = re.findall(r"^@prefix\s+(\w+):\s*<([^>]+)>", text, re.M)
    graph = Graph().parse(data=text, format="turtle")

    def curie(iri: str) -> str:
        found = [(len(ns), iri[len(ns):].lower().startswith(p), at, p, iri[len(ns):])
                 for at, (p, ns) in enumerate(prefixes) if iri.startswith(ns)]
        if not found:
            return iri
        *_, prefix, local = max(found)  # the longest namespace; of two, the one named in the local name, or the last
        return f"{prefix}:{local}"

    close = URIRef(expand("skos:closeMatch"))
    return {"pikg:" + str(cls).rsplit("#", 1)[-1]: [curie(m) for m in sorted(map(str, graph.objects(cls, close)))]
            for cls in graph.subjects(RDF.type, OWL.Class)}


def embed_model(text: str, table: str) -> str:
    """README's text with the model's table between its markers replaced."""
    return between(text, MODEL_START, MODEL_END, table, f"README.md has no {MODEL_START.strip()} … {MODEL_END} markers")


# ------------------------------------------------------------------------------------------------ the files


def embed(text: str, block: str, where: str) -> str:
    """A Turtle file's text with what lies between the markers replaced by `block`."""
    return between(text, START, END, "\n" + block.rstrip("\n") + "\n\n",
                   f"{where} has no markers to write between: {START.strip()} … {END.strip()}")


def _class_labels(ontology: Path) -> dict[str, str]:
    """The labels of the ontology's classes (written by hand), by CURIE: a node shape is named after its class."""
    from rdflib import OWL, RDF, RDFS, Graph

    graph = Graph().parse(ontology, format="turtle")
    labels = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        label = graph.value(cls, RDFS.label)
        if label is not None:
            labels["pikg:" + str(cls).rsplit("#", 1)[-1]] = str(label)
    return labels


def written(root: Path) -> dict[Path, Callable[[str], str]]:
    """Each generated file under `root` (a checkout: ontology/, shapes/, records/) and how it is brought up to date
    from its present text."""
    from kg.schema.jsonschema import record_schema

    ontology = root / "ontology" / "pikg.ttl"
    concepts = concepts_by_scheme(path=root / "ontology" / "vocabularies.ttl")
    schemes = {scheme: sorted(ids) for scheme, ids in concepts.items()}  # sh:in lists them in this order

    def schema_json(_old: str) -> str:
        return json.dumps(record_schema(concepts), ensure_ascii=False, indent=2) + "\n"

    return {
        ontology: lambda old: embed(old, ontology_block(), "ontology/pikg.ttl"),
        root / "shapes" / "pikg-shapes.ttl": lambda old: embed(
            old, shapes_block(_class_labels(ontology), schemes), "shapes/pikg-shapes.ttl"),
        root / "shapes" / "pikg-shapes-sparql.ttl": lambda old: embed(old, sparql_block(),
                                                                      "shapes/pikg-shapes-sparql.ttl"),
        root / "records" / "record.schema.json": schema_json,
        root / "records" / "README.md": embed_reference,
        root / "README.md": lambda old: embed_model(old, model_table(_close_matches(ontology))),
    }


def _updates(root: Path) -> dict[Path, str]:
    """The generated files under `root` whose text differs from what the model says, with the text it says: all
    made before any is written, so that a file that cannot be brought up to date leaves every file as it was."""
    found = {}
    for path, update in written(root).items():
        text = path.read_text(encoding="utf-8")
        new = update(text)
        if new != text:
            found[path] = new
    return found


def stale(root: Path) -> list[Path]:
    """The generated files under `root` that differ from what the model says they hold."""
    return list(_updates(root))


def write(root: Path) -> list[Path]:
    """Bring every generated file under `root` up to date; the ones that changed."""
    changed = _updates(root)
    for path, text in changed.items():
        write_atomic(path, text.encode("utf-8"))
    return list(changed)
