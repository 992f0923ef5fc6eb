"""A page per resource, and what every page of the site shares: the view of the release the pages are read from,
what each node is called and where its page is (every value is shown by its label and links to what it names;
every fact links to the passage that states it, grouped by the source that states it), the kinds of finding, and
the writing of the resource pages, by a forked process per core at scale. (The site's other pages, its lists
among them, are kg/site/builder.py's SiteBuilder, which is a PageBuilder.)

A resource's page holds its facts, what links to it, a source's passages with the facts each states, a study's
samples and data lineage, an intervention's themes, barriers and facilitators, and its own Turtle and JSON-LD.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from kg import __version__
from kg.base.config import ONTOLOGY_NS, PREFIXES, VOCAB_NS, compact, expand
from kg.model.build import ONTOLOGY_GRAPH, KnowledgeGraph
from kg.model.stats import Stats
from kg.release.export import EXTERNAL_TERMS
from kg.schema import LABEL_PREDICATES
from kg.site.cells import intervention_results
from kg.site.files import PageWriter
from kg.site.graph import RDF_TYPE, Lit, SiteGraph, Term, term_key
from kg.site.parts import FACTOR_ROLES, intervention_parts, person_parts, study_parts

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_HEX = 12  # hex digits of a SHA-1 naming the page of an outside IRI: short file names, unique in practice
QUOTE_SHOWN = 90  # characters of a passage a link shows (all of it in its title)
CURATED = "\0curated"  # the group of a page's statements that the curators make (no source's IRI is this)
INCOMING_SHOWN = 200  # links shown under "Linked from" (a concept 6,000 findings use says how many more)
PARALLEL_FROM = 2000  # resource pages from which the writing is shared by a process per core
MAX_WORKERS = 8  # each forked process touches the shared view's pages: memory grows with their number


def _ns(prefix: str) -> Any:
    return lambda local: PREFIXES[prefix] + local


PIKG = lambda local: ONTOLOGY_NS + local  # noqa: E731 - namespaces read like rdflib's, as plain strings
RDF, RDFS, OWL, SKOS, OA = _ns("rdf"), _ns("rdfs"), _ns("owl"), _ns("skos"), _ns("oa")
DCTERMS, XSD, SH = _ns("dcterms"), _ns("xsd"), "http://www.w3.org/ns/shacl#"
# what a node is shown by: the model's rdfs:label, a record's own name (kg.schema: label, name, title), a
# passage's words, a duration's wording as the source gives it
LABELS = (RDFS("label"), *(expand(p) for p in LABEL_PREDICATES), OA("exact"), PIKG("durationText"))
# the properties of other vocabularies, shown by their natural JSON-LD key in words (altName: "alt name")
EXTERNAL_LABELS = {expand(term["@id"]): re.sub(r"(?<!^)([A-Z])", r" \1", key).lower()
                   for key, term in EXTERNAL_TERMS.items()} | {RDF_TYPE: "type"}


@dataclass
class Link:
    """A value shown by its label, linked to its page when it has one, followed by the passages that state it
    (their words are the link text: "quote" forty times tells a screen reader nothing)."""

    text: str
    href: str | None = None
    quotes: list[Link] = field(default_factory=list)

    def __html__(self) -> str:
        """The link as the templates' value macro writes it, made here: a resource page has hundreds, and a
        Jinja macro call per value costs more than the rest of the page."""
        text = escape(isolate(self.text))
        html = f'<a href="{escape(self.href)}">{text}</a>' if self.href else str(text)
        return html + "".join(" " + q.__html__() for q in self.quotes)


class Quote(Link):
    """A passage, as a link to it whose text is its words in quotation marks (cut, whole in the title)."""

    def __html__(self) -> str:
        short = self.text if len(self.text) <= QUOTE_SHOWN else self.text[:QUOTE_SHOWN - 1].rstrip() + "…"
        title = f' title="{escape(isolate(self.text))}"' if short != self.text else ""
        return f'<a class="quote" href="{escape(self.href or "")}"{title}>“{escape(isolate(short))}”</a>'


class PageBuilder:
    """The pages' view of the release, their labels and links, and the page of each resource."""

    def __init__(self, kg: KnowledgeGraph, stats: Stats | None = None) -> None:
        """`stats`: the release's counts, for the home page (set before summary_pages, once the release is
        judged)."""
        self.kg = kg
        self.stats = stats
        statements = kg.settings.base_iri + "statement/"
        self.data = SiteGraph(kg.statements(kg.export_graphs()), statements)
        self.onto = SiteGraph(kg.statements([ONTOLOGY_GRAPH]), statements)
        self.base = kg.settings.base_iri
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, keep_trailing_newline=True, finalize=isolate)
        # a passage is a paragraph of its source's page, not a page of its own: half the resources of a large
        # graph are passages, and a source's page is where a reader wants its passages anyway
        self.passages = set(self.data.instances(PIKG("Passage")))
        self.resources = [r for r in self.data.subjects_of_view() if r not in self.passages]
        self.pages = {r: self.page_of(r) for r in self.resources}
        self.anchors = {q: f"{self.pages[src]}#p-{self.local(q)}" for q in self.passages
                        if isinstance(src := self.data.value(q, PIKG("inSource")), str) and src in self.pages}
        self.findings = self.data.instances(PIKG("Finding"))
        self.concerns = {f: self.concerned(f) for f in self.findings}
        self._labels: dict[Term, str] = {}

    # ------------------------------------------------------------------ naming and linking

    def page_of(self, iri: str) -> str:
        if iri.startswith(self.base):
            return f"r/{iri[len(self.base):]}.html"
        if iri.startswith(VOCAB_NS):
            return f"vocab/{iri[len(VOCAB_NS):].rstrip('/')}.html"
        return f"ext/{hashlib.sha1(iri.encode()).hexdigest()[:PAGE_HEX]}.html"

    def label(self, node: Term | None) -> str:
        if node is None:
            return ""
        if isinstance(node, Lit):
            value = node.python()
            return ("yes" if value else "no") if isinstance(value, bool) else str(value)
        found = self._labels.get(node)
        if found is None:
            found = self._labels[node] = self._label(node)
        return found

    def _label(self, node: str) -> str:
        for prop in LABELS:
            value = self.data.value(node, prop) or self.onto.value(node, prop)
            if value is not None:
                return str(value)
        if node in EXTERNAL_LABELS:
            return EXTERNAL_LABELS[node]
        position = self.data.value(node, PIKG("authorPosition")) or self.data.value(node, PIKG("position"))
        if position is not None:  # an authorship, a table's column or row: what it is, at its place
            part = (self.data.value(node, PIKG("author")) or self.data.value(node, PIKG("columnIntervention"))
                    or self.data.value(node, PIKG("rowProperty")))
            kind = ("author" if self.data.typed(node, PIKG("Authorship")) else
                    "column" if self.data.typed(node, PIKG("TableColumn")) else "row")
            return f"{kind} {position}: {self.label(part)}"
        return compact(node)

    def href(self, page: str, node: Term | None) -> str | None:
        if not isinstance(node, str) or node.startswith("_:"):
            return None
        if node in self.pages:
            target = self.pages[node]
        elif node in self.anchors:
            target = self.anchors[node]
        elif node.startswith(ONTOLOGY_NS):
            target = f"ontology.html#{node[len(ONTOLOGY_NS):]}"
        else:
            return node if node.startswith(("http://", "https://")) else None
        return relative(target, page)

    def link(self, page: str, node: Term | None) -> Link:
        return Link(self.label(node), self.href(page, node))

    def quotes(self, page: str, s: str, p: str, o: Term | None) -> list[Link]:
        """The passages that state (s, p, o), each as a link whose text is the passage's words (none without o)."""
        if o is None:
            return []
        return [Quote(self.label(passage), self.href(page, passage)) for passage in self.data.passages(s, p, o)]

    def source_of(self, passage: str) -> str | None:
        found = self.data.value(passage, PIKG("inSource"))
        return found if isinstance(found, str) else None

    def values(self, page: str, s: str, p: str, quoted: bool = True) -> list[Link]:
        """Each value of s's property p, linked to what it names and (quoted) to the passages that state it."""
        found = sorted(self.data.objects(s, p), key=lambda o: (in_order(self.label(o)), term_key(o)))
        return [Link(self.label(o), self.href(page, o), self.quotes(page, s, p, o) if quoted else [])
                for o in found]

    def passage(self, page: str, f: str) -> Link:
        """A finding's supporting passage: its words, linked to the passage's page."""
        passage = self.data.value(f, PIKG("supportingPassage"))
        return self.link(page, passage) if passage is not None else Link("")

    def by_label(self, nodes: Iterable[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (in_order(self.label(n)), n))

    def render(self, writer: PageWriter, page: str, template: str, **context: Any) -> None:
        root = _up(posixpath.dirname(page))
        html = self.env.get_template(template).render(root=root, version=__version__, **context)
        writer.write(page, html.encode("utf-8"))

    # ------------------------------------------------------------------ kinds of finding

    def kind_of(self, f: str) -> str:
        """The local name of a finding's type (result, conclusion, theme, review-finding, background)."""
        return str(self.data.value(f, PIKG("findingType")) or "").rsplit("/", 1)[-1]

    def is_background(self, f: str) -> bool:
        """A claim about prior evidence that a source cites: not the finding of any study it reports."""
        return self.kind_of(f) == "background"

    def is_effect(self, f: str) -> bool:
        """Only a finding with an outcome and a direction says what an intervention did to something; the
        evidence map's cells hold these alone, so that a theme or a hedgeless claim is never drawn as an effect."""
        return (not self.is_background(f) and self.data.value(f, PIKG("outcome")) is not None
                and self.data.value(f, PIKG("direction")) is not None)

    def concerned(self, f: str) -> set[str]:
        """The interventions a finding concerns: those it names, and, when it concerns all, every intervention
        its study evaluates (the source singles none out, so the graph does not copy the list)."""
        found = {i for i in self.data.objects(f, PIKG("intervention")) if isinstance(i, str)}
        if self.data.has(f, PIKG("concernsAllInterventions"), Lit("true", XSD("boolean"))):
            for study in self.data.objects(f, PIKG("study")):
                found.update(i for i in self.data.objects(study, PIKG("evaluates")) if isinstance(i, str))
        return found

    def concerning(self, i: str) -> list[str]:
        """The findings that concern intervention i, directly or through its study."""
        return [f for f in self.findings if i in self.concerns[f]]

    def studies_of(self, i: str) -> list[str]:
        return self.data.subjects(PIKG("evaluates"), i)

    def qualitative(self, page: str, f: str) -> dict[str, Any]:
        """A theme or other finding without an effect, as the intervention page and the evidence map list it: its
        facets as plain links, since the one passage that states them all is shown with it."""
        one = {name: self.values(page, f, PIKG(prop), quoted=False) for name, prop in (
            ("type", "findingType"), ("role", "findingRole"), ("phenomenon", "phenomenon"), ("outcome", "outcome"),
            ("direction", "direction"), ("strength", "assertionStrength"), ("study", "study"),
            ("subgroup", "subgroup"), ("certainty", "certainty"), ("cerqual", "cerqualConfidence"),
            ("studies", "includedStudyCount"), ("participants", "participantCount"))}
        hedge = self.data.value(f, PIKG("hedgeWording"))
        return {"label": self.label(f), "href": self.href(page, f), "hedge": str(hedge or ""), **one,
                "factors": [{"label": label, "links": self.values(page, f, PIKG(role), quoted=False)}
                            for role, label in FACTOR_ROLES if self.data.objects(f, PIKG(role))],
                "quote": self.passage(page, f)}

    def background(self, page: str, f: str) -> dict[str, Any]:
        """A prior-evidence claim, attributed to the source document that cites it (not to a study of ours)."""
        passage = self.data.value(f, PIKG("supportingPassage"))
        source = self.source_of(passage) if isinstance(passage, str) else None
        return {**self.qualitative(page, f), "interventions": self.values(page, f, PIKG("intervention"), False),
                "source": self.link(page, source) if source is not None else Link("source not recorded")}

    @staticmethod
    def local(iri: Term | None) -> str:
        """The last segment of an IRI: stable, readable HTML ids (cell-ips-personal-recovery) for links."""
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    # ------------------------------------------------------------------ a page per resource

    def resource(self, writer: PageWriter, iri: str) -> None:
        page = self.pages[iri]
        triples = self.data.predicate_objects(iri)
        groups: dict[str | None, list[tuple[Link, Link, list[Quote]]]] = defaultdict(list)
        for p, o in triples:
            if p == RDF_TYPE:
                continue
            if (iri, p, o) in self.data.curated:  # the curators' words: never beside a source's passage
                groups[CURATED].append((self.link(page, p), self.link(page, o), []))
                continue
            passages = self.data.passages(iri, p, o)
            by_source: dict[str | None, list[str]] = defaultdict(list)
            for q in passages:
                by_source[self.source_of(q)].append(q)
            for source, qs in (by_source.items() if passages else [(None, [])]):
                groups[source].append((self.link(page, p), self.link(page, o),
                                       [Quote(self.label(q), self.href(page, q)) for q in qs]))
        # the rows are written here, not by the template: a page has hundreds, and this is most of the site's time
        sections = [{"source": self.link(page, s) if s not in (None, CURATED) else None, "curated": s == CURATED,
                     "rows": Markup("\n".join(
                         f'<tr><th scope="row">{prop.__html__()}</th><td>{value.__html__()}</td>'
                         + (f'<td>{" ".join(q.__html__() for q in quotes)}</td>' if s not in (None, CURATED) else "")
                         + "</tr>" for prop, value, quotes in sorted(
                             rows, key=lambda r: (r[0].text.casefold(), in_order(r[1].text), r[1].href or ""))))}
                    for s, rows in sorted(groups.items(), key=lambda kv: (
                        kv[0] in (None, CURATED), kv[0] is None, "" if kv[0] == CURATED else self.label(kv[0])))]
        incoming = sorted(((self.link(page, s), self.label(p)) for s, p in self.data.subject_predicates(iri)
                           if s in self.pages), key=lambda x: (x[0].text.casefold(), x[1], x[0].href or ""))
        stem = page.removesuffix(".html")
        name = posixpath.basename(stem)
        rdf = [ox.Triple(ox.NamedNode(iri), ox.NamedNode(p), _ox(o)) for p, o in triples]
        stated = self.source_passages(page, iri)
        rdf += [ox.Triple(ox.NamedNode(q["iri"]), ox.NamedNode(p), _ox(o)) for q in stated
                for p, o in self.data.predicate_objects(q["iri"])]
        turtle = ox.serialize(rdf, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        jsonld_bytes = ox.serialize(rdf, format=ox.RdfFormat.JSON_LD)
        assert turtle is not None and jsonld_bytes is not None  # no output given: serialize returns the bytes
        writer.write(f"{stem}.ttl", turtle)
        jsonld = script_json(jsonld_bytes.decode("utf-8"))
        self.render(writer, page, "resource.html", title=self.label(iri), iri=iri, jsonld_data=jsonld,
                    passages=stated,
                    types=[self.link(page, t) for t in self.data.objects(iri, RDF_TYPE)],
                    sections=sections, more=len(incoming) - INCOMING_SHOWN, incoming=Markup("".join(
                        f"<li>{link.__html__()} ({escape(isolate(prop))})</li>"
                        for link, prop in incoming[:INCOMING_SHOWN])),
                    ttl=f"{name}.ttl", **study_parts(self, page, iri),
                    **intervention_parts(self, page, iri), **intervention_results(self, page, iri),
                    **person_parts(self, page, iri))

    def source_passages(self, page: str, source: str) -> list[dict[str, Any]]:
        """A source document's passages, each with the facts it states (what a reader checking the source against
        the graph wants side by side): a paragraph with an anchor, which is where every quote link leads."""
        if not self.data.typed(source, PIKG("SourceDocument")):
            return []
        found = self.data.subjects(PIKG("inSource"), source)
        rows = []
        for q in sorted((q for q in found if q in self.anchors), key=lambda q: (self.label(q).casefold(), q)):
            facts = sorted(((self.link(page, s), self.label(p), self.link(page, o))
                            for s, p, o in self.stated.get(q, [])),
                           key=lambda f: (f[0].text.casefold(), f[1], f[2].text.casefold()))
            rows.append({"iri": q, "id": f"p-{self.local(q)}", "text": self.label(q),
                         "file": str(self.data.value(q, PIKG("textFile")) or ""),
                         "facts": Markup("".join(f"<li>{s.__html__()}: {escape(isolate(p))} {o.__html__()}</li>"
                                                 for s, p, o in facts))})
        return rows

    @functools.cached_property
    def stated(self) -> dict[str, list[tuple[str, str, Term]]]:
        """The facts each passage states (the view keeps the reverse: the passages of each fact)."""
        found: dict[str, list[tuple[str, str, Term]]] = defaultdict(list)
        for fact, passages in self.data.cites.items():
            for q in passages:
                found[q].append(fact)
        return found

    def start_resource_pages(self, writer: PageWriter, workers: int | None = None) -> ResourcePages:
        """The page of every resource, written by forked processes when there are many (PARALLEL_FROM), started
        before the release is written: they need only the view, so they use the core the release leaves idle
        (its verdict runs on one) instead of waiting for it. `workers`: how many (by default one per available
        core but the one this process keeps, at most MAX_WORKERS)."""
        if workers is None:
            workers = len(os.sched_getaffinity(0)) - 1 if len(self.resources) >= PARALLEL_FROM else 0
        return ResourcePages(self, writer, max(0, min(workers, MAX_WORKERS)))


class ResourcePages:
    """Resource pages being written, in forked processes or (no workers) by `finish` in this one."""

    def __init__(self, builder: PageBuilder, writer: PageWriter, workers: int) -> None:
        self.builder, self.writer, self.workers = builder, writer, workers
        self.pool: Any = None
        self.shares: Any = None
        if workers:
            builder.stated  # noqa: B018 - built once before the fork, shared by every process
            global _ACTIVE
            _ACTIVE = (builder, writer)
            self.pool = multiprocessing.get_context("fork").Pool(workers)
            _ACTIVE = None  # the children have their copy
            self.shares = self.pool.map_async(_render, [(k, workers) for k in range(workers)])

    def finish(self) -> None:
        """Wait for the forked writers (their files join the manifest), or write the pages here."""
        if self.pool is None:
            for iri in self.builder.resources:
                self.builder.resource(self.writer, iri)
            return
        try:
            for written, reused in self.shares.get():
                self.writer.written.update(written)
                self.writer.reused += reused
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the forked writers (the release failed, or they are done)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def script_json(text: str) -> str:
    """JSON to embed in a <script> element: no <, > or & can end the element or open a comment or a nested
    script in it, and no bidi control reorders the page's source (each only occurs inside JSON strings, where
    its \\u escape means the same)."""
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolate(value: Any) -> Any:
    """Every text a template prints (Jinja's finalize) that holds a bidi control, between FIRST STRONG ISOLATE and
    POP DIRECTIONAL ISOLATE: an override in a record's text (U+202E) then reorders only that text, never the page
    around it (UAX #9: the isolate's end closes what the text left open). Markup, built by the templates, is left
    as it is; its texts were isolated when printed."""
    if isinstance(value, str) and not isinstance(value, Markup) and BIDI_CONTROLS.search(value):
        return f"\u2068{value}\u2069"
    return value


@functools.lru_cache(maxsize=4096)
def _up(folder: str) -> str:
    """The way from a page's folder up to the site's root: "" or "../" repeated."""
    return "../" * (folder.count("/") + 1) if folder else ""


@functools.lru_cache(maxsize=65536)
def _between(folder: str, start: str) -> str:
    return posixpath.relpath(folder or ".", start or ".")



def in_order(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that reads numbers as numbers, case aside: "author 2" before "author 10" (a byline, a table's
    columns, findings numbered by their source)."""
    parts = re.split(r"(\d+)", text.casefold())  # the odd places are the runs of decimal digits
    return tuple((0, int(part)) if at % 2 else (1, part) for at, part in enumerate(parts) if part)

def relative(target: str, page: str) -> str:
    """target's link from page (both paths in the site, target perhaps with a #fragment): posixpath.relpath
    once per pair of folders, not once per link."""
    folder, _, name = target.rpartition("/")
    way = _between(folder, posixpath.dirname(page))
    return name if way == "." else f"{way}/{name}"


_ACTIVE: tuple[PageBuilder, PageWriter] | None = None  # what a forked page writer works from


def _render(share: tuple[int, int]) -> tuple[dict[str, list[Any]], int]:
    """One forked process's share of the resource pages (every n-th): what it wrote, for the manifest."""
    assert _ACTIVE is not None
    builder, parent = _ACTIVE
    part, workers = share
    writer = PageWriter(parent.folder, parent.previous)
    for iri in builder.resources[part::workers]:
        builder.resource(writer, iri)
    return writer.written, writer.reused


def _ox(term: Term) -> Any:
    if isinstance(term, Lit):
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)

