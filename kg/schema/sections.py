"""Every section of the record format and its fields: the one declaration of the model that everything else
follows (the loader, the graph, the ontology's properties, the shapes, the JSON Schema, the reference, the site)."""

from __future__ import annotations

from kg.schema.fields import LIST, NAME, ONE, OTHER_NAME, PER_SOURCE, SECTION_BY_NAME, Field, Section
from kg.schema.kinds import (
    ALIAS,
    BOOLEAN,
    COUNT,
    CURATOR,
    DATE,
    DATE_MONTH_OR_YEAR,
    DATE_OR_YEAR,
    DECIMAL,
    DOI,
    LANGUAGE,
    ORCID,
    POSITIVE,
    REMARK,
    STRING,
    TEXT,
)
from kg.schema.structured import AUTHORS, COLUMNS, DURATION, ROWS, Concept, Ref

LABEL = Field("label", TEXT, "skos:prefLabel", "The preferred name, in English.", ONE, required=True, names=NAME)
ALT = Field("alt_names", TEXT, "skos:altLabel", "Other names used by the source, misspellings included.", LIST,
            names=OTHER_NAME)
ALIASES = Field("aliases", ALIAS, "skos:hiddenLabel", "Other names a curator declares so that references and "
                "queries find the record (not quoted: they are not the source's words).", LIST, names=OTHER_NAME)
NOTE = Field("curator_note", REMARK, "skos:editorialNote", "A curator's remark on how the record was made (free "
             "text, not quoted: never taken for the source's words).")
AUTHOR = Field("author", CURATOR, "pikg:curatedBy", "Who made the judgement: the curator's name or ORCID.", ONE,
               required=True)
REASONS = Field("reasons", REMARK, "pikg:reasons", "Why: the curator's reasons, in the curator's words.", ONE,
                required=True)
LIMITATIONS = Field("limitations", TEXT, "pikg:limitation", "A limitation of the evidence the source states (from "
                    "small numbers of studies), in its words: not a hedge of the wording.", LIST)
COMPONENT = Field("component", Ref("components"), "pikg:isComponent", "The intervention component it is, where "
                  "the source names one (peer-exchange).", ONE)

SECTIONS: tuple[Section, ...] = (
    Section(
        "publications", ("schema:ScholarlyArticle",), "publication", "Journal articles, conference abstracts.",
        (
            Field("type", Concept("publication-type"), "dcterms:type", "The kind of publication, where the source "
                  "states it."),
            Field("title", TEXT, "dcterms:title", "The title as printed.", ONE, required=True, names=NAME),
            Field("journal", STRING, "pikg:journalTitle", "The journal's title.", ONE),
            Field("doi", DOI, "pikg:doi", "The DOI, without https://doi.org/.", ONE),
            Field("issued", DATE_OR_YEAR, "dcterms:issued", "Publication date (YYYY-MM-DD or YYYY).", ONE),
            Field("language", LANGUAGE, "dcterms:language", "Language of the text, as a BCP 47 tag (en)."),
            Field("volume", STRING, "schema:volumeNumber", "The journal volume, as printed.", ONE),
            Field("article_number", STRING, "pikg:articleNumber", "The article's number in its volume, as printed "
                  "(19:65: 65).", ONE),
            Field("pages", POSITIVE, "schema:numberOfPages", "Number of pages.", ONE),
            Field("status", STRING, "schema:creativeWorkStatus", "Publication status (Published)."),
            Field("authors", AUTHORS, "pikg:hasAuthorship", "Person ids, in byline order.", LIST, shape="authorship"),
            Field("presented_at", Ref("events"), "schema:workPresented", "The event it was presented at.",
                  inverse=True),
            NOTE,
        ),
    ),
    Section(
        "events", ("schema:Event",), "event", "Conferences.",
        (
            Field("name", TEXT, "schema:name", "The event's name.", required=True, names=NAME),
            Field("start", DATE, "schema:startDate", "First day (YYYY-MM-DD).", ONE),
            Field("end", DATE, "schema:endDate", "Last day (YYYY-MM-DD).", ONE),
            Field("location", Ref("places"), "schema:location", "Where it took place."),
            Field("number", POSITIVE, "pikg:conferenceNumber", "Its number in the conference series.", ONE),
            NOTE,
        ),
    ),
    Section(
        "places", ("schema:Place",), "place", "Cities where events took place.",
        (
            Field("name", STRING, "schema:name", "The place's name as the source writes it.", required=True,
                  names=NAME),
            Field("country", STRING, "schema:addressCountry", "The country's English name."),
            NOTE,
        ),
    ),
    Section(
        "persons", ("foaf:Person",), "person", "Authors.",
        (Field("name", STRING, "foaf:name", "Full name as printed.", ONE, required=True, names=NAME), ALIASES,
         Field("orcid", ORCID, "pikg:orcid", "The ORCID identifier a source gives for the person "
               "(0000-0002-1825-0097).", ONE),
         NOTE),
    ),
    Section(
        "populations", ("pikg:TargetPopulation",), "population", "Who interventions are for.",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "components", ("pikg:InterventionComponent", "skos:Concept"), "component",
        "Principles and methods, one record however many interventions share it.",
        (LABEL, ALT, ALIASES,
         Field("kind", Concept("component-kind"), "pikg:componentKind", "Principle, method, or either.",
               required=True),
         NOTE),
        scheme="components",
    ),
    Section(
        "interventions", ("pikg:Intervention",), "intervention", "Psychosocial interventions: named programmes, "
        "and the categories reviews speak of (supported employment). Give only what the source describes.",
        (
            Field("name", TEXT, "skos:prefLabel", "The intervention's name.", ONE, required=True, names=NAME),
            ALT,
            ALIASES,
            Field("acronym", STRING, "pikg:acronym", "Abbreviation used by the source (IPS).", names=OTHER_NAME),
            Field("types", Concept("intervention-type", open=True), "dcterms:type",
                  "How the source characterises it.", LIST, shape="type"),
            Field("broader", Ref("interventions"), "pikg:broaderIntervention", "A category the source places it "
                  "in (IPS in supported employment), only where a source says so.", LIST),
            Field("aim", TEXT, "pikg:aim", "Its aim, in the source's words."),
            Field("target_population", Ref("populations"), "pikg:targetPopulation", "Who it is for.",
                  shape="population"),
            Field("components", Ref("components"), "pikg:hasComponent", "Its principles and methods, in the "
                  "order the source gives them.", LIST, shape="component", ordered=True),
            Field("duration", DURATION, "pikg:hasDuration", "How long it lasts."),
            Field("peer_support", BOOLEAN, "pikg:peerSupport", "Whether it offers peer support (true/false).", ONE),
            Field("delivery_mode", Concept("delivery-mode"), "pikg:deliveryMode", "How sessions are organised."),
            Field("sessions_led_by", Concept("provider-role", open=True), "pikg:sessionsLedBy",
                  "Who leads the sessions.", LIST),
            Field("delivered_by", Concept("provider-role", open=True), "pikg:deliveredBy", "Who delivers it.", LIST),
            Field("note", TEXT, "skos:note", "A note the source makes about it (a footnote)."),
            NOTE,
        ),
    ),
    Section(
        "studies", ("pikg:Study",), "study", "Studies that evaluated or synthesised interventions: primary "
        "studies, trials, reviews.",
        (
            LABEL,
            Field("design", Concept("study-design", open=True), "schema:studyDesign", "The study design(s), as "
                  "the source names them (a systematic review and meta-analysis: both).", LIST),
            Field("data_collection", Concept("data-collection", open=True), "pikg:dataCollectionMethod",
                  "How data were collected (semi-structured interview).", LIST),
            Field("analytic_approach", Concept("analytic-approach", open=True), "pikg:analyticApproach",
                  "The approach that guided the analysis (hermeneutic-phenomenological).", LIST),
            Field("analysis_method", Concept("analysis-method", open=True), "pikg:analysisMethod",
                  "The method of analysis (template method).", LIST),
            Field("sample_size", COUNT, "pikg:sampleSize", "Total number of participants, only where the source "
                  "states a total (samples: `samples`).", ONE),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "A review: the number of studies it "
                  "includes, as stated.", ONE),
            Field("country", STRING, "pikg:country", "Country where it was carried out.", ONE),
            Field("region", STRING, "pikg:region", "The region within the country, as the source names it.", ONE),
            Field("site_count", POSITIVE, "pikg:siteCount", "The number of sites (centres) it recruited from, as "
                  "stated.", ONE),
            Field("settings", Concept("setting", open=True), "pikg:setting", "The kind of site (community mental "
                  "health centre).", LIST),
            Field("outcomes", Ref("outcomes"), "pikg:assessedOutcome", "The outcomes it assessed, as stated.", LIST,
                  shape="outcome"),
            Field("primary_outcomes", Ref("outcomes"), "pikg:primaryOutcome", "Its primary outcome(s), where the "
                  "source names them so.", LIST),
            Field("secondary_outcomes", Ref("outcomes"), "pikg:secondaryOutcome", "Its secondary outcomes, where "
                  "the source names them so.", LIST),
            Field("analysis_set", Concept("analysis-set"), "pikg:analysisSet", "Whose data the analysis includes "
                  "(intention to treat), as stated.", LIST),
            Field("eligibility", TEXT, "pikg:eligibilityCriterion", "A review's eligibility criterion (its PICO), "
                  "in its words: what it included, not a finding.", LIST),
            Field("databases", STRING, "pikg:searchedDatabase", "A database a review searched, as named.", LIST),
            Field("searched_to", DATE_MONTH_OR_YEAR, "pikg:searchedTo", "The date a review's search ran to "
                  "(YYYY-MM for a month).", ONE),
            Field("reporting", TEXT, "pikg:reportingQuality", "How completely its evidence was reported, in the "
                  "source's words (outcomes were incompletely reported)."),
            Field("heterogeneity", TEXT, "pikg:heterogeneity", "Variation between the studies or participants, in "
                  "the source's words."),
            LIMITATIONS,
            Field("aim", TEXT, "pikg:aim", "Its aim, in the source's words."),
            Field("contrast", TEXT, "pikg:contrast", "A comparison the study is built on, in the source's words "
                  "(with and without peer support)."),
            Field("population", Ref("populations"), "pikg:targetPopulation", "Who the participants were."),
            Field("evaluates", Ref("interventions"), "pikg:evaluates", "Interventions it studied.", LIST),
            Field("reanalyses", Ref("datasets"), "pikg:reanalyses", "Existing data sets it analyses again.", LIST),
            Field("risk_of_bias", TEXT, "pikg:riskOfBias", "The risk of bias of its evidence, as the source "
                  "states it."),
            Field("reported_in", Ref("publications"), "pikg:reportedIn", "Publications reporting it.", LIST),
            NOTE,
        ),
    ),
    Section(
        "samples", ("pikg:StudySample",), "sample", "A study's samples (arms, participant groups, a review's "
        "trials of one category): each with its size and the interventions its participants took part in.",
        (
            LABEL,
            Field("study", Ref("studies"), "pikg:sampleOf", "The study it is a sample of.", ONE, required=True),
            Field("size", COUNT, "pikg:sampleSize", "Number of participants, as stated.", ONE),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "A review's sample: the number of studies "
                  "it pools, as stated.", ONE),
            Field("interventions", Ref("interventions"), "pikg:participatedIn",
                  "The interventions its participants took part in.", LIST, shape="intervention"),
            Field("comparators", Concept("comparator", open=True), "pikg:receivedComparator", "The comparator its "
                  "participants received (treatment as usual, wait-list), where it is not an intervention of the "
                  "graph.", LIST),
            Field("randomised", COUNT, "pikg:randomisedCount", "An arm: the number randomised to it, as stated.",
                  ONE),
            Field("analysed", COUNT, "pikg:analysedCount", "An arm: the number analysed, as stated.", ONE),
            Field("data_origin", Concept("data-origin"), "pikg:dataOrigin", "Whether its data were collected for "
                  "this study or come from an existing data set.", ONE),
            Field("dataset", Ref("datasets"), "pikg:dataset", "The data set its data come from.", ONE),
            Field("population", Ref("populations"), "pikg:targetPopulation", "Who the participants were."),
            NOTE,
        ),
    ),
    Section(
        "datasets", ("pikg:DataSet",), "dataset", "Data sets (interview transcripts, trial data) that studies "
        "collect or re-analyse.",
        (
            LABEL,
            Field("description", TEXT, "dcterms:description", "What it holds, in the source's words."),
            Field("collected_by", Ref("studies"), "pikg:collectedBy", "The study that collected it, where a "
                  "source says so.", LIST),
            NOTE,
        ),
     shape="DataSet",),
    Section(
        "outcomes", ("pikg:Outcome",), "outcome", "What interventions may change.",
        (LABEL, ALT, ALIASES,
         Field("recovery_kind", Concept("recovery-kind"), "pikg:recoveryKind", "Personal or clinical, only where "
               "a source classes it.", ONE),
         NOTE),
    ),
    Section(
        "phenomena", ("pikg:Phenomenon",), "phenomenon", "What qualitative findings are about when it is not an "
        "outcome (transfer to everyday life).",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "subgroups", ("pikg:ParticipantSubgroup",), "subgroup", "Subsets of a study's participants.",
        (LABEL, NOTE),
    ),
    Section(
        "mechanisms", ("pikg:Mechanism",), "mechanism", "Ways an intervention had its effect.",
        (LABEL, COMPONENT, NOTE),
    ),
    Section(
        "factors", ("pikg:Factor",), "factor", "Conditions that findings name as barriers or facilitators "
        "(illness intrusiveness, peer-exchange).",
        (LABEL, ALT, ALIASES, COMPONENT, NOTE),
    ),
    Section(
        "findings", ("pikg:Finding",), "finding", "What sources report: effect findings (an outcome and a "
        "direction), themes and review findings (a role: facilitator, barrier, pathway, gap, mechanism), and "
        "background claims about prior evidence. The record's quote is the supporting passage.",
        (
            LABEL,
            Field("type", Concept("finding-type"), "pikg:findingType", "Result, conclusion, theme, review finding "
                  "or background.", ONE, required=True),
            Field("study", Ref("studies"), "pikg:study", "The study it comes from (none for a background claim "
                  "about prior evidence).", ONE),
            Field("interventions", Ref("interventions"), "pikg:intervention", "The interventions it concerns.",
                  LIST, shape="intervention"),
            Field("exposures", Ref("exposures"), "pikg:exposure", "What else it credits or concerns that is not an "
                  "intervention (employment, within an IPS study).", LIST),
            Field("comparison", Ref("comparisons"), "pikg:comparison", "The comparison it reports (IMR and "
                  "treatment as usual against treatment as usual).", ONE),
            Field("timepoints", Ref("timepoints"), "pikg:timePoint", "When it holds: the time points it reports "
                  "on.", LIST),
            Field("all_interventions", BOOLEAN, "pikg:concernsAllInterventions", "true: the source reports it "
                  "of all the interventions its study evaluates taken together, singling none out (not of each).", ONE),
            Field("contrast", TEXT, "pikg:contrast", "A contrast it draws, in the source's words (with and without "
                  "peer support)."),
            Field("outcome", Ref("outcomes"), "pikg:outcome", "The outcome(s) it is about, if any.", LIST),
            Field("measures", Ref("measures"), "pikg:measure", "The instruments that measured them, where stated.",
                  LIST),
            Field("phenomenon", Ref("phenomena"), "pikg:phenomenon", "The phenomenon it is about, if any "
                  "(transfer).", ONE),
            Field("role", Concept("finding-role"), "pikg:findingRole", "What it reports: a facilitator, barrier, "
                  "pathway, gap or mechanism.", ONE),
            Field("direction", Concept("direction"), "pikg:direction", "An effect's direction, only where the "
                  "source gives one; two where it gives both (positive, and inconsistent).", LIST),
            Field("relation", Concept("relation-kind"), "pikg:relationKind", "Whether the source reports an effect "
                  "or only an association (associated with).", ONE),
            Field("basis", Concept("evidence-basis"), "pikg:evidenceBasis", "What it rests on: participants' "
                  "accounts (their views) or a measurement.", ONE),
            Field("subgroup", Ref("subgroups"), "pikg:subgroup", "The subgroup it holds for (omit for everyone).",
                  ONE),
            Field("strength", Concept("assertion-strength"), "pikg:assertionStrength", "How firmly it is stated.",
                  ONE, required=True),
            Field("hedge", TEXT, "pikg:hedgeWording", "The hedging words, verbatim (may decrease).", ONE),
            Field("mechanisms", Ref("mechanisms"), "pikg:mechanism", "How the effect came about.", LIST,
                  shape="mechanism"),
            Field("facilitators", Ref("factors"), "pikg:facilitator", "Conditions it says helped.", LIST,
                  shape="facilitator"),
            Field("barriers", Ref("factors"), "pikg:barrier", "Conditions it says hindered.", LIST, shape="barrier"),
            Field("included_studies", COUNT, "pikg:includedStudyCount", "The number of studies it rests on, as "
                  "stated.", ONE),
            Field("participants", COUNT, "pikg:participantCount", "The number of participants it rests on, as "
                  "stated.", ONE),
            LIMITATIONS,
            Field("estimate", TEXT, "pikg:effectEstimate", "The effect estimate, verbatim (RR 1.2, 95% CI …).",
                  ONE),
            Field("estimate_type", Concept("estimate-type"), "pikg:estimateType", "What the estimate is (risk "
                  "ratio, mean difference).", ONE),
            Field("point_estimate", DECIMAL, "pikg:pointEstimate", "The estimate's value, as printed.", ONE),
            Field("interval_low", DECIMAL, "pikg:intervalLow", "Its confidence interval's lower bound.", ONE),
            Field("interval_high", DECIMAL, "pikg:intervalHigh", "Its confidence interval's upper bound.", ONE),
            Field("interval_level", DECIMAL, "pikg:intervalLevel", "The interval's level, in per cent (95).", ONE),
            Field("p_value", DECIMAL, "pikg:pValue", "The p value, where stated as a value (p = 0.03).", ONE),
            Field("p_below", DECIMAL, "pikg:pValueBelow", "The bound of a p value stated as below one (p < 0.01: "
                  "0.01).", ONE),
            Field("significance_level", DECIMAL, "pikg:significanceLevel", "The threshold the source tests "
                  "against (0.05).", ONE),
            Field("certainty", Concept("certainty"), "pikg:certainty", "GRADE certainty of the evidence, where "
                  "stated.", ONE),
            Field("cerqual", Concept("certainty"), "pikg:cerqualConfidence", "GRADE-CERQual confidence in a "
                  "qualitative review finding, where stated.", ONE),
            NOTE,
        ),
    ),
    Section(
        "exposures", ("pikg:Exposure",), "exposure", "What participants were exposed to that is not an intervention "
        "of the graph, where a finding credits it (employment, within an IPS study).",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "comparisons", ("pikg:Comparison",), "comparison", "What a trial compares: its experimental arms against "
        "its control arms (IMR and treatment as usual against treatment as usual). A result names its comparison.",
        (
            LABEL,
            Field("study", Ref("studies"), "pikg:comparisonOf", "The study that makes it.", ONE, required=True),
            Field("experimental", Ref("samples"), "pikg:experimentalArm", "The arm(s) that received the "
                  "intervention studied.", LIST, required=True),
            Field("control", Ref("samples"), "pikg:controlArm", "The arm(s) it is compared with.", LIST,
                  required=True),
            NOTE,
        ),
    ),
    Section(
        "timepoints", ("pikg:TimePoint",), "timepoint", "A study's assessment points (baseline, post-intervention, "
        "follow-up), each counted from the reference point its source uses; two reports may count one differently "
        "(both kept, each with its source).",
        (
            LABEL,
            Field("study", Ref("studies"), "pikg:timePointOf", "The study that assesses at it.", ONE, required=True),
            Field("kind", Concept("timepoint-kind"), "pikg:timePointKind", "Baseline, post-intervention or "
                  "follow-up.", LIST),
            Field("after", DURATION, "pikg:offset", "How long after its reference point, in the source's words."),
            Field("counted_from", Concept("reference-point"), "pikg:countedFrom", "What the source counts it from "
                  "(baseline, the end of the intervention)."),
            NOTE,
        ),
    ),
    Section(
        "measures", ("pikg:Measure",), "measure", "Instruments and measures (the Global Assessment of Functioning, "
        "number of hospital admissions): distinct from the outcome they measure.",
        (
            LABEL, ALT, ALIASES,
            Field("outcomes", Ref("outcomes"), "pikg:measuresOutcome", "The outcome(s) it measures, as the source "
                  "relates them.", LIST),
            Field("subscale_of", Ref("measures"), "pikg:subscaleOf", "The instrument it is a subscale of.", ONE),
            Field("origin", Concept("value-origin"), "pikg:valueOrigin", "Where its values come from (a registry, "
                  "self-report), where stated.", ONE),
            NOTE,
        ),
    ),
    Section(
        "arm_values", ("pikg:ArmValue",), "arm-value", "A result's value in one arm (28 of 61 in work; a mean), with "
        "its statistic, unit and time point, each only where stated.",
        (
            LABEL,
            Field("finding", Ref("findings"), "pikg:valueOf", "The result(s) it belongs to (a control arm's value "
                  "may serve two comparisons).", LIST, required=True),
            Field("arm", Ref("samples"), "pikg:arm", "The arm it was measured in.", ONE, required=True),
            Field("number", DECIMAL, "pikg:numericValue", "The value, as printed.", ONE, required=True),
            Field("statistic", Concept("statistic"), "pikg:statistic", "What the number is (a count, a percentage, "
                  "a mean).", ONE),
            Field("denominator", COUNT, "pikg:denominator", "Out of how many (28 of 61: 61).", ONE),
            Field("unit", STRING, "pikg:unit", "Its unit, as printed.", ONE),
            Field("timepoint", Ref("timepoints"), "pikg:measuredAt", "When it was measured.", ONE),
            NOTE,
        ),
        shape="ArmValue",
    ),
    Section(
        "mappings", ("pikg:OutcomeMapping",), "mapping", "A curator's placing of an outcome in a standard scheme "
        "(the COMET taxonomy's core areas, CHIME) where no source does: never a source's statement, exported as an "
        "SSSOM mapping set. No quote: give the reasons.",
        (
            Field("subject", Ref("outcomes"), "pikg:mappingSubject", "The outcome placed.", ONE, required=True),
            Field("predicate", Concept("mapping-predicate"), "pikg:mappingPredicate", "How it matches (exact, "
                  "close, broad, narrow, related).", ONE, required=True),
            Field("object", Concept("outcome-domain"), "pikg:mappingObject", "The domain it is placed in.", ONE,
                  required=True),
            AUTHOR,
            REASONS,
        ),
        curated=True,
    ),
    Section(
        "identities", ("pikg:IdentityJudgement",), "identity", "A curator's judgement whether person records of "
        "two sources are one person or two, with its reasons; no source states it. Without one, same-named persons "
        "stay apart (and are listed by `kg query person-candidates`).",
        (
            Field("persons", Ref("persons"), "pikg:judgedPerson", "The person records judged (two).", LIST,
                  required=True),
            Field("judgement", Concept("identity-judgement"), "pikg:identityJudgement", "Same person, or different "
                  "persons.", ONE, required=True),
            AUTHOR,
            REASONS,
        ),
        curated=True,
    ),
    Section(
        "tables", ("pikg:SourceTable",), "table", "Tables of a source as it prints them: the interventions its "
        "columns describe and the fields its rows show, each in print order; a column's heading is the quote of the "
        "intervention's record in the same file (so quote the heading there). The site shows the table as printed.",
        (
            LABEL,
            Field("columns", COLUMNS, "pikg:hasColumn", "The interventions its columns describe, in print order "
                  "(left to right).", LIST, required=True, shape="column"),
            Field("rows", ROWS, "pikg:hasRow", "The fields of `interventions` its rows show, in print order (top to "
                  "bottom), each with the heading the table prints for it where it prints one.", LIST, shape="row"),
            NOTE,
        ),
    ),
    Section(
        "concepts", (), "concept", "Facts a source states about a vocabulary concept (keys are SCHEME/ID). In an open "
        "scheme (designs, methods, intervention types, provider roles), a key the bundled scheme lacks declares a "
        "new concept: give its `label`.",
        (
            Field("label", TEXT, "skos:prefLabel", "A new concept's name, in the source's words.", ONE),
            Field("definition", TEXT, "skos:definition", "The source's definition of the concept."),
            Field("example", TEXT, "skos:example", "An example the source gives."),
            Field("credited_to", Ref("persons"), "pikg:creditedTo", "The person the source credits for it (a "
                  "method described by its author).", LIST),
        ),
        by_concept=True,
    ),
)

SECTION_BY_NAME.update((s.name, s) for s in SECTIONS)
OPEN_SCHEMES = frozenset(f.kind.scheme for s in SECTIONS for f in s.fields if isinstance(f.kind, Concept)
                         and f.kind.open)
RECORD_KINDS: dict[str, str] = {s.segment: s.name for s in SECTIONS}  # `kg new KIND` → section


def _predicates(*roles: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.predicate for s in SECTIONS for f in s.fields if f.names in roles))


NAME_PREDICATES = _predicates(NAME, OTHER_NAME)  # every property whose values name a record (CURIEs)
LABEL_PREDICATES = _predicates(NAME)  # the properties of a record's own name, shown for it

SOURCE_FIELDS: dict[str, str] = {
    "id": "The source's id (lower-case letters, digits and hyphens); it names the source's graph.",
    "label": "A human-readable description of the source document.",
    "text_file": "File name of the source's plain text, in the sources folder, against which quotes are checked.",
    "publication": "The id of the publication the source document comes from.",
    "quote": "A passage identifying the document (its title).",
}
SOURCE_REQUIRED = ("id", "label", "text_file", "quote")

RECORD_KEYS: dict[str, str] = {
    "quote": "A verbatim passage of the source supporting the record; the quote of every field that gives none, "
    "except plain text values, which are their own quote.",
    "quote_in": "Another file of the sources folder the record's quote comes from (README.md).",
}

VALUE_KEYS: dict[str, str] = {
    "value": "The value (for a single value).",
    "values": "The values (for a list sharing one quote).",
    "quote": "The verbatim passage supporting this field.",
    "quote_in": "Another file of the sources folder the quote comes from.",
    "derived_from": "numbers and dates only: the value is not stated but derived (a sum, a conversion); the "
    "records it comes from, as SECTION/ID (samples/imr-sample). Without it, the value must appear in its quote.",
    "qualifier": "duration only: exact, approximate or open-ended.",
    "text": "duration only: the source's own wording.",
}

CARDINALITIES: dict[str, str] = {
    ONE: "one value; two sources giving different ones are a conflict (both kept, listed by `kg conflicts`)",
    PER_SOURCE: "one value in a record; each source may give its own",
    LIST: "one or more values (a list, or `values:` with one quote)",
}

# What a source says of an intervention beyond its names and its place among other interventions: the site lists
# these under a table as what other sources add, and as the columns that compare interventions.
DESCRIBING = tuple(f for f in SECTION_BY_NAME["interventions"].fields
                   if f.predicate.startswith("pikg:") and not f.names and f.kind.refers_to != "interventions")
