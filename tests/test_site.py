"""The static site: deterministic files, every internal link resolving, data text escaped everywhere, and a
real headless browser (Debian's chromium) rendering the pages, opening evidence-map cells and taking
screenshots at a desktop's and a phone's width (written to test-artifacts/)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import urllib.request
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import BUNDLED, FIXTURE_SOURCES, FIXTURES, ROOT
from kg.base.config import Settings
from kg.model.build import KnowledgeGraph, build
from kg.pipeline import site_of
from kg.publish.serve import serve_folder

ARTIFACTS = ROOT / "test-artifacts"


def write_site(kg: KnowledgeGraph, out: Path) -> dict[str, Path]:
    """The site as `kg site` writes it: the release judged and written into download/, then the pages."""
    result, written = site_of(kg, out)
    assert result.ok, result.summary()
    return written


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    write_site(kg, out)
    return out


@pytest.fixture(scope="module")
def server(site: Path):
    httpd = serve_folder(site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    yield driver
    driver.quit()


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
    fragment = re.sub(r' ?<a class="quote"[^>]*>quote</a>', "", fragment)
    fragment = fragment.replace('</span><span class="value">', "; ")
    return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _table(page: str, opening: str) -> list[list[str]]:
    """The body rows of the table whose start tag has these attributes, as the text of each cell."""
    body = re.search(rf"<table {opening}>.*?<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _section(page: str, name: str) -> str:
    """A top-level section of a page: from its start to the next top-level section or the end of main."""
    return re.search(rf'<section aria-labelledby="{name}">(.*?)(?=<section aria-labelledby=|</main>)', page,
                     re.S).group(1)


def test_site_files(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # five site pages and one per resource: every instance kg stats counts but the rdf:Statements, a component
    # counted once though it is also a skos:Concept (for the records of 86bc007: 5 + 316, with 158 passages,
    # 70 concepts, 18 schemes, 11 findings, 7 persons, 6 authorships and mechanisms, 5 factors and outcomes, 4
    # durations, source documents, samples and interventions, 3 populations, 2 studies, articles, subgroups and
    # data sets, a place, a phenomenon and an event)
    classes = BUNDLED["classes"]
    resources = sum(classes.values()) - classes["rdf:Statement"] - classes["pikg:InterventionComponent"]
    assert len(pages) == 5 + resources
    for name in ("index.html", "compare.html", "evidence.html", "resources.html", "ontology.html", "style.css"):
        assert (site / name).is_file()
    assert (site / "r" / "intervention" / "ips.ttl").is_file()
    assert (site / "download" / "pikg.ttl").is_file()


def test_the_download_folder_is_the_release(kg, site: Path, tmp_path: Path) -> None:
    """download/ holds what `kg build` writes, byte for byte (one writer, one verdict)."""
    from kg.pipeline import run_pipeline

    assert run_pipeline(kg, tmp_path / "release").ok

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                if p.is_file() and p.name != ".pikg-output"}

    assert files(site / "download") == files(tmp_path / "release")


def test_the_comparison_table_is_the_bundled_querys_answer(kg, site: Path) -> None:
    """compare.html shows what `kg query compare-interventions` answers, each intervention a column, each value
    linked to what it names and to the passages that state it."""
    from kg.query.sparql import run_query_oxigraph
    from kg.query.store import oxigraph_store

    result = run_query_oxigraph(oxigraph_store(kg), "compare-interventions")
    html = (site / "compare.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', html)
    assert heads == [row[0] for row in result.rows]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', html)
    assert rows == ["Aim", "Components", "Duration", "Peer support", "Sessions led by", "Note"]
    ips = result.rows[heads.index("Individual placement and support")]
    for component in ips[result.columns.index("components")].split("; "):
        assert re.search(rf'<a href="r/component/[^"]+">{re.escape(component)}</a> <a class="quote"',
                         html.replace("&#39;", "'")), component
    assert html.count('class="quote"') == html.count('class="value"') > 30  # every value is quoted


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


def test_no_script_but_the_dataset_description(site: Path) -> None:
    """Everything works without JavaScript: the only script is the schema.org description (data, not code)."""
    for page in site.rglob("*.html"):
        assert set(_parse(page).scripts) <= {"application/ld+json"}, page
    home = (site / "index.html").read_text(encoding="utf-8")
    dataset = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S).group(1))
    assert dataset["@type"] == "Dataset" and dataset["version"] == "0.1.0"


def test_resource_pages_link_their_own_rdf(site: Path) -> None:
    page = (site / "r" / "intervention" / "ips.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/turtle" href="ips.ttl">' in page
    assert '<link rel="alternate" type="application/ld+json" href="ips.jsonld">' in page
    from rdflib import Graph

    graph = Graph().parse(site / "r" / "intervention" / "ips.ttl")
    # 21: three sources refer to IPS (isReferencedBy ×3) and give it three types, the abstract of The missing link
    # adding community-based intervention
    assert len(graph) == len(Graph().parse(site / "r" / "intervention" / "ips.jsonld", format="json-ld")) == 21


def test_two_runs_give_the_same_files(kg, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_site(kg, again)

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert digest(again) == digest(site)


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
    assert "“indicates”" in cell.text and "The present study indicates" in cell.text
    assert browser.find_element(By.ID, "cell-imr-personal-recovery").text == "not reported"  # the synthesis studies IMR
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
    assert '<a class="quote" href="../passage/missing-link-abstract/' in samples
    assert 'title="Illness Management and Recovery (n = 15)">quote</a>' in samples
    synthesis = "The missing link: a qualitative synthesis of interventional studies"
    assert _table(page, 'class="lineage"') == [
        ["existing data set of anonymised, transcribed interviews with participants in Illness Management and "
         "Recovery", "not reported", synthesis],
        ["existing data set of anonymised, transcribed interviews with participants in Individual Placement and "
         "Support", "not reported", synthesis],
    ]
    lineage = re.search(r'<table class="lineage">.*?</table>', page, re.S).group(0)
    assert lineage.count('title="The material partly consists of secondary analyses of existing data sets of '
                         'anonymised, transcribed interviews">quote</a>') == 2
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
    assert re.findall(r'<li><a href="\.\./finding/([^"]+)\.html">', _section(ips, "themes")) == THEMES
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
        "cell-ips-personal-recovery", "cell-ips-depressive-symptoms", "cell-ips-negative-or-depressive-symptoms",
        "cell-ips-psychotic-symptoms"]
    assert sorted(re.findall(r'href="r/finding/([^"]+)\.html"', table)) == [
        "ips-depressive-symptoms-conclusion", "ips-negative-or-depressive-symptoms-result",
        "ips-personal-recovery-conclusion", "ips-personal-recovery-result", "ips-psychotic-symptoms-conclusion",
        "ips-psychotic-symptoms-result"]  # the six effect findings, neither a theme nor the background claim
    assert "r/phenomenon/" not in table and "recovery-measures" not in table
    assert table.count('<td class="gap"') == 3 * 4  # IMR, LTAD and Turning Points have no effect finding
    cell = re.search(r'id="cell-ips-personal-recovery">(.*?)</summary>', table, re.S).group(1)
    assert _text(cell) == "▲ 2 beneficial 1 study (12 participants)"
    themes = _section(html, "themes")
    groups = re.findall(r'<section class="theme-group" id="([^"]+)"(.*?)</section>', themes, re.S)
    assert [g for g, _ in groups] == ["themes-imr", "themes-ips", "themes-learn-how-to-tackle-anxiety-and-depression",
                                      "themes-turning-points"]
    for _, group in groups:
        assert re.findall(r'<li><a href="r/finding/([^"]+)\.html">', group) == THEMES
    background = _section(html, "background")
    assert re.findall(r'<li><a href="r/finding/([^"]+)\.html">', background) == ["ips-recovery-measures-background"]
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
    table = re.search(r'<table class="evidence">.*?</table>', evidence, re.S).group(0)
    assert 'class="cell"' not in table and "r/finding/" not in table and "quality-of-life" not in table
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

    assert cell("cell-supported-employment-competitive-employment") == (
        "▲ 1 beneficial 1 study (a review of 6 studies, 1,120 participants)")
    assert cell("cell-group-psychoeducation-symptoms") == (
        "○ 1 little or no evidence of an effect 1 study (a review of 5 studies, 640 participants)")
    assert cell("cell-ips-personal-recovery") == "▲ 2 beneficial 1 study (12 participants)"
    assert cell("cell-ips-competitive-employment") == "not reported"  # the review's finding is about the category
    assert cell("cell-group-psychoeducation-personal-recovery") == "not reported"
