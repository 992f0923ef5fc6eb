"""Whether a literal's lexical form is in the lexical space of its XSD datatype: one place for the record loader
and `kg validate --data`.

Why here and not with regular expressions scattered around: Python's `\\d` matches any Unicode digit (Arabic-Indic
"٢٠١٧" passed as an xsd:gYear), `$` matches before a final newline, and a pattern cannot say that 2017-02-30 is
not a day. Every rule below uses ASCII digits only, full matches, and checks dates against the (proleptic
Gregorian) calendar. Lexical forms are judged as written, without XSD's whitespace collapsing: " 12" is refused,
as rdflib and Oxigraph would not read it as 12 either.

Durations follow the project's rule (DURATION_RE below): P[nY][nM][nD][T[nH][nM][n[.n]S]], no weeks
(XSD has none; "P7W" gets the hint to write days).

Control characters are refused in every literal (`control_character`): the C0 controls except tab, line feed
and carriage return, DEL, the C1 controls, lone surrogates and U+FFFE/U+FFFF. The C0 ones, surrogates and
U+FFFE/U+FFFF make an RDF/XML export ill-formed XML (XML 1.0's Char production excludes them); DEL and C1 are
legal XML but are never meaningful in text a curator writes (they are the usual trace of a wrong encoding).

No dependencies, compiled patterns, no int() on unbounded digit strings: cheap enough for every literal of a
million-triple file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

XSD = "http://www.w3.org/2001/XMLSchema#"

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # see control_character

_YEAR = r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"  # four digits or more, no leading zero beyond four
_MONTH = r"(?P<month>0[1-9]|1[0-2])"
_DAY = r"(?P<day>0[1-9]|[12][0-9]|3[01])"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DURATION_TIME = r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"

_INTEGER = re.compile(r"[+-]?[0-9]+")
_PATTERNS: dict[str, re.Pattern[str]] = {
    "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    "double": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    "boolean": re.compile(r"true|false|1|0"),
    "date": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}"),
    "dateTime": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}"),
    "dateTimeStamp": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"),
    "time": re.compile(f"{_TIME}{_TZ}"),
    "gYear": re.compile(f"{_YEAR}{_TZ}"),
    "gYearMonth": re.compile(f"{_YEAR}-{_MONTH}{_TZ}"),
    "gMonth": re.compile(f"--{_MONTH}{_TZ}"),
    "gDay": re.compile(f"---{_DAY}{_TZ}"),
    "gMonthDay": re.compile(f"--{_MONTH}-{_DAY}{_TZ}"),
    "duration": re.compile(r"-?P(?=[0-9]|T[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?" + _DURATION_TIME),
    "yearMonthDuration": re.compile(r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?"),
    "dayTimeDuration": re.compile(r"-?P(?=[0-9]|T[0-9])(?:[0-9]+D)?" + _DURATION_TIME),
    "language": re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"),
    "hexBinary": re.compile(r"(?:[0-9a-fA-F]{2})*"),
    "base64Binary": re.compile(r"(?:(?:[A-Za-z0-9+/] ?){4})*(?:(?:[A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]|"
                               r"(?:[A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?"),
}
_PATTERNS["float"] = _PATTERNS["double"]
_WEEKS = re.compile(r"-?P([0-9]{1,9})W")
_MONTH_WRITTEN = re.compile(r"-?[0-9]{4,}-([0-9]{2})")  # to say "no month 13" rather than only "not valid"
_URI_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")

# (lowest, highest) value of each integer type; None is unbounded
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
INTEGERS = frozenset(XSD + local for local in _INTEGER_RANGES)  # the integer datatypes' IRIs
_STRINGS = ("string", "normalizedString", "token")


_NUMBER = r"([0-9]{1,6})"  # at most 999,999 of a unit: far beyond any intervention, and day counts fit 64 bits
# The record format's durations: xsd:duration without a sign, weeks or fractions other than seconds (see
# shared/reference/datatypes.md); ASCII digits only (Python's \d also matches Arabic-Indic and other digits).
DURATION_RE = re.compile(
    rf"^P(?=[0-9]|T[0-9])(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?"
    rf"(?:T(?=[0-9])(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:([0-9]{{1,6}}(?:\.[0-9]{{1,9}})?)S)?)?$"
)
DURATION_HINT = ("an xsd:duration such as P9M, P3M or P49D (P[nY][nM][nD][T[nH][nM][nS]], each number of at most "
                 "6 digits; write weeks as days)")


def duration_days(value: str) -> int:
    """Comparable length of a record-format duration, in whole days: a year counts 365 days, a month 30; hours,
    minutes and seconds add the whole days they make (the ontology's pikg:durationInDays states the rule)."""
    found = DURATION_RE.fullmatch(value)
    if found is None:
        raise ValueError(f"not a duration of the record format: {value!r}")
    years, months, days, hours, minutes = (int(g or 0) for g in found.groups()[:5])
    seconds = hours * 3600 + minutes * 60 + float(found.group(6) or 0)
    return years * 365 + months * 30 + days + int(seconds // 86400)


def control_character(text: str) -> int | None:
    """The index (0-based) of the first control character in text that we refuse (see the module docstring), or
    None."""
    found = CONTROL_RE.search(text)
    return found.start() if found else None


def escaped(text: str) -> str:
    """Text with its control characters written as escapes (\\x1b, \\n): safe on a terminal (a server's escape
    sequences) and in a one-line `#` comment (a line break would end it)."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def character_name(char: str) -> str:
    """U+0001 style, for messages (a control character printed as itself is invisible or breaks the line)."""
    return f"U+{ord(char):04X}"


def days_in_month(year: str, month: int) -> int:
    """Days of a month of the proleptic Gregorian calendar (year 0000 is a leap year, as XSD 1.1 says); the year
    as written, so that a 5,000-digit year costs nothing (leap years depend on its last four digits only)."""
    if month == 2:
        last = int(year[-4:])  # 10,000 is a multiple of 400; a minus sign does not change divisibility
        return 29 if last % 4 == 0 and (last % 100 != 0 or last % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _not_valid(local: str, text: str) -> str:
    if any(c.isdigit() and not "0" <= c <= "9" for c in text):
        return f"not a valid xsd:{local} (digits must be ASCII 0-9)"
    return f"not a valid xsd:{local}"


def _integer(local: str, text: str) -> str | None:
    if not _INTEGER.fullmatch(text):
        return _not_valid(local, text)
    low, high = _INTEGER_RANGES[local]
    if low is None and high is None:
        return None
    digits = text.lstrip("+-").lstrip("0")
    negative = text.startswith("-") and bool(digits)
    # beyond 20 digits every bounded type is exceeded: stand in a value outside them all rather than parse it
    value = int(text) if len(digits) <= 20 else (-(10**21) if negative else 10**21)
    if low is not None and value < low:
        return f"not a valid xsd:{local} (less than {low})"
    if high is not None and value > high:
        return f"not a valid xsd:{local} (more than {high})"
    return None


def _pattern(local: str, text: str) -> str | None:
    found = _PATTERNS[local].fullmatch(text)
    if not found:
        if local == "duration" and (weeks := _WEEKS.fullmatch(text)):
            return f"not a valid xsd:duration (write weeks as days: P{int(weeks.group(1)) * 7}D)"
        if any(c.isdigit() and not "0" <= c <= "9" for c in text):
            return _not_valid(local, text)
        month = _MONTH_WRITTEN.match(text) if local in ("date", "dateTime", "dateTimeStamp", "gYearMonth") else None
        if month and not "01" <= month.group(1) <= "12":
            return f"not a valid xsd:{local} (no month {month.group(1)})"
        return _not_valid(local, text)
    groups = found.groupdict()
    if groups.get("day") and groups.get("month"):
        year = groups.get("year") or "2000"  # gMonthDay: --02-29 is a valid day (of a leap year)
        month_number, day = int(groups["month"]), int(groups["day"])
        if day > days_in_month(year, month_number):
            when = f"{year}-{groups['month']}" if groups.get("year") else f"month {groups['month']}"
            return f"not a valid xsd:{local} ({when} has {days_in_month(year, month_number)} days)"
    return None


def _string(local: str, text: str) -> str | None:
    index = control_character(text)
    if index is not None:
        return f"not a valid xsd:{local} (control character {character_name(text[index])} at character {index + 1})"
    if local != "string" and any(c in text for c in "\t\n\r"):
        return f"not a valid xsd:{local} (tab or line break)"
    if local == "token" and (text.startswith(" ") or text.endswith(" ") or "  " in text):
        return "not a valid xsd:token (leading, trailing or double spaces)"
    return None


def _any_uri(local: str, text: str) -> str | None:
    found = _URI_FORBIDDEN.search(text)
    if found:
        what = "a space" if found.group() == " " else f"the control character {character_name(found.group())}"
        return f"not a valid xsd:anyURI ({what} at character {found.start() + 1})"
    return None


_RULES: dict[str, Callable[[str, str], str | None]] = {
    **{local: _integer for local in _INTEGER_RANGES},
    **{local: _pattern for local in _PATTERNS},
    **{local: _string for local in _STRINGS},
    "anyURI": _any_uri,
}
CHECKED: frozenset[str] = frozenset(XSD + local for local in _RULES)  # the datatype IRIs check_lexical knows


def check_lexical(datatype: str, text: str) -> str | None:
    """None when `text` is a valid lexical form of the datatype (a full IRI), else a short reason such as
    "not a valid xsd:date (2017-02 has 28 days)". Datatypes outside CHECKED (other vocabularies, rarer XSD types)
    are not judged: None."""
    if not datatype.startswith(XSD):
        return None
    local = datatype[len(XSD):]
    rule = _RULES.get(local)
    return rule(local, text) if rule else None
