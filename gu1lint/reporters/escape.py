"""Escaping for outputs people open: CSV cells a spreadsheet would run, and terminal controls."""

from __future__ import annotations

import re

#: a cell starting with one of these runs as a formula in Excel, LibreOffice and Google Sheets
#: (CSV injection); tab and carriage return are in the OWASP list as well
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")

# C0 controls except tab, DEL, the C1 controls (U+009B is an 8-bit CSI in some terminals), and
# the bidirectional overrides that reorder what a terminal shows
_CONTROL_CODES = (*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0),
                  0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROL = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROL_CODES}


def escape_csv_cell(value: str) -> str:
    """A cell that a spreadsheet shows as text: `'` before a leading = + - @ (numbers stay)."""
    if value and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def escape_control(text: str) -> str:
    """Control characters as visible escapes (`\\x1b`, `\\u202e`): none reaches a terminal raw."""
    return text.translate(_CONTROL)
