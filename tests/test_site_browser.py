"""Every kind of page of the static site, in Debian's chromium (issue 15, items 5 and 6): it fits a phone (no
sideways scrolling at 390 px: wide tables scroll inside their own box) and axe-core, the automated accessibility
checker, finds no serious or critical violation at a desktop's and a phone's width.

axe-core comes from npm, pinned and installed into .cache/axe-core/ by scripts/browser.sh (as chromium is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver

from conftest import ROOT

AXE = ROOT / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = (390, 844), (1280, 900)
BLOCKING = ("serious", "critical")  # axe's two highest impacts (of four: "moderate" and "minor" do not fail)

# Each kind of page and where the site writes it; the largest file a glob matches is checked (the one with the
# most rows, the likeliest to overflow). A kind whose glob matches nothing fails its case: no kind leaves silently.
KINDS: dict[str, str] = {
    "home": "index.html",
    "compare": "compare.html",
    "evidence": "evidence.html",
    "resources": "resources.html",
    "ontology": "ontology.html",
    "intervention": "r/intervention/*.html",
    "duration": "r/intervention/*/duration/*.html",
    "component": "r/component/*.html",
    "study": "r/study/*.html",
    "sample": "r/sample/*.html",
    "data-set": "r/dataset/*.html",
    "finding": "r/finding/*.html",
    "outcome": "r/outcome/*.html",
    "factor": "r/factor/*.html",
    "mechanism": "r/mechanism/*.html",
    "population": "r/population/*.html",
    "subgroup": "r/subgroup/*.html",
    "phenomenon": "r/phenomenon/*.html",
    "source": "r/source/*.html",
    "publication": "r/publication/*.html",
    "authorship": "r/publication/*/author/*/*.html",
    "person": "r/person/*.html",
    "place": "r/place/*.html",
    "event": "r/event/*.html",
    "concept-scheme": "vocab/*.html",
    "concept": "vocab/*/*.html",
    "search": "search.html",
    "downloads": "downloads.html",
    "class-list": "list/*.html",
    "source-table": "r/table/*.html",
    "table-column": "r/table/*/column/*/*.html",
    "table-row": "r/table/*/row/*/*.html",
}
# Pages no glob above matches (a search page, listings per class, a new kind of resource), checked in a case of
# their own: each top-level one and the largest in each other folder.
FURTHER = "further-pages"

# axe's violations, each as [rule id, impact, nodes, help, the first targets]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  result => done(result.violations.map(v => [v.id, v.impact, v.nodes.length, v.help,
                                             v.nodes.slice(0, 4).map(n => n.target.join(' '))])),
  error => done(String(error)));
"""
# the page's width, the viewport's, and the innermost elements sticking out furthest on the right (not those
# inside a box that scrolls), each with its parent and nearest named ancestor: what to fix
MEASURE = """
const view = window.innerWidth;
const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                  (e.classList.length ? '.' + [...e.classList].join('.') : '') +
                  (e.hasAttribute('aria-labelledby') ? `[aria-labelledby=${e.getAttribute('aria-labelledby')}]` : '');
const scrolls = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                         if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
const out = [...document.body.querySelectorAll('*')]
  .map(e => [e, e.getBoundingClientRect().right])
  .filter(([e, right]) => right > view + 0.5 && ![...e.children].some(c => c.getBoundingClientRect().right >= right)
                          && !scrolls(e))
  .sort((a, b) => b[1] - a[1]).slice(0, 3)
  .map(([e, right]) => { const a = e.parentElement.parentElement?.closest('[id], [aria-labelledby]');
                         return (a ? name(a) + ' … ' : '') + name(e.parentElement) + ' > ' + name(e) + ' to ' +
                                Math.round(right) + ' px'; });
return [document.documentElement.scrollWidth, view, out];
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe.min.js from the local npm folder: nothing is fetched at test time."""
    assert AXE.is_file(), f"axe-core is missing ({AXE.relative_to(ROOT)}): run scripts/browser.sh"
    return AXE.read_text(encoding="utf-8")


def _largest(site: Path, pattern: str) -> Path | None:
    found = sorted(site.glob(pattern), key=lambda p: (-p.stat().st_size, p.as_posix()))
    return found[0] if found else None


def _further(site: Path) -> list[Path]:
    """The pages no glob of KINDS matches: each top-level one, and the largest in each other folder (download/
    holds the release, not pages)."""
    known = {page for pattern in KINDS.values() for page in site.glob(pattern)}
    folders: dict[Path, list[Path]] = {}
    for page in sorted(site.rglob("*.html")):
        if page not in known and "download" not in page.relative_to(site).parts:
            folders.setdefault(page if page.parent == site else page.parent, []).append(page)
    return [max(pages, key=lambda p: (p.stat().st_size, p.as_posix())) for _, pages in sorted(folders.items())]


def _pages(site: Path, kind: str) -> list[Path]:
    """The page(s) a test case checks: the largest of its kind, or every further page."""
    if kind == FURTHER:
        return _further(site)
    page = _largest(site, KINDS[kind])
    assert page is not None, f"the site has no {kind} page (nothing matches {KINDS[kind]})"
    return [page]


def _open(browser: webdriver.Chrome, server: str, site: Path, page: Path, size: tuple[int, int]) -> None:
    browser.set_window_size(*size)
    browser.get(f"{server}/{page.relative_to(site).as_posix()}")


def test_the_site_has_every_kind_of_page(site: Path) -> None:
    """Each kind's glob matches a page; a kind that disappears or moves fails here as well as in its own cases."""
    found = {kind for kind, pattern in KINDS.items() if _largest(site, pattern) is not None}
    assert sorted(set(KINDS) - found) == []
    assert len(found) == len(KINDS) == 32


@pytest.mark.parametrize("kind", [*KINDS, FURTHER])
def test_page_fits_a_phone(kind: str, site: Path, server: str, browser: webdriver.Chrome) -> None:
    """At 390 px nothing scrolls sideways but a wide table in its own box: the page is no wider than the
    viewport."""
    problems = []
    for page in _pages(site, kind):
        _open(browser, server, site, page, PHONE)
        width, view, sticking_out = browser.execute_script(MEASURE)
        assert view == PHONE[0], f"chromium gave a {view} px viewport, not {PHONE[0]} px: the measure means nothing"
        if width > view:
            problems.append(f"{page.relative_to(site)} is {width} px wide in a {view} px viewport "
                            f"(sticking out: {', '.join(sticking_out)})")
    assert problems == [], "\n".join(problems)


def _violations(browser: webdriver.Chrome, axe_source: str) -> list[list[Any]]:
    browser.execute_script(axe_source)
    result = browser.execute_async_script(RUN_AXE)
    assert isinstance(result, list), f"axe failed: {result}"
    return result


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("kind", [*KINDS, FURTHER])
def test_page_has_no_serious_accessibility_violation(kind: str, size: tuple[int, int], site: Path, server: str,
                                                     browser: webdriver.Chrome, axe_source: str) -> None:
    """axe-core finds no serious or critical violation of WCAG (contrast, names, table headers, landmarks…)."""
    problems = []
    for page in _pages(site, kind):
        _open(browser, server, site, page, size)
        for rule, impact, count, text, targets in _violations(browser, axe_source):
            if impact in BLOCKING:
                problems.append(f"{page.relative_to(site)} at {size[0]}x{size[1]}: {rule} ({impact}, {count} "
                                f"element(s)): {text}; e.g. {' | '.join(targets)}")
    assert problems == [], "\n".join(problems)


# the words of the table cells that the layout broke across two lines (issue 24: "Individual placemen|t"): each
# word of each text node in a cell, measured as a range; a word longer than its whole box (an IRI) may break
CUT_WORDS = """
const cut = [];
for (const cell of document.querySelectorAll('th, td')) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;  // inside a closed <details>: not laid out for reading
    const box = node.parentElement.getBoundingClientRect().width;
    for (const match of node.data.matchAll(/[^\\s\\-\u2010\u2013\u2014\\/]+[-\u2010\u2013\u2014\\/]?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index); range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (rects.length > 1 && range.getBoundingClientRect().width < box) {
        cut.push(match[0] + ' (' + rects.map(r => Math.round(r.left) + '+' + Math.round(r.width)).join(', ') + ' in ' +
                 Math.round(box) + ' ' + node.parentElement.tagName + '.' + node.parentElement.className + ': ' +
                 node.data.slice(0, 60) + ')');
      }
    }
  }
}
return cut;
"""
# every scroll box whose table is wider than the box: whether its background draws the edge shadows
WIDE_BOXES = """
return [...document.querySelectorAll('.scroll')].filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1)
  .map(b => [b.getAttribute('aria-label'), getComputedStyle(b).backgroundImage.includes('radial-gradient')]);
"""


@pytest.mark.parametrize("kind", ["home", "compare", "evidence", "intervention", "study"])
def test_no_word_is_cut_and_a_wide_table_shows_it_scrolls(kind: str, site: Path, server: str,
                                                           browser: webdriver.Chrome) -> None:
    """Issue 24: at 390 px, no word of a table cell is broken across lines, and a table wider than its box draws a
    shadow at the edge beyond which it continues."""
    for page in _pages(site, kind):
        _open(browser, server, site, page, PHONE)
        assert browser.execute_script(CUT_WORDS) == [], page.relative_to(site)
        assert all(shadowed for _, shadowed in browser.execute_script(WIDE_BOXES)), page.relative_to(site)


def test_table_1_is_a_card_per_intervention_on_a_phone(site: Path, server: str, browser: webdriver.Chrome) -> None:
    """Issue 24: at 390 px Table 1 is read as a card per intervention (its row headings and cells), not a table
    four columns wide; at a desktop's width, the table as printed."""
    page = site / "compare.html"
    _open(browser, server, site, page, PHONE)
    cards = browser.find_elements("css selector", ".cards .card")
    assert [c.find_element("css selector", "h3").text.split(" (printed")[0] for c in cards] == [
        "Illness management and recovery", "Individual placement and support", "Turning Points",
        "Learn how to tackle anxiety and depression"]
    assert [dt.text for dt in cards[0].find_elements("css selector", "dt")] == [
        "Aim", "Principles and/or methods", "Duration", "Peer-support", "no heading printed"]
    assert not browser.find_element("css selector", ".printed-box").is_displayed()
    _open(browser, server, site, page, DESKTOP)
    assert browser.find_element("css selector", ".printed-box").is_displayed()
    assert not browser.find_element("css selector", ".cards").is_displayed()
