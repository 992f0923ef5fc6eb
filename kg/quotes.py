"""Check that every quote occurs verbatim in its source text.

Whitespace runs count as one space (the texts were copied from web pages, with their line breaks); every
other character must match exactly. When a quote is not found, the message shows the closest passage so a
one-character slip is easy to see.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import QuoteError
from .records import RecordFile

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


def closest_passage(quote: str, text: str) -> str:
    """The passage of text, as long as the quote and starting at a word, that is most like the quote."""
    q = normalise(quote)
    t = normalise(text)
    best, best_ratio, best_start = "", -1.0, 0
    starts = [0, *(m.end() for m in re.finditer(r"[\s(“\"]", t))]
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(q)
    for start in starts:
        window = t[start : start + len(q)]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio, best_start = window, ratio, start
    end = best_start + len(best)
    while end < len(t) and t[end].isalnum():  # finish the last word
        end += 1
    return t[best_start:end]


@dataclass(frozen=True)
class QuoteCheck:
    """What was checked: how many quotes, and which source texts could not be found."""

    checked: int
    missing_texts: tuple[str, ...]


def check_quotes(files: list[RecordFile], sources_dir: Path | None,
                 per_file: dict[str, QuoteCheck] | None = None) -> QuoteCheck:
    """Raise QuoteError for the first quote not found in its text; skip sources whose text is unavailable.
    `per_file`, when given, receives each file's own counts (by path)."""
    texts: dict[str, str | None] = {}

    def text_of(name: str) -> str | None:
        if name not in texts:
            path = sources_dir / name if sources_dir else None
            texts[name] = normalise(path.read_text(encoding="utf-8")) if path and path.is_file() else None
        return texts[name]

    checked, missing = 0, set()
    for rf in files:
        before, missing_here = checked, set()
        items = [(rf.source.quote, None, rf.source.lines["quote"], "source.quote")]
        for rec in rf.records:
            items.append((rec.quote, rec.quote_in, rec.quote_line, f"{rec.section.name}.{rec.id}.quote"))
            items.extend(
                (v.quote, v.quote_in, v.line, f"{rec.section.name}.{rec.id}.{v.field.name}")
                for v in rec.values
                if (v.quote, v.quote_in) != (rec.quote, rec.quote_in)
            )
        for quote, quote_in, line, where in items:
            name = quote_in or rf.source.text_file
            text = text_of(name)
            if text is None:
                missing_here.add(name)
                continue
            checked += 1
            if normalise(quote) not in text:
                raise QuoteError(
                    str(rf.path), line, where,
                    f"quote not found verbatim in {name}: {quote!r}; the closest passage is "
                    f"{closest_passage(quote, text)!r}",
                )
        missing |= missing_here
        if per_file is not None:
            per_file[str(rf.path)] = QuoteCheck(checked - before, tuple(sorted(missing_here)))
    return QuoteCheck(checked, tuple(sorted(missing)))


def texts_quoted(rf: RecordFile) -> frozenset[str]:
    """The names of the source texts a file's quotes are checked against."""
    names = {rf.source.text_file}
    for rec in rf.records:
        names.update(q for q in (rec.quote_in, *(v.quote_in for v in rec.values)) if q)
    return frozenset(names)
