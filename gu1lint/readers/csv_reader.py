"""CSV reading: encoding and delimiter detection, streamed records with their physical lines."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table, check_width
from gu1lint.readers.encoding import SAMPLE_BYTES, detect_encoding

__all__ = ["SAMPLE_BYTES", "detect_encoding", "read_csv", "sniff_delimiter"]

DELIMITERS = ",;\t|"
FIELD_LIMIT = 1 << 24  # one cell may hold 16 Mi characters; beyond that the file is unreadable
#: one physical line may hold as much; longer lines stop reading there, before the csv module
#: would buffer the whole line (a 50 MB line costs no more memory than this bound)
LINE_LIMIT = FIELD_LIMIT


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: str | Path) -> Table:
    """Open a CSV file; the rows stream lazily and raise ReadError where the file breaks."""
    encoding = detect_encoding(path)
    fh = open(path, encoding=encoding, errors="strict", newline="")
    try:
        lines = _bounded_lines(fh)
        first = next(lines, None)
        if first is None:
            raise ReadError("the file is empty: no header row", line=1)
        delimiter = sniff_delimiter(first[:SAMPLE_BYTES])
        csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
        header = next(reader)
        header = [h.lstrip("\ufeff").strip() for h in header]
        check_width(header, 1)
    except (csv.Error, UnicodeDecodeError) as exc:
        fh.close()
        raise ReadError(f"the header cannot be read as {encoding} CSV: {_reason(exc)}",
                        line=1) from exc
    except BaseException:
        fh.close()
        raise
    notes = [] if delimiter == "," else [f"delimiter {delimiter!r} detected"]
    return Table(path=str(path), format="csv", header=header, rows=_records(fh, reader),
                 encoding=encoding, notes=notes)


def _bounded_lines(fh: io.TextIOWrapper) -> Iterator[str]:
    """Physical lines, each at most LINE_LIMIT characters and free of NUL characters."""
    number = 0
    readline = fh.readline
    while line := readline(LINE_LIMIT + 1):
        number += 1
        if len(line) > LINE_LIMIT:
            raise ReadError(f"line {number} is longer than {LINE_LIMIT:,} characters",
                            line=number)
        if "\x00" in line:
            raise ReadError(f"a NUL character at line {number}: the file holds binary data, "
                            "not CSV text", line=number)
        yield line


def _records(fh: io.TextIOWrapper, reader: csv.Reader) -> Iterator[RowTuple]:
    """Yield (row, line, cells); blank lines count as spreadsheet rows but yield nothing."""
    row = 1
    last_line = reader.line_num
    with fh:
        while True:
            start = last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ReadError(_csv_reason(exc), line=start, row=row + 1) from exc
            except UnicodeDecodeError as exc:
                raise ReadError(_reason(exc), line=start) from exc
            row += 1
            last_line = reader.line_num
            if cells:
                yield row, start, cells


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "unbalanced quote: a quoted value is never closed"
    if "field larger than field limit" in text:
        return (f"a value longer than {FIELD_LIMIT:,} characters "
                "(a quote that is never closed swallows the rest of the file)")
    return text


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"undecodable bytes as {exc.encoding}: {exc.reason}"
    if isinstance(exc, csv.Error):
        return _csv_reason(exc)
    return str(exc)
