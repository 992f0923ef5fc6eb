"""What a message about an endpoint may show: credentials never appear in one. Every message built from remote
data (an endpoint's URL, a server's answer, a header) goes through `redact`, which masks the user information of
every URL and every credential this process may send, as it is and in its escaped, percent- and base64-encoded
forms; a server's answer is shown as one short printable line (an HTML error page as its words). kg/query/endpoint.py
builds its errors with these; kg/query/remote.py its errors about SPARQL answers.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

import requests
from requests.auth import HTTPDigestAuth

SHOWN_BODY_CHARS = 200
MASK = "***"
SHORT_SECRET = 4  # characters: a secret shorter than this is masked only where it stands alone


# --- secrets -----------------------------------------------------------------------------------------------------

def _userinfo_end(text: str, start: int) -> int:
    """Where the authority that starts at `start` ends (the next /, ?, # or whitespace)."""
    end = start
    while end < len(text) and text[end] not in "/?#" and not text[end].isspace():
        end += 1
    return end


def _redact_userinfo(text: str) -> str:
    """`scheme://user:password@host` becomes `scheme://user:***@host`; a user name alone (often a token) becomes
    `***`. The last @ of the authority counts, as it does for urllib3."""
    out: list[str] = []
    pos = 0
    while (found := text.find("://", pos)) != -1:
        start = found + 3
        end = _userinfo_end(text, start)
        at = text.rfind("@", start, end)
        if at == -1:
            out.append(text[pos:end])
        else:
            user, colon, _ = text[start:at].partition(":")
            out.append(text[pos:start] + (f"{user}:{MASK}" if colon else MASK) + "@")
            out.append(text[at + 1 : end])
        pos = end if end > found else found + 3
    out.append(text[pos:])
    return "".join(out)


def _variants(secret: str) -> set[str]:
    """A secret as it may be echoed back: as it is, escaped (Python, JSON), percent-encoded, base64-encoded."""
    found = {secret, repr(secret)[1:-1], ascii(secret)[1:-1], json.dumps(secret)[1:-1]}
    try:
        found |= {quote(secret, safe=""), quote(secret), base64.b64encode(secret.encode("utf-8")).decode("ascii")}
    except UnicodeEncodeError:  # a lone surrogate from the environment (bytes that are not UTF-8)
        pass
    return {s for s in found if s}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with the user information of every URL masked and every known secret (and its percent- and
    base64-encoded forms) replaced by ***. Every message built from an endpoint URL or a server's answer goes
    through here, so a password in a URL or a token echoed in a 401 body is never printed."""
    text = _redact_userinfo(text)
    every: set[str] = set()
    for secret in secrets:
        if secret:
            every |= _variants(secret)
    for secret in sorted(every, key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            text = text.replace(secret, MASK)
        else:  # a very short secret is masked where it stands alone, not inside every word that holds it
            text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", MASK, text)
    return text


def _basic(user: str, password: str) -> str:
    """The credential part of a Basic Authorization header, as requests builds it."""
    raw = f"{user}:{password}"
    try:
        data = raw.encode("latin1")
    except UnicodeEncodeError:
        data = raw.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def url_secrets(url: str) -> set[str]:
    """The password (and the Basic credential made from it) of a URL with user information."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return set()
    found: set[str] = set()
    if password:
        found |= {password, unquote(password), _basic(unquote(user or ""), unquote(password))}
    elif user:  # a bare user name in a URL is usually a token
        found |= {user, unquote(user)}
    return found


def known_secrets(session: requests.Session | None = None) -> set[str]:
    """Every credential this process may send: the environment's, and the session's Authorization header."""
    found = {os.environ.get("KG_ENDPOINT_TOKEN", ""), os.environ.get("KG_ENDPOINT_PASSWORD", "")}
    if session is not None:
        header = str(session.headers.get("Authorization", ""))
        found |= {header, header.partition(" ")[2]}
        if isinstance(session.auth, tuple) and len(session.auth) == 2:
            user, password = (str(x) for x in session.auth)
            found |= {password, _basic(user, password)}
        elif isinstance(session.auth, HTTPDigestAuth):
            secret = session.auth.password  # str as make_session sets it; requests also allows bytes
            found.add(secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret)
    return {s for s in found if s}


class _Text(HTMLParser):
    """The words of an HTML page (an error page's title, heading and message), without its markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.words.append(data)


def _words(text: str) -> str:
    """An HTML error page as its text (a store's message is inside its markup: Virtuoso's 403 starts with a long
    DOCTYPE line); anything else as it is."""
    if not text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    return " ".join(parser.words)


def answer_excerpt(body: bytes, secrets: Iterable[str], truncated: bool = False) -> str:
    """A server's answer as one short printable line (an HTML page as its words), secrets masked (masked before
    cutting, so a cut never shows part of a secret)."""
    text = _words(body.decode("utf-8", "replace"))
    secrets = [s for s in secrets if s]
    if truncated and secrets:  # a secret cut by the read limit would not be recognised: drop the tail
        text = text[: max(0, len(text) - max(len(s) for s in secrets) * 2)]
    return printable(redact(text, secrets), SHOWN_BODY_CHARS)


def printable(text: str, limit: int) -> str:
    """A server's short value (a header) as one printable line of at most `limit` characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text[:limit] + ("…" if len(text) > limit else "")
