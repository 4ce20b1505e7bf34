"""Read every cell of a workbook's first sheet as text with one reader: openpyxl or calamine."""

from __future__ import annotations

import sys

from gu1lint.readers.cells import cell_to_text


def with_openpyxl(path: str) -> int:
    """openpyxl in read-only mode, values only (what gu1lint has used)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    total = 0
    for values in book.worksheets[0].iter_rows(values_only=True):
        total += sum(len(cell_to_text(v)) for v in values)
    book.close()
    return total


def with_calamine(path: str) -> int:
    """python-calamine (Rust), streamed row by row."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    total = 0
    for values in book.get_sheet_by_index(0).iter_rows():
        total += sum(len(cell_to_text(v)) for v in values)
    return total


if __name__ == "__main__":
    reader = {"openpyxl": with_openpyxl, "calamine": with_calamine}[sys.argv[1]]
    print(reader(sys.argv[2]))
