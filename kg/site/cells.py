"""A cell of the evidence map, as strong as its sources make it and no stronger: a line per study (never a count
of findings), with the directions its findings give, whether they are measured comparisons or participants'
accounts, the study's design, its size (a finding's own participants only where the source states them for that
finding), what it compared with, when, the hedging words and the limitations the source states."""

from __future__ import annotations

from typing import Any

from kg.base.config import PREFIXES, VOCAB_NS
from kg.site.graph import term_key
from kg.site.parts import PIKG, PageBuilder

# every concept of the direction scheme, in the legend's order, with the symbol a cell shows it by
DIRECTIONS = (("beneficial", "▲"), ("no-effect", "●"), ("harmful", "▼"), ("mixed", "◆"),
              ("no-significant-difference", "≈"), ("no-evidence-of-effect", "○"), ("inconsistent", "◇"),
              ("unclear", "?"))
# what a finding rests on (the evidence-basis scheme), with the mark a cell shows it by and what the legend says
BASES = (("measurement", "▣", "measured: a result the study measured and compared"),
         ("participants-accounts", "❝", "participants' accounts: what participants said, not a measured effect"))
STUDY_DESIGN = PREFIXES["schema"] + "studyDesign"
# what a source says of a study's whole evidence (a review's reporting, risk of bias, variation, limitations):
# shown on each of its lines, since it weighs every finding the study makes
STUDY_CAVEATS = ("limitation", "reportingQuality", "riskOfBias", "heterogeneity")


def legend(b: PageBuilder) -> dict[str, list[dict[str, str]]]:
    return {"directions": [{"id": d, "symbol": sym, "label": b.label(f"{VOCAB_NS}direction/{d}")}
                           for d, sym in DIRECTIONS],
            "bases": [{"id": basis, "symbol": sym, "label": said} for basis, sym, said in BASES]}


def _texts(b: PageBuilder, nodes: Any) -> list[str]:
    return sorted({b.label(n) if isinstance(n, str) else str(n) for n in nodes}, key=str.casefold)


def _size(b: PageBuilder, study: str, mine: list[str]) -> str:
    """The finding's own numbers where the source states them for it; else the study's stated total (a review's
    studies and participants in all), said to be the study's; else that the size is not stated."""
    own = sorted({(str(k), str(n)) for f in mine for k in b.data.objects(f, PIKG("includedStudyCount"))
                  for n in b.data.objects(f, PIKG("participantCount"))})
    counts = [str(n) for f in mine for n in b.data.objects(f, PIKG("participantCount"))]
    if own:
        return "; ".join(f"{int(k):,} studies, {int(n):,} participants for this finding" for k, n in own)
    if counts:
        return "; ".join(f"{int(n):,} participants for this finding" for n in sorted(set(counts), key=int))
    k, n = b.data.value(study, PIKG("includedStudyCount")), b.data.value(study, PIKG("sampleSize"))
    parts = ([f"a review of {int(str(k)):,} stud{'y' if int(str(k)) == 1 else 'ies'}"] if k is not None else []) + (
        [f"{int(str(n)):,} participants {'in all' if k is not None else 'in the study'}"] if n is not None else [])
    return ", ".join(parts) or "size not stated"


def _comparators(b: PageBuilder, mine: list[str]) -> list[str]:
    """What the control arms of the findings' comparisons received (a comparator, or an intervention)."""
    arms = {a for f in mine for c in b.data.objects(f, PIKG("comparison"))
            for a in b.data.objects(c, PIKG("controlArm"))}
    return _texts(b, [t for a in arms for p in ("receivedComparator", "participatedIn")
                      for t in b.data.objects(a, PIKG(p))])


def _one(b: PageBuilder, s: str, p: str) -> str:
    value = b.data.value(s, PIKG(p))
    return "" if value is None else b.label(value) if isinstance(value, str) else str(value)


def _numbers(b: PageBuilder, mine: list[str]) -> list[str]:
    """Each arm's value ("IMR arm: 28 of 61 %, count, one-year follow-up") and each estimate with its interval and
    p value, as printed: how well, where a source gives numbers."""
    shown = []
    for f in mine:
        for v in sorted(b.data.subjects(PIKG("valueOf"), f)):
            of, unit = _one(b, v, "denominator"), _one(b, v, "unit")
            about = ", ".join(x for x in (_one(b, v, "statistic"), _one(b, v, "measuredAt")) if x)
            shown.append(f"{_one(b, v, 'arm')}: {_one(b, v, 'numericValue')}{f' of {of}' if of else ''}"
                         f"{f' {unit}' if unit else ''}{f' ({about})' if about else ''}")
        point = _one(b, f, "pointEstimate")
        if point:
            low, high, level = (_one(b, f, p) for p in ("intervalLow", "intervalHigh", "intervalLevel"))
            p_value, below = _one(b, f, "pValue"), _one(b, f, "pValueBelow")
            shown.append(f"{_one(b, f, 'estimateType') or 'estimate'} {point}"
                         + (f" ({level + '% ' if level else ''}CI {low} to {high})" if low and high else "")
                         + (f", p = {p_value}" if p_value else f", p < {below}" if below else ""))
    return shown


def entries(b: PageBuilder, page: str, found: list[str]) -> list[dict[str, Any]]:
    """A cell's studies, each once, with what its findings in the cell say and what they rest on."""
    studies = sorted({s for f in found if (s := b.data.value(f, PIKG("study"))) is not None}, key=term_key)
    lines = []
    for study in studies:
        mine = [f for f in found if b.data.value(f, PIKG("study")) == study]
        given = {str(d).rsplit("/", 1)[1] for f in mine for d in b.data.objects(f, PIKG("direction"))}
        bases = {str(e).rsplit("/", 1)[1] for f in mine for e in b.data.objects(f, PIKG("evidenceBasis"))}
        subgroups = {b.label(g) for f in mine if (g := b.data.value(f, PIKG("subgroup"))) is not None}
        lines.append({
            "study": b.link(page, study),
            "directions": [{"id": d, "symbol": sym, "label": b.label(f"{VOCAB_NS}direction/{d}")}
                           for d, sym in DIRECTIONS if d in given],
            "bases": [{"id": basis, "symbol": sym, "label": said.split(":")[0]} for basis, sym, said in BASES
                      if basis in bases],
            "relations": _texts(b, [r for f in mine for r in b.data.objects(f, PIKG("relationKind"))]),
            "designs": _texts(b, b.data.objects(study, STUDY_DESIGN)),
            "size": _size(b, study, mine),
            "comparators": _comparators(b, mine),
            "timepoints": _texts(b, [t for f in mine for t in b.data.objects(f, PIKG("timePoint"))]),
            "numbers": _numbers(b, mine),
            "hedges": sorted({str(h) for f in mine for h in b.data.objects(f, PIKG("hedgeWording"))}),
            "limitations": sorted({str(x) for f in mine for x in b.data.objects(f, PIKG("limitation"))}),
            "caveats": [str(x) for p in STUDY_CAVEATS for x in b.data.objects(study, PIKG(p))],
            # what else the findings credit that is not an intervention (IPS and employment)
            "exposures": _texts(b, [x for f in mine for x in b.data.objects(f, PIKG("exposure"))]),
            # a subgroup's view is said so, and said to be all there is when every finding here is a subgroup's
            "subgroups": sorted(subgroups),
            "only_subgroups": all(b.data.value(f, PIKG("subgroup")) is not None for f in mine),
        })
    return lines


def intervention_results(b: PageBuilder, page: str, iri: str) -> dict[str, Any]:
    """The big question on an intervention's page (what works, compared with what, how well, for whom, where):
    its effect findings by outcome, each outcome's studies as the evidence map's cell gives them, each finding
    with its quote; and the populations and settings of the studies that evaluate it, each as a source states."""
    if not b.data.typed(iri, PIKG("Intervention")):
        return {"results": [], "populations": [], "settings": []}
    by_outcome: dict[str, list[str]] = {}
    for f in b.concerning(iri):
        if b.is_effect(f):
            for o in b.data.objects(f, PIKG("outcome")):
                if isinstance(o, str):
                    by_outcome.setdefault(o, []).append(f)
    results = [{"outcome": b.link(page, o),
                "domain": "; ".join(_texts(b, b.data.objects(o, PIKG("recoveryKind")))) or "not classed by any source",
                "entries": entries(b, page, sorted(found)),
                "findings": [{"link": b.link(page, f), "quote": b.passage(page, f)} for f in sorted(found)]}
               for o, found in sorted(by_outcome.items(), key=lambda kv: (
                   not b.data.objects(kv[0], PIKG("recoveryKind")), b.label(kv[0]).casefold()))]
    studies = sorted(b.studies_of(iri), key=term_key)
    return {"results": results,
            "populations": [{"study": b.link(page, s), "found": b.values(page, s, PIKG("targetPopulation"))}
                            for s in studies if b.data.objects(s, PIKG("targetPopulation"))],
            "settings": [{"study": b.link(page, s),
                          "found": [v for p in ("country", "region", "setting") for v in b.values(page, s, PIKG(p))]}
                         for s in studies if any(b.data.objects(s, PIKG(p)) for p in ("country", "region", "setting"))]}
