"""Each property of the pikg ontology declared once: its label, its definition and what it aligns to. What a
property is (object or datatype), its range, its domain and whether it is functional follow from the fields that
make it (kg.schema.sections), so they are stated here only for the properties no field makes (those the builder
and the structured kinds write: a duration's parts, an authorship's, a passage's). kg.schema.generate writes the
ontology's property terms from this table and the fields; tests/test_schema.py fails when a property a field makes
is missing here, or one here is made by nothing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prop:
    """A property's label and definition (English), the property it specialises (`sub_of`), the TIDieR item it
    answers (`tidier`, an id of the tidier-item scheme), close matches in other vocabularies (`close`), and, only
    for a property no field makes, what it is (`kind`: object, datatype or annotation), its range and domain
    (CURIEs) and whether it is functional."""

    label: str
    definition: str
    sub_of: str | None = None
    tidier: str | None = None
    close: tuple[str, ...] = ()
    kind: str | None = None
    range: str | None = None
    domain: str | None = None
    functional: bool = False


PROPERTIES: dict[str, Prop] = {
    "pikg:hasComponent": Prop(
        "has component",
        "Links an intervention to one of the principles or methods it consists of.",
        tidier="what-procedures",
    ),
    "pikg:componentKind": Prop(
        "component kind",
        "Whether a component is reported as a principle, a method, or (where the source does not distinguish) either.",
    ),
    "pikg:targetPopulation": Prop(
        "target population", "The people an intervention is meant for, or a study's participants are drawn from."
    ),
    "pikg:hasDuration": Prop(
        "has duration",
        "Links an intervention to how long it lasts according to one source.",
        tidier="when-and-how-much",
    ),
    "pikg:durationQualifier": Prop(
        "duration qualifier",
        "Whether a duration is exact, approximate, or open-ended (no fixed end).",
        kind="object",
        range="skos:Concept",
        domain="pikg:DurationSpecification",
        functional=True,
    ),
    "pikg:deliveryMode": Prop(
        "delivery mode",
        "How the intervention's sessions are organised, for example group-based.",
        tidier="how",
        close=("bcio:BCIO_011000",),
    ),
    "pikg:deliveredBy": Prop(
        "delivered by",
        "The role of the people who deliver the intervention to participants (TIDieR: who provided).",
        tidier="who-provided",
        close=("bcio:BCIO_010000",),
    ),
    "pikg:sessionsLedBy": Prop(
        "sessions led by",
        "The role of the people who lead the intervention's sessions.",
        sub_of="pikg:deliveredBy",
        tidier="who-provided",
    ),
    "pikg:evaluates": Prop("evaluates", "Links a study to an intervention it evaluated or synthesised evidence about."),
    "pikg:dataCollectionMethod": Prop(
        "data collection method", "How a study collected its data, for example interviews."
    ),
    "pikg:reportedIn": Prop("reported in", "Links a study to a publication that reports it."),
    "pikg:hasAuthorship": Prop("has authorship", "Links a publication to the authorship of one of its authors."),
    "pikg:author": Prop(
        "author",
        "The person an authorship is about.",
        kind="object",
        range="foaf:Person",
        domain="pikg:Authorship",
        functional=True,
    ),
    "pikg:hasColumn": Prop("has column", "Links a source table to one of its columns."),
    "pikg:hasRow": Prop("has row", "Links a source table to one of its rows."),
    "pikg:columnIntervention": Prop(
        "column intervention",
        "The intervention a table column describes.",
        kind="object",
        range="pikg:Intervention",
        domain="pikg:TableColumn",
        functional=True,
    ),
    "pikg:rowProperty": Prop(
        "row property",
        "The property whose values a table row shows for each column's intervention (pikg:aim for a row of aims).",
        kind="object",
        range="rdf:Property",
        domain="pikg:TableRow",
        functional=True,
    ),
    "pikg:rowHeading": Prop(
        "row heading",
        "The heading a source table prints for a row, verbatim (Principles and/or methods for a row of components).",
        kind="datatype",
        range="rdf:langString",
        domain="pikg:TableRow",
        functional=True,
    ),
    "pikg:recoveryKind": Prop("recovery kind", "The kind of recovery (personal or clinical) an outcome belongs to."),
    "pikg:study": Prop("study", "The study a finding comes from."),
    "pikg:intervention": Prop(
        "intervention", "An intervention a finding concerns (one, or several it speaks of together)."
    ),
    "pikg:outcome": Prop("outcome", "The outcome a finding is about, where it is about one."),
    "pikg:direction": Prop(
        "direction",
        "Whether the finding reports a beneficial, absent, harmful or mixed relation between intervention and outcome.",
        close=("sepio:SEPIO_0000402",),
    ),
    "pikg:subgroup": Prop(
        "subgroup",
        "The participant subgroup a finding holds for; absent when it holds for the study's participants as a whole.",
    ),
    "pikg:assertionStrength": Prop(
        "assertion strength",
        'How firmly the source states a finding, from stated outright to hedged ("indicates", "may", "does not '
        'seem to").',
        close=("sepio:SEPIO_0000187",),
    ),
    "pikg:findingType": Prop("finding type", "Whether the finding is reported as a result or drawn as a conclusion."),
    "pikg:mechanism": Prop("mechanism", "A way in which the intervention brought about the finding's effect."),
    "pikg:analyticApproach": Prop(
        "analytic approach", "The approach that guided a study's analysis (a concept of the analytic-approach scheme)."
    ),
    "pikg:analysisMethod": Prop(
        "analysis method", "The method a study used to analyse its data (a concept of the analysis-method scheme)."
    ),
    "pikg:reanalyses": Prop("reanalyses", "An existing data set a study analyses again (secondary analysis)."),
    "pikg:sampleOf": Prop("sample of", "The study a sample belongs to."),
    "pikg:participatedIn": Prop("participated in", "An intervention the participants of a sample took part in."),
    "pikg:dataOrigin": Prop(
        "data origin", "Whether a sample's data were collected for the study or re-analysed from an existing data set."
    ),
    "pikg:dataset": Prop("data set", "The data set a sample's data come from."),
    "pikg:collectedBy": Prop(
        "collected by", "The study that collected a data set, where a source says so.", close=("prov:wasGeneratedBy",)
    ),
    "pikg:phenomenon": Prop("phenomenon", "The phenomenon a finding is about, where it is about one."),
    "pikg:findingRole": Prop(
        "finding role", "What a qualitative finding reports: a facilitator, barrier, pathway, gap or mechanism."
    ),
    "pikg:facilitator": Prop("facilitator", "A condition a finding says helped."),
    "pikg:barrier": Prop("barrier", "A condition a finding says hindered."),
    "pikg:certainty": Prop(
        "certainty",
        "The GRADE certainty of the evidence behind a finding, as the source rates it.",
        close=("sepio:SEPIO_0000187",),
    ),
    "pikg:cerqualConfidence": Prop(
        "CERQual confidence", "The GRADE-CERQual confidence in a qualitative review finding, as the source rates it."
    ),
    "pikg:creditedTo": Prop(
        "credited to",
        "The person a source credits for a method or concept (the template method described by Nigel King).",
    ),
    "pikg:isComponent": Prop(
        "is component", "The intervention component a mechanism or factor is, where the source names it as one."
    ),
    "pikg:broaderIntervention": Prop(
        "broader intervention",
        "A category of interventions a source places an intervention in (a named programme in a category such as "
        "supported employment).",
    ),
    "pikg:derivedFromRecord": Prop(
        "derived from record",
        "On a statement whose value the source does not state: a resource whose values it was derived from (a sum "
        "of samples), so that a derived number is never read as a stated one.",
        kind="object",
        domain="rdf:Statement",
    ),
    "pikg:valuePosition": Prop(
        "value position",
        "On a statement of a value a source lists in order (an intervention's components as a table prints them): "
        "the value's place in that source's list, starting at 1; being the source's statement's, two sources' "
        "orders never mix.",
        kind="datatype",
        range="xsd:positiveInteger",
        domain="rdf:Statement",
        functional=True,
    ),
    "pikg:supportingPassage": Prop(
        "supporting passage",
        "The passage of the source that states a finding.",
        kind="object",
        range="pikg:Passage",
        domain="pikg:Finding",
    ),
    "pikg:inSource": Prop(
        "in source",
        "The source document a passage is quoted from.",
        kind="object",
        range="pikg:SourceDocument",
        domain="pikg:Passage",
        functional=True,  # a passage's IRI names its source
    ),
    "pikg:tidierItem": Prop(
        "TIDieR item",
        "The TIDieR checklist item that a property of an intervention answers: the description-completeness query "
        "counts, per intervention, the items the graph knows, with their quotes.",
        kind="annotation",
        range="skos:Concept",
    ),
    "pikg:acronym": Prop(
        "acronym", "An abbreviation of the resource's name used by a source, such as IPS.", sub_of="skos:altLabel"
    ),
    "pikg:aim": Prop(
        "aim", "What an intervention or study sets out to achieve, in the source's words (TIDieR: why).", tidier="why"
    ),
    "pikg:peerSupport": Prop(
        "peer support",
        "Whether the intervention offers support between peers, people with lived experience of mental illness.",
    ),
    "pikg:durationValue": Prop(
        "duration value",
        "The length of a definite or approximate duration as an xsd:duration (weeks written as days).",
        kind="datatype",
        range="xsd:duration",
        domain="pikg:DurationSpecification",
        functional=True,
    ),
    "pikg:durationInDays": Prop(
        "duration in days",
        "The duration value as a number of days, for sorting and filtering: a year counts 365 days, a month 30, a "
        "week 7; hours, minutes and seconds add the whole days they make.",
        kind="datatype",
        range="xsd:integer",
        domain="pikg:DurationSpecification",
        functional=True,
    ),
    "pikg:durationText": Prop(
        "duration text",
        "The source's own wording of a duration, kept beside the normalised value.",
        kind="datatype",
        range="rdf:langString",
        domain="pikg:DurationSpecification",
        functional=True,  # a duration node is one source's, with its one wording
    ),
    "pikg:sampleSize": Prop(
        "sample size",
        "The number of participants a study or one of its samples included, as a source states it (a study's "
        "total only where stated).",
    ),
    "pikg:country": Prop("country", "The country, by its English name, where a study was carried out."),
    "pikg:authorPosition": Prop(
        "author position",
        "The position of an author in a publication's byline as one source gives it, starting at 1 (each source's "
        "byline has authorships of its own).",
        kind="datatype",
        range="xsd:positiveInteger",
        domain="pikg:Authorship",
        functional=True,
    ),
    "pikg:position": Prop(
        "position",
        "The position of a table's column (left to right) or row (top to bottom) in print order as one source gives "
        "it, starting at 1 (each source's order has columns and rows of its own).",
        kind="datatype",
        range="xsd:positiveInteger",
        functional=True,
    ),
    "pikg:doi": Prop(
        "DOI", "A publication's Digital Object Identifier, without a resolver prefix.", sub_of="dcterms:identifier"
    ),
    "pikg:journalTitle": Prop("journal title", "The title of the journal a journal article appeared in."),
    "pikg:conferenceNumber": Prop("conference number", "The ordinal number of a conference in its series."),
    "pikg:hedgeWording": Prop(
        "hedge wording", 'The words with which the source hedges a finding, verbatim (for example "may decrease").'
    ),
    "pikg:includedStudyCount": Prop(
        "included study count",
        "The number of studies a review, one of its samples or one of its findings rests on, as the source states it.",
    ),
    "pikg:participantCount": Prop(
        "participant count", "The number of participants a finding rests on, as the source states it."
    ),
    "pikg:effectEstimate": Prop(
        "effect estimate", "A finding's effect estimate with its interval, verbatim (RR 1.2, 95% CI 1.0 to 1.5)."
    ),
    "pikg:riskOfBias": Prop("risk of bias", "The risk of bias of a study's evidence, in the source's words."),
    "pikg:contrast": Prop(
        "contrast",
        "A comparison a study is built on or a finding draws, in the source's words (with and without peer support).",
    ),
    "pikg:concernsAllInterventions": Prop(
        "concerns all interventions",
        "True when a source reports a finding of all the interventions its study evaluates taken together, singling "
        "none out: it is not said to hold for each of them.",
    ),
    "pikg:articleNumber": Prop("article number", "A journal article's number within its volume, as printed (BMC "
                               "journals number articles instead of paging them)."),
    "pikg:orcid": Prop("ORCID iD", "A person's ORCID identifier, as a source gives it: what settles that two person "
                       "records are one person.", sub_of="dcterms:identifier"),
    "pikg:region": Prop("region", "The region within a country where a study was carried out, as the source names "
                        "it."),
    "pikg:siteCount": Prop("site count", "The number of sites (centres) a study recruited from, as stated."),
    "pikg:setting": Prop("setting", "The kind of site a study was carried out in (community mental health "
                         "centre).", tidier="where"),
    "pikg:assessedOutcome": Prop("assessed outcome", "An outcome a study assessed, as the source states it."),
    "pikg:primaryOutcome": Prop("primary outcome", "An outcome a study names as primary.",
                                sub_of="pikg:assessedOutcome"),
    "pikg:secondaryOutcome": Prop("secondary outcome", "An outcome a study names as secondary.",
                                  sub_of="pikg:assessedOutcome"),
    "pikg:analysisSet": Prop("analysis set", "Whose data a study's analysis includes (all randomised participants "
                             "in their arm: intention to treat), as stated."),
    "pikg:eligibilityCriterion": Prop("eligibility criterion", "What a review included (its population, "
                                      "intervention, comparison, outcome or study design), in its words: a "
                                      "criterion, not a finding."),
    "pikg:searchedDatabase": Prop("searched database", "A bibliographic database a review searched, as named."),
    "pikg:searchedTo": Prop("searched to", "The date a review's search ran to (a year, a month or a day)."),
    "pikg:reportingQuality": Prop("reporting quality", "How completely a study's or review's evidence was reported, "
                                  "in the source's words."),
    "pikg:heterogeneity": Prop("heterogeneity", "Variation between the studies a review includes, or between "
                               "their participants or programmes, in the source's words."),
    "pikg:limitation": Prop("limitation", "A limitation of the evidence a study or finding rests on, as the source "
                            "states it (from small numbers of studies): a property of the evidence, not a hedge of "
                            "the wording."),
    "pikg:receivedComparator": Prop("received comparator", "A comparator (treatment as usual, wait-list) that a "
                                    "sample's participants received, where it is not an intervention of the "
                                    "graph."),
    "pikg:randomisedCount": Prop("randomised count", "The number of participants randomised to an arm, as "
                                 "stated."),
    "pikg:analysedCount": Prop("analysed count", "The number of an arm's participants analysed, as stated."),
    "pikg:exposure": Prop("exposure", "Something other than an intervention of the graph that a finding credits "
                          "or concerns (employment, within an IPS study)."),
    "pikg:comparison": Prop("comparison", "The comparison a finding reports: which arms against which."),
    "pikg:timePoint": Prop("time point", "The time point a finding or a value holds at."),
    "pikg:measure": Prop("measure", "An instrument or measure that measured a finding's outcome, as stated."),
    "pikg:relationKind": Prop("relation kind", "Whether a finding reports an effect of an intervention or only an "
                              "association with it."),
    "pikg:evidenceBasis": Prop("evidence basis", "What a finding rests on: participants' accounts of their "
                               "experience, or a measurement."),
    "pikg:estimateType": Prop("estimate type", "The kind of effect estimate (risk ratio, mean difference)."),
    "pikg:pointEstimate": Prop("point estimate", "An effect estimate's value, as printed."),
    "pikg:intervalLow": Prop("interval lower bound", "The lower bound of an effect estimate's confidence interval, "
                             "as printed."),
    "pikg:intervalHigh": Prop("interval upper bound", "The upper bound of an effect estimate's confidence interval, "
                              "as printed."),
    "pikg:intervalLevel": Prop("interval level", "The level of a confidence interval, in per cent (95)."),
    "pikg:pValue": Prop("p value", "A finding's p value, where the source states it as a value."),
    "pikg:pValueBelow": Prop("p value below", "The bound a finding's p value is stated to be below (p < 0.01: "
                             "0.01)."),
    "pikg:significanceLevel": Prop("significance level", "The threshold a source tests its results against "
                                   "(0.05)."),
    "pikg:comparisonOf": Prop("comparison of", "The study that makes a comparison."),
    "pikg:experimentalArm": Prop("experimental arm", "An arm of a comparison that received the intervention "
                                 "studied."),
    "pikg:controlArm": Prop("control arm", "An arm a comparison compares the experimental arm(s) with."),
    "pikg:timePointOf": Prop("time point of", "The study that assesses at a time point."),
    "pikg:timePointKind": Prop("time point kind", "Whether a time point is the baseline, post-intervention or a "
                               "follow-up."),
    "pikg:offset": Prop("offset", "How long after its reference point a time point is, as the source words it."),
    "pikg:countedFrom": Prop("counted from", "The reference point a source counts a time point from (baseline, "
                             "the end of the intervention)."),
    "pikg:measuresOutcome": Prop("measures outcome", "An outcome an instrument or measure measures, as a source "
                                 "relates them."),
    "pikg:subscaleOf": Prop("subscale of", "The instrument a measure is a subscale of."),
    "pikg:valueOrigin": Prop("value origin", "Where a measure's values come from (a registry, self-report), as "
                             "stated."),
    "pikg:measuredAt": Prop("measured at", "The time point an arm's value was measured at."),
    "pikg:valueOf": Prop("value of", "The result an arm's value belongs to."),
    "pikg:arm": Prop("arm", "The arm (a study sample) a value was measured in."),
    "pikg:numericValue": Prop("numeric value", "A value as printed (a count, a percentage, a mean)."),
    "pikg:statistic": Prop("statistic", "What a value is: a count, a percentage, a mean, a median, a standard "
                           "deviation."),
    "pikg:denominator": Prop("denominator", "Out of how many a count is (28 of 61: 61)."),
    "pikg:unit": Prop("unit", "A value's unit, as printed."),
    "pikg:mappingSubject": Prop("mapping subject", "The outcome a curator's mapping places."),
    "pikg:mappingPredicate": Prop("mapping predicate", "How a curator's mapping matches its subject to its object "
                                  "(a SKOS mapping relation)."),
    "pikg:mappingObject": Prop("mapping object", "The domain of a standard scheme a curator's mapping places an "
                               "outcome in."),
    "pikg:curatedBy": Prop("curated by", "The curator who made a mapping or an identity judgement (a name or an "
                           "ORCID iD), as the curator gives it."),
    "pikg:reasons": Prop("reasons", "A curator's reasons for a mapping or an identity judgement, in the curator's "
                         "words."),
    "pikg:judgedPerson": Prop("judged person", "A person record an identity judgement is about."),
    "pikg:identityJudgement": Prop("identity judgement", "A curator's judgement whether person records are one "
                                   "person or different persons."),
    "pikg:textFile": Prop(
        "text file",
        "The file name of the plain-text copy of a source document against which quotes are checked.",
        kind="datatype",
        functional=True,  # one per source (its id is unique) and per passage (its IRI names the file)
    ),
}
