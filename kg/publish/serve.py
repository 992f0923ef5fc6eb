"""Serving over HTTP on loopback: the static site (the standard library's server is enough), and the release
behind Oxigraph's SPARQL server (`kg serve`).

`kg serve` runs Oxigraph's server as a child process on a private loopback port and answers the public port
itself, through a small proxy that refuses SERVICE (and LOAD) before a query reaches Oxigraph: Oxigraph 0.5's
server has no option to turn federation off (`oxigraph serve --help`: only --location, --bind, --cors,
--union-default-graph, --timeout-s), and a SERVICE clause makes the server send HTTP requests wherever a client
asks (to the machine's other services, or a cloud's metadata address). Every `query`/`update` parameter of the
URL or a form, and every raw body on any path but the Graph Store's /store, is checked; compressed request
bodies are refused (Oxigraph would inflate them). `--allow-service` passes every request through unchecked.

The child never outlives `kg serve`: SIGTERM, SIGINT and SIGHUP stop it and remove the temporary database (the
child runs in a process group of its own, so a terminal's Ctrl-C reaches `kg serve`, which stops it in order);
on Linux the child is also started with PR_SET_PDEATHSIG, so the kernel kills it even if `kg serve` itself is
killed with SIGKILL (no handler runs then); the temporary database left by such a kill is removed by the next
`kg serve`, which recognises its own folders by name, owner and a marker file naming a process that is gone.
"""

from __future__ import annotations

import ctypes
import functools
import http.client
import http.server
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from kg.base.config import ONTOLOGY_IRI
from kg.base.errors import InputError, display_path
from kg.publish.remote import oxigraph_binary

PREFIX = "pikg-oxigraph-"
MARKER = ".pikg-serve"
MAX_QUERY_BYTES = 16 * 1024 * 1024  # a query or update body larger than this is refused (413)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "content-length"})
_PARSE_LOCK = threading.Lock()  # rdflib's pyparsing grammar is shared state, and so is the recursion limit
PARSE_STACK = 256 * 1024 * 1024  # address space reserved for the parsing thread (used only as deep as it goes)
PARSE_RECURSION = 20000  # enough for well over 1,000 triple patterns in one group


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(folder: Path, host: str = "127.0.0.1", port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for `folder` bound to host:port (port 0 picks a free one); call serve_forever() to run it."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


# --- what a query may not do -------------------------------------------------------------------------------------

REFUSED_SERVICE = ("kg serve refuses SERVICE: a federated query would make this server send requests to other "
                   "hosts. Start it with `kg serve --allow-service` to allow federated queries.")
REFUSED_LOAD = ("kg serve refuses LOAD: it would make this server fetch a URL. Start it with "
                "`kg serve --allow-service` to allow LOAD.")
UNCHECKED = ("kg serve could not check this request for SERVICE or LOAD (rdflib cannot parse it: {why}), so it "
             "was not run. Start it with `kg serve --allow-service` to pass requests unchecked.")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    """SPARQL's \\u and \\U escapes decoded (some parsers decode them before tokenising)."""
    def one(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return ""

    return _ESCAPE.sub(one, text)


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


def _deep(parse: Callable[[str], Any], text: str) -> Any:
    """rdflib's parser recurses once per triple pattern of a group (about 90 patterns reach Python's default
    limit), so it runs in a thread with a large stack and, for its duration, a higher recursion limit; one parse
    at a time (the limit is process-wide, and the grammar shared)."""
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
            worker.join()
        finally:
            sys.setrecursionlimit(limit)
    if "error" in box:
        raise box["error"]
    return box["tree"]


def refusal(text: str) -> str | None:
    """Why `kg serve` refuses this query or update, or None. A text that cannot contain the keyword SERVICE or
    LOAD (in any case or escape) passes at once; one that may is parsed by rdflib, as a query and as an update,
    and refused if either parse has a SERVICE pattern or a LOAD operation, or if neither parse succeeds (so a
    text rdflib does not understand is refused rather than trusted)."""
    upper = _unescape(text).upper()
    if "SERVICE" not in upper and "LOAD" not in upper:
        return None
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    names: set[str] = set()
    parsed = False
    problems = []
    for parse in (parseQuery, parseUpdate):
        try:
            _names(_deep(parse, text), names)
            parsed = True
        except Exception as exc:  # pyparsing's errors, RecursionError on deep nesting
            problems.append(" ".join(str(exc).split())[:120] or exc.__class__.__name__)
    if "ServiceGraphPattern" in names:
        return REFUSED_SERVICE
    if "Load" in names:
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


def _texts(values: dict[str, list[str]]) -> list[str]:
    return [*values.get("query", []), *values.get("update", [])]


def _form(data: bytes | str) -> dict[str, list[str]]:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _Refuse(400, "the query string or form is not UTF-8") from None


class GuardHandler(http.server.BaseHTTPRequestHandler):
    """Forwards each request to Oxigraph, after refusing any query or update with SERVICE or LOAD (in the URL's
    `query`/`update` parameters, a form body, or a raw SPARQL body on any path but the Graph Store's /store)."""

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
        body: bytes | Iterator[bytes] | None
        chunked = False
        if self.server.allow_service or target.path == "/store":
            texts = [] if self.server.allow_service else _texts(_form(target.query))
            chunked = bool(self.headers.get("Transfer-Encoding"))
            has_body = chunked or self.headers.get("Content-Length") is not None
            body = _read_body(self, None) if has_body else None
            if body is not None and not chunked:
                if not self.headers["Content-Length"].strip().isdigit():
                    raise _Refuse(400, "Content-Length is not a number")
                body = b"".join(body) if int(self.headers["Content-Length"]) <= MAX_QUERY_BYTES else body
        else:
            texts = _texts(_form(target.query))
            coding = self.headers.get("Content-Encoding", "identity").strip().lower()
            if coding not in ("", "identity"):
                raise _Refuse(415, f"Content-Encoding {coding} is refused: kg serve reads SPARQL requests as sent")
            body = b"".join(_read_body(self, MAX_QUERY_BYTES))
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind == "application/x-www-form-urlencoded":
                texts += _texts(_form(body))
            elif body:
                try:
                    texts.append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    raise _Refuse(400, "the request body is not UTF-8") from None
        for text in texts:
            reason = refusal(text)
            if reason:
                raise _Refuse(400, reason)
        self._pass(body, chunked)

    def _pass(self, body: bytes | Iterator[bytes] | None, chunked: bool) -> None:
        """Send the request on to Oxigraph (a streamed body keeps its length, or goes chunked) and its answer
        back."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body is not None and not isinstance(body, bytes) and not chunked:
            headers["Content-Length"] = self.headers["Content-Length"]
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=600)
        try:
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
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


# --- the Oxigraph child ------------------------------------------------------------------------------------------

def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that asks Linux to SIGKILL the child when its parent dies (PR_SET_PDEATHSIG): the one way a
    child is stopped when `kg serve` is killed with SIGKILL, since no handler of ours runs then. The signal
    follows the thread that started the child, which here is the main thread, so it lasts as long as the
    process. Elsewhere (no prctl) the signal handlers are the only guard."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_databases(folder: Path | None = None) -> list[Path]:
    """Remove the temporary databases that earlier `kg serve` runs of this user could not remove (they were
    killed with SIGKILL): a folder named pikg-oxigraph-*, owned by us, not a link, holding our marker file that
    names a process that no longer runs. Anything else is left alone."""
    removed = []
    for path in sorted(Path(folder or tempfile.gettempdir()).glob(f"{PREFIX}*")):
        try:
            info = path.lstat()
            marker = path / MARKER
            if (not path.is_dir() or path.is_symlink() or info.st_uid != os.getuid() or marker.is_symlink()
                    or not marker.is_file()):
                continue
            with marker.open("rb") as file:
                words = file.read(100).decode("utf-8").split()
            if len(words) < 2 or words[0] != "pikg-serve" or not words[1].isdigit() or _alive(int(words[1])):
                continue
            shutil.rmtree(path)
            removed.append(path)
        except (OSError, UnicodeDecodeError):
            continue
    return removed


def _new_database() -> Path:
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / MARKER).write_text(f"pikg-serve {os.getpid()}\n", encoding="utf-8")
    return folder


def _child_env() -> dict[str, str]:
    """Oxigraph's environment: ours, without Rust backtraces (its error is one line then)."""
    return {**os.environ, "RUST_BACKTRACE": "0"}


def _run_child(args: list[str], log: BinaryIO) -> int:
    """Run an oxigraph command to its end (killed if we are interrupted)."""
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                          env=_child_env(), process_group=0, preexec_fn=_die_with_parent()) as child:
        try:
            return child.wait()
        except BaseException:
            child.kill()
            child.wait()
            raise


def _tail(log: BinaryIO) -> str:
    """Oxigraph's own error line (its first `Error…` line: a backtrace may follow it), or its last line."""
    log.seek(0)
    lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    return (errors or lines or ["no message"])[0 if errors else -1][:300]


def load_release(release: Path, location: Path, log: BinaryIO) -> None:
    """Load the release into an Oxigraph database folder (the named graphs, and the ontology for its labels)."""
    binary = oxigraph_binary()
    for args in (["--file", str(release / "pikg.nq")],
                 ["--file", str(release / "ontology.ttl"), "--graph", ONTOLOGY_IRI]):
        log.seek(0)
        log.truncate()
        if _run_child([binary, "load", "--location", str(location), *args], log) != 0:
            detail = _tail(log).removeprefix(f"Error while loading file {args[1]}: ")
            raise InputError(f"{display_path(args[1])}: oxigraph could not load it: {detail}")


def _free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, child: subprocess.Popen[bytes], log: BinaryIO, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if child.poll() is not None:
            raise InputError(f"the oxigraph server stopped at start (exit {child.returncode}): {_tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise InputError(f"the oxigraph server did not start within {seconds:g} s")


class _Stop(BaseException):
    """A stop signal (SIGTERM, SIGHUP) turned into an exception, so that every `finally` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


def serve_release(release: Path, host: str, port: int, read_write: bool = False, location: Path | None = None,
                  allow_service: bool = False, echo: Callable[[str], None] = print) -> None:
    """Serve the release with Oxigraph's server behind the SERVICE-refusing proxy until a signal stops it;
    whatever way it ends, the child is stopped and a temporary database removed."""
    for name in ("pikg.nq", "ontology.ttl"):
        if not (release / name).is_file():
            raise InputError(f"{display_path(release / name)}: missing; write the release with `kg release` first")
    binary = oxigraph_binary()
    try:
        guard = GuardServer((host, port), allow_service)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stops = (signal.SIGTERM, signal.SIGHUP)
    previous: dict[int, Any] = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    folder: Path | None = None
    child: subprocess.Popen[bytes] | None = None
    serving = False
    try:
        for s in stops:  # inside the try: a signal from here on ends in the finally below
            previous[s] = signal.signal(s, _raise_stop)
        with tempfile.TemporaryFile() as log:
            if location is None:
                remove_stale_databases()
                folder = _new_database()
            database = location or folder
            assert database is not None
            load_release(release, database, log)
            log.seek(0)
            log.truncate()
            private = _free_loopback_port()
            mode = "serve" if read_write else "serve-read-only"
            child = subprocess.Popen([binary, mode, "--location", str(database), "--bind", f"127.0.0.1:{private}",
                                      "--union-default-graph"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=log, env=_child_env(), process_group=0, preexec_fn=_die_with_parent())
            _wait_for(private, child, log)
            guard.upstream = ("127.0.0.1", private)
            threading.Thread(target=guard.serve_forever, name="kg-serve-guard", daemon=True).start()
            serving = True
            checks = "every request passed through" if allow_service else "SERVICE and LOAD refused"
            echo(f"Serving {display_path(release)}/ at http://{host}:{guard.server_address[1]}/ (SPARQL: /query; "
                 f"{'read-write' if read_write else 'read-only'}; {checks}; Ctrl-C stops)")
            code = child.wait()
            raise InputError(f"the oxigraph server stopped (exit {code}): {_tail(log)}")
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        for s in (*stops, signal.SIGINT):  # a second signal must not cut the cleaning short
            signal.signal(s, signal.SIG_IGN)
        try:
            if serving:
                guard.shutdown()
            guard.server_close()
            if child is not None and child.poll() is None:
                child.terminate()
                try:
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            for s, handler in previous.items():
                if handler is not None:
                    signal.signal(s, handler)
