"""`gu1lint split`: cut a file over its plan or organization row limit into parts that fit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from gu1lint.checks.taxid import normalize_tax_id
from gu1lint.commands.check import OptionsBuilder
from gu1lint.config import load_config
from gu1lint.engine import resolve_kind
from gu1lint.errors import UsageError
from gu1lint.limits import limit_setting, row_limit
from gu1lint.mapping import resolve_columns
from gu1lint.options import FileOptions
from gu1lint.readers import Table, file_format
from gu1lint.report import Report
from gu1lint.splitter import Part, plan_parts

KEY_FIELDS = {"transactions": "externalId", "entities": "taxId"}


def run_split(flags: dict[str, Any]) -> int:
    """The whole `split` command; returns the exit status."""
    path = flags["path"]
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such file")
    options = OptionsBuilder(flags, load_config(flags.get("config_path"))).for_file(path)
    fmt = file_format(path)
    splitter = {"csv": CsvParts, "json": JsonParts, "jsonl": JsonParts, "xlsx": XlsxParts}.get(fmt)
    if splitter is None:
        raise UsageError(f"{path}: {fmt} files cannot be split (CSV, .xlsx and JSON can)")
    source = splitter(path, options)
    limit, name = file_limit(source.kind, options)
    keys = source.keys()
    if len(keys) <= limit:
        click.echo(f"{path}: {len(keys):,} row{'s' if len(keys) != 1 else ''} fit the {name} "
                   f"limit of {limit:,} rows; "
                   "nothing to split")
        return 0
    parts, parted = plan_parts(keys, limit)
    folder = Path(flags["output_dir"] or Path(path).parent)
    folder.mkdir(parents=True, exist_ok=True)
    names = [folder / f"{Path(path).stem}.part{i}{Path(path).suffix}"
             for i in range(1, len(parts) + 1)]
    source.write(parts, names)
    for target, (start, end) in zip(names, parts, strict=True):
        click.echo(f"wrote {target} ({end - start:,} rows)")
    click.echo(f"{path}: {len(keys):,} rows over the {name} limit of {limit:,} rows, "
               f"split into {len(parts)} parts")
    if parted:
        click.echo(f"{path}: {parted} duplicate keys have rows in more than one part "
                   "(their rows lie further apart than the limit)")
    return 0


def file_limit(kind: str, options: FileOptions) -> tuple[int, str]:
    """The row limit the parts must fit: plan or organization, and the transaction hard cap."""
    found = row_limit(kind, options)
    if kind == "transactions":
        cap = limit_setting("hard-cap-transaction-rows")
        if found is None or found[0] > cap:
            return cap, "hard cap"
    if found is None:
        raise UsageError("split needs --plan or --limits to know the row limit")
    if found[0] < 1:
        raise UsageError(f"the {found[1]} limit is {found[0]} rows: no part can fit")
    return found


class _Source:
    """An input file: its kind, the duplicate key of each row, and how to write parts of it."""

    def __init__(self, path: str, options: FileOptions) -> None:
        self.path, self.options = path, options
        self.header = self.read_header()
        self.kind = resolve_kind(path, options, Table(path, file_format(path), self.header,
                                                      iter(())), Report())
        plan = resolve_columns(self.kind, self.header, options.mapping)
        field = KEY_FIELDS.get(self.kind)
        self.key_at = plan.index.get(field) if field else None
        if self.key_at is not None and self.key_at >= plan.width:
            self.key_at = None

    def key(self, cells: list[str]) -> str | None:
        """The row's duplicate key as the duplicate checks compare it."""
        if self.key_at is None or self.key_at >= len(cells):
            return None
        value = cells[self.key_at]
        return normalize_tax_id(value) if self.kind == "entities" else value.strip()

    def read_header(self) -> list[str]:
        raise NotImplementedError

    def keys(self) -> list[str | None]:
        raise NotImplementedError

    def write(self, parts: list[Part], names: list[Path]) -> None:
        raise NotImplementedError


class CsvParts(_Source):
    """CSV parts hold the header and the records as they were read, byte for byte."""

    def read_header(self) -> list[str]:
        from gu1lint.fix.rawcsv import open_raw_csv

        raw = open_raw_csv(self.path)
        raw.records.close()  # type: ignore[attr-defined]
        return raw.columns

    def keys(self) -> list[str | None]:
        from gu1lint.fix.rawcsv import open_raw_csv

        return [self.key(r.cells) for r in open_raw_csv(self.path).records if not r.blank]

    def write(self, parts: list[Part], names: list[Path]) -> None:
        from gu1lint.fix.rawcsv import open_raw_csv

        raw = open_raw_csv(self.path)
        records = raw.records
        index, out = 0, None
        try:
            for number, (_, end) in enumerate(parts):
                out = open(names[number], "w", encoding=raw.encoding, newline="")
                out.write(raw.header.text)
                while index < end:
                    record = next(records)
                    out.write(record.text)
                    index += not record.blank
                if number == len(parts) - 1:
                    for record in records:  # blank lines after the last row
                        out.write(record.text)
                out.close()
        finally:
            if out is not None:
                out.close()


class JsonParts(_Source):
    """JSON parts keep the wrapper object and the items' text; JSON Lines parts keep the lines."""

    def read_header(self) -> list[str]:
        from gu1lint.fix.json_fix import item_spans, read_text

        self.text = read_text(self.path)
        self.lines = file_format(self.path) == "jsonl"
        self.spans = item_spans(self.text, self.lines)
        self.items = [json.loads(self.text[s:e]) for s, e in self.spans]
        return list(dict.fromkeys(k for item in self.items for k in item))

    def keys(self) -> list[str | None]:
        from gu1lint.readers.cells import cell_to_text

        return [self.key([cell_to_text(item.get(n)) for n in self.header]) for item in self.items]

    def write(self, parts: list[Part], names: list[Path]) -> None:
        text, spans = self.text, self.spans
        head, tail = text[:spans[0][0]], text[spans[-1][1]:]
        joiner = text[spans[0][1]:spans[1][0]]
        for (start, end), target in zip(parts, names, strict=True):
            items = [text[s:e] for s, e in spans[start:end]]
            body = "".join(t + "\n" for t in items) if self.lines else head + joiner.join(
                items) + tail
            target.write_text(body, encoding="utf-8")


class XlsxParts(_Source):
    """Excel parts are workbooks with the header row and the rows' values (not styles or formulas).

    The rows are those the Excel reader of `check` reads, found again by their sheet row number.
    """

    def read_header(self) -> list[str]:
        from gu1lint.readers.excel import read_excel

        table = read_excel(self.path, self.options.sheet)  # also refuses zip bombs and DTDs
        self.table_rows = table.rows
        return table.header

    def keys(self) -> list[str | None]:
        self.numbers: list[int] = []
        found = []
        for number, _, cells in self.table_rows:
            self.numbers.append(number)
            found.append(self.key(cells))
        return found

    def write(self, parts: list[Part], names: list[Path]) -> None:
        import openpyxl

        wanted = set(self.numbers)
        part_of = {n: i for i, (start, end) in enumerate(parts) for n in self.numbers[start:end]}
        books = [openpyxl.Workbook(write_only=True) for _ in parts]
        sheets = [book.create_sheet() for book in books]
        source = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = source[self.options.sheet] if self.options.sheet else source.worksheets[0]
            header_done = False
            for cells in ws.iter_rows(max_row=max(wanted), max_col=len(self.header)):
                number = next((c.row for c in cells if getattr(c, "row", None)), None)
                values = [c.value for c in cells]
                if not header_done and any(v not in (None, "") for v in values):
                    for sheet in sheets:
                        sheet.append(values)
                    header_done = True
                elif number in wanted:
                    sheets[part_of[number]].append(values)
        finally:
            source.close()
        for book, target in zip(books, names, strict=True):
            book.save(target)
