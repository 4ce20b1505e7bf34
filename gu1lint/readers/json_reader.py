"""JSON reading: an array of objects, an object holding one array, or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gu1lint.errors import ReadError
from gu1lint.readers import RowTuple, Table
from gu1lint.readers.cells import cell_to_text

#: keys that hold the items when a JSON object wraps them (the batch bodies' own names first)
ITEM_KEYS = ("transactions", "items", "entities", "events", "userEvents", "data", "rows", "records")
_DECODER = json.JSONDecoder()
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
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise ReadError(f"JSON must be UTF-8: {exc.reason} at byte {exc.start}") from exc
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        items = _json_lines(text)
    else:
        items = _document_items(text)
    header: dict[str, None] = {}
    for _, item in items:
        header.update(dict.fromkeys(item))
    names = list(header)
    return Table(path=str(path), format="json", header=names, rows=_records(items, names),
                 encoding="utf-8")


def _records(items: list[tuple[int, dict[str, Any]]], names: list[str]) -> Iterator[RowTuple]:
    for position, (line, item) in enumerate(items, start=1):
        yield position, line, [cell_to_text(item.get(n)) for n in names]


def _json_lines(text: str) -> list[tuple[int, dict[str, Any]]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError(f"invalid JSON: {exc.msg} (column {exc.colno})", line=number) from exc
        except RecursionError as exc:
            raise ReadError("JSON nested too deeply", line=number) from exc
        if not isinstance(value, dict):
            raise ReadError(f"JSON Lines item is {json_type(value)}, not an object", line=number)
        items.append((number, value))
    return items


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
        value, i = _DECODER.raw_decode(text, i)
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
