"""Build the corpus of broken and hostile inputs that tests/test_robustness.py runs gu1lint on.

Small files live in tests/corpus_bad/ and are rebuilt byte for byte by running this script
(`python tests/make_bad_corpus.py`; a test checks that the committed files still match). Large
files (a 50 MB line, a 100 MB JSON string, a zip bomb) are written by `write_large(folder)` into
a temporary folder at test time. Everything is deterministic: no clock, a seeded generator.
"""

from __future__ import annotations

import codecs
import json
import random
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus_bad"
TX = "externalId,type,amount,currency"
GOOD_ROW = "tx-1,PAYMENT,10.5,USD"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ZIP_TIME = ((1980 - 1980) << 9 | 1 << 5 | 1, 0)  # DOS date 1980-01-01, 00:00: no clock

# ---- a minimal zip writer: exact bytes, and sizes that may lie -----------------------------------


def deflate(data: bytes) -> bytes:
    """Raw deflate, as a zip entry stores it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated data, crc32, stated uncompressed size) entries, sizes as given."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        fields = (20, 0, 8, *ZIP_TIME[::-1], crc, len(data), size, len(encoded))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0,
                               len(out)) + encoded
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      len(out), 0)
    return bytes(out + central + end)


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """A zip holding each part deflated, with true sizes."""
    return raw_zip([(n, deflate(d), zlib.crc32(d), len(d)) for n, d in parts.items()])


# ---- minimal workbooks ---------------------------------------------------------------------------


def cell(ref: str, value: object) -> str:
    """One cell: str as an inline string, int/float as a number, ("=", f) a formula, no value."""
    if isinstance(value, tuple):
        return f'<c r="{ref}"><f>{value[1]}</f></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list[object]], extra: str = "", prolog: str = "") -> bytes:
    """A worksheet part holding the rows (None leaves a cell out)."""
    body = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values) if v is not None)
        body.append(f'<row r="{r}">{cells}</row>')
    return (XML_HEAD + prolog + f'<worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(body)}'
            f"</sheetData>{extra}</worksheet>").encode()


def workbook(sheets: dict[str, bytes], extra_parts: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx with the given worksheet parts, in order."""
    names = list(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        f'ContentType="{SHEET_CT}"/>' for i in range(1, len(names) + 1))
    parts = {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType='
            f'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{BOOK_CT}"/>{overrides}</Types>').encode(),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, start=1))
            + "</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + "</Relationships>").encode(),
    }
    for i, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    parts.update(extra_parts or {})
    return zip_parts(parts)


def good_workbook() -> bytes:
    """A clean one-sheet transactions workbook."""
    return workbook({"Data": sheet_xml([TX.split(","), ["tx-1", "PAYMENT", 10.5, "USD"]])})


def _xlsx_files() -> dict[str, bytes]:
    good = good_workbook()
    header = TX.split(",")
    xxe = "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    laughs = ('<!DOCTYPE workbook [<!ENTITY a "hahahahahahahahahahaha">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8)) + "]>")
    lying_data = b"<" * (8 << 20)
    head_cells = "".join(cell(f"{c}1", h) for c, h in zip("ABCD", header, strict=True))
    return {
        "not-a-zip.xlsx": f"{TX}\n{GOOD_ROW}\n".encode(),
        "truncated.xlsx": good[: len(good) // 2],
        "xxe.xlsx": workbook({"Data": sheet_xml([header, ["&xxe;", "PAYMENT", 1, "USD"]],
                                                prolog=xxe)}),
        "entity-expansion.xlsx": zip_parts({**_parts_of(good), "xl/workbook.xml": (
            XML_HEAD + laughs + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="&i;" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()}),
        "zip-lying-sizes.xlsx": raw_zip([
            (n, deflate(d), zlib.crc32(d), len(d)) for n, d in _parts_of(good).items()
            if not n.startswith("xl/worksheets/")]
            + [("xl/worksheets/sheet1.xml", deflate(lying_data), zlib.crc32(lying_data[:4096]),
                4096)]),
        "sheets-several.xlsx": workbook({
            "First": sheet_xml([header, ["tx-1", "PAYMENT", 10, "USD"]]),
            "Second": sheet_xml([header, ["tx-2", "NOT-A-TYPE", 10, "USD"]])}),
        "merged-cells.xlsx": workbook({"Data": sheet_xml(
            [header, ["tx-1", "PAYMENT", 10, "USD"], ["tx-2", None, 10, "USD"]],
            extra='<mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>')}),
        "formulas-uncached.xlsx": workbook({"Data": sheet_xml(
            [header, ["tx-1", "PAYMENT", ("=", "2+3"), "USD"],
             ["tx-2", "PAYMENT", 7, ("=", 'UPPER("usd")')]])}),
        "header-too-wide.xlsx": workbook({"Data": (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'
            + head_cells + cell("XFD1", "far") + '</row></sheetData></worksheet>').encode()}),
        "sparse-far-cells.xlsx": workbook({"Data": (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData>'
            f'<row r="1">{head_cells}</row>'
            + "".join(f'<row r="{r}">{cell(f"A{r}", f"tx-{r}")}{cell(f"B{r}", "PAYMENT")}'
                      f'{cell(f"C{r}", 1)}{cell(f"D{r}", "USD")}{cell(f"XFD{r}", "x")}</row>'
                      for r in range(2, 202))
            + "</sheetData></worksheet>").encode()}),
    }


def _parts_of(book: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


# ---- the small corpus ----------------------------------------------------------------------------


def small_files() -> dict[str, bytes]:
    """Every committed corpus file: name -> exact bytes."""
    text = f"{TX}\r\n{GOOD_ROW}\r\n"
    files = {
        "empty.csv": b"",
        "header-only.csv": f"{TX}\n".encode(),
        "header-duplicate-blank.csv": b"externalId,type,,amount,amount,currency,\n"
                                      b"tx-1,PAYMENT,,10,10,USD,\n",
        "rows-ragged.csv": f"{TX}\ntx-1,PAYMENT,10\ntx-2,PAYMENT,10,USD,extra\n{GOOD_ROW}\n"
                           .encode(),
        # found by fuzzing: a short row reported before padding, its key column beyond its end
        "rows-short-key-last.csv": b"type,amount,currency,externalId\nPAYMENT,1\n",
        "quote-unbalanced.csv": f'{TX}\n{GOOD_ROW}\ntx-2,PAYMENT,10,"USD\n'.encode(),
        "nul-byte.csv": f"{TX}\n{GOOD_ROW}\ntx-2,PAY\0MENT,10,USD\n".encode(),
        "binary.csv": random.Random(7).randbytes(4096),
        "zip-named.csv": good_workbook(),
        "utf16-bom.csv": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf16le-no-bom.csv": text.encode("utf-16-le"),
        "utf16be-no-bom.csv": text.encode("utf-16-be"),
        "mixed-utf8-then-cp1252.csv": f"{TX},description\ntx-1,PAYMENT,1,USD,Peña\n".encode()
                                      + "tx-2,PAYMENT,1,USD,Peña\n".encode("cp1252"),
        "mixed-cp1252-then-utf8.csv": f"{TX},description\ntx-1,PAYMENT,1,USD,Peña\n"
                                      .encode("cp1252") + "tx-2,PAYMENT,1,USD,Peña\n".encode(),
        "header-too-wide.csv": (",".join([*TX.split(","), *(f"c{i}" for i in range(2000))])
                                + "\n").encode(),
        "invalid.json": b'[\n  {"externalId": "tx-1", "type": "PAYMENT",\n  "amount": }\n]\n',
        "top-level-scalar.json": b"42\n",
        "empty.json": b"",
        "non-string-values.json": json.dumps([
            {"externalId": 123, "type": ["PAYMENT"], "amount": 10.5, "currency": {"code": "USD"},
             "description": True, "category": None}], indent=1).encode(),
        "huge-integer.json": b'[{"externalId": "tx-1", "amount": ' + b"9" * 5000 + b"}]",
        "lone-surrogate.json": b'[{"externalId": "tx-\\ud800", "type": "PAYMENT", '
                               b'"amount": 1, "currency": "USD"}]',
        "not-utf8.json": '[{"externalId": "Peña"}]'.encode("cp1252"),
        "invalid.jsonl": b'{"externalId": "tx-1"}\n{"externalId": \n',
        "scalar-line.jsonl": b'{"externalId": "tx-1"}\n"tx-2"\n',
    }
    files.update(_xlsx_files())
    return files


# ---- the large corpus (written at test time) -----------------------------------------------------


def zip_bomb(inflated: int = 2 << 30) -> bytes:
    """A workbook whose sheet inflates to `inflated` bytes of spaces (about 2 MB on disk)."""
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = b'<worksheet xmlns="' + MAIN_NS.encode() + b'"><sheetData>'
    # after a full flush the compressor starts afresh, so one compressed block repeats exactly
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    count = (inflated - len(head)) // len(block)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    data = first + repeat * count + packer.flush()
    parts = _parts_of(good_workbook())
    entries = [(n, deflate(d), zlib.crc32(d), len(d)) for n, d in parts.items()
               if not n.startswith("xl/worksheets/")]
    entries.append(("xl/worksheets/sheet1.xml", data, crc, len(head) + count * len(block)))
    return raw_zip(entries)


#: name -> the pieces of a file too large to commit, written one after the other
LARGE: dict[str, Callable[[], list[bytes]]] = {
    "line-50mb.csv": lambda: [f"{TX}\n{GOOD_ROW}\n".encode(), *[b"x" * (1 << 20)] * 50, b"\n"],
    "string-100mb.json": lambda: [b'[{"externalId": "', *[b"x" * (1 << 20)] * 100, b'"}]'],
    "string-100mb.jsonl": lambda: [b'{"externalId": "tx-1"}\n{"externalId": "',
                                   *[b"x" * (1 << 20)] * 100, b'"}\n'],
    "nested-100k.json": lambda: [b"[" * 100_000 + b"]" * 100_000],
    "nested-100k.jsonl": lambda: [b'{"externalId": "tx-1"}\n' + b'{"a": ' * 100_000 + b"1"
                                  + b"}" * 100_000 + b"\n"],
    "zip-bomb.xlsx": lambda: [zip_bomb()],
}


def write_large(folder: Path) -> dict[str, Path]:
    """Write the large files into a folder, piece by piece; name -> path."""
    paths = {}
    for name, pieces in LARGE.items():
        paths[name] = folder / name
        with open(paths[name], "wb") as fh:
            for piece in pieces():
                fh.write(piece)
    return paths


def main() -> int:
    """Rewrite tests/corpus_bad/ from small_files()."""
    CORPUS.mkdir(exist_ok=True)
    for name, data in small_files().items():
        (CORPUS / name).write_bytes(data)
    print(f"{len(small_files())} files written to {CORPUS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
