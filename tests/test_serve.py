"""`kg serve` and `kg serve-site` against the inputs of the second hostile probe (issue 25), with real servers
on loopback: deep nesting refused before it reaches Oxigraph (and the bounds safe on the real binary), a query
past its time limit stopped with its work and answered with an error (never a cut-off 200), a kept store that
holds exactly the release it serves and one server at a time, and a site folder nothing is served from but its
own files."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from test_remote import KgServe, _running, run_kg

from kg.query.sparql import HIDDEN
from kg.stores.database import LOCK, MARKER
from kg.stores.guard import RESTARTED, TIMED_OUT
from kg.stores.serve_site import serve_folder
from kg.stores.sparql_checks import MAX_LINKS, MAX_NESTING, TOO_DEEP, TOO_LONG, refusal, too_deep

SPARQL = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # the probe's: 10^15 rows


def depth(text: str) -> int:
    deepest = level = 0
    for char in HIDDEN.sub(" ", text):
        level = level + 1 if char in "{([" else max(level - 1, 0) if char in "})]" else level
        deepest = max(deepest, level)
    return deepest


def post(url: str, text: str, timeout: float = 30) -> requests.Response:
    return requests.post(f"{url}/query", data=text.encode(), timeout=timeout,
                         headers={**SPARQL, "Content-Type": "application/sparql-query"})


def count(url: str, query: str = COUNT) -> int:
    answer = requests.get(f"{url}/query", params={"query": query}, headers=SPARQL, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --- the bounds, read before a query reaches Oxigraph ------------------------------------------------------------

def test_the_bundled_queries_nest_and_chain_far_below_the_bounds() -> None:
    from kg.base.config import resource_dir

    queries = sorted(resource_dir("queries").glob("*.rq"))
    assert queries
    for path in queries:
        text = path.read_text(encoding="utf-8")
        assert refusal(text, "query") is None, path.name
        assert depth(text) * 4 <= MAX_NESTING, path.name


def test_nesting_and_chains_past_the_bounds_are_refused_with_their_reason() -> None:
    probe = "SELECT * WHERE " + "{ " * 5000 + "}" * 5000  # the probe's 5,000 nested { } (aborted Oxigraph)
    assert refusal(probe, "query") == TOO_DEEP
    assert refusal("ASK { FILTER(" + "(" * MAX_NESTING + "1" + ")" * MAX_NESTING + ") }") == TOO_DEEP
    assert refusal("ASK { FILTER(" + "(" * (MAX_NESTING - 2) + "1" + ")" * (MAX_NESTING - 2) + ") }") is None
    assert refusal("INSERT DATA { " + "[ <p:p> " * 200 + "1" + " ]" * 200 + " }", "update") == TOO_DEEP
    hidden = '"' + "(" * 500 + '" <http://x/' + "(" * 500 + "> # " + "{" * 500 + "\n"
    assert too_deep(f"SELECT * {{ ?s ?p {hidden} }}") is None  # in a string, an IRI, a comment: not brackets
    chain = "SELECT * { FILTER(" + "-".join(["1"] * (MAX_LINKS + 1)) + ") }"  # 1-1-1…: no space needed
    assert refusal(chain) == TOO_LONG.format(links=MAX_LINKS + 3)
    binds = "SELECT * {" + " BIND(1 AS ?x)" * MAX_LINKS + " }"  # each BIND, the { and the * of SELECT *
    assert refusal(binds) == TOO_LONG.format(links=MAX_LINKS + 2)
    names = "SELECT * { " + " ".join(f"?s ex:has-part-{i} _:x-{i} ." for i in range(MAX_LINKS)) + " }"
    assert too_deep(names) is None  # the - of a prefixed name or a blank node label is no operator


def test_kg_serve_refuses_the_probe_and_survives_queries_at_the_bounds(release: Path, tmp_path: Path) -> None:
    """The probe's 5,000 nested { } aborted the Oxigraph child and the server with it; it is refused with 400.
    Queries at both bounds at once, of the constructs whose every level costs Oxigraph's stack the most (FILTER
    EXISTS, CONCAT, MINUS, BIND), are answered by the same child: the bounds hold on the real binary."""
    served = KgServe(release, tmp_path)
    try:
        probe = post(served.url, "SELECT * WHERE " + "{ " * 5000 + "}" * 5000)
        assert (probe.status_code, probe.text) == (400, TOO_DEEP + "\n")
        total = count(served.url)
        levels = MAX_NESTING - 2
        at_the_bounds = [
            "SELECT * WHERE { " + "FILTER EXISTS { " * levels + "MINUS { <x:a> <x:b> ?o } " * 4000
            + "}" * levels + "}",
            "SELECT ?x WHERE { BIND(" + "CONCAT(" * levels + '"a"' + ")" * levels + " AS ?x) }",
            "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?x{i})" for i in range(MAX_LINKS // 2 - 10)) + " }",
            "SELECT ?x WHERE { BIND(" + "(" * levels + "+".join(["1"] * (MAX_LINKS - 10)) + ")" * levels
            + " AS ?x) }",
        ]
        for text in at_the_bounds:
            assert refusal(text, "query") is None
            answer = post(served.url, text)
            assert answer.status_code == 200, answer.text[:300]
        assert _running(served.oxigraph[0])  # the same child: none of them crashed it
        assert count(served.url) == total
    finally:
        served.kill_all()


# --- time: a query past its limit is stopped, and its answer is an error ------------------------------------------

def test_a_query_past_its_time_limit_is_stopped_and_answered_503(release: Path, tmp_path: Path) -> None:
    """The probe's four-way cross join kept a core busy for minutes after its client left, and a cancelled query
    answered 200 with a cut-off body. Now the client gets 503 at the limit and the child doing the work is
    killed (Oxigraph 0.5 does not stop every query it cancels) and replaced; a client that leaves early changes
    nothing. A complete answer comes with its length."""
    served = KgServe(release, tmp_path, "--timeout", "2")
    try:
        total = count(served.url)
        first = served.oxigraph[0]
        start = time.monotonic()
        answer = post(served.url, CROSS_JOIN)
        assert (answer.status_code, answer.text) == (503, TIMED_OUT.format(seconds=2) + "\n")
        assert 2 <= time.monotonic() - start < 10
        _wait_until(lambda: not _running(first))  # the work stopped with its process
        assert count(served.url) == total  # a new child serves
        streamed = post(served.url, CROSS_JOIN.replace("(COUNT(*) AS ?n)", "*"))  # rows as they come: held
        assert (streamed.status_code, streamed.text) == (503, TIMED_OUT.format(seconds=2) + "\n")
        with pytest.raises(requests.exceptions.ReadTimeout):  # the client leaves after half a second
            post(served.url, CROSS_JOIN, timeout=0.5)
        second = _oxigraph_of(served)
        _wait_until(lambda: not _running(second))
        whole = requests.get(f"{served.url}/query", params={"query": COUNT}, headers=SPARQL, timeout=30)
        assert whole.headers["Content-Length"] == str(len(whole.content))
        assert json.loads(whole.content)["results"]["bindings"][0]["n"]["value"] == str(total)
        lines = _lines(served, 3)
        assert lines == ["Restarted Oxigraph: a query ran past the time limit of 2 s"] * 3
    finally:
        served.kill_all()


def test_queries_cut_by_a_restart_are_told_to_send_again_and_a_dead_child_is_restarted(release: Path,
                                                                                      tmp_path: Path) -> None:
    served = KgServe(release, tmp_path, "--timeout", "3")
    try:
        total = count(served.url)
        answers: dict[str, requests.Response] = {}
        slow = threading.Thread(target=lambda: answers.update(slow=post(served.url, CROSS_JOIN)))
        slow.start()
        time.sleep(1)
        answers["bystander"] = post(served.url, CROSS_JOIN.replace("COUNT(*)", "COUNT(DISTINCT ?a)"))
        slow.join()
        assert (answers["slow"].status_code, answers["slow"].text) == (503, TIMED_OUT.format(seconds=3) + "\n")
        assert (answers["bystander"].status_code, answers["bystander"].text) == (503, RESTARTED + "\n")
        assert _lines(served, 1) == ["Restarted Oxigraph: a query ran past the time limit of 3 s"]
        _wait_until(lambda: _answers(served.url))  # the new child is up (one killed as it starts ends kg serve)
        os.kill(_oxigraph_of(served), signal.SIGKILL)  # as a crash would end it
        assert _lines(served, 1) == ["Restarted Oxigraph: it stopped (exit -9): no message"]
        _wait_until(lambda: _answers(served.url))
        assert count(served.url) == total
    finally:
        served.kill_all()


def _oxigraph_of(served: KgServe) -> int:
    from test_remote import _children

    found: list[list[int]] = []

    def one() -> bool:
        found.append(_children(served.process.pid))
        return len(found[-1]) == 1

    _wait_until(one)
    return found[-1][0]


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _lines(served: KgServe, n: int) -> list[str]:
    """The next n lines kg serve printed after its banner (read in a thread: a pipe's buffered reader may already
    hold them, which select() would not see)."""
    out = served.process.stdout
    assert out is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(out.readline().decode().rstrip("\n") for _ in range(n)),
                              daemon=True)
    reader.start()
    reader.join(15)
    assert not reader.is_alive(), lines
    return lines


def _wait_until(condition: Callable[[], bool], seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


# --- a kept store: exactly the release it serves, one server at a time -----------------------------------------

def _smaller_release(release: Path, folder: Path) -> Path:
    """A release of the first half of the bundled release's statements (another release, as far as the store
    can tell)."""
    folder.mkdir()
    lines = (release / "pikg.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "pikg.nq").write_text("".join(lines[:len(lines) // 2]), encoding="utf-8")
    shutil.copy(release / "ontology.ttl", folder)
    return folder


def _quads(release: Path) -> int:
    store = ox.Store()
    store.load(path=str(release / "pikg.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(path=str(release / "ontology.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:o"))
    return len(store)


def test_a_kept_store_holds_exactly_the_release_it_serves(release: Path, tmp_path: Path) -> None:
    """The probe: `--store D` with a second release added it to the first (old IRIs still answered)."""
    kept, other = tmp_path / "kept", _smaller_release(release, tmp_path / "other")
    left_out = (release / "pikg.nq").read_text(encoding="utf-8").splitlines()[-1].split(" ")[0]
    ask = f"ASK {{ GRAPH ?g {{ {left_out} ?p ?o }} }}"
    for folder, holds in ((release, True), (other, False)):
        served = KgServe(folder, tmp_path, "--store", str(kept))
        try:
            assert count(served.url) == _quads(folder)
            answer = requests.get(f"{served.url}/query", params={"query": ask}, headers=SPARQL, timeout=10)
            assert answer.json()["boolean"] is holds
            assert served.stop(signal.SIGTERM) == 0
        finally:
            served.kill_all()
    database = (kept / "oxigraph").stat().st_ino
    served = KgServe(other, tmp_path, "--store", str(kept))  # the same release again: served as it was left
    try:
        assert (kept / "oxigraph").stat().st_ino == database
        assert count(served.url) == _quads(other)
    finally:
        served.kill_all()
    assert sorted(p.name for p in kept.iterdir()) == [MARKER, LOCK, "oxigraph"]


def test_a_second_server_on_a_store_exits_2_and_a_killed_one_leaves_it_free(release: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    first = KgServe(release, tmp_path, "--store", str(kept))
    try:
        code, output, _ = run_kg("serve", "--release", str(release), "--store", str(kept), "--port", "0")
        assert (code, output) == (2, f"error: --store {kept}: another kg serve is serving this store (it holds "
                                     f"{LOCK}); stop it first, or give another --store\n")
        assert first.stop(signal.SIGKILL) == -signal.SIGKILL  # no handler runs: the kernel drops the lock
    finally:
        first.kill_all()
    second = KgServe(release, tmp_path, "--store", str(kept))
    try:
        assert count(second.url) == _quads(release)
    finally:
        second.kill_all()


# --- kg serve-site: nothing but the site folder's own files --------------------------------------------------------

def test_serve_site_serves_nothing_from_outside_its_folder(tmp_path: Path) -> None:
    """The probe: a link in the site folder served /etc/passwd."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s3cret outside the site\n")
    site = tmp_path / "site"
    (site / "r").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>\n")
    (site / "r" / "page.html").write_text("<p>page</p>\n")
    (site / "passwd").symlink_to("/etc/passwd")
    (site / "secret.txt").symlink_to(outside / "secret.txt")
    (site / "out").symlink_to(outside)
    (site / "up").symlink_to("..")
    (site / "inside.html").symlink_to("r/page.html")
    (site / "r" / "home.html").symlink_to("../index.html")
    httpd = serve_folder(site)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        seen = {}
        for path in ("/index.html", "/inside.html", "/r/home.html", "/passwd", "/secret.txt", "/out/secret.txt",
                     "/out/", "/up/outside/secret.txt", "/../outside/secret.txt", "/r/../../outside/secret.txt",
                     "/%2e%2e/outside/secret.txt", "/missing.html"):
            connection = http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=10)
            connection.request("GET", path)
            answer = connection.getresponse()
            seen[path] = (answer.status, answer.read())
            connection.close()
        assert {p: s for p, (s, _) in seen.items()} == {
            "/index.html": 200, "/inside.html": 200, "/r/home.html": 200, "/passwd": 404, "/secret.txt": 404,
            "/out/secret.txt": 404, "/out/": 404, "/up/outside/secret.txt": 404, "/../outside/secret.txt": 404,
            "/r/../../outside/secret.txt": 404, "/%2e%2e/outside/secret.txt": 404, "/missing.html": 404}
        assert seen["/inside.html"][1] == b"<p>page</p>\n" and seen["/r/home.html"][1] == b"<h1>home</h1>\n"
        refused = {body for status, body in seen.values() if status == 404}
        assert refused == {seen["/missing.html"][1]}  # the same page as a missing file: it tells nothing
        assert b"outside" not in seen["/missing.html"][1] and str(tmp_path).encode() not in seen["/passwd"][1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_readme_and_the_help_state_the_bounds_kg_serve_keeps() -> None:
    from click.testing import CliRunner

    from kg.base.config import resource_dir
    from kg.cli import cli

    readme = " ".join((resource_dir("records").parent / "README.md").read_text(encoding="utf-8").split())
    shown = " ".join(CliRunner().invoke(cli, ["serve", "--help"], terminal_width=1000).output.split())
    for text in (readme, shown):
        assert f"deeper than {MAX_NESTING} levels" in text
        assert f"more than {MAX_LINKS:,}" in text


def test_a_store_served_read_write_is_never_replaced_by_another_release(tmp_path: Path) -> None:
    """Its updates are no release's: serving another release into it would discard them without a word (a fresh
    read of issue 25's work). The same release is served again; another is refused, the store left as it was."""
    from kg.base.errors import InputError
    from kg.stores.database import kept_store

    releases = []
    for n in (1, 2):
        release = tmp_path / f"release-{n}"
        release.mkdir()
        (release / "pikg.nq").write_text(f"<urn:a> <urn:b> <urn:c{n}> .\n")
        (release / "ontology.ttl").write_text("")
        releases.append(release)

    def load(target: Path) -> None:
        (target / "data").write_text("loaded\n")

    store = tmp_path / "store"
    with kept_store(store, releases[0], load, read_write=True) as database:
        (database / "data").write_text("updated\n")  # what an update through the server would do
    with kept_store(store, releases[0], load) as database:
        assert (database / "data").read_text() == "updated\n"
    with pytest.raises(InputError) as refused:
        with kept_store(store, releases[1], load):
            pass
    assert str(refused.value) == (
        f"--store {store}: it holds another release, served with --read-write, so it may hold updates that no "
        "release has, which serving this release would discard; give another --store, or remove the folder to "
        "start again from this release")
    assert (store / "oxigraph" / "data").read_text() == "updated\n"
    with kept_store(tmp_path / "other", releases[1], load) as database:  # a read-only store is replaced
        pass
    with kept_store(tmp_path / "other", releases[0], load) as database:
        assert (database / "data").read_text() == "loaded\n"
