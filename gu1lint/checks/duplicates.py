"""Duplicate keys across all files of one kind in a call: gu1 keeps them unique per organization."""

from __future__ import annotations

from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.compact import Record

_TYPES = {"person": "person", "company": "company"}
_ROW = itemgetter(0)


def where(ctx: Any, number: int, row: int) -> str:
    """'row 5' in the same file, 'other.csv row 5' in another (a file named by its number)."""
    path = ctx.state.paths[number]
    return f"row {row}" if path == ctx.path else f"{path} row {row}"


def first_rows(index: dict[Any, Any], keys: list[Any], records: list[Any]) -> list[int]:
    """`index.setdefault(key, record)` for a block in order; the positions whose key was there
    before (an empty key is never a key). A record is equal to no other (it names its file by
    its number in the call), so one comparison of lists tells whether any key was there."""
    firsts = list(map(index.setdefault, keys, records))
    index.pop("", None)
    if firsts == records:
        return []
    flags = map(is_not, firsts, records)
    return [i for i in compress(range(len(keys)), flags) if keys[i]]


class TransactionDuplicates(Check):
    """A repeated externalId breaks the unique constraint on insert (skipDuplicates skips it)."""

    kinds = ("transactions",)
    rules = ("transaction-external-id-duplicate",)

    def start(self) -> bool:
        ctx = self.ctx
        self.at = ctx.col("externalId")
        self.seen = ctx.state.index("transactions.externalId")
        # a row is remembered as one int (the file's number in the call, and the row)
        self.file = ctx.state.file_number(ctx.path) << 32
        self.severity = "warning" if ctx.options.skip_duplicates else None
        return self.at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        key = cells[self.at].strip()  # type: ignore[index]
        if not key:
            return
        first = self.seen.setdefault(key, self.file | row)
        if first != self.file | row:
            self._emit(row, line, cells, first)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # the keys of a block go into the index in one pass; rows whose key was there are
        # reported (by position in the block: the index's first row is `first`)
        keys = self.ctx.stripped(rows, self.at)  # type: ignore[arg-type]
        numbers = list(map(self.file.__or__, map(_ROW, rows)))
        for i in first_rows(self.seen, keys, numbers):
            row, line, cells = rows[i]
            self._emit(row, line, cells, self.seen[keys[i]])

    def _emit(self, row: int, line: int, cells: list[str], first: int) -> None:
        ctx = self.ctx
        ctx.emit("transaction-external-id-duplicate", row, line, ctx.label(self.at),  # type: ignore[arg-type]
                 cells[self.at], cells, severity=self.severity,  # type: ignore[index]
                 first=where(ctx, first >> 32, first & 0xFFFFFFFF))


class EntityDuplicates(Check):
    """Repeated externalIds and taxIds among entity rows, told apart by type and import mode."""

    kinds = ("entities",)
    rules = ("entity-external-id-duplicate", "tax-id-type-mismatch", "tax-id-duplicate-skipped",
             "entity-already-exists-skipped", "tax-id-duplicate",
             "entity-external-id-duplicate-other-tax-id", "tax-id-duplicate-other-external-id",
             "tax-id-duplicate-skipped-other-external-id",
             "entity-already-exists-skipped-other-external-id")

    def start(self) -> bool:
        ctx = self.ctx
        self.ext_at = ctx.col("externalId")
        self.tax_at = ctx.col("taxId")
        self.type_at = ctx.col("type")
        self.ext_seen = ctx.state.index("entities.externalId")
        self.tax_seen = ctx.state.index("entities.taxId")
        self.file = ctx.state.file_number(ctx.path)
        self.spill_at = ctx.state.spill_at
        self.types = dict(_TYPES)  # each type value once, however many rows have it
        self.compact = ctx.state.compact.get("entities")
        if ctx.options.duplicate_tax_id_policy == "error":
            self.same_type_rule = "tax-id-duplicate"
        elif ctx.options.mode == "automatic":
            self.same_type_rule = "entity-already-exists-skipped"
        else:
            self.same_type_rule = "tax-id-duplicate-skipped"
        # the same taxId and type under another externalId: one entity under two external ids
        self.other_ext_rule = self.same_type_rule + "-other-external-id"
        return self.ext_at is not None or self.tax_at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        self.block([(row, line, cells)])

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # the records of a block are built at once and new keys inserted at once; only rows
        # with a key that repeats are looked at one by one, in order
        ctx, n = self.ctx, len(rows)
        exts: Any = ctx.stripped(rows, self.ext_at) if self.ext_at is not None else repeat("", n)
        taxes: Any = ctx.tax_ids(rows, self.tax_at) if self.tax_at is not None else repeat("", n)
        if self.type_at is not None:
            types = ctx.stripped(rows, self.type_at)
            kinds: Any = map(self.types.setdefault, types, types)  # one string per type
        else:
            kinds = repeat("", n)
        if self.compact is not None:
            self._compact_block(rows, exts, taxes, kinds)
            return
        # one record per row, shared by both indexes: (file number, row, type, externalId, taxId)
        records = list(zip(repeat(self.file), map(_ROW, rows), kinds, exts, taxes, strict=False))
        tax_seen, ext_seen = self.tax_seen, self.ext_seen
        tax_again = set(first_rows(tax_seen, taxes, records) if self.tax_at is not None else ())
        ext_again = set(first_rows(ext_seen, exts, records) if self.ext_at is not None else ())
        for i in sorted(tax_again | ext_again):
            row, line, cells = rows[i]
            _, _, _, ext, tax = record = records[i]
            self._report(row, line, cells, record, tax_seen[tax] if i in tax_again else None,
                         ext_seen[ext] if i in ext_again else None)
        if self.spill_at is not None and max(len(tax_seen), len(ext_seen)) >= self.spill_at:
            from gu1lint.checks.compact import CompactRecords  # imports numpy

            self.compact = self.ctx.state.compact["entities"] = CompactRecords()
            self.compact.adopt(tax_seen, ext_seen)

    def _compact_block(self, rows: list[tuple[int, int, list[str]]], exts: Any, taxes: Any,
                       kinds: Any) -> None:
        """The block of a call past `spill_at` keys: every row goes to the compact store,
        which answers for the keys that came before."""
        store = self.compact
        assert store is not None and rows, "called with the store, for a block of rows"
        numbers = list(map(_ROW, rows))
        # the block's shared columns (only read), or None for a column the file lacks
        exts = exts if self.ext_at is not None else None
        taxes = taxes if self.tax_at is not None else None
        kinds = list(kinds)
        base, tax_first, ext_first = store.block(self.file, numbers, kinds, exts, taxes)
        for i in sorted(tax_first.keys() | ext_first.keys()):
            row, line, cells = rows[i]
            record = (self.file, row, kinds[i], exts[i] if exts else "", taxes[i] if taxes else "")
            self._report(row, line, cells, record,
                         store.record(tax_first[i]) if i in tax_first else None,
                         store.record(ext_first[i]) if i in ext_first else None)

    def _report(self, row: int, line: int, cells: list[str], record: Record,
                tax_first: Record | None, ext_first: Record | None) -> None:
        """The findings of a row whose taxId and/or externalId was seen before, given the
        records of the rows that had them first."""
        ctx = self.ctx
        _, _, kind, ext_id, tax_id = record
        if tax_first is not None:
            first = tax_first
            rule = self.same_type_rule if first[2] == kind else "tax-id-type-mismatch"
            if rule == self.same_type_rule and ext_id and first[3] and ext_id != first[3]:
                rule = self.other_ext_rule
            ctx.emit(rule, row, line, ctx.label(self.tax_at), cells[self.tax_at],  # type: ignore[arg-type]
                     cells, type=kind, first_type=first[2], first=where(ctx, first[0], first[1]),
                     external_id=ext_id, first_external_id=first[3])
        if ext_first is not None:
            first = ext_first
            other_tax = bool(tax_id and first[4] and tax_id != first[4])
            ctx.emit("entity-external-id-duplicate-other-tax-id" if other_tax
                     else "entity-external-id-duplicate", row, line,
                     ctx.label(self.ext_at), cells[self.ext_at], cells,  # type: ignore[arg-type]
                     first=where(ctx, first[0], first[1]), tax_id=tax_id, first_tax_id=first[4])
