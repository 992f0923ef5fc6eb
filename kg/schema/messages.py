"""The messages of the records' property shapes that say more than the one kg.schema.generate says from a field's
kind and cardinality, by section and field: what a curator reads when a constraint fires. A field without one gets
the generated message, so that a new field needs none."""

MESSAGES: dict[tuple[str, str], str] = {
    ("publications", "journal"): (
        "A publication's journal (pikg:journalTitle) is its title as a plain string."
    ),
    ("publications", "issued"): "A publication date is a single xsd:date or xsd:gYear.",
    ("publications", "language"): "A publication's language is an xsd:language tag such as en.",
    ("publications", "pages"): "The number of pages is a single xsd:positiveInteger.",
    ("publications", "authors"): "A publication's authorships are pikg:Authorship nodes.",
    ("events", "start"): "An event's start date is a single xsd:date.",
    ("events", "end"): "An event's end date is a single xsd:date.",
    ("events", "location"): "An event's location is a schema:Place.",
    ("events", "number"): "An event has at most one conference number, an xsd:positiveInteger.",
    ("components", "label"): "A component has a preferred label, an English text; at least one.",
    ("components", "kind"): (
        "A component has a kind from the component-kind scheme: principle, method, or principle-or-method."
    ),
    ("interventions", "name"): (
        "An intervention has a name (skos:prefLabel), an English text; at least one. Put other names in "
        "alt_names."
    ),
    ("interventions", "acronym"): "An acronym is a plain string without a language tag.",
    ("interventions", "types"): "An intervention's type is a skos:Concept (of the intervention-type scheme).",
    ("interventions", "broader"): "A broader intervention (pikg:broaderIntervention) is a pikg:Intervention.",
    ("interventions", "aim"): "An intervention's aim (pikg:aim) is English text.",
    ("interventions", "target_population"): "An intervention's target population must be a pikg:TargetPopulation.",
    ("interventions", "components"): (
        "An intervention's components (pikg:hasComponent) are pikg:InterventionComponent nodes."
    ),
    ("interventions", "duration"): (
        "An intervention's duration (pikg:hasDuration) is a pikg:DurationSpecification; use the open-ended "
        "qualifier for 'unlimited'."
    ),
    ("interventions", "peer_support"): "Peer support (pikg:peerSupport) is a single xsd:boolean, true or false.",
    ("interventions", "delivery_mode"): (
        "The delivery mode must be a concept of the delivery-mode scheme (group-based, individual-based)."
    ),
    ("interventions", "sessions_led_by"): "Who leads the sessions is a skos:Concept (of the provider-role scheme).",
    ("interventions", "delivered_by"): "Who delivers the intervention is a skos:Concept (of the provider-role scheme).",
    ("studies", "design"): "A study's design is a skos:Concept (of the study-design scheme).",
    ("studies", "data_collection"): "A data collection method is a skos:Concept (of the data-collection scheme).",
    ("studies", "analytic_approach"): "An analytic approach is a skos:Concept (of the analytic-approach scheme).",
    ("studies", "analysis_method"): "An analysis method is a skos:Concept (of the analysis-method scheme).",
    ("studies", "sample_size"): (
        "A study has at most one total sample size, an xsd:nonNegativeInteger (give samples their own sizes)."
    ),
    ("studies", "included_studies"): "A review has at most one count of included studies, an xsd:nonNegativeInteger.",
    ("studies", "country"): "A study's country is a plain string.",
    ("studies", "contrast"): "A study's contrast is English text, in the source's words.",
    ("studies", "evaluates"): "What a study evaluates (pikg:evaluates) is a pikg:Intervention.",
    ("studies", "reanalyses"): "A data set a study re-analyses (pikg:reanalyses) is a pikg:DataSet.",
    ("studies", "risk_of_bias"): "A risk of bias is stated in English text, in the source's words.",
    ("studies", "reported_in"): "A study's reports (pikg:reportedIn) are publications (schema:ScholarlyArticle).",
    ("samples", "study"): "A sample belongs to exactly one pikg:Study (pikg:sampleOf).",
    ("samples", "size"): "A sample has at most one size, an xsd:nonNegativeInteger.",
    ("samples", "included_studies"): "A review's sample has at most one count of studies, an xsd:nonNegativeInteger.",
    ("samples", "interventions"): (
        "The interventions a sample's participants took part in (pikg:participatedIn) are pikg:Intervention "
        "nodes."
    ),
    ("samples", "data_origin"): "A sample's data origin is one of: collected-for-this-study, secondary-analysis.",
    ("samples", "dataset"): "A sample's data come from at most one pikg:DataSet.",
    ("samples", "population"): "A sample's population is a pikg:TargetPopulation.",
    ("datasets", "description"): "A data set's description is English text, in the source's words.",
    ("datasets", "collected_by"): "The study that collected a data set (pikg:collectedBy) is a pikg:Study.",
    ("outcomes", "recovery_kind"): (
        "An outcome belongs to at most one recovery kind, and only where a source classes it: "
        "personal-recovery or clinical-recovery."
    ),
    ("mechanisms", "component"): "The component a mechanism is (pikg:isComponent) is one pikg:InterventionComponent.",
    ("factors", "component"): "The component a factor is (pikg:isComponent) is one pikg:InterventionComponent.",
    ("findings", "type"): "A finding is exactly one of: result, conclusion, theme, review-finding, background.",
    ("findings", "study"): (
        "A finding comes from at most one pikg:Study (none: a background claim about prior evidence)."
    ),
    ("findings", "interventions"): (
        "The interventions a finding concerns (pikg:intervention) are pikg:Intervention nodes."
    ),
    ("findings", "all_interventions"): (
        "Whether a finding concerns all its study's interventions is a single xsd:boolean."
    ),
    ("findings", "contrast"): "A finding's contrast is English text, in the source's words.",
    ("findings", "outcome"): "The outcomes a finding is about (pikg:outcome) are each a pikg:Outcome.",
    ("findings", "phenomenon"): "A finding is about at most one pikg:Phenomenon.",
    ("findings", "role"): "A finding has at most one role: facilitator, barrier, pathway, gap or mechanism.",
    ("findings", "direction"): (
        "A finding's directions, only where the source gives them, are each one of: beneficial, no-effect, "
        "harmful, mixed, no-evidence-of-effect, no-significant-difference, inconsistent or unclear."
    ),
    ("findings", "subgroup"): "A finding holds for at most one pikg:ParticipantSubgroup (none: all participants).",
    ("findings", "strength"): "A finding has exactly one assertion strength: stated, suggested, possible or apparent.",
    ("findings", "hedge"): "A finding's hedge wording is a single English text, quoted from the source.",
    ("findings", "mechanisms"): "A finding's mechanisms are pikg:Mechanism nodes.",
    ("findings", "facilitators"): "A finding's facilitators are pikg:Factor nodes.",
    ("findings", "barriers"): "A finding's barriers are pikg:Factor nodes.",
    ("findings", "included_studies"): (
        "A finding rests on at most one stated number of studies, an xsd:nonNegativeInteger."
    ),
    ("findings", "participants"): (
        "A finding rests on at most one stated number of participants, an xsd:nonNegativeInteger."
    ),
    ("findings", "estimate"): "A finding's effect estimate is English text quoted from the source.",
    ("findings", "certainty"): "A finding's GRADE certainty is one of: high, moderate, low, very-low.",
    ("findings", "cerqual"): "A finding's GRADE-CERQual confidence is one of: high, moderate, low, very-low.",
    ("tables", "label"): "A source table has a preferred label (its caption), an English text; at least one.",
    ("tables", "columns"): "A source table has at least one column (pikg:hasColumn), each a pikg:TableColumn.",
    ("tables", "rows"): "A source table's rows (pikg:hasRow) are pikg:TableRow nodes.",
}
