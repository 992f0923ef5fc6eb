from kg.build import build


def test_builds_four_interventions() -> None:
    kg = build()
    from rdflib import RDF, URIRef

    interventions = set(kg.dataset.subjects(RDF.type, URIRef("https://w3id.org/pikg/ontology#Intervention")))
    assert len(interventions) == 4
