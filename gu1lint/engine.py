"""The engine: one streaming pass per file running every row check, and cross-file state."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any

from gu1lint.catalog import Catalog, load_catalog
from gu1lint.checks import REGISTRY, Check
from gu1lint.checks.taxformats import normalize_tax_ids
from gu1lint.errors import ReadError, UsageError
from gu1lint.fields import TARGET_KIND, infer_kind, kind_spec
from gu1lint.limits import limit_setting
from gu1lint.mapping import ColumnPlan, resolve_columns
from gu1lint.options import FileOptions, RunOptions
from gu1lint.readers import Table, file_format, open_table
from gu1lint.report import FileResult, Finding, Report

READABLE = ("csv", "xlsx", "xls", "json", "jsonl")
_TAX_ID_STRIP = str.maketrans("", "", ".-/ ")
KEY_FIELD = {"transactions": "externalId", "entities": "taxId"}
#: rows the checks see at a time (findings keep the order and cap of a row-by-row pass)
BLOCK_ROWS = 1024
#: over this many entity records in a call, keys move to a compact store: never for the files
#: of one upload under the plan cap (100,000 rows), about 75 instead of 310 bytes a row after
SPILL_AT = 150_000
_CELLS = itemgetter(2)


@dataclass
class RunState:
    """What the checks share across the files of one call (duplicate keys, known references)."""

    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    references: dict[tuple[str, ...], Any] = field(default_factory=dict)
    #: the path of each file by its place in the call: a key index names a row by that number
    #: (transactions: number << 32 | row; entities: the record's first item)
    paths: dict[int, str] = field(default_factory=dict)
    #: the place in the call of the file being linted (set before each lint_file)
    number: int = 0
    #: entity records kept in dictionaries before they move to a compact store (checks/compact.py);
    #: None keeps them in the dictionaries (-j, whose merge compares dictionaries)
    spill_at: int | None = field(default_factory=lambda: SPILL_AT)
    #: the compact stores, by the name of the check's indexes
    compact: dict[str, Any] = field(default_factory=dict)

    def file_number(self, path: str) -> int:
        """The number of the file being linted (a path given twice has two)."""
        self.paths[self.number] = path
        return self.number

    def index(self, name: str) -> dict[str, Any]:
        """A named key index shared by every file of the call (e.g. `transactions.externalId`)."""
        return self.keys.setdefault(name, {})


class FileContext:
    """What a check sees of the file being linted, and `emit` to report a finding."""

    def __init__(self, path: str, kind: str, table: Table, plan: ColumnPlan, options: FileOptions,
                 run: RunOptions, state: RunState, result: FileResult, report: Report,
                 catalog: Catalog) -> None:
        self.path, self.kind, self.table, self.plan = path, kind, table, plan
        self.options, self.run, self.state, self.result = options, run, state, result
        self.report, self.catalog = report, catalog
        self.enabled = enabled_rules(catalog, run, kind)
        self.row_findings = 0
        #: row findings of the block being checked, capped and recorded in row order at its end
        self.pending: list[tuple[Any, ...]] | None = None
        #: (xlsx) formulas without a cached value of the block's rows, by row
        self.uncached: dict[int, list[tuple[int, str]]] = {}
        self._block: list[tuple[int, int, list[str]]] | None = None
        self._columns: list[tuple[str, ...]] = []
        #: what the checks derived from the block's columns, by (function, position)
        self._derived: dict[tuple[Callable[..., Any], int], Any] = {}
        key_field = KEY_FIELD.get(kind)
        self.key_position = plan.index.get(key_field) if key_field else None

    def col(self, name: str) -> int | None:
        """Position of a gu1 field in the row's cells, or None when the file lacks it."""
        return self.plan.index.get(name)

    def label(self, position: int) -> str:
        """The header of a position (or what supplies a constant column)."""
        return self.plan.labels[position]

    def columns(self, rows: list[tuple[int, int, list[str]]]) -> list[tuple[str, ...]]:
        """The cells of a block of rows as columns, worked out once for all the checks."""
        if self._block is not rows:
            self._block = rows
            self._columns = list(zip(*map(_CELLS, rows), strict=True))
            self._derived = {}
        return self._columns

    def stripped(self, rows: list[tuple[int, int, list[str]]], position: int) -> list[str]:
        """A column of the block with its values stripped, worked out once for all the checks."""
        return self._derive(rows, position, _strip_all)  # type: ignore[no-any-return]

    def joined(self, rows: list[tuple[int, int, list[str]]], position: int) -> str:
        """A column of the block as one text, a "|" before each value, worked out once. Values
        may hold "|" themselves, so a test of this text can tell that no value has a property
        (a prefilter), never which value has it."""
        return self._derive(rows, position, _join_all)  # type: ignore[no-any-return]

    def tax_ids(self, rows: list[tuple[int, int, list[str]]], position: int) -> list[str]:
        """A column of the block as normalized tax ids (`normalize_tax_id`), worked out once."""
        return self._derive(rows, position, normalize_tax_ids)  # type: ignore[no-any-return]

    def _derive(self, rows: list[tuple[int, int, list[str]]], position: int,
                make: Callable[[tuple[str, ...]], Any]) -> Any:
        columns = self.columns(rows)
        key = (make, position)
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = make(columns[position])
        return value

    def note(self, text: str) -> None:
        """A fact about the run (never a finding)."""
        self.report.note(text)

    def key_of(self, row: int | None, cells: list[str] | None) -> str | None:
        """The row's identity as the server reports it."""
        if row is None:
            return None
        if self.kind == "user-events":
            return f"row_{row}"
        # a short row is reported before it is padded: its key cell may be missing
        if cells is not None and self.key_position is not None and self.key_position < len(cells):
            value = cells[self.key_position].strip()
            if self.kind == "entities":
                value = value.translate(_TAX_ID_STRIP).upper()  # the server's normalized taxId
            return value or None
        return None

    def emit(self, rule: str, row: int | None = None, line: int | None = None,
             column: str | None = None, value: str | None = None, cells: list[str] | None = None,
             severity: str | None = None, **fields: Any) -> None:
        """Record a finding of `rule` unless it is deselected or the file's cap is reached."""
        if rule not in self.enabled:
            return
        if row is not None and self.pending is not None:
            self.pending.append((row, rule, line, column, value, cells, severity, fields))
            return
        self._record(rule, row, line, column, value, cells, severity, fields)

    def flush(self) -> None:
        """Record the block's row findings by row (stable: check order within a row), capped."""
        pending, self.pending = self.pending or [], []
        pending.sort(key=itemgetter(0))
        for row, *rest in pending:
            self._record(rest[0], row, *rest[1:])

    def _record(self, rule: str, row: int | None, line: int | None, column: str | None,
                value: str | None, cells: list[str] | None, severity: str | None,
                fields: dict[str, Any]) -> None:
        if row is not None:
            self.row_findings += 1
            if self.row_findings > self.run.max_findings:
                self.result.partial = True
                return
        spec = self.catalog.rules[rule]
        severity = self.run.severity.get(rule) or severity or spec.severity
        text = format_message(spec.message, **{"column": column, "value": value, "kind": self.kind,
                                               **fields})
        self.result.findings.append(Finding(
            path=self.path, code=spec.code, rule=rule, severity=severity, message=text,
            row=row, line=line, column=column, value=value, key=self.key_of(row, cells)))


class _Fields(dict):  # type: ignore[type-arg]
    """Message fields; a field a template names but a check did not pass shows as its name."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _strip_all(values: tuple[str, ...]) -> list[str]:
    return list(map(str.strip, values))


def _join_all(values: tuple[str, ...]) -> str:
    return "|" + "|".join(values)


def format_message(template: str, **fields: Any) -> str:
    """Fill a catalog template; a missing field shows as its name rather than failing."""
    return template.format_map(_Fields(fields))


def enabled_rules(catalog: Catalog, run: RunOptions, kind: str | None) -> frozenset[str]:
    """Rules that apply to a kind after --select / --ignore and severity 'off'."""
    names = {r.name for r in catalog.rules.values() if kind is None or kind in r.kinds}
    names -= {r.name for r in catalog.rules.values()  # opt-in rules
              if not r.enabled and r.name not in (run.select or ()) and r.name not in run.severity}
    if run.select is not None:
        names &= run.select
    names -= run.ignore
    names -= {n for n, s in run.severity.items() if s == "off"}
    return frozenset(names)


def lint(jobs: list[tuple[str, FileOptions]], run: RunOptions, catalog: Catalog | None = None,
         report: Report | None = None, progress: Any = None) -> Report:
    """Lint files in the order given; duplicate keys are shared by all files of one kind."""
    catalog = catalog or load_catalog()
    report = report or Report()
    state = RunState()
    with fewer_collections():
        return _lint(jobs, run, catalog, report, state, progress)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run with the cyclic garbage collector's youngest generation collected every 100,000
    allocations instead of 700: a block of rows allocates thousands of lists and tuples that
    form no cycles, and the default collects them dozens of times per block for nothing
    (about a sixth of a lint's time on 100,000 entity rows)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _lint(jobs: list[tuple[str, FileOptions]], run: RunOptions, catalog: Catalog, report: Report,
          state: RunState, progress: Any) -> Report:
    pieces = None
    if run.jobs > 1:
        from gu1lint import parallel  # same output as below, files (or pieces) in processes

        pieces = parallel.plan_pieces([path for path, _ in jobs], run.jobs)
    if pieces and len(pieces) > 1:
        report.files.extend(parallel.lint_parallel(jobs, run, state, report, catalog, progress,
                                                   pieces))
    else:
        for number, (path, options) in enumerate(jobs):
            state.number = number
            report.files.append(lint_file(path, options, run, state, report, catalog))
            if progress:
                progress.advance()
    if run.request:
        check_request(report, run, catalog)
    return report


#: the rows of one piece of a file: how many to read past unchecked, then how many to check
#: (None: to the end of the file); -j splits a large CSV file into pieces (parallel.py)
Span = tuple[int, int | None]
#: the span of a whole file
WHOLE: Span = (0, None)


def lint_file(path: str, options: FileOptions, run: RunOptions, state: RunState, report: Report,
              catalog: Catalog, span: Span | None = None) -> FileResult:
    """One streaming pass over one file (or over the rows of one `span` of it)."""
    fmt = file_format(path)
    result = FileResult(path=path, kind=options.kind, format=fmt)
    bare = FileContext(path, options.kind or "transactions", Table(path, fmt, [], iter(())),
                       ColumnPlan(width=0), options, run, state, result, report, catalog)
    bare.enabled = enabled_rules(catalog, run, None)
    if fmt not in READABLE:
        bare.emit("unsupported-file-format", format=fmt, kind=options.kind or "gu1")
        return result
    try:
        table = open_table(path, options.sheet)
    except ReadError as exc:
        bare.emit("unreadable-file", line=exc.line, reason=exc.reason)
        return result
    result.encoding = table.encoding
    for text in table.notes:  # what the reader found (a delimiter, a sheet among several)
        report.note(f"{path}: {text}")
    kind = resolve_kind(path, options, table, report)
    result.kind = kind
    _lint_table(table, kind, options, run, state, result, report, catalog, span or WHOLE)
    result.findings.sort(key=lambda f: f.row or 0)
    return result


def resolve_kind(path: str, options: FileOptions, table: Table, report: Report) -> str:
    """--kind or config, else the mapping's target, else the header; else a usage error."""
    if options.kind:
        return options.kind
    target = options.mapping.target if options.mapping else None
    if target in TARGET_KIND:
        return TARGET_KIND[target]
    inferred = infer_kind(table.header)
    if inferred is None:
        raise UsageError(f"{path}: cannot tell the import kind from the header; pass --kind")
    report.note(f"{path}: kind {inferred} inferred from the header")
    return inferred


def _lint_table(table: Table, kind: str, options: FileOptions, run: RunOptions, state: RunState,
                result: FileResult, report: Report, catalog: Catalog, span: Span) -> None:
    required = ("suggestedName",) if kind == "entities" and options.mode == "manual" else ()
    plan = resolve_columns(kind, table.header, options.mapping, required)
    ctx = FileContext(table.path, kind, table, plan, options, run, state, result, report, catalog)
    _file_level(ctx, table, plan)
    checks = [c for c in (cls(ctx) for cls in REGISTRY if kind in cls.kinds)
              if set(c.rules) & ctx.enabled and c.start()]
    runners = [c.block for c in checks
               if type(c).row is not Check.row or type(c).block is not Check.block]
    if span[0]:
        result.findings.clear()  # a later piece: the first piece reports the file's start
    rows = _stream_rows(ctx, table, plan, runners, span)
    result.rows = rows
    if not result.cut:
        for check in checks:
            check.finish(rows)


def _file_level(ctx: FileContext, table: Table, plan: ColumnPlan) -> None:
    if table.encoding and table.encoding not in ("utf-8", "utf-8-sig"):
        ctx.emit("encoding-not-utf8", encoding=table.encoding)
    if ctx.kind == "user-events" and ctx.options.mapping is None:
        ctx.emit("mapping-required")
    mapping = ctx.options.mapping
    if mapping is not None and mapping.inline and table.format != "csv":
        ctx.emit("mapping-not-csv", format=table.format)
    if ctx.kind != "transactions" and table.format != "csv":
        ctx.note(f"{table.path}: the {ctx.kind} multipart import takes CSV; convert the "
                 f"{table.format} file before uploading it there")
    for rule, fields in plan.problems:
        ctx.emit(rule, **fields)


def _stream_rows(ctx: FileContext, table: Table, plan: ColumnPlan, runners: list[Any],
                 span: Span) -> int:
    """Read the rows, padded to the plan, and hand them to the checks in blocks (those of the
    span: the rows before it are read, not checked; at its end the result is marked cut)."""
    rows = _with_uncached(ctx, table) if table.format == "xlsx" else table.rows
    skip, take = span
    count = 0
    ragged = table.format == "csv"
    ctx.pending = []
    try:
        if skip:
            try:
                count = sum(1 for _ in islice(rows, skip))
            except ReadError:
                return count  # the piece before this one ends at the error and reports it
        while True:
            block: list[tuple[int, int, list[str]]] = []
            error = None
            want = BLOCK_ROWS if take is None else min(BLOCK_ROWS, skip + take - count)
            if not want:
                ctx.result.cut = True
                return count
            try:
                block.extend(islice(rows, want))  # keeps the rows read before an error
            except ReadError as exc:
                error = exc
            count += len(block)
            _pad(ctx, block, plan, ragged)
            _run_block(ctx, block, runners)
            if error is not None:
                ctx.pending = None  # a file-level finding, outside the rows' order and cap
                ctx.emit("unreadable-file", line=error.line, reason=error.reason)
                return count
            if not block:
                return count
    finally:
        ctx.pending = None


def _with_uncached(ctx: FileContext, table: Table) -> Any:
    """The rows of a workbook, keeping each row's formulas without a cached value."""
    for item in table.rows:
        if table.uncached:
            ctx.uncached[item[0]] = table.uncached
        yield item


def _pad(ctx: FileContext, block: list[tuple[int, int, list[str]]], plan: ColumnPlan,
         ragged: bool) -> None:
    """Cells of the plan's width (a CSV row of another length is reported first), constant
    columns appended, empty cells given their defaults."""
    width = plan.width
    if set(map(len, map(_CELLS, block))) != {width}:
        for index, (row, line, cells) in enumerate(block):
            if len(cells) != width:
                if ragged:
                    ctx.emit("row-cell-count-mismatch", row=row, line=line, cells=cells,
                             count=len(cells), expected=width)
                block[index] = (row, line, (cells + [""] * (width - len(cells)))[:width])
    if plan.extra:
        for _, _, cells in block:
            cells.extend(plan.extra)
    if plan.fill_empty:
        for _, _, cells in block:
            for position, default in plan.fill_empty:
                if not cells[position].strip():
                    cells[position] = default


def _run_block(ctx: FileContext, block: list[tuple[int, int, list[str]]],
               runners: list[Any]) -> None:
    """Every check over one block of rows, then the block's findings in row order."""
    if block:
        for run in runners:
            run(block)
    if ctx.pending:
        ctx.flush()
    ctx.uncached.clear()
    ctx.columns([])  # let the block go


def check_request(report: Report, run: RunOptions, catalog: Catalog) -> None:
    """Files-per-request and body-size limits over the files of one call (--request, upload)."""
    limits = {"transactions": limit_setting("max-transaction-files"),
              "entities": limit_setting("max-entity-files"),
              "user-events": limit_setting("max-user-event-files")}
    for kind, limit in limits.items():
        files = [r for r in report.files if r.kind == kind]
        enabled = enabled_rules(catalog, run, kind)
        if len(files) > limit and "too-many-files-in-request" in enabled:
            _request_finding(files[limit], catalog, run, "too-many-files-in-request",
                             count=len(files), kind=kind, limit=limit)
    tx = [r for r in report.files if r.kind == "transactions"]
    total = sum(_size(r.path) for r in tx)
    cap = limit_setting("max-multi-upload-mb")
    if tx and total > cap * 1_000_000 and "request-body-too-large" in enabled_rules(
            catalog, run, "transactions"):
        _request_finding(tx[0], catalog, run, "request-body-too-large", size_mb=total // 1_000_000,
                         limit_mb=cap, what="the multi-file upload")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _request_finding(result: FileResult, catalog: Catalog, run: RunOptions, rule: str,
                     **fields: Any) -> None:
    spec = catalog.rules[rule]
    result.findings.insert(0, Finding(
        path=result.path, code=spec.code, rule=rule,
        severity=run.severity.get(rule) or spec.severity,
        message=format_message(spec.message, **fields)))


__all__ = ["lint", "lint_file", "RunState", "FileContext", "kind_spec"]
