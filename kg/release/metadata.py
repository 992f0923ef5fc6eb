"""What a release says about itself beyond its data: the release date and where its files will be downloaded
from. Both are inputs, never the clock or the file system's times, so the same records, date and base give the
same bytes on every machine and in every clone.

The date is, in this order: `--release-date`; SOURCE_DATE_EPOCH (the reproducible-builds convention: seconds
since 1970, read as a UTC day); else the newest date the records themselves state (a publication's issue date,
an event's end), at the precision they state it (a year stays a year). File modification times are not used:
a git checkout sets them to the time of the checkout, so two clones would disagree.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace

from kg.base.config import (
    PREFIXES,
    ReleaseInfo,
    check_download_base,
    check_release_date,
    check_url,
    expand,
    source_date_epoch,
)
from kg.base.terms import parse_literal
from kg.model.build import KnowledgeGraph

XSD = PREFIXES["xsd"]
_DATE_TYPES = {XSD + "date": "date", XSD + "dateTime": "dateTime", XSD + "gYear": "gYear",
               XSD + "gYearMonth": "gYearMonth"}
NO_DATE = "1970-01-01"  # records that state no date at all: the epoch, as SOURCE_DATE_EPOCH=0 would give
CREATOR_NAME = "pikg contributors"  # who makes the release: the dataset's creator and publisher, the nanopubs'


def creator_iri(base: str) -> str:
    """The release's creator, an agent under the data's base IRI (one place, for DCAT, schema.org, the crate and
    the nanopublications)."""
    return f"{base}agent/pikg-contributors"


LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "Creative Commons Attribution 4.0 International"
KEYWORDS = ("mental health", "psychosocial intervention", "recovery", "personal recovery", "clinical recovery",
            "peer support", "evidence", "provenance", "knowledge graph", "linked data", "nanopublication")


def newest_stated_date(kg: KnowledgeGraph) -> str | None:
    """The newest date literal the records state (compared by the last day it covers, a day winning a tie with
    its year), as written; None when they state none."""
    best: tuple[str, int, str] | None = None
    for terms in kg.literals.values():
        for term in terms:
            if not term.endswith(">") or "^^<" not in term:
                continue
            value, datatype = term[1:].rsplit('"^^<', 1)
            kind = _DATE_TYPES.get(datatype[:-1])
            if kind is None:
                continue
            if kind in ("date", "dateTime"):
                value = value[:10]  # a day (its time and zone dropped)
            last_day = value + {"gYear": "-12-31", "gYearMonth": "-31"}.get(kind, "")
            key = (last_day, len(value), value)
            if best is None or key > best:
                best = key
    return None if best is None else best[2]


def resolved(kg: KnowledgeGraph, info: ReleaseInfo | None) -> ReleaseInfo:
    """`info` with its date, when it has none, taken as the module says (SOURCE_DATE_EPOCH, else the records)."""
    if info is not None and info.date:
        return info
    return replace(info or ReleaseInfo(), date=source_date_epoch() or newest_stated_date(kg) or NO_DATE)


def release_info(kg: KnowledgeGraph, release_date: str | None = None, download_base: str | None = None,
                 sparql_endpoint: str | None = None) -> ReleaseInfo:
    """The release's date (see the module) and links, checked: the options as the pipeline checks them, then
    `resolved`."""
    return resolved(kg, ReleaseInfo(check_release_date(release_date) if release_date else "",
                                    check_download_base(download_base) if download_base else None,
                                    check_url(sparql_endpoint, "SPARQL endpoint") if sparql_endpoint else None))


def subject_lines(union: list[str], subject: str) -> list[str]:
    """The statements about `subject` (an N-Triples IRI term) in sorted statements, found by bisection (no pass
    over a large graph)."""
    prefix = f"{subject} "
    start = end = bisect_left(union, prefix)
    while end < len(union) and union[end].startswith(prefix):
        end += 1
    return union[start:end]


@dataclass(frozen=True)
class SourceWork:
    """A source document as the release metadata cites it: its IRI, label, DOI and its publication's authors
    (IRI, name) in order."""

    iri: str
    label: str
    doi: str | None = None
    authors: list[tuple[str, str]] = field(default_factory=list)


def source_works(kg: KnowledgeGraph, union: list[str]) -> list[SourceWork]:
    """The sources of the records, in record order, with what the graph says of their publications."""
    base, name = kg.settings.base_iri, expand("foaf:name")
    has, author, position = (f"<{expand(n)}>" for n in ("pikg:hasAuthorship", "pikg:author", "pikg:authorPosition"))
    works = []
    for rf in kg.files:
        publication = f"{base}publication/{rf.source.publication}" if rf.source.publication else None
        doi = kg.literals.get((publication, expand("pikg:doi"))) if publication else None
        authors = []
        for line in subject_lines(union, f"<{publication}>") if publication else ():
            _, p, authorship = line.split(" ", 2)
            if p != has:
                continue
            pairs = [line.split(" ", 2)[1:] for line in subject_lines(union, authorship)]
            people = [o[1:-1] for p, o in pairs if p == author]
            rank = [int(parse_literal(o)[0]) for p, o in pairs if p == position]
            for person in people:
                names = kg.literals.get((person, name))
                authors.append((rank[0] if rank else 0, person, parse_literal(names[0])[0] if names else person))
        works.append(SourceWork(f"{base}source/{rf.source.id}", rf.source.label,
                                parse_literal(doi[0])[0] if doi else None,
                                [(person, label) for _, person, label in sorted(authors)]))
    return works
