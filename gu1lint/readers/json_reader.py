"""JSON reading: an array of objects, an object holding one array, or JSON Lines."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gu1lint.errors import ReadError
from gu1lint.readers import MAX_COLUMNS, RowTuple, Table, check_width
from gu1lint.readers.cells import cell_to_text

#: keys that hold the items when a JSON object wraps them (the batch bodies' own names first)
ITEM_KEYS = ("transactions", "items", "entities", "events", "userEvents", "data", "rows", "records")
#: a JSON document is parsed whole, so its size is bounded (the server's own batch body limit is
#: 50 MB); JSON Lines are streamed, with each line bounded like a CSV line
MAX_DOCUMENT_BYTES = 64 << 20
LINE_LIMIT = 1 << 24
_DECODER = json.JSONDecoder()
_TOO_LONG_NUMBER = "invalid JSON: a number of more than 4,300 digits"
_WS = " \t\n\r"


def json_type(value: Any) -> str:
    """A JSON value's type in JSON's words, with its article: `a string`, `an array`, `null`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), "a value")


def read_json(path: str | Path) -> Table:
    """Parse the file, locate the items and keep each item's 1-based position and start line."""
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        return _json_lines_table(path)
    with open(path, encoding="utf-8-sig") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ReadError(f"the JSON document is {size:,} bytes; gu1lint loads at most "
                            f"{MAX_DOCUMENT_BYTES:,} (JSON Lines files are streamed instead)")
        try:
            text = fh.read(MAX_DOCUMENT_BYTES + 1)
        except UnicodeDecodeError as exc:
            raise ReadError(f"JSON must be UTF-8: {exc.reason} at byte {exc.start}") from exc
    items = _document_items(text)
    del text
    header: dict[str, None] = {}
    for _, item in items:
        header.update(dict.fromkeys(item))
    names = list(header)
    check_width(names, None)
    return Table(path=str(path), format="json", header=names, rows=_records(items, names),
                 encoding="utf-8")


def _json_lines_table(path: str | Path) -> Table:
    """JSON Lines: one pass for the keys; the items are kept when the file is small, else the
    file is read a second time while linting, so memory does not grow with the file."""
    small = os.stat(path).st_size <= MAX_DOCUMENT_BYTES
    header: dict[str, None] = {}
    kept = []
    for line, item in _line_items(path):
        header.update(dict.fromkeys(item))
        if len(header) > MAX_COLUMNS:
            check_width(list(header), line)
        if small:
            kept.append((line, item))
    names = list(header)
    items = kept if small else _line_items(path)
    return Table(path=str(path), format="json", header=names, rows=_records(items, names),
                 encoding="utf-8")


def _records(items: Iterable[tuple[int, dict[str, Any]]], names: list[str]) -> Iterator[RowTuple]:
    for position, (line, item) in enumerate(items, start=1):
        try:
            cells = [cell_to_text(item.get(n)) for n in names]
        except RecursionError as exc:  # json.dumps of a value nested near the recursion limit
            raise ReadError("JSON nested too deeply", line=line, row=position) from exc
        for cell in cells:
            if not cell.isascii() and not _valid_unicode(cell):
                raise ReadError("a lone UTF-16 surrogate escape (\\ud800 to \\udfff) is not "
                                "Unicode text", line=line, row=position)
        yield position, line, cells


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line_items(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, object) per non-blank line; lines are bounded in length and must be objects."""
    number = 0
    with open(path, encoding="utf-8-sig") as fh:
        while True:
            try:
                line = fh.readline(LINE_LIMIT + 1)
            except UnicodeDecodeError as exc:
                raise ReadError(f"JSON must be UTF-8: {exc.reason}", line=number + 1) from exc
            if not line:
                return
            number += 1
            if len(line) > LINE_LIMIT:
                raise ReadError(f"line {number} is longer than {LINE_LIMIT:,} characters",
                                line=number)
            if line.strip():
                yield number, _line_object(line, number)


def _line_object(line: str, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg} (column {exc.colno})", line=number) from exc
    except RecursionError as exc:
        raise ReadError("JSON nested too deeply", line=number) from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ReadError(_TOO_LONG_NUMBER, line=number) from exc
    if not isinstance(value, dict):
        raise ReadError(f"JSON Lines item is {json_type(value)}, not an object", line=number)
    return value


def _document_items(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Items of a JSON document with the line where each starts, decoded item by item."""
    try:
        start = _skip_ws(text, 0)
        if start >= len(text):
            raise ReadError("the file is empty", line=1)
        if text[start] == "[":
            items, end = _array_items(text, start)
        elif text[start] == "{":
            items, end = _object_items(text, start)
        else:
            value, end = _DECODER.raw_decode(text, start)
            raise ReadError(f"the top-level JSON value is {json_type(value)}, not an array "
                            "of objects", line=1)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from exc
    except RecursionError as exc:
        raise ReadError("JSON nested too deeply") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ReadError(_TOO_LONG_NUMBER) from exc
    end = _skip_ws(text, end)
    if end < len(text):
        raise ReadError("extra data after the JSON value", line=text.count("\n", 0, end) + 1)
    return items


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _array_items(text: str, i: int) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    items: list[tuple[int, dict[str, Any]]] = []
    line, seen = 1, 0
    i = _skip_ws(text, i + 1)
    if i < len(text) and text[i] == "]":
        return items, i + 1
    while True:
        line += text.count("\n", seen, i)
        seen = i
        try:
            value, i = _DECODER.raw_decode(text, i)
        except RecursionError as exc:
            raise ReadError("JSON nested too deeply", line=line, row=len(items) + 1) from exc
        if not isinstance(value, dict):
            raise ReadError(f"item {len(items) + 1} is {json_type(value)}, not an object",
                            line=line, row=len(items) + 1)
        items.append((line, value))
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            return items, i + 1
        raise json.JSONDecodeError("expected ',' or ']'", text, i)


def _object_items(text: str, i: int) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """An object wrapping the items: the known key, or the one member that is an array."""
    whole, end = _DECODER.raw_decode(text, i)
    arrays = [k for k, v in whole.items() if isinstance(v, list)]
    key = next((k for k in ITEM_KEYS if k in whole and isinstance(whole[k], list)), None)
    if key is None and len(arrays) == 1:
        key = arrays[0]
    if key is None:
        if not arrays and whole:
            return [(1, whole)], end  # a single object is one item
        raise ReadError("the JSON object holds no single array of items "
                        f"(expected one of {', '.join(ITEM_KEYS[:3])})", line=1)
    start = _find_member_array(text, i, key)
    items, _ = _array_items(text, start)
    return items, end


def _find_member_array(text: str, i: int, key: str) -> int:
    """Offset of the '[' that opens member `key` of the object starting at offset i."""
    i = _skip_ws(text, i + 1)
    while i < len(text) and text[i] != "}":
        name, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        i = _skip_ws(text, i + 1)  # the colon
        if name == key:
            return i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    raise ReadError(f"member {key!r} not found")
