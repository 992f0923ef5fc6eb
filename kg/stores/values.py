"""The value of a literal, for comparing what a store gives back with what was sent: stores rewrite a literal's
spelling or derived datatype without changing its value ("1.50" as "1.5", true as 1, P12M as P1Y, +00:00 as Z),
and kg publish must tell that from a changed value. Only the XSD lexical forms are read (Python's int() and
float() also take "1_2" and other scripts' digits); anything else has no value here and is compared as written.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal, InvalidOperation

from kg.base.lexical import INTEGERS, XSD

DURATIONS = {XSD + n for n in ("duration", "dayTimeDuration", "yearMonthDuration")}
_NUMBER = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_DURATION = re.compile(r"(-?)P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?"
                       rf"(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:({_NUMBER})S)?)?")
_ZONE = r"(Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
_TIMED = {  # the datatypes with an optional time zone: their part before the zone, as XSD spells it
    "dateTime": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?",
    "date": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}", "time": r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?",
    "gYear": r"-?[0-9]{4,}", "gYearMonth": r"-?[0-9]{4,}-[0-9]{2}", "gMonthDay": r"--[0-9]{2}-[0-9]{2}",
    "gDay": r"---[0-9]{2}", "gMonth": r"--[0-9]{2}"}
_TIMED_FORMS = {XSD + name: re.compile(f"({form}){_ZONE}") for name, form in _TIMED.items()}


def _duration(lexical: str) -> tuple[int, Decimal] | None:
    """XSD's value of a duration: (months, seconds), each signed (P12M and P1Y are one value, P1M and P30D not)."""
    match = _DURATION.fullmatch(lexical)
    if not match or lexical in ("P", "-P") or lexical.endswith("T"):
        return None
    sign = -1 if match[1] else 1
    y, mo, d, h, mi = (int(g or 0) for g in match.groups()[1:6])
    seconds = Decimal(match[7] or 0) + mi * 60 + h * 3600 + d * 86400
    return sign * (y * 12 + mo), sign * seconds


def _timed(lexical: str, form: re.Pattern[str]) -> tuple[str, int | None] | None:
    """A date or time value as (its part before the zone, with trailing fractional zeros dropped; the zone in
    minutes, None without one): +00:00, -00:00 and Z are one zone. Instants in different zones are not made equal
    (a store does not move a value to another zone)."""
    match = form.fullmatch(lexical)
    if not match:
        return None
    local, zone = match[1], match[2]
    if "." in local:
        local = local.rstrip("0").rstrip(".")
    if zone is None:
        return local, None
    minutes = 0 if zone == "Z" else (int(zone[1:3]) * 60 + int(zone[4:6])) * (-1 if zone[0] == "-" else 1)
    return local, minutes


def value(lexical: str, datatype: str) -> tuple[str, object] | None:
    """The value of a literal whose spelling or derived datatype a store may change without changing the value;
    None for a datatype without one here (a string is its own spelling) or a lexical form that is not XSD's."""
    try:
        if datatype == XSD + "boolean" and lexical in ("true", "1", "false", "0"):
            return "boolean", lexical in ("true", "1")
        if datatype in INTEGERS and re.fullmatch(r"[+-]?[0-9]+", lexical):
            return "integer", int(lexical)
        if datatype == XSD + "decimal" and re.fullmatch(rf"[+-]?(?:{_NUMBER})", lexical):
            return "decimal", Decimal(lexical)
        if datatype in (XSD + "double", XSD + "float") and re.fullmatch(
                rf"[+-]?(?:{_NUMBER})(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN", lexical):
            return "double", lexical if lexical == "NaN" else float(lexical.replace("INF", "inf"))
        if datatype in DURATIONS:
            found = _duration(lexical)
            return None if found is None else ("duration", found)
        if datatype in _TIMED_FORMS:
            timed = _timed(lexical, _TIMED_FORMS[datatype])
            return None if timed is None else (datatype, timed)
        if datatype == XSD + "hexBinary" and re.fullmatch(r"(?:[0-9A-Fa-f]{2})*", lexical):
            return "binary", bytes.fromhex(lexical)
        if datatype == XSD + "base64Binary":
            return "binary", base64.b64decode("".join(lexical.split()), validate=True)
    except (InvalidOperation, ValueError, binascii.Error):
        return None
    return None
