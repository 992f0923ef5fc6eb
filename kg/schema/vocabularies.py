"""The controlled values the model's concept kinds take: the SKOS concept schemes of ontology/vocabularies.ttl, by
scheme and id. The loader checks values against them, the generator lists them in the shapes (sh:in)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.base.config import VOCAB_NS, expand, resource_dir

if TYPE_CHECKING:
    from rdflib import Graph


def concepts_by_scheme(vocab: Graph | None = None, path: Path | None = None) -> dict[str, set[str]]:
    """Scheme → its concept ids (see concept_labels)."""
    return {scheme: set(concepts) for scheme, concepts in concept_labels(vocab, path).items()}


def concept_labels(vocab: Graph | None = None, path: Path | None = None) -> dict[str, dict[str, str]]:
    """Scheme → concept id → preferred label: how sheets and people name controlled values (from `vocab`, else the
    file at `path`, by default the packaged ontology/vocabularies.ttl)."""
    import pyoxigraph as ox

    in_scheme, pref = expand("skos:inScheme"), expand("skos:prefLabel")
    path = resource_dir("ontology") / "vocabularies.ttl" if path is None else path
    triples = vocab if vocab is not None else [
        (t.subject.value, t.predicate.value, t.object.value)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    labels = {str(s): str(o) for s, p, o in triples if str(p) == pref}
    out: dict[str, dict[str, str]] = {}
    for s, p, o in triples:
        if str(p) == in_scheme:
            out.setdefault(str(o)[len(VOCAB_NS):], {})[str(s).rsplit("/", 1)[1]] = labels.get(str(s), "")
    return out
