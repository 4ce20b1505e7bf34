"""Fix a CSV file: rows no fix touches are written from their source text, byte for byte."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from gu1lint.fix import FixSettings
from gu1lint.fix.files import FixOutcome, OnChange, row_fixer
from gu1lint.fix.rawcsv import RawRecord, line_end, open_raw_csv
from gu1lint.options import FileOptions
from gu1lint.report import Report

UTF8 = ("utf-8", "utf-8-sig")


def render_csv(cells: list[str], end: str) -> str:
    """One record as gu1 reads it best: comma-separated, quoted only where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=end, quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return buffer.getvalue()


def fix_csv(outcome: FixOutcome, options: FileOptions, settings: FixSettings,
            sink: BinaryIO | None, on_change: OnChange | None, report: Report) -> None:
    """Stream the records through the row fixer into `sink` as UTF-8 with comma delimiters."""
    raw = open_raw_csv(outcome.path)
    fixer = row_fixer(outcome, raw.columns, options, settings, report)
    rewrite = raw.delimiter != ","
    if raw.encoding not in UTF8:
        outcome.notes.append(f"re-encoded from {raw.encoding} to UTF-8")
    if rewrite:
        outcome.notes.append(f"delimiter {raw.delimiter!r} changed to ','")
    out = None
    if sink is not None:
        out = io.TextIOWrapper(sink, encoding="utf-8-sig" if raw.encoding == "utf-8-sig"
                               else "utf-8", newline="")
    try:
        _write(out, raw.header, None, rewrite, on_change)
        for record in raw.records:
            if outcome.done(record.row):
                break
            if outcome.skip(record.row):
                continue
            new = None if record.blank else fixer.fix(record.cells)
            outcome.count(record.row, record.cells, new)
            _write(out, record, new, rewrite, on_change)
    finally:
        if out is not None:
            out.flush()
            out.detach()
    outcome.unsafe_available = fixer.unsafe_available
    outcome.left.update(fixer.left)


def _write(out: io.TextIOWrapper | None, record: RawRecord, new: list[str] | None,
           rewrite: bool, on_change: OnChange | None) -> None:
    text = record.text
    if new is not None or (rewrite and not record.blank):
        text = render_csv(new if new is not None else record.cells, line_end(record.text))
    if out is not None:
        out.write(text)
    if on_change is not None and text != record.text:
        on_change(record.line, record.text, text)
