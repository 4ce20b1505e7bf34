"""The emulator's file parsing: uploaded CSV, Excel or JSON into items of gu1 field -> text."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from gu1lint.emulator.server_rules import field_names, squash

ENTITY_TYPE_OF_TARGET = {"entity_person": "person", "entity_company": "company"}
ITEM_KEYS = ("transactions", "items", "entities", "events", "userEvents", "data", "rows")


class FileRejected(Exception):
    """The upload cannot be parsed; the request gets a 400."""


@dataclass
class Parsed:
    """A parsed upload: each data row's number (the header is row 1) and its items."""

    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def as_text(value: Any) -> str:
    """A cell or JSON value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return (
        value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    )


def decode(data: bytes) -> str:
    """BOM first, then UTF-8, else Windows-1252 (what spreadsheets export)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {d: 0 for d in ",;\t|"}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row, cells) records; blank records count as rows but are left out."""
    text = decode(data)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True
    )
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileRejected(f"cannot parse the CSV file: {exc}") from exc
    if not records:
        raise FileRejected("the file is empty")
    header = [h.lstrip("\ufeff").strip() for h in records[0]]
    return header, [(n, cells) for n, cells in enumerate(records[1:], start=2) if cells]


def read_excel(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first sheet of an .xlsx workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise FileRejected(f"cannot open the Excel file: {exc}") from exc
    rows = [[as_text(v) for v in r] for r in book.worksheets[0].iter_rows(values_only=True)]
    if not rows:
        raise FileRejected("the sheet is empty")
    header = [h.strip() for h in rows[0]]
    return header, [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]


def read_json(data: bytes, lines: bool) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """An array of objects, an object holding one array, or JSON Lines."""
    try:
        text = decode(data)
        if lines:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            items = _items(json.loads(text))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FileRejected(f"invalid JSON: {exc}") from exc
    if not all(isinstance(i, dict) for i in items):
        raise FileRejected("the JSON items must be objects")
    header = list(dict.fromkeys(k for item in items for k in item))
    return header, [(n, [as_text(i.get(h)) for h in header]) for n, i in enumerate(items, start=1)]


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ITEM_KEYS:
            if isinstance(document.get(key), list):
                return document[key]  # type: ignore[no-any-return]
        arrays = [v for v in document.values() if isinstance(v, list)]
        if len(arrays) == 1:
            return arrays[0]  # type: ignore[no-any-return]
        if not arrays:
            return [document]
    raise FileRejected("the JSON document holds no array of items")


def read_upload(name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Dispatch on the file name's suffix, as the server's built-in parser does."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("csv", "txt", "tsv"):
        return read_csv(data)
    if suffix in ("xlsx", "xlsm"):
        return read_excel(data)
    if suffix in ("json", "jsonl", "ndjson"):
        return read_json(data, lines=suffix != "json")
    raise FileRejected(f"unsupported file type .{suffix}")


def column_fields(kind: str, header: list[str], mapping: dict[str, Any] | None) -> dict[int, str]:
    """Column position -> gu1 field: native headers by name, or the saved/inline mapping."""
    names = field_names(kind)
    if mapping is None:
        found: dict[int, str] = {}
        for position, h in enumerate(header):
            name = names.get(squash(h))
            if name and name not in found.values():
                found[position] = name
        return found
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    loose = {squash(h): i for i, h in reversed(list(enumerate(header)))}
    found = {}
    for column, value in (mapping.get("columnMapping") or {}).items():
        path = (
            value
            if isinstance(value, str)
            else next(
                (
                    value[k]
                    for k in ("field", "path", "target", "to")
                    if isinstance(value, dict) and isinstance(value.get(k), str)
                ),
                None,
            )
        )
        position = exact.get(column, loose.get(squash(column)))
        name = names.get(squash(path)) if path else None
        if position is not None and name and name not in found.values():
            found[position] = name
    return found


def parse_items(kind: str, name: str, data: bytes, mapping: dict[str, Any] | None) -> Parsed:
    """The upload's rows as items of gu1 fields, defaults and the mapping's fixed type applied."""
    header, records = read_upload(name, data)
    fields = column_fields(kind, header, mapping)
    defaults: dict[str, str] = {}
    if mapping is not None:
        names = field_names(kind)
        for path, value in (mapping.get("defaultFields") or {}).items():
            if squash(path) in names:
                defaults[names[squash(path)]] = as_text(value)
        if kind == "entities" and mapping.get("target") in ENTITY_TYPE_OF_TARGET:
            defaults["type"] = ENTITY_TYPE_OF_TARGET[mapping["target"]]
    parsed = Parsed(name=name)
    for row, cells in records:
        item = {f: (cells[p] if p < len(cells) else "") for p, f in fields.items()}
        for f, value in defaults.items():
            if (
                f == "type"
                and kind == "entities"
                and mapping
                and mapping.get("target") in ENTITY_TYPE_OF_TARGET
            ):
                item[f] = value
            elif not item.get(f, "").strip():
                item[f] = value
        parsed.rows.append((row, item))
    return parsed
