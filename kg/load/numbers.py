"""Numbers are checked like quotes: a whole number, a date or a year a record gives must appear in the passage
it cites (as digits, with or without thousands separators, or as an English number word), so that a slip
(`sample_size: 3900` for "n = 39") or a computed total the source never states cannot pass as a fact. A value
that is derived rather than stated says so (`derived_from`), and the graph marks it.

A count is a count, not a date: digits that are part of a date in the quote do not state it (`sample_size: 2017`
against "registered in May 2017"). They are a day or a year joined to a month's name (4 May 2017, 20–22 September
2017, May 2017, 2019 Feb 11), a numeric date (2017-05-04, 04/05/2017, 2017-05), a year alone in parentheses,
perhaps after a name ((2017), (Smith 2017)), or a year from 1800 to 2099 after in, since, from, during, until,
till or by ("in 2017"). And numbers written inside text (an estimate's wording, "RR 1.2 (95%
CI 0.9 to 1.6)") are checked the same way: each must appear in the quote (`numbers_missing`); a name's number
("Study 7") names, and is not.
"""

from __future__ import annotations

import re
from decimal import Decimal

UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = ("january february march april may june july august september october november december").split()


def number_words(n: int) -> list[str]:
    """English spellings of 0–999 ("twelve", "forty-two", "forty two", "one hundred and five")."""
    if n < 20:
        return [UNITS[n]]
    if n < 100:
        tens, unit = TENS[n // 10 - 2], n % 10
        return [tens] if unit == 0 else [f"{tens}-{UNITS[unit]}", f"{tens} {UNITS[unit]}"]
    if n < 1000:
        head, rest = f"{UNITS[n // 100]} hundred", n % 100
        if rest == 0:
            return [head, "a hundred"] if n == 100 else [head]
        return [f"{head}{joint}{word}" for word in number_words(rest) for joint in (" and ", " ")]
    return []


def _digits(n: int) -> str:
    """A pattern of `n` in digits: 1200, 1,200, 1 200 (thin or non-breaking spaces too), never inside a longer
    number."""
    groups = f"{n:,}".split(",")
    return r"(?<![0-9.,])" + r"[,\u00a0\u2009\u202f ]?".join(groups) + r"(?![0-9]|[.,][0-9])"


_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH = r"(?:" + "|".join(f"{m[:3]}(?:{m[3:]}|\\.)?" for m in MONTHS) + r")(?![a-z])"
_DAY = rf"(?<![0-9])[0-9]{{1,2}}{_ORDINAL}"
# the spans of a quote whose digits are a date's, not a count's (see the module's docstring)
_DATES = re.compile("|".join((
    rf"(?:(?<![0-9])[0-9]{{4}}\s+)?(?:{_DAY}\s*(?:[-–—]|to|and)\s*)?(?:{_DAY}\.?\s+(?:of\s+)?)?{_MONTH}"
    rf"(?:\s*{_DAY}(?![0-9])(?:\s*[-–—]\s*{_DAY})?,?)?(?:\s*(?<![0-9])[0-9]{{4}}(?![0-9]))?",
    r"(?<![0-9])[0-9]{4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?(?![0-9])",
    r"(?<![0-9])[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}(?![0-9])",
    r"\((?:[A-Za-z][^()=0-9]*\s)?[0-9]{4}[a-z]?\)",
    r"\b(?:in|since|from|during|until|till|by)\s+(?:1[89]|20)[0-9]{2}(?![0-9])",  # "in 2017": a year alone
)), re.IGNORECASE)


def date_spans(quote: str) -> list[tuple[int, int]]:
    """Where the quote writes a date: its digits are not a count."""
    return [m.span() for m in _DATES.finditer(quote) if any(c.isdigit() for c in m.group())]


def number_in(n: int, quote: str) -> bool:
    """Whether the quote states the whole number `n` as a count: digits outside any date, or a number word."""
    dates = date_spans(quote)
    if any(not any(a <= m.start() < b for a, b in dates) for m in re.finditer(_digits(n), quote)):
        return True
    lowered = quote.casefold().replace("\u2010", "-").replace("\u2011", "-")
    return any(re.search(rf"(?<![a-z-]){re.escape(word)}(?![a-z-])", lowered) for word in number_words(n))


def date_in(value: str, quote: str) -> bool:
    """Whether the quote states the year of `value` (YYYY or YYYY-MM-DD) and, for a day, its day and its month
    (as a number, a name or a three-letter abbreviation)."""
    year, _, rest = value.partition("-")
    if not re.search(rf"(?<![0-9]){year}", quote):  # "201722." in a date range still states 2017
        return False
    if not rest:
        return True
    name = MONTHS[int(rest[:2]) - 1]
    named = re.search(rf"(?<![a-z]){name[:3]}(?:{name[3:]}|\.)?(?![a-z])", quote.casefold()) is not None
    if len(rest) == 2:  # a month: its name, or its number beside the year (2013-07, 07/2013)
        return named or re.search(rf"{year}[-/.]0?{int(rest)}(?![0-9])|(?<![0-9])0?{int(rest)}[-/.]{year}",
                                  quote) is not None
    month, day = (int(part) for part in rest.split("-"))
    numbers = [int(n) for n in re.findall(r"(?<![0-9])0?([0-9]{1,2})(?![0-9])", quote.replace(year, " "))]
    if day not in numbers:
        return False
    return named or (month in numbers and (month != day or numbers.count(month) >= 2))


def decimal_in(value: Decimal, quote: str) -> bool:
    """Whether the quote prints the number as written (1.93; 0.03 also as .03; a negative one with its minus as
    "-", "−" or "–"). A positive number after a dash still counts: "1.13–3.30" is a range."""
    text = str(value)
    negative, magnitude = text.startswith("-"), text.lstrip("-")
    digits = f"0?{re.escape(magnitude[1:])}" if magnitude.startswith("0.") else re.escape(magnitude)
    sign = r"[-−–]\s?" if negative else ""
    return re.search(rf"(?<![0-9.]){sign}{digits}(?![0-9]|\.[0-9])", quote) is not None


# a number as a text prints it: 1.2, .05, 1,480, 12; a minus only where it cannot be a range's dash
_PRINTED = re.compile(r"(?:(?<![0-9A-Za-z.,])[-−](?=\.?[0-9]))?(?<![0-9.])(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])"
                      r"|[0-9]*\.[0-9]+|[0-9]+)")


def numbers_missing(text: str, quote: str) -> list[str]:
    """The numbers `text` prints (an estimate's wording) that its quote does not: a whole number as digits or a
    word, a decimal as printed, a number with leading zeros as written."""
    missing = []
    for match in _PRINTED.finditer(text):
        token = match.group()
        digits = token.lstrip("-−").replace(",", "")
        if "." in digits or token[0] in "-−":
            found = decimal_in(Decimal(("-" if token[0] in "-−" else "") + digits), quote)
        elif (digits.startswith("0") and digits != "0") or len(digits) > 30:  # as written (no int() of 5,000 digits)
            found = re.search(rf"(?<![0-9.]){digits}(?![0-9]|\.[0-9])", quote) is not None
        else:
            found = re.search(_digits(int(digits)), quote) is not None or number_in(int(digits), quote)
        if not found and token not in missing:
            missing.append(token)
    return missing


def wording_problem(text: str, quote: str) -> str | None:
    """The problem of a text whose numbers its quote does not all state, in the number check's words."""
    missing = numbers_missing(text, quote) if text != quote else []
    if not missing:
        return None
    shown = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    one = len(missing) == 1
    return (f"{shown} (in {text!r}) {'does' if one else 'do'} not appear in its quote {quote!r}: give the passage "
            f"that states {'it' if one else 'them'} (digits or an English number word)")


def stated_in(value: int | str | Decimal, quote: str) -> bool:
    """Whether a number or a date (as the loader checked it) appears in its quote."""
    if isinstance(value, Decimal):
        return decimal_in(value, quote)
    return number_in(value, quote) if isinstance(value, int) else date_in(value, quote)
