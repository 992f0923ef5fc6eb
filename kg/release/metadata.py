"""What a release says about itself beyond its data: the release date and where its files will be downloaded
from. Both are inputs, never the clock or the file system's times, so the same records, date and base give the
same bytes on every machine and in every clone.

The date is, in this order: `--release-date`; SOURCE_DATE_EPOCH (the reproducible-builds convention: seconds
since 1970, read as a UTC day); else the UTC day of the last git commit that changed the records folder (the same
in every clone); else the command refuses and says how to set it. It is never a date a source states (an
article's year is not the release's). File modification times are not used: a git checkout sets them to the
time of the checkout, so two clones would disagree.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.base.config import (
    ReleaseInfo,
    check_download_base,
    check_release_date,
    check_url,
    expand,
    source_date_epoch,
)
from kg.base.errors import InputError
from kg.base.terms import parse_literal
from kg.model.build import KnowledgeGraph
from kg.schema.structured import place_node

CREATOR_NAME = "pikg contributors"  # who makes the release: the dataset's creator and publisher, the nanopubs'


def creator_iri(base: str) -> str:
    """The release's creator, an agent under the data's base IRI (one place, for DCAT, schema.org, the crate and
    the nanopublications)."""
    return f"{base}agent/pikg-contributors"


LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "Creative Commons Attribution 4.0 International"
KEYWORDS = ("mental health", "psychosocial intervention", "recovery", "personal recovery", "clinical recovery",
            "peer support", "evidence", "provenance", "knowledge graph", "linked data", "nanopublication")


def records_commit_date(records_dir: Path) -> str | None:
    """The UTC day of the last git commit that changed `records_dir`, or None when it is not in a git checkout
    (or git is missing). Git runs without a pager, system configuration or prompts, and only reads."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(["git", "--no-pager", "-C", str(records_dir), "log", "-1", "--format=%ct", "--", "."],
                              capture_output=True, text=True, timeout=30, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = done.stdout.strip()
    if done.returncode or not (stamp.isascii() and stamp.isdigit()):
        return None
    return datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).date().isoformat()


def default_release_date(records_dir: Path) -> str:
    """SOURCE_DATE_EPOCH's day, else the records' last commit's; InputError saying how to set it otherwise."""
    date = source_date_epoch() or records_commit_date(records_dir)
    if date is None:
        raise InputError(f"no release date: {records_dir} is not in a git checkout whose last commit would date the "
                         "release; give --release-date YYYY-MM-DD or set SOURCE_DATE_EPOCH (seconds since 1970)")
    return date


def resolved(kg: KnowledgeGraph, info: ReleaseInfo | None) -> ReleaseInfo:
    """`info` with its date, when it has none, taken as the module says (SOURCE_DATE_EPOCH, else the records'
    last commit)."""
    if info is not None and info.date:
        return info
    return replace(info or ReleaseInfo(), date=default_release_date(kg.settings.records_dir))


def release_info(records_dir: Path, release_date: str | None = None, download_base: str | None = None,
                 sparql_endpoint: str | None = None) -> ReleaseInfo:
    """The release's date (see the module) and links, checked, before any build: a mistyped option or a missing
    date is told before a long build, as the options are."""
    return ReleaseInfo(check_release_date(release_date) if release_date else default_release_date(records_dir),
                       check_download_base(download_base) if download_base else None,
                       check_url(sparql_endpoint, "SPARQL endpoint") if sparql_endpoint else None)


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
    """The sources of the records, in record order, with what the graph says of their publications: the authors
    in the byline that source gives (another source's byline of the same publication is that source's)."""
    base, name = kg.settings.base_iri, expand("foaf:name")
    has, author, position = (f"<{expand(n)}>" for n in ("pikg:hasAuthorship", "pikg:author", "pikg:authorPosition"))
    works = []
    for rf in kg.files:
        publication = f"{base}publication/{rf.source.publication}" if rf.source.publication else None
        doi = kg.literals.get((publication, expand("pikg:doi"))) if publication else None
        authors = []
        byline = f"<{place_node(publication, 'author', rf.source.id, 0)[:-1]}" if publication else ""
        for line in subject_lines(union, f"<{publication}>") if publication else ():
            _, p, authorship = line.split(" ", 2)
            if p != has or not authorship.startswith(byline):
                continue  # another source's byline of the publication: each source's list is its own
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
