"""A framed JSON-LD document per intervention: the intervention with its parts, its findings and the statements
that source each of its facts, nested, for readers who want one intervention as one document."""

from __future__ import annotations

import json
from typing import Any

from kg.base.config import ONTOLOGY_NS, VOCAB_NS, expand
from kg.release.export import jsonld_context
from kg.release.jsonld import Compactor, Positions, by_subject
from kg.schema.jsonld import document_schema

SCHEMA_FILE = "interventions.schema.json"  # the release's JSON Schema of the framed documents

_NOT_NESTED = {expand(n) for n in ("dcterms:isReferencedBy", "dcterms:creator", "pikg:hasAuthorship",
                                     "skos:inScheme")}
_CONCEPT_SHOWS = {expand(n) for n in ("skos:prefLabel", "skos:example")}
_INTERVENTION, _TYPE = expand("pikg:intervention"), expand("rdf:type")
_RDF_SUBJECT, _RDF_PREDICATE, _DERIVED_FROM = expand("rdf:subject"), expand("rdf:predicate"), expand(
    "prov:wasDerivedFrom")
# statements a framed document does not list under "facts": the node's type, scheme and sources, already shown,
# which only repeat the passage of its label
_BOOKKEEPING = {f"<{expand(n)}>" for n in ("rdf:type", "skos:inScheme", "dcterms:isReferencedBy")}
FRAME_TERMS = {  # what a framed document adds to the context: the statements that point at a node, nested in it
    "findings": {"@reverse": "pikg:intervention", "@container": "@set"},
    "facts": {"@reverse": "rdf:subject", "@container": "@set"},
}


class ReleaseIndex:
    """The published statements by subject (without the reification machinery), each intervention's findings,
    and the reified statements about each intervention and its parts (components, duration, population): what
    the framed documents and the dataset description look up. Only those statements are kept of the machinery,
    the bulk of a large graph."""

    def __init__(self, union: list[str], base_iri: str) -> None:
        machinery = f"<{base_iri}statement/"
        self.positions = Positions.scan(union)  # the order of the lists a source orders (components)
        self.pairs = dict(by_subject(s for s in union if not s.startswith(machinery)))
        self.findings: dict[str, list[str]] = {}
        for subject, pairs in self.pairs.items():
            for p, o in pairs:
                if p == _INTERVENTION:
                    self.findings.setdefault(o[1:-1], []).append(subject)
        intervention = f"<{expand('pikg:Intervention')}>"
        self.interventions = sorted(s for s, pairs in self.pairs.items() if (_TYPE, intervention) in pairs)
        described = set(self.interventions)
        for node in self.interventions:
            described.update(o[1:-1] for p, o in self.pairs[node] if o.startswith("<") and p != _TYPE
                             and p not in _NOT_NESTED and o[1:-1] in self.pairs and not o.startswith(f"<{VOCAB_NS}")
                             and o[1:-1] not in self.interventions)
        self.facts: dict[str, list[str]] = {}  # node → the reified statements whose subject it is
        self.statements: dict[str, list[tuple[str, str]]] = {}
        for statement, pairs in by_subject(s for s in union if s.startswith(machinery)):
            about = next((o[1:-1] for p, o in pairs if p == _RDF_SUBJECT), None)
            if about in described and not any(p == _RDF_PREDICATE and o in _BOOKKEEPING for p, o in pairs):
                self.facts.setdefault(about, []).append(statement)
                self.statements[statement] = pairs


def _intervention_subgraph(index: ReleaseIndex, intervention: str) -> dict[str, list[tuple[str, str]]]:
    """The intervention, its findings, and what they point to two steps away (labels of concepts, durations,
    passages and their sources), and the reified statements about the intervention and its parts with their
    passages (the Table 1 facts are quoted too, not only the findings)."""
    out: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    frontier = {intervention, *index.findings.get(intervention, ())}
    for _depth in range(3):
        nxt = set()
        for node in sorted(frontier):
            if node in seen:
                continue
            seen.add(node)
            for p, o in index.pairs.get(node, ()):
                if node.startswith(VOCAB_NS) and not (
                    p in _CONCEPT_SHOWS or (p == expand("skos:definition") and "/recovery-kind/" in node)
                ):
                    continue  # a concept shows its label (and a definition that comes from a source)
                if node != intervention and p in _NOT_NESTED:
                    continue
                out.setdefault(node, []).append((p, o))
                if o.startswith("<") and p != _TYPE and o[1:-1] not in seen:
                    nxt.add(o[1:-1])
        frontier = nxt
    for node in [intervention, *sorted(n for n in out if n != intervention)]:
        for statement in index.facts.get(node, ()):  # each fact with the passage it was derived from
            pairs = index.statements[statement]
            out[statement] = [(p, o) for p, o in pairs if p != _RDF_SUBJECT]  # "facts" says whose it is
            for p, o in pairs:
                if p == _DERIVED_FROM and o[1:-1] not in out and o[1:-1] in index.pairs:
                    out[o[1:-1]] = list(index.pairs[o[1:-1]])
    return out


def framed_intervention(index: ReleaseIndex, intervention: str) -> bytes:
    """A JSON-LD document a web developer can read without RDF: the intervention with its components, delivery,
    duration, findings and sources nested inside it (every node it reaches is embedded where referenced), and
    under "facts" each statement about it or a part of it with the quoted passage it comes from (only the
    passage is embedded there: the rest is already in the tree)."""
    intervention = str(intervention)
    context = [jsonld_context()["@context"], FRAME_TERMS]
    compactor = Compactor({**context[0], **FRAME_TERMS})
    nodes = _intervention_subgraph(index, intervention)

    def render(node: str, ancestors: frozenset[str], allowed: frozenset[str] | None = None) -> dict[str, Any]:
        """`allowed`: the only nodes embedded below this one (None: any not already above it)."""
        inside = ancestors | {node}

        def embed(target: str) -> dict[str, Any] | None:
            if target not in nodes or target in inside or (allowed is not None and target not in allowed):
                return None
            return render(target, inside, None if allowed is None else frozenset())

        extra: dict[str, list[Any]] = {}
        if node == intervention and index.findings.get(node):
            extra["findings"] = [render(f, inside) for f in sorted(index.findings[node])]
        if allowed is None and len(ancestors) <= 1 and index.facts.get(node):  # the intervention and its parts
            extra["facts"] = [render(s, inside, frozenset(o[1:-1] for p, o in nodes[s] if p == _DERIVED_FROM))
                              for s in sorted(index.facts[node])]
        return compactor.node(node, nodes.get(node, ()), embed, extra or None, index.positions)

    doc = render(intervention, frozenset())
    return (json.dumps({"@context": context, **doc}, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
            ).encode("utf-8")



def framed_schema() -> bytes:
    """The JSON Schema of the framed documents (SCHEMA_FILE), written from the model as the context is; the
    classes @type may name are the ontology's (through @vocab) and the other vocabularies' terms."""
    from rdflib import OWL, RDF

    from kg.model.build import load_model

    classes = sorted(str(c)[len(ONTOLOGY_NS):] for c in load_model()[0].subjects(RDF.type, OWL.Class)
                     if str(c).startswith(ONTOLOGY_NS))
    return (json.dumps(document_schema(classes, FRAME_TERMS), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
