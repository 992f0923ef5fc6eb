"""Each finding as a nanopublication (nanopubs/<finding-id>.trig), so that it can be cited, exchanged and
checked on its own: the head; the assertion (the finding's own triples); the provenance (the assertion
prov:wasDerivedFrom each quoted passage its triples come from, with the verbatim oa:exact and the source
document); the publication info (created on the release date, the licence, the dataset's creator).

The nanopublication's IRI ends in a trusty URI artefact code (`RA…`, the SHA-256 of its normalised quads, as
defined by Kuhn & Dumontier's trusty URIs and computed by the `nanopub` library and nanopub-java), so a copy can
be checked against its name. The code is computed here (the published algorithm, for the IRIs and literals the
build writes) rather than by the `nanopub` package, which brings a command-line, crypto and server-client stack
the build does not need; the tests check every file with that package. Nothing is signed or sent to a server.
"""

from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left
from pathlib import Path

from kg.base.config import PREFIXES, expand
from kg.base.files import write_atomic
from kg.base.terms import iri, literal, parse_literal
from kg.model.build import short_hash as statement_hash
from kg.model.published import Published
from kg.release.export import prefix_lines, turtle_body
from kg.release.metadata import LICENSE, ReleaseInfo, creator_iri, subject_lines

NP = "http://www.nanopub.org/nschema#"
_GRAPHS = ("Head", "assertion", "provenance", "pubinfo")
_REFERENCED_BY = iri(expand("dcterms:isReferencedBy"))
_PROVENANCE_OF_FINDING = {iri(expand("pikg:supportingPassage")), _REFERENCED_BY}
_DERIVED_FROM, _IN_SOURCE = iri(expand("prov:wasDerivedFrom")), iri(expand("pikg:inSource"))
_XSD_STRING = PREFIXES["xsd"] + "string"
_CODE = "\x1f"  # where the artefact code goes in the nanopublication's own IRIs (a space when hashing)


def findings(data: Published) -> list[str]:
    """The IRIs (N-Triples terms) of the findings, in order."""
    prefix, finding_type = f"<{data.base_iri}finding/", f" {iri(expand('rdf:type'))} {iri(expand('pikg:Finding'))}"
    start = bisect_left(data.union, prefix)
    out = []
    for statement in data.union[start:]:
        if not statement.startswith(prefix):
            break
        if statement.endswith(finding_type):
            out.append(statement.split(" ", 1)[0])
    return out


def _passages(data: Published, statement: str, graphs: list[str]) -> list[str]:
    """The passages the builder's rdf:Statement of a triple cites, in each of the given graphs that states it
    (looked up by the statement's IRI, which kg.model.build makes from the triple and its graph)."""
    s, p, o = statement.split(" ", 2)
    out = []
    for graph in graphs:
        node = f"<{data.base_iri}statement/{statement_hash(s, p, o, graph)}>"
        out += [line.rsplit(" ", 1)[1] for line in subject_lines(data.union, node)
                if line.split(" ", 2)[1] == _DERIVED_FROM]
    return out


def _hash_term(term: str) -> str:
    """A term as the trusty-URI RA normalisation writes it (one line)."""
    if term.startswith("<"):
        return f"{term[1:-1]}\n"
    value, lang, datatype = parse_literal(term)
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n")
    return f"@{lang.lower()} {escaped}\n" if lang else f"^{datatype or _XSD_STRING} {escaped}\n"


def _sort_key(quad: tuple[str, ...]) -> tuple:
    """The order of trusty URIs' StatementComparator: graph, subject, predicate as UTF-8; IRIs before literals,
    literals by lexical form, then datatype (a language-tagged one first), then language."""
    g, s, p, o = quad
    if o.startswith("<"):
        obj: tuple = (0, o[1:-1].encode())
    else:
        value, lang, datatype = parse_literal(o)
        obj = (1, value.encode(), (0, "") if lang else (1, datatype or _XSD_STRING), lang or "")
    return (g[1:-1].encode(), s[1:-1].encode(), p[1:-1].encode(), obj)


def artefact_code(quads: list[tuple[str, ...]]) -> str:
    """The RA artefact code of quads whose own IRIs carry a space where the code goes."""
    previous, lines = "", []
    for quad in sorted(set(quads), key=_sort_key):
        line = "".join(_hash_term(t) for t in quad)
        if line != previous:
            lines.append(line)
        previous = line
    digest = hashlib.sha256("".join(lines).encode("utf-8")).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def nanopublication(data: Published, finding: str, info: ReleaseInfo) -> tuple[str, bytes]:
    """The nanopublication of a finding: its IRI and its TriG."""
    base, lines = data.base_iri, subject_lines(data.union, finding)
    prefix = f"{base}nanopub/{finding[1:-1].rsplit('/', 1)[1]}/"
    this, sub = f"<{prefix}{_CODE}>", lambda name: f"<{prefix}{_CODE}#{name}>"
    assertion = [line for line in lines if line.split(" ", 2)[1] not in _PROVENANCE_OF_FINDING]
    source_graphs = [f"{base}graph/{line.rsplit('/', 1)[1][:-1]}" for line in lines  # the graphs of its sources
                     if line.split(" ", 2)[1] == _REFERENCED_BY]
    passages = sorted({passage for line in assertion for passage in _passages(data, line, source_graphs)})
    if len(passages) == 0:
        raise ValueError(f"no quoted passage for the finding {finding}")
    provenance = [line for line in lines if line.split(" ", 2)[1] in _PROVENANCE_OF_FINDING]
    provenance += [f"{sub('assertion')} {_DERIVED_FROM} {passage}" for passage in passages]
    sources: set[str] = set()
    for passage in passages:
        passage_lines = subject_lines(data.union, passage)
        provenance += passage_lines
        sources.update(line.rsplit(" ", 1)[1] for line in passage_lines if line.split(" ", 2)[1] == _IN_SOURCE)
    for source in sorted(sources):
        provenance.append(f"{sub('assertion')} {iri(expand('prov:hadPrimarySource'))} {source}")
        provenance += subject_lines(data.union, source)
    head = [f"{this} {iri(expand('rdf:type'))} <{NP}Nanopublication>",
            *(f"{this} <{NP}has{name}> {sub(graph)}" for name, graph in
              (("Assertion", "assertion"), ("Provenance", "provenance"), ("PublicationInfo", "pubinfo")))]
    pubinfo = [f"{this} {iri(expand('dcterms:created'))} {literal(info.date, datatype=info.date_datatype)}",
               f"{this} {iri(expand('dcterms:license'))} <{LICENSE}>",
               f"{this} {iri(expand('dcterms:creator'))} <{creator_iri(base)}>",
               f"{this} {iri(expand('dcterms:isPartOf'))} <{base}dataset>"]
    graphs = dict(zip(_GRAPHS, (head, assertion, provenance, pubinfo), strict=True))
    code = artefact_code([tuple(t.replace(_CODE, " ") for t in (sub(name), *line.split(" ", 2)))
                          for name, part in graphs.items() for line in part])
    uri = prefix + code

    def named(statements: list[str]) -> list[str]:
        return sorted({line.replace(f"<{prefix}{_CODE}", f"<{uri}") for line in statements})

    graphs = {name: named(part) for name, part in graphs.items()}
    text = "\n".join(line for part in graphs.values() for line in part)
    prefixes = {p: ns for p, ns in {**PREFIXES, "np": NP, "this": uri, "sub": uri + "#"}.items() if f"<{ns}" in text}
    parts = [prefix_lines(prefixes).encode()]
    for name, part in graphs.items():
        parts += [f"\nsub:{name} {{\n".encode(), turtle_body(part, prefixes), b"\n}\n"]
    return uri, b"".join(parts)


def write_nanopubs(folder: Path, data: Published, info: ReleaseInfo) -> list[str]:
    """nanopubs/<finding-id>.trig for every finding; their IRIs."""
    uris = []
    for finding in findings(data):
        uri, trig = nanopublication(data, finding, info)
        write_atomic(folder / "nanopubs" / f"{finding[1:-1].rsplit('/', 1)[1]}.trig", trig)
        uris.append(uri)
    return uris
