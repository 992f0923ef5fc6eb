"""The static site: deterministic files, every internal link resolving, data text escaped everywhere, and a
real headless browser (Debian's chromium) rendering the pages, opening evidence-map cells and taking
screenshots at a desktop's and a phone's width (written to test-artifacts/)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import urllib.request
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, ROOT, write_site
from kg.base.config import Settings
from kg.model.build import build
from kg.pipeline import site_of
from kg.site.files import MANIFEST

ARTIFACTS = ROOT / "test-artifacts"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "script":
            self.scripts.append(a.get("type") or "")


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, without its quote links, a cell's values separated by "; "."""
    fragment = re.sub(r' ?<a class="quote"[^>]*>.*?</a>', "", fragment)
    fragment = fragment.replace('</span><span class="value">', "; ")
    return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _table(page: str, opening: str) -> list[list[str]]:
    """The body rows of the table whose start tag has these attributes, as the text of each cell."""
    body = re.search(rf"<table {opening}>.*?<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _section(page: str, name: str) -> str:
    """A top-level section of a page: from its start to the next top-level section or the end of main."""
    return re.search(rf'<section aria-labelledby="{name}">(.*?)(?=<section aria-labelledby=|</main>)', page,
                     re.S).group(1)


def test_site_files(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # seven site pages, a list per class (a resource under its first class, ours first; at most 500 a page) and one
    # page per resource: every instance kg stats counts but the rdf:Statements and the passages (paragraphs of
    # their source's page), a component counted once though it is also a skos:Concept
    classes = BUNDLED["classes"]
    resources = sum(classes.values()) - sum(classes[c] for c in (
        "rdf:Statement", "pikg:CuratorStatement", "pikg:Passage", "pikg:InterventionComponent"))
    lists = sorted(p.name for p in (site / "list").glob("*.html"))
    assert len(lists) == len(classes) - 3  # every class but rdf:Statement, pikg:CuratorStatement and pikg:Passage
    assert "pikg-Finding.html" in lists and "skos-Concept.html" in lists
    assert len(pages) == 7 + len(lists) + resources
    for name in ("index.html", "compare.html", "evidence.html", "resources.html", "ontology.html", "search.html",
                 "downloads.html", "style.css", "search.js", "search-index.js"):
        assert (site / name).is_file()
    assert (site / "r" / "intervention" / "ips.ttl").is_file()
    assert not (site / "r" / "passage").exists()
    assert (site / "download" / "pikg.ttl").is_file()


def test_the_download_folder_is_the_release(kg, site: Path, tmp_path: Path) -> None:
    """download/ holds what `kg build` writes, byte for byte (one writer, one verdict)."""
    from kg.pipeline import run_pipeline

    assert run_pipeline(kg, tmp_path / "release").ok

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.name != ".pikg-output"}

    assert files(site / "download") == files(tmp_path / "release")


def _seed_table() -> tuple[list[str], list[list[str]], str, list[str]]:
    """Table 1 as the seed text gives it (one cell a line, blank lines between, a no-break space for an empty
    cell): the four column headings, the rows' cells (a row heading first, but the last row's), the footnote,
    the row headings."""
    lines = (ROOT.parent / "shared" / "seeds" / "000_965b1d08199467f9.txt").read_text(encoding="utf-8").split("\n")
    cells = [" ".join(line.split()) for line in lines[6:64] if line]  # a line of a no-break space is ""
    heads, body = cells[1:5], cells[5:]
    rows = [body[k * 5 + 1:k * 5 + 5] for k in range(4)] + [body[20:24]]
    return heads, rows, " ".join(lines[64].split()), [body[k * 5] for k in range(4)]


def test_table_1_as_the_source_prints_it(site: Path) -> None:
    """compare.html shows Table 1 as the seed text has it: the headings, the cells and the footnote, in the
    article's order; values linked inside the printed words, the table's misspelling marked [sic] beside the
    corrected name; facts from elsewhere below the table."""
    heads, rows, footnote, row_heads = _seed_table()
    html = (site / "compare.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="printed">(.*?)</table>', html, re.S).group(1)
    shown = [_text(re.sub(r'<span class="sic">.*|<span class="visually-hidden">[^<]*</span>', "", h, flags=re.S))
             for h in re.findall(r'<th scope="col">(.*?)</th>', table, re.S)]
    assert [h.replace(" a )", "a)") for h in shown] == heads  # the footnote marker is raised: "points<sup>a</sup>)"
    assert ('(Turning points</a><sup><a href="#missing-link-table-1-note-a"><span class="visually-hidden">footnote '
            '</span>a</a></sup>)') in table
    got = [[_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
           for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)]
    assert got == [[cell or "blank in the source" for cell in row] for row in rows]
    # issue 24: the row headings as the table prints them ("Principles and/or methods", not "Has component"), the
    # last row said to have none; the property each row shows beside it
    assert [_text(th) for th in re.findall(r'<tr><th scope="row">(.*?) <span class="property">', table)] == [
        *row_heads, "no heading printed"]
    assert re.findall(r'<span class="property">\(<a href="ontology.html#(\w+)">', table) == [
        "aim", "hasComponent", "hasDuration", "peerSupport", "sessionsLedBy"]
    imr = re.findall(r"<td>(.*?)</td>", re.search(r'#hasComponent">.*?</tr>', table, re.S).group(0), re.S)[0]
    assert re.findall(r'<a href="r/component/([^"]+)\.html">', imr) == [
        "curriculum-based-psychoeducation", "cognitive-behavioural-approaches-to-medication-adherence",
        "relapse-prevention", "social-skills-training", "coping-skills-training"]  # in the cell's order
    assert '<a href="r/component/curriculum-based-psychoeducation.html">Curriculum-based psychoeducation</a>' in imr
    assert table.count('<span class="sic">[sic]</span>') == 1
    assert ('(“Lean how to tackle anxiety and depression”)</span> <span class="sic">[sic]</span><br><a href="r/'
            'intervention/learn-how-to-tackle-anxiety-and-depression.html">Learn how to tackle anxiety and '
            'depression</a>') in table
    note = re.search(r'<p id="missing-link-table-1-note-a">(.*?)</p>', html, re.S).group(1)
    assert _text(re.sub(r' <a class="quote".*', "", note)) == "a " + footnote.removeprefix("1. a")  # "aTurning…"
    others = _section(html, "missing-link-table-1-others")
    ips = re.search(r'<table class="others"><caption><a href="r/intervention/ips.html">.*?</table>', others,
                    re.S).group(0)
    assert _table(ips, 'class="others"') == [
        ["delivered by", "employment specialist", "Conference abstract “Personal and clinical recovery with the "
         "individual placement and support intervention in Denmark” (2017)"],
        ["target population", "people with severe mental illness", "Conference abstract “Personal and clinical "
         "recovery with the individual placement and support intervention in Denmark” (2017); Table 1 of “The "
         "missing link” (BMC Psychology, 2021): an overview of the interventions’ aims and methods"]]


def test_every_internal_link_resolves(site: Path) -> None:
    parsed = {page: _parse(page) for page in site.rglob("*.html")}
    checked = 0
    for page, links in parsed.items():
        for link in links.links:
            if link.startswith(("http://", "https://", "data:")):
                continue
            target, _, fragment = link.partition("#")
            path = (page.parent / target).resolve() if target else page
            assert path.is_file(), f"{page.relative_to(site)}: broken link {link}"
            if fragment and path.suffix == ".html":
                assert fragment in parsed[path].ids, f"{page.relative_to(site)}: no #{fragment} in {target}"
            checked += 1
    assert checked > 3000


def test_scripts_only_where_search_runs(site: Path) -> None:
    """Everything works without JavaScript: the search page's two scripts (its index and the filter) are the only
    code; the JSON-LD of the home page (schema.org) and of each resource page (its statements) is data."""
    for page in site.rglob("*.html"):
        resource = page.relative_to(site).parts[0] in ("r", "vocab", "ext")  # its statements, as JSON-LD
        expected = {"application/ld+json"} if resource or (page.name == "index.html" and page.parent == site) else \
            {""} if page.name == "search.html" else set()
        assert set(_parse(page).scripts) == expected, page
    home = (site / "index.html").read_text(encoding="utf-8")
    dataset = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S).group(1))
    assert dataset["@type"] == "Dataset" and dataset["version"] == "0.1.0"
    search = (site / "search.html").read_text(encoding="utf-8")
    assert '<script src="search-index.js"></script>\n<script src="search.js"></script>' in search
    assert '<noscript><p>The search needs JavaScript. Without it, every resource is in the <a href="resources.html">' \
        in search
    index = json.loads((site / "search-index.js").read_text(encoding="utf-8").removeprefix(
        "window.PIKG_SEARCH = ").removesuffix(";\n"))
    assert ["Individual placement and support", "intervention", "r/intervention/ips.html",
            "IPS\nIndividual Placement and Support\nIndividual placement and support",
            "community-based intervention\nevidence-based intervention\nrecovery-oriented intervention", 0] in index
    assert ["Turning Points", "intervention", "r/intervention/turning-points.html", "Turning Points",
            "peer-led program", 0] in index  # its category, found by "peer"
    assert {kind for _, kind, *_ in index} == {"intervention", "intervention component", "study", "finding",
                                               "outcome", "measure", "person", "role", "comparator"}
    assert all((site / page).is_file() for _, _, page, *_ in index)


def test_resource_pages_carry_their_own_rdf(site: Path) -> None:
    """Each page links its statements as Turtle and embeds them as JSON-LD (the same graph); a source's page
    adds its passages, each a paragraph with an anchor that every quote link leads to."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    page = (site / "r" / "intervention" / "ips.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/turtle" href="ips.ttl">' in page
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    turtle = Graph().parse(site / "r" / "intervention" / "ips.ttl")
    # 21: three sources refer to IPS (isReferencedBy ×3) and give it three types, the abstract of The missing link
    # adding community-based intervention
    assert len(turtle) == 21 and isomorphic(turtle, Graph().parse(data=embedded, format="json-ld"))
    source = (site / "r" / "source" / "missing-link-table-1.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<article class="passage" id="(p-[0-9a-f]+)">', source)
    assert len(anchors) == len(set(anchors)) == len(
        Graph().parse(site / "r" / "source" / "missing-link-table-1.ttl").query(
            "SELECT ?p WHERE { ?p <https://w3id.org/pikg/ontology#inSource> ?s }"))
    nine = re.search(r'<blockquote><p>Nine months</p></blockquote>.*?</article>', source, re.S).group(0)
    assert [_text(li) for li in re.findall(r"<li>(.*?)</li>", nine)] == [
        "Illness management and recovery: has duration Nine months", "Nine months: duration in days 270",
        "Nine months: duration qualifier exact", "Nine months: duration text Nine months",
        "Nine months: duration value P9M", "Nine months: type duration specification"]


def test_two_runs_give_the_same_files(kg, site: Path, tmp_path: Path) -> None:
    """Byte for byte, but the manifest, which records each file's modification time (kg.site.files)."""
    again = tmp_path / "again"
    write_site(kg, again)

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}

    assert digest(again) == digest(site)
    ours, theirs = (json.loads((folder / MANIFEST).read_text(encoding="utf-8")) for folder in (site, again))
    assert {k: v[:2] for k, v in ours["files"].items()} == {k: v[:2] for k, v in theirs["files"].items()}


def test_accessibility_basics(site: Path) -> None:
    css = (site / "style.css").read_text(encoding="utf-8")

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    colours = dict(re.findall(r"--(\w+): (#[0-9a-f]{6})", css))
    for name in ("text", "muted", "link", "good", "none", "bad", "mixed"):
        for background in ("bg", "band"):
            fg, bg = luminance(colours[name]), luminance(colours[background])
            ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
            assert ratio >= 4.5, (name, background, ratio)
    for page in ("index.html", "compare.html", "evidence.html", "ontology.html", "r/intervention/ips.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert '<html lang="en">' in html and 'name="viewport"' in html
        assert html.count("<table") <= html.count("<th"), page
        assert "<img" not in html


def test_pages_render_and_evidence_cells_open(browser, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for page, heading in (("index.html", "Psychosocial Intervention Knowledge Graph"),
                          ("compare.html", "Compare interventions"), ("evidence.html", "Evidence map"),
                          ("r/study/missing-link-synthesis.html",
                           "The missing link: a qualitative synthesis of interventional studies"),
                          ("r/intervention/learn-how-to-tackle-anxiety-and-depression.html",
                           "Learn how to tackle anxiety and depression")):
        browser.set_window_size(1280, 900)
        browser.get(f"{server}/{page}")
        assert browser.find_element(By.TAG_NAME, "h1").text == heading
        name = page.removesuffix(".html").rsplit("/", 1)[-1]
        browser.save_screenshot(str(ARTIFACTS / f"site-{name}-desktop.png"))
        browser.set_window_size(390, 844)
        browser.get(f"{server}/{page}")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page} scrolls sideways at a phone's width"
        browser.save_screenshot(str(ARTIFACTS / f"site-{name}-phone.png"))
    browser.set_window_size(1280, 900)
    browser.get(f"{server}/evidence.html")
    cell = browser.find_element(By.ID, "cell-ips-personal-recovery")
    finding = cell.find_element(By.CSS_SELECTOR, "a[href$='ips-personal-recovery-result.html']")
    assert not finding.is_displayed()
    cell.find_element(By.TAG_NAME, "summary").click()
    assert finding.is_displayed()
    assert "IPS contributed to personal recovery in a number of ways" in cell.text
    assert browser.find_element(By.ID, "cell-turning-points-personal-recovery").text == "no finding on this outcome"
    browser.save_screenshot(str(ARTIFACTS / "site-evidence-open-cell.png"))
    finding.click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "IPS contributed to personal recovery"
    compare = f"{server}/compare.html"
    browser.get(compare)
    browser.find_element(By.LINK_TEXT, "Turning Points").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Turning Points"


def test_site_opens_from_disk(browser, site: Path) -> None:
    browser.get((site / "compare.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Compare interventions"
    browser.find_element(By.LINK_TEXT, "Individual placement and support").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Individual placement and support"


def test_text_from_the_data_is_escaped_everywhere(browser, tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    text = (FIXTURES / "records" / "valid" / "fixture.yaml").read_text(encoding="utf-8")
    text = text.replace("    name: Intervention X\n",
                        '    name: {value: "<script>alert(1)</script>"}\n'
                        '    aliases: [\'"><img src=x onerror=alert(2)>\']\n'
                        '    curator_note: {value: "\\"><img src=x onerror=alert(3)>"}\n')
    (records / "fixture.yaml").write_text(text, encoding="utf-8")
    kg = build(Settings.default(records, FIXTURE_SOURCES))
    out = tmp_path / "site"
    write_site(kg, out)
    page = out / "r" / "intervention" / "ix.html"
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for name in ("compare.html", "evidence.html", "resources.html"):
        assert "<script>alert" not in (out / name).read_text(encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "<script>alert(1)</script>"
    assert '"><img src=x onerror=alert(3)>' in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.TAG_NAME, "img") == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - raises when no alert was opened


def test_serve_site_serves_the_folder(server: str) -> None:
    with urllib.request.urlopen(f"{server}/index.html", timeout=5) as response:
        assert response.status == 200
        assert b"<h1>Psychosocial Intervention Knowledge Graph</h1>" in response.read()


def test_ontology_page_documents_terms_and_their_constraints(site: Path) -> None:
    html = (site / "ontology.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="durationValue">(.*?)</tr>', html, re.S).group(1)
    assert "The length of a definite or approximate duration as an xsd:duration" in row
    assert "A duration value is a single xsd:duration such as P9M (weeks written as days: P49D)." in row
    assert "(one value per source)" in row
    article = re.search(r'<article id="Intervention">(.*?)</article>', html, re.S).group(1)
    assert ("An intervention&#39;s type is a concept of the intervention-type scheme, and who leads or delivers it "
            "a concept of the provider-role scheme") in article  # a SPARQL rule's message
    assert 'href="http://humanbehaviourchange.org/ontology/BCIO_037000"' in article
    assert html.count('<article id="scheme-') == BUNDLED["classes"]["skos:ConceptScheme"]


THEMES = ["individualized-support-and-gaps", "transfer-situations-and-conditions", "transferal-gaps",
          "transferal-pathways"]  # the synthesis's qualitative findings, each about every intervention it evaluates
PATHWAYS = ("Experiential knowledge and peer-exchange made transferal pathways between the interventional context "
            "and everyday life")
GAPS = "Illness intrusiveness and uncertainty, together with environmental obstacles, generated transferal gaps"


def test_study_page_shows_its_samples_and_data_lineage(site: Path) -> None:
    """Where a study's participants and data came from, each value quoted: new interviews or re-analysed ones."""
    page = (site / "r" / "study" / "missing-link-synthesis.html").read_text(encoding="utf-8")
    assert _table(page, 'class="samples"') == [
        ["IMR participants (secondary analysis of existing interviews)", "15", "Illness management and recovery",
         "secondary analysis", "existing data set of anonymised, transcribed interviews with participants in Illness "
         "Management and Recovery"],
        ["IPS participants (secondary analysis of existing interviews)", "12", "Individual placement and support",
         "secondary analysis", "existing data set of anonymised, transcribed interviews with participants in "
         "Individual Placement and Support"],
        ["Participants in Turning Points or LTAD (new interviews)", "12",
         "Learn how to tackle anxiety and depression; Turning Points", "collected for this study", "none named"],
    ]
    samples = re.search(r'<table class="samples">.*?</table>', page, re.S).group(0)
    assert samples.count('class="value"') == samples.count('class="quote"') == 15  # every value quoted
    assert '<a class="quote" href="../source/missing-link-abstract.html#p-' in samples  # its source's paragraph
    assert '>“Illness Management and Recovery (n = 15)”</a>' in samples  # a passage's link says its words
    synthesis = "The missing link: a qualitative synthesis of interventional studies"
    assert _table(page, 'class="lineage"') == [
        ["existing data set of anonymised, transcribed interviews with participants in Illness Management and "
         "Recovery", "not reported", synthesis],
        ["existing data set of anonymised, transcribed interviews with participants in Individual Placement and "
         "Support", "not reported", synthesis],
    ]
    lineage = re.search(r'<table class="lineage">.*?</table>', page, re.S).group(0)
    # a long passage is cut in its link's text, whole in its title
    assert lineage.count('title="The material partly consists of secondary analyses of existing data sets of '
                         'anonymised, transcribed interviews">“The material partly consists of secondary analyses of '
                         'existing data sets of anonymised, t…”</a>') == 2
    denmark = (site / "r" / "study" / "ips-denmark-recovery-study.html").read_text(encoding="utf-8")
    assert _table(denmark, 'class="samples"') == [
        ["IPS participants interviewed", "12", "Individual placement and support", "not reported", "none named"]]
    assert 'id="lineage"' not in denmark  # it re-analyses no data set
    assert 'id="samples"' not in (site / "r" / "intervention" / "ips.html").read_text(encoding="utf-8")


def test_intervention_page_shows_its_themes_barriers_and_facilitators(site: Path) -> None:
    """LTAD is named by no finding: the synthesis's findings concern all the interventions it evaluates."""
    page = (site / "r" / "intervention" / "learn-how-to-tackle-anxiety-and-depression.html").read_text(
        encoding="utf-8")
    assert _table(page, 'class="factors" id="facilitators"') == [
        ["experiential knowledge", PATHWAYS, PATHWAYS + "."], ["peer-exchange", PATHWAYS, PATHWAYS + "."]]
    assert _table(page, 'class="factors" id="barriers"') == [
        [factor, GAPS, GAPS + "."] for factor in ("environmental obstacles", "illness intrusiveness", "uncertainty")]
    factors = _section(page, "factors")
    assert factors.count('class="quote"') == 5 and '<a href="../factor/peer-exchange.html">' in factors
    themes = _section(page, "themes")
    assert re.findall(r'<li><a href="\.\./finding/([^"]+)\.html">', themes) == THEMES
    assert "“could partly”" in themes and "Barriers: environmental obstacles, illness intrusiveness, uncertainty" in (
        _text(themes))
    assert 'id="prior"' not in page  # no source cites prior evidence about LTAD
    ips = (site / "r" / "intervention" / "ips.html").read_text(encoding="utf-8")
    # IPS's: the synthesis's four and the 2017 conclusion "have an impact on", which gives no direction
    assert re.findall(r'<li><a href="\.\./finding/([^"]+)\.html">', _section(ips, "themes")) == sorted(
        [*THEMES, "ips-personal-recovery-conclusion"])
    prior = _text(_section(ips, "prior"))
    assert ("The influence of IPS on recovery measures such as symptoms and self-esteem is ambiguous (background; "
            "outcome recovery measures; unclear; stated)") in prior
    assert prior.endswith("cited in Conference abstract “Personal and clinical recovery with the individual "
                          "placement and support intervention in Denmark” (2017)")
    assert "ips-recovery-measures-background" not in _section(ips, "themes")


def test_evidence_map_cells_hold_effect_findings_only(site: Path) -> None:
    """Themes are listed below the map by intervention and background claims apart: no cell counts them."""
    html = (site / "evidence.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="evidence">.*?</table>', html, re.S).group(0)
    assert re.findall(r'<td class="cell" id="([^"]+)"', table) == [
        "cell-imr-personal-recovery", "cell-imr-clinical-recovery", "cell-imr-global-functioning",
        "cell-imr-hospitalization", "cell-imr-symptoms", "cell-imr-emergency-room-visits",
        "cell-imr-outpatient-treatment", "cell-ips-personal-recovery", "cell-ips-depressive-symptoms",
        "cell-ips-psychotic-symptoms", "cell-peer-support-hope", "cell-peer-support-empowerment",
        "cell-peer-support-hospitalization", "cell-peer-support-overall-symptoms", "cell-peer-support-recovery",
        "cell-peer-support-satisfaction-with-services"]
    # issue 24: empowerment, which no source classes, is under personal recovery by a curator's mapping, marked so
    assert ('<a href="r/outcome/empowerment.html">empowerment</a> <span class="mapped">(a curator\'s mapping to '
            "empowerment (CHIME); no source classes it)</span>") in table
    # the effect findings (a finding on several outcomes is in each of their cells), neither a theme, nor the
    # background claim, nor the result that credits employment (no outcome, no direction)
    assert sorted(set(re.findall(r'href="r/finding/([^"]+)\.html"', table))) == [
        "imr-trial-emergency-room-visits-result", "imr-trial-functioning-result",
        "imr-trial-hospital-admissions-result", "imr-trial-outpatient-treatment-result",
        "imr-trial-recovery-conclusion", "imr-trial-symptoms-result", "ips-depressive-symptoms-conclusion",
        "ips-personal-recovery-result",
        "ips-psychotic-symptoms-conclusion", "ips-psychotic-symptoms-result",
        "peer-support-hope-recovery-empowerment-result", "peer-support-hospitalisation-symptoms-satisfaction-result"]
    assert "r/phenomenon/" not in table and "recovery-measures" not in table
    def cell(cell_id: str) -> str:
        return _text(re.search(rf'id="{cell_id}">(.*?)</summary>', table, re.S).group(1))

    # issue 24: a line per study, never a count of findings; design, size, comparator, time point, basis, hedge
    # and limitation visible without opening the cell; a subgroup's view said so
    assert cell("cell-ips-personal-recovery") == (
        "1 study: ▲ beneficial ❝ participants' accounts — qualitative phenomenological study, 12 participants in "
        "the study")  # its interviews (a reader's check, issue 24)
    assert cell("cell-ips-depressive-symptoms") == (  # the source credits "IPS and employment"
        "1 study: ▲ beneficial ❝ participants' accounts — qualitative phenomenological study, 12 participants in the "
        "study; “may decrease”; credited with employment (not an intervention)")
    assert cell("cell-ips-psychotic-symptoms") == (  # a subgroup's result and a conclusion about all participants
        "1 study: ● no effect ❝ participants' accounts — qualitative phenomenological study, 12 participants in the "
        "study; partly for a subgroup: participants suffering from psychotic symptoms; “does not seem to”; credited "
        "with employment (not an intervention)")
    assert cell("cell-imr-symptoms") == (  # a null trial is evidence, with its design, size, comparator and time
        "1 study: ≈ no significant difference ▣ measured — randomised controlled trial, 198 participants in the "
        "study, vs treatment as usual, time point: one-year follow-up")
    review = ("of the study's evidence: Outcomes were incompletely reported; there was high risk of bias; There was "
              "substantial variation between trials in participants' characteristics and programme content.")
    assert cell("cell-peer-support-hope") == (  # one finding, both its directions; an association, hedged
        "1 study: ▲ beneficial ◇ inconsistent (association) — meta-analysis; systematic review, a review of 18 "
        "studies, 5,597 participants in all, time point: at and beyond the end of the intervention; “some evidence”; "
        + review)  # what the review says of all its evidence weighs this finding too (a reader's check, issue 24)
    assert cell("cell-peer-support-hospitalization") == (
        "1 study: ○ little or no evidence of an effect (association) — meta-analysis; systematic review, a review of "
        "18 studies, 5,597 participants in all; limitation: From small numbers of studies in the analyses it was "
        "possible to conduct; " + review)
    legend = _text(re.search(r'<div class="legend".*?</div>', html, re.S).group(0))
    assert legend.endswith("▣ measured: a result the study measured and compared ❝ participants' accounts: what "
                           "participants said, not a measured effect")
    # a group whose one column says the same is one header; the other group spans its three columns
    head = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
    assert '<th scope="colgroup" colspan="4">personal recovery</th>' in head  # hope, agency, itself, empowerment
    assert '<th scope="colgroup" colspan="6">clinical recovery</th>' in head
    assert set(re.findall(r'<td class="gap" id="cell-imr-[^"]+"><span>([^<]+)</span>', table)) == {
        "no finding on this outcome"}  # the synthesis and the trial study IMR
    themes = _section(html, "themes")
    assert "report no effect on an outcome" not in html  # issue 24: a heading that read as null results
    groups = re.findall(r'<section class="theme-group" id="([^"]+)"(.*?)</section>', themes, re.S)
    listed = {g: re.findall(r'<li><a href="r/finding/([^"]+)\.html">', group) for g, group in groups}
    assert listed == {  # issue 24: the synthesis's four findings about its interventions together, listed once
        "themes-ips": ["ips-personal-recovery-conclusion"], "themes-all-missing-link-synthesis": THEMES,
        "themes-peer-support": ["peer-support-evidence-conclusion", "peer-support-policy-conclusion"],
        # the findings that credit employment, not an intervention
        "themes-none": ["ips-fellowship-with-colleagues-result", "ips-negative-or-depressive-symptoms-result"]}
    background = _section(html, "background")
    assert re.findall(r'<li><a href="r/finding/([^"]+)\.html">', background) == [
        "ips-recovery-measures-background", "peer-support-background"]
    assert "about Individual placement and support cited in Conference abstract “Personal and clinical recovery" in (
        _text(background))


REVIEW_TEXT = """A review of supported employment. Supported employment was studied in 3 trials with 240 participants.
Participants described a sense of belonging at work. Stigma at the workplace hindered them.
Employment was related to quality of life. Earlier work found supported employment helpful.
"""
REVIEW = """source:
  id: review
  label: A made-up review
  text_file: review.txt
  quote: "A review of supported employment."
interventions:
  supported-employment: {quote: "A review of supported employment.", name: supported employment}
outcomes:
  quality-of-life: {quote: "Employment was related to quality of life.", label: quality of life}
factors:
  stigma: {quote: "Stigma at the workplace hindered them.", label: Stigma at the workplace}
studies:
  se-review:
    quote: "A review of supported employment."
    label: {value: A review of supported employment, quote: "A review of supported employment"}
    evaluates: supported-employment
samples:
  se-trials:
    quote: "Supported employment was studied in 3 trials with 240 participants."
    label: {value: supported employment trials}
    study: se-review
    size: {value: 240, quote: "240 participants"}
    included_studies: {value: 3, quote: "3 trials"}
    interventions: supported-employment
findings:
  belonging:
    quote: "Participants described a sense of belonging at work. Stigma at the workplace hindered them."
    label: {value: A sense of belonging at work}
    type: theme
    study: se-review
    all_interventions: true
    barriers: stigma
    strength: stated
  quality-of-life-link:
    quote: "Employment was related to quality of life."
    label: Employment was related to quality of life
    type: result
    study: se-review
    interventions: supported-employment
    outcome: quality-of-life
    strength: stated
  earlier-work:
    quote: "Earlier work found supported employment helpful."
    label: Earlier work found supported employment helpful
    type: background
    interventions: supported-employment
    outcome: quality-of-life
    direction: beneficial
    strength: stated
"""


def test_pages_of_an_intervention_with_only_a_name(tmp_path: Path) -> None:
    """A review category (supported employment) has no aim, components or duration; a result without a direction
    is no effect and a background claim with one is not the review's: the map has no cell for either."""
    (tmp_path / "records").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "records" / "review.yaml").write_text(REVIEW, encoding="utf-8")
    (tmp_path / "sources" / "review.txt").write_text(REVIEW_TEXT, encoding="utf-8")
    out = tmp_path / "site"
    write_site(build(Settings.default(tmp_path / "records", tmp_path / "sources")), out)
    compare = (out / "compare.html").read_text(encoding="utf-8")
    # compare-interventions lists no category that no source describes in its columns: no table of empty cells
    assert "<table" not in compare and "No source describes an intervention's aim" in compare
    page = (out / "r" / "intervention" / "supported-employment.html").read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="\.\./finding/([^"]+)\.html">', _section(page, "themes")) == [
        "belonging", "quality-of-life-link"]
    assert _table(page, 'class="factors" id="barriers"') == [
        ["Stigma at the workplace", "A sense of belonging at work",
         "Participants described a sense of belonging at work. Stigma at the workplace hindered them."]]
    assert 'id="facilitators"' not in page
    assert _text(_section(page, "prior")).endswith("cited in A made-up review")
    evidence = (out / "evidence.html").read_text(encoding="utf-8")
    assert '<table class="evidence">' not in evidence  # no effect finding: no map of empty cells
    assert "No effect finding yet: no finding names an outcome and a direction." in evidence
    assert re.findall(r'<li><a href="r/finding/([^"]+)\.html">', _section(evidence, "themes")) == [
        "belonging", "quality-of-life-link"]
    assert re.findall(r'<li><a href="r/finding/([^"]+)\.html">', _section(evidence, "background")) == [
        "earlier-work"]
    study = (out / "r" / "study" / "se-review.html").read_text(encoding="utf-8")
    assert _table(study, 'class="samples"') == [
        ["supported employment trials", "240", "3", "supported employment", "not reported", "none named"]]
    assert 'id="lineage"' not in study


def test_the_evidence_map_weighs_a_review_as_its_source_states_it(tmp_path: Path) -> None:
    """With the synthetic review (tests/fixtures/records/review/): a review finding's cell says how many trials
    and participants it pools, a 12-person interview study's cell says 12 participants; "little or no evidence" is
    its own direction, not "no effect"; an empty cell says whether any study evaluates the intervention."""
    from conftest import bundled_plus

    records, texts = bundled_plus(tmp_path, (FIXTURES / "records" / "review" / "review-abstract.yaml",),
                                  (FIXTURE_SOURCES / "review-abstract.txt",))
    out = tmp_path / "site"
    write_site(build(Settings.default(records, texts)), out)
    table = re.search(r'<table class="evidence">.*?</table>', (out / "evidence.html").read_text(encoding="utf-8"),
                      re.S).group(0)

    def cell(cell_id: str) -> str:
        found = re.search(rf'id="{cell_id}">(.*?)</(summary|td)>', table, re.S)
        assert found, cell_id
        return _text(found.group(1))

    bias = ("of the study's evidence: Most trials were at high risk of bias for blinding of participants and "
            "personnel, and at unclear risk of bias for allocation concealment.")
    assert cell("cell-supported-employment-competitive-employment") == (
        "1 study: ▲ beneficial — systematic review, 6 studies, 1,120 participants for this finding; “probably”; "
        + bias)
    assert cell("cell-group-psychoeducation-symptoms") == (
        "1 study: ○ little or no evidence of an effect — systematic review, 5 studies, 640 participants for this "
        "finding; " + bias)
    assert cell("cell-ips-personal-recovery") == (
        "1 study: ▲ beneficial ❝ participants' accounts — qualitative phenomenological study, 12 participants in "
        "the study")  # its interviews (a reader's check, issue 24)
    assert cell("cell-ips-competitive-employment") == "no finding on this outcome"  # the review's is the category's
    assert cell("cell-group-psychoeducation-personal-recovery") == "no finding on this outcome"


def test_two_processes_write_the_pages_one_would(kg, site: Path, tmp_path: Path) -> None:
    """At scale the resource pages are shared by a process per core (kg.site.pages): the same files."""

    result, _ = site_of(kg, tmp_path / "shared", workers=2)
    assert result.ok

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}

    assert digest(tmp_path / "shared") == digest(site)
    manifest = json.loads((tmp_path / "shared" / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["files"]) == len(digest(site)) - 1  # every file but the stamp


def test_a_rebuild_keeps_unchanged_pages_and_skips_an_unchanged_site(run, tmp_path: Path) -> None:
    """`kg site` again with nothing changed builds nothing; after one record changes, the pages it does not
    touch are the previous site's files (hard links: same inode, same modification time), the others new."""
    from conftest import bundled_plus

    records, texts = bundled_plus(tmp_path)
    args = ("site", "-o", "site", "--records", str(records), "--sources", str(texts),
            "--no-progress")
    first = run(*args)
    assert first.exit_code == 0, first.output
    site = tmp_path / "site"
    ips, ltad = site / "r" / "intervention" / "ips.html", site / "r" / "intervention" / (
        "learn-how-to-tackle-anxiety-and-depression.html")
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in (ips, ltad)}
    again = run(*args)
    assert again.exit_code == 0
    files = len(json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]) + 1  # and the manifest
    assert f"Wrote {files} files" in first.output
    assert again.output == (f"site/ is up to date: its {files} files were written from these very "
                            "records, source texts and model, and none has changed since; nothing was rebuilt\n")
    assert all((p.stat().st_ino, p.stat().st_mtime_ns) == before[p][:2] for p in before)
    table = records / "missing-link-table-1.yaml"
    table.write_text(table.read_text(encoding="utf-8").replace(
        "the table's spelling kept as an alternative label.", "the table's spelling kept as another label."),
        encoding="utf-8")
    changed = run(*args)
    assert changed.exit_code == 0, changed.output
    assert (ips.stat().st_ino, ips.stat().st_mtime_ns, ips.read_bytes()) == before[ips]  # untouched: linked
    assert ltad.read_bytes() != before[ltad][2] and b"kept as another label." in ltad.read_bytes()
    (site / "index.html").write_text("edited by hand", encoding="utf-8")
    assert "Records:" in run(*args).output  # a file changed since: built again
    assert "Psychosocial Intervention Knowledge Graph" in (site / "index.html").read_text(encoding="utf-8")
    copy, home = tmp_path / "copy.html", site / "index.html"  # issue 25: a link with the page's size and time
    copy.write_bytes(home.read_bytes())
    os.utime(copy, ns=(home.stat().st_atime_ns, home.stat().st_mtime_ns))
    home.unlink()
    home.symlink_to(copy)
    assert "Records:" in run(*args).output and not home.is_symlink()


SEARCHES = {  # issue 24: a query and its first hits, a whole name first, then names that start with it
    "peer": ["peer support (intervention)", "peer support services (intervention)",
             "peer delivered mental health services (intervention)", "peer-exchange (intervention component)",
             "peer-worker (role)", "Turning Points (intervention)", "mutual peer support (intervention)",
             "Learn how to tackle anxiety and depression (intervention)"],  # the last two: peer-led programmes
    "peer-led": ["Turning Points (intervention)", "Learn how to tackle anxiety and depression (intervention)"],
    "IMR": ["Illness management and recovery (intervention)"],
    "hope": ["hope (outcome)"],
    "Eplov": ["Lene Eplov (person)", "Lene Falgaard Eplov (person)"],
    "global assessment of functioning": ["Global Assessment of Functioning (measure)"],
    "trial": ["Illness management and recovery: a randomized controlled trial in Danish community mental health "
              "centers (study)"],
    "nurses": ["mental health professional (role)"],
    "treatment as usual": ["treatment as usual (comparator)"],
}


def test_the_search_ranks_whole_names_first(browser, server: str) -> None:
    for query, first in SEARCHES.items():
        browser.get(f"{server}/search.html?q={query}")
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "search-status").text != "")
        found = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#search-results li")]
        assert found[:len(first)] == first, query


def test_the_search_box_finds_by_name(browser, server: str) -> None:
    """From any page's search box: names, other names and acronyms of interventions, components, studies,
    findings and outcomes, each result linking to its page; every word must match."""
    browser.set_window_size(1280, 900)
    browser.get(f"{server}/r/study/missing-link-synthesis.html")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("IPS")
    box.submit()
    # the submit starts a navigation and returns: wait for it (a loaded CI machine read the old URL)
    WebDriverWait(browser, 10).until(lambda b: b.current_url != f"{server}/r/study/missing-link-synthesis.html")
    assert browser.current_url == f"{server}/search.html?q=IPS"
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "search-status").text.endswith("found"))

    def results() -> list[str]:
        return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#search-results li")]

    found = results()
    assert found[0] == "Individual placement and support (intervention)"  # by its acronym, interventions first
    assert len(found) == 7 and all(f.endswith("(finding)") and "IPS" in f for f in found[1:])
    assert browser.find_element(By.ID, "search-status").text == "7 found"
    box = browser.find_element(By.ID, "site-search")
    box.clear()
    box.send_keys("exchange peer")  # every word, in any order
    assert results() == ["peer-exchange (intervention component)", "Experiential knowledge and peer-exchange made "
                         "transferal pathways between the interventional context and everyday life (finding)"]
    box.clear()
    box.send_keys("recovery personal")
    assert results() == ["personal recovery (outcome)", "Personal and clinical recovery with the individual "
                         "placement and support intervention in Denmark (study)",
                         "IPS contributed to personal recovery (finding)",
                         "IPS and employment have an impact on personal recovery (finding)",
                         "The IMR trial showed no significant effect on clinical and personal recovery at the "
                         "one-year follow-up (finding)"]
    browser.find_element(By.LINK_TEXT, "personal recovery").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "personal recovery"
    browser.get(f"{server}/search.html?q=nothing%20like%20this")
    assert browser.find_element(By.ID, "search-status").text == "Nothing found for “nothing like this”."


def test_home_page_leads_with_the_interventions(site: Path) -> None:
    """Interventions first (aim, peer support, duration, studies, findings), then the sources and the tables
    they print; the class counts and the downloads lower down, a folder of the release one line."""
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.index('id="interventions"') < html.index('id="sources"') < html.index('id="holds"') < html.index(
        'id="downloads"')
    review = "1 (a review of 18 studies)"  # issue 24: the 18-trial review was counted as one study, and no more
    assert _table(html, 'class="interventions"') == [  # in Table 1's order, then the others by name
        ["Illness management and recovery", "To help people with severe mental illness, acquire knowledge and skills "
         "to better manage their illness as well as setting and achieving personal recovery goals (and other aims)",
         "yes", "Nine months", "2", "10"],
        ["Individual placement and support", "To help people with severe mental illness obtain competitive "
         "employment", "no", "Unlimited", "2", "9"],
        ["Turning Points", "Overarching aim is to assist people with mental illness in developing skills and "
         "strategies to pursue recovery", "yes", "Approximately three months depending on the course", "1", "4"],
        ["Learn how to tackle anxiety and depression", "To help people with anxiety and depression acquire tools to "
         "gain control over their symptoms and to handle the challenges that accompany the illness. Additionally, to "
         "provide an opportunity where they can share experiences and thoughts with others in the same situation",
         "yes", "7 weeks", "1", "4"],
        *([name, "not reported", "not reported", "not reported", studies, findings] for name, studies, findings in (
            # a category's own trials where the review states them (a reader's check: not the review's 18)
            ("mutual peer support", "1 (a review: 4 of its 18 studies on it)", "0"),
            ("peer delivered mental health services", "1 (a review: 3 of its 18 studies on it)", "0"),
            ("peer support", review, "4"),
            ("peer support services", "1 (a review: 11 of its 18 studies on it)", "0")))]
    # IPS: the synthesis and the 2017 study; 10 findings: the synthesis's 4 about all its interventions and the
    # 2017 study's 6 (the background claim the 2017 abstract cites is no finding of a study here)
    assert 'Tables as the sources print them: <a href="compare.html#missing-link-table-1">' in html
    listed = _table((site / "downloads.html").read_text(encoding="utf-8"), 'class="downloads"')
    assert [row[0] for row in listed] == [p.relative_to(site / "download").as_posix()  # by path: a folder's files
                                          for p in sorted((site / "download").rglob("*")) if p.is_file()]
    for name, size, sha256 in listed:  # as the release's crate states them, and as they are
        data = (site / "download" / name).read_bytes()
        assert (size, sha256) == (f"{len(data):,} bytes", hashlib.sha256(data).hexdigest()), name
    nanopubs = next(row for row in _table(html, 'class="downloads"') if row[0] == "nanopubs/")
    assert nanopubs[1].startswith(f"{BUNDLED['classes']['pikg:Finding']} files, ")
    assert nanopubs[2] == "checksums of nanopubs/"
    assert '<th scope="row"><a href="list/pikg-Intervention.html">intervention</a></th>' in html
    # issue 24: no class a reader cannot browse (the reified statements), no local path of the curator's machine
    assert "Statement" not in html.split('id="holds"')[1].split('id="downloads"')[0]
    assert "../" not in html and "shared/seeds" not in html


def test_a_previous_site_is_a_hint_never_trusted(kg, tmp_path: Path) -> None:
    """A regression test (review of #15): a page is linked from the previous site only when that site's file is
    its own regular file, inside it, with the very bytes; a folder swapped for a link that leads out, a file
    edited with its size and time put back, or a manifest that names paths outside is never followed."""

    site = tmp_path / "site"
    assert site_of(kg, site)[0].ok
    people = site / "r" / "person"
    outside = tmp_path / "outside" / "person"
    outside.parent.mkdir()
    people.rename(tmp_path / "person.real")
    shutil.copytree(tmp_path / "person.real", outside)
    victim = outside / "elsebeth-stenager.html"
    kept = victim.stat()
    victim.write_bytes(b"S" * kept.st_size)  # same size, same time, other bytes
    os.utime(victim, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    people.symlink_to(outside, target_is_directory=True)
    edited = site / "r" / "intervention" / "ips.html"
    before = edited.stat()
    edited.write_bytes(edited.read_bytes().replace(b"Individual placement", b"Individual placemenX"))
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert site_of(kg, site)[0].ok
    page = site / "r" / "person" / "elsebeth-stenager.html"
    assert not page.parent.is_symlink() and b"SSSS" not in page.read_bytes() and page.stat().st_ino != \
        victim.stat().st_ino
    assert b"Individual placemenX" not in edited.read_bytes()  # written again, not linked
    manifest = site / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["files"]["../outside/person/elsebeth-stenager.html"] = ["", 1, 1]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    from kg.site.files import read_manifest

    assert read_manifest(site) == {}  # not a manifest we wrote


def test_headings_and_cells_as_printed_edge_cases(kg) -> None:
    """Regression tests (review of #15): a footnote marker is raised inside a heading only where the heading runs
    it into the intervention's name, else after it; a value is found in a cell's words whatever their case, even
    where case-folding changes the length of what comes before ("Straße")."""
    from kg.model.stats import compute_stats
    from kg.site.builder import SiteBuilder

    site = SiteBuilder(kg, compute_stats(kg))
    tp, coping = (kg.settings.base_iri + x for x in ("intervention/turning-points", "component/coping-skills-training"))
    site._labels.update({"x:run-in": "Peer-led program 1 (Turning pointsa)",
                         "x:plain": "Turning Points for schizophrenia",
                         "x:cell": "Straße stress and Coping Skills Training"})
    run_in = site.heading("compare.html", tp, ["x:run-in"], ["a"])
    assert (run_in["before"], run_in["mark"], run_in["after"]) == ("Peer-led program 1 (Turning points", "a", ")")
    plain = site.heading("compare.html", tp, ["x:plain"], ["a"])
    assert (plain["before"], plain["mark"], plain["after"]) == ("Turning Points for schizophrenia", "a", "")
    cell = site.cell("compare.html", "x:cell", [coping])
    assert [(part.text, part.href) for part in cell["parts"]] == [
        ("Straße stress and ", None), ("Coping Skills Training", "r/component/coping-skills-training.html")]


def test_a_graph_that_fails_stops_the_page_writers_and_writes_nothing(tmp_path: Path) -> None:
    """The resource pages are started (forked) before the release is judged: when the verdict fails, the writers
    are stopped and the temporary folder goes, the previous site untouched."""
    import multiprocessing

    from test_cli import shared_acronym

    records = tmp_path / "records"
    records.mkdir()
    for name, text in shared_acronym().items():
        (records / name).write_text(text, encoding="utf-8")
    kg = build(Settings.default(records, FIXTURE_SOURCES))
    out = tmp_path / "site"
    result, written = site_of(kg, out, workers=2)
    assert not result.ok and written == {} and not out.exists()
    assert list(tmp_path.iterdir()) == [records]  # no temporary folder left beside it
    assert multiprocessing.active_children() == []


def test_lists_read_numbers_as_numbers() -> None:
    """Regression (issue 23): a byline of twelve printed its authorships 10, 11, 12, 1, 2, …; values are ordered
    with their numbers read as numbers, case aside, whatever digits a source uses."""
    from kg.site.pages import in_order

    labels = ["author 10: Lene Eplov", "author 2: Sofie Bratberg Jensen", "Author 1: Iben Gammelgaard Nielsen",
              "author 12: Anne", "²", "review finding ٢", "review finding 10"]
    assert sorted(labels, key=in_order) == [
        "Author 1: Iben Gammelgaard Nielsen", "author 2: Sofie Bratberg Jensen", "author 10: Lene Eplov",
        "author 12: Anne", "review finding ٢", "review finding 10", "²"]


def test_an_intervention_page_answers_the_big_question(site: Path) -> None:
    """Issue 24: IMR's page says what was found on each outcome (the trial's null results with design, size,
    comparator and time point, each finding with its words), for whom and where, from the sources alone."""
    page = (site / "r" / "intervention" / "imr.html").read_text(encoding="utf-8")
    section = re.search(r'<section aria-labelledby="results">(.*?)</section>', page, re.S).group(1)
    rows = _table(section, 'class="results"')
    assert [row[:2] for row in rows] == [  # the classed outcomes first, then the others, by name
        ["clinical recovery", "clinical recovery"], ["global functioning", "clinical recovery"],
        ["hospitalization", "clinical recovery"], ["personal recovery", "personal recovery"],
        ["symptoms", "clinical recovery"], ["emergency room visits", "not classed by any source"],
        ["outpatient treatment", "not classed by any source"]]
    trial = ("≈ no significant difference ▣ measured — Illness management and recovery: a randomized controlled trial "
             "in Danish community mental health centers: randomised controlled trial, 198 participants in the study, "
             "vs treatment as usual, time point: one-year follow-up")
    assert all(row[2] == trial for row in rows)
    assert rows[1][3].startswith("No significant difference between the IMR and control groups in the Global "
                                 "Assessment of Functioning one year after the intervention: No significant")
    text = _text(section)
    assert "report no effect on an outcome" not in page  # issue 24: a heading that read as null results
    assert ("For whom: the populations of the studies that evaluate it Illness management and recovery: a randomized "
            "controlled trial in Danish community mental health centers: people with schizophrenia or bipolar "
            "disorders") in text
    assert ("Where: the settings of the studies that evaluate it Illness management and recovery: a randomized "
            "controlled trial in Danish community mental health centers: Denmark, Capital Region, community mental "
            "health centre") in text


def test_a_trials_cell_shows_its_numbers_as_printed(trial_kg, tmp_path: Path) -> None:
    """Issue 24, how well: with the made-up three-arm trial (a test fixture), the cell gives each arm's value and
    the estimate with its interval and p value as the record states them, beside the design, comparators and time
    point, the hedge and the limitation."""
    out = tmp_path / "site"
    write_site(trial_kg, out)
    html = (out / "evidence.html").read_text(encoding="utf-8")
    cell = _text(re.search(r'id="cell-peer-supported-self-management-qpr-personal-recovery">(.*?)</summary>', html,
                           re.S).group(1))
    assert cell.startswith(
        "1 study: ▲ beneficial ▣ measured (effect) — randomised controlled trial, 150 participants in the study, vs "
        "usual care; wait-list, time point: 12 months (three-arm trial); peer-supported self-management arm: 45.2 "
        "QPR score (mean, 12 months (three-arm trial)); wait-list arm: 40.1 of 44 (mean, 12 months (three-arm "
        "trial)); mean difference 5.1 (95% CI 1.2 to 9), p = 0.01; “may improve”; limitation: "), cell


def test_bidi_controls_in_a_record_reorder_only_their_own_text(tmp_path: Path) -> None:
    """Regression (issue 25's second probe): U+202E in a record was printed raw on seven pages, reversing the
    rest of each line. Every text holding a bidi control is isolated (U+2068 … U+2069) wherever it is printed, and
    escaped inside JSON in a script."""
    from kg.base.config import ReleaseInfo, Settings
    from kg.model.build import build
    from kg.pipeline import site_of

    records = tmp_path / "records"
    shutil.copytree(ROOT / "records", records)
    record = records / "ips-recovery-abstract.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("Stenager", "\u202eStenager"), encoding="utf-8")
    kg = build(Settings(records, None))
    result, files = site_of(kg, tmp_path / "site", info=ReleaseInfo("2026-12-07"))
    assert result.ok, result.summary()
    pages = {name: path.read_text(encoding="utf-8") for name, path in files.items() if name.endswith(".html")}
    showing = [name for name, text in pages.items() if "Stenager" in text]
    assert len(showing) >= 7, showing
    for name in showing:
        outside = re.sub("\u2068[^\u2068\u2069]*\u2069", "", pages[name])
        assert "\u202e" not in outside, name
        assert re.search("\u2068[^\u2068\u2069]*\u202eStenager[^\u2068\u2069]*\u2069", pages[name]) \
            or "\\u202eStenager" in pages[name], name
