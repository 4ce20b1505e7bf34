"""Readers: CSV encodings, delimiters and line numbers; Excel cells as text; the JSON shapes."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_json, triples
from hypothesis import given, settings
from hypothesis import strategies as st

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table, csv_reader, open_table
from gu1lint.readers.cells import cell_to_text

ENTITY_HEADER = "tax_id,type,suggested_name,country_code"


def read_all(path: Path, sheet: str | None = None) -> tuple[Table, list[RowTuple]]:
    """Open a file and drain its rows."""
    table = open_table(path, sheet)
    return table, list(table.rows)


def write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write a file byte for byte (newlines untouched)."""
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# ---- CSV: the csv-spectrum corpus --------------------------------------------------------------


@pytest.mark.parametrize("newline", [None, "\r\n"], ids=["as-stored", "crlf"])
def test_csv_spectrum_corpus(shared_dir: Path, tmp_path: Path, newline: str | None) -> None:
    """Every csvs/NAME.csv parses to the records of json/NAME.json."""
    folder = shared_dir / "corpus" / "csv-spectrum"
    paths = sorted((folder / "csvs").glob("*.csv"))
    assert paths, "the csv-spectrum corpus holds no CSV file"
    for path in paths:
        data = path.read_bytes()
        if newline is not None:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", newline.encode())
        expected = json.loads((folder / "json" / f"{path.stem}.json").read_text(encoding="utf-8"))
        # a line break inside a quoted value is the file's own line ending; the stored copy of
        # the *_crlf files may have lost its CRs, so the expectation follows the bytes parsed
        ending = "\r\n" if b"\r\n" in data else "\n"
        expected = [
            {k: v.replace("\r\n", "\n").replace("\n", ending) for k, v in record.items()}
            for record in expected
        ]
        table, rows = read_all(write(tmp_path, path.name, data))
        got = [dict(zip(table.header, cells, strict=True)) for _, _, cells in rows]
        assert got == expected, path.name


# ---- CSV: encodings ----------------------------------------------------------------------------


def test_utf8_bom_header_still_matches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bom.csv", f"\ufeff{ENTITY_HEADER}\n20123456786,person,Ana,AR\n")
    table, rows = read_all(path)
    assert table.encoding == "utf-8-sig"
    assert table.header[0] == "tax_id"
    assert rows == [(2, 2, ["20123456786", "person", "Ana", "AR"])]
    status, report = run_json(capsys, str(path), "--kind", "entities")
    assert (status, triples(report)) == (0, [])


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_single_byte_encodings_are_detected(
    tmp_path: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "José Peña Ñandú São João"
    path = write(tmp_path, "win.csv", f"{ENTITY_HEADER}\n20123456786,person,{name},AR\n", encoding)
    table, rows = read_all(path)
    assert codecs.lookup(table.encoding or "").name in ("cp1252", "iso8859-1")
    assert rows[0][2][2] == name
    status, report = run_json(capsys, str(path), "--kind", "entities")
    assert triples(report) == ["None:None ENCODING_NOT_UTF8 encoding-not-utf8"]
    assert status == 0  # a warning


def test_cp1252_euro_and_quotes(tmp_path: Path) -> None:
    text = "€ “quoted” – dash"
    path = write(tmp_path, "euro.csv", f"{ENTITY_HEADER}\n20123456786,person,{text},AR\n", "cp1252")
    _, rows = read_all(path)
    assert rows[0][2][2] == text


def test_chardet_only_sees_a_bounded_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chardet

    seen: list[int] = []
    real = chardet.detect

    def spy(data: bytes, *args: object, **kwargs: object) -> dict:
        seen.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(chardet, "detect", spy)
    row = "20123456786,person,Иван Петров Смирнова,AR\n"
    count = 4 * csv_reader.SAMPLE_BYTES // len(row)
    path = write(tmp_path, "big.csv", ENTITY_HEADER + "\n" + row * count, "cp1251")
    assert path.stat().st_size > 3 * csv_reader.SAMPLE_BYTES
    table, rows = read_all(path)
    assert seen, "chardet was never asked"
    assert max(seen) <= csv_reader.SAMPLE_BYTES
    assert table.encoding == "cp1251"
    assert len(rows) == count and rows[-1][2][2] == "Иван Петров Смирнова"


def test_big_cp1252_file_is_read_whole(tmp_path: Path) -> None:
    row = "20123456786,person,José Peña Ñandú,AR\n"
    count = 4 * csv_reader.SAMPLE_BYTES // len(row)
    path = write(tmp_path, "big.csv", ENTITY_HEADER + "\n" + row * count, "cp1252")
    table, rows = read_all(path)
    assert table.encoding == "cp1252"
    assert len(rows) == count and rows[-1][2][2] == "José Peña Ñandú"


def test_utf8_file_never_reaches_chardet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chardet

    def fail(data: bytes, *args: object, **kwargs: object) -> dict:
        raise AssertionError("chardet called on a UTF-8 file")

    monkeypatch.setattr(chardet, "detect", fail)
    # multi-byte characters straddle the sample boundary: UTF-8 must still be recognised
    row = "20123456786,person,Ñandú ʤ €,AR\n"
    count = 3 * csv_reader.SAMPLE_BYTES // len(row.encode())
    path = write(tmp_path, "utf8.csv", ENTITY_HEADER + "\n" + row * count)
    table, rows = read_all(path)
    assert table.encoding == "utf-8"
    assert len(rows) == count


def test_ascii_prefix_then_accents_is_cp1252(tmp_path: Path) -> None:
    """A sample that looks ASCII while the whole file is not: a Windows export."""
    plain = "20123456786,person,Ana,AR\n" * (csv_reader.SAMPLE_BYTES // 20)
    path = write(
        tmp_path, "late.csv", f"{ENTITY_HEADER}\n{plain}20123456786,person,Peña,AR\n", "cp1252"
    )
    table, rows = read_all(path)
    assert table.encoding == "cp1252"
    assert rows[-1][2][2] == "Peña"


@pytest.mark.parametrize(
    "bom, codec",
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["le", "be"],
)
def test_utf16_with_bom(
    tmp_path: Path, bom: bytes, codec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"{ENTITY_HEADER}\r\n20123456786,person,José,AR\r\n"
    path = write(tmp_path, "u16.csv", bom + text.encode(codec))
    table, rows = read_all(path)
    assert table.encoding == "utf-16"
    assert table.header == ENTITY_HEADER.split(",")
    assert rows == [(2, 2, ["20123456786", "person", "José", "AR"])]
    _, report = run_json(capsys, str(path), "--kind", "entities")
    assert triples(report) == ["None:None ENCODING_NOT_UTF8 encoding-not-utf8"]


# ---- CSV: delimiters, records and lines --------------------------------------------------------


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    lines = [
        ["tax_id", "type", "suggested_name", "country_code"],
        ["20123456786", "person", "Ana, María; B|C", "AR"],
    ]
    text = (
        "\n".join(
            delimiter.join(f'"{c}"' if any(d in c for d in ",;\t|") else c for c in line)
            for line in lines
        )
        + "\n"
    )
    table, rows = read_all(write(tmp_path, "d.csv", text))
    assert table.header == lines[0]
    assert rows == [(2, 2, lines[1])]


def test_delimiter_inside_quotes_does_not_count(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path, "q.csv", 'name,"a;b;c;d"\nx,y\n'))
    assert table.header == ["name", "a;b;c;d"]
    assert rows == [(2, 2, ["x", "y"])]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_quoted_newlines_keep_the_start_line(tmp_path: Path, eol: str) -> None:
    text = eol.join(["a,b", '1,"two', "line", 'value"', "2,x", '3,"y', 'z"', "4,w"]) + eol
    _, rows = read_all(write(tmp_path, "nl.csv", text))
    # row counts records (header = row 1); line is the physical line where each record starts
    assert [(row, line) for row, line, _ in rows] == [(2, 2), (3, 5), (4, 6), (5, 8)]
    assert rows[0][2] == ["1", f"two{eol}line{eol}value"]


def test_quoted_newline_lines_reach_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f'{ENTITY_HEADER}\n20123456786,person,"Ana\nMaría",AR\n20987654326,person,,AR\n'
    _, report = run_json(capsys, str(write(tmp_path, "e.csv", text)), "--kind", "entities")
    finding = report["findings"][0]
    assert (finding["rule"], finding["row"], finding["line"]) == ("suggested-name-missing", 3, 4)


def test_blank_lines_count_as_spreadsheet_rows_but_yield_nothing(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path, "b.csv", "a,b\n1,2\n\n3,4\n\n\n"))
    assert rows == [(2, 2, ["1", "2"]), (4, 4, ["3", "4"])]
    assert table.header == ["a", "b"]


def test_header_cells_are_stripped(tmp_path: Path) -> None:
    table, _ = read_all(write(tmp_path, "h.csv", " tax_id , type \n1,2\n"))
    assert table.header == ["tax_id", "type"]


def test_unbalanced_quote_is_a_read_error_at_the_record_start(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "u.csv", 'a,b\n1,2\n3,"open\n4,5\n'))
    with pytest.raises(ReadError) as err:
        list(table.rows)
    assert err.value.line == 3
    assert "quote" in err.value.reason


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"], ids=["empty", "bom-only"])
def test_empty_csv_is_a_read_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError) as err:
        open_table(write(tmp_path, "empty.csv", data))
    assert err.value.line == 1


# ---- CSV: chunked reading ----------------------------------------------------------------------

#: (header, the rows read before any error, the error as (reason, line, row))
Outcome = tuple[list[str] | None, list[RowTuple], tuple[str, int | None, int | None] | None]


def outcome(path: Path) -> Outcome:
    """What reading a CSV file gives, up to and including its error."""
    header, rows = None, []
    try:
        table = csv_reader.read_csv(path)
        header = table.header
        rows.extend(table.rows)
    except ReadError as exc:
        return header, rows, (exc.reason, exc.line, exc.row)
    return header, rows, None


def line_by_line(path: Path) -> Outcome:
    """The oracle: the reader as it was before chunked reading, one bounded readline a line."""
    limit = csv_reader.LINE_LIMIT
    fh = open(path, encoding="utf-8", newline="")

    def lines() -> Iterator[str]:
        number = 0
        while line := fh.readline(limit + 1):
            number += 1
            if len(line) > limit:
                raise ReadError(f"line {number} is longer than {limit:,} characters",
                                line=number)
            if "\x00" in line:
                raise ReadError(f"a NUL character at line {number}: the file holds binary "
                                "data, not CSV text", line=number)
            yield line

    header, rows = None, []
    with fh:
        try:
            stream = lines()
            first = next(stream, None)
            if first is None:
                raise ReadError("the file is empty: no header row", line=1)
            delimiter = csv_reader.sniff_delimiter(first)
            reader = csv.reader(itertools.chain([first], stream), delimiter=delimiter,
                                strict=True)
            try:
                header = [h.lstrip("\ufeff").strip() for h in next(reader)]
            except csv.Error as exc:
                raise ReadError("the header cannot be read as utf-8 CSV: "
                                f"{csv_reader._csv_reason(exc)}", line=1) from exc
            row, last = 1, reader.line_num
            while True:
                start = last + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise ReadError(csv_reader._csv_reason(exc), line=start, row=row + 1) from exc
                row, last = row + 1, reader.line_num
                if cells:
                    rows.append((row, start, cells))
        except ReadError as exc:
            return header, rows, (exc.reason, exc.line, exc.row)
    return header, rows, None


#: line ends of every kind, quotes, delimiters, a two-byte character that small chunks cut in
#: half, NUL, and the characters str.splitlines() breaks at but the csv module does not
PIECES = st.sampled_from(["a", "bé", ",", ";", '"', '""', " ", "\r", "\n", "\r\n", "\x00",
                          "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029",
                          "\ufeff"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(PIECES, max_size=60).map("".join),
       limit=st.sampled_from([6, csv_reader.LINE_LIMIT]))
def test_chunked_reading_matches_line_by_line_reading(
    text: str, limit: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Rows, lines and errors are the same for every chunk size, and as read line by line."""
    path = tmp_path_factory.getbasetemp() / "chunks.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        # straight to the line reader: a NUL near the start would stop encoding detection
        patch.setattr(csv_reader, "detect_encoding", lambda _path: "utf-8")
        patch.setattr(csv_reader, "LINE_LIMIT", limit)
        expected = line_by_line(path)
        for size in (1, 2, 7, csv_reader.CHUNK_BYTES):
            patch.setattr(csv_reader, "CHUNK_BYTES", size)
            assert outcome(path) == expected, size


@pytest.mark.parametrize("size", range(1, 14))
def test_crlf_cut_by_a_chunk_boundary_stays_one_line_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", size)
    text = 'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\r3,w\r\n'
    table, rows = read_all(write(tmp_path, "crlf.csv", text))
    assert table.header == ["a", "b"]
    assert rows == [(2, 2, ["1", "x\r\ny"]), (4, 5, ["2", "z"]), (5, 6, ["3", "w"])]


def many_rows(count: int) -> str:
    """An entity file body of `count` distinct rows, lines 2 to count + 1."""
    return "".join(f"{20000000000 + i},person,Name {i},AR\n" for i in range(count))


def test_nul_in_a_later_chunk_stops_at_its_line(tmp_path: Path) -> None:
    body = many_rows(10_000)  # past the encoding sample and several chunks
    lines = body.splitlines(keepends=True)
    assert len("".join(lines[:6000]).encode()) > 2 * csv_reader.CHUNK_BYTES
    lines[6000] = lines[6000].replace("person", "per\x00son")
    table = open_table(write(tmp_path, "nul.csv", ENTITY_HEADER + "\n" + "".join(lines)))
    rows = []
    with pytest.raises(ReadError) as err:
        rows.extend(table.rows)
    assert err.value.line == 6002 and "NUL character at line 6002" in err.value.reason
    assert [line for _, line, _ in rows] == list(range(2, 6002))


@pytest.mark.parametrize("length", [50, 5_000], ids=["within-a-chunk", "across-chunks"])
def test_too_long_line_in_a_later_chunk_stops_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, length: int
) -> None:
    monkeypatch.setattr(csv_reader, "LINE_LIMIT", 40)
    monkeypatch.setattr(csv_reader, "CHUNK_BYTES", 256)
    text = ENTITY_HEADER + "\n" + many_rows(100) + "1,person," + "x" * length + ",AR\n"
    table = open_table(write(tmp_path, "long.csv", text + many_rows(3)))
    rows = []
    with pytest.raises(ReadError) as err:
        rows.extend(table.rows)
    assert err.value.line == 102 and "line 102 is longer than 40 characters" in err.value.reason
    assert len(rows) == 100


@pytest.mark.parametrize(("encoding", "bad"), [("cp1252", b"\x81"), ("utf-16", b"\x00\xdc")],
                         ids=["cp1252-undefined-byte", "utf16-lone-surrogate"])
def test_undecodable_bytes_in_a_later_chunk_stop_at_their_line(
    tmp_path: Path, encoding: str, bad: bytes
) -> None:
    body = many_rows(10_000).replace("Name 1,", "Peña 1,")
    before, after = body[:len(body) // 2], body[len(body) // 2:]
    count = before.count("\n")
    head = (ENTITY_HEADER + "\n" + before).encode(encoding)
    assert len(head) > 2 * csv_reader.CHUNK_BYTES
    tail = after.encode(encoding).removeprefix(codecs.BOM_UTF16_LE)
    table = open_table(write(tmp_path, "bad.csv", head + bad + tail))
    assert table.encoding == encoding
    rows = []
    with pytest.raises(ReadError) as err:
        rows.extend(table.rows)
    assert err.value.line == count + 2 and "undecodable bytes" in err.value.reason
    assert [line for _, line, _ in rows] == list(range(2, count + 2))


# ---- Excel ---------------------------------------------------------------------------------------


def make_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write an .xlsx with openpyxl: sheet name -> rows."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "t.xlsx",
        {
            "Data": [
                [" id ", "amount", "big", "sci", "when", "day", "flag", "empty", "name", None],
                [
                    1,
                    1234.5,
                    12345678901234567890,
                    2.0123456789e10,
                    dt.datetime(2025, 12, 31, 10, 0),
                    dt.date(2025, 1, 2),
                    True,
                    None,
                    "  keep  ",
                ],
                [2.0, 0.1, 45657, 1e25, dt.datetime(2025, 1, 1), dt.time(10, 30), False, "", "x"],
            ]
        },
    )
    table, rows = read_all(path)
    assert table.format == "xlsx" and table.encoding is None
    # header cells are stripped and trailing empty header cells dropped
    assert table.header == ["id", "amount", "big", "sci", "when", "day", "flag", "empty", "name"]
    assert rows == [
        (
            2,
            2,
            [
                "1",
                "1234.5",
                "1.234567890123457e+19",
                "20123456789",
                "2025-12-31T10:00:00",
                "2025-01-02T00:00:00",
                "true",
                "",
                "  keep  ",
            ],
        ),
        (3, 3, ["2", "0.1", "45657", "1e+25", "2025-01-01T00:00:00", "10:30:00", "false", "", "x"]),
    ]


def test_xlsx_empty_rows_count_but_yield_nothing(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "e.xlsx", {"S": [["a", "b"], [1, 2], [], [None, None], [3]]})
    _, rows = read_all(path)
    assert rows == [(2, 2, ["1", "2"]), (5, 5, ["3"])]


def test_xlsx_first_sheet_unless_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_workbook(
        tmp_path / "two.xlsx",
        {
            "First": [
                ["tax_id", "type", "suggested_name", "country_code"],
                ["20123456786", "person", "Ana", "AR"],
            ],
            "Second": [
                ["tax_id", "type", "suggested_name", "country_code"],
                ["20123456786", "person", None, "AR"],
            ],
        },
    )
    table, rows = read_all(path)
    assert rows[0][2][2] == "Ana"
    table, rows = read_all(path, "Second")
    assert rows == [(2, 2, ["20123456786", "person", "", "AR"])]
    _, report = run_json(capsys, str(path), "--kind", "entities", "--sheet", "Second")
    assert triples(report) == ["2:suggested_name VALIDATION_ERROR suggested-name-missing"]


def test_xlsx_unknown_sheet_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_workbook(tmp_path / "one.xlsx", {"Only": [["a"], [1]]})
    with pytest.raises(ReadError, match="no sheet named 'Missing'"):
        open_table(path, "Missing")
    status, report = run_json(capsys, str(path), "--kind", "entities", "--sheet", "Missing")
    assert status == 1
    assert triples(report) == ["None:None UNREADABLE_FILE unreadable-file"]


def test_not_a_zip_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="not a zip"):
        open_table(write(tmp_path, "fake.xlsx", "tax_id,type\n"))


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        ("  as is ", "  as is "),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (20123456789, "20123456789"),
        (20123456789.0, "20123456789"),
        (-3.0, "-3"),
        (1234.56, "1234.56"),
        (2.0**53, "9007199254740992.0"),
        (2.0123456789e25, "2.0123456789e+25"),
        (dt.datetime(2025, 12, 31, 10, 0), "2025-12-31T10:00:00"),
        (
            dt.datetime(2025, 12, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
            "2025-12-31T10:00:00-03:00",
        ),
        (dt.date(2025, 12, 31), "2025-12-31"),
        (dt.time(10, 0), "10:00:00"),
        ({"a": [1, "ñ"]}, '{"a":[1,"ñ"]}'),
        ([1, 2], "[1,2]"),
    ],
)
def test_cell_to_text_documented_behaviour(value: object, text: str) -> None:
    assert cell_to_text(value) == text


# ---- JSON ----------------------------------------------------------------------------------------


def test_json_array_positions_and_start_lines(tmp_path: Path) -> None:
    text = (
        '[\n  {"externalId": "t1", "amount": 10.5},\n'
        '  {"externalId": "t2",\n   "amount": 3, "extra": true, "meta": {"k": [1]}}\n]\n'
    )
    table, rows = read_all(write(tmp_path, "a.json", text))
    assert table.format == "json" and table.encoding == "utf-8"
    assert table.header == ["externalId", "amount", "extra", "meta"]
    assert rows == [(1, 2, ["t1", "10.5", "", ""]), (2, 3, ["t2", "3", "true", '{"k":[1]}'])]


@pytest.mark.parametrize("key", ["transactions", "items"])
def test_json_object_holding_the_items(tmp_path: Path, key: str) -> None:
    head = '{"meta": {"source": "erp", "list": null},\n'
    text = head + f' "{key}": [\n{{"a": 1}},\n\n{{"a": null}}]}}'
    table, rows = read_all(write(tmp_path, "w.json", text))
    assert table.header == ["a"]
    assert rows == [(1, 3, ["1"]), (2, 5, [""])]


def test_json_object_with_one_array_of_another_name(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path, "o.json", '{"count": 1, "results": [{"a": "x"}]}'))
    assert rows == [(1, 1, ["x"])]


def test_json_lines(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path, "e.jsonl", '{"a": 1}\n\n{"a": 2, "b": "x"}\n'))
    assert table.header == ["a", "b"]
    # row is the item's position, line the physical line
    assert rows == [(1, 1, ["1", ""]), (2, 3, ["2", "x"])]


def test_json_bom_is_accepted(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path, "bom.json", '\ufeff[{"a": 1}]'))
    assert rows == [(1, 1, ["1"])]


@pytest.mark.parametrize(
    "name, text, line, row, words",
    [
        ("item.json", '[{"a": 1},\n 3]', 2, 2, "item 2 is a number, not an object"),
        ("top.json", '"x"', 1, None, "is a string, not an array"),
        ("lines.jsonl", '{"a": 1}\n[1]\n', 2, None, "is an array, not an object"),
        ("comma.json", '[{"a": 1},\n {"a": 2,}]', 2, None, "invalid JSON"),
        ("cut.jsonl", '{"a": 1}\n{"a": \n', 2, None, "invalid JSON"),
        ("empty.json", "", 1, None, "empty"),
        ("extra.json", '[{"a": 1}]\n\nx', 3, None, "extra data"),
        ("none.json", '{"a": [1], "b": [2]}', 1, None, "no single array"),
    ],
)
def test_json_errors_carry_the_position(
    tmp_path: Path, name: str, text: str, line: int, row: int | None, words: str
) -> None:
    with pytest.raises(ReadError) as err:
        read_all(write(tmp_path, name, text))
    assert err.value.line == line
    assert err.value.row == row
    assert words in err.value.reason


def test_json_not_utf8_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="UTF-8"):
        open_table(write(tmp_path, "latin.json", '[{"a": "Peña"}]', "latin-1"))


def test_invalid_json_is_an_unreadable_file_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.json", '[\n{"externalId": "t1"},\n{"externalId": }\n]')
    status, report = run_json(capsys, str(path), "--kind", "transactions")
    assert status == 1
    [finding] = report["findings"]
    assert (finding["code"], finding["rule"], finding["row"], finding["line"]) == (
        "UNREADABLE_FILE",
        "unreadable-file",
        None,
        3,
    )
