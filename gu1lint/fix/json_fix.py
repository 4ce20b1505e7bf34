"""Fix a JSON or JSON Lines file: changed items are re-serialized, the rest of the text is kept."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, BinaryIO

from gu1lint.errors import ReadError
from gu1lint.fix import FixSettings
from gu1lint.fix.files import FixOutcome, OnChange, row_fixer
from gu1lint.options import FileOptions
from gu1lint.readers.cells import cell_to_text
from gu1lint.readers.json_reader import ITEM_KEYS
from gu1lint.report import Report

#: (start, end) of each item in the text
Span = tuple[int, int]
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
BOM = "\ufeff"


def read_text(path: str) -> str:
    """The file as text (UTF-8, BOM kept so that it can be written back)."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise ReadError(f"JSON must be UTF-8: {exc.reason} at byte {exc.start}") from exc


def item_spans(text: str, lines: bool) -> list[Span]:
    """Where each item is, found as the JSON reader finds the items."""
    try:
        return _line_spans(text) if lines else _document_spans(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg}", line=exc.lineno) from exc


def _line_spans(text: str) -> list[Span]:
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start = offset + len(body) - len(body.lstrip())
        if body.strip():
            spans.append((start, offset + len(body.rstrip())))
        offset += len(line)
    return spans


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _document_spans(text: str) -> list[Span]:
    i = _skip(text, 1 if text.startswith(BOM) else 0)
    if text.startswith("{", i):
        whole, end = _DECODER.raw_decode(text, i)
        arrays = [k for k, v in whole.items() if isinstance(v, list)]
        key = next((k for k in ITEM_KEYS if isinstance(whole.get(k), list)), None)
        key = key or (arrays[0] if len(arrays) == 1 else None)
        if key is None:
            return [(i, end)]  # a single object is one item
        i = _member_value(text, i, key)
    if not text.startswith("[", i):
        raise ReadError("the JSON document holds no array of items")
    spans: list[Span] = []
    i = _skip(text, i + 1)
    while not text.startswith("]", i):
        _, end = _DECODER.raw_decode(text, i)
        spans.append((i, end))
        i = _skip(text, end)
        if text.startswith(",", i):
            i = _skip(text, i + 1)
    return spans


def _member_value(text: str, i: int, key: str) -> int:
    """Offset of the value of member `key` in the object that starts at offset i."""
    i = _skip(text, i + 1)
    while True:
        name, i = _DECODER.raw_decode(text, i)
        i = _skip(text, _skip(text, i) + 1)  # the colon
        if name == key:
            return i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip(text, _skip(text, i) + 1)  # the comma


def dump_like(item: dict[str, Any], original: str, column: int) -> str:
    """Serialize an item in the style of its original text (one line, or indented)."""
    compact = '":' in original and '": ' not in original
    separators = (",", ":") if compact else (", ", ": ")
    if "\n" not in original:
        return json.dumps(item, ensure_ascii=False, separators=separators)
    step = re.search(r"\n([ \t]*)\"", original)
    indent = max(len(step.group(1)) - column, 1) if step else 2
    text = json.dumps(item, ensure_ascii=False, indent=indent)
    return text.replace("\n", "\n" + " " * column)


def fix_json(outcome: FixOutcome, options: FileOptions, settings: FixSettings,
             sink: BinaryIO | None, on_change: OnChange | None, report: Report) -> None:
    """Fix the string values of each item; the text between items is written as it was."""
    text = read_text(outcome.path)
    spans = item_spans(text, Path(outcome.path).suffix.lower() in (".jsonl", ".ndjson"))
    items = [json.loads(text[s:e]) for s, e in spans]
    if any(not isinstance(item, dict) for item in items):
        raise ReadError("every item must be a JSON object")
    names = list(dict.fromkeys(k for item in items for k in item))
    fixer = row_fixer(outcome, names, options, settings, report)
    at = {n: i for i, n in enumerate(names)}
    pieces, done = [], 0
    for position, ((start, end), item) in enumerate(zip(spans, items, strict=True), start=1):
        cells = [cell_to_text(item.get(n)) for n in names]
        new = _strings_only(item, names, cells, fixer.fix(cells))
        outcome.count(position, cells, new)
        pieces.append(text[done:start])
        done = end
        if new is None:
            pieces.append(text[start:end])
            continue
        fixed = {k: new[at[k]] if isinstance(v, str) else v for k, v in item.items()}
        column = start - (text.rfind("\n", 0, start) + 1)
        pieces.append(dump_like(fixed, text[start:end], column))
    pieces.append(text[done:])
    result = "".join(pieces)
    if sink is not None:
        sink.write(result.encode("utf-8"))
    if on_change is not None and outcome.rows_changed:
        report_line_changes(text, result, on_change)
    outcome.unsafe_available = fixer.unsafe_available
    outcome.left.update(fixer.left)


def _strings_only(item: dict[str, Any], names: list[str], cells: list[str],
                  new: list[str] | None) -> list[str] | None:
    """The fixed cells, keeping every value that is not a JSON string as it was."""
    if new is None:
        return None
    kept = [v if isinstance(item.get(n), str) else old
            for n, old, v in zip(names, cells, new, strict=True)]
    return None if kept == cells else kept


def report_line_changes(old: str, new: str, on_change: OnChange) -> None:
    """Call on_change for each run of changed lines between two texts."""
    import difflib

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            on_change(i1 + 1, "".join(a[i1:i2]), "".join(b[j1:j2]))
