"""Excel reading: first sheet unless one is named; python-calamine reads a sheet of plain
values, openpyxl in read-only mode any other (see the fast path below for when and why).

Before either reader touches a workbook, `check_archive` reads the zip's central directory and
refuses archives that would inflate past fixed bounds (zip bombs) and XML parts that declare a
DTD (entity expansion, external entities); openpyxl also parses with defusedxml when installed.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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
    table = _calamine_table(path, sheet)
    return table if table is not None else _openpyxl_table(path, sheet)


def _openpyxl_table(path: str | Path, sheet: str | None) -> Table:
    """The streaming reader: any sheet, any size, formulas without a cached value reported."""
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
    table = Table(path=str(path), format="xlsx", header=[], rows=iter(()),
                  notes=_sheet_notes(sheet, len(book.sheetnames), ws.title))
    return _with_rows(table, _sheet_rows(book, ws))


def _sheet_notes(sheet: str | None, count: int, title: str) -> list[str]:
    """The note that only the first of several sheets was read."""
    if sheet or count <= 1:
        return []
    return [f"the workbook has {count} sheets; only the first, {title!r}, was read "
            "(--sheet chooses another)"]


def _with_rows(table: Table, rows: Iterator[SheetRow]) -> Table:
    """The table with its header read from `rows` and the rest as its data rows."""
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


# --- the fast path: python-calamine for plain sheets of values ---------------------------------
#
# calamine (Rust) reads a sheet about twenty times faster than openpyxl's parser, but it holds the
# whole sheet in memory as a dense grid, cannot say which formulas lack a cached value, and reads
# every number as a float. So it reads a sheet only when a streamed scan of the sheet's XML has
# shown that the result is the openpyxl path's, row for row and cell for cell:
# - the sheet part inflates to at most FAST_MAX_SHEET_BYTES and its grid (last row times last
#   column, taken from the cell references) holds at most FAST_MAX_GRID_CELLS cells;
# - no formula (`<f>`), no number of 16 digits or more (openpyxl keeps such an integer exact,
#   calamine rounds it to a float), no ISO-dated (`t="d"`) cell, no cell without a reference and
#   no namespace-prefixed cell or row element;
# - every sheet of the workbook is a worksheet whose part is in the archive (so the sheet chosen,
#   the count of sheets and their names are openpyxl's).
# Anything else, and any failure of calamine while it loads the sheet (a PanicException of its
# bindings included), goes to the openpyxl path, which reports damage in its own words.

#: bounds on a sheet read by calamine: its XML, and its dense grid (about 100 MB of XML holds
#: 100,000 rows of 17 columns, read in about 180 MB)
FAST_MAX_SHEET_BYTES = 160 << 20
FAST_MAX_GRID_CELLS = 8 << 20
_SCAN_CHUNK = 1 << 22
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_LONG_NUMBER = re.compile(rb"<v>\s*[-+]?\d{16}")
_DATED_OR_ERROR = re.compile(rb't="[de]"')
_WIDE_REF = re.compile(rb'<c r="[A-Z]{3}')  # column AAA (703) or further: openpyxl's
_TWO_LETTERS = re.compile(rb'<c r="([A-Z]{2})\d')
_MANY_ROWS = re.compile(rb'<c r="[A-Z]{1,2}(\d{6,})"')
_FEW_ROWS = 99_999  # the most rows a sheet whose references have at most five digits holds
_MAIN_URI = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_UNPRESERVED_START = re.compile(rb"<t>[\s&]")
_UNPRESERVED_END = re.compile(rb"<t>[^<]*[\s;]</t>")
#: built-in number formats that show no date, time or duration (General, 0, 0.00, 0%...)
_PLAIN_BUILTIN_FORMATS = frozenset(str(n) for n in (*range(14), *range(37, 45), 48, 49))
_DATE_LETTERS = re.compile(r"[dmyhsDMYHSeEgGbB]")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _calamine_table(path: str | Path, sheet: str | None) -> Table | None:
    """The table read by calamine, or None when the openpyxl path must read it."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    plan = _fast_plan(path, sheet)
    if plan is None:
        return None
    name, count = plan
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            ws = book.get_sheet_by_name(name)
        finally:
            book.close()
        start, end = ws.start, ws.end
        rows = ws.iter_rows()
    except Exception:  # any damage: openpyxl reads the sheet and words the failure
        return None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # KeyboardInterrupt, SystemExit
            raise
        return None
    table = Table(path=str(path), format="xlsx", header=[], rows=iter(()),
                  notes=_sheet_notes(sheet, count, name))
    return _with_rows(table, _calamine_rows(rows, start, end))


def _calamine_rows(rows: Iterator[list[Any]], start: tuple[int, int] | None,
                   end: tuple[int, int] | None) -> Iterator[SheetRow]:
    """Rows with a value as (sheet row, cells as text, []), as `_sheet_rows` yields them."""
    if start is None or end is None:
        return
    pad = [""] * start[1]
    number = 0
    try:
        for number, values in enumerate(rows, 1):
            if any(v != "" for v in values):
                yield number, pad + [cell_to_text(v) for v in values], []
    except Exception as exc:
        raise ReadError(f"damaged sheet after row {number}: {_brief(exc)}", line=number + 1,
                        row=number + 1) from exc
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise ReadError(f"damaged sheet after row {number}: {_brief(exc)}", line=number + 1,
                        row=number + 1) from exc
    if number != end[0] + 1:  # calamine yields every row from the first of the sheet
        raise ReadError(f"damaged sheet: {number:,} rows read of {end[0] + 1:,}", line=number)


def _fast_plan(path: str | Path, sheet: str | None) -> tuple[str, int] | None:
    """(sheet name, count of sheets) when calamine may read the sheet, else None."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = _worksheets(archive)
            if not sheets:
                return None
            names = [n for n, _ in sheets]
            if len(set(names)) != len(names) or (sheet is not None and sheet not in names):
                return None
            name = sheet if sheet is not None else names[0]
            if not _no_date_styles(archive) or not _plain_shared_strings(archive):
                return None
            info = archive.getinfo(dict(sheets)[name])
            if info.file_size > FAST_MAX_SHEET_BYTES or not _plain_values(archive, info):
                return None
    except Exception:  # anything unexpected: the openpyxl path decides
        return None
    return name, len(sheets)


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """(name, part) of every sheet in order, or None unless all are worksheets in the archive."""
    from defusedxml.ElementTree import fromstring

    root_rels = fromstring(archive.read("_rels/.rels"))
    targets = [r.get("Target", "").lstrip("/") for r in root_rels.iter(f"{_REL_NS}Relationship")
               if r.get("Type", "").endswith("/officeDocument")]
    if targets != ["xl/workbook.xml"]:
        return None
    rels = {r.get("Id"): r for r in
            fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_REL_NS}Relationship")}
    present = set(archive.namelist())
    sheets = []
    for element in fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN_NS}sheet"):
        rel = rels.get(element.get(_DOC_REL))
        if rel is None or not rel.get("Type", "").endswith("/worksheet"):
            return None
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if part not in present or rel.get("TargetMode") == "External":
            return None
        sheets.append((element.get("name", ""), part))
    return sheets


def _no_date_styles(archive: zipfile.ZipFile) -> bool:
    """True when no cell style formats numbers as dates, times or durations.

    calamine and openpyxl turn such numbers into different types at the edges (a midnight
    datetime, serials below 61 or past year 9999, negative ones), so dated sheets are openpyxl's.
    """
    from defusedxml.ElementTree import fromstring

    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = [r.get("Target", "") for r in rels.iter(f"{_REL_NS}Relationship")
               if r.get("Type", "").endswith("/styles")]
    if any(t not in ("styles.xml", "/xl/styles.xml") for t in targets):
        return False
    if "xl/styles.xml" not in archive.namelist():
        return True
    styles = fromstring(archive.read("xl/styles.xml"))
    codes = {f.get("numFmtId"): f.get("formatCode", "") for f in styles.iter(f"{_MAIN_NS}numFmt")}
    for xfs in styles.iter(f"{_MAIN_NS}cellXfs"):
        for xf in xfs.iter(f"{_MAIN_NS}xf"):
            number = xf.get("numFmtId", "0")
            if number in codes:
                if _DATE_LETTERS.search(codes[number]):  # even quoted: no guessing
                    return False
            elif number not in _PLAIN_BUILTIN_FORMATS:
                return False
    return True


def _plain_values(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the sheet part holds values calamine reads as openpyxl does (see above).

    The grid is bounded from the cell references without reading them all: a column of three
    letters is refused, two-letter columns are collected, rows of six digits or more too (a
    sheet is taken to be at least 26 columns wide and 99,999 rows high).
    """
    last_row, columns, namespaces = _FEW_ROWS, set[bytes](), 0
    with archive.open(info) as part:
        for chunk in _pieces(part):
            namespaces += chunk.count(_MAIN_URI)
            if not _plain_chunk(chunk) or _WIDE_REF.search(chunk):
                return False
            cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/")
            if chunk.count(b'<c r="') != cells:
                return False  # a cell without a reference, or with it after other attributes
            columns.update(_TWO_LETTERS.findall(chunk))
            last_row = max([last_row, *map(int, _MANY_ROWS.findall(chunk))])
    width = max([26, *map(_column_number, columns)])  # one-letter columns counted as 26
    # the main namespace declared once, on the root: no element under another prefix for it
    return namespaces == 1 and last_row * width <= FAST_MAX_GRID_CELLS


def _plain_chunk(chunk: bytes) -> bool:
    """No formula, long number, ISO-dated or error cell or text calamine reads differently in
    a piece of a sheet."""
    if (b"<f" in chunk or b":f" in chunk) and _FORMULA.search(chunk):
        return False
    return (not _LONG_NUMBER.search(chunk) and not _DATED_OR_ERROR.search(chunk)
            and _plain_text(chunk))


def _plain_text(chunk: bytes) -> bool:
    """No text calamine reads differently: it trims unpreserved text, unescapes `_x000D_`
    and keeps a raw carriage return that an XML parser turns into a line feed."""
    if b"\r" in chunk or _ESCAPE.search(chunk):
        return False
    if b"\t" in chunk or b"\n" in chunk or b"&#" in chunk:
        if _UNPRESERVED_START.search(chunk):
            return False
    elif b"<t> " in chunk:
        return False
    # a rare byte first: `in` is fast for it, slow for a needle starting with a frequent one
    end = (b" </t>" in chunk or (b";" in chunk and b";</t>" in chunk)
           or (b"\t" in chunk and b"\t</t>" in chunk) or (b"\n" in chunk and b"\n</t>" in chunk))
    return not (end and _UNPRESERVED_END.search(chunk))


def _plain_shared_strings(archive: zipfile.ZipFile) -> bool:
    """True when the shared strings (if any) hold no text calamine reads differently."""
    types = archive.read("[Content_Types].xml")
    listed = b"sharedStrings+xml" in types
    if listed != (b'"/xl/sharedStrings.xml"' in types):
        return False  # openpyxl finds the part by its content type, calamine by its name
    if "xl/sharedStrings.xml" not in archive.namelist():
        return not listed
    namespaces = 0
    with archive.open("xl/sharedStrings.xml") as part:
        for chunk in _pieces(part):
            namespaces += chunk.count(_MAIN_URI)
            if not _plain_text(chunk):
                return False
    return namespaces == 1


def _pieces(part: IO[bytes]) -> Iterator[bytes]:
    """A part in pieces that each end before a `<`, so that no tag is cut in two; a piece starts
    with the byte before its first `<`, so that a mark like `b" </t>"` is seen whole."""
    tail = b""
    while data := part.read(_SCAN_CHUNK):
        chunk = tail + data
        cut = chunk.rfind(b"<")
        if cut <= 0:
            tail = chunk
            continue
        yield chunk[:cut]
        tail = chunk[cut - 1:]
    yield tail


def _column_number(letters: bytes) -> int:
    """1 for A, 27 for AA."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
