"""The ontology's documentation page: its classes with their shape constraints, its properties, and the concept
schemes of the vocabularies, behind a table of contents. The ontology and the shapes are small and fixed, so
rdflib reads them (the data never goes through rdflib)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import OWL, RDF, RDFS, Namespace
from rdflib.term import Node

from kg.base.config import ONTOLOGY_NS, PREFIXES, compact
from kg.base.terms import SH
from kg.check.validate import load_shapes
from kg.model.build import ONTOLOGY_GRAPH
from kg.release.export import new_graph, ntriples
from kg.site.files import PageWriter

SKOS = Namespace(PREFIXES["skos"])
DCTERMS = Namespace(PREFIXES["dcterms"])
RULES = ("minCount", "maxCount", "datatype", "class", "hasValue", "pattern", "minInclusive")


def _term(node: Node | None) -> str:
    return "" if node is None else compact(str(node)) if not hasattr(node, "datatype") else str(node)


def ontology_page(site: Any, writer: PageWriter) -> None:
    """`site`: the kg.site.builder.SiteBuilder writing the pages (its labels and links)."""
    page = "ontology.html"
    shapes = load_shapes()
    onto = new_graph().parse(data=ntriples(site.kg.graphs[ONTOLOGY_GRAPH]).decode("utf-8"), format="nt")
    classes = []
    for c in sorted(onto.subjects(RDF.type, OWL.Class), key=lambda c: str(onto.value(c, RDFS.label)).casefold()):
        constraints = []
        for shape in sorted(shapes.subjects(SH.targetClass, c), key=str):
            for ps in sorted(shapes.objects(shape, SH.property), key=str):
                rules = [f"{name} {_term(shapes.value(ps, SH[name]))}" for name in RULES
                         if shapes.value(ps, SH[name]) is not None]
                if shapes.value(ps, SH["in"]) is not None:
                    rules.append("in a concept scheme")
                path = str(shapes.value(ps, SH.path))
                constraints.append({"path": site.label(path), "curie": compact(path), "rules": "; ".join(rules),
                                    "message": str(shapes.value(ps, SH.message))})
            for sc in sorted(shapes.objects(shape, SH.sparql), key=str):
                constraints.append({"path": "(rule)", "curie": "", "rules": "SPARQL",
                                    "message": str(shapes.value(sc, SH.message))})
        classes.append({"id": str(c)[len(ONTOLOGY_NS):], "label": str(onto.value(c, RDFS.label)),
                        "definition": str(onto.value(c, SKOS.definition)),
                        "matches": sorted(str(m) for m in onto.objects(c, SKOS.closeMatch)),
                        "constraints": constraints})
    by_path: dict[Node | None, list[str]] = defaultdict(list)
    for ps in shapes.subjects(RDF.type, SH.PropertyShape):
        by_path[shapes.value(ps, SH.path)].append(str(shapes.value(ps, SH.message)))
    properties: list[dict[str, Any]] = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in onto.subjects(RDF.type, kind):
            domain, range_ = onto.value(p, RDFS.domain), onto.value(p, RDFS.range)
            properties.append({
                "constraints": sorted(by_path.get(p, [])),
                "id": str(p)[len(ONTOLOGY_NS):], "label": str(onto.value(p, RDFS.label)),
                "definition": str(onto.value(p, SKOS.definition)),
                "domain": site.label(str(domain)) if domain is not None else "",
                "range": site.label(str(range_)) if range_ is not None else "",
                "functional": (p, RDF.type, OWL.FunctionalProperty) in onto})
    properties.sort(key=lambda p: p["label"].casefold())
    schemes = []
    for s in site.by_label(site.data.instances(PREFIXES["skos"] + "ConceptScheme")):
        schemes.append({"id": s.rsplit("/", 1)[1], "label": site.label(s), "href": site.href(page, s),
                        "definition": str(site.data.value(s, str(SKOS.definition)) or ""),
                        "concepts": [site.link(page, c) for c in site.by_label(
                            site.data.subjects(str(SKOS.inScheme), s))]})
    header = ONTOLOGY_NS.rstrip("#")
    from rdflib import URIRef

    site.render(writer, page, "ontology.html", title="Ontology", classes=classes, properties=properties,
                schemes=schemes, description=str(onto.value(URIRef(header), DCTERMS.description)),
                version_iri=str(onto.value(URIRef(header), OWL.versionIRI)))

