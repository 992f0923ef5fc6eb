"""The record format: which sections a record file has, which fields each record takes, and how each field
becomes RDF. One table drives the loader's checks, the graph builder and the format's documentation, so the
three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of a record.

    kind is one of: text (English prose, a language-tagged literal), string (a name or identifier), alias (a
    curator's extra name, never quoted), ref:SECTION (the id or a name of a record of that section, in any
    file), concept:SCHEME (the id of a concept of that scheme), integer, positive-integer, nonnegative-integer,
    boolean, date (YYYY-MM-DD or YYYY), language (a BCP 47 tag), duration (value, qualifier and the source's
    wording), authors (person ids or names, in byline order).
    """

    name: str
    kind: str
    predicate: str | None
    doc: str
    many: bool = False
    inverse: bool = False


@dataclass(frozen=True)
class Section:
    """A top-level section of a record file: a mapping from record id to record."""

    name: str
    types: tuple[str, ...]
    segment: str
    doc: str
    fields: tuple[Field, ...]
    scheme: str | None = None  # members are skos:Concepts of this scheme
    by_concept: bool = False  # keys are SCHEME/ID of existing vocabulary concepts

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


LABEL = Field("label", "text", "skos:prefLabel", "The preferred name, in English.")
ALT = Field("alt_names", "text", "skos:altLabel", "Other names used by the source, misspellings included.", many=True)
ALIASES = Field("aliases", "alias", "skos:hiddenLabel", "Other names a curator declares so that references and "
                "queries find the record (not quoted: they are not the source's words).", many=True)
NOTE = Field("curator_note", "text", "skos:editorialNote", "A curator's remark on how the record was made.")

SECTIONS: tuple[Section, ...] = (
    Section(
        "publications", ("schema:ScholarlyArticle",), "publication", "Journal articles, conference abstracts.",
        (
            Field("type", "concept:publication-type", "dcterms:type", "The kind of publication."),
            Field("title", "text", "dcterms:title", "The title as printed."),
            Field("journal", "string", "pikg:journalTitle", "The journal's title."),
            Field("doi", "string", "pikg:doi", "The DOI, without https://doi.org/."),
            Field("issued", "date", "dcterms:issued", "Publication date (YYYY-MM-DD or YYYY)."),
            Field("language", "language", "dcterms:language", "Language of the text, as a BCP 47 tag (en)."),
            Field("pages", "positive-integer", "schema:numberOfPages", "Number of pages."),
            Field("status", "string", "schema:creativeWorkStatus", "Publication status (Published)."),
            Field("authors", "authors", "pikg:hasAuthorship", "Person ids, in byline order."),
            Field("presented_at", "ref:events", "schema:workPresented", "The event it was presented at.",
                  inverse=True),
            NOTE,
        ),
    ),
    Section(
        "events", ("schema:Event",), "event", "Conferences.",
        (
            Field("name", "text", "schema:name", "The event's name."),
            Field("start", "date", "schema:startDate", "First day (YYYY-MM-DD)."),
            Field("end", "date", "schema:endDate", "Last day (YYYY-MM-DD)."),
            Field("location", "ref:places", "schema:location", "Where it took place."),
            Field("number", "positive-integer", "pikg:conferenceNumber", "Its number in the conference series."),
            NOTE,
        ),
    ),
    Section(
        "places", ("schema:Place",), "place", "Cities where events took place.",
        (
            Field("name", "string", "schema:name", "The place's name as the source writes it."),
            Field("country", "string", "schema:addressCountry", "The country's English name."),
            NOTE,
        ),
    ),
    Section(
        "persons", ("foaf:Person",), "person", "Authors.",
        (Field("name", "string", "foaf:name", "Full name as printed."), ALIASES, NOTE),
    ),
    Section(
        "populations", ("pikg:TargetPopulation",), "population", "Who interventions are for.",
        (LABEL, ALT, ALIASES, NOTE),
    ),
    Section(
        "components", ("pikg:InterventionComponent", "skos:Concept"), "component",
        "Principles and methods, one record however many interventions share it.",
        (LABEL, ALT, ALIASES,
         Field("kind", "concept:component-kind", "pikg:componentKind", "Principle, method, or either."), NOTE),
        scheme="components",
    ),
    Section(
        "interventions", ("pikg:Intervention",), "intervention", "Psychosocial interventions.",
        (
            Field("name", "text", "skos:prefLabel", "The intervention's name."),
            ALT,
            ALIASES,
            Field("acronym", "string", "pikg:acronym", "Abbreviation used by the source (IPS)."),
            Field("types", "concept:intervention-type", "dcterms:type", "How the source characterises it.",
                  many=True),
            Field("aim", "text", "pikg:aim", "Its aim, in the source's words."),
            Field("target_population", "ref:populations", "pikg:targetPopulation", "Who it is for."),
            Field("components", "ref:components", "pikg:hasComponent", "Its principles and methods.", many=True),
            Field("duration", "duration", "pikg:hasDuration", "How long it lasts."),
            Field("peer_support", "boolean", "pikg:peerSupport", "Whether it offers peer support (true/false)."),
            Field("delivery_mode", "concept:delivery-mode", "pikg:deliveryMode", "How sessions are organised."),
            Field("sessions_led_by", "concept:provider-role", "pikg:sessionsLedBy", "Who leads the sessions.",
                  many=True),
            Field("delivered_by", "concept:provider-role", "pikg:deliveredBy", "Who delivers it.", many=True),
            Field("note", "text", "skos:note", "A note the source makes about it (a footnote)."),
            NOTE,
        ),
    ),
    Section(
        "studies", ("pikg:Study",), "study", "Studies that evaluated or synthesised interventions.",
        (
            LABEL,
            Field("design", "concept:study-design", "schema:studyDesign", "The study design."),
            Field("data_collection", "concept:data-collection", "pikg:dataCollectionMethod", "How data were collected.",
                  many=True),
            Field("sample_size", "nonnegative-integer", "pikg:sampleSize", "Number of participants."),
            Field("country", "string", "pikg:country", "Country where it was carried out."),
            Field("aim", "text", "pikg:aim", "Its aim, in the source's words."),
            Field("population", "ref:populations", "pikg:targetPopulation", "Who the participants were."),
            Field("evaluates", "ref:interventions", "pikg:evaluates", "Interventions it studied.", many=True),
            Field("reported_in", "ref:publications", "pikg:reportedIn", "Publications reporting it.", many=True),
            NOTE,
        ),
    ),
    Section(
        "outcomes", ("pikg:Outcome",), "outcome", "What interventions may change.",
        (LABEL, ALT, ALIASES,
         Field("recovery_kind", "concept:recovery-kind", "pikg:recoveryKind", "Personal or clinical."), NOTE),
    ),
    Section(
        "subgroups", ("pikg:ParticipantSubgroup",), "subgroup", "Subsets of a study's participants.",
        (LABEL, NOTE),
    ),
    Section(
        "mechanisms", ("pikg:Mechanism",), "mechanism", "Ways an intervention had its effect.",
        (LABEL, NOTE),
    ),
    Section(
        "findings", ("pikg:Finding",), "finding", "Results and conclusions of studies; the record's quote is the "
        "supporting passage.",
        (
            LABEL,
            Field("type", "concept:finding-type", "pikg:findingType", "Result or conclusion."),
            Field("study", "ref:studies", "pikg:study", "The study it comes from."),
            Field("intervention", "ref:interventions", "pikg:intervention", "The intervention it is about."),
            Field("outcome", "ref:outcomes", "pikg:outcome", "The outcome it is about."),
            Field("direction", "concept:direction", "pikg:direction", "Beneficial, no effect, harmful or mixed."),
            Field("subgroup", "ref:subgroups", "pikg:subgroup", "The subgroup it holds for (omit for everyone)."),
            Field("strength", "concept:assertion-strength", "pikg:assertionStrength", "How firmly it is stated."),
            Field("hedge", "text", "pikg:hedgeWording", "The hedging words, verbatim (may decrease)."),
            Field("mechanisms", "ref:mechanisms", "pikg:mechanism", "How the effect came about.", many=True),
            NOTE,
        ),
    ),
    Section(
        "concepts", (), "", "Facts a source states about a vocabulary concept (keys are SCHEME/ID).",
        (
            Field("definition", "text", "skos:definition", "The source's definition of the concept."),
            Field("example", "text", "skos:example", "An example the source gives."),
        ),
        by_concept=True,
    ),
)

SECTION_BY_NAME: dict[str, Section] = {s.name: s for s in SECTIONS}

SOURCE_FIELDS: dict[str, str] = {
    "id": "The source's id (lower-case letters, digits and hyphens); it names the source's graph.",
    "label": "A human-readable description of the source document.",
    "text_file": "File name of the source's plain text, in the sources folder, against which quotes are checked.",
    "publication": "The id of the publication the source document comes from.",
    "quote": "A passage identifying the document (its title).",
}

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
    "qualifier": "duration only: exact, approximate or open-ended.",
    "text": "duration only: the source's own wording.",
}

DURATION_QUALIFIERS = ("exact", "approximate", "open-ended")


def format_reference() -> str:
    """The field-by-field reference of the record format, in Markdown (records/README.md embeds it)."""
    lines = ["### `source` (one per file)", "", "| field | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc} |" for name, doc in SOURCE_FIELDS.items()]
    lines += ["", "### Keys of every record", "", "| key | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc} |" for name, doc in RECORD_KEYS.items()]
    lines += ["", "### Keys of a field written as a mapping", "", "| key | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {doc} |" for name, doc in VALUE_KEYS.items()]
    for section in SECTIONS:
        types = ", ".join(f"`{t}`" for t in section.types) or "(an existing vocabulary concept)"
        lines += ["", f"### `{section.name}`: {section.doc}", "", f"Each record becomes a {types}.", "",
                  "| field | kind | RDF | meaning |", "| --- | --- | --- | --- |"]
        for fld in section.fields:
            kind = fld.kind + (", list" if fld.many else "")
            rdf = f"`{fld.predicate}`" + (" (inverse)" if fld.inverse else "")
            lines.append(f"| `{fld.name}` | {kind} | {rdf} | {fld.doc} |")
    return "\n".join(lines) + "\n"
