"""Hostile inputs for the remote commands (`kg query --endpoint`, `kg publish`, `kg serve`): bad timeouts, URLs
that are not http(s) or that parsers cannot read (an unclosed IPv6 bracket, a password with an unencoded / ? #),
unreachable endpoints with many retries (time bound), credentials that must not be printed, damaged release
folders. No case needs a server: the unreachable one is port 9 on loopback (discard,
closed on any ordinary machine); servers that hang, echo credentials or answer nonsense are in
tests/test_remote.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from case import INPUTS, Case

REMOTE = INPUTS / "remote"
CLOSED = "http://127.0.0.1:9"
QUERY = ("query", "compare-interventions", "--endpoint")


def release(nq: str | None = "good.nq", ontology: str | None = "ontology.ttl") -> Callable[[Path], None]:
    """A setup that writes a small release folder at ws/keep/release from the inputs (None: the file is left
    out)."""
    def setup(ws: Path) -> None:
        folder = ws / "keep" / "release"
        folder.mkdir(parents=True)
        if nq:
            shutil.copy(REMOTE / nq, folder / "pikg.nq")
        if ontology:
            shutil.copy(REMOTE / ontology, folder / "ontology.ttl")

    return setup


def tmpdir(ws: Path) -> None:
    (ws / "tmp").mkdir()


def no_database_left(ws: Path) -> None:
    left = sorted(p.name for p in (ws / "tmp").glob("pikg-oxigraph-*"))
    assert left == [], left


def publish(*args: str) -> tuple[str, ...]:
    return ("publish", "--release", "{ws}/keep/release", *args)


CASES: list[Case] = [
    # --timeout is a positive number of seconds
    Case("remote-query-timeout-zero", (*QUERY, f"{CLOSED}/query", "--timeout", "0"), 2,
         ("invalid value for '--timeout'", "0<x<=86400")),
    Case("remote-query-timeout-negative", (*QUERY, f"{CLOSED}/query", "--timeout", "-1"), 2,
         ("invalid value for '--timeout'",)),
    Case("remote-query-timeout-nan", (*QUERY, f"{CLOSED}/query", "--timeout", "nan"), 2,
         ("invalid value for '--timeout'", "number of seconds")),
    Case("remote-query-timeout-inf", (*QUERY, f"{CLOSED}/query", "--timeout", "inf"), 2,
         ("invalid value for '--timeout'",)),
    Case("remote-query-timeout-text", (*QUERY, f"{CLOSED}/query", "--timeout", "soon"), 2,
         ("invalid value for '--timeout'",)),
    Case("remote-publish-timeout-zero", publish("--endpoint", f"{CLOSED}/store", "--timeout", "0"), 2,
         ("invalid value for '--timeout'",), setup=release()),
    Case("remote-publish-retries-eleven", publish("--endpoint", f"{CLOSED}/store", "--retries", "11"), 2,
         ("invalid value for '--retries'",), setup=release()),
    # unreachable endpoints: within the timeout, retries included, and said as it is
    Case("remote-publish-retries-10-closed-port", publish("--endpoint", f"{CLOSED}/store", "--retries", "10",
                                                          "--timeout", "2"), 2,
         ("connection refused by 127.0.0.1:9", "is the server running", "gave up after"),
         setup=release(), seconds=6),
    Case("remote-query-closed-port", (*QUERY, f"{CLOSED}/query", "--timeout", "1.5"), 2,
         ("POST http://127.0.0.1:9/query: connection refused by 127.0.0.1:9",), seconds=6),
    Case("remote-query-dns-failure", (*QUERY, "http://nonexistent.invalid/query", "--timeout", "3"), 2,
         ("cannot resolve the host name nonexistent.invalid",), seconds=8),
    # credentials never printed
    Case("remote-password-in-query-url", (*QUERY, "http://admin:hunter2@127.0.0.1:9/query", "--timeout", "1"), 2,
         ("http://admin:***@127.0.0.1:9/query", "connection refused"), absent=("hunter2",), seconds=6),
    Case("remote-password-in-publish-url", publish("--endpoint", "http://admin:hunter2@127.0.0.1:9/store",
                                                   "--retries", "0"), 2,
         ("POST http://admin:***@127.0.0.1:9/update",), setup=release(), absent=("hunter2",)),
    Case("remote-token-as-url-user", (*QUERY, "http://tok-hostile-5ecret@127.0.0.1:9/query", "--timeout", "1"), 2,
         ("http://***@127.0.0.1:9/query",), env={"KG_ENDPOINT_TOKEN": "tok-hostile-5ecret"},
         absent=("tok-hostile-5ecret", "5ecret"), seconds=6),
    Case("remote-env-password-in-url-query", (*QUERY, "http://127.0.0.1:9/query?pw=pa55-hostile", "--timeout", "1"),
         2, ("connection refused",), env={"KG_ENDPOINT_USER": "curator", "KG_ENDPOINT_PASSWORD": "pa55-hostile"},
         absent=("pa55-hostile",), seconds=6),
    Case("remote-token-with-line-break", (*QUERY, f"{CLOSED}/query", "--timeout", "2"), 2,
         ("a credential holds a line break",), env={"KG_ENDPOINT_TOKEN": "tok-line\nInjected: yes"},
         absent=("tok-line", "Injected")),
    Case("remote-password-in-bad-url", (*QUERY, "ftp://admin:hunter2@127.0.0.1/query"), 2,
         ("ftp://admin:***@127.0.0.1/query", "not an http:// or https:// URL"), absent=("hunter2",)),
    # a URL parsers cannot read is one line, its password masked (no "Invalid IPv6 URL" traceback)
    Case("remote-query-ipv6-unclosed-with-password", (*QUERY, "http://admin:hunter2@[::1:9912/x"), 2,
         ("http://admin:***@[::1:9912/x: not a valid URL", "must be an IPv6 address"), absent=("hunter2",)),
    Case("remote-publish-ipv6-unclosed", publish("--endpoint", "http://[::1"), 2,
         ("http://[::1: not a valid URL",), setup=release()),
    Case("remote-endpoint-bracketed-name", (*QUERY, "http://[hello]:7878/query"), 2, ("not a valid URL",)),
    # a password with an unencoded / ? or # ends the authority early for every parser: refused, never echoed
    *(Case(f"remote-password-with-{name}", (*QUERY, f"http://admin:hun{ch}ter2@127.0.0.1:9912/x"), 2,
           ("http://admin:***@127.0.0.1:9912/x", "an @ after the host", "%2F %3F %23 %40"),
           absent=("ter2", f"hun{ch}"))
      for name, ch in (("slash", "/"), ("question-mark", "?"), ("hash", "#"))),
    Case("remote-publish-password-with-slash", publish("--endpoint", "http://admin:hun/ter2@127.0.0.1:9/store"), 2,
         ("http://admin:***@127.0.0.1:9/store", "an @ after the host"), setup=release(), absent=("ter2", "hun/")),
    Case("remote-token-with-slash-as-url-user", (*QUERY, "http://tok/en-5ecret@127.0.0.1:9/query"), 2,
         ("http://***@127.0.0.1:9/query", "an @ after the host"), absent=("5ecret", "tok/")),
    Case("remote-endpoint-port-zero", (*QUERY, "http://127.0.0.1:0/query"), 2,
         ("the port is not a number from 1 to 65535",)),
    # endpoints are http(s) URLs, nothing else
    Case("remote-endpoint-file-url", (*QUERY, "file:///etc/passwd"), 2,
         ("file:///etc/passwd: not an http:// or https:// URL",), absent=("root:",)),
    Case("remote-endpoint-without-scheme", (*QUERY, "127.0.0.1:7878/query"), 2, ("not an http:// or https:// URL",)),
    Case("remote-endpoint-host-port-only", (*QUERY, "localhost:7878"), 2, ("not an http:// or https:// URL",)),
    Case("remote-endpoint-empty", (*QUERY, ""), 2, ("not a url",)),
    Case("remote-endpoint-bad-port", (*QUERY, "http://127.0.0.1:99999/query"), 2,
         ("the port is not a number from 1 to 65535",)),
    Case("remote-endpoint-no-host", (*QUERY, "http:///query"), 2, ("no host name",)),
    Case("remote-endpoint-control-characters", (*QUERY, "http://127.0.0.1:9/\x1b[31mquery"), 2,
         ("not a url",), absent=("\x1b",)),
    Case("remote-publish-update-endpoint-file", publish("--endpoint", f"{CLOSED}/store", "--update-endpoint",
                                                        "file:///etc/passwd"), 2,
         ("file:///etc/passwd: not an http:// or https:// URL",), setup=release()),
    Case("remote-publish-endpoint-not-a-store", publish("--endpoint", f"{CLOSED}/sparql"), 2,
         ("give --query-endpoint and --update-endpoint",), setup=release()),
    # issue 16: Digest authentication, datatypes to leave out
    Case("remote-publish-auth-scheme-unknown", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("KG_ENDPOINT_AUTH='ntlm': expected basic or digest",), setup=release(),
         env={"KG_ENDPOINT_USER": "u", "KG_ENDPOINT_AUTH": "ntlm"}),
    Case("remote-publish-leave-out-not-a-datatype", publish("--endpoint", f"{CLOSED}/store", "--leave-out",
                                                            "duration"), 2,
         ("--leave-out 'duration': expected a datatype, as xsd:duration or a full IRI",), setup=release()),
    Case("remote-publish-no-endpoint", publish(), 2,
         ("give --query-endpoint and --update-endpoint, or --endpoint with a store URL ending in /store",),
         setup=release()),
    Case("remote-digest-password-never-printed", publish("--endpoint", f"{CLOSED}/store", "--retries", "0"), 2,
         ("connection refused",), setup=release(), absent=("d1gest-5ecret",),
         env={"KG_ENDPOINT_USER": "u", "KG_ENDPOINT_PASSWORD": "d1gest-5ecret", "KG_ENDPOINT_AUTH": "digest"}),
    Case("remote-publish-blank-node", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("https://w3id.org/pikg/id/graph/hostile: the release holds blank nodes (e.g. _:b1", "give them IRIs"),
         setup=release("blank-node.nq")),
    Case("remote-publish-nq-holds-the-ontology-graph", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("pikg.nq: holds the graph <https://w3id.org/pikg/ontology>, which is the ontology's",),
         setup=release("ontology-graph.nq")),
    Case("remote-publish-leave-out-unknown-prefix", publish("--endpoint", f"{CLOSED}/store", "--leave-out",
                                                            "foo:bar"), 2,
         ("--leave-out 'foo:bar': expected a datatype",), setup=release()),
    Case("remote-publish-digest-with-url-credentials", publish("--endpoint", "http://dba:dba@127.0.0.1:9/store"), 2,
         ("with KG_ENDPOINT_AUTH=digest, give the user and password in KG_ENDPOINT_USER",), setup=release(),
         env={"KG_ENDPOINT_USER": "u", "KG_ENDPOINT_AUTH": "digest"}, absent=("dba:dba",)),
    # a damaged release: one line naming file and line, nothing sent (the endpoint is closed anyway)
    Case("remote-publish-corrupt-nq", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("pikg.nq:2: not valid N-Quads",), setup=release("corrupt.nq")),
    Case("remote-publish-nq-not-utf8", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("pikg.nq:1: not valid N-Quads", "utf-8"), setup=release("not-utf8.nq")),
    Case("remote-publish-nq-default-graph", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("is not in a named graph",), setup=release("default-graph.nq")),
    Case("remote-publish-nq-missing", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("pikg.nq: missing", "kg release"), setup=release(None)),
    Case("remote-publish-ontology-truncated", publish("--endpoint", f"{CLOSED}/store"), 2,
         ("ontology.ttl:", "not valid Turtle"), setup=release(ontology="truncated-ontology.ttl")),
    Case("remote-publish-missing-release", ("publish", "--endpoint", f"{CLOSED}/store", "--release", "{ws}/nope"), 2,
         ("nope: no such folder",)),
    # kg serve: a missing or broken release is one line, and no temporary database is left behind
    Case("remote-serve-missing-release", ("serve", "--release", "{ws}/nope", "--port", "0"), 2,
         ("nope/pikg.nq: missing", "kg release"), setup=tmpdir, env={"TMPDIR": "{ws}/tmp"}, after=no_database_left),
    Case("remote-serve-corrupt-release", ("serve", "--release", "{ws}/keep/release", "--port", "0"), 2,
         ("pikg.nq: oxigraph could not load it", "line 2"),
         setup=lambda ws: (release("corrupt.nq")(ws), tmpdir(ws)) and None, env={"TMPDIR": "{ws}/tmp"},
         after=no_database_left, seconds=20),
    Case("remote-serve-timeout-zero", ("serve", "--release", "{ws}/keep/release", "--timeout", "0"), 2,
         ("invalid value for '--timeout'", "1<=x<=86400"), setup=release()),
    Case("remote-serve-port-out-of-range", ("serve", "--release", "{ws}/keep/release", "--port", "70000"), 2,
         ("invalid value for '--port'",), setup=release()),
]
