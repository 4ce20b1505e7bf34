"""CSV reading: encoding and delimiter detection, streamed records with their physical lines."""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table, check_width
from gu1lint.readers.encoding import SAMPLE_BYTES, detect_encoding

__all__ = ["SAMPLE_BYTES", "detect_encoding", "read_csv", "sniff_delimiter"]

DELIMITERS = ",;\t|"
FIELD_LIMIT = 1 << 24  # one cell may hold 16 Mi characters; beyond that the file is unreadable
#: one physical line may hold as much; longer lines stop reading there, before the csv module
#: would buffer the whole line (a 50 MB line costs no more memory than this bound)
LINE_LIMIT = FIELD_LIMIT
#: bytes read and decoded at a time, their lines handed to the csv module as one list; small
#: enough that the lines of one chunk stay in the CPU cache and reuse the memory of the last
#: chunk's (1 MiB chunks cost page faults and were slower)
CHUNK_BYTES = 1 << 16
#: str.splitlines() breaks at these too, but for the csv module they are data, not line ends
_NOT_LINE_ENDS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


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
    decoder = codecs.getincrementaldecoder(encoding)()
    fh = open(path, "rb")
    try:
        lines = itertools.chain.from_iterable(_line_batches(fh, decoder))
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


def _records(fh: BinaryIO, reader: csv.Reader) -> Iterator[RowTuple]:
    """Yield (row, line, cells); blank lines count as spreadsheet rows but yield nothing."""
    row = 1
    last_line = reader.line_num
    with fh:
        try:
            for cells in reader:
                row += 1
                if cells:
                    yield row, last_line + 1, cells
                last_line = reader.line_num
        except csv.Error as exc:
            # the record that failed starts after the last one read, and is the next row
            raise ReadError(_csv_reason(exc), line=last_line + 1, row=row + 1) from exc
        except UnicodeDecodeError as exc:
            raise ReadError(_reason(exc), line=last_line + 1) from exc


def _line_batches(fh: BinaryIO, decoder: codecs.IncrementalDecoder) -> Iterator[list[str]]:
    """The physical lines a chunk at a time, each at most LINE_LIMIT characters and free of NUL.

    The lines before a bad one come first; so the line holding undecodable bytes raises
    UnicodeDecodeError only when the csv module asks for it.
    """
    size, limit = CHUNK_BYTES, LINE_LIMIT
    number = 0  # lines handed out so far
    pieces: list[str] = []  # the start of line number + 1, which the next chunk continues
    length = 0  # its length
    while True:
        data = fh.read(size)
        final, undecodable = not data, None
        state = decoder.getstate()
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            text, final, undecodable = _decodable_prefix(decoder, state, data), False, exc
        if pieces and not final and not pieces[-1].endswith("\r") and "\n" not in text \
                and "\r" not in text:
            # the line goes on: keep its pieces rather than copy the growing line per chunk
            pieces.append(text)
            length += len(text)
        else:
            if pieces:
                text = "".join(pieces) + text
            lines = _split_lines(text)
            # an unterminated last line, or one ending in CR, whose LF may open the next chunk
            pieces = [lines.pop()] if lines and not final and lines[-1][-1] != "\n" else []
            length = len(pieces[0]) if pieces else 0
            bad = _first_bad(lines, limit) if "\x00" in text or len(text) > limit else None
            good = lines if bad is None else lines[:bad]
            if good:
                yield good
            number += len(good)
            if bad is not None:
                raise _line_error(lines[bad], number + 1, limit)
        if length > limit:
            raise _too_long(number + 1, limit)
        if undecodable is not None:
            raise undecodable
        if final:
            return


def _split_lines(text: str) -> list[str]:
    """Lines ending at LF, CRLF or CR, as the csv module and universal newlines see them."""
    if any(ch in text for ch in _NOT_LINE_ENDS):
        return _LINE.findall(text)
    return text.splitlines(keepends=True)


def _first_bad(lines: list[str], limit: int) -> int | None:
    """The index of the first line longer than `limit` or holding NUL."""
    for index, line in enumerate(lines):
        if len(line) > limit or "\x00" in line:
            return index
    return None


def _line_error(line: str, number: int, limit: int) -> ReadError:
    """Why a line fails: too long, else it holds NUL."""
    if len(line) > limit:
        return _too_long(number, limit)
    return ReadError(f"a NUL character at line {number}: the file holds binary data, "
                     "not CSV text", line=number)


def _too_long(number: int, limit: int) -> ReadError:
    return ReadError(f"line {number} is longer than {limit:,} characters", line=number)


def _decodable_prefix(decoder: codecs.IncrementalDecoder, state: tuple[bytes, int],
                      data: bytes) -> str:
    """The text of `data` up to its first undecodable byte, decoded again from `state`."""
    decoder.setstate(state)
    parts: list[str] = []
    start, step = 0, 8192
    while start < len(data):
        before = decoder.getstate()
        try:
            parts.append(decoder.decode(data[start:start + step]))
        except UnicodeDecodeError:
            decoder.setstate(before)
            if step == 1:
                break
            step = 1  # byte by byte through the piece that fails
            continue
        start += step
    return "".join(parts)


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
