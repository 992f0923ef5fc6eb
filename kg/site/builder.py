"""The site and its lists: a home page that leads with the interventions and the sources, the source's tables as
printed, an evidence map, lists of resources by class, the ontology's documentation and a search page. The page
per resource (with its own Turtle and JSON-LD), and the labels and links every page shares, are kg/site/pages.py's.

The evidence map's cells hold effect findings only (an outcome and a direction); themes are listed below it by
intervention and background claims apart, attributed to the source citing them. Plain HTML and CSS from Jinja2
templates with autoescaping, so text from the data is always shown as text; links are relative, so the folder
works opened from disk and from any web server; nothing is fetched at view time, and the one script (search) is
progressive: without it the search page links to the lists.
"""

from __future__ import annotations

import functools
import hashlib
import json
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.base.config import ONTOLOGY_NS, VOCAB_NS, ReleaseInfo, compact, expand
from kg.model.stats import compute_stats
from kg.release.description import DESCRIPTION, checksums, distributions, schema_org_dataset
from kg.schema import DESCRIBING as SCHEMA_DESCRIBING
from kg.site.cells import entries as cell_entries
from kg.site.cells import legend as cell_legend
from kg.site.files import PageWriter
from kg.site.graph import RDF_TYPE, XSD_BOOLEAN, Lit, Term, term_key
from kg.site.pages import LABELS as LABELS  # what a node is shown by, kept as kg.site.builder.LABELS
from kg.site.pages import PAGE_HEX, PIKG, RDFS, SKOS, TEMPLATES, Link, PageBuilder, relative, script_json

LIST_PAGE = 500  # resources per page of a class's list: a list of 50,000 findings is 100 pages, not one of 8 MB
# what the search box finds, in the order its hits are ranked within a tier: interventions first
SEARCHED = ("pikg:Intervention", "pikg:InterventionComponent", "pikg:Outcome", "pikg:Measure", "pikg:Study",
            "foaf:Person", "pikg:Finding")
# the concepts a reader searches for too, by the property that uses them: who leads sessions, what arms received
SEARCHED_CONCEPTS = (("pikg:sessionsLedBy", "role"), ("pikg:receivedComparator", "comparator"))
RECOVERY_KINDS = ("personal-recovery", "clinical-recovery")
# the facts the home page's and the table page's summaries are about
DESCRIBING = tuple(f.predicate.split(":", 1)[1] for f in SCHEMA_DESCRIBING)  # local names of pikg properties
COMPARED = [(name, f.name.replace("_", " ").capitalize()) for name, f in zip(DESCRIBING, SCHEMA_DESCRIBING,
                                                                             strict=True)]


class SiteBuilder(PageBuilder):
    """The site: the pages of PageBuilder, and the home page, the tables as printed, the evidence map, the lists of
    resources by class and the search page."""

    info: ReleaseInfo | None = None  # the release's date and links (kg.release.metadata), as download/ has them

    # ------------------------------------------------------------------ the home page

    def interventions(self) -> list[str]:
        """The interventions in the order the sources' tables print them (tables by label, then each source's
        columns by position: a column is its source's, so two sources' orders never mix), then the others by
        label."""
        printed: list[str] = []
        for table in self.by_label(self.data.instances(PIKG("SourceTable"))):
            for source in self.table_sources(table):
                columns = self.ordered(table, source, "hasColumn", "columnIntervention")
                printed += [i for i in columns if isinstance(i, str) and i not in printed]
        return printed + [i for i in self.by_label(self.data.instances(PIKG("Intervention"))) if i not in printed]

    def studies_text(self, i: str) -> str:
        """How many studies evaluate i, a review with the number of studies it includes as it states it: those of
        i where it states them (its sample of i's trials), else all it includes."""
        studies = sorted(self.studies_of(i), key=term_key)
        said = []
        for s in studies:
            k = self.data.value(s, PIKG("includedStudyCount"))
            if k is None:
                continue
            own = [self.data.value(sm, PIKG("includedStudyCount")) for sm in self.data.subjects(PIKG("sampleOf"), s)
                   if self.data.has(sm, PIKG("participatedIn"), i)]
            if len(own) == 1 and own[0] is not None:
                said.append(f"a review: {int(str(own[0]))} of its {int(str(k))} studies on it")
            else:
                said.append(f"a review of {int(str(k))} stud{'y' if int(str(k)) == 1 else 'ies'}")
        return f"{len(studies)} ({'; '.join(said)})" if said else str(len(studies))

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
                         "studies": self.studies_text(i),
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
        described = schema_org_dataset(self.kg, described_files, self.info, prefix="download/")
        dataset = json.dumps(described, ensure_ascii=False, sort_keys=True)
        sources = [self.link(page, s) for s in self.by_label(self.data.instances(PIKG("SourceDocument")))]
        tables = [Link(self.label(t), f"compare.html#{self.local(t)}")
                  for t in self.by_label(self.data.instances(PIKG("SourceTable")))]
        self.render(writer, page, "index.html", title="Psychosocial Intervention Knowledge Graph",
                    description=DESCRIPTION, interventions=rows, sources=sources, tables=tables,
                    triples=stats.triples, graphs=len(stats.graphs),
                    # the classes a reader can browse (a list page each): not the reified statements or passages
                    classes=[{"name": self.label(expand(c)), "count": n, "href": href}
                             for c, n in stats.classes.items() if (href := self.list_href(page, c)) is not None],
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
        tables = [self.printed(page, t, s) for t in self.by_label(self.data.instances(PIKG("SourceTable")))
                  for s in self.table_sources(t)]
        self.render(writer, page, "compare.html", title="Compare interventions", tables=tables,
                    compared=[] if tables else self.compared(page), columns=COMPARED)

    def table_sources(self, table: str) -> list[str | None]:
        """The sources that describe the table (each states that it is one), in passage order; each prints it in
        its own order."""
        typed = self.data.passages(table, RDF_TYPE, PIKG("SourceTable"))
        return list(dict.fromkeys(self.source_of(q) for q in typed)) or [None]

    def ordered(self, table: str, source: str | None, prop: str, target: str) -> list[Term]:
        """The table's columns or rows (`prop`) as `source` gives them, by position: what each names (`target`)."""
        parts = [(int(str(self.data.value(part, PIKG("position")))), self.data.value(part, PIKG(target)))
                 for part in self.data.objects(table, PIKG(prop))
                 if any(self.source_of(q) == source for q in self.data.passages(table, PIKG(prop), part))]
        return [node for _, node in sorted(parts, key=lambda x: x[0]) if node is not None]

    def printed(self, page: str, table: str, source: str | None) -> dict[str, Any]:
        def here(s: str, p: str, o: Term) -> list[str]:
            return [q for q in self.data.passages(s, p, o) if self.source_of(q) == source]

        columns = [i for i in self.ordered(table, source, "hasColumn", "columnIntervention") if isinstance(i, str)]
        rows = [p for p in self.ordered(table, source, "hasRow", "rowProperty") if isinstance(p, str)]
        headings = {p: self.data.value(r, PIKG("rowHeading")) for r in self.data.objects(table, PIKG("hasRow"))
                    if here(table, PIKG("hasRow"), r) and isinstance(p := self.data.value(r, PIKG("rowProperty")), str)}
        footnotes: list[dict[str, Any]] = []
        heads: list[dict[str, Any]] = []
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
            # the heading as printed; a row the table prints without one says so (never the graph's property name)
            heading = headings.get(p)
            body.append({"label": str(heading) if heading is not None else "", "property": self.label(p),
                         "href": self.href(page, p), "cells": cells})
        others = []
        for i in columns:
            facts: list[dict[str, Any]] = [{"property": self.label(p), "value": Link(self.label(o), self.href(page, o)),
                      "quotes": self.quotes(page, i, p, o), "sources": sorted(
                          {self.label(self.source_of(q)) for q in self.data.passages(i, p, o)})}
                     for p in (PIKG(x) for x in DESCRIBING) for o in self.data.objects(i, p)
                     if (i, p, o) not in shown]
            if facts:
                others.append({"intervention": self.link(page, i),
                               "facts": sorted(facts, key=lambda f: (f["property"], f["value"].text.casefold()))})
        one = len(self.table_sources(table)) == 1  # a second source's version of the table: an id of its own
        return {"id": self.local(table) if one else f"{self.local(table)}-{self.local(source)}",
                "caption": self.label(table), "source": self.link(page, source),
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
        kinds: list[dict[str, Any]] = []
        for concept in (f"{VOCAB_NS}recovery-kind/{k}" for k in RECOVERY_KINDS):
            outcomes = self.by_label(self.data.subjects(PIKG("recoveryKind"), concept))
            kinds.append({"iri": concept, "label": self.label(concept), "outcomes": outcomes})
        unclassed = {o for f in effects for o in self.data.objects(f, PIKG("outcome"))} - {
            o for k in kinds for o in k["outcomes"]}
        mapped = self.curator_kinds(unclassed)  # no source classes them: a curator's mapping may place them
        for kind in kinds:
            kind["outcomes"] = kind["outcomes"] + self.by_label(o for o in mapped if mapped[o][0] == kind["iri"])
        unclassed -= set(mapped)
        if unclassed:  # an effect on an outcome no source classes as personal or clinical still has a column
            kinds.append({"label": "Not classed as personal or clinical recovery",
                          "outcomes": self.by_label(o for o in unclassed if isinstance(o, str))})
        kinds = [k for k in kinds if k["outcomes"]]
        for kind in kinds:
            kind["outcomes"] = [{"iri": o, **vars(self.link(page, o)),
                                 "mapped": mapped[o][1] if o in mapped else ""} for o in kind["outcomes"]]
            # a group whose one column says the same ("personal recovery" over "personal recovery") is one header
            kind["merged"] = len(kind["outcomes"]) == 1 and kind["outcomes"][0]["text"].casefold() == kind[
                "label"].casefold()
        findings = defaultdict(list)
        for f in effects:  # a finding on several outcomes is in each of their cells
            for i in self.concerns[f]:
                for o in self.data.objects(f, PIKG("outcome")):
                    findings[(i, o)].append(f)
        studied = {i for s in self.data.instances(PIKG("Study")) for i in self.data.objects(s, PIKG("evaluates"))}
        rows = []
        for i in self.interventions():
            row_cells: list[dict[str, Any]] = []
            for kind in kinds:
                for o in kind["outcomes"]:
                    found = sorted(findings.get((i, o["iri"]), []))
                    row_cells.append({
                        "id": f"cell-{self.local(i)}-{self.local(o['iri'])}",
                        "entries": cell_entries(self, page, found),
                        "empty": "no finding on this outcome" if i in studied else "no study of it",
                        "findings": [self.effect(page, f) for f in found],
                    })
            rows.append({"label": self.label(i), "href": self.href(page, i), "cells": row_cells})
        others = [f for f in self.findings if not self.is_effect(f) and not self.is_background(f)]
        together = Lit("true", XSD_BOOLEAN)  # a finding of all its study's interventions at once: listed once
        jointly = {f for f in others
                   if self.data.has(f, PIKG("concernsAllInterventions"), together) and len(self.concerns[f]) > 1}
        groups = [{"id": f"themes-{self.local(i)}", **vars(self.link(page, i)),
                   "findings": [self.qualitative(page, f) for f in others
                                if i in self.concerns[f] and f not in jointly]}
                  for i in self.interventions()]
        for study in sorted({s for f in jointly for s in self.data.objects(f, PIKG("study"))}, key=term_key):
            link = self.link(page, study)
            groups.append({"id": f"themes-all-{self.local(study)}", "href": link.href,
                           "text": f"All the interventions of {link.text} together (not said to hold for each)",
                           "findings": [self.qualitative(page, f) for f in sorted(jointly)
                                        if self.data.value(f, PIKG("study")) == study]})
        unattached = [self.qualitative(page, f) for f in others if not self.concerns[f]]
        if unattached:
            groups.append({"id": "themes-none", "text": "No intervention named", "href": None, "quotes": [],
                           "findings": unattached})
        background = [self.background(page, f) for f in self.findings if self.is_background(f)]
        self.render(writer, page, "evidence.html", title="Evidence map", kinds=kinds, rows=rows,
                    legend=cell_legend(self), groups=[g for g in groups if g["findings"]], background=background)

    def curator_kinds(self, outcomes: set[Term]) -> dict[str, tuple[str, str]]:
        """The kind of recovery a curator's exact or close mapping places each outcome in (through the domain's
        skos:broadMatch: CHIME's processes are personal recovery), with the domain's label; never a source's."""
        close = {f"{VOCAB_NS}mapping-predicate/{m}" for m in ("exact-match", "close-match")}
        placed: dict[str, tuple[str, str]] = {}
        for o in sorted(o for o in outcomes if isinstance(o, str)):
            for m in self.data.subjects(PIKG("mappingSubject"), o):
                domain = self.data.value(m, PIKG("mappingObject"))
                if domain is None:
                    continue
                kinds = [k for k in self.data.objects(domain, SKOS("broadMatch")) if isinstance(k, str)]
                if self.data.value(m, PIKG("mappingPredicate")) in close and len(kinds) == 1 and o not in placed:
                    placed[o] = (kinds[0], self.label(domain))
        return placed

    def effect(self, page: str, f: str) -> dict[str, Any]:
        subgroup = self.data.value(f, PIKG("subgroup"))
        return {"label": self.label(f), "href": self.href(page, f),
                "direction": "; ".join(self.label(d) for d in self.data.objects(f, PIKG("direction"))),
                "subgroup": self.label(subgroup) if subgroup is not None else "",
                "strength": self.label(self.data.value(f, PIKG("assertionStrength"))),
                "hedge": str(self.data.value(f, PIKG("hedgeWording")) or ""),
                "type": self.label(self.data.value(f, PIKG("findingType"))),
                "quote": self.passage(page, f),
                "study": self.label(self.data.value(f, PIKG("study")))}

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
        """search.html and its index: the names of interventions (every name, acronym and category), components,
        outcomes, measures, studies, persons, findings and the roles that lead sessions, with their class and page;
        a script (the only one) ranks them as the reader types: a whole name first, then a name that starts with
        the words, then a word of a name, then a category, each tier in SEARCHED's order."""
        entries = []
        kinds = [(self.data.instances(expand(c)), self.label(expand(c)).split(":")[-1].lower()) for c in SEARCHED]
        kinds += [(list(self.data.objects_of(expand(p))), kind) for p, kind in SEARCHED_CONCEPTS]
        for rank, (found, kind) in enumerate(kinds):
            for r in self.by_label(found):
                if r not in self.pages:
                    continue
                names = sorted({self.label(r)} | {str(n) for p in ("altLabel", "hiddenLabel")
                                                  for n in self.data.objects(r, SKOS(p))}
                               | {str(n) for n in self.data.objects(r, PIKG("acronym"))}
                               | {str(n) for n in self.data.objects(r, expand("foaf:name"))})
                categories = sorted({self.label(c) for p in ("dcterms:type", "pikg:broaderIntervention")
                                     for c in self.data.objects(r, expand(p))}
                                    | {str(x) for x in self.data.objects(r, SKOS("example"))})
                entries.append([self.label(r), kind, self.pages[r], "\n".join(names), "\n".join(categories), rank])
        index = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        writer.write("search-index.js", f"window.PIKG_SEARCH = {index};\n".encode())
        writer.write("search.js", (TEMPLATES / "search.js").read_bytes())
        self.render(writer, "search.html", "search.html", title="Search", count=len(entries),
                    kinds=[kind for _, kind in kinds])

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
