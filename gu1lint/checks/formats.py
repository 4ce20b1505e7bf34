"""Value formats as gu1 reads them, and hints that name the value the user meant."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

AMOUNT = re.compile(r"\d+(\.\d+)?")
INTEGER = re.compile(r"\d+")
ISO_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?")
CURRENCY = re.compile(r"[A-Z]{3,4}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
BOOLEANS = frozenset(("true", "false", "TRUE", "FALSE", "True", "False"))
SCIENTIFIC = re.compile(r"[+-]?\d(\.\d+)?[eE][+-]?\d+")

_DECIMAL_COMMA = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_SPACE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(:\d{2})?)")


def is_date_time(value: str) -> bool:
    """ISO 8601 date or date-time (T separator, optional seconds, fraction and zone), real date."""
    if ISO_DATE_TIME.fullmatch(value) is None:
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def amount_hint(value: str) -> str:
    """What a rejected amount probably meant, in the form gu1 expects."""
    v = value.strip().replace(" ", "")
    for symbol in ("$", "R$", "US$", "€", "£"):
        v = v.replace(symbol, "")
    if v.startswith("-") and AMOUNT.fullmatch(v[1:]):
        return "; amounts are zero or positive"
    if _DECIMAL_COMMA.fullmatch(v):
        return f"; write {v.replace('.', '').replace(',', '.')} (dot for decimals, no thousands separator)"
    if _THOUSANDS_COMMA.fullmatch(v):
        return f"; write {v.replace(',', '')} (no thousands separator)"
    if SCIENTIFIC.fullmatch(v):
        return f"; write {float(v):f}".rstrip("0").rstrip(".") + " (no exponent)"
    if AMOUNT.fullmatch(v) and v != value:
        return f"; write {v}"
    return "; write it like 1234.56"


def date_hint(value: str) -> str:
    """Name the date form that was found and give the ISO form when it is unambiguous."""
    v = value.strip()
    m = _SPACE_TIME.fullmatch(v)
    if m:
        return f" (a space instead of T, no zone); write {m.group(1)}T{m.group(2)}Z or with an offset"
    m = _DAY_FIRST.fullmatch(v)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if a > 12 >= b:
            return f" (day-first); write {year}-{b:02d}-{a:02d}"
        if b > 12 >= a:
            return f" (month-first); write {year}-{a:02d}-{b:02d}"
        return " (day-first or month-first, ambiguous); write YYYY-MM-DD"
    if re.fullmatch(r"\d{5}(\.\d+)?", v):
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(v)))
        return f" (an Excel serial date, {day.isoformat()}); format the column as text or ISO dates"
    return "; write 2025-12-31T10:00:00Z"


@cache
def iso2_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (pycountry, loaded only when a country column is checked)."""
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def country_hint(value: str) -> str:
    """The alpha-2 code a country value probably meant."""
    import pycountry

    v = value.strip()
    if v.upper() in iso2_codes():
        return f"; write {v.upper()}"
    aliases = {"BRASIL": "BR", "ARGENTINA": "AR", "CHILE": "CL", "MEXICO": "MX", "MÉXICO": "MX",
               "COLOMBIA": "CO", "PERU": "PE", "PERÚ": "PE", "URUGUAY": "UY", "PARAGUAY": "PY",
               "ESTADOS UNIDOS": "US", "EEUU": "US", "USA": "US", "ESPAÑA": "ES", "ESPANHA": "ES"}
    if v.upper() in aliases:
        return f"; write {aliases[v.upper()]}"
    try:
        country = pycountry.countries.lookup(v)
    except LookupError:
        return ""
    return f"; write {country.alpha_2}"


def enum_hint(value: str, allowed: list[str]) -> str:
    """Suggest the allowed literal that differs only in case or spaces."""
    folded = {a.lower(): a for a in allowed}
    match = folded.get(value.strip().lower().replace(" ", "_"))
    return f"; write {match}" if match else ""
