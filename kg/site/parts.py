"""The parts of a resource's page beyond its statements, by the kind of resource: a study's samples (a trial's arms
with what each received), comparisons, time points and data lineage; an intervention's themes, barriers,
facilitators and prior evidence; a person's identity judgements. Each is scattered over nodes that link to the
resource, so it is gathered here rather than left to "Linked from"."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kg.base.config import ONTOLOGY_NS, PREFIXES

# `b` below is the kg.site.pages.PageBuilder writing the page (not imported: pages imports this module)
PageBuilder = Any

PIKG = ONTOLOGY_NS.__add__  # PIKG("sampleOf"): an IRI of the ontology, as the pages write them
SKOS_LABEL, FOAF_PERSON = PREFIXES["skos"] + "prefLabel", PREFIXES["foaf"] + "Person"
FACTOR_ROLES = (("facilitator", "Facilitators"), ("barrier", "Barriers"))  # pikg:facilitator / pikg:barrier
KIND_ORDER = ("baseline", "post-intervention", "follow-up")  # the timepoint-kind scheme's concepts, in time order
SAMPLE_COLUMNS = (("size", "sampleSize"), ("studies", "includedStudyCount"), ("randomised", "randomisedCount"),
                  ("analysed", "analysedCount"), ("interventions", "participatedIn"),
                  ("comparators", "receivedComparator"), ("origin", "dataOrigin"), ("dataset", "dataset"))


def study_parts(b: PageBuilder, page: str, iri: str) -> dict[str, Any]:
    """A study's samples (a trial's arms, with what each received), its comparisons and time points, and its data
    lineage: where its participants and data came from is what tells a new study from a re-analysis, and what
    a trial compared, and when, is what its results mean."""
    if not b.data.typed(iri, PIKG("Study")):
        return {"samples": [], "lineage": [], "comparisons": [], "timepoints": []}
    samples = b.by_label(b.data.subjects(PIKG("sampleOf"), iri))
    rows = [{"sample": replace(b.link(page, s), quotes=b.quotes(page, s, SKOS_LABEL, b.data.value(s, SKOS_LABEL))),
             **{name: b.values(page, s, PIKG(prop)) for name, prop in SAMPLE_COLUMNS}}
            for s in samples]
    datasets = ({d for d in b.data.objects(iri, PIKG("reanalyses")) if isinstance(d, str)}
                | set(b.data.subjects(PIKG("collectedBy"), iri))
                | {d for s in samples for d in b.data.objects(s, PIKG("dataset")) if isinstance(d, str)})
    lineage = [{"dataset": b.link(page, d), "collected": b.values(page, d, PIKG("collectedBy")),
                "reanalysed": [replace(b.link(page, s), quotes=b.quotes(page, s, PIKG("reanalyses"), d))
                               for s in b.by_label(b.data.subjects(PIKG("reanalyses"), d))]}
               for d in b.by_label(datasets)]
    comparisons = [{"comparison": b.link(page, c), "experimental": b.values(page, c, PIKG("experimentalArm")),
                    "control": b.values(page, c, PIKG("controlArm"))}
                   for c in b.by_label(b.data.subjects(PIKG("comparisonOf"), iri))]
    timepoints = [{"timepoint": b.link(page, t), "kind": b.values(page, t, PIKG("timePointKind")),
                   "after": b.values(page, t, PIKG("offset")),
                   "from": b.values(page, t, PIKG("countedFrom"))}
                  for t in sorted(b.by_label(b.data.subjects(PIKG("timePointOf"), iri)),
                                  key=lambda t: chronological(b, t))]
    return {"samples": rows, "lineage": lineage, "comparisons": comparisons, "timepoints": timepoints}


def chronological(b: PageBuilder, timepoint: str) -> tuple[int, int]:
    """Where a time point falls: baseline, then the end of the intervention, then follow-ups by their offset in
    days (as a source counts it); a time point of no known kind last."""
    kinds = [str(k).rsplit("/", 1)[-1] for k in b.data.objects(timepoint, PIKG("timePointKind"))]
    rank = min((KIND_ORDER.index(k) for k in kinds if k in KIND_ORDER), default=len(KIND_ORDER))
    days = [int(str(d)) for o in b.data.objects(timepoint, PIKG("offset"))
            for d in b.data.objects(o, PIKG("durationInDays"))]
    return rank, min(days, default=0)


def intervention_parts(b: PageBuilder, page: str, iri: str) -> dict[str, Any]:
    """An intervention's themes, barriers and facilitators, and the prior evidence sources cite about it: a
    finding that concerns all interventions of its study names none of them, so no triple links it here."""
    if not b.data.typed(iri, PIKG("Intervention")):
        return {"themes": [], "factors": [], "prior": []}
    found = b.concerning(iri)
    studied = [f for f in found if not b.is_background(f)]
    factors: list[dict[str, Any]] = []
    for role, label in FACTOR_ROLES:
        rows = [{"factor": replace(b.link(page, x), quotes=b.quotes(page, f, PIKG(role), x)),
                 "finding": b.link(page, f), "quote": b.passage(page, f)}
                for f in studied for x in b.data.objects(f, PIKG(role))]
        if rows:
            factors.append({"id": role, "label": label,
                            "rows": sorted(rows, key=lambda r: (r["factor"].text.casefold(), r["finding"].text))})
    return {"themes": [b.qualitative(page, f) for f in studied if not b.is_effect(f)], "factors": factors,
            "prior": [b.background(page, f) for f in found if b.is_background(f)]}


def person_parts(b: PageBuilder, page: str, iri: str) -> dict[str, Any]:
    """A person's identity across sources: each curator's judgement that names this person record, with the
    other records it names, its verdict, author and reasons, shown as the curators' (no source states it)."""
    if not b.data.typed(iri, FOAF_PERSON):
        return {"identities": []}
    judged = b.by_label(b.data.subjects(PIKG("judgedPerson"), iri))
    return {"identities": [
        {"judgement": b.link(page, j),
         "verdict": b.label(b.data.value(j, PIKG("identityJudgement"))),
         "others": [b.link(page, other) for other in b.by_label(
             o for o in b.data.objects(j, PIKG("judgedPerson")) if isinstance(o, str) and o != iri)],
         "author": b.label(b.data.value(j, PIKG("curatedBy"))),
         "reasons": b.label(b.data.value(j, PIKG("reasons")))}
        for j in judged]}
