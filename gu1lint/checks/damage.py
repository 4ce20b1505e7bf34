"""Text a spreadsheet or a wrong encoding damaged: mojibake, stray spaces, invisible characters."""

from __future__ import annotations

import re
from operator import itemgetter

from gu1lint.checks.base import Check
from gu1lint.checks.values import MODE_FIELDS, validator_for

#: UTF-8 read as Windows-1252 or Latin-1: Ã or Â before a byte of a two-byte sequence
#: (Ã© for é, Ã± for ñ, Ã£ for ã, Ã‘ for Ñ), â€ before the last byte of a three-byte one
#: (â€™ for ’), â‚¬ for €, ï»¿ for a byte-order mark; U+FFFD is a character already lost.
MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]|â€|â‚¬|ï»¿|\ufffd")
#: control characters (tab, line feed and carriage return excepted: cells may hold lines, and a
#: leading tab or CR is formula-injection's), zero-width and direction marks, a stray BOM
NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                           "\u2060-\u2064\ufeff]")
LEADING = " \u00a0\u2007\u202f\u3000\n"
TRAILING = LEADING + "\t\r"
#: the server strips the entity tax id itself (tax-id formats page)
STRIPPED_BY_SERVER = {"entities": {"taxId"}}


class TextDamage(Check):
    """Mojibake, spaces around a value and non-printable characters, in free-text and id fields.

    Fields with a documented format (enums, amounts, dates, countries, currencies; the entity
    tax id) are left to their own checks, which reject any damage in them as a wrong value.
    This runs on every row, so a row is first judged as one string: the fields' values joined
    by "|". A clean row (printable; no mojibake lead character; no space beside a "|" or at an
    end) costs one join and a few C-level string tests; only a row that may hold damage is
    scanned cell by cell with the regexes, and findings are built only then.
    """

    rules = ("mojibake", "surrounding-whitespace", "non-printable-character")

    def start(self) -> bool:
        ctx = self.ctx
        mode_fields = MODE_FIELDS.get(ctx.kind, set())
        stripped = STRIPPED_BY_SERVER.get(ctx.kind, set())
        self.fields = [(position, name) for name, position in sorted(
            ctx.plan.index.items(), key=lambda item: item[1])
            if position < ctx.plan.width and name not in stripped
            and (name in mode_fields or validator_for(ctx.kind, name) is None)]
        if not self.fields:
            return False
        getter = itemgetter(*(position for position, _ in self.fields))
        self.values = getter if len(self.fields) > 1 else (lambda cells: (getter(cells),))
        return True

    def row(self, row: int, line: int, cells: list[str]) -> None:
        if _suspect("|".join(self.values(cells))):
            self._scan(row, line, cells)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # the row test of row(), per column: only a column whose joined text may hold damage
        # is scanned value by value; for one row the findings keep the order of the fields
        columns = self.ctx.columns(rows)
        for position, name in self.fields:
            column = columns[position]
            if _suspect(self.ctx.joined(rows, position)):
                for (row, line, cells), value in zip(rows, column, strict=True):
                    if value:
                        self._check_value(row, line, position, name, cells, value)

    def _scan(self, row: int, line: int, cells: list[str]) -> None:
        for position, name in self.fields:
            value = cells[position]
            if value:
                self._check_value(row, line, position, name, cells, value)

    def _check_value(self, row: int, line: int, position: int, name: str, cells: list[str],
                     value: str) -> None:
        found = MOJIBAKE.search(value)
        if found:
            self._emit("mojibake", row, line, position, name, cells, sequence=found.group())
        control = NON_PRINTABLE.search(value)
        if control and not found:
            self._emit("non-printable-character", row, line, position, name, cells,
                       char=f"U+{ord(control.group()):04X}")
        if (value[0] in LEADING or value[-1] in TRAILING) and value.strip():
            self._emit("surrounding-whitespace", row, line, position, name, cells)

    def _emit(self, rule: str, row: int, line: int, position: int, name: str, cells: list[str],
              **fields: str) -> None:
        self.ctx.emit(rule, row, line, self.ctx.label(position), cells[position], cells,
                      field=name, **fields)


def _suspect(text: str) -> bool:
    """Whether values joined by "|" (with or without a leading "|") may hold damage (never
    False for a damaged one)."""
    if text.isascii():
        # str.isprintable looks each character up in the Unicode tables; for ASCII the bytes
        # left after deleting the printable ones say the same, about 6x faster
        if text.encode("ascii").translate(None, _PRINTABLE_ASCII):
            return True
    elif (not text.isprintable() or "Ã" in text or "Â" in text or "â" in text or "ï" in text
          or "\ufffd" in text):
        return True
    # a space beside a separator or at an end; most id and code columns hold no space at all
    return " " in text and (" |" in text or "| " in text or text[:1] == " " or text[-1:] == " ")


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
