"""A static site for people who will not write SPARQL: home page, Table 1 rebuilt, an evidence map, a page per
resource (with its own Turtle and JSON-LD beside it) and the ontology's documentation.

The evidence map's cells hold effect findings only (an outcome and a direction); themes are listed below it by
intervention and background claims apart, attributed to the source citing them. A study's page adds its samples
and data lineage, an intervention's its themes, barriers and facilitators: facts that sit on other nodes.

Plain HTML and CSS from Jinja2 templates with autoescaping, so text from the data is always shown as text.
Links are relative, so the folder works opened from disk and from any web server; nothing is fetched at view
time. The same graph gives the same files. The pages are written beside the release that kg.pipeline.site_of
writes into download/ (judged by the one verdict, written by the one release writer), and the comparison table
is the answer of the bundled compare-interventions query, so that Table 1 is defined once.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import __version__
from kg.base.config import ONTOLOGY_NS, PREFIXES, VOCAB_NS, compact, expand
from kg.base.files import write_atomic
from kg.base.terms import SH
from kg.check.validate import load_shapes
from kg.load.schema import LABEL_PREDICATES
from kg.model.build import ONTOLOGY_GRAPH, KnowledgeGraph
from kg.model.stats import Stats, compute_stats
from kg.publish.export import canonical_json, export_graph, new_graph
from kg.publish.release import DESCRIPTION, distributions, schema_org_dataset
from kg.query.sparql import load_query, run_query_oxigraph
from kg.query.store import oxigraph_store

SKOS = Namespace(PREFIXES["skos"])
PIKG = Namespace(ONTOLOGY_NS)
PROV = Namespace(PREFIXES["prov"])
OA = Namespace(PREFIXES["oa"])
FOAF = Namespace(PREFIXES["foaf"])
PAGE_HEX = 12  # hex digits of a SHA-1 naming the page of an outside IRI: short file names, unique in practice
SCHEMA = Namespace(PREFIXES["schema"])
DCTERMS = Namespace(PREFIXES["dcterms"])
TEMPLATES = Path(__file__).with_name("templates")
# every concept of the direction scheme, in the legend's order, with the symbol a cell shows it by
DIRECTIONS = (("beneficial", "▲"), ("no-effect", "●"), ("harmful", "▼"), ("mixed", "◆"),
              ("no-evidence-of-effect", "○"), ("inconsistent", "◇"), ("unclear", "?"))
FACTOR_ROLES = (("facilitator", "Facilitators"), ("barrier", "Barriers"))  # pikg:facilitator / pikg:barrier
TABLE_QUERY = "compare-interventions"  # the bundled query whose answer is the comparison table
XSD_BOOLEAN = URIRef(PREFIXES["xsd"] + "boolean")
# what a node is shown by: the model's rdfs:label (the ontology's header also has a title), a record's own name
# (kg.load.schema: label, name, title), a passage's quote
LABELS = (RDFS.label, *(URIRef(expand(p)) for p in LABEL_PREDICATES), OA.exact)


@dataclass
class Link:
    text: str
    href: str | None = None
    quotes: list[Any] = field(default_factory=list)


class SiteBuilder:
    def __init__(self, kg: KnowledgeGraph, stats: Stats | None = None) -> None:
        self.kg = kg
        self.stats = compute_stats(kg) if stats is None else stats
        self.data = export_graph(kg)
        self.ontology = kg.dataset.graph(ONTOLOGY_GRAPH)
        self.base = kg.settings.base_iri
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined,
                               keep_trailing_newline=True)
        self.statements: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
        for stmt in self.data.subjects(RDF.type, RDF.Statement):
            s, p, o = (self.data.value(stmt, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            passage = self.data.value(stmt, PROV.wasDerivedFrom)
            self.statements[s].append((p, o, passage))
        reified = set(self.data.subjects(RDF.type, RDF.Statement))
        self.resources = sorted({s for s in self.data.subjects() if isinstance(s, URIRef)} - reified, key=str)
        self.pages = {r: self.page_of(r) for r in self.resources}
        self.findings = sorted(self.data.subjects(RDF.type, PIKG.Finding), key=str)
        self.concerns = {f: self.concerned(f) for f in self.findings}

    # ------------------------------------------------------------------ naming and linking

    def page_of(self, iri: URIRef) -> str:
        text = str(iri)
        if text.startswith(self.base):
            return f"r/{text[len(self.base):]}.html"
        if text.startswith(VOCAB_NS):
            return f"vocab/{text[len(VOCAB_NS):].rstrip('/')}.html"
        return f"ext/{hashlib.sha1(text.encode()).hexdigest()[:PAGE_HEX]}.html"

    def label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        for prop in LABELS:
            value = self.data.value(node, prop) or self.ontology.value(node, prop)
            if value is not None:
                return str(value)
        return compact(str(node))

    def href(self, page: str, node: Node) -> str | None:
        if not isinstance(node, URIRef):
            return None
        if node in self.pages:
            target = self.pages[node]
        elif str(node).startswith(ONTOLOGY_NS):
            target = f"ontology.html#{str(node)[len(ONTOLOGY_NS):]}"
        else:
            return str(node) if str(node).startswith(("http://", "https://")) else None
        return posixpath.relpath(target, posixpath.dirname(page) or ".")

    def link(self, page: str, node: Node) -> Link:
        return Link(self.label(node), self.href(page, node))

    def quotes(self, page: str, s: Node, p: Node, o: Node) -> list[Link]:
        return [Link(str(self.data.value(passage, OA.exact)), self.href(page, passage))
                for pp, oo, passage in sorted(self.statements.get(s, []), key=lambda t: str(t[2]))
                if pp == p and oo == o]

    def values(self, page: str, s: Node, p: Node, quoted: bool = True) -> list[Link]:
        """Each value of s's property p, linked to what it names and (quoted) to the passages that state it, so
        that every value of the study and intervention tables is traceable like Table 1's."""
        found = sorted(self.data.objects(s, p), key=lambda o: (self.label(o).casefold(), str(o)))
        return [Link(self.label(o), self.href(page, o), self.quotes(page, s, p, o) if quoted else [])
                for o in found]

    def passage(self, page: str, f: Node) -> Link:
        """A finding's supporting passage: its words, linked to the passage's page."""
        passage = self.data.value(f, PIKG.supportingPassage)
        return Link(self.label(passage), self.href(page, passage)) if passage is not None else Link("")

    # ------------------------------------------------------------------ kinds of finding

    def kind_of(self, f: Node) -> str:
        """The local name of a finding's type (result, conclusion, theme, review-finding, background)."""
        return str(self.data.value(f, PIKG.findingType) or "").rsplit("/", 1)[-1]

    def is_background(self, f: Node) -> bool:
        """A claim about prior evidence that a source cites: not the finding of any study it reports."""
        return self.kind_of(f) == "background"

    def is_effect(self, f: Node) -> bool:
        """Only a finding with an outcome and a direction says what an intervention did to something; the
        evidence map's cells hold these alone, so that a theme or a hedgeless claim is never drawn as an effect."""
        return (not self.is_background(f) and self.data.value(f, PIKG.outcome) is not None
                and self.data.value(f, PIKG.direction) is not None)

    def concerned(self, f: Node) -> set[Node]:
        """The interventions a finding concerns: those it names, and, when it concerns all, every intervention
        its study evaluates (the source singles none out, so the graph does not copy the list)."""
        found = set(self.data.objects(f, PIKG.intervention))
        if (f, PIKG.concernsAllInterventions, Literal(True)) in self.data:
            for study in self.data.objects(f, PIKG.study):
                found.update(self.data.objects(study, PIKG.evaluates))
        return found

    def concerning(self, i: Node) -> list[Node]:
        """The findings that concern intervention i, directly or through its study."""
        return [f for f in self.findings if i in self.concerns[f]]

    def qualitative(self, page: str, f: Node) -> dict[str, Any]:
        """A theme or other finding without an effect, as the intervention page and the evidence map list it: its
        facets as plain links, since the one passage that states them all is shown with it."""
        one = {name: self.values(page, f, prop, quoted=False) for name, prop in (
            ("type", PIKG.findingType), ("role", PIKG.findingRole), ("phenomenon", PIKG.phenomenon),
            ("outcome", PIKG.outcome), ("direction", PIKG.direction), ("strength", PIKG.assertionStrength),
            ("study", PIKG.study), ("certainty", PIKG.certainty), ("cerqual", PIKG.cerqualConfidence),
            ("studies", PIKG.includedStudyCount), ("participants", PIKG.participantCount))}
        hedge = self.data.value(f, PIKG.hedgeWording)
        return {"label": self.label(f), "href": self.href(page, f), "hedge": str(hedge or ""), **one,
                "factors": [{"label": label, "links": self.values(page, f, PIKG[role], quoted=False)}
                            for role, label in FACTOR_ROLES if (f, PIKG[role], None) in self.data],
                "quote": self.passage(page, f)}

    def background(self, page: str, f: Node) -> dict[str, Any]:
        """A prior-evidence claim, attributed to the source document that cites it (not to a study of ours)."""
        passage = self.data.value(f, PIKG.supportingPassage)
        source = self.data.value(passage, PIKG.inSource) if passage is not None else None
        return {**self.qualitative(page, f), "interventions": self.values(page, f, PIKG.intervention, quoted=False),
                "source": self.link(page, source) if source is not None else Link("source not recorded")}

    def render(self, out: Path, page: str, template: str, **context: Any) -> None:
        root = posixpath.relpath(".", posixpath.dirname(page) or ".")
        root = "" if root == "." else root + "/"
        html = self.env.get_template(template).render(root=root, version=__version__, **context)
        write_atomic(out / page, html.encode("utf-8"))

    # ------------------------------------------------------------------ pages

    def home(self, out: Path) -> None:
        stats = self.stats
        downloads = []
        for path in sorted((out / "download").rglob("*")):
            if path.is_file():
                name = path.relative_to(out / "download").as_posix()
                downloads.append({"name": name, "href": f"download/{name}", "size": f"{path.stat().st_size:,} bytes",
                                  "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
        described = schema_org_dataset(self.kg, distributions(out / "download"), prefix="download/")
        dataset = json.dumps(described, ensure_ascii=False, sort_keys=True)
        sources = [{"label": self.label(s), "href": self.href("index.html", s)}
                   for s in sorted(self.data.subjects(RDF.type, PIKG.SourceDocument), key=str)]
        self.render(out, "index.html", "index.html", title="Psychosocial Intervention Knowledge Graph",
                    description=DESCRIPTION, triples=stats.triples, graphs=len(stats.graphs),
                    classes=list(stats.classes.items()), sources=sources, downloads=downloads,
                    dataset_jsonld=dataset.replace("</", "<\\/"))

    def interventions(self) -> list[URIRef]:
        return sorted(self.data.subjects(RDF.type, PIKG.Intervention), key=lambda i: self.label(i).casefold())

    def compare(self, out: Path) -> None:
        """Table 1 as the compare-interventions query answers it (`kg query compare-interventions`), turned so that
        each intervention is a column; each value links to what it names and to the passages that state it."""
        page = "compare.html"
        spec = load_query(TABLE_QUERY)
        result = run_query_oxigraph(oxigraph_store(self.kg), TABLE_QUERY)
        heads = [self.named(row[0]) for row in result.rows]
        rows = []
        for at, column in enumerate(result.columns[1:], 1):
            cells = []
            for head, row in zip(heads, result.rows, strict=True):
                values = row[at].split("; ") if column in spec.lists and row[at] else [row[at]] if row[at] else []
                cells.append([self.value(page, head, value) for value in values])
            rows.append({"label": column.replace("_", " ").capitalize(), "cells": cells})
        self.render(out, page, "compare.html", title="Compare interventions",
                    interventions=[Link(row[0], self.href(page, head)) for head, row in zip(heads, result.rows,
                                                                                            strict=True)],
                    rows=rows)

    def named(self, name: str) -> Node | None:
        """The intervention of this name: names are unique within a class (ambiguous-name-violation sees to it,
        and the site is written only for a graph that passed the verdict)."""
        found = sorted(i for i in self.data.subjects(RDF.type, PIKG.Intervention) if self.label(i) == name)
        return found[0] if found else None

    def value(self, page: str, head: Node | None, text: str) -> Link:
        """A value of the table as a link to what it names among the intervention's statements, one or two steps
        away (a component by its label, a duration by its text, a role by its label before its example, peer
        support by yes or no), with the passages that state that statement; plain text when it names nothing."""
        if head is None:
            return Link(text)
        for p, o in sorted(self.data.predicate_objects(head), key=lambda po: (str(po[0]), str(po[1]))):
            if p == RDF.type:
                continue
            if isinstance(o, Literal):
                shown = ("yes" if o.toPython() else "no") if o.datatype == XSD_BOOLEAN else str(o)
                if text == shown or text.startswith(f"{shown} ("):
                    return Link(text, None, self.quotes(page, head, p, o))
                continue
            label = self.label(o)
            if text == label or text.startswith(f"{label} (") or any(
                    isinstance(v, Literal) and str(v) == text for v in self.data.objects(o, None)):
                return Link(text, self.href(page, o), self.quotes(page, head, p, o))
        return Link(text)

    def evidence(self, out: Path) -> None:
        """Interventions × outcomes, a cell per pair with effect findings (an outcome and a direction) and nothing
        else; themes and other findings without an effect are listed below by intervention, and background claims
        apart, attributed to the source that cites them, so that no cell counts them as a study's evidence."""
        page = "evidence.html"
        effects = [f for f in self.findings if self.is_effect(f)]
        kinds = []
        for kind in (URIRef(f"{VOCAB_NS}recovery-kind/personal-recovery"),
                     URIRef(f"{VOCAB_NS}recovery-kind/clinical-recovery")):
            outcomes = sorted(self.data.subjects(PIKG.recoveryKind, kind), key=lambda o: self.label(o).casefold())
            kinds.append({"label": self.label(kind), "outcomes": outcomes})
        unclassed = {self.data.value(f, PIKG.outcome) for f in effects} - {o for k in kinds for o in k["outcomes"]}
        if unclassed:  # an effect on an outcome no source classes as personal or clinical still has a column
            kinds.append({"label": "Not classed as personal or clinical recovery",
                          "outcomes": sorted(unclassed, key=lambda o: self.label(o).casefold())})
        for kind in kinds:
            kind["outcomes"] = [{"iri": o, **vars(self.link(page, o))} for o in kind["outcomes"]]
        findings = defaultdict(list)
        for f in effects:
            for i in self.concerns[f]:
                findings[(i, self.data.value(f, PIKG.outcome))].append(f)
        studied = {i for s in self.data.subjects(RDF.type, PIKG.Study)
                   for i in [*self.data.objects(s, PIKG.evaluates)]}
        rows = []
        for i in self.interventions():
            cells = []
            for kind in kinds:
                for o in kind["outcomes"]:
                    found = sorted(findings.get((i, o["iri"]), []), key=str)
                    counts: dict[str, int] = defaultdict(int)
                    for f in found:
                        counts[str(self.data.value(f, PIKG.direction)).rsplit("/", 1)[1]] += 1
                    cells.append({
                        "id": f"cell-{self.local(i)}-{self.local(o['iri'])}",
                        "directions": [{"id": d, "symbol": sym, "count": counts[d],
                                        "label": self.label(URIRef(f"{VOCAB_NS}direction/{d}"))}
                                       for d, sym in DIRECTIONS if counts[d]],
                        "studies": len({self.data.value(f, PIKG.study) for f in found} - {None}),
                        "weight": self.weight(found),
                        "empty": "not reported" if i in studied else "no study",
                        "findings": [{
                            "label": self.label(f), "href": self.href(page, f),
                            "direction": self.label(self.data.value(f, PIKG.direction)),
                            "subgroup": self.label(self.data.value(f, PIKG.subgroup))
                            if self.data.value(f, PIKG.subgroup) else "all participants",
                            "strength": self.label(self.data.value(f, PIKG.assertionStrength)),
                            "hedge": str(self.data.value(f, PIKG.hedgeWording) or ""),
                            "type": self.label(self.data.value(f, PIKG.findingType)),
                            "quote": self.label(self.data.value(f, PIKG.supportingPassage)),
                            "study": self.label(self.data.value(f, PIKG.study))
                            if self.data.value(f, PIKG.study) else "",
                        } for f in found],
                    })
            rows.append({"label": self.label(i), "href": self.href(page, i), "cells": cells})
        legend = [{"id": d, "symbol": sym, "label": self.label(URIRef(f"{VOCAB_NS}direction/{d}"))}
                  for d, sym in DIRECTIONS]
        others = [f for f in self.findings if not self.is_effect(f) and not self.is_background(f)]
        groups = [{"id": f"themes-{self.local(i)}", **vars(self.link(page, i)),
                   "findings": [self.qualitative(page, f) for f in others if i in self.concerns[f]]}
                  for i in self.interventions()]
        unattached = [self.qualitative(page, f) for f in others if not self.concerns[f]]
        if unattached:
            groups.append({"id": "themes-none", "text": "No intervention named", "href": None, "quotes": [],
                           "findings": unattached})
        background = [self.background(page, f) for f in self.findings if self.is_background(f)]
        self.render(out, page, "evidence.html", title="Evidence map", kinds=kinds, rows=rows, legend=legend,
                    groups=[g for g in groups if g["findings"]], background=background)

    def weight(self, found: list[Node]) -> str:
        """What a cell's findings rest on, as the sources state it: a review's findings say how many trials and
        participants they pool, a primary study its sample size; so one 12-person interview study never looks
        like a review of many trials. Nothing is summed: a number no source states is not shown."""
        parts = []
        for study in sorted({self.data.value(f, PIKG.study) for f in found} - {None}, key=str):
            mine = [f for f in found if self.data.value(f, PIKG.study) == study]
            counts = sorted({(int(k), int(n)) for f in mine
                             for k in self.data.objects(f, PIKG.includedStudyCount)
                             for n in self.data.objects(f, PIKG.participantCount)}, reverse=True)
            total = self.data.value(study, PIKG.sampleSize)
            if counts:
                k, n = counts[0]
                parts.append(f"a review of {k} stud{'y' if k == 1 else 'ies'}, {n:,} participants")
            elif total is not None:
                parts.append(f"{int(total):,} participants")
            else:
                parts.append("size not stated")
        return "; ".join(parts)

    @staticmethod
    def local(iri: Node) -> str:
        """The last segment of an IRI: stable, readable HTML ids (cell-ips-personal-recovery) for links."""
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def resource(self, out: Path, iri: URIRef) -> None:
        page = self.pages[iri]
        triples = sorted(self.data.predicate_objects(iri), key=lambda po: (self.label(po[0]).casefold(),
                                                                          self.label(po[1]).casefold(), str(po[1])))
        statements = [{"property": self.link(page, p), "value": self.link(page, o)} for p, o in triples
                      if p != RDF.type]
        incoming = sorted(
            ({"subject": self.link(page, s), "property": self.link(page, p)}
             for s, p in self.data.subject_predicates(iri)
             if s in self.pages and (s, RDF.type, RDF.Statement) not in self.data),
            key=lambda x: (x["subject"].text.casefold(), x["property"].text, x["subject"].href or ""),
        )
        by_source: dict[Node, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for p, _o, passage in self.statements.get(iri, []):
            source = self.data.value(passage, PIKG.inSource)
            by_source[source][str(self.data.value(passage, OA.exact))].add(self.label(p))
        sources = [{"label": self.label(s), "href": self.href(page, s),
                    "quotes": [{"text": q, "properties": ", ".join(sorted(props))}
                               for q, props in sorted(quotes.items())]}
                   for s, quotes in sorted(by_source.items(), key=lambda kv: str(kv[0]))]
        graph = new_graph()
        for p, o in triples:
            graph.add((iri, p, o))
        stem = page.removesuffix(".html")
        write_atomic(out / f"{stem}.ttl", graph.serialize(format="turtle", encoding="utf-8"))
        expanded = canonical_json(json.loads(graph.serialize(format="json-ld")))
        write_atomic(out / f"{stem}.jsonld", (json.dumps(expanded, ensure_ascii=False, indent=2) + "\n").encode())
        name = posixpath.basename(stem)
        self.render(out, page, "resource.html", title=self.label(iri), iri=str(iri),
                    types=[self.link(page, t) for t in sorted(self.data.objects(iri, RDF.type), key=str)],
                    statements=statements, incoming=incoming, sources=sources,
                    ttl=f"{name}.ttl", jsonld=f"{name}.jsonld", **self.study_parts(page, iri),
                    **self.intervention_parts(page, iri))

    def study_parts(self, page: str, iri: URIRef) -> dict[str, Any]:
        """A study's samples and data lineage: where its participants and data came from is what tells a new
        study from a re-analysis, and it is scattered over sample and data-set nodes that link to the study."""
        if (iri, RDF.type, PIKG.Study) not in self.data:
            return {"samples": [], "lineage": []}
        samples = sorted(self.data.subjects(PIKG.sampleOf, iri), key=lambda s: (self.label(s).casefold(), str(s)))
        rows = [{"sample": Link(self.label(s), self.href(page, s),
                                self.quotes(page, s, SKOS.prefLabel, self.data.value(s, SKOS.prefLabel))),
                 **{name: self.values(page, s, prop) for name, prop in (
                     ("size", PIKG.sampleSize), ("studies", PIKG.includedStudyCount),
                     ("interventions", PIKG.participatedIn), ("origin", PIKG.dataOrigin), ("dataset", PIKG.dataset))}}
                for s in samples]
        datasets = (set(self.data.objects(iri, PIKG.reanalyses)) | set(self.data.subjects(PIKG.collectedBy, iri))
                    | {d for s in samples for d in self.data.objects(s, PIKG.dataset)})
        lineage = [{"dataset": self.link(page, d), "collected": self.values(page, d, PIKG.collectedBy),
                    "reanalysed": [Link(self.label(s), self.href(page, s), self.quotes(page, s, PIKG.reanalyses, d))
                                   for s in sorted(self.data.subjects(PIKG.reanalyses, d),
                                                   key=lambda s: self.label(s).casefold())]}
                   for d in sorted(datasets, key=lambda d: (self.label(d).casefold(), str(d)))]
        return {"samples": rows, "lineage": lineage}

    def intervention_parts(self, page: str, iri: URIRef) -> dict[str, Any]:
        """An intervention's themes, barriers and facilitators, and the prior evidence sources cite about it: a
        finding that concerns all interventions of its study names none of them, so no triple links it here."""
        if (iri, RDF.type, PIKG.Intervention) not in self.data:
            return {"themes": [], "factors": [], "prior": []}
        found = self.concerning(iri)
        studied = [f for f in found if not self.is_background(f)]
        factors = []
        for role, label in FACTOR_ROLES:
            rows = [{"factor": Link(self.label(x), self.href(page, x), self.quotes(page, f, PIKG[role], x)),
                     "finding": self.link(page, f), "quote": self.passage(page, f)}
                    for f in studied for x in self.data.objects(f, PIKG[role])]
            if rows:
                factors.append({"id": role, "label": label,
                                "rows": sorted(rows, key=lambda r: (r["factor"].text.casefold(), r["finding"].text))})
        return {"themes": [self.qualitative(page, f) for f in studied if not self.is_effect(f)], "factors": factors,
                "prior": [self.background(page, f) for f in found if self.is_background(f)]}

    def index(self, out: Path) -> None:
        page = "resources.html"
        groups: dict[Node, list[URIRef]] = defaultdict(list)
        for r in self.resources:
            types = sorted(self.data.objects(r, RDF.type), key=str) or [RDFS.Resource]
            groups[types[0]].append(r)
        items = [{"id": compact(str(t)).replace(":", "-"), "label": self.label(t),
                  "members": sorted((self.link(page, r) for r in rs), key=lambda link: link.text.casefold())}
                 for t, rs in sorted(groups.items(), key=lambda kv: self.label(kv[0]).casefold())]
        self.render(out, page, "resources.html", title="All resources", groups=items)

    def ontology_page(self, out: Path) -> None:
        page = "ontology.html"
        shapes = load_shapes()
        onto = self.ontology
        classes = []
        for c in sorted(onto.subjects(RDF.type, OWL.Class), key=lambda c: str(onto.value(c, RDFS.label))):
            constraints = []
            for shape in sorted(shapes.subjects(SH.targetClass, c), key=str):
                for ps in sorted(shapes.objects(shape, SH.property), key=str):
                    rules = [f"{name} {self._term(shapes.value(ps, SH[name]))}" for name in
                             ("minCount", "maxCount", "datatype", "class", "hasValue", "pattern", "minInclusive")
                             if shapes.value(ps, SH[name]) is not None]
                    if shapes.value(ps, SH["in"]) is not None:
                        rules.append("in a concept scheme")
                    constraints.append({"path": compact(str(shapes.value(ps, SH.path))), "rules": "; ".join(rules),
                                        "message": str(shapes.value(ps, SH.message))})
                for sc in sorted(shapes.objects(shape, SH.sparql), key=str):
                    constraints.append({"path": "(rule)", "rules": "SPARQL",
                                        "message": str(shapes.value(sc, SH.message))})
            classes.append({"id": str(c)[len(ONTOLOGY_NS):], "label": str(onto.value(c, RDFS.label)),
                            "definition": str(onto.value(c, SKOS.definition)),
                            "matches": sorted(str(m) for m in onto.objects(c, SKOS.closeMatch)),
                            "constraints": constraints})
        by_path: dict[Node, list[str]] = defaultdict(list)
        for ps in shapes.subjects(RDF.type, SH.PropertyShape):
            by_path[shapes.value(ps, SH.path)].append(str(shapes.value(ps, SH.message)))
        properties = []
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for p in onto.subjects(RDF.type, kind):
                properties.append({
                    "constraints": sorted(by_path.get(p, [])),
                    "id": str(p)[len(ONTOLOGY_NS):], "label": str(onto.value(p, RDFS.label)),
                    "definition": str(onto.value(p, SKOS.definition)),
                    "domain": self._term(onto.value(p, RDFS.domain)), "range": self._term(onto.value(p, RDFS.range)),
                    "functional": (p, RDF.type, OWL.FunctionalProperty) in onto})
        properties.sort(key=lambda p: p["label"])
        schemes = []
        for s in sorted(self.data.subjects(RDF.type, SKOS.ConceptScheme), key=str):
            schemes.append({"id": str(s).rsplit("/", 1)[1], "label": self.label(s), "href": self.href(page, s),
                            "definition": str(self.data.value(s, SKOS.definition) or ""),
                            "concepts": sorted((self.link(page, c) for c in self.data.subjects(SKOS.inScheme, s)),
                                               key=lambda link: link.text.casefold())})
        header = URIRef(ONTOLOGY_NS.rstrip("#"))
        self.render(out, page, "ontology.html", title="Ontology", classes=classes, properties=properties,
                    schemes=schemes, description=str(onto.value(header, DCTERMS.description)),
                    version_iri=str(onto.value(header, OWL.versionIRI)))

    def _term(self, node: Node | None) -> str:
        return "" if node is None else compact(str(node)) if isinstance(node, URIRef) else str(node)

    def write(self, out: Path) -> None:
        """The pages, beside the release in out/download/ (see kg.pipeline.site_of)."""
        shutil.copyfile(TEMPLATES / "style.css", out / "style.css")
        self.home(out)
        self.compare(out)
        self.evidence(out)
        self.index(out)
        self.ontology_page(out)
        for iri in self.resources:
            self.resource(out, iri)


def write_pages(kg: KnowledgeGraph, out: Path, stats: Stats | None = None) -> None:
    """Write the site's pages into `out`, whose download/ folder holds kg's release already."""
    SiteBuilder(kg, stats).write(out)
