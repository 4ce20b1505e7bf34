"""Readers turn a CSV, Excel or JSON file into a header and a stream of text rows."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gu1lint.errors import ReadError

#: (spreadsheet row, physical line where the record starts, cells as text)
RowTuple = tuple[int, int, list[str]]

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".xls": "xls", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
LINTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".json", ".jsonl")
#: a gu1 import has a few dozen columns; a wider header is refused, because every row is padded
#: to the header's width and a sparse workbook or JSON file could otherwise multiply the work
MAX_COLUMNS = 1024


@dataclass
class Table:
    """A readable file: its header and a one-shot iterator over its data rows."""

    path: str
    format: str
    header: list[str]
    rows: Iterator[RowTuple]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    #: (position, formula) of the current row's formulas that hold no cached value (xlsx only)
    uncached: list[tuple[int, str]] = field(default_factory=list)


def file_format(path: str | Path) -> str:
    """The format name from a file's suffix (`csv`, `xlsx`, `xls`, `json`, `jsonl`...)."""
    suffix = Path(path).suffix.lower()
    return FORMATS.get(suffix, suffix.lstrip(".") or "unknown")


def check_width(header: list[str], line: int | None) -> None:
    """Raise ReadError for a header wider than MAX_COLUMNS."""
    if len(header) > MAX_COLUMNS:
        raise ReadError(f"the header is wider than {MAX_COLUMNS:,} columns, the most gu1lint "
                        "reads", line=line)


def open_table(path: str | Path, sheet: str | None = None) -> Table:
    """Open a file for reading by its suffix; raises ReadError when it cannot be read."""
    fmt = file_format(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            # a folder, a FIFO or a device named like an import file: opening it could block
            raise ReadError("not a regular file")
        if fmt == "csv":
            from gu1lint.readers.csv_reader import read_csv

            return read_csv(path)
        if fmt in ("xlsx", "xls"):
            from gu1lint.readers.excel import read_excel

            return read_excel(path, sheet)
        if fmt in ("json", "jsonl"):
            from gu1lint.readers.json_reader import read_json

            return read_json(path)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    raise ReadError(f"unsupported file type {Path(path).suffix or '(none)'}")
