"""The two Excel paths: calamine's fast path reads a sheet exactly as openpyxl's streaming path."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gu1lint.readers import RowTuple, Table, excel, open_table

pytest.importorskip("python_calamine")


def drain(table: Table | None) -> tuple[list[str], list[str], list[RowTuple], list[Any]]:
    """Header, notes, rows, and each row's formulas without a cached value."""
    assert table is not None
    rows, uncached = [], []
    for row in table.rows:
        rows.append(row)
        uncached.append(list(table.uncached))
    return table.header, table.notes, rows, uncached


def assert_same(path: Path, sheet: str | None = None) -> list[RowTuple]:
    """The fast path reads the sheet, and reads it as the openpyxl path does."""
    fast = drain(excel._calamine_table(path, sheet))
    slow = drain(excel._openpyxl_table(path, sheet))
    assert fast == slow
    return fast[2]


def save(tmp_path: Path, rows: list[list[Any]], name: str = "book.xlsx",
         origin: str = "A1", formats: dict[int, str] | None = None) -> Path:
    """A workbook written by openpyxl (shared strings) with `rows` placed from `origin`."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    first = ws[origin]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if value is not None:
                cell = ws.cell(row=first.row + i, column=first.column + j, value=value)
                if formats and j in formats:
                    cell.number_format = formats[j]
    path = tmp_path / name
    book.save(path)
    return path


def raw_book(tmp_path: Path, sheet_xml: str | list[str], names: list[str] | None = None,
             shared: str | None = None) -> Path:
    """A minimal workbook of hand-written sheet XML, no styles, `shared` the `<si>` items."""
    sheets = [sheet_xml] if isinstance(sheet_xml, str) else sheet_xml
    names = names or [f"S{i + 1}" for i in range(len(sheets))]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    path = tmp_path / "raw.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlfor'
            'mats-package.relationships+xml"/><Default Extension="xml" ContentType="applicatio'
            'n/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxm'
            'lformats-officedocument.spreadsheetml.sheet.main+xml"/>' + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="applicatio'
                'n/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(len(sheets))) + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openx'
                'mlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared else "")
            + "</Types>"))
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                   f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   + "".join(
            f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, n in enumerate(names)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}">' + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
            + "</Relationships>")
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{shared}</sst>')
        for i, xml in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                       f'<worksheet xmlns="{main}"><sheetData>{xml}</sheetData></worksheet>')
    return path


def inline(ref: str, text: str) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_numbers_ids_floats_booleans_and_gaps(tmp_path: Path) -> None:
    """Integers, 15-digit ids, floats, booleans and empty cells read alike."""
    rows = [["id", "amount", "flag", "note", "big"],
            [1, 2.5, True, None, 123456789012345],
            [-7, 0.1, False, "x", 999999999999999],
            [None, None, None, None, None],
            [3, 1e20, None, "", 1.5e-7],
            [4, 1234.56, True, "  padded  ", 2**40]]
    got = assert_same(save(tmp_path, rows))
    assert [r[0] for r in got] == [2, 3, 5, 6]
    assert got[0][2] == ["1", "2.5", "true", "", "123456789012345"]


@pytest.mark.parametrize("value", [dt.date(2025, 12, 31), dt.datetime(2025, 1, 2, 3, 4, 5),
                                   dt.time(10, 30), dt.timedelta(hours=26), dt.datetime(1900, 1, 1),
                                   ])
def test_dated_sheets_go_to_openpyxl(tmp_path: Path, value: Any) -> None:
    """Dates, datetimes, times and durations are openpyxl's: calamine types them differently."""
    path = save(tmp_path, [["when"], [value]])
    assert excel._calamine_table(path, None) is None
    assert list(open_table(path).rows) == list(excel._openpyxl_table(path, None).rows)


def test_plain_number_formats_keep_the_fast_path(tmp_path: Path) -> None:
    """Amounts with a thousands separator or a percent format are still plain numbers."""
    path = save(tmp_path, [["amount", "rate"], [1234567.5, 0.25], [-3, 1]],
                formats={0: "#,##0.00", 1: "0%"})
    assert assert_same(path) == [(2, 2, ["1234567.5", "0.25"]), (3, 3, ["-3", "1"])]


def test_table_at_b3_keeps_sheet_rows_and_an_empty_column_a(tmp_path: Path) -> None:
    """A table starting at B3: row 3 is the header, column A is an empty first column."""
    got = assert_same(save(tmp_path, [["a", "b"], [1, 2], [None, None], [3, None]], origin="B3"))
    assert [r[0] for r in got] == [4, 6]
    assert got[0][2] == ["", "1", "2"]
    table = excel._calamine_table(tmp_path / "book.xlsx", None)
    assert table is not None and table.header == ["", "a", "b"]


def test_several_sheets_and_sheet_choice(tmp_path: Path) -> None:
    """The first sheet with a note about the others, or the one --sheet names."""
    book = openpyxl.Workbook()
    book.active.title = "First"
    book.active.append(["h"])
    book.active.append([1])
    other = book.create_sheet("Second one")
    other.append(["x", "y"])
    other.append(["2", 3])
    path = tmp_path / "multi.xlsx"
    book.save(path)
    assert_same(path)
    assert excel._calamine_table(path, None).notes  # type: ignore[union-attr]
    assert assert_same(path, "Second one") == [(2, 2, ["2", "3"])]


def test_inline_strings(tmp_path: Path) -> None:
    """Inline strings, as large generated workbooks hold them."""
    xml = ('<row r="1">' + inline("A1", "name") + inline("B1", "value") + "</row>"
           '<row r="2">' + inline("A2", "Zoë &amp; co") + '<c r="B2"><v>42</v></c></row>'
           '<row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve"> spaced </t></is></c>'
           '<c r="B4" t="b"><v>1</v></c></row>'
           '<row r="5">' + inline("A5", "a\nb") + '<c r="B5" t="b"><v>0</v></c></row>')
    assert assert_same(raw_book(tmp_path, xml)) == [(2, 2, ["Zoë & co", "42"]),
                                                     (4, 4, [" spaced ", "true"]),
                                                     (5, 5, ["a\nb", "false"])]


def test_shared_strings(tmp_path: Path) -> None:
    """Shared strings, as spreadsheet programs write them, rich text runs included."""
    shared = ("<si><t>name</t></si><si><t>value</t></si><si><t>a,b</t></si>"
              "<si><r><t>rich</t></r><r><t xml:space=\"preserve\"> text</t></r></si>")
    xml = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
           '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
           '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>7.25</v></c></row>')
    assert assert_same(raw_book(tmp_path, xml, shared=shared)) == [
        (2, 2, ["a,b", "rich text"]), (3, 3, ["rich text", "7.25"])]


@pytest.mark.parametrize("text", ["<t> lead</t>", "<t>trail </t>", "<t>&#10;x</t>",
                                  "<t>a_x000D_b</t>", "<t>a\rb</t>"])
def test_text_calamine_reads_differently_goes_to_openpyxl(tmp_path: Path, text: str) -> None:
    """Unpreserved edge whitespace, `_xHHHH_` escapes, raw CRs: the openpyxl path."""
    xml = '<row r="1">' + inline("A1", "a") + '</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    path = raw_book(tmp_path, xml, shared=f"<si>{text}</si>")
    assert excel._calamine_table(path, None) is None
    inline_xml = ('<row r="1">' + inline("A1", "a") +
                  f'</row><row r="2"><c r="A2" t="inlineStr"><is>{text}</is></c></row>')
    assert excel._calamine_table(raw_book(tmp_path, inline_xml), None) is None


@pytest.mark.parametrize("cell", [
    '<c r="B2"><f>1+1</f></c>',  # a formula without a cached value
    '<c r="B2"><f>1+1</f><v>2</v></c>',
    '<c r="B2"><v>20123456789012345678</v></c>',  # openpyxl keeps it exact, calamine rounds it
    '<c r="B2" t="d"><v>2025-01-02T00:00:00</v></c>',
    '<c r="B2" t="e"><v>#DIV/0!</v></c>',  # calamine reads an error as empty
    '<c><v>1</v></c>',  # no reference
    '<c r="XFD2"><v>1</v></c>',  # wider than gu1lint reads
])
def test_sheets_calamine_could_misread_go_to_openpyxl(tmp_path: Path, cell: str) -> None:
    """Formulas, long integers, ISO dates, unreferenced or far cells: the openpyxl path."""
    xml = '<row r="1">' + inline("A1", "a") + inline("B1", "b") + f"</row><row r=\"2\">{cell}</row>"
    path = raw_book(tmp_path, xml)
    assert excel._calamine_table(path, None) is None
    assert open_table(path).header == ["a", "b"]


def test_formula_without_cached_value_is_reported(tmp_path: Path) -> None:
    """read_excel keeps reporting a formula that holds no result."""
    xml = ('<row r="1">' + inline("A1", "a") + inline("B1", "b") + "</row>"
           '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2*2</f></c></row>')
    table = open_table(raw_book(tmp_path, xml))
    assert list(table.rows) == [(2, 2, ["1"])]
    assert table.uncached == [(1, "=A2*2")]


def test_missing_sheet_and_chart_sheet_keep_their_errors(tmp_path: Path) -> None:
    """A sheet name that is not there: no fast path, the openpyxl path's error."""
    path = save(tmp_path, [["a"], [1]])
    assert excel._calamine_table(path, "Nope") is None
    with pytest.raises(excel.ReadError, match="no sheet named 'Nope'"):
        open_table(path, "Nope")


def test_the_fast_path_is_taken_for_a_plain_sheet(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """read_excel does not reach openpyxl for a sheet of plain values."""
    path = save(tmp_path, [["a", "b"], [1, "x"]])

    def refuse(*_: Any) -> Table:
        raise AssertionError("openpyxl path taken")

    monkeypatch.setattr(excel, "_openpyxl_table", refuse)
    table = open_table(path)
    assert (table.header, list(table.rows)) == (["a", "b"], [(2, 2, ["1", "x"])])


@pytest.mark.parametrize("far", ["XFD1048576", "B1048576"])
def test_a_sparse_sheet_never_reaches_calamine(tmp_path: Path, far: str) -> None:
    """A few cells far apart would make calamine allocate a dense grid of billions of cells."""
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active[far] = 1
    path = tmp_path / "sparse.xlsx"
    book.save(path)
    assert excel._calamine_table(path, None) is None
    assert open_table(path).header == ["a", "b"]


def test_a_calamine_failure_falls_back_to_openpyxl(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A panic of calamine's bindings means the openpyxl path; an interrupt stays one."""
    import python_calamine

    path = save(tmp_path, [["a"], [1]])
    panic = type("PanicException", (BaseException,), {})

    def fail(exc: BaseException) -> Any:
        def from_path(*_: Any, **__: Any) -> Any:
            raise exc
        return from_path

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", fail(panic("boom")))
    assert excel._calamine_table(path, None) is None
    assert list(open_table(path).rows) == [(2, 2, ["1"])]
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path",
                        fail(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        excel._calamine_table(path, None)
