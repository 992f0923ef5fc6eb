"""Turn checked records into an RDF dataset: one named graph per source document, the vocabularies in a
graph of their own, and the union as the default view.

Every fact triple is also reified (rdf:Statement with an IRI derived from the triple and its graph) and linked
with prov:wasDerivedFrom to the passage (oa:TextQuoteSelector) that supports it, so provenance is a query away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .config import ONTOLOGY_IRI, PREFIXES, VOCAB_NS, Settings, expand, resource_dir
from .errors import display_path
from .quotes import QuoteCheck, check_quotes, normalise
from .records import Record, RecordFile, Value, duration_days, load_records

PIKG = Namespace(PREFIXES["pikg"])
SKOS = Namespace(PREFIXES["skos"])
PROV = Namespace(PREFIXES["prov"])
OA = Namespace(PREFIXES["oa"])
DCTERMS = Namespace(PREFIXES["dcterms"])
VOCAB_GRAPH = URIRef(VOCAB_NS)
ONTOLOGY_GRAPH = URIRef(ONTOLOGY_IRI)

_DATATYPES = {
    "integer": XSD.integer,
    "positive-integer": XSD.positiveInteger,
    "nonnegative-integer": XSD.nonNegativeInteger,
    "language": XSD.language,
}


@dataclass(frozen=True)
class Origin:
    """Where a node or a node's property was written: shown in validation reports."""

    file: str
    line: int
    field: str

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}: {self.field}"


@dataclass
class KnowledgeGraph:
    """The built dataset and what is needed to explain it."""

    dataset: Dataset
    files: list[RecordFile]
    quotes: QuoteCheck
    settings: Settings
    origins: dict[tuple[Node, Node | None], Origin] = field(default_factory=dict)

    def origin(self, node: Node, path: Node | None = None) -> Origin | None:
        return self.origins.get((node, path)) or self.origins.get((node, None))

    def source_graphs(self) -> list[URIRef]:
        return [graph_iri(self.settings, rf.source.id) for rf in self.files]

    def export_graphs(self) -> list[URIRef]:
        """Graphs that make up the published data: the sources' and the vocabularies."""
        return [*self.source_graphs(), VOCAB_GRAPH]


def curie(name: str) -> URIRef:
    return URIRef(expand(name))


def graph_iri(settings: Settings, source_id: str) -> URIRef:
    return URIRef(f"{settings.base_iri}graph/{source_id}")


def load_model() -> tuple[Graph, Graph]:
    """The ontology and the vocabularies, each parsed from its packaged Turtle file."""
    folder = resource_dir("ontology")
    ontology, vocab = Graph(), Graph()
    ontology.parse(folder / "pikg.ttl", format="turtle")
    vocab.parse(folder / "vocabularies.ttl", format="turtle")
    return ontology, vocab


def concepts_by_scheme(vocab: Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for concept, scheme in vocab.subject_objects(SKOS.inScheme):
        out.setdefault(str(scheme)[len(VOCAB_NS) :], set()).add(str(concept).rsplit("/", 1)[1])
    return out


def concept_labels(vocab: Graph) -> dict[str, dict[str, str]]:
    """Scheme → concept id → preferred label: how sheets and people name controlled values."""
    out: dict[str, dict[str, str]] = {}
    for concept, scheme in vocab.subject_objects(SKOS.inScheme):
        label = vocab.value(concept, SKOS.prefLabel)
        out.setdefault(str(scheme)[len(VOCAB_NS):], {})[str(concept).rsplit("/", 1)[1]] = str(label or "")
    return out


def _hash(*parts: str, size: int = 16) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


class _Builder:
    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.base = kg.settings.base_iri

    def node(self, segment: str, rid: str) -> URIRef:
        return URIRef(f"{self.base}{segment}/{rid}")

    def passage(self, graph: Graph, rf: RecordFile, quote: str, quote_in: str | None) -> URIRef:
        text = normalise(quote)
        iri = URIRef(f"{self.base}passage/{rf.source.id}/{_hash(quote_in or '', text, size=12)}")
        graph.add((iri, RDF.type, PIKG.Passage))
        graph.add((iri, OA.exact, Literal(text)))
        graph.add((iri, PIKG.inSource, self.node("source", rf.source.id)))
        if quote_in:
            graph.add((iri, PIKG.textFile, Literal(quote_in)))
        return iri

    def fact(self, graph: Graph, triple: tuple[Node, Node, Node], passage: URIRef) -> None:
        s, p, o = triple
        graph.add(triple)
        stmt = URIRef(f"{self.base}statement/{_hash(s.n3(), p.n3(), o.n3(), str(graph.identifier))}")
        graph.add((stmt, RDF.type, RDF.Statement))
        graph.add((stmt, RDF.subject, s))
        graph.add((stmt, RDF.predicate, p))
        graph.add((stmt, RDF.object, o))
        graph.add((stmt, PROV.wasDerivedFrom, passage))

    def literal(self, kind: str, item: object) -> Node:
        if kind in ("text", "alias"):
            return Literal(item, lang="en")
        if kind == "string":
            return Literal(item)
        if kind == "boolean":
            return Literal("true" if item else "false", datatype=XSD.boolean)
        if kind == "date":
            return Literal(item, datatype=XSD.gYear if len(str(item)) == 4 else XSD.date, normalize=False)
        return Literal(str(item), datatype=_DATATYPES[kind], normalize=False)

    def object_of(self, kind: str, item: object) -> Node:
        if kind.startswith("ref:"):
            from .schema import SECTION_BY_NAME

            return self.node(SECTION_BY_NAME[kind[4:]].segment, str(item))
        if kind.startswith("concept:"):
            return URIRef(f"{VOCAB_NS}{kind[8:]}/{item}")
        return self.literal(kind, item)

    def source(self, rf: RecordFile) -> Graph:
        src = rf.source
        graph = self.kg.dataset.graph(graph_iri(self.kg.settings, src.id))
        node = self.node("source", src.id)
        passage = self.passage(graph, rf, src.quote, None)
        facts = [
            (node, RDF.type, PIKG.SourceDocument),
            (node, SKOS.prefLabel, Literal(src.label, lang="en")),
            (node, PIKG.textFile, Literal(src.text_file)),
        ]
        if src.publication:
            facts.append((node, DCTERMS.source, self.node("publication", src.publication)))
        for triple in facts:
            self.fact(graph, triple, passage)
        self.kg.origins.setdefault((node, None), Origin(str(rf.path), src.line, "source"))
        return graph

    def record(self, graph: Graph, rf: RecordFile, rec: Record) -> None:
        section = rec.section
        subject = (
            URIRef(VOCAB_NS + rec.id) if section.by_concept else self.node(section.segment, rec.id)
        )
        where = f"{section.name}.{rec.id}"
        self.kg.origins.setdefault((subject, None), Origin(str(rf.path), rec.line, where))
        passage = self.passage(graph, rf, rec.quote, rec.quote_in)
        for cls in section.types:
            self.fact(graph, (subject, RDF.type, curie(cls)), passage)
        self.fact(graph, (subject, DCTERMS.isReferencedBy, self.node("source", rf.source.id)), passage)
        if section.scheme:
            self.fact(graph, (subject, SKOS.inScheme, URIRef(VOCAB_NS + section.scheme)), passage)
        if section.name == "findings":
            self.fact(graph, (subject, PIKG.supportingPassage, passage), passage)
        for value in rec.values:
            self.value(graph, rf, rec, subject, value, f"{where}.{value.field.name}")

    def value(self, graph: Graph, rf: RecordFile, rec: Record, subject: URIRef, value: Value, where: str) -> None:
        fld = value.field
        predicate = curie(fld.predicate) if fld.predicate else None
        assert predicate is not None
        origin = Origin(str(rf.path), value.line, where)
        self.kg.origins.setdefault((subject, predicate), origin)
        passage = (
            self.passage(graph, rf, value.quote, value.quote_in)
            if (value.quote, value.quote_in) != (rec.quote, rec.quote_in)
            else self.passage(graph, rf, rec.quote, rec.quote_in)
        )
        if fld.kind == "duration":
            self.duration(graph, rf, rec, subject, value, passage, origin)
            return
        if fld.kind == "authors":
            for position, person_id in enumerate(value.items, start=1):
                person = self.node("person", person_id)
                authorship = URIRef(f"{subject}/author/{position}")
                self.kg.origins.setdefault((authorship, None), origin)
                for triple in (
                    (subject, PIKG.hasAuthorship, authorship),
                    (authorship, RDF.type, PIKG.Authorship),
                    (authorship, PIKG.author, person),
                    (authorship, PIKG.authorPosition, Literal(str(position), datatype=XSD.positiveInteger)),
                    (subject, DCTERMS.creator, person),
                ):
                    self.fact(graph, triple, passage)
            return
        for item in value.items:
            obj = self.object_of(fld.kind, item)
            triple = (obj, predicate, subject) if fld.inverse else (subject, predicate, obj)
            if fld.inverse:
                self.kg.origins.setdefault((obj, predicate), origin)
            self.fact(graph, triple, passage)

    def duration(
        self, graph: Graph, rf: RecordFile, rec: Record, subject: URIRef, value: Value, passage: URIRef,
        origin: Origin,
    ) -> None:
        node = URIRef(f"{subject}/duration/{rf.source.id}")
        self.kg.origins.setdefault((node, None), origin)
        triples: list[tuple[Node, Node, Node]] = [
            (subject, PIKG.hasDuration, node),
            (node, RDF.type, PIKG.DurationSpecification),
            (node, PIKG.durationQualifier, URIRef(f"{VOCAB_NS}duration-qualifier/{value.extra['qualifier']}")),
            (node, PIKG.durationText, Literal(value.extra["text"], lang="en")),
        ]
        for item in value.items:
            triples.append((node, PIKG.durationValue, Literal(item, datatype=XSD.duration, normalize=False)))
            triples.append((node, PIKG.durationInDays, Literal(str(duration_days(item)), datatype=XSD.integer)))
        for triple in triples:
            self.fact(graph, triple, passage)


def build(
    settings: Settings | None = None,
    *,
    check_quotes_against_sources: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> KnowledgeGraph:
    """Load, check and build the knowledge graph from the record files."""
    settings = settings or Settings.default()
    ontology, vocab = load_model()
    files = load_records(settings.records_dir, concepts_by_scheme(vocab), progress)
    quotes = check_quotes(files, settings.sources_dir if check_quotes_against_sources else None)
    dataset = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    kg = KnowledgeGraph(dataset, files, quotes, settings)
    _copy(dataset.graph(ONTOLOGY_GRAPH), ontology)
    _copy(dataset.graph(VOCAB_GRAPH), vocab)
    builder = _Builder(kg)
    for rf in files:
        graph = builder.source(rf)
        for rec in rf.records:
            builder.record(graph, rf, rec)
    return kg


def _copy(target: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    for triple in triples:
        target.add(triple)
