"""Fix one file of any format: the outcome shared by the CSV, JSON and Excel fixers."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from gu1lint.engine import resolve_kind
from gu1lint.errors import ReadError
from gu1lint.fix import FixSettings
from gu1lint.fix.rows import RowFixer
from gu1lint.mapping import resolve_columns
from gu1lint.options import FileOptions
from gu1lint.readers import Table, file_format
from gu1lint.report import Report

#: called for each rewritten record: (first line in the input, old text, new text)
OnChange = Callable[[int, str, str], None]


@dataclass
class FixOutcome:
    """What fixing one file changed, and what it left for --unsafe-fixes or --date-order."""

    path: str
    format: str
    kind: str = ""
    rows_changed: int = 0
    values_changed: int = 0
    unsafe_available: int = 0
    left: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    #: rows whose cells to keep as (old, safe fix, unsafe fix), for `check`'s count of repairs
    watch: set[int] | None = None
    watched: dict[int, tuple[list[str], list[str] | None, list[str] | None]] = field(
        default_factory=dict)
    fixer: RowFixer | None = None

    def skip(self, row: int) -> bool:
        """When only counting repairs (`watch`), rows outside it need no fixing."""
        return self.watch is not None and row not in self.watch

    def done(self, row: int) -> bool:
        """When only counting repairs, the rows after the last watched one need no reading."""
        return self.watch is not None and row > self.last_watched

    def __post_init__(self) -> None:
        self.last_watched = max(self.watch, default=0) if self.watch is not None else 0

    @property
    def changed(self) -> bool:
        """Whether the output differs from the input at all (values, encoding or delimiter)."""
        return bool(self.rows_changed or self.notes)

    def count(self, row: int, old: list[str], new: list[str] | None) -> None:
        """Record one row's change."""
        if self.watch is not None and row in self.watch and self.fixer is not None:
            self.watched[row] = (old, new, self.fixer.trial)
        if new is None:
            return
        self.rows_changed += 1
        self.values_changed += sum(1 for a, b in zip(old, new, strict=True) if a != b)


def row_fixer(outcome: FixOutcome, header: list[str], options: FileOptions,
              settings: FixSettings, report: Report) -> RowFixer:
    """Resolve the kind and the columns from the header, as `check` does, and build the fixer."""
    table = Table(outcome.path, outcome.format, header, iter(()))
    kind = resolve_kind(outcome.path, options, table, report)
    outcome.kind = kind
    plan = resolve_columns(kind, header, options.mapping)
    outcome.fixer = RowFixer(kind, plan, options, settings)
    return outcome.fixer


def fix_file(path: str, options: FileOptions, settings: FixSettings, sink: BinaryIO | None,
             on_change: OnChange | None = None, report: Report | None = None,
             watch: set[int] | None = None) -> FixOutcome:
    """Fix one file into `sink` (nothing is written when it is None); raises ReadError."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ReadError("not a regular file")  # a FIFO or a device could block the read
    report = report or Report()
    fmt = file_format(path)
    outcome = FixOutcome(path=path, format=fmt, watch=watch)
    if fmt == "csv":
        from gu1lint.fix.csv_fix import fix_csv

        fix_csv(outcome, options, settings, sink, on_change, report)
    elif fmt in ("json", "jsonl"):
        from gu1lint.fix.json_fix import fix_json

        fix_json(outcome, options, settings, sink, on_change, report)
    elif fmt == "xlsx":
        from gu1lint.fix.xlsx_fix import fix_xlsx

        fix_xlsx(outcome, options, settings, sink, on_change, report)
    else:
        raise ReadError(f"{fmt} files cannot be fixed (CSV, .xlsx and JSON can)")
    outcome.left = Counter({k: v for k, v in outcome.left.items() if v})
    return outcome
