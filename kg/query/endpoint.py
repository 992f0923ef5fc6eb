"""How kg talks to a SPARQL 1.1 endpoint over HTTP (`--endpoint`, `kg publish`): the endpoints' URLs checked,
the environment's credentials sent, every request bounded, and one EndpointError that says what went wrong. (The
bundled queries run on an endpoint by kg/query/remote.py; `kg publish` is kg/stores/publish.py; `kg serve`, the
release behind Oxigraph's server, kg/stores/serve.py; what a message may show, kg/query/redact.py.)

A remote call is bounded: `timeout` is a deadline for the whole call, retries and backoff included (each attempt
gets the time left, and runs in a helper thread so that even a DNS lookup or a server that trickles one byte at a
time cannot pass it); an answer is read up to a size limit, counted in the bytes the server sent: a compressed
answer (a Content-Encoding other than identity, which we never ask for) is refused, never inflated; a redirect is
not followed (it would take the request, its body and its credentials elsewhere) but is one error naming where it
points. Credentials come from the environment
(KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD by Basic or, with KG_ENDPOINT_AUTH=digest,
Digest authentication) or the URL, and never appear in a message: every
message built from remote data goes through `redact`, and a URL that could hide a password past its host (an
unencoded / ? # in it) is refused. Connection failures and 5xx answers are retried with exponential backoff; a 4xx
answer is an error that says what the server refused.
"""

from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.auth import HTTPDigestAuth

from kg.base.errors import InputError
from kg.query.redact import MASK, SHOWN_BODY_CHARS, answer_excerpt, known_secrets, printable, redact, url_secrets

CHUNK = 64 * 1024
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # a SPARQL answer larger than this is refused, not held in memory
ERROR_BODY_BYTES = 1024 * 1024  # of an error answer, only this much is read (and 200 characters shown)
RETRY_STATUS = frozenset({500, 502, 503, 504})
AUTH_SCHEMES = ("basic", "digest")


class EndpointError(InputError):
    """The endpoint could not be reached, or refused a request, or answered something we cannot use; `status`:
    the HTTP status of a refusal (None when there was no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


# --- URLs --------------------------------------------------------------------------------------------------------

def _shown(url: str) -> str:
    """A URL as an error about it may show it: everything between // and its last @ is user information (an
    unencoded / ? or # in a password cuts the authority short for every parser, so only the last @ is sure),
    masked but for a user name before a colon."""
    start, at = url.find("//"), url.rfind("@")
    if start != -1 and at > start:
        user, colon, _ = url[start + 2 : at].partition(":")
        keep = colon and not any(ch in user for ch in "/?#")
        url = url[: start + 2] + (f"{user}:{MASK}" if keep else MASK) + url[at:]
    return redact(url)


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host; anything else (no scheme, file://, a bad port,
    spaces, an @ after the host) is an input error before anything is sent, which shows the URL with its user
    information masked."""
    shown = _shown(url)
    if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InputError(f"{shown!a}: not a URL (it is empty or holds spaces or control characters)")
    try:
        parts = urlsplit(url)
        scheme, hostname = parts.scheme.lower(), parts.hostname
    except ValueError:  # an unclosed [ or a bracketed host that is not an IPv6 address
        raise InputError(f"{shown}: not a valid URL (a host in [ ] must be an IPv6 address, e.g. "
                         "http://[::1]:7878/query)") from None
    if scheme not in ("http", "https"):
        raise InputError(f"{shown}: not an http:// or https:// URL; endpoints are reached over HTTP only "
                         "(e.g. http://127.0.0.1:7878/query)")
    if url.rfind("@") >= url.find("//") + 2 + len(parts.netloc):  # an @ in the path, query or fragment
        raise InputError(f"{shown}: an @ after the host (in the path, query or fragment) is refused: write a / ? # "
                         "or @ in a user name or password as %2F %3F %23 %40, and an @ in the path or query as %40")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise InputError(f"{shown}: the port is not a number from 1 to 65535")
    if not hostname:
        raise InputError(f"{shown}: no host name (e.g. http://127.0.0.1:7878/query)")
    return url


def _has_userinfo(url: str) -> bool:
    try:
        return bool(urlsplit(url).username)
    except ValueError:
        return False


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    host = parts.hostname or ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# --- one bounded call --------------------------------------------------------------------------------------------

class Deadline:
    """The end of a call: every attempt, backoff and read must finish before it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    content_type: str
    body: bytes
    truncated: bool = False
    location: str = ""  # of a redirect
    challenge: str = ""  # WWW-Authenticate, of a 401


class _Encoded(Exception):
    """An answer in a Content-Encoding that was not asked for (the status, reason and coding as args)."""


class _TooBig(Exception):
    pass


class _Cancelled(Exception):
    pass


class _OutOfTime(Exception):
    pass


class SharedDigestAuth(HTTPDigestAuth):
    """Digest authentication whose nonce outlives a thread: requests keeps it per thread, and each attempt here
    runs in a thread of its own, so every request would first be answered 401 and its body sent twice."""

    def __init__(self, username: str, password: str) -> None:
        super().__init__(username, password)
        self._thread_local = SimpleNamespace()  # one client sends one request at a time


def make_session() -> requests.Session:
    """A session that sends the environment's credentials: a bearer token, or a user and password by Basic or,
    with KG_ENDPOINT_AUTH=digest, Digest authentication (the password never crosses the wire). It does not retry:
    Client does, within the call's deadline."""
    session = requests.Session()
    session.trust_env = False  # no ~/.netrc credentials (unknown to redact) and no proxy from the environment
    session.headers["Accept-Encoding"] = "identity"  # the size limit counts what the server sends
    token = os.environ.get("KG_ENDPOINT_TOKEN")
    scheme = (os.environ.get("KG_ENDPOINT_AUTH") or "basic").strip().lower()
    if scheme not in AUTH_SCHEMES:
        raise InputError(f"KG_ENDPOINT_AUTH={printable(scheme, 20)!r}: expected basic or digest (Virtuoso's "
                         "update endpoints want digest)")
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    elif os.environ.get("KG_ENDPOINT_USER"):
        user, password = os.environ["KG_ENDPOINT_USER"], os.environ.get("KG_ENDPOINT_PASSWORD", "")
        session.auth = SharedDigestAuth(user, password) if scheme == "digest" else (user, password)
    return session


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and every one it wraps (requests wraps urllib3, which wraps the socket's OSError)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend(x for x in (item.__cause__, item.__context__, getattr(item, "reason", None), *item.args)
                    if isinstance(x, BaseException))


def _failure(exc: BaseException) -> tuple[str, str]:
    """What went wrong in an attempt: timeout, dns, refused, tls or other (with a short detail)."""
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, ReadTimeoutError

    chain = list(_chain(exc))
    if any(isinstance(e, socket.gaierror | NameResolutionError) for e in chain):
        return "dns", ""
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused", ""
    if any(isinstance(e, TimeoutError | ConnectTimeoutError | ReadTimeoutError | requests.Timeout) for e in chain):
        return "timeout", ""
    if any(isinstance(e, ssl.SSLError | requests.exceptions.SSLError) for e in chain):
        return "tls", next((str(e) for e in chain if isinstance(e, ssl.SSLError)), "")
    inner = [e for e in chain if isinstance(e, OSError) and not isinstance(e, requests.RequestException)]
    if inner:
        return "other", inner[-1].strerror or inner[-1].__class__.__name__
    if any(isinstance(e, http.client.IncompleteRead) for e in chain):
        return "other", "the answer was cut short"
    return "other", chain[-1].__class__.__name__


def _bounded(work: Callable[[threading.Event], Answer], seconds: float) -> Answer:
    """Run one attempt in a helper thread and wait at most `seconds` for it: the socket timeouts bound each read,
    this bounds the whole attempt (a DNS lookup, a server that trickles bytes). An attempt still running after
    the deadline is told to stop and abandoned (a daemon thread; its own socket timeouts end it)."""
    box: dict[str, Any] = {}
    done = threading.Event()
    cancel = threading.Event()

    def run() -> None:
        try:
            box["answer"] = work(cancel)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="kg-remote-call", daemon=True).start()
    if not done.wait(max(seconds, 0.0)):
        cancel.set()
        raise _OutOfTime
    if "error" in box:
        raise box["error"]
    return box["answer"]


class Client:
    """Sends requests the way every remote call here should: within a deadline, retried with backoff when that
    is safe, answers read up to a size limit, and every message redacted."""

    def __init__(self, retries: int = 3, backoff: float = 0.5, max_bytes: int = MAX_ANSWER_BYTES,
                 session: requests.Session | None = None) -> None:
        self.retries, self.backoff, self.max_bytes = retries, backoff, max_bytes
        self.session = session or make_session()

    def secrets(self, url: str = "") -> set[str]:
        return known_secrets(self.session) | url_secrets(url)

    def error(self, text: str, url: str = "", status: int | None = None) -> EndpointError:
        return EndpointError(redact(text, self.secrets(url)), status)

    def _hint(self, answer: Answer, url: str) -> str:
        """What a 401 asks for, and how to give it (a store may ask for Digest only of a client that sent
        nothing: Virtuoso answers Basic credentials with a bare 401)."""
        if answer.status != 401:
            return ""
        scheme = answer.challenge.strip().split(" ", 1)[0].lower()
        sent = self.session.auth
        token = "Authorization" in self.session.headers
        if not scheme:
            if isinstance(sent, tuple) or _has_userinfo(url):
                return (" (the Basic credentials were refused; if the endpoint wants Digest authentication, as "
                        "Virtuoso's /sparql-auth does, set KG_ENDPOINT_AUTH=digest)")
            return "" if sent or token else " (set KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD)"
        shown = printable(redact(answer.challenge, self.secrets(url)), 80)
        if scheme == "digest" and not isinstance(sent, HTTPDigestAuth):
            todo = ("set KG_ENDPOINT_AUTH=digest" if sent
                    else "set KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD and KG_ENDPOINT_AUTH=digest")
        elif scheme == "basic" and not sent:
            todo = "set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
        elif scheme == "bearer" and not token:
            todo = "set KG_ENDPOINT_TOKEN"
        else:
            todo = "check the credentials"
        return f" (it asks for {scheme.capitalize()} authentication: {shown}; {todo})"

    def _attempt(self, method: str, url: str, seconds: float, body: bytes | Callable[[], Iterable[bytes]] | None,
                 params: dict[str, str] | None, headers: dict[str, str] | None, cancel: threading.Event) -> Answer:
        data = body() if callable(body) else body
        response = self.session.request(method, url, params=params, data=data, headers=headers, stream=True,
                                        timeout=(seconds, seconds), allow_redirects=False)
        try:
            coding = response.headers.get("Content-Encoding", "").strip().lower()
            if coding not in ("", "identity"):  # asked for identity: a compressed answer is refused, not inflated
                raise _Encoded(response.status_code, response.reason or "", coding)
            if 300 <= response.status_code < 400:
                return Answer(response.status_code, response.reason or "", "", b"",
                              location=response.headers.get("Location", ""))
            failed = response.status_code >= 400
            limit = ERROR_BODY_BYTES if failed else self.max_bytes
            declared = response.headers.get("Content-Length", "")
            if not failed and declared.isdigit() and int(declared) > limit:
                raise _TooBig
            chunks: list[bytes] = []
            total = 0
            for chunk in response.raw.stream(CHUNK, decode_content=False):  # the bytes as sent, never inflated
                if cancel.is_set():
                    raise _Cancelled
                total += len(chunk)
                if total > limit:
                    if not failed:
                        raise _TooBig
                    chunks.append(chunk)
                    return Answer(response.status_code, response.reason or "", "", b"".join(chunks)[:limit], True,
                                  challenge=response.headers.get("WWW-Authenticate", ""))
                chunks.append(chunk)
            return Answer(response.status_code, response.reason or "",
                          response.headers.get("Content-Type", ""), b"".join(chunks),
                          challenge=response.headers.get("WWW-Authenticate", ""))
        finally:
            response.close()

    def request(self, method: str, url: str, deadline: Deadline, *,
                body: bytes | Callable[[], Iterable[bytes]] | None = None, params: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, idempotent: bool = True,
                retry_status: frozenset[int] = RETRY_STATUS) -> Answer:
        """The answer (status < 400) to one call, or an EndpointError that says why not. A refused connection is
        retried always (nothing was sent); a lost connection and a 5xx answer of `retry_status` only if the
        request is idempotent; no retry starts that could not finish before the deadline."""
        if isinstance(self.session.auth, HTTPDigestAuth) and _has_userinfo(url):
            raise InputError(f"{_shown(url)}: with KG_ENDPOINT_AUTH=digest, give the user and password in "
                             "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, not in the URL (requests would send those "
                             "by Basic authentication)")
        status: int | None = None
        where = f"{method} {url}"
        attempts = 0

        def timed_out() -> EndpointError:
            tries = f" ({attempts} attempts)" if attempts > 1 else ""
            return self.error(f"{where}: timed out after {deadline.seconds:g} s{tries}", url)

        while True:
            attempts += 1
            left = deadline.left()
            if left <= 0:
                raise timed_out()
            try:
                answer = _bounded(functools.partial(self._attempt, method, url, left, body, params, headers), left)
            except _OutOfTime:
                raise timed_out() from None
            except _TooBig:
                raise self.error(f"{where}: the answer is larger than {_size(self.max_bytes)}; stopped reading it "
                                 "(the limit keeps a runaway answer from filling the memory)", url) from None
            except _Encoded as encoded:
                status, reason, coding = encoded.args
                coding = printable(redact(coding, self.secrets(url)), 40)
                raise self.error(f"{where}: the endpoint answered {status} {reason} compressed (Content-Encoding: "
                                 f"{coding}), which kg did not ask for (it sends Accept-Encoding: identity); the "
                                 "answer was not read", url) from None
            except (requests.exceptions.InvalidHeader, UnicodeError):
                raise self.error(f"{where}: cannot send the request: a credential holds a line break, a character "
                                 "outside Latin-1 or bytes that are not text, which a header cannot carry (check "
                                 "KG_ENDPOINT_TOKEN, KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD)", url) from None
            except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                    requests.exceptions.MissingSchema, ValueError) as exc:
                raise self.error(f"{where}: cannot send the request: {exc}", url) from None
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:  # urllib3's: an answer cut
                kind, detail = _failure(exc)
                if kind == "timeout":
                    raise timed_out() from None
                problem = {
                    "dns": f"{where}: cannot resolve the host name {urlsplit(url).hostname} (DNS lookup failed)",
                    "refused": f"{where}: connection refused by {_host_port(url)} — is the server running?",
                    "tls": f"{where}: TLS error ({detail})",
                    "other": f"{where}: the connection failed ({detail})",
                }[kind]
                retry = kind == "refused" or (kind == "other" and idempotent)
                status = None
            else:
                if 300 <= answer.status < 400:
                    target = printable(redact(answer.location, self.secrets(url)), SHOWN_BODY_CHARS)
                    target = target or "nowhere (no Location header)"
                    raise self.error(f"{where}: the endpoint answered {answer.status} {answer.reason}, a redirect to "
                                     f"{target}; kg does not follow redirects: give the URL it points to", url)
                if answer.status < 400:
                    return answer
                excerpt = answer_excerpt(answer.body, self.secrets(url), answer.truncated)
                problem = (f"{where}: the endpoint answered {answer.status} {answer.reason}".rstrip()
                           + (f": {excerpt}" if excerpt else "") + self._hint(answer, url))
                retry = idempotent and answer.status in retry_status
                status = answer.status
            wait = self.backoff * 2 ** (attempts - 1)
            if not retry or attempts > self.retries or wait >= deadline.left():
                tries = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
                raise self.error(problem + tries, url, status)
            time.sleep(wait)


# --- publishing --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoints:
    """A store's SPARQL query and update URLs (`kg publish` needs both)."""

    query: str
    update: str

    @classmethod
    def of(cls, store: str | None = None, query: str | None = None, update: str | None = None) -> Endpoints:
        """From both URLs, or from an Oxigraph-style BASE/store URL (BASE/query, BASE/update)."""
        if store is not None:
            check_url(store)
        base = store[: -len("/store")] if store and store.endswith("/store") else None
        if (query is None or update is None) and base is None:
            raise InputError(f"{redact(store) + ': ' if store else ''}give --query-endpoint and --update-endpoint"
                             ", or --endpoint with a store URL ending in /store (Oxigraph's BASE/store)")
        return cls(check_url(query or f"{base}/query"), check_url(update or f"{base}/update"))


def body_chunks(data: bytes) -> Iterator[bytes]:
    """The upload, in pieces (streamed, so a large graph is not held twice)."""
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


class Upload:
    """An upload's body, sent in pieces with its Content-Length: a store may take a chunked upload, answer 201
    Created and store nothing (Virtuoso does, issue 16), so the length is always declared."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __len__(self) -> int:  # requests declares it as Content-Length and streams the pieces
        return len(self.data)

    def __iter__(self) -> Iterator[bytes]:
        return body_chunks(self.data)
