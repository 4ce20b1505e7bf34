"""Excel reading with openpyxl in read-only mode: first sheet unless one is named.

Before openpyxl touches a workbook, `check_archive` reads the zip's central directory and
refuses archives that would inflate past fixed bounds (zip bombs) and XML parts that declare a
DTD (entity expansion, external entities); openpyxl also parses with defusedxml when installed.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gu1lint.errors import ReadError
from gu1lint.readers import MAX_COLUMNS, RowTuple, Table, check_width
from gu1lint.readers.cells import cell_to_text

#: bounds on what a workbook may inflate to: all parts together, the shared strings (which
#: openpyxl holds in memory), any other part except the sheets (parsed whole), and the entries
MAX_UNZIPPED_BYTES = 1 << 30
MAX_SHARED_STRINGS_BYTES = 128 << 20
MAX_OTHER_PART_BYTES = 32 << 20
MAX_ENTRIES = 10_000
#: a part compressed more than this is a zip bomb, not a spreadsheet (real sheets stay below 50)
MAX_RATIO = 200
_PROLOG_BYTES = 4096  # a DTD must come before the root element
_DTD_MARKS = tuple(m.encode(c) for m in ("<!DOCTYPE", "<!ENTITY")
                   for c in ("ascii", "utf-16-le", "utf-16-be"))


# openpyxl warns about features it drops (data validation, out-of-range dates read as #VALUE!);
# gu1lint reads values only, and stderr is kept for the one line of a failed run
warnings.filterwarnings("ignore", module="openpyxl")


#: (sheet row, cells as text, (position, formula) of formulas without a cached value)
SheetRow = tuple[int, list[str], list[tuple[int, str]]]


class Uncached(str):
    """A formula cell that holds no cached result (data_only reads it as empty): its formula."""


def read_excel(path: str | Path, sheet: str | None = None) -> Table:
    """Open an .xlsx workbook; `.xls` (the old binary format) has no reader here."""
    if Path(path).suffix.lower() == ".xls":
        raise ReadError("the old binary .xls format cannot be read offline; save as .xlsx")
    check_archive(path)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"damaged workbook: {_brief(exc)}") from exc
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except (KeyError, IndexError) as exc:
        book.close()
        raise ReadError(f"no sheet named {sheet!r}" if sheet
                        else "the workbook has no sheet") from exc
    if not hasattr(ws, "_get_source"):
        book.close()
        raise ReadError(f"sheet {ws.title!r} is a chart, not a table")
    notes = []
    if not sheet and len(book.sheetnames) > 1:
        notes.append(f"the workbook has {len(book.sheetnames)} sheets; only the first, "
                     f"{ws.title!r}, was read (--sheet chooses another)")
    table = Table(path=str(path), format="xlsx", header=[], rows=iter(()), notes=notes)
    rows = _sheet_rows(book, ws)
    try:
        table.header = _header(rows)
    except BaseException:
        rows.close()
        raise
    table.rows = _records(rows, table)
    return table


def check_archive(path: str | Path) -> None:
    """Refuse a file that is no zip, a damaged zip, a zip bomb or XML parts with a DTD."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        with open(path, "rb") as fh:
            zipped = fh.read(4) == b"PK\x03\x04"
        what = "a damaged or truncated zip archive" if zipped else "not a zip archive"
        raise ReadError(f"not an .xlsx workbook ({what})") from exc
    except (ValueError, EOFError, NotImplementedError) as exc:
        raise ReadError(f"not an .xlsx workbook (a damaged zip archive: {exc})") from exc
    with archive:
        _check_sizes(archive.infolist())
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_prolog(archive, info)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"the workbook holds {len(infos):,} zip entries (at most {MAX_ENTRIES:,})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise ReadError(f"the workbook would inflate to {total:,} bytes, over gu1lint's bound of "
                        f"{MAX_UNZIPPED_BYTES:,} (a zip bomb?)")
    for info in infos:
        name, size = info.filename, info.file_size
        if size > 1 << 20 and size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(f"part {name!r} is compressed {size // max(info.compress_size, 1):,} "
                            f"to 1, more than any spreadsheet (a zip bomb?)")
        bound = (None if name.startswith("xl/worksheets/") else MAX_SHARED_STRINGS_BYTES
                 if name == "xl/sharedStrings.xml" else MAX_OTHER_PART_BYTES)
        if bound is not None and size > bound:
            raise ReadError(f"part {name!r} would inflate to {size:,} bytes, over gu1lint's "
                            f"bound of {bound:,}")


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as part:
            prolog = part.read(_PROLOG_BYTES)
    except Exception as exc:  # a bad CRC, an unknown compression, a truncated entry
        raise ReadError(f"damaged workbook: part {info.filename!r}: {_brief(exc)}") from exc
    if any(mark in prolog for mark in _DTD_MARKS):
        raise ReadError(f"part {info.filename!r} declares a DTD, which no spreadsheet program "
                        "writes: refused (XML entity expansion or external entities)")


def _sheet_rows(book: Any, ws: Any) -> Iterator[SheetRow]:
    """(sheet row, cells as text, positions of formulas without a cached value) per stored row."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            if cell["value"] is None and formula is not None:
                cell["value"] = Uncached("=" + (formula.text or ""))
            return cell

    try:
        # openpyxl's own read-only row loop pads each row to the sheet's stated dimension (up
        # to 16,384 columns); the parser yields only the cells the sheet stores
        with ws._get_source() as source:
            parser = Parser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                            date_formats=book._date_formats,
                            timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                yield number, *_cells(cells)
    finally:
        book.close()


def _cells(cells: list[dict[str, Any]]) -> tuple[list[str], list[tuple[int, str]]]:
    """Text of a row's stored cells up to the last one with a value; a cell further right than
    MAX_COLUMNS counts as one just past it, so that a header reaching it is refused."""
    values = {min(c["column"], MAX_COLUMNS + 1) - 1: c["value"] for c in cells
              if c["value"] is not None and c["column"] > 0}
    width = max(values, default=-1) + 1
    text = [""] * width
    uncached = []
    for position, value in values.items():
        if isinstance(value, Uncached):
            uncached.append((position, str(value)))
        else:
            text[position] = cell_to_text(value)
    return text, uncached


def _header(rows: Iterator[SheetRow]) -> list[str]:
    """The first stored row that holds a value is the header."""
    for number, cells, _ in _guarded(rows):
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()
        if header:
            check_width(header, number)
            return header
    raise ReadError("the sheet is empty: no header row", line=1)


def _records(rows: Iterator[SheetRow], table: Table) -> Iterator[RowTuple]:
    """Data rows; `table.uncached` holds the current row's formulas without a cached value."""
    width = len(table.header)
    for number, cells, uncached in _guarded(rows):
        del cells[width:]  # beyond the header nothing is read, as the engine would cut it
        while cells and not cells[-1]:
            cells.pop()
        table.uncached = [(p, f) for p, f in uncached if p < width]
        if cells or table.uncached:
            yield number, number, cells


def _guarded(rows: Iterator[Any]) -> Iterator[Any]:
    """The parser's rows, with any failure inside openpyxl turned into a ReadError."""
    number = 1
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(f"damaged sheet after row {number}: {_brief(exc)}", line=number + 1,
                            row=number + 1) from exc
        number = item[0]
        yield item


def _brief(exc: BaseException) -> str:
    """An exception as one short line (openpyxl messages can quote whole XML fragments)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."
