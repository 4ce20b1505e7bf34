"""Per-field value checks (required, enum, number, date, country, currency), spreadsheet damage."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.formats import (
    AMOUNT,
    BOOLEANS,
    EMAIL,
    INTEGER,
    SCIENTIFIC,
    amount_hint,
    country_hint,
    currency_problem,
    date_problem,
    enum_hint,
    iso2_codes,
)
from gu1lint.fields import kind_spec

#: a validator returns None for a good value, else (rule, message fields)
Validator = Callable[[str], tuple[str, dict[str, Any]] | None]

COUNTRY_FIELDS = {"originCountry", "destinationCountry", "countryCode", "nationality", "country"}
DATE_FIELDS = {"transactedAt", "registrationDate", "timestamp", "eventDate"}
#: entity rules decide these two by import mode (manual / automatic)
MODE_FIELDS = {"entities": {"suggestedName", "countryCode"}}


def _enum(allowed: list[str]) -> Validator:
    members = frozenset(allowed)
    shown = ", ".join(allowed)

    def check(v: str) -> tuple[str, dict[str, Any]] | None:
        if v in members:
            return None
        return "enum-value-invalid", {"allowed": shown, "hint": enum_hint(v, allowed)}
    return check


def _amount(v: str) -> tuple[str, dict[str, Any]] | None:
    return None if AMOUNT.fullmatch(v) else ("amount-invalid", {"hint": amount_hint(v)})


def _integer(v: str) -> tuple[str, dict[str, Any]] | None:
    return None if INTEGER.fullmatch(v) else ("number-invalid", {})


def _boolean(v: str) -> tuple[str, dict[str, Any]] | None:
    return None if v in BOOLEANS else ("boolean-invalid", {})


def _date(v: str) -> tuple[str, dict[str, Any]] | None:
    return date_problem(v)


def _country(v: str) -> tuple[str, dict[str, Any]] | None:
    return None if v in iso2_codes() else ("country-code-invalid", {"hint": country_hint(v)})


def _currency(v: str) -> tuple[str, dict[str, Any]] | None:
    return currency_problem(v)


def _email(v: str) -> tuple[str, dict[str, Any]] | None:
    return None if EMAIL.fullmatch(v) else ("email-invalid", {})


def _lines_of(pattern: str) -> Callable[[set[str]], bool]:
    """A test that each of some values fully matches `pattern`, which cannot match a line break:
    the values, joined by line breaks, are matched once (a value holding a line break fails).
    A value and its line break are an atomic group: a failing value never makes the engine
    retry other ways of matching the values before it."""
    lines = re.compile(f"(?>(?:{pattern})\n)*+")

    def all_match(values: set[str]) -> bool:
        text = "\n".join(values) + "\n"
        return text.count("\n") == len(values) and lines.fullmatch(text) is not None
    return all_match


#: ISO_DATE_TIME with a zone wherever there is a time: the dates date_problem accepts as they are
_ZONED_DATES = _lines_of(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
                         r"(?:Z|[+-]\d{2}(?::?\d{2})?))?")


def _all_dates_good(values: set[str]) -> bool:
    if not _ZONED_DATES(values):
        return False
    try:
        list(map(dt.datetime.fromisoformat, values))
    except ValueError:
        return False
    return True


#: for some validators, a test that none of a set of values (empty excepted) has a problem; a
#: False answer only means that the values are validated one by one
ALL_GOOD: dict[Validator, Callable[[set[str]], bool]] = {
    _amount: _lines_of(AMOUNT.pattern),
    _integer: _lines_of(INTEGER.pattern),
    _email: _lines_of(EMAIL.pattern),
    _date: _all_dates_good,
}


def validator_for(kind: str, name: str) -> Validator | None:
    """The value validator of one field of a kind, or None when any text is accepted."""
    spec = kind_spec(kind).fields[name]
    if "enum" in spec.constraints:
        return _enum(list(spec.constraints["enum"]))
    if name == "amount":
        return _amount
    if spec.type in ("integer", "number"):
        return _integer
    if spec.type == "boolean":
        return _boolean
    if name in DATE_FIELDS:
        return _date
    if name in COUNTRY_FIELDS:
        return _country
    if name == "currency":
        return _currency
    if name == "email":
        return _email
    return None


class FieldValues(Check):
    """Required values and the documented format of every field present in the file."""

    rules = ("required-value-missing", "enum-value-invalid", "amount-invalid", "number-invalid",
             "boolean-invalid", "date-time-invalid", "country-code-invalid",
             "currency-code-invalid", "email-invalid", "currency-code-lowercase",
             "currency-code-unknown", "date-time-without-zone")

    def start(self) -> bool:
        ctx = self.ctx
        skip = MODE_FIELDS.get(ctx.kind, set())
        self.required: list[tuple[int, str]] = []
        self.validators: list[tuple[int, str, Validator]] = []
        for name, spec in kind_spec(ctx.kind).fields.items():
            position = ctx.col(name)
            if position is None or name in skip:
                continue
            if spec.required:
                self.required.append((position, name))
            check = validator_for(ctx.kind, name)
            if check is not None:
                self.validators.append((position, name, check))
        return bool(self.required or self.validators)

    def row(self, row: int, line: int, cells: list[str]) -> None:
        for position, name in self.required:
            if not cells[position].strip():
                self.ctx.emit("required-value-missing", row, line, self.ctx.label(position),
                              cells[position], cells, field=name)
        for position, name, check in self.validators:
            value = cells[position]
            if value:
                problem = check(value)
                if problem is not None and value.strip():
                    rule, fields = problem
                    self.ctx.emit(rule, row, line, self.ctx.label(position), value, cells,
                                  field=name, **fields)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # column by column over distinct values; for one row the findings keep row()'s order
        # (required fields, then validators), as the engine orders a block's findings by row
        columns = self.ctx.columns(rows)
        emit, label = self.ctx.emit, self.ctx.label
        for position, name in self.required:
            # the stripped column is shared with other checks (keys, types, countries)
            stripped = self.ctx.stripped(rows, position)
            if "" in stripped:
                for (row, line, cells), value, bare in zip(rows, columns[position], stripped,
                                                           strict=True):
                    if not bare:
                        emit("required-value-missing", row, line, label(position), value, cells,
                             field=name)
        for position, name, check in self.validators:
            column = columns[position]
            values = set(column)
            values.discard("")
            all_good = ALL_GOOD.get(check)
            if all_good is not None and all_good(values):
                continue
            bad = {}
            for value in values:
                if value:
                    problem = check(value)
                    if problem is not None and value.strip():
                        bad[value] = problem
            if bad:
                for (row, line, cells), value in zip(rows, column, strict=True):
                    if value in bad:
                        rule, fields = bad[value]
                        emit(rule, row, line, label(position), value, cells, field=name,
                             **fields)


ID_FIELDS = {"externalId", "taxId", "originTaxId", "destinationTaxId", "originExternalId",
             "destinationExternalId", "entityExternalId", "userId", "destinationCuit",
             "destinationAccountId", "phone"}
FORMULA_START = frozenset("=+-@\t\r")


class SpreadsheetDamage(Check):
    """Values that a spreadsheet damaged or would execute: formulas, ids in scientific notation."""

    rules = ("formula-injection", "id-in-scientific-notation")

    def start(self) -> bool:
        ctx = self.ctx
        self.width = ctx.plan.width
        fields = {pos: name for name, pos in ctx.plan.index.items() if pos < self.width}
        self.names = [fields.get(i, ctx.label(i)) for i in range(self.width)]
        self.id_positions = [pos for name, pos in ctx.plan.index.items()
                             if name in ID_FIELDS and pos < self.width]
        return True

    def row(self, row: int, line: int, cells: list[str]) -> None:
        for position in range(self.width):
            value = cells[position]
            if value and value[0] in FORMULA_START and _is_formula(value):
                self.ctx.emit("formula-injection", row, line, self.ctx.label(position), value,
                              cells, field=self.names[position], char=value[0])
        for position in self.id_positions:
            value = cells[position]
            if value and SCIENTIFIC.fullmatch(value.strip()):
                self.ctx.emit("id-in-scientific-notation", row, line, self.ctx.label(position),
                              value, cells, field=self.names[position])

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # a column is scanned value by value only when its joined text may hold a formula
        # start or an id in scientific notation; findings keep row()'s order within a row
        columns = self.ctx.columns(rows)
        for position in range(self.width):
            column = columns[position]
            text = self.ctx.joined(rows, position)
            if _may_start_formula(text) and _MAY_START_FORMULA.search(text):
                for (row, line, cells), value in zip(rows, column, strict=True):
                    if value and value[0] in FORMULA_START and _is_formula(value):
                        self.ctx.emit("formula-injection", row, line, self.ctx.label(position),
                                      value, cells, field=self.names[position], char=value[0])
        for position in self.id_positions:
            column = columns[position]
            text = self.ctx.joined(rows, position)
            if (("e" in text or "E" in text) and _MAY_BE_EXPONENT.search(text.lower())
                    and _MAY_BE_SCIENTIFIC.search(text)):
                for (row, line, cells), value in zip(rows, column, strict=True):
                    if value and SCIENTIFIC.fullmatch(value.strip()):
                        self.ctx.emit("id-in-scientific-notation", row, line,
                                      self.ctx.label(position), value, cells,
                                      field=self.names[position])


#: a value after a "|" (a block's column joined, `FileContext.joined`) that may be a formula (a
#: superset of _is_formula: + and - followed by an ASCII digit, a parenthesis or a dot are
#: numbers and phones, the common case; a "|" inside a value only costs a closer look)
_MAY_START_FORMULA = re.compile(r"\|(?:[=@\t\r]|[+-]\s*[^0-9(.])")
#: what every id in scientific notation holds (SCIENTIFIC needs a digit, an e and a digit);
#: the first test, on lower-cased text, is the fast one (a pattern starting with a letter)
_MAY_BE_EXPONENT = re.compile(r"e[+-]?\d")


def _may_start_formula(text: str) -> bool:
    """Whether a value after a "|" starts with a formula character: substring tests before the
    regex (about 10x slower) looks at what follows. A character is looked for alone first (a
    one-character search is a memchr); only a column that holds it anywhere is searched for
    it after a "|", which finds a "|" every value."""
    return any(char in text and "|" + char in text for char in _FORMULA_CHARS)


_FORMULA_CHARS = ("=", "@", "+", "-", "\t", "\r")
_MAY_BE_SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def _is_formula(value: str) -> bool:
    """= and @ always start a formula; + and - only when not followed by a number (phones
    +54 11 ..., +(54), negative numbers -5 and -.5); a lone - (an empty placeholder) is data."""
    if value[0] in "=@\t\r":
        return True
    rest = value[1:].lstrip()
    return bool(rest) and not (rest[0].isdigit() or rest[0] in "(.")
