"""CSV records with their exact source text, so that untouched rows can be written back as read."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gu1lint.errors import ReadError
from gu1lint.readers.csv_reader import FIELD_LIMIT, LINE_LIMIT, detect_encoding, sniff_delimiter
from gu1lint.readers.encoding import SAMPLE_BYTES


@dataclass
class RawRecord:
    """One CSV record: spreadsheet row, first physical line, cells and the text it was read from."""

    row: int
    line: int
    cells: list[str]
    text: str

    @property
    def blank(self) -> bool:
        """A blank line: counted as a spreadsheet row, but no data row."""
        return not self.cells


@dataclass
class RawCsv:
    """A CSV file opened for rewriting: encoding, delimiter, the header and the records after it."""

    path: str
    encoding: str
    delimiter: str
    header: RawRecord
    records: Iterator[RawRecord]

    @property
    def columns(self) -> list[str]:
        """The header as the readers see it (BOM and surrounding spaces removed)."""
        return [h.lstrip("\ufeff").strip() for h in self.header.cells]


def open_raw_csv(path: str | Path) -> RawCsv:
    """Open a CSV file the way the CSV reader does, keeping each record's source text."""
    encoding = detect_encoding(path)
    fh = open(path, encoding=encoding, errors="strict", newline="")
    try:
        delimiter = sniff_delimiter(fh.readline(LINE_LIMIT)[:SAMPLE_BYTES])
        fh.seek(0)  # the BOM-aware codecs drop the BOM again after a seek to 0
    except UnicodeDecodeError as exc:
        fh.close()
        raise ReadError(f"cannot decode the header as {encoding}: {exc.reason}", line=1) from exc
    csv.field_size_limit(FIELD_LIMIT)
    records = _records(fh, delimiter)
    header = next(records, None)
    if header is None:
        fh.close()
        raise ReadError("the file is empty: no header row", line=1)
    return RawCsv(str(path), encoding, delimiter, header, records)


def _records(fh, delimiter: str) -> Iterator[RawRecord]:  # type: ignore[no-untyped-def]
    """Every record from the header on; csv.reader pulls exactly one record's lines at a time."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        number = 0
        while text := fh.readline(LINE_LIMIT + 1):
            number += 1
            if len(text) > LINE_LIMIT or "\x00" in text:
                raise ReadError("a line too long or with a NUL character: not CSV text",
                                line=number)
            consumed.append(text)
            yield text

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    row, line = 0, 1
    with fh:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = str(exc)
                if "unexpected end of data" in reason:
                    reason = "unbalanced quote: a quoted value is never closed"
                raise ReadError(reason, line=line, row=row + 1) from exc
            except UnicodeDecodeError as exc:
                raise ReadError(f"undecodable bytes: {exc.reason}", line=line) from exc
            row += 1
            text = "".join(consumed)
            consumed.clear()
            yield RawRecord(row, line, cells, text)
            line = reader.line_num + 1


def line_end(text: str) -> str:
    """The line terminator a record's text ends with ('' for a last line without one)."""
    if text.endswith("\r\n"):
        return "\r\n"
    if text.endswith(("\n", "\r")):
        return text[-1]
    return ""
