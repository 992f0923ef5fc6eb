"""Check that every quote occurs verbatim in its source text.

Whitespace runs count as one space (the texts were copied from web pages, with their line breaks); every
other character must match exactly. When a quote is not found, the message shows the closest passage so a
one-character slip is easy to see.

Record files name their source texts (`source.text_file`, `quote_in`), and a record file may come from anyone:
a name is only ever looked up inside the sources folder (no absolute path, no `..`, no link leading out, only a
regular file, opened without blocking), so that the closest-passage hint can never show another file's content.
The exact check is a substring search on the normalised text (linear); the hint looks only near the places
where pieces of the quote occur (or align best), so that it stays bounded for long quotes and long texts.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from kg.base.errors import QuoteError, RecordError, display_path
from kg.load.records import RecordFile

_WS = re.compile(r"\s+")
_WORD_START = re.compile(r"[\s(“\"]")  # a passage starts after one of these (or at the start of the text)
_AFTER = frozenset(" (“\"")  # the same characters in a normalised text (its only whitespace is a space)

SHOWN = 300  # the longest quote or passage a message shows whole
WORD_MAX = 40  # the most characters the hint adds to finish its last word
_EXHAUSTIVE = 2_000_000  # text length × quote length up to which every word start is tried
_SLACK = 24  # characters either side of a guessed start where word starts are tried
_NEAREST = 12  # the most word starts tried per guess (the nearest to it)
_GUESSES = 8  # the best-voted guesses kept from the anchors
_ANCHORS = 64  # pieces of the quote looked up verbatim
_HITS = 16  # an anchor found more often than this says nothing about where the quote is
_CLOSE = 0.9  # a similarity at which the anchors' guess is good enough
_PIECE = 64  # the length of the pieces aligned approximately (rapidfuzz's fast case)
_COMPARED = 10_000  # the most characters of a quote compared with a window (the comparison is quadratic)
RACY_NS = 2_000_000_000  # a file modified this recently may change again within the same time stamp

Stamp = tuple[int, int]  # modification time (ns; -1: too recent to vouch for) and size
TextState = tuple[Stamp, str]  # the stamp taken before reading, and the SHA-256 of the bytes read


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


# ------------------------------------------------------------------------------------------ source texts


class SourceTextError(ValueError):
    """A source text name refused, or a source text that cannot be used; `problem` says why, for a message
    that also names the record file, line and field."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


def file_stamp(info: os.stat_result) -> Stamp:
    """A file's modification time and size, to skip re-reading unchanged files. A file modified within the
    last RACY_NS may be written again within the same time stamp (file systems count time in ticks), so its
    time is replaced by -1, which never matches: the next look compares its content instead."""
    mtime = info.st_mtime_ns
    return (-1 if mtime >= time.time_ns() - RACY_NS else mtime), info.st_size


def same_stamp(known: Stamp, now: Stamp) -> bool:
    """Whether a stamp vouches that a file is as it was (a stamp of -1 vouches for nothing)."""
    return known == now and known[0] >= 0


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _where(sources_dir: Path | None) -> str:
    return display_path(sources_dir) if sources_dir is not None else "the sources folder"


def _outside(name: str, why: str, sources_dir: Path | None) -> SourceTextError:
    return SourceTextError(f"{name!r} is not a file name inside the sources folder ({why}); "
                           f"give the name of a file in {_where(sources_dir)}")


def source_text_path(sources_dir: Path | None, name: str) -> Path | None:
    """The real path of the source text `name` inside `sources_dir`, or None when it is not there (or there is
    no sources folder: then only the name itself is checked). Raises SourceTextError for a name that would
    reach outside the folder (absolute, `..`, a link leading out) or that names something other than a regular
    file; a FIFO or a device is refused on its stat, never opened."""
    if "\0" in name:
        raise _outside(name, "it contains a NUL character", sources_dir)
    pure = PurePath(name)
    if pure.anchor or os.path.isabs(name):
        raise _outside(name, "an absolute path", sources_dir)
    if ".." in pure.parts:
        raise _outside(name, "it goes up with '..'", sources_dir)
    if sources_dir is None:
        return None
    root = Path(os.path.realpath(sources_dir))
    real = Path(os.path.realpath(root / name))
    if real != root and root not in real.parents:
        raise _outside(name, "a symbolic link leading out of the folder", sources_dir)
    try:
        info = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise SourceTextError(f"{name!r} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceTextError(f"{name!r} is {_kind(info.st_mode)}, not a text file; "
                              f"give the name of a text file in {_where(sources_dir)}")
    return real


def read_source_text(sources_dir: Path | None, name: str) -> tuple[str, TextState] | None:
    """The text of a source text (None when it is not in the folder) and its state: the stamp taken before
    reading and the digest of the bytes read, so that a later check sees any edit made after this read.
    Opened without following a link and without blocking, and checked again on the open file (the name could
    have been swapped for something else since it was resolved)."""
    path = source_text_path(sources_dir, name)
    if path is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SourceTextError(f"{name!r} cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceTextError(f"{name!r} is {_kind(info.st_mode)}, not a text file; "
                                  f"give the name of a text file in {_where(sources_dir)}")
        stamp = file_stamp(info)
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceTextError(f"{name!r} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                              "save it as UTF-8") from None
    return text, (stamp, hashlib.sha256(data).hexdigest())


# ------------------------------------------------------------------------------------------ the hint


def closest_passage(quote: str, text: str) -> str:
    """The passage of text, as long as the quote (plus the rest of its last word) and starting at a word,
    that is most like the quote (the normalised Indel similarity: the longest common subsequence).

    A small text is tried at every word start. In a large one only the word starts near a guess are tried:
    where pieces of the quote occur verbatim (a one-character slip leaves most pieces intact; each vote says
    where the quote would start), and where rapidfuzz aligns a few pieces of up to 64 characters best (for a
    quote with many slips). Time: a few scans of the text plus a bounded number of comparisons."""
    return _closest(normalise(quote), normalise(text))


def _closest(q: str, t: str) -> str:
    n = len(q)
    if not n or not t:
        return ""
    if len(t) * n <= _EXHAUSTIVE:
        best, start = _best(q, t, [0, *(m.end() for m in _WORD_START.finditer(t))])
    else:
        best, start = _best(q, t, _near(t, _anchored(q, t)))
        if best < _CLOSE:  # no piece of the quote occurs intact: align a few pieces approximately
            best, start = _best(q, t, sorted({start, *_near(t, _aligned(q, t))}))
    end = min(start + n, len(t))
    limit = min(end + WORD_MAX, len(t))
    while end < limit and t[end].isalnum():  # finish the last word
        end += 1
    return t[start:end]


def _near(t: str, guesses: list[int]) -> list[int]:
    return sorted({s for guess in guesses for s in _word_starts_near(t, guess)})


def _best(q: str, t: str, starts: list[int]) -> tuple[float, int]:
    """The highest similarity of a window of the quote's length at one of the starts, and the first start
    that has it (of a longer quote, only the first _COMPARED characters are compared)."""
    from rapidfuzz.distance import Indel

    q = q[:_COMPARED]
    best_ratio, best_start = -1.0, starts[0] if starts else 0
    for start in starts:
        ratio = Indel.normalized_similarity(q, t[start : start + len(q)], score_cutoff=max(best_ratio, 0.0))
        if ratio > best_ratio:
            best_ratio, best_start = ratio, start
    return best_ratio, best_start


def _anchored(q: str, t: str) -> list[int]:
    """Where the quote would start, by the votes of its pieces found verbatim (the best voted first)."""
    n = len(q)
    if n < 8:
        return []
    k = max(4, min(16, n // 4))
    count = min(_ANCHORS, max(2, n // k))
    offsets = sorted({round(i * (n - k) / (count - 1)) for i in range(count)})
    votes: Counter[int] = Counter()
    for offset in offsets:
        anchor, hits = q[offset : offset + k], list[int]()
        at = t.find(anchor)
        while at >= 0 and len(hits) <= _HITS:
            hits.append(at - offset)
            at = t.find(anchor, at + 1)
        if len(hits) <= _HITS:
            votes.update(hits)
    return [start for start, _ in votes.most_common(_GUESSES)]


def _aligned(q: str, t: str) -> list[int]:
    """Where the quote would start, by rapidfuzz's best alignment of its first, middle and last 64 characters
    (each alignment scans the text once; a cutoff skips the windows less than half alike, and only when no
    piece is half alike anywhere is the first aligned without it)."""
    from rapidfuzz.fuzz import partial_ratio_alignment

    n = len(q)
    offsets = [0] if n <= _PIECE else sorted({0, (n - _PIECE) // 2, n - _PIECE})
    guesses = []
    for cutoff in (50, 0):
        for offset in offsets if cutoff else offsets[:1]:
            piece = q[offset : offset + _PIECE]
            if len(piece) >= len(t):
                return [0]
            found = partial_ratio_alignment(piece, t, score_cutoff=cutoff)
            if found is not None:
                guesses.append(found.dest_start - found.src_start - offset)
        if guesses:
            break
    return guesses


def _word_starts_near(t: str, guess: int) -> list[int]:
    """The word starts within _SLACK characters of a guessed start (the _NEAREST nearest); else the one before
    it (or the guess itself)."""
    guess = min(max(guess, 0), len(t) - 1)
    low, high = max(0, guess - _SLACK), min(len(t), guess + _SLACK + 1)
    found = [p for p in range(low, high) if p == 0 or t[p - 1] in _AFTER]
    if found:
        return sorted(found, key=lambda p: (abs(p - guess), p))[:_NEAREST]
    back = max(t.rfind(c, max(0, guess - 4 * _SLACK), guess) for c in _AFTER)
    return [back + 1 if back >= 0 else guess]


def _shown(text: str) -> str:
    """A quote or passage for a message: whole up to SHOWN characters, else cut with '…'."""
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _difference(q: str, passage: str) -> str:
    """Where a long quote first differs from its closest passage, with a little context on both sides."""
    at = next((i for i, (a, b) in enumerate(zip(q, passage, strict=False)) if a != b), min(len(q), len(passage)))
    low = max(0, at - 30)
    return (f"; they first differ at character {at + 1} of the quote: {q[low : at + 30]!r} where the source "
            f"has {passage[low : at + 30]!r}")


def quote_problem(name: str, quote: str, text: str) -> str:
    """The message for a quote not found in its (normalised) source text: the quote and the closest passage,
    each at most SHOWN characters; for a longer quote also where the two first differ."""
    passage = _closest(normalise(quote), text)
    if len(quote) <= SHOWN:
        return f"quote not found verbatim in {name}: {quote!r}; the closest passage is {_shown(passage)}"
    return (f"quote not found verbatim in {name}: {_shown(quote)} ({len(quote)} characters); the closest "
            f"passage is {_shown(passage)}{_difference(normalise(quote), passage)}")


# ------------------------------------------------------------------------------------------ the check


@dataclass(frozen=True)
class QuoteCheck:
    """What was checked: how many quotes, and which source texts could not be found. `read` gives the state of
    each source text as it was read (None: not found), for `kg check` to notice later edits; it takes no part
    in comparisons."""

    checked: int
    missing_texts: tuple[str, ...]
    read: Mapping[str, TextState | None] = field(default_factory=dict, compare=False, repr=False)


def check_quotes(files: list[RecordFile], sources_dir: Path | None,
                 per_file: dict[str, QuoteCheck] | None = None) -> QuoteCheck:
    """Raise QuoteError for the first quote not found in its text; skip sources whose text is unavailable.
    Raise RecordError, naming the field that gives it, for a text name outside the sources folder or a text
    that is not a regular UTF-8 file. `per_file`, when given, receives each file's own counts (by path)."""
    texts: dict[str, str | None] = {}
    read: dict[str, TextState | None] = {}

    def text_of(name: str, rf: RecordFile, line: int, where: str) -> str | None:
        if name not in texts:
            try:
                found = read_source_text(sources_dir, name)
            except SourceTextError as exc:
                raise RecordError(str(rf.path), line, where, exc.problem) from None
            texts[name] = normalise(found[0]) if found is not None else None
            read[name] = found[1] if found is not None else None
        return texts[name]

    checked, missing = 0, set()
    for rf in files:
        before, missing_here = checked, set()
        declared = (rf.source.lines["text_file"], "source.text_file")
        items: list[tuple[str, str | None, int, str, tuple[int, str]]] = [
            (rf.source.quote, None, rf.source.lines["quote"], "source.quote", declared)]
        for rec in rf.records:
            if rec.section.curated:  # a curator's judgement cites no passage
                continue
            where = f"{rec.section.name}.{rec.id}"
            items.append((rec.quote, rec.quote_in, rec.quote_line, f"{where}.quote",
                          (rec.quote_line, f"{where}.quote_in") if rec.quote_in else declared))
            items.extend(
                (v.quote, v.quote_in, v.line, f"{where}.{v.field.name}",
                 (v.line, f"{where}.{v.field.name}.quote_in") if v.quote_in else declared)
                for v in rec.values
                if (v.quote, v.quote_in) != (rec.quote, rec.quote_in)
            )
            items.extend(  # words a value carries that the source prints (a table row's heading)
                (printed, v.quote_in, v.line, f"{where}.{v.field.name}",
                 (v.line, f"{where}.{v.field.name}.quote_in") if v.quote_in else declared)
                for v in rec.values for item in v.items for printed in v.field.kind.item_quotes(item))
        for quote, quote_in, line, where, (name_line, name_field) in items:
            name = quote_in or rf.source.text_file
            text = text_of(name, rf, name_line, name_field)
            if text is None:
                missing_here.add(name)
                continue
            checked += 1
            if normalise(quote) not in text:
                raise QuoteError(str(rf.path), line, where, quote_problem(name, quote, text))
        missing |= missing_here
        if per_file is not None:
            per_file[str(rf.path)] = QuoteCheck(checked - before, tuple(sorted(missing_here)))
    return QuoteCheck(checked, tuple(sorted(missing)), read)


def texts_quoted(rf: RecordFile) -> frozenset[str]:
    """The names of the source texts a file's quotes are checked against."""
    names = {rf.source.text_file}
    for rec in rf.records:
        names.update(q for q in (rec.quote_in, *(v.quote_in for v in rec.values)) if q)
    return frozenset(names)
