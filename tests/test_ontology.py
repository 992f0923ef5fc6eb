"""Ontology and vocabularies are first-class sources: every term labelled, defined and used consistently."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Namespace, URIRef

from conftest import BUNDLED
from kg.base.config import ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES
from kg.model.build import ONTOLOGY_GRAPH, VOCAB_GRAPH, load_model

SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])

# Terms of other vocabularies the data may use; a typo (schema:studyDesgn) would not be in this list.
EXTERNAL_TERMS = {
    PREFIXES["rdf"] + t for t in ("type", "Statement", "subject", "predicate", "object")
} | {PREFIXES["skos"] + t for t in ("prefLabel", "altLabel", "definition", "example", "note", "editorialNote",
                                     "inScheme", "Concept")} | {
    PREFIXES["dcterms"] + t for t in ("title", "type", "issued", "language", "creator", "source", "isReferencedBy",
                                      "description")
} | {PREFIXES["schema"] + t for t in ("ScholarlyArticle", "Event", "Place", "name", "startDate", "endDate",
                                       "location", "addressCountry", "numberOfPages", "creativeWorkStatus",
                                       "workPresented", "studyDesign", "volumeNumber")} | {
    PREFIXES["foaf"] + "Person", PREFIXES["foaf"] + "name", PREFIXES["prov"] + "wasDerivedFrom",
    PREFIXES["oa"] + "exact",
}


def test_ontology_header() -> None:
    ontology, _ = load_model()
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionIRI):
        assert ontology.value(header, prop) is not None, prop
    assert str(ontology.value(header, OWL.versionIRI)) == "https://w3id.org/pikg/ontology/0.1.0"


def test_every_term_has_label_definition_and_is_defined_by() -> None:
    ontology, _ = load_model()
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology.subjects(RDF.type, kind)}
    assert len(terms) == sum(BUNDLED["ontology"].values())  # classes, object properties, datatype properties
    for term in terms:
        assert str(term).startswith(ONTOLOGY_NS), term
        assert ontology.value(term, RDFS.label), f"{term} has no label"
        assert ontology.value(term, SKOS.definition), f"{term} has no definition"
        assert ontology.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY_IRI), term


def test_every_concept_is_labelled_in_a_scheme_and_defined(kg) -> None:
    vocab = kg.dataset.graph(VOCAB_GRAPH)
    concepts = set(vocab.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == BUNDLED["concepts"]
    for concept in concepts:
        assert vocab.value(concept, SKOS.prefLabel), concept
        assert vocab.value(concept, SKOS.inScheme), concept
        # recovery kinds take their definitions from the abstract, with its quote
        assert kg.dataset.value(concept, SKOS.definition), f"{concept} has no definition"
    for scheme in vocab.subjects(RDF.type, SKOS.ConceptScheme):
        assert vocab.value(scheme, SKOS.prefLabel) and vocab.value(scheme, SKOS.definition), scheme


def test_data_uses_only_declared_terms(kg) -> None:
    declared = {str(s) for s in kg.dataset.graph(ONTOLOGY_GRAPH).subjects(RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI))}
    used: set[str] = set()
    for graph in kg.source_graphs():
        for _, p, o in kg.dataset.graph(graph):
            used.add(str(p))
            if p == RDF.type:
                used.add(str(o))
    undeclared = {t for t in used if t.startswith(ONTOLOGY_NS) and t not in declared}
    unknown = {t for t in used if not t.startswith(ONTOLOGY_NS) and t not in EXTERNAL_TERMS}
    assert undeclared == set()
    assert unknown == set()
