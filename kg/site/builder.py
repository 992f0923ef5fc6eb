"""The pages: a home page that leads with the interventions and the sources, the source's tables as printed,
an evidence map, lists of resources by class, a page per resource (with its own Turtle and JSON-LD), the
ontology's documentation and a search page.

Every value is shown by its label and links to what it names; every fact links to the passage that states it,
grouped by the source that states it. The evidence map's cells hold effect findings only (an outcome and a
direction); themes are listed below it by intervention and background claims apart, attributed to the source
citing them. Plain HTML and CSS from Jinja2 templates with autoescaping, so text from the data is always shown as
text; links are relative, so the folder works opened from disk and from any web server; nothing is fetched at
view time, and the one script (search) is progressive: without it the search page links to the lists.
"""

from __future__ import annotations

import functools
import hashlib
import json
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
from kg.model.stats import Stats, compute_stats
from kg.release.description import DESCRIPTION, checksums, distributions, schema_org_dataset
from kg.release.export import EXTERNAL_TERMS
from kg.schema.fields import LABEL_PREDICATES
from kg.site.files import PageWriter
from kg.site.graph import RDF_TYPE, Lit, SiteGraph, Term, term_key

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_HEX = 12  # hex digits of a SHA-1 naming the page of an outside IRI: short file names, unique in practice
LIST_PAGE = 500  # resources per page of a class's list: a list of 50,000 findings is 100 pages, not one of 8 MB
QUOTE_SHOWN = 90  # characters of a passage a link shows (all of it in its title)
INCOMING_SHOWN = 200  # links shown under "Linked from" (a concept 6,000 findings use says how many more)
PARALLEL_FROM = 2000  # resource pages from which the writing is shared by a process per core
MAX_WORKERS = 8  # each forked process touches the shared view's pages: memory grows with their number
SEARCHED = ("Intervention", "InterventionComponent", "Study", "Finding", "Outcome")  # what the search box finds


def _ns(prefix: str) -> Any:
    return lambda local: PREFIXES[prefix] + local


PIKG = lambda local: ONTOLOGY_NS + local  # noqa: E731 - namespaces read like rdflib's, as plain strings
RDF, RDFS, OWL, SKOS, OA = _ns("rdf"), _ns("rdfs"), _ns("owl"), _ns("skos"), _ns("oa")
DCTERMS, XSD, SH = _ns("dcterms"), _ns("xsd"), "http://www.w3.org/ns/shacl#"
# every concept of the direction scheme, in the legend's order, with the symbol a cell shows it by
DIRECTIONS = (("beneficial", "▲"), ("no-effect", "●"), ("harmful", "▼"), ("mixed", "◆"),
              ("no-evidence-of-effect", "○"), ("inconsistent", "◇"), ("unclear", "?"))
FACTOR_ROLES = (("facilitator", "Facilitators"), ("barrier", "Barriers"))  # pikg:facilitator / pikg:barrier
RECOVERY_KINDS = ("personal-recovery", "clinical-recovery")
# what a node is shown by: the model's rdfs:label, a record's own name (kg.schema.fields: label, name, title), a
# passage's words, a duration's wording as the source gives it
LABELS = (RDFS("label"), *(expand(p) for p in LABEL_PREDICATES), OA("exact"), PIKG("durationText"))
# the properties of other vocabularies, shown by their natural JSON-LD key in words (altName: "alt name")
EXTERNAL_LABELS = {expand(term["@id"]): re.sub(r"(?<!^)([A-Z])", r" \1", key).lower()
                   for key, term in EXTERNAL_TERMS.items()} | {RDF_TYPE: "type"}
# the facts the home page's and the table page's summaries are about
DESCRIBING = ("aim", "hasComponent", "hasDuration", "peerSupport", "deliveryMode", "sessionsLedBy", "deliveredBy",
              "targetPopulation")


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
        text = escape(self.text)
        html = f'<a href="{escape(self.href)}">{text}</a>' if self.href else str(text)
        return html + "".join(" " + q.__html__() for q in self.quotes)


class Quote(Link):
    """A passage, as a link to it whose text is its words in quotation marks (cut, whole in the title)."""

    def __html__(self) -> str:
        short = self.text if len(self.text) <= QUOTE_SHOWN else self.text[:QUOTE_SHOWN - 1].rstrip() + "…"
        title = f' title="{escape(self.text)}"' if short != self.text else ""
        return f'<a class="quote" href="{escape(self.href or "")}"{title}>“{escape(short)}”</a>'


class SiteBuilder:
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
                               undefined=StrictUndefined, keep_trailing_newline=True)
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

    def quotes(self, page: str, s: str, p: str, o: Term) -> list[Link]:
        """The passages that state (s, p, o), each as a link whose text is the passage's words."""
        return [Quote(self.label(passage), self.href(page, passage)) for passage in self.data.passages(s, p, o)]

    def source_of(self, passage: str) -> str | None:
        found = self.data.value(passage, PIKG("inSource"))
        return found if isinstance(found, str) else None

    def values(self, page: str, s: str, p: str, quoted: bool = True) -> list[Link]:
        """Each value of s's property p, linked to what it names and (quoted) to the passages that state it."""
        found = sorted(self.data.objects(s, p), key=lambda o: (self.label(o).casefold(), term_key(o)))
        return [Link(self.label(o), self.href(page, o), self.quotes(page, s, p, o) if quoted else [])
                for o in found]

    def passage(self, page: str, f: str) -> Link:
        """A finding's supporting passage: its words, linked to the passage's page."""
        passage = self.data.value(f, PIKG("supportingPassage"))
        return self.link(page, passage) if passage is not None else Link("")

    def by_label(self, nodes: Iterable[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (self.label(n).casefold(), n))

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

    # ------------------------------------------------------------------ the home page

    def interventions(self) -> list[str]:
        return self.by_label(self.data.instances(PIKG("Intervention")))

    def home(self, writer: PageWriter, out: Path) -> None:
        """Interventions first (what a researcher comes for), then the sources, then the counts and downloads."""
        page = "index.html"
        stats = self.stats if self.stats is not None else compute_stats(self.kg)
        rows = []
        for i in self.interventions():
            aims = sorted(str(a) for a in self.data.objects(i, PIKG("aim")))
            peer = self.data.objects(i, PIKG("peerSupport"))
            durations = [self.label(d) for d in self.data.objects(i, PIKG("hasDuration"))]
            rows.append({"link": self.link(page, i), "aim": aims[0] if aims else "",
                         "more_aims": len(aims) > 1,
                         "peer": "; ".join(sorted({self.label(p) for p in peer})),
                         "duration": "; ".join(sorted(set(durations), key=str.casefold)),
                         "studies": len(self.studies_of(i)),
                         "findings": len([f for f in self.concerning(i) if not self.is_background(f)])})
        folder = out / "download"
        # the sizes and SHA-256 the release's RO-Crate states (it hashed them as it wrote them: at a million
        # triples 760 MB read again would be seconds); only the files it does not list are hashed here
        crate = json.loads((folder / "ro-crate-metadata.json").read_text(encoding="utf-8"))
        known = {e["@id"]: (int(e["contentSize"]), e["sha256"]) for e in crate["@graph"]
                 if isinstance(e, dict) and "sha256" in e and "contentSize" in e}
        described_files = distributions(folder, known)
        paths = sorted(p for p in folder.rglob("*") if p.is_file())
        hashed = {**checksums(folder, [p for p in paths if p.relative_to(folder).as_posix() not in known]), **known}
        downloads = [{"name": name, "href": f"download/{name}", "size": f"{hashed[name][0]:,} bytes",
                      "sha256": hashed[name][1]} for name in (p.relative_to(folder).as_posix() for p in paths)]
        self.render(writer, "downloads.html", "downloads.html", title="Downloads", files=downloads)
        # the home page lists the files at the top and a line per folder (a nanopublication per finding is
        # thousands of files); downloads.html has them all
        folders: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in downloads:
            folders[d["name"].split("/", 1)[0] if "/" in d["name"] else ""].append(d)
        summary = folders.pop("", []) + [
            {"name": f"{name}/", "href": "downloads.html#" + name, "sha256": "",
             "size": f"{len(files):,} files, {sum(hashed[f['name']][0] for f in files):,} bytes"}
            for name, files in sorted(folders.items())]
        described = schema_org_dataset(self.kg, described_files, prefix="download/")
        dataset = json.dumps(described, ensure_ascii=False, sort_keys=True)
        sources = [self.link(page, s) for s in self.by_label(self.data.instances(PIKG("SourceDocument")))]
        tables = [Link(self.label(t), f"compare.html#{self.local(t)}")
                  for t in self.by_label(self.data.instances(PIKG("SourceTable")))]
        self.render(writer, page, "index.html", title="Psychosocial Intervention Knowledge Graph",
                    description=DESCRIPTION, interventions=rows, sources=sources, tables=tables,
                    triples=stats.triples, graphs=len(stats.graphs),
                    classes=[{"name": self.label(expand(c)), "curie": c, "count": n, "href": self.list_href(page, c)}
                             for c, n in stats.classes.items()],
                    downloads=summary, dataset_jsonld=script_json(dataset))

    def list_href(self, page: str, curie: str) -> str | None:
        """The first page of the list of a class's instances, if the site lists that class."""
        return relative(f"list/{self.list_id(expand(curie))}.html", page) if expand(curie) in self.listed else None

    # ------------------------------------------------------------------ the source's tables as printed

    def tables(self, writer: PageWriter) -> None:
        """Each table a source prints (pikg:SourceTable): its columns and rows in print order, each column headed
        by the passage that introduces the intervention in that source (the heading as printed, a footnote
        marker raised), each cell the passage that states it with the values it names linked, the source's notes
        on its columns as footnotes; then what other sources add. Without one, the comparison of every described
        intervention that the bundled compare-interventions query gives."""
        page = "compare.html"
        tables = [self.printed(page, t) for t in self.by_label(self.data.instances(PIKG("SourceTable")))]
        self.render(writer, page, "compare.html", title="Compare interventions", tables=tables,
                    compared=[] if tables else self.compared(page))

    def printed(self, page: str, table: str) -> dict[str, Any]:
        typed = self.data.passages(table, RDF_TYPE, PIKG("SourceTable"))
        source = self.source_of(typed[0]) if typed else None

        def ordered(prop: str, target: str) -> list[Term]:
            parts = [(int(str(self.data.value(part, PIKG("position")))), self.data.value(part, PIKG(target)))
                     for part in self.data.objects(table, PIKG(prop))]
            return [node for _, node in sorted(parts, key=lambda x: x[0]) if node is not None]

        def here(s: str, p: str, o: Term) -> list[str]:
            return [q for q in self.data.passages(s, p, o) if self.source_of(q) == source]

        columns = [i for i in ordered("hasColumn", "columnIntervention") if isinstance(i, str)]
        rows = [p for p in ordered("hasRow", "rowProperty") if isinstance(p, str)]
        footnotes, heads = [], []
        for i in columns:
            notes = [n for n in self.data.objects(i, SKOS("note")) if here(i, SKOS("note"), n)]
            marks = [chr(ord("a") + len(footnotes) + k) for k in range(len(notes))]
            footnotes += [{"mark": m, "text": str(n), "quotes": self.quotes(page, i, SKOS("note"), n)}
                          for m, n in zip(marks, notes, strict=True)]
            heads.append(self.heading(page, i, here(i, RDF_TYPE, PIKG("Intervention")), marks))
        shown: set[tuple[str, str, Term]] = set()
        body = []
        for p in rows:
            cells = []
            for i in columns:
                values = [o for o in self.data.objects(i, p) if here(i, p, o)]
                shown.update((i, p, o) for o in values)
                passages = sorted({q for o in values for q in here(i, p, o)})
                cells.append([self.cell(page, q, [o for o in values if q in here(i, p, o)]) for q in passages])
            body.append({"label": self.label(p).capitalize(), "href": self.href(page, p), "cells": cells})
        others = []
        for i in columns:
            facts = [{"property": self.label(p), "value": Link(self.label(o), self.href(page, o)),
                      "quotes": self.quotes(page, i, p, o), "sources": sorted(
                          {self.label(self.source_of(q)) for q in self.data.passages(i, p, o)})}
                     for p in (PIKG(x) for x in DESCRIBING) for o in self.data.objects(i, p)
                     if (i, p, o) not in shown]
            if facts:
                others.append({"intervention": self.link(page, i),
                               "facts": sorted(facts, key=lambda f: (f["property"], f["value"].text.casefold()))})
        return {"id": self.local(table), "caption": self.label(table), "source": self.link(page, source),
                "heads": heads, "rows": body, "footnotes": footnotes, "others": others}

    def heading(self, page: str, i: str, passages: list[str], marks: list[str]) -> dict[str, Any]:
        """A column's heading as the source prints it, its footnote marker raised (the printed text runs it into
        the last word: "Turning pointsa"), and, when the printed heading spells the intervention otherwise than
        its name (a typo the graph corrects), a [sic] note beside the name."""
        printed = self.label(passages[0]) if passages else self.label(i)
        name = self.label(i)
        others = [str(a) for a in self.data.objects(i, SKOS("altLabel"))]
        names = [n.casefold() for n in (name, *others, *(str(a) for a in self.data.objects(i, PIKG("acronym"))))]
        before, mark, after = printed, "", ""
        for m in marks[:1]:
            mark = m  # raised after the heading, unless the heading runs it into the intervention's name
            at = printed.rfind(m)
            while at > 0 and not any(printed[:at].casefold().endswith(n) for n in names):
                at = printed.rfind(m, 0, at)
            if at > 0:
                before, after = printed[:at], printed[at + 1:]
        sic = name.casefold() not in printed.casefold() and any(a.casefold() in printed.casefold() for a in others)
        return {"before": before, "mark": mark, "after": after, "name": self.link(page, i), "sic": sic}

    def cell(self, page: str, passage: str, values: list[Term]) -> dict[str, Any]:
        """A cell as printed: the passage's words, each value's label found in them linked to the value (in the
        order printed), the passage itself linked for what no label marks (an aim, a yes)."""
        text = self.label(passage)
        spans: list[tuple[int, int, Link]] = []
        for o in values:
            label = self.label(o)
            found = re.search(re.escape(label), text, re.IGNORECASE) if isinstance(o, str) and label else None
            if found and not any(a < found.end() and found.start() < b for a, b, _ in spans):
                spans.append((found.start(), found.end(), Link(found.group(0), self.href(page, o))))
        parts: list[Link] = []
        end = 0
        for a, b, link in sorted(spans, key=lambda x: x[0]):
            if a > end:
                parts.append(Link(text[end:a]))
            parts.append(link)
            end = b
        if end < len(text):
            parts.append(Link(text[end:]))
        return {"parts": parts, "passage": self.href(page, passage), "whole": not spans}

    def compared(self, page: str) -> list[dict[str, Any]]:
        """Every intervention a source describes, with what the sources say of it (no source table to follow)."""
        rows = []
        for i in self.interventions():
            facts = {name: self.values(page, i, PIKG(name)) for name in DESCRIBING}
            if any(facts.values()):
                rows.append({"link": self.link(page, i), **facts})
        return rows

    # ------------------------------------------------------------------ the evidence map

    def evidence(self, writer: PageWriter) -> None:
        """Interventions × outcomes, a cell per pair with effect findings (an outcome and a direction) and nothing
        else; themes and other findings without an effect are listed below by intervention, and background claims
        apart, attributed to the source that cites them, so that no cell counts them as a study's evidence."""
        page = "evidence.html"
        effects = [f for f in self.findings if self.is_effect(f)]
        kinds = []
        for kind in (f"{VOCAB_NS}recovery-kind/{k}" for k in RECOVERY_KINDS):
            outcomes = self.by_label(self.data.subjects(PIKG("recoveryKind"), kind))
            kinds.append({"label": self.label(kind), "outcomes": outcomes})
        unclassed = {self.data.value(f, PIKG("outcome")) for f in effects} - {o for k in kinds for o in k["outcomes"]}
        if unclassed:  # an effect on an outcome no source classes as personal or clinical still has a column
            kinds.append({"label": "Not classed as personal or clinical recovery",
                          "outcomes": self.by_label(o for o in unclassed if isinstance(o, str))})
        kinds = [k for k in kinds if k["outcomes"]]
        for kind in kinds:
            kind["outcomes"] = [{"iri": o, **vars(self.link(page, o))} for o in kind["outcomes"]]
            # a group whose one column says the same ("personal recovery" over "personal recovery") is one header
            kind["merged"] = len(kind["outcomes"]) == 1 and kind["outcomes"][0]["text"].casefold() == kind[
                "label"].casefold()
        findings = defaultdict(list)
        for f in effects:
            for i in self.concerns[f]:
                findings[(i, self.data.value(f, PIKG("outcome")))].append(f)
        studied = {i for s in self.data.instances(PIKG("Study")) for i in self.data.objects(s, PIKG("evaluates"))}
        rows = []
        for i in self.interventions():
            cells = []
            for kind in kinds:
                for o in kind["outcomes"]:
                    found = sorted(findings.get((i, o["iri"]), []))
                    counts: dict[str, int] = defaultdict(int)
                    for f in found:
                        counts[str(self.data.value(f, PIKG("direction"))).rsplit("/", 1)[1]] += 1
                    subgroups = sorted({self.label(self.data.value(f, PIKG("subgroup"))) for f in found
                                        if self.data.value(f, PIKG("subgroup")) is not None})
                    cells.append({
                        "id": f"cell-{self.local(i)}-{self.local(o['iri'])}",
                        "directions": [{"id": d, "symbol": sym, "count": counts[d],
                                        "label": self.label(f"{VOCAB_NS}direction/{d}")}
                                       for d, sym in DIRECTIONS if counts[d]],
                        "studies": len({self.data.value(f, PIKG("study")) for f in found} - {None}),
                        "weight": self.weight(found),
                        "only_subgroups": subgroups if found and all(
                            self.data.value(f, PIKG("subgroup")) is not None for f in found) else [],
                        "empty": "no finding on this outcome" if i in studied else "no study of it",
                        "findings": [self.effect(page, f) for f in found],
                    })
            rows.append({"label": self.label(i), "href": self.href(page, i), "cells": cells})
        legend = [{"id": d, "symbol": sym, "label": self.label(f"{VOCAB_NS}direction/{d}")} for d, sym in DIRECTIONS]
        others = [f for f in self.findings if not self.is_effect(f) and not self.is_background(f)]
        groups = [{"id": f"themes-{self.local(i)}", **vars(self.link(page, i)),
                   "findings": [self.qualitative(page, f) for f in others if i in self.concerns[f]]}
                  for i in self.interventions()]
        unattached = [self.qualitative(page, f) for f in others if not self.concerns[f]]
        if unattached:
            groups.append({"id": "themes-none", "text": "No intervention named", "href": None, "quotes": [],
                           "findings": unattached})
        background = [self.background(page, f) for f in self.findings if self.is_background(f)]
        self.render(writer, page, "evidence.html", title="Evidence map", kinds=kinds, rows=rows, legend=legend,
                    groups=[g for g in groups if g["findings"]], background=background)

    def effect(self, page: str, f: str) -> dict[str, Any]:
        subgroup = self.data.value(f, PIKG("subgroup"))
        return {"label": self.label(f), "href": self.href(page, f),
                "direction": self.label(self.data.value(f, PIKG("direction"))),
                "subgroup": self.label(subgroup) if subgroup is not None else "",
                "strength": self.label(self.data.value(f, PIKG("assertionStrength"))),
                "hedge": str(self.data.value(f, PIKG("hedgeWording")) or ""),
                "type": self.label(self.data.value(f, PIKG("findingType"))),
                "quote": self.passage(page, f),
                "study": self.label(self.data.value(f, PIKG("study")))}

    def weight(self, found: list[str]) -> str:
        """What a cell's findings rest on, as the sources state it: a review's findings say how many trials and
        participants they pool, a primary study its sample size; so one 12-person interview study never looks
        like a review of many trials. Nothing is summed: a number no source states is not shown."""
        parts = []
        for study in sorted({self.data.value(f, PIKG("study")) for f in found} - {None}, key=term_key):
            mine = [f for f in found if self.data.value(f, PIKG("study")) == study]
            counts = sorted({(int(str(k)), int(str(n))) for f in mine
                             for k in self.data.objects(f, PIKG("includedStudyCount"))
                             for n in self.data.objects(f, PIKG("participantCount"))}, reverse=True)
            total = self.data.value(study, PIKG("sampleSize"))
            if counts:
                k, n = counts[0]
                parts.append(f"a review of {k} stud{'y' if k == 1 else 'ies'}, {n:,} participants")
            elif total is not None:
                parts.append(f"{int(str(total)):,} participants")
            else:
                parts.append("size not stated")
        return "; ".join(parts)

    @staticmethod
    def local(iri: Term | None) -> str:
        """The last segment of an IRI: stable, readable HTML ids (cell-ips-personal-recovery) for links."""
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    # ------------------------------------------------------------------ lists and search

    @functools.cached_property
    def listed(self) -> dict[str, list[str]]:
        """Each class's instances that have a page, by label: a resource under its first type, ours first (a
        component is also a skos:Concept)."""
        groups: dict[str, list[str]] = defaultdict(list)
        for r in self.resources:
            types = sorted((t for t in self.data.objects(r, RDF_TYPE) if isinstance(t, str)),
                           key=lambda t: (not t.startswith(ONTOLOGY_NS), t)) or [RDFS("Resource")]
            groups[types[0]].append(r)
        return {t: self.by_label(rs) for t, rs in groups.items()}

    def list_id(self, cls: str) -> str:
        """list/pikg-Finding.html; a class of no known vocabulary by a hash of its IRI, as page_of does."""
        short = compact(cls)
        return short.replace(":", "-") if short != cls else hashlib.sha1(cls.encode()).hexdigest()[:PAGE_HEX]

    def lists(self, writer: PageWriter) -> None:
        """resources.html: the classes, each with its count and a link to its list, LIST_PAGE resources a page."""
        classes = []
        for cls in sorted(self.listed, key=lambda c: (self.label(c).casefold(), c)):
            members, name = self.listed[cls], self.list_id(cls)
            pages = [f"list/{name}.html" if n == 0 else f"list/{name}-{n + 1}.html"
                     for n in range((len(members) + LIST_PAGE - 1) // LIST_PAGE)]
            classes.append({"id": name, "label": self.label(cls), "href": pages[0], "count": len(members)})
            for n, page in enumerate(pages):
                chunk = members[n * LIST_PAGE:(n + 1) * LIST_PAGE]
                nav = [{"text": str(k + 1), "href": posixpath.basename(p), "current": k == n}
                       for k, p in enumerate(pages)] if len(pages) > 1 else []
                self.render(writer, page, "list.html", title=f"{self.label(cls)}: {len(members):,}", cls=self.link(
                    page, cls), members=[self.link(page, r) for r in chunk], pages=nav,
                    first=n * LIST_PAGE + 1, last=n * LIST_PAGE + len(chunk), total=len(members))
        self.render(writer, "resources.html", "resources.html", title="All resources", classes=classes)

    def search(self, writer: PageWriter) -> None:
        """search.html and its index: the names of interventions, components, studies, findings and outcomes,
        with their class and page; a script (the only one) filters them as the reader types."""
        entries = []
        for local in SEARCHED:
            cls = PIKG(local)
            for r in self.by_label(self.data.instances(cls)):
                if r in self.pages:
                    names = sorted({self.label(r)} | {str(n) for p in ("altLabel", "hiddenLabel")
                                                      for n in self.data.objects(r, SKOS(p))}
                                   | {str(n) for n in self.data.objects(r, PIKG("acronym"))})
                    entries.append([self.label(r), self.label(cls), self.pages[r], " ".join(names)])
        index = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        writer.write("search-index.js", f"window.PIKG_SEARCH = {index};\n".encode())
        writer.write("search.js", (TEMPLATES / "search.js").read_bytes())
        self.render(writer, "search.html", "search.html", title="Search", count=len(entries),
                    kinds=[self.label(PIKG(k)) for k in SEARCHED])

    # ------------------------------------------------------------------ a page per resource

    def resource(self, writer: PageWriter, iri: str) -> None:
        page = self.pages[iri]
        triples = self.data.predicate_objects(iri)
        groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for p, o in triples:
            if p == RDF_TYPE:
                continue
            passages = self.data.passages(iri, p, o)
            by_source: dict[str | None, list[str]] = defaultdict(list)
            for q in passages:
                by_source[self.source_of(q)].append(q)
            for source, qs in (by_source.items() if passages else [(None, [])]):
                groups[source].append((self.link(page, p), self.link(page, o),
                                       [Quote(self.label(q), self.href(page, q)) for q in qs]))
        # the rows are written here, not by the template: a page has hundreds, and this is most of the site's time
        sections = [{"source": self.link(page, s) if s is not None else None, "rows": Markup("\n".join(
                     f'<tr><th scope="row">{prop.__html__()}</th><td>{value.__html__()}</td>'
                     + (f'<td>{" ".join(q.__html__() for q in quotes)}</td>' if s is not None else "") + "</tr>"
                     for prop, value, quotes in sorted(rows, key=lambda r: (r[0].text.casefold(), r[1].text.casefold(),
                                                                            r[1].href or ""))))}
                    for s, rows in sorted(groups.items(), key=lambda kv: (kv[0] is None, self.label(kv[0])))]
        incoming = sorted(((self.link(page, s), self.label(p)) for s, p in self.data.subject_predicates(iri)
                           if s in self.pages), key=lambda x: (x[0].text.casefold(), x[1], x[0].href or ""))
        stem = page.removesuffix(".html")
        name = posixpath.basename(stem)
        rdf = [ox.Triple(ox.NamedNode(iri), ox.NamedNode(p), _ox(o)) for p, o in triples]
        passages = self.source_passages(page, iri)
        rdf += [ox.Triple(ox.NamedNode(q["iri"]), ox.NamedNode(p), _ox(o)) for q in passages
                for p, o in self.data.predicate_objects(q["iri"])]
        writer.write(f"{stem}.ttl", ox.serialize(rdf, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
        jsonld = script_json(ox.serialize(rdf, format=ox.RdfFormat.JSON_LD).decode("utf-8"))
        self.render(writer, page, "resource.html", title=self.label(iri), iri=iri, jsonld_data=jsonld,
                    passages=passages,
                    types=[self.link(page, t) for t in self.data.objects(iri, RDF_TYPE)],
                    sections=sections, more=len(incoming) - INCOMING_SHOWN, incoming=Markup("".join(
                        f"<li>{link.__html__()} ({escape(prop)})</li>" for link, prop in incoming[:INCOMING_SHOWN])),
                    ttl=f"{name}.ttl", **self.study_parts(page, iri),
                    **self.intervention_parts(page, iri))

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
                         "facts": Markup("".join(f"<li>{s.__html__()}: {escape(p)} {o.__html__()}</li>"
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

    def study_parts(self, page: str, iri: str) -> dict[str, Any]:
        """A study's samples and data lineage: where its participants and data came from is what tells a new
        study from a re-analysis, and it is scattered over sample and data-set nodes that link to the study."""
        if not self.data.typed(iri, PIKG("Study")):
            return {"samples": [], "lineage": []}
        samples = self.by_label(self.data.subjects(PIKG("sampleOf"), iri))
        rows = [{"sample": Link(self.label(s), self.href(page, s), self.quotes(
                    page, s, SKOS("prefLabel"), self.data.value(s, SKOS("prefLabel")))),
                 **{name: self.values(page, s, PIKG(prop)) for name, prop in (
                     ("size", "sampleSize"), ("studies", "includedStudyCount"), ("interventions", "participatedIn"),
                     ("origin", "dataOrigin"), ("dataset", "dataset"))}}
                for s in samples]
        datasets = ({d for d in self.data.objects(iri, PIKG("reanalyses")) if isinstance(d, str)}
                    | set(self.data.subjects(PIKG("collectedBy"), iri))
                    | {d for s in samples for d in self.data.objects(s, PIKG("dataset")) if isinstance(d, str)})
        lineage = [{"dataset": self.link(page, d), "collected": self.values(page, d, PIKG("collectedBy")),
                    "reanalysed": [Link(self.label(s), self.href(page, s), self.quotes(page, s, PIKG("reanalyses"), d))
                                   for s in self.by_label(self.data.subjects(PIKG("reanalyses"), d))]}
                   for d in self.by_label(datasets)]
        return {"samples": rows, "lineage": lineage}

    def intervention_parts(self, page: str, iri: str) -> dict[str, Any]:
        """An intervention's themes, barriers and facilitators, and the prior evidence sources cite about it: a
        finding that concerns all interventions of its study names none of them, so no triple links it here."""
        if not self.data.typed(iri, PIKG("Intervention")):
            return {"themes": [], "factors": [], "prior": []}
        found = self.concerning(iri)
        studied = [f for f in found if not self.is_background(f)]
        factors = []
        for role, label in FACTOR_ROLES:
            rows = [{"factor": Link(self.label(x), self.href(page, x), self.quotes(page, f, PIKG(role), x)),
                     "finding": self.link(page, f), "quote": self.passage(page, f)}
                    for f in studied for x in self.data.objects(f, PIKG(role))]
            if rows:
                factors.append({"id": role, "label": label,
                                "rows": sorted(rows, key=lambda r: (r["factor"].text.casefold(), r["finding"].text))})
        return {"themes": [self.qualitative(page, f) for f in studied if not self.is_effect(f)], "factors": factors,
                "prior": [self.background(page, f) for f in found if self.is_background(f)]}

    # ------------------------------------------------------------------ writing it all

    def summary_pages(self, writer: PageWriter, out: Path) -> None:
        """Every page but the resources' (the home page reads the release in out/download/)."""
        from kg.site.ontology import ontology_page

        writer.write("style.css", (TEMPLATES / "style.css").read_bytes())
        self.home(writer, out)
        self.tables(writer)
        self.evidence(writer)
        self.lists(writer)
        self.search(writer)
        ontology_page(self, writer)

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

    def __init__(self, builder: SiteBuilder, writer: PageWriter, workers: int) -> None:
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
    script in it (each only occurs inside JSON strings, where its \\u escape means the same)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.lru_cache(maxsize=4096)
def _up(folder: str) -> str:
    """The way from a page's folder up to the site's root: "" or "../" repeated."""
    return "../" * (folder.count("/") + 1) if folder else ""


@functools.lru_cache(maxsize=65536)
def _between(folder: str, start: str) -> str:
    return posixpath.relpath(folder or ".", start or ".")


def relative(target: str, page: str) -> str:
    """target's link from page (both paths in the site, target perhaps with a #fragment): posixpath.relpath
    once per pair of folders, not once per link."""
    folder, _, name = target.rpartition("/")
    way = _between(folder, posixpath.dirname(page))
    return name if way == "." else f"{way}/{name}"


_ACTIVE: tuple[SiteBuilder, PageWriter] | None = None  # what a forked page writer works from


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
