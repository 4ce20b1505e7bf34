"""Fixes of one value. Each returns the repaired value, or None when it leaves the value alone.

Safe fixes cannot change what a value means; unsafe ones read a convention into it (which
separator is the decimal one, which number is the day), so they run only with --unsafe-fixes.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from gu1lint.checks.formats import AMOUNT, is_date_time, iso2_codes

LEADING = " \u00a0\n"  # spaces, no-break spaces (web pages) and line breaks
FORMULA_START = tuple("=+-@\t\r")

#: country names in the languages of gu1's users that pycountry does not know
COUNTRY_NAMES = {
    "BRASIL": "BR", "MÉXICO": "MX", "PERÚ": "PE", "ESTADOS UNIDOS": "US", "EEUU": "US",
    "EE.UU.": "US", "USA": "US", "ESPAÑA": "ES", "ESPANHA": "ES", "ALEMANIA": "DE",
    "ALEMANHA": "DE", "FRANCIA": "FR", "FRANÇA": "FR", "ITALIA": "IT", "ITÁLIA": "IT",
    "REINO UNIDO": "GB", "CHINA": "CN", "JAPÓN": "JP", "JAPÃO": "JP", "CANADÁ": "CA",
}

_DOT_THOUSANDS_COMMA_DECIMAL = re.compile(r"\d{1,3}(\.\d{3})+,\d+")
_COMMA_THOUSANDS_DOT_DECIMAL = re.compile(r"\d{1,3}(,\d{3})+\.\d+")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(,\d{3}){2,}")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3}){2,}")
_SPACE_THOUSANDS = re.compile(r"\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_AMBIGUOUS_COMMA = re.compile(r"\d{1,3},\d{3}")  # 1,234: one thousand or one point two?
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?")
_DIGITS = re.compile(r"[0-9]+")


def trim(value: str) -> str:
    """Remove spaces and line breaks around a value, never leaving it starting like a formula.

    A leading tab or carriage return is kept: it is itself a formula prefix for spreadsheets.
    """
    right = value.rstrip()
    trimmed = right.lstrip(LEADING)
    if trimmed != right and trimmed.startswith(FORMULA_START):
        return right  # the leading space is what keeps it from being a formula
    return trimmed


def fix_enum(value: str, allowed: tuple[str, ...]) -> str | None:
    """`Person` -> `person`, `credit card` -> `CREDIT_CARD`: the literal differing only in case."""
    if value in allowed:
        return None
    folded = {a.lower(): a for a in allowed}
    return folded.get(value.lower().replace(" ", "_"))


def fix_country(value: str) -> str | None:
    """An alpha-2 code for a lower-case code, an alpha-3 code or a country name; else None."""
    if value in iso2_codes() or not value or value.isdigit():
        return None
    upper = value.upper()
    if upper in iso2_codes():
        return upper
    if upper in COUNTRY_NAMES:
        return COUNTRY_NAMES[upper]
    import pycountry

    if len(value) == 3 and value.isalpha():
        country = pycountry.countries.get(alpha_3=upper)
        return country.alpha_2 if country else None
    try:  # exact name, official or common name, case-insensitive: one country or none
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def fix_currency(value: str) -> str | None:
    """`usd` -> `USD` when the upper-case form is an ISO 4217 code."""
    upper = value.upper()
    if upper == value or upper not in iso4217_codes():
        return None
    return upper


@cache
def iso4217_codes() -> frozenset[str]:
    """ISO 4217 alphabetic currency codes."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def fix_amount(value: str) -> str | None:
    """`1.234,56`, `1,234.56`, `1 234,56`, `1234,5` -> `1234.56` (unsafe: reads separators)."""
    if AMOUNT.fullmatch(value) or _AMBIGUOUS_COMMA.fullmatch(value):
        return None
    if _DOT_THOUSANDS_COMMA_DECIMAL.fullmatch(value) or _DOT_THOUSANDS.fullmatch(value):
        return value.replace(".", "").replace(",", ".")
    if _COMMA_THOUSANDS_DOT_DECIMAL.fullmatch(value) or _COMMA_THOUSANDS.fullmatch(value):
        return value.replace(",", "")
    if _SPACE_THOUSANDS.fullmatch(value):
        return re.sub(r"[ \u00a0\u202f]", "", value).replace(",", ".")
    if _DECIMAL_COMMA.fullmatch(value):
        return value.replace(",", ".")
    return None


def amount_is_ambiguous(value: str) -> bool:
    """`1,234` could be 1234 or 1.234: no fix guesses."""
    return _AMBIGUOUS_COMMA.fullmatch(value) is not None


def fix_date(value: str, order: str | None) -> str | None:
    """`31/12/2025` -> `2025-12-31` by --date-order, else only when one reading is a date."""
    m = _NUMERIC_DATE.fullmatch(value)
    if m is None or is_date_time(value):
        return None
    first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if order == "dmy" or (order is None and second <= 12 < first):
        day, month = first, second
    elif order == "mdy" or (order is None and first <= 12 < second):
        month, day = first, second
    elif first == second:
        day = month = first
    else:
        return None
    try:
        date = dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    return f"{date}T{m.group(4)}" if m.group(4) else date


def date_is_ambiguous(value: str) -> bool:
    """Both numbers could be the month: only --date-order can tell."""
    m = _NUMERIC_DATE.fullmatch(value)
    return bool(m) and m.group(1) != m.group(2) and max(int(m.group(1)), int(m.group(2))) <= 12


def pad_br_tax_id(value: str, country: str, kind: str) -> str | None:
    """A CPF / CNPJ that a spreadsheet stored as a number gets its leading zeros back.

    Only digits, at most three zeros lost, and only when the padded number's check digits are
    right (python-stdnum): the check digits are the evidence that the zeros were really lost.
    """
    if country != "BR" or not _DIGITS.fullmatch(value):
        return None
    size = {"person": 11, "company": 14}.get(kind)
    if size is None or not size - 3 <= len(value) < size:
        return None
    padded = value.zfill(size)
    if kind == "person":
        from stdnum.br import cpf as document
    else:
        from stdnum.br import cnpj as document
    return padded if document.is_valid(padded) else None
