"""Value formats as gu1 reads them, and hints that name the value the user meant."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from gu1lint.resources import load_toml

AMOUNT = re.compile(r"\d+(\.\d+)?")
INTEGER = re.compile(r"\d+")
ISO_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?")
CURRENCY = re.compile(r"[A-Z]{3,4}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
BOOLEANS = frozenset(("true", "false", "TRUE", "FALSE", "True", "False"))
SCIENTIFIC = re.compile(r"[+-]?\d(\.\d+)?[eE][+-]?\d+")
#: a problem found in a value: the rule and the fields of its message
Problem = tuple[str, dict[str, Any]]


def fold(value: str) -> str:
    """Upper case without accents, spaces or dots: how names are looked up in the data tables."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.upper().replace(" ", "").replace(".", "").replace("\u00a0", "")


# ---- dates ----------------------------------------------------------------------------------

def is_date_time(value: str) -> bool:
    """ISO 8601 date or date-time (T separator, optional seconds, fraction and zone), real date."""
    if ISO_DATE_TIME.fullmatch(value) is None:
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def date_problem(value: str) -> Problem | None:
    """None for an ISO 8601 date or date-time with a zone; else date-time-invalid with a hint,
    or date-time-without-zone for a valid date-time that names no zone."""
    m = ISO_DATE_TIME.fullmatch(value)
    if m is not None:
        try:
            dt.datetime.fromisoformat(value)  # a real date and time (3.11 reads Z and offsets)
        except ValueError:
            m = None
    if m is None:
        return "date-time-invalid", {"hint": date_hint(value)}
    if m.group(1) and not m.group(4):
        return "date-time-without-zone", {}
    return None


_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})" + _TIME)
_SPACE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
                         r"(Z|[+-]\d{2}(?::?\d{2})?)?")
_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_UNIX = re.compile(r"\d{10}|\d{13}")


def date_hint(value: str) -> str:
    """Name the date form that was found and give the ISO form when it is unambiguous."""
    v = value.strip()
    if v != value and is_date_time(v):
        return f" (spaces around it); write {v}"
    for form in (_space_time_hint, _numeric_date_hint, _serial_hint):
        hint = form(v)
        if hint:
            return hint
    return "; write 2025-12-31T10:00:00Z, 2025-12-31T10:00:00-03:00 or 2025-12-31"


def _space_time_hint(v: str) -> str | None:
    m = _SPACE_TIME.fullmatch(v)
    if m is None:
        return None
    iso = f"{m.group(1)}T{m.group(2)}"
    if m.group(3):
        return f" (a space instead of T); write {iso}{m.group(3)}"
    return f" (a space instead of T, and no zone); write {iso} with its zone: {iso}Z or {iso}-03:00"


def _numeric_date_hint(v: str) -> str | None:
    m = _YEAR_FIRST.fullmatch(v)
    if m:
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.groups()[3:])
        return f" (year first with {v[4]!r}); write {iso}" if iso else None
    m = _NUMERIC_DATE.fullmatch(v)
    if m is None:
        return None
    a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
    if len(year) == 2:
        return " (a two-digit year: which century is not clear); write YYYY-MM-DD"
    day_first = _iso(int(year), b, a, m.groups()[3:])
    month_first = _iso(int(year), a, b, m.groups()[3:])
    if day_first and month_first and a != b:
        return (f" (day-first {day_first} or month-first {month_first}: ambiguous); "
                f"write the one you mean")
    if day_first:
        return f" (day-first, as in Spanish and Portuguese); write {day_first}"
    if month_first:
        return f" (month-first); write {month_first}"
    return None


def _iso(year: int, month: int, day: int, time: tuple[str | None, ...]) -> str | None:
    """The ISO form of a date (and time: then with a placeholder zone note), or None if unreal."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if time[0] is None:
        return date.isoformat()
    hh, mm, ss = int(time[0]), int(time[1] or 0), int(time[2] or 0)
    if hh > 23 or mm > 59 or ss > 59:
        return None
    return f"{date.isoformat()}T{hh:02d}:{mm:02d}:{ss:02d} with its zone (Z or -03:00)"


def _serial_hint(v: str) -> str | None:
    if _SERIAL.fullmatch(v):
        serial = Decimal(v)
        moment = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(serial))
        shown = moment.date().isoformat() if serial == int(serial) else moment.isoformat(
            timespec="seconds")
        return (f" (an Excel serial date, {shown}); format the column as text or ISO dates "
                f"before exporting, or write {shown}")
    if _BASIC.fullmatch(v):
        iso = _iso(int(v[:4]), int(v[4:6]), int(v[6:]), (None,))
        return f" (basic ISO form without dashes); write {iso}" if iso else None
    if _UNIX.fullmatch(v):
        seconds = int(v) / (1000 if len(v) == 13 else 1)
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")
        return f" (a Unix timestamp); write {moment.replace('+00:00', 'Z')}"
    return None


# ---- amounts --------------------------------------------------------------------------------

_SYMBOLS = re.compile(r"^(?:[A-Z]{3}|R\$|US\$|U\$S|\$|€|£|¥)\s*|\s*(?:[A-Z]{3}|\$|€)$")
_SPACES = str.maketrans("", "", " \u00a0\u202f'")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_AMBIGUOUS_COMMA = re.compile(r"\d{1,3},\d{3}")
_LOOSE_DECIMAL = re.compile(r"\d*\.\d*")


def amount_hint(value: str) -> str:
    """What a rejected amount probably meant, in the form gu1 expects (1234.56)."""
    v = _SYMBOLS.sub("", value.strip()).translate(_SPACES)
    negative = v.startswith("-") or (v.startswith("(") and v.endswith(")"))
    v = v.strip("()").lstrip("+-")
    plain = _plain_amount(v)
    if negative:
        shown = f"write {plain}; " if plain else ""
        return (f"; amounts are zero or positive ({shown}money going back is a REFUND, "
                f"REVERSAL or CHARGEBACK with a positive amount)")
    if _AMBIGUOUS_COMMA.fullmatch(v):
        return (f"; write {v.replace(',', '')} if the comma separates thousands, "
                f"{v.replace(',', '.')} if it is the decimal mark")
    if plain and plain != value:
        return f"; write {plain} (a dot for decimals; no thousands separators, signs or symbols)"
    return "; write it like 1234.56"


def _plain_amount(v: str) -> str | None:
    """The plain form of an amount written with separators, an exponent or a loose dot."""
    if AMOUNT.fullmatch(v):
        return v
    if _DOT_THOUSANDS.fullmatch(v):
        return v.replace(".", "").replace(",", ".")
    if _COMMA_THOUSANDS.fullmatch(v):
        return v.replace(",", "")
    if SCIENTIFIC.fullmatch(v) or (_LOOSE_DECIMAL.fullmatch(v) and v != "."):
        try:
            text = format(Decimal(v), "f")
        except InvalidOperation:
            return None
        return text.rstrip("0").rstrip(".") if "." in text else text
    return None


def has_fraction(amount: str) -> bool:
    """True when a plain amount has a non-zero fractional part (10.50, not 10.00)."""
    _, dot, fraction = amount.partition(".")
    return bool(dot) and fraction.strip("0") != ""


# ---- countries ------------------------------------------------------------------------------

def _pycountry_codes(database: str, table: str, key: str) -> frozenset[str]:
    """One code column of a pycountry database, read from its JSON file: importing pycountry
    costs about 50 ms (it loads importlib.metadata), reading the file a tenth of that."""
    spec = importlib.util.find_spec("pycountry")
    try:
        folder = Path(list(spec.submodule_search_locations or ())[0])  # type: ignore[union-attr]
        with open(folder / "databases" / database, encoding="utf-8") as fh:
            return frozenset(entry[key] for entry in json.load(fh)[table])
    except (IndexError, AttributeError, OSError, ValueError, KeyError, TypeError):
        import pycountry  # another layout of the package: ask it

        return frozenset(getattr(e, key) for e in getattr(pycountry, _PYCOUNTRY[table]))


_PYCOUNTRY = {"3166-1": "countries", "4217": "currencies"}


@cache
def iso2_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (pycountry's, loaded only when a country column is checked)."""
    return _pycountry_codes("iso3166-1.json", "3166-1", "alpha_2")


@cache
def _country_names() -> dict[str, str]:
    return load_toml("countries.toml")["names"]


def country_hint(value: str) -> str:
    """The alpha-2 code a country value probably meant, with the country's name."""
    import pycountry

    v = value.strip()
    code = v.upper() if v.upper() in iso2_codes() else _country_names().get(fold(v))
    if code is None:
        try:
            code = pycountry.countries.lookup(v).alpha_2
        except LookupError:
            return ""
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or country.name
    return f"; write {code} ({name})"


# ---- currencies -----------------------------------------------------------------------------

@cache
def iso4217_codes() -> frozenset[str]:
    """ISO 4217 currency codes (pycountry's)."""
    return _pycountry_codes("iso4217.json", "4217", "alpha_3")


@cache
def zero_decimal_currencies() -> frozenset[str]:
    """Currencies whose ISO 4217 minor unit is 0 (rules/currencies.toml)."""
    return frozenset(load_toml("currencies.toml")["zero-decimal"])


def currency_problem(value: str) -> Problem | None:
    """None for an ISO 4217 code. The server documents 3 to 4 characters: another length is
    currency-code-invalid; lower case is currency-code-lowercase; any other 3-4 characters are
    currency-code-unknown (a warning: accepted, but not a currency gu1 can convert)."""
    if value in iso4217_codes():
        return None
    if not 3 <= len(value) <= 4:
        return "currency-code-invalid", {"hint": currency_hint(value)}
    if value.upper() in iso4217_codes():
        return "currency-code-lowercase", {"upper": value.upper()}
    return "currency-code-unknown", {"hint": currency_hint(value)}


def currency_hint(value: str) -> str:
    """The ISO 4217 code a currency value probably meant."""
    v = value.strip()
    code = v.upper() if v.upper() in iso4217_codes() else load_toml("currencies.toml")[
        "names"].get(fold(v))
    if code is None:
        import pycountry

        try:
            code = pycountry.currencies.lookup(v).alpha_3
        except LookupError:
            return "" if 3 <= len(value) <= 4 else "; write its ISO 4217 code (ARS, BRL, USD...)"
    return f"; write {code}"


def enum_hint(value: str, allowed: list[str]) -> str:
    """Suggest the allowed literal that differs only in case or spaces."""
    folded = {a.lower(): a for a in allowed}
    match = folded.get(value.strip().lower().replace(" ", "_"))
    return f"; write {match}" if match else ""
