"""The curators' mappings of outcomes to standard schemes (COMET's core areas, CHIME) as an SSSOM mapping set
(mappings.sssom.tsv): the form in which mappings between terms are shared, read by the `sssom` tools and by
ontology matchers. The mappings are the curators' judgements, never a source's statements, so they are published
apart from the facts, each with its author and reasons and the justification semapv:ManualMappingCuration.

Written by hand rather than with the `sssom` package: the table is a dozen columns of plain text, and the package
would add pandas and some 40 other dependencies to every install for it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kg.base.config import PREFIXES, VOCAB_NS
from kg.base.files import write_atomic
from kg.base.terms import parse_literal, split

SKOS = PREFIXES["skos"]
PIKG = PREFIXES["pikg"]
PREDICATES = {f"{VOCAB_NS}mapping-predicate/{k}": f"skos:{v}" for k, v in (
    ("exact-match", "exactMatch"), ("close-match", "closeMatch"), ("broad-match", "broadMatch"),
    ("narrow-match", "narrowMatch"), ("related-match", "relatedMatch"))}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "author_label", "comment")


def mapping_rows(union: list[str], base_iri: str) -> list[tuple[str, ...]]:
    """One row per pikg:OutcomeMapping of the published statements (sorted by subject, then object)."""
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in union:
        s, p, o = split(line)
        facts[s][p].append(o)
    typed = PREFIXES["rdf"] + "type"
    mappings = [s for s, props in facts.items() if f"<{PIKG}OutcomeMapping>" in props.get(typed, [])]

    def one(node: str, prop: str) -> str:
        found = facts.get(node, {}).get(prop, [])
        return found[0] if found else ""

    def text(term: str) -> str:
        return parse_literal(term)[0] if term.startswith('"') else term

    def label(term: str) -> str:
        return text(one(term.strip("<>"), SKOS + "prefLabel"))

    def curie(term: str) -> str:
        iri = term.strip("<>")
        for prefix, ns in (("pikg", base_iri), ("pikgv", VOCAB_NS)):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    rows = []
    for m in mappings:
        subject, obj = one(m, PIKG + "mappingSubject"), one(m, PIKG + "mappingObject")
        predicate = PREDICATES.get(one(m, PIKG + "mappingPredicate").strip("<>"), "")
        author = text(one(m, PIKG + "curatedBy"))
        rows.append((curie(subject), label(subject), predicate, curie(obj), label(obj), "semapv:ManualMappingCuration",
                     author, text(one(m, PIKG + "reasons"))))
    return sorted(rows)


def sssom_text(union: list[str], base_iri: str) -> str:
    """The mapping set: its metadata as the commented YAML header SSSOM's TSV form has, then the table."""
    header = [
        "curie_map:",
        f"  pikg: {base_iri}",
        f"  pikgv: {VOCAB_NS}",
        f"  skos: {SKOS}",
        "  semapv: https://w3id.org/semapv/vocab/",
        f"mapping_set_id: {base_iri}mappings.sssom.tsv",
        "mapping_set_description: The curators' placing of the graph's outcomes in the core areas of the COMET "
        "outcome taxonomy and the processes of the CHIME framework, where no source places them.",
        "license: https://creativecommons.org/licenses/by/4.0/",
    ]
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    lines = ["# " + h for h in header] + ["\t".join(COLUMNS)]
    lines += ["\t".join(cell.translate(clean) for cell in row) for row in mapping_rows(union, base_iri)]
    return "\n".join(lines) + "\n"


def write_sssom(folder: Path, union: list[str], base_iri: str) -> None:
    write_atomic(folder / "mappings.sssom.tsv", sssom_text(union, base_iri).encode("utf-8"))
