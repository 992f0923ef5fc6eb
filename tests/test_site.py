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


def test_site_files(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 5 + 215  # five site pages, one per resource
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
    assert len(graph) == len(Graph().parse(site / "r" / "intervention" / "ips.jsonld", format="json-ld")) == 19


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
                          ("compare.html", "Compare interventions"), ("evidence.html", "Evidence map")):
        browser.set_window_size(1280, 900)
        browser.get(f"{server}/{page}")
        assert browser.find_element(By.TAG_NAME, "h1").text == heading
        browser.save_screenshot(str(ARTIFACTS / f"site-{page.removesuffix('.html')}-desktop.png"))
        browser.set_window_size(390, 844)
        browser.get(f"{server}/{page}")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page} scrolls sideways at a phone's width"
        browser.save_screenshot(str(ARTIFACTS / f"site-{page.removesuffix('.html')}-phone.png"))
    browser.set_window_size(1280, 900)
    browser.get(f"{server}/evidence.html")
    cell = browser.find_element(By.ID, "cell-ips-personal-recovery")
    finding = cell.find_element(By.CSS_SELECTOR, "a[href$='ips-personal-recovery-result.html']")
    assert not finding.is_displayed()
    cell.find_element(By.TAG_NAME, "summary").click()
    assert finding.is_displayed()
    assert "“indicates”" in cell.text and "The present study indicates" in cell.text
    assert browser.find_element(By.ID, "cell-imr-personal-recovery").text == "gap"
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
    assert "A peer-led program must have its sessions led by peer-workers" in article
    assert 'href="http://humanbehaviourchange.org/ontology/BCIO_037000"' in article
    assert html.count('<article id="scheme-') == BUNDLED["classes"]["skos:ConceptScheme"]
