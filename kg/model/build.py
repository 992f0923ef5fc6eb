"""Turn checked records into an RDF dataset: one named graph per source document, the vocabularies in a
graph of their own, and the union as the default view.

Every fact triple is also reified (rdf:Statement with an IRI derived from the triple and its graph) and linked
with prov:wasDerivedFrom to the passage (oa:TextQuoteSelector) that supports it, so provenance is a query away.

The builder writes each graph as an ordered set of N-Triples statements: that is what the fast engines
(pyoxigraph's parser, store and serialisers) read, and a million of them take a second or two to make. The
rdflib Dataset that the library offers as its graph API is parsed from them the first time it is asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.base.config import ONTOLOGY_IRI, PREFIXES, VOCAB_NS, Settings, resource_dir
from kg.base.errors import display_path
from kg.base.terms import curie, iri, literal
from kg.load.corpus import load_records
from kg.load.quotes import QuoteCheck, check_quotes, normalise
from kg.load.records import Record, RecordFile, Value
from kg.schema import CURATORS, Term
from kg.schema.vocabularies import concepts_by_scheme

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef

VOCAB_GRAPH = VOCAB_NS
ONTOLOGY_GRAPH = ONTOLOGY_IRI


def term(value: Term) -> str:
    """A record value's RDF term (its kind made it, kg.schema.kinds) as N-Triples."""
    return iri(value.value) if value.iri else literal(value.value, lang=value.lang, datatype=value.datatype)


RDF_TYPE = curie("rdf:type")
RDF_STATEMENT, RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (curie(f"rdf:{n}") for n in
                                                         ("Statement", "subject", "predicate", "object"))
DERIVED_FROM = curie("prov:wasDerivedFrom")
PASSAGE, EXACT, IN_SOURCE, TEXT_FILE = curie("pikg:Passage"), curie("oa:exact"), curie("pikg:inSource"), \
    curie("pikg:textFile")
CURATOR_STATEMENT = curie("pikg:CuratorStatement")
VALUE_POSITION = curie("pikg:valuePosition")
XSD_POSITIVE = PREFIXES["xsd"] + "positiveInteger"


@dataclass(frozen=True)
class Origin:
    """Where a node or a node's property was written: shown in validation reports."""

    file: str
    line: int
    field: str

    def __str__(self) -> str:
        where = f"{display_path(self.file)}:{self.line}" if self.line else display_path(self.file)
        return f"{where}: {self.field}"


Statements = dict[str, None]  # an ordered set of N-Triples statements "<s> <p> o" (without the final " .")


@dataclass
class KnowledgeGraph:
    """The built dataset and what is needed to explain it.

    `graphs` maps each named graph's IRI to its statements; `origins` maps (node IRI, property IRI or None) to
    the record line that wrote it; `literals` keeps every literal as written for (subject IRI, property IRI),
    because a store may normalise datatypes (Oxigraph keeps xsd:positiveInteger as xsd:integer)."""

    graphs: dict[str, Statements]
    files: list[RecordFile]
    quotes: QuoteCheck
    settings: Settings
    origins: dict[tuple[str, str | None], Origin] = field(default_factory=dict)
    literals: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _dataset: Any = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_dataset": None}

    def origin(self, node: object, path: object | None = None) -> Origin | None:
        return self.origins.get((str(node), None if path is None else str(path))) or self.origins.get(
            (str(node), None))

    def source_graphs(self) -> list[URIRef]:
        from rdflib import URIRef

        return [URIRef(graph_iri(self.settings, rf.source.id)) for rf in self.files]

    def export_graphs(self) -> list[URIRef]:
        """Graphs that make up the published data: the sources' and the vocabularies."""
        from rdflib import URIRef

        return [*self.source_graphs(), URIRef(VOCAB_GRAPH)]

    def statements(self, graphs: Iterable[object] | None = None) -> Iterable[str]:
        for name in graphs if graphs is not None else self.graphs:
            yield from self.graphs[str(name)]

    def nquad_lines(self) -> Iterator[str]:
        """N-Quads lines of every graph, made as they are read."""
        return nquad_lines(self.graphs.items())

    def nquads(self, graphs: Iterable[object] | None = None) -> bytes:
        """N-Quads of the given graphs (all by default), a graph's statements in the order they were made."""
        names = [str(g) for g in graphs] if graphs is not None else list(self.graphs)
        return "".join(nquad_lines((g, self.graphs[g]) for g in names)).encode("utf-8")

    def union(self, graphs: Iterable[object] | None = None) -> list[str]:
        """The sorted statements of the union of the given graphs (the published ones by default)."""
        return sorted(set(self.statements(graphs if graphs is not None else self.export_graphs())))

    @property
    def dataset(self) -> Dataset:
        """The dataset as rdflib's Dataset (union default graph), parsed on first use."""
        if self._dataset is None:
            from rdflib import Dataset

            dataset = Dataset(default_union=True)
            for prefix, ns in PREFIXES.items():
                dataset.bind(prefix, ns)
            dataset.parse(data=self.nquads().decode("utf-8"), format="nquads")
            self._dataset = dataset
        return self._dataset


def nquad_lines(graphs: Iterable[tuple[str, Iterable[str]]]) -> Iterator[str]:
    """N-Quads lines of (graph IRI, statements) pairs."""
    return (f"{s} <{name}> .\n" for name, statements in graphs for s in statements)


def graph_iri(settings: Settings, source_id: str) -> str:
    return f"{settings.base_iri}graph/{source_id}"


def load_model() -> tuple[Graph, Graph]:
    """The ontology and the vocabularies, each parsed from its packaged Turtle file."""
    from rdflib import Graph

    folder = resource_dir("ontology")
    ontology, vocab = Graph(), Graph()
    ontology.parse(folder / "pikg.ttl", format="turtle")
    vocab.parse(folder / "vocabularies.ttl", format="turtle")
    return ontology, vocab


def model_statements(name: str) -> Statements:
    """A packaged Turtle file's triples as N-Triples statements, read by pyoxigraph."""
    triples = ox.parse(path=str(resource_dir("ontology") / name), format=ox.RdfFormat.TURTLE)
    return dict.fromkeys(f"{t.subject} {t.predicate} {t.object}" for t in triples)


def short_hash(*parts: str, size: int = 16) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


class _Builder:
    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.base = kg.settings.base_iri
        self.origins, self.literals = kg.origins, kg.literals  # or one file's own, see build_files
        self.placed: set[str] = set()  # statements given a position (an ordered field's values)

    def node(self, segment: str, rid: str) -> str:
        return f"{self.base}{segment}/{rid}"

    def passage(self, graph: Statements, rf: RecordFile, quote: str, quote_in: str | None) -> str:
        text = normalise(quote)
        node = f"<{self.base}passage/{rf.source.id}/{short_hash(quote_in or '', text, size=12)}>"
        graph[f"{node} {RDF_TYPE} {PASSAGE}"] = None
        graph[f"{node} {EXACT} {literal(text)}"] = None
        graph[f"{node} {IN_SOURCE} <{self.node('source', rf.source.id)}>"] = None
        if quote_in:
            graph[f"{node} {TEXT_FILE} {literal(quote_in)}"] = None
        return node

    def fact(self, graph: Statements, graph_name: str, s: str, p: str, o: str, passage: str | None) -> str:
        """Write a triple and its statement (rdf:Statement citing the passage); return the statement's IRI. Without
        a passage the statement is the curators' (a note, a mapping, a judgement): typed so, and citing none, so
        that nothing shows or queries it as the source's words."""
        graph[f"{s} {p} {o}"] = None
        if o[0] == '"':
            self.literals.setdefault((s[1:-1], p[1:-1]), []).append(o)
        stmt = f"<{self.base}statement/{short_hash(s, p, o, graph_name)}>"
        graph[f"{stmt} {RDF_TYPE} {RDF_STATEMENT}"] = None
        graph[f"{stmt} {RDF_SUBJECT} {s}"] = None
        graph[f"{stmt} {RDF_PREDICATE} {p}"] = None
        graph[f"{stmt} {RDF_OBJECT} {o}"] = None
        if passage is None:
            graph[f"{stmt} {RDF_TYPE} {CURATOR_STATEMENT}"] = None
        else:
            graph[f"{stmt} {DERIVED_FROM} {passage}"] = None
        return stmt

    def source(self, rf: RecordFile) -> tuple[Statements, str]:
        src = rf.source
        name = graph_iri(self.kg.settings, src.id)
        graph = self.kg.graphs.setdefault(name, {})
        node = iri(self.node("source", src.id))
        passage = self.passage(graph, rf, src.quote, None)
        facts = [
            (RDF_TYPE, curie("pikg:SourceDocument")),
            (curie("skos:prefLabel"), literal(src.label, lang="en")),
            (TEXT_FILE, literal(src.text_file)),
        ]
        if src.publication:
            facts.append((curie("dcterms:source"), iri(self.node("publication", src.publication))))
        for p, o in facts:
            self.fact(graph, name, node, p, o, passage)
        self.origins.setdefault((node[1:-1], None), Origin(str(rf.path), src.line, "source"))
        return graph, name

    def record(self, graph: Statements, name: str, rf: RecordFile, rec: Record) -> None:
        section = rec.section
        subject = iri(VOCAB_NS + rec.id) if section.by_concept else iri(self.node(section.segment, rec.id))
        where = f"{section.name}.{rec.id}"
        self.origins.setdefault((subject[1:-1], None), Origin(str(rf.path), rec.line, where))
        passage = None if section.curated else self.passage(graph, rf, rec.quote, rec.quote_in)
        for cls in section.types:
            self.fact(graph, name, subject, RDF_TYPE, curie(cls), passage)
        self.fact(graph, name, subject, curie("dcterms:isReferencedBy"), iri(self.node("source", rf.source.id)),
                  passage)
        if section.scheme:
            self.fact(graph, name, subject, curie("skos:inScheme"), iri(VOCAB_NS + section.scheme), passage)
        if section.by_concept and any(v.field.name == "label" for v in rec.values):  # a concept the file declares
            self.fact(graph, name, subject, RDF_TYPE, curie("skos:Concept"), passage)
            self.fact(graph, name, subject, curie("skos:inScheme"), iri(VOCAB_NS + rec.id.partition("/")[0]),
                      passage)
        if section.name == "findings" and passage is not None:
            self.fact(graph, name, subject, curie("pikg:supportingPassage"), passage, passage)
        for value in rec.values:
            self.value(graph, name, rf, rec, subject, value, f"{where}.{value.field.name}")

    def value(self, graph: Statements, name: str, rf: RecordFile, rec: Record, subject: str, value: Value,
              where: str) -> None:
        fld = value.field
        predicate = curie(fld.predicate)
        origin = Origin(str(rf.path), value.line, where)
        self.origins.setdefault((subject[1:-1], predicate[1:-1]), origin)
        curators = rec.section.curated or fld.kind in CURATORS
        passage = None if curators else self.passage(graph, rf, value.quote, value.quote_in)
        own = subject[1:-1]
        for at, (s, p, o) in enumerate(fld.triples(own, value.items, value.extra, self.base, rf.source.id), 1):
            if s != own:  # a node the kind made (a duration, an authorship), or the object of an inverse field
                self.origins.setdefault((s, p if fld.inverse else None), origin)
            stmt = self.fact(graph, name, iri(s), iri(p), term(o), passage)
            if fld.ordered and stmt not in self.placed:  # a value listed twice keeps its first place
                self.placed.add(stmt)
                graph[f"{stmt} {VALUE_POSITION} {literal(str(at), datatype=XSD_POSITIVE)}"] = None
            for target in value.extra.get("derived_from", ()):  # not stated: derived from other records' values
                graph[f"{stmt} {curie('pikg:derivedFromRecord')} {iri(self.base + target)}"] = None

@dataclass
class FileParts:
    """One record file's share of a build (its origins, its literals as written, the names it refers by), kept
    by `kg check` to re-check that file without the others."""

    origins: dict[tuple[str, str | None], Origin] = field(default_factory=dict)
    literals: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    refs: frozenset[tuple[str, str]] = frozenset()


def build_files(files: list[RecordFile], quotes: QuoteCheck, settings: Settings, *, model: bool = True,
                parts: dict[str, FileParts] | None = None) -> KnowledgeGraph:
    """The graph of already loaded and checked record files (and of the ontology and vocabularies, unless
    `model` is false). `parts`, when given, receives each file's own origins and literals (by path): what
    `kg check` keeps to re-check one file without the others."""
    kg = KnowledgeGraph({}, files, quotes, settings)
    builder = _Builder(kg)
    for rf in files:
        if parts is not None:
            part = parts.setdefault(str(rf.path), FileParts())
            builder.origins, builder.literals = part.origins, part.literals
        graph, name = builder.source(rf)
        for rec in rf.records:
            builder.record(graph, name, rf, rec)
        if parts is not None:
            for key, origin in builder.origins.items():
                kg.origins.setdefault(key, origin)
            for pair, literals in builder.literals.items():
                kg.literals.setdefault(pair, []).extend(literals)
    if model:
        kg.graphs[VOCAB_GRAPH] = model_statements("vocabularies.ttl")
        kg.graphs[ONTOLOGY_GRAPH] = model_statements("pikg.ttl")
    return kg


def build(
    settings: Settings | None = None,
    *,
    check_quotes_against_sources: bool = True,
    progress: Callable[[Path], None] | None = None,
    parts: dict[str, FileParts] | None = None,
    per_file: dict[str, QuoteCheck] | None = None,
) -> KnowledgeGraph:
    """Load, check and build the knowledge graph from the record files (`parts` and `per_file`, when given,
    receive each file's share of the build and of the quote check)."""
    settings = settings or Settings.default()
    unresolved: list[RecordFile] | None = [] if parts is not None else None
    files = load_records(settings.records_dir, concepts_by_scheme(), progress, unresolved)
    if parts is not None and unresolved is not None:
        from kg.load.identity import references

        parts.update((str(rf.path), FileParts(refs=references(rf))) for rf in unresolved)
    quotes = check_quotes(files, settings.sources_dir if check_quotes_against_sources else None, per_file)
    return build_files(files, quotes, settings, parts=parts)
