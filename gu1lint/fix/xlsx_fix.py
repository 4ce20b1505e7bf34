"""Fix an .xlsx workbook in place of its cells: the output is a workbook again.

A workbook keeps what a CSV cannot (other sheets, styles, column widths), so the fixed file is
an .xlsx too. Only cells whose text changes are written, as text; formula cells are never
touched. openpyxl does not carry over charts and images.
"""

from __future__ import annotations

import zipfile
from typing import Any, BinaryIO

from gu1lint.errors import ReadError
from gu1lint.fix import FixSettings
from gu1lint.fix.csv_fix import render_csv
from gu1lint.fix.files import FixOutcome, OnChange, row_fixer
from gu1lint.options import FileOptions
from gu1lint.readers.cells import cell_to_text
from gu1lint.report import Report


def load_book(path: str) -> Any:
    """The whole workbook, formulas kept (not read-only: its cells are written)."""
    if not zipfile.is_zipfile(path):
        raise ReadError("not an .xlsx workbook (the file is not a zip archive)")
    import openpyxl

    try:
        return openpyxl.load_workbook(path)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"damaged workbook: {exc}") from exc


def sheet_of(book: Any, name: str | None) -> Any:
    """The named sheet, else the first, as the Excel reader chooses it."""
    try:
        return book[name] if name else book.worksheets[0]
    except (KeyError, IndexError) as exc:
        reason = f"no sheet named {name!r}" if name else "the workbook has no sheet"
        raise ReadError(reason) from exc


def row_texts(cells: tuple[Any, ...]) -> list[str]:
    """A sheet row as the Excel reader turns it into text (trailing empty cells dropped)."""
    texts = [cell_to_text(c.value) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def fix_xlsx(outcome: FixOutcome, options: FileOptions, settings: FixSettings,
             sink: BinaryIO | None, on_change: OnChange | None, report: Report) -> None:
    """Fix the text cells of the sheet the reader reads, then save the workbook to `sink`."""
    book = load_book(outcome.path)
    ws = sheet_of(book, options.sheet)
    rows = ws.iter_rows()
    header_cells = next(rows, None)
    if header_cells is None:
        raise ReadError("the sheet is empty: no header row", line=1)
    fixer = row_fixer(outcome, [h.strip() for h in row_texts(header_cells)], options, settings,
                      report)
    for number, cells in enumerate(rows, start=2):
        if outcome.done(number):
            break
        if outcome.skip(number):
            continue
        texts = row_texts(cells)
        new = fixer.fix(texts) if texts else None
        new = _writable(cells, texts, new)
        outcome.count(number, texts, new)
        if new is None:
            continue
        for cell, old, value in zip(cells, texts, new, strict=False):
            if value != old:
                cell.value = value
        if on_change is not None:
            on_change(number, render_csv(texts, "\n"), render_csv(new, "\n"))
    if sink is not None and outcome.rows_changed:
        book.save(sink)
    outcome.unsafe_available = fixer.unsafe_available
    outcome.left.update(fixer.left)


def _writable(cells: tuple[Any, ...], texts: list[str], new: list[str] | None) -> list[str] | None:
    """The fix without formula cells, which keep their formula."""
    if new is None:
        return None
    kept = [old if cells[i].data_type == "f" else value
            for i, (old, value) in enumerate(zip(texts, new, strict=True))]
    return None if kept == texts else kept
