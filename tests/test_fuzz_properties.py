"""Property tests: whatever bytes arrive as .csv, .json, .jsonl or inside a workbook, the readers
yield text rows or raise ReadError, the engine gives findings, and the reporters write them with
no raw control character. Bounded (200 examples each) so the suite stays quick; the atheris
harness in fuzz/ runs the same targets without a bound, by hand."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from make_bad_corpus import TX, sheet_xml, workbook

from gu1lint.catalog import load_catalog
from gu1lint.engine import lint
from gu1lint.errors import Gu1lintError, ReadError
from gu1lint.options import FileOptions, RunOptions
from gu1lint.readers import RowTuple, open_table
from gu1lint.reporters import REPORTERS, get_reporter

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIXES = [".csv", ".json", ".jsonl"]
#: characters that steer the CSV and JSON parsers into their corners
CSV_ALPHABET = st.sampled_from(list(',;|\t"\r\n\\{}[]:0123456789.-+=@ abcAZ\x00\x1b\u2028\ufeffñ'))
JSON_TOKENS = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"externalId"', '1',
                               '-1e999', 'true', 'null', '"\\ud800"', '"\\u0000"', ' ', '\n',
                               '"x"', '9' * 20])


def read_all(path: Path) -> list[RowTuple]:
    """Open and drain a file; ReadError is the only failure allowed (the caller catches it)."""
    table = open_table(path)
    assert all(isinstance(h, str) for h in table.header)
    rows = []
    for row, line, cells in table.rows:
        assert isinstance(row, int) and isinstance(line, int) and row >= 1 and line >= 1
        assert all(isinstance(c, str) for c in cells)
        for c in cells:
            c.encode("utf-8")  # never a lone surrogate: every reporter can write it
        rows.append((row, line, cells))
    return rows


def check_bytes(data: bytes, suffix: str) -> None:
    """The reader and the whole pipeline on one file of these bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            read_all(path)
        except ReadError as exc:
            assert exc.reason and "\n" not in exc.reason
        lint_and_render(path)
        assert path.read_bytes() == data  # nothing modified


def lint_and_render(path: Path) -> None:
    """Lint as transactions and render text and JSON: findings out, never an exception."""
    catalog = load_catalog()
    try:
        report = lint([(str(path), FileOptions(kind="transactions"))], RunOptions(), catalog)
    except Gu1lintError:
        return
    for name in REPORTERS:
        stream = io.StringIO()
        get_reporter(name)(report, catalog, stream)
        text = stream.getvalue()
        text.encode("utf-8")
        if name in ("text", "github"):
            assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text), text
        if name in ("json", "sarif"):
            json.loads(text)
        if name == "failures-csv":
            for row in csv.reader(io.StringIO(text)):
                assert not any(c[:1] in ("=", "+", "@") for c in row), row


@SETTINGS
@given(data=st.binary(max_size=2048), suffix=st.sampled_from(SUFFIXES))
@example(data=b"\xff\xfe" + "a,b\n".encode("utf-16-le")[:-1], suffix=".csv")
@example(data=b'[{"a": ' + b"9" * 5000 + b"}]", suffix=".json")
def test_any_bytes(data: bytes, suffix: str) -> None:
    check_bytes(data, suffix)


@SETTINGS
@given(header=st.permutations(TX.split(",")), text=st.text(CSV_ALPHABET, max_size=400),
       encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16", "cp1252"]))
def test_csv_like_text(header: list[str], text: str, encoding: str) -> None:
    data = (",".join(header) + "\n" + text).encode(encoding, errors="replace")
    check_bytes(data, ".csv")


@SETTINGS
@given(tokens=st.lists(JSON_TOKENS, max_size=60), suffix=st.sampled_from([".json", ".jsonl"]))
def test_json_like_tokens(tokens: list[str], suffix: str) -> None:
    check_bytes("".join(tokens).encode(), suffix)


def xml_text(text: str) -> str:
    """Text escaped for an XML element (control characters stay: the XML is then invalid)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CELL_VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(xml_text),
    st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.tuples(st.just("="), st.sampled_from(["1+1", "A1", "", "SUM(A1:A3)"])), st.none())


@SETTINGS
@given(rows=st.lists(st.lists(CELL_VALUES, max_size=6), max_size=6))
def test_any_sheet_cells(rows: list[list[object]]) -> None:
    """Workbooks of arbitrary cells (strings, numbers, formulas without a cached value)."""
    check_bytes(workbook({"Data": sheet_xml(rows)}), ".xlsx")


@SETTINGS
@given(xml=st.binary(max_size=600) | st.text(max_size=300).map(str.encode),
       part=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml",
                             "xl/sharedStrings.xml", "xl/styles.xml"]))
def test_any_xml_part(xml: bytes, part: str) -> None:
    """A workbook whose one part is arbitrary bytes: openpyxl's failures become ReadError."""
    sheet = sheet_xml([TX.split(","), ["tx-1", "PAYMENT", 1, "USD"]])
    if part == "xl/worksheets/sheet1.xml":
        check_bytes(workbook({"Data": xml}), ".xlsx")
    else:
        check_bytes(workbook({"Data": sheet}, {part: xml}), ".xlsx")


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".xlsx"])
def test_regressions_from_fuzzing(suffix: str) -> None:
    """Inputs that once escaped as another exception (see fuzz/README or the corpus)."""
    for data in REGRESSIONS.get(suffix, []):
        check_bytes(data, suffix)


#: inputs found by fuzzing that once raised something else than ReadError
REGRESSIONS: dict[str, list[bytes]] = {
    ".json": [b'[{"a": ' + b"9" * 5000 + b"}]", b'[{"a": "\\udc00"}]', b"[" * 5000],
    ".jsonl": [b'{"a": ' + b"9" * 5000 + b"}\n", b'{"a": "x\xe2\x80\xa8y"}\n'],
    # the key column beyond the end of a short row (atheris)
    ".csv": [b"a,b\n\x00", b"\xff\xfe\x00", b"type,amount,currency,externalId\nPAYMENT,1\n"],
}
