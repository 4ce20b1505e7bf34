"""Excel reading with openpyxl in read-only mode: first sheet unless one is named."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table
from gu1lint.readers.cells import cell_to_text


def read_excel(path: str | Path, sheet: str | None = None) -> Table:
    """Open an .xlsx workbook; `.xls` (the old binary format) has no reader here."""
    if Path(path).suffix.lower() == ".xls":
        raise ReadError("the old binary .xls format cannot be read offline; save as .xlsx")
    if not zipfile.is_zipfile(path):
        raise ReadError("not an .xlsx workbook (the file is not a zip archive)")
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"damaged workbook: {exc}") from exc
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except (KeyError, IndexError) as exc:
        book.close()
        raise ReadError(f"no sheet named {sheet!r}" if sheet else "the workbook has no sheet") from exc
    rows = ws.iter_rows(values_only=True)
    try:
        first = next(rows, None)
    except Exception as exc:
        book.close()
        raise ReadError(f"damaged sheet: {exc}", line=1) from exc
    if first is None:
        book.close()
        raise ReadError("the sheet is empty: no header row", line=1)
    header = [cell_to_text(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()
    return Table(path=str(path), format="xlsx", header=header, rows=_records(book, rows),
                 encoding=None)


def _records(book: Any, rows: Iterator[tuple[Any, ...]]) -> Iterator[RowTuple]:
    row = 1
    try:
        for values in rows:
            row += 1
            cells = [cell_to_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield row, row, cells
    except Exception as exc:
        raise ReadError(f"damaged sheet: {exc}", line=row, row=row) from exc
    finally:
        book.close()
