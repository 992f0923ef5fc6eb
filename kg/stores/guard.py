"""The guard in front of `kg serve`'s Oxigraph: a small proxy on the public port that refuses SERVICE (and LOAD)
before a query reaches Oxigraph. Oxigraph 0.5's
server has no option to turn federation off (`oxigraph serve --help`: only --location, --bind, --cors,
--union-default-graph, --timeout-s), and a SERVICE clause makes the server send HTTP requests wherever a client
asks (to the machine's other services, or a cloud's metadata address). Every `query`/`update` parameter of the
URL or a form, and every raw body on any path but the Graph Store's /store…, is checked, and Oxigraph is sent
the checked text, not the client's (see `canonical`: the two parsers lex escapes and line ends differently);
compressed request bodies are refused (Oxigraph would inflate them), and so is a text rdflib cannot parse within
PARSE_SECONDS (it is slow on long expressions). A request a web page sent (an Origin header that is not this
server's, or, on a loopback address, a Host that is not loopback: DNS rebinding) is refused, so a web site cannot
post an update or a query to it. `--allow-service` passes every request through unchecked. (The Oxigraph child
the guard stands in front of is kg/stores/serve.py.)

The limit of the guard: the private port is a TCP port on 127.0.0.1 without authentication, so any process on
this machine, of any user, that finds it (a port scan of loopback takes seconds) can send Oxigraph requests
directly, SERVICE and LOAD included, and in --read-write mode updates; so can a web page that guesses it (a
browser sends a form POST to any loopback port). Oxigraph 0.5 offers nothing to close it: it cannot listen on a
Unix socket (--bind takes a host and port), ask for a secret, or turn SERVICE off. The guard therefore protects
the public port, from remote clients and from anything that only knows that port; it is not a boundary between
local users. (The public port has no authentication either.)
"""
from __future__ import annotations

import ctypes
import http.client
import http.server
import ipaddress
import re
import socketserver
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from kg.query.sparql import ESCAPE, HIDDEN

MAX_QUERY_BYTES = 16 * 1024 * 1024  # a query or update body larger than this is refused (413)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "content-length"})
_PARSE_LOCK = threading.Lock()  # rdflib's pyparsing grammar is shared state, and so is the recursion limit
PARSE_STACK = 256 * 1024 * 1024  # address space reserved for the parsing thread (used only as deep as it goes)
PARSE_RECURSION = 20000  # enough for well over 1,000 triple patterns in one group
PARSE_SECONDS = 10.0  # a request rdflib cannot parse in this time is refused as unchecked


# --- what a query may not do -------------------------------------------------------------------------------------

REFUSED_SERVICE = ("kg serve refuses SERVICE: a federated query would make this server send requests to other "
                   "hosts. Start it with `kg serve --allow-service` to allow federated queries.")
REFUSED_LOAD = ("kg serve refuses LOAD: it would make this server fetch a URL. Start it with "
                "`kg serve --allow-service` to allow LOAD.")
UNCHECKED = ("kg serve could not check this request for SERVICE or LOAD ({why}), so it was not run. Start it with "
             "`kg serve --allow-service` to pass requests unchecked.")
_LEFT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")  # what rdflib (\u or \U, 4 or 8 digits) would still expand
_BARE = re.compile(r"(?<![\w:?$@\\~-])(?<!\w\.)(SERVICE|LOAD)(?![\w:-])", re.I)


class Unsafe(ValueError):
    """A query or update whose reading kg serve cannot pin down (the reason is the message)."""


def canonical(text: str) -> str:
    """The one reading of a query or update that both rdflib and Oxigraph agree on, which is what kg serve checks
    and what it sends on to Oxigraph (never the client's text). The two parsers read some texts differently:
    rdflib expands \\u and \\U escapes everywhere before parsing, Oxigraph only inside strings and IRIs (so
    `"\\u0022"` is a quote in a string for one and the end of a string for the other); Oxigraph ends a # comment
    at a carriage return, rdflib only at a line feed. So the escapes are expanded here (an escape that is not a
    character, or one an expansion leaves behind, is refused) and every line break becomes a line feed; what is
    left means the same to both parsers. (A query that escapes a quote or a backslash inside a string this way
    no longer parses: spell it as \\" or \\\\.)"""
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Unsafe(f"the escape {match.group(0)} is not a character")
        return chr(code)

    if "\\" in text:
        text = ESCAPE.sub(one, text)
        left = _LEFT_ESCAPE.search(text)
        if left:
            raise Unsafe(f"an escape is left after expanding escapes: {left.group(0)}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _names(tree: Any, found: set[str]) -> set[str]:
    """The names of every node of rdflib's parse tree (ServiceGraphPattern, Load, …)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    todo = [tree]
    while todo:
        item = todo.pop()
        if isinstance(item, CompValue):
            found.add(item.name)
            todo.extend(item.values())
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            todo.extend(item)
    return found


class ParseTimeout(BaseException):
    """Raised inside a parse that ran past PARSE_SECONDS (a BaseException, so that no `except Exception` in
    pyparsing swallows it)."""


def _stop_thread(thread: threading.Thread) -> None:
    """Raise ParseTimeout in `thread` at its next bytecode (pyparsing is pure Python, so that is soon)."""
    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async.argtypes = [ctypes.c_ulong, ctypes.py_object]
    if thread.ident is not None:
        set_async(thread.ident, ParseTimeout)


def _deep(parse: Callable[[str], Any], text: str) -> Any:
    """rdflib's parser recurses once per triple pattern of a group (about 90 patterns reach Python's default
    limit), so it runs in a thread with a large stack and, for its duration, a higher recursion limit; one parse
    at a time (the limit is process-wide, and the grammar shared). rdflib is slow on long expressions (about a
    second for 2 KB of `1+1+…`, in proportion), so a parse that runs past PARSE_SECONDS is stopped and raises
    ParseTimeout: a large request cannot hold the parser, and every request that waits for it, for hours."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["tree"] = parse(text)
        except BaseException as exc:  # handed back to the caller
            box["error"] = exc

    with _PARSE_LOCK:
        limit, stack = sys.getrecursionlimit(), threading.stack_size()
        try:
            threading.stack_size(PARSE_STACK)
            worker = threading.Thread(target=run, name="kg-serve-parse", daemon=True)
        finally:
            threading.stack_size(stack)
        sys.setrecursionlimit(max(limit, PARSE_RECURSION))
        try:
            worker.start()
            worker.join(PARSE_SECONDS)
            if worker.is_alive():
                _stop_thread(worker)
                worker.join(5)
        finally:
            sys.setrecursionlimit(limit)
    if "error" in box:
        raise box["error"]
    if "tree" not in box:  # still running (in a long C call): abandoned, it ends on its own
        raise ParseTimeout
    return box["tree"]


def refusal(text: str, kind: str | None = None) -> str | None:
    """Why `kg serve` refuses this query or update (`kind` "query", "update", or None for either), or None. The
    text is first brought to its canonical form (see `canonical`; the proxy sends Oxigraph that form). A text
    without the letters SERVICE or LOAD (in any case) passes at once. One with them is refused if SERVICE or LOAD
    stands as a word outside every comment, string and IRI, or if rdflib's parse (as a query, an update, or for
    None either) fails or has a SERVICE pattern or a LOAD operation: two independent readings, and a text either
    cannot place is refused rather than trusted."""
    try:
        text = canonical(text)
    except Unsafe as exc:
        return UNCHECKED.format(why=str(exc))
    upper = text.upper()
    if "SERVICE" not in upper and "LOAD" not in upper:
        return None
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    bare = {word.upper() for word in _BARE.findall(HIDDEN.sub(" ", text))}
    names: set[str] = set()
    parsed = False
    problems = []
    for parse in {"query": (parseQuery,), "update": (parseUpdate,)}.get(kind or "", (parseQuery, parseUpdate)):
        try:
            _names(_deep(parse, text), names)
            parsed = True
        except ParseTimeout:
            problems.append(f"rdflib did not finish parsing it within {PARSE_SECONDS:g} s")
        except Exception as exc:  # pyparsing's errors, RecursionError on deep nesting
            problems.append("rdflib cannot parse it: " + (" ".join(str(exc).split())[:120] or exc.__class__.__name__))
    if "ServiceGraphPattern" in names or "SERVICE" in bare:
        return REFUSED_SERVICE
    if "Load" in names or "LOAD" in bare:
        return REFUSED_LOAD
    if not parsed:
        return UNCHECKED.format(why=problems[0])
    return None


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


def _checked(text: str, kind: str | None) -> str:
    """The canonical form of a query or update, which is what goes on to Oxigraph; a 400 if it is refused."""
    reason = refusal(text, kind)
    if reason:
        raise _Refuse(400, reason)
    return canonical(text)


def _checked_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, _checked(v, _KINDS[k]) if k in _KINDS else v) for k, v in pairs]


class GuardHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each request to Oxigraph, unless a web page sent it (`_browser_refusal`). The Graph Store (every
    path that starts with /store, as Oxigraph routes it) carries RDF data, never SPARQL, and is streamed
    through. Every other request is rebuilt from what was checked: its `query` and `update` parameters (in the
    URL or a form) and a raw body are brought to their canonical form (`canonical`), refused if they hold
    SERVICE or LOAD, and sent on re-encoded, so that Oxigraph runs exactly the text the guard read, never a
    differently lexed original."""

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
            self._pass(self.path, headers, body)
            return
        coding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if coding not in ("", "identity"):
            raise _Refuse(415, f"Content-Encoding {coding} is refused: kg serve reads SPARQL requests as sent")
        headers = {k: v for k, v in headers.items() if k.lower() not in _DROPPED}
        path = target.path
        if target.query or self.path.endswith("?"):
            path += "?" + urlencode(_checked_pairs(_pairs(target.query)))
        data = b"".join(_read_body(self, MAX_QUERY_BYTES))
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind:
            headers["Content-Type"] = kind
        body = None
        if kind == "application/x-www-form-urlencoded":
            body = urlencode(_checked_pairs(_pairs(data))).encode("ascii")
        elif data:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _Refuse(400, "the request body is not UTF-8") from None
            body = _checked(text, _BODY_KINDS.get(kind)).encode("utf-8")
        elif self.headers.get("Content-Length") is not None or self.headers.get("Transfer-Encoding"):
            body = b""
        self._pass(path, headers, body)

    def _pass(self, path: str, headers: dict[str, str], body: bytes | Iterator[bytes] | None) -> None:
        """Send the request on to Oxigraph and its answer back (a streamed body without a Content-Length goes
        chunked)."""
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=600)
        try:
            try:
                upstream.request(self.command, path, body=body, headers=headers)
                answer = upstream.getresponse()
            except ConnectionRefusedError:
                raise _Refuse(502, "the SPARQL server behind kg serve is not running") from None
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"server", "date"}:
                    self.send_header(key, value)
            if answer.getheader("Content-Length"):
                self.send_header("Content-Length", answer.getheader("Content-Length", ""))
            self.end_headers()
            if self.command != "HEAD":
                while data := answer.read1(64 * 1024):
                    self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward


class GuardServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], allow_service: bool) -> None:
        super().__init__(address, GuardHandler)
        self.allow_service = allow_service
        self.upstream: tuple[str, int] = ("127.0.0.1", 0)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's: its reverse DNS lookup can take seconds
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away is not worth a traceback on the console
