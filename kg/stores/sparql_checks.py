"""What a query or update sent to `kg serve` may not do, read before it reaches Oxigraph: SERVICE and LOAD (they
would make the server send requests wherever a client asks), and nesting or chains of operators deep enough to
overflow the stack of Oxigraph's recursive parser and evaluator (one such query aborted the whole server). The
text is first brought to the one reading rdflib and Oxigraph agree on (`canonical`), which is what the guard of
kg/stores/guard.py sends on."""
from __future__ import annotations

import ctypes
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

from kg.query.sparql import ESCAPE, HIDDEN

_PARSE_LOCK = threading.Lock()  # rdflib's pyparsing grammar is shared state, and so is the recursion limit
PARSE_STACK = 256 * 1024 * 1024  # address space reserved for the parsing thread (used only as deep as it goes)
PARSE_RECURSION = 20000  # enough for well over 1,000 triple patterns in one group
PARSE_SECONDS = 10.0  # a request rdflib cannot parse in this time is refused as unchecked
# Oxigraph's parser and evaluator recurse once per level of brackets and once per link of a chain (a + b + …,
# a | b | …, { } { } …, OPTIONAL … OPTIONAL …): 2,200 nested { } (6 KB) or 2,600 BINDs overflow a 2 MiB thread
# stack and abort the server. kg serve runs it with 64 MiB thread stacks (RUST_MIN_STACK), where the least
# depth that crashes is 6,600 nested FILTER EXISTS { } and the shortest chain 47,000 MINUS { } (Oxigraph 0.5.13;
# tests/test_serve.py sends queries at both bounds at once), and refuses a text past either bound below.
MAX_NESTING = 128  # levels of { } ( ) [ ]: ten times the bundled queries' deepest (a test holds them to it)
MAX_LINKS = 10_000  # operators and group patterns in one text (not its triples, values or data)


# --- what a query may not do -------------------------------------------------------------------------------------

REFUSED_SERVICE = ("kg serve refuses SERVICE: a federated query would make this server send requests to other "
                   "hosts. Start it with `kg serve --allow-service` to allow federated queries.")
REFUSED_LOAD = ("kg serve refuses LOAD: it would make this server fetch a URL. Start it with "
                "`kg serve --allow-service` to allow LOAD.")
UNCHECKED = ("kg serve could not check this request for SERVICE or LOAD ({why}), so it was not run. Start it with "
             "`kg serve --allow-service` to pass requests unchecked.")
_LEFT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")  # what rdflib (\u or \U, 4 or 8 digits) would still expand
_BARE = re.compile(r"(?<![\w:?$@\\~-])(?<!\w\.)(SERVICE|LOAD)(?![\w:-])", re.I)


TOO_DEEP = ("kg serve refuses this request: its brackets ({ }, ( ) and [ ]) nest deeper than "
            f"{MAX_NESTING} levels, its bound (a text nested so deep could overflow the stack of Oxigraph's parser); "
            "write it with fewer nested groups, parentheses or lists")
TOO_LONG = ("kg serve refuses this request: it chains {links:,} operators and group patterns (+ - * / | && || {{ "
            f"UNION OPTIONAL MINUS BIND FILTER VALUES GRAPH SERVICE EXISTS), past its bound of {MAX_LINKS:,} (a "
            "chain so long could overflow the stack of Oxigraph's evaluator); split it into several requests")
_NAMES = re.compile(r"[?$]\w+|(?:\w[\w.-]*)?:[\w.:%-]*")  # variables and prefixed names, which may hold - . :
_LINKS = re.compile(r"&&|\|\||[-+*/|{]|\b(?:UNION|OPTIONAL|MINUS|BIND|FILTER|VALUES|GRAPH|SERVICE|EXISTS)\b", re.I)
_NOT_BRACKETS = re.compile(r"[^{}()\[\]]+")
_OPENING = frozenset("{([")


def too_deep(text: str) -> str | None:
    """Why a (canonical) text is refused for its nesting or its chains (TOO_DEEP, TOO_LONG), or None. Both are
    counted outside strings, IRIs and comments (chains also outside variables and prefixed names, which may hold
    a -): a lexical reading, which a text built to make it disagree with Oxigraph's grammar may slip past; such a
    text then costs a restart of Oxigraph (kg/stores/serve.py), not the server."""
    bare = HIDDEN.sub(" ", text)
    links = len(_LINKS.findall(_NAMES.sub(" ", bare)))
    if links > MAX_LINKS:
        return TOO_LONG.format(links=links)
    depth = 0
    for bracket in _NOT_BRACKETS.sub("", bare):  # at most 16 MiB of brackets: a second or two
        if bracket in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return TOO_DEEP
        elif depth:
            depth -= 1
    return None


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
    text is first brought to its canonical form (see `canonical`; the proxy sends Oxigraph that form), then
    refused if it nests or chains past the bounds that keep Oxigraph's stack whole (`too_deep`). A text
    without the letters SERVICE or LOAD (in any case) passes at once. One with them is refused if SERVICE or LOAD
    stands as a word outside every comment, string and IRI, or if rdflib's parse (as a query, an update, or for
    None either) fails or has a SERVICE pattern or a LOAD operation: two independent readings, and a text either
    cannot place is refused rather than trusted."""
    try:
        text = canonical(text)
    except Unsafe as exc:
        return UNCHECKED.format(why=str(exc))
    deep = too_deep(text)
    if deep:
        return deep
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
