"""The guard in front of `kg serve`'s Oxigraph: a small proxy on the public port that refuses SERVICE (and LOAD)
before a query reaches Oxigraph. Oxigraph 0.5's server has no option to turn federation off (`oxigraph serve
--help`: only --location, --bind, --cors, --union-default-graph, --timeout-s), and a SERVICE clause makes the
server send HTTP requests wherever a client asks (to the machine's other services, or a cloud's metadata
address). Every `query`/`update` parameter of the URL or a form, and every raw body on any path but the Graph
Store's /store…, is checked, and Oxigraph is sent the checked text, not the client's (see `canonical`: the two
parsers lex escapes and line ends differently); compressed request bodies are refused (Oxigraph would inflate
them), and so is a text rdflib cannot parse within PARSE_SECONDS (it is slow on long expressions) or one that
nests or chains deep enough to overflow Oxigraph's stack (what a text may not do is kg/stores/sparql_checks.py).
A request a web page sent (an Origin header that is not this server's, or, on a loopback address, a Host that
is not loopback: DNS rebinding) is refused, so a web site cannot post an update or a query to it.
`--allow-service` passes every request through unchecked. Every answer is held until it is complete (a success
is never sent cut off), and a query past the time limit is stopped by killing the Oxigraph child, which
kg/stores/serve.py starts again.

The limit of the guard: the private port is a TCP port on 127.0.0.1 without authentication, so any process on
this machine, of any user, that finds it (a port scan of loopback takes seconds) can send Oxigraph requests
directly, SERVICE and LOAD included, and in --read-write mode updates; so can a web page that guesses it (a
browser sends a form POST to any loopback port). Oxigraph 0.5 offers nothing to close it: it cannot listen on a
Unix socket (--bind takes a host and port), ask for a secret, or turn SERVICE off. The guard therefore protects
the public port, from remote clients and from anything that only knows that port; it is not a boundary between
local users. (The public port has no authentication either.)
"""
from __future__ import annotations

import http.client
import http.server
import ipaddress
import shutil
import socketserver
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from kg.stores.sparql_checks import canonical, refusal

MAX_QUERY_BYTES = 16 * 1024 * 1024  # a query or update body larger than this is refused (413)
SPOOL_BYTES = 8 * 1024 * 1024  # an answer is held in memory up to this size, then on disk
MAX_ANSWER_BYTES = 1024 * 1024 * 1024  # an answer larger than this is refused (507): it is held until complete
RESTART_SECONDS = 30.0  # how long a request waits for the Oxigraph child to come back after a restart
TIMED_OUT = ("kg serve stopped this query: it ran past the time limit of {seconds:g} s (kg serve --timeout); ask "
             "for less, or start the server with a longer --timeout")
RESTARTED = ("kg serve restarted its SPARQL server while answering this request (to stop a query that ran past "
             "its time limit, or after it failed); send the request again")
TOO_LARGE = (f"kg serve refuses to send an answer larger than {MAX_ANSWER_BYTES // 2**20:,} MiB (it holds each "
             "answer until it is complete, so that a cut-off answer is never sent as a success); ask for less "
             "(LIMIT) or in a more compact format")
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "content-length"})


# --- the proxy ---------------------------------------------------------------------------------------------------

class _Refuse(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _read_body(handler: http.server.BaseHTTPRequestHandler, limit: int | None) -> Iterator[bytes]:
    """The request body, by Content-Length or chunked; more than `limit` bytes is refused."""
    headers, rfile = handler.headers, handler.rfile
    encoding = headers.get("Transfer-Encoding", "").strip().lower()
    length = headers.get("Content-Length")
    if encoding and length is not None:
        raise _Refuse(400, "a request with both Transfer-Encoding and Content-Length is refused")
    total = 0
    if encoding:
        if encoding != "chunked":
            raise _Refuse(501, f"Transfer-Encoding {encoding} is not supported")
        while True:
            line = rfile.readline(1026)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _Refuse(400, "a malformed chunked body") from None
            if size == 0:
                while rfile.readline(8194).strip():  # trailers
                    pass
                return
            total += size
            if limit is not None and total > limit:
                raise _Refuse(413, f"the request body is larger than {limit} bytes")
            data = rfile.read(size)
            if len(data) != size or rfile.readline(3).strip():
                raise _Refuse(400, "a truncated chunked body")
            yield data
    if length is None:
        return
    if not length.strip().isdigit():
        raise _Refuse(400, "Content-Length is not a number")
    left = int(length)
    if limit is not None and left > limit:
        raise _Refuse(413, f"the request body is larger than {limit} bytes")
    while left > 0:
        data = rfile.read(min(left, 64 * 1024))
        if not data:
            raise _Refuse(400, "the request body ended early")
        left -= len(data)
        yield data


_KINDS = {"query": "query", "update": "update"}  # the parameters that Oxigraph reads as SPARQL, and as what
_BODY_KINDS = {"application/sparql-query": "query", "application/sparql-update": "update"}
_DROPPED = HOP_BY_HOP | {"content-type", "content-encoding", "expect"}  # a rebuilt request sets its own


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _browser_refusal(headers: Any, bound_to: str) -> str | None:
    """Why a request that a web page made is refused, or None. A browser lets any web site send a form POST to
    127.0.0.1 (a "simple" request, no preflight), so an `Origin` that is not this server's own is refused; and
    a server on a loopback address answers only to a loopback Host, so a DNS-rebinding name cannot make a web
    page same-origin with it. Clients that are not browsers send no Origin and a literal Host."""
    host = (headers.get("Host") or "").strip()
    try:
        name, port = urlsplit(f"http://{host}").hostname or "", urlsplit(f"http://{host}").port or 80
    except ValueError:
        return f"kg serve refuses Host: {host[:100]!a}: not a host name"
    if host and _loopback(bound_to) and not _loopback(name):
        return (f"kg serve refuses Host: {host[:100]!a}: on a loopback address it answers only to localhost or a "
                "loopback address (a web page reaching it through another name is a DNS-rebinding attack)")
    origin = headers.get("Origin")
    if origin is None:
        return None
    try:
        theirs = urlsplit(origin.strip())
        same = (theirs.scheme == "http" and (theirs.hostname or "") == name.lower()
                and (theirs.port or 80) == port and host != "")
    except ValueError:
        same = False
    if not same:
        return (f"kg serve refuses requests from another web site (Origin: {origin[:100]!a}): a web page may not "
                "query or change this server")
    return None


def _graph_store(path: str) -> bool:
    """Whether Oxigraph takes this path for its Graph Store, which reads RDF data and never SPARQL: it routes
    every raw path that starts with /store there (0.5 resolves no dot segment). A path that a server resolving
    dot segments would send elsewhere (/store/../query, escaped or with backslashes) is checked as SPARQL."""
    segments = unquote(path).replace("\\", "/").split("/")
    return path.startswith("/store") and "." not in segments and ".." not in segments


def _pairs(data: bytes | str) -> list[tuple[str, str]]:
    """The name=value pairs of a query string or form, decoded strictly (Oxigraph would replace bad UTF-8)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _Refuse(400, "the query string or form is not UTF-8") from None


def _checked(text: str, kind: str | None, kinds: set[str]) -> str:
    """The canonical form of a query or update, which is what goes on to Oxigraph; a 400 if it is refused. The
    kind it was sent as ("query", "update", or "" for a body Oxigraph reads by its path) joins `kinds`."""
    reason = refusal(text, kind)
    if reason:
        raise _Refuse(400, reason)
    kinds.add(kind or "")
    return canonical(text)


def _checked_pairs(pairs: list[tuple[str, str]], kinds: set[str]) -> list[tuple[str, str]]:
    return [(k, _checked(v, _KINDS[k], kinds) if k in _KINDS else v) for k, v in pairs]


def _timed(path: str, kinds: set[str]) -> bool:
    """Whether a request runs under the time limit: a query, not an update or the Graph Store (uploads and
    downloads of whole graphs, which Oxigraph's own --timeout-s leaves alone too)."""
    return "update" not in kinds and not _graph_store(path) and urlsplit(path).path.rstrip("/") != "/update"


class Upstream:
    """Where the Oxigraph child listens now, one generation per child: kg/stores/serve.py sets it when a child is
    up, clears it while one is restarted, and gives `stop`, which kills the child of a generation (a query that
    ran past its time limit: the one way to free the core it holds, since Oxigraph 0.5 does not always cancel)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._address: tuple[str, int] | None = None
        self.generation = 0
        self.stop: Callable[[int], None] = lambda generation: None

    def up(self, address: tuple[str, int]) -> None:
        with self._changed:
            self._address = address
            self.generation += 1
            self._changed.notify_all()

    def down(self) -> None:
        with self._changed:
            self._address = None

    def moved(self, generation: int) -> bool:
        """Whether the child of this generation was stopped or replaced since."""
        with self._changed:
            return self._address is None or self.generation != generation

    def current(self, seconds: float) -> tuple[tuple[str, int], int]:
        """The address and generation of the running child, waiting up to `seconds` for a restart to end."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._address is not None, seconds) or self._address is None:
                raise _Refuse(503, "the SPARQL server behind kg serve is restarting; send the request again")
            return self._address, self.generation


class GuardHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each request to Oxigraph, unless a web page sent it (`_browser_refusal`). The Graph Store (every
    path that starts with /store, as Oxigraph routes it) carries RDF data, never SPARQL, and is streamed
    through. Every other request is rebuilt from what was checked: its `query` and `update` parameters (in the
    URL or a form) and a raw body are brought to their canonical form (`canonical`), refused if they hold
    SERVICE or LOAD or nest too deep, and sent on re-encoded, so that Oxigraph runs exactly the text the guard
    read, never a differently lexed original. Every answer is held (in memory, then on disk) until it is
    complete, so a success is only ever sent whole; a query that runs past the time limit is stopped (`_pass`)."""

    server: GuardServer
    timeout = 120  # a client that stops sending is dropped
    protocol_version = "HTTP/1.0"  # one request per connection: no request smuggling between client and Oxigraph

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _say(self, status: int, text: str) -> None:
        data = (text + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _forward(self) -> None:
        try:
            self._relay()
        except _Refuse as refused:
            self._say(refused.status, refused.text)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # never a traceback on the server's stderr; the client gets a short answer
            try:
                self._say(502, f"kg serve could not forward the request ({exc.__class__.__name__})")
            except OSError:
                pass

    def _relay(self) -> None:
        if not self.path.startswith("/"):
            raise _Refuse(400, "only origin-form request targets (/path?query) are served")
        target = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if not self.server.allow_service:
            browser = _browser_refusal(self.headers, str(self.server.server_address[0]))
            if browser:
                raise _Refuse(403, browser)
        if self.server.allow_service or _graph_store(target.path):
            chunked = bool(self.headers.get("Transfer-Encoding"))
            has_body = chunked or self.headers.get("Content-Length") is not None
            stream = _read_body(self, None) if has_body else None
            body: bytes | Iterator[bytes] | None = stream
            if stream is not None and not chunked:
                if not self.headers["Content-Length"].strip().isdigit():
                    raise _Refuse(400, "Content-Length is not a number")
                if int(self.headers["Content-Length"]) <= MAX_QUERY_BYTES:
                    body = b"".join(stream)
                else:  # a large upload is streamed, with its length
                    headers["Content-Length"] = self.headers["Content-Length"]
            self._pass(self.path, headers, body, _timed(target.path, set()))
            return
        coding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if coding not in ("", "identity"):
            raise _Refuse(415, f"Content-Encoding {coding} is refused: kg serve reads SPARQL requests as sent")
        headers = {k: v for k, v in headers.items() if k.lower() not in _DROPPED}
        path, kinds = target.path, set[str]()
        if target.query or self.path.endswith("?"):
            path += "?" + urlencode(_checked_pairs(_pairs(target.query), kinds))
        data = b"".join(_read_body(self, MAX_QUERY_BYTES))
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind:
            headers["Content-Type"] = kind
        body = None
        if kind == "application/x-www-form-urlencoded":
            body = urlencode(_checked_pairs(_pairs(data), kinds)).encode("ascii")
        elif data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refuse(400, "the request body is not UTF-8") from None
            body = _checked(text, _BODY_KINDS.get(kind), kinds).encode("utf-8")
        elif self.headers.get("Content-Length") is not None or self.headers.get("Transfer-Encoding"):
            body = b""
        self._pass(path, headers, body, _timed(path, kinds))

    def _pass(self, path: str, headers: dict[str, str], body: bytes | Iterator[bytes] | None, timed: bool) -> None:
        """Send the request on to Oxigraph and, once its answer has come whole, the answer back with its length.
        A query (`timed`) must be answered within the time limit: past it, the client gets 503 and the child is
        killed and restarted (`Upstream.stop`), which stops the work; Oxigraph's own limit is set later than
        ours, so the body it writes when it cancels a query (a 200 cut off by a message) never reaches a
        client. A child that dies or is restarted while answering gives 503 too, never a cut-off 200."""
        limit = self.server.time_limit
        deadline = time.monotonic() + limit if timed else None
        address, generation = self.server.upstream.current(RESTART_SECONDS)
        upstream = http.client.HTTPConnection(*address, timeout=limit if timed else 600)
        answer: http.client.HTTPResponse | None = None
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
            try:
                upstream.request(self.command, path, body=body, headers=headers)
                if deadline is not None and upstream.sock is not None:
                    upstream.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                answer = upstream.getresponse()
                size = 0
                while data := answer.read1(64 * 1024):
                    size += len(data)
                    if size > MAX_ANSWER_BYTES:
                        raise _Refuse(507, TOO_LARGE)
                    spool.write(data)
                    if deadline is not None and upstream.sock is not None:
                        upstream.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError
            except ConnectionRefusedError:
                raise _Refuse(503, RESTARTED if self.server.upstream.moved(generation) else
                              "the SPARQL server behind kg serve is not running") from None
            except TimeoutError:
                if deadline is None:
                    raise
                self.server.upstream.stop(generation)
                raise _Refuse(503, TIMED_OUT.format(seconds=limit)) from None
            except (OSError, http.client.HTTPException):  # reset, cut short: the child died or was restarted
                if self.server.upstream.moved(generation):
                    raise _Refuse(503, RESTARTED) from None
                raise _Refuse(502, "the SPARQL server behind kg serve stopped while answering; kg serve restarts "
                                   "it: send the request again") from None
            finally:
                upstream.close()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"server", "date"}:
                    self.send_header(key, value)
            length = answer.getheader("Content-Length") if self.command == "HEAD" else str(size)
            if length:
                self.send_header("Content-Length", length)
            self.end_headers()
            if self.command != "HEAD":
                spool.seek(0)
                shutil.copyfileobj(spool, self.wfile, 64 * 1024)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward


class GuardServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], allow_service: bool, time_limit: float = 60) -> None:
        super().__init__(address, GuardHandler)
        self.allow_service = allow_service
        self.time_limit = time_limit
        self.upstream = Upstream()

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's: its reverse DNS lookup can take seconds
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away is not worth a traceback on the console
