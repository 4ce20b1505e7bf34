"""Fix an .xlsx workbook in place of its cells: the output is a workbook again.

A workbook keeps what a CSV cannot (other sheets, styles, column widths), so the fixed file is
an .xlsx too. The sheet is read by the Excel reader of `check` (same rows, same cell text); only
cells whose text changes are written, as text, and formula cells are never touched. openpyxl
does not carry over charts and images.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from gu1lint.errors import ReadError
from gu1lint.fix import FixSettings
from gu1lint.fix.csv_fix import render_csv
from gu1lint.fix.files import FixOutcome, OnChange, row_fixer
from gu1lint.options import FileOptions
from gu1lint.readers.excel import read_excel
from gu1lint.report import Report


def load_book(path: str) -> Any:
    """The whole workbook, formulas kept (not read-only: its cells are written)."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"damaged workbook: {exc}") from exc


def fix_xlsx(outcome: FixOutcome, options: FileOptions, settings: FixSettings,
             sink: BinaryIO | None, on_change: OnChange | None, report: Report) -> None:
    """Read the sheet as `check` does, fix its rows, then write the changed cells to `sink`."""
    table = read_excel(outcome.path, options.sheet)  # also refuses zip bombs and DTDs
    fixer = row_fixer(outcome, table.header, options, settings, report)
    changes: dict[tuple[int, int], str] = {}
    for number, _, cells in table.rows:
        if outcome.done(number):
            break
        if outcome.skip(number):
            continue
        new = fixer.fix(cells)
        outcome.count(number, cells, new)
        if new is None:
            continue
        changes.update({(number, i + 1): v for i, (old, v) in enumerate(zip(cells, new,
                                                                            strict=True))
                        if v != old})
        if on_change is not None:
            on_change(number, render_csv(cells, "\n"), render_csv(new, "\n"))
    if sink is not None and changes:
        book = load_book(outcome.path)
        ws = book[options.sheet] if options.sheet else book.worksheets[0]
        for (row, column), value in changes.items():
            cell = ws.cell(row=row, column=column)
            if cell.data_type != "f":  # a formula keeps its formula
                cell.value = value
        book.save(sink)
    outcome.unsafe_available = fixer.unsafe_available
    outcome.left.update(fixer.left)
