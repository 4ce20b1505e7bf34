"""CSV reading: encoding and delimiter detection, streamed records with their physical lines."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table

SAMPLE_BYTES = 64 * 1024  # chardet only ever sees this much (bounded, never the whole file)
CHUNK_BYTES = 1 << 20
DELIMITERS = ",;\t|"
FIELD_LIMIT = 1 << 24  # one cell may hold 16 MiB; beyond that the file is unreadable

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


#: the non-ASCII characters of Spanish, Portuguese and other Western text in Windows-1252
_WESTERN = frozenset("áéíóúàèìòùâêîôûäëïöüÿãõñçÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÃÕÑÇß"
                     "¿¡ºª°€£¢¥§©®±×÷µ·´¨«»¹²³¼½¾“”‘’„–—…•\xa0")


def detect_encoding(path: str | Path) -> str:
    """BOM, then strict UTF-8 (whole file, streamed), then Windows-1252, then chardet (prefix)."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        if _is_utf8(fh, head):
            return "utf-8"
    if _reads_as_western(head):
        # gu1's files come from Latin America: a sample that reads as Spanish or Portuguese
        # under Windows-1252 is a Windows export; chardet, on a few accents, often names a
        # Central European code page instead and would turn Peña into Peńa
        return "cp1252"
    import chardet

    guess = chardet.detect(head, prefer_superset=True).get("encoding") or "cp1252"
    name = codecs.lookup(guess).name
    # a sample that looks ASCII or UTF-8 while the whole file is not: the usual culprit is
    # a Windows export with accents further down
    return "cp1252" if name in ("ascii", "utf-8") else name


def _reads_as_western(head: bytes) -> bool:
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return all(ch in _WESTERN for ch in text if ord(ch) > 127)


def _is_utf8(fh: io.BufferedReader, head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(head)
        while chunk := fh.read(CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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
        first = fh.readline()
    except UnicodeDecodeError as exc:
        fh.close()
        raise ReadError(f"cannot decode the header as {encoding}: {exc.reason}", line=1) from exc
    delimiter = sniff_delimiter(first)
    fh.seek(0)  # the utf-8-sig, utf-16 and utf-32 codecs drop the BOM again after a seek to 0
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    csv.field_size_limit(FIELD_LIMIT)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        fh.close()
        raise ReadError(f"the header cannot be parsed: {exc}", line=1) from exc
    if header is None:
        fh.close()
        raise ReadError("the file is empty: no header row", line=1)
    header = [h.lstrip("\ufeff").strip() for h in header]
    notes = [] if delimiter == "," else [f"delimiter {delimiter!r} detected"]
    return Table(path=str(path), format="csv", header=header, rows=_records(fh, reader),
                 encoding=encoding, notes=notes)


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
                raise ReadError(f"undecodable bytes: {exc.reason}", line=start) from exc
            row += 1
            last_line = reader.line_num
            if cells:
                yield row, start, cells


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "unbalanced quote: a quoted value is never closed"
    return text
