"""Text encoding of a CSV file: BOM, UTF-16 without BOM, UTF-8, Windows-1252, then chardet.

Files that are not text at all (binary data, a workbook renamed to .csv) and files whose lines
mix encodings are refused with the line where it shows, instead of being decoded into garbage.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO

from gu1lint.errors import ReadError

SAMPLE_BYTES = 64 * 1024  # chardet only ever sees this much (bounded, never the whole file)
CHUNK_BYTES = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: signatures of binary files that people rename to .csv
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook renamed to .csv?)"),
    (b"\xd0\xcf\x11\xe0", "an old binary .xls workbook or another OLE document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"),
)

#: the non-ASCII characters of Spanish, Portuguese and other Western text in Windows-1252
_WESTERN = frozenset("áéíóúàèìòùâêîôûäëïöüÿãõñçÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÃÕÑÇß"
                     "¿¡ºª°€£¢¥§©®±×÷µ·´¨«»¹²³¼½¾“”‘’„–—…•\xa0")

#: single-byte Latin code pages in which a UTF-8 multi-byte sequence is implausible text
_LATIN = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15"})
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def detect_encoding(path: str | Path) -> str:
    """BOM, UTF-16 without BOM, strict UTF-8 (whole file, streamed), Windows-1252, chardet."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        refuse_binary(head)
        utf16 = utf16_without_bom(head)
        if utf16:
            return utf16
        fh.seek(0)
        bad = _first_non_utf8(fh)
        if bad is None:
            return "utf-8"
        offset, line, byte, multibyte = bad
        if multibyte:
            raise ReadError(f"mixed encodings: the file is UTF-8 up to line {line}, where byte "
                            f"0x{byte:02X} is not UTF-8", line=line)
        name = _single_byte_guess(head)
        if name in _LATIN:
            _refuse_later_utf8(fh, offset, line, name)
    return name


def refuse_binary(head: bytes) -> None:
    """Raise ReadError when the first bytes show binary data rather than text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ReadError(f"the file is {what}, not CSV text", line=1)
    if b"\x00" in head and not utf16_without_bom(head):
        line = head.count(b"\n", 0, head.index(b"\x00")) + 1
        raise ReadError(f"a NUL byte at line {line}: the file holds binary data, not CSV text",
                        line=line)


def utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le` / `utf-16-be` when every other byte of a mostly-ASCII sample is NUL."""
    sample = head[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for name, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= pairs * 0.4 and other <= pairs * 0.05:
            try:
                sample.decode(name)
            except UnicodeDecodeError:
                continue  # e.g. a surrogate cut at the end of the sample: decoding tells later
            return name
    return None


def _first_non_utf8(fh: BinaryIO) -> tuple[int, int, int, bool] | None:
    """(offset, line, byte, UTF-8 multi-byte text seen before) of the first non-UTF-8 byte."""
    pending, base, line, multibyte = b"", 0, 1, False
    while True:
        chunk = fh.read(CHUNK_BYTES)
        data = pending + chunk
        try:
            _, used = codecs.utf_8_decode(data, "strict", not chunk)
        except UnicodeDecodeError as exc:
            bad = exc.start
            seen = multibyte or not data[:bad].isascii()
            return base + bad, line + data.count(b"\n", 0, bad), data[bad], seen
        multibyte = multibyte or not data[:used].isascii()
        line += data.count(b"\n", 0, used)
        base += used
        pending = data[used:]
        if not chunk:
            return None


def _single_byte_guess(head: bytes) -> str:
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


def _refuse_later_utf8(fh: BinaryIO, offset: int, line: int, name: str) -> None:
    """A Latin file that holds UTF-8 text further down has mixed encodings."""
    fh.seek(offset)
    tail, first = b"", line
    while chunk := fh.read(CHUNK_BYTES):
        data = tail + chunk
        found = _UTF8_MULTIBYTE.search(data)
        if found:
            at = line + data.count(b"\n", 0, found.start())
            raise ReadError(f"mixed encodings: line {first} is {name}, line {at} is UTF-8",
                            line=at)
        keep = min(3, len(data))  # a sequence cut by the chunk boundary is looked at again
        line += data.count(b"\n", 0, len(data) - keep)
        tail = data[len(data) - keep:]
