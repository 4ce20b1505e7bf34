"""Duplicate keys across all files of one kind in a call: gu1 keeps them unique per organization."""

from __future__ import annotations

from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.taxid import normalize_tax_id

_TYPES = {"person": "person", "company": "company"}


def where(ctx: Any, first: tuple[str, int]) -> str:
    """'row 5' in the same file, 'other.csv row 5' in another."""
    path, row = first
    return f"row {row}" if path == ctx.path else f"{path} row {row}"


class TransactionDuplicates(Check):
    """A repeated externalId breaks the unique constraint on insert (skipDuplicates skips it)."""

    kinds = ("transactions",)
    rules = ("transaction-external-id-duplicate",)

    def start(self) -> bool:
        self.at = self.ctx.col("externalId")
        self.seen = self.ctx.state.index("transactions.externalId")
        self.severity = "warning" if self.ctx.options.skip_duplicates else None
        return self.at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        key = cells[self.at].strip()  # type: ignore[index]
        if not key:
            return
        record = (self.ctx.path, row)
        first = self.seen.setdefault(key, record)
        if first is not record:
            self.ctx.emit("transaction-external-id-duplicate", row, line,
                          self.ctx.label(self.at), cells[self.at], cells,  # type: ignore[index]
                          severity=self.severity, first=where(self.ctx, first))


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
        ctx = self.ctx
        ext = cells[self.ext_at].strip() if self.ext_at is not None else ""
        tax = normalize_tax_id(cells[self.tax_at]) if self.tax_at is not None else ""
        if not (tax or ext):
            return
        kind = cells[self.type_at].strip() if self.type_at is not None else ""
        kind = _TYPES.get(kind, kind)  # one shared string per type in the index, not one a row
        # one record per row, shared by both indexes: (path, row, type, externalId, taxId)
        record = (ctx.path, row, kind, ext, tax)
        if tax:
            first = self.tax_seen.setdefault(tax, record)
            if first is not record:
                rule = self.same_type_rule if first[2] == kind else "tax-id-type-mismatch"
                if rule == self.same_type_rule and ext and first[3] and ext != first[3]:
                    rule = self.other_ext_rule
                ctx.emit(rule, row, line, ctx.label(self.tax_at), cells[self.tax_at],  # type: ignore[arg-type]
                         cells, type=kind, first_type=first[2], first=where(ctx, first[:2]),
                         external_id=ext, first_external_id=first[3])
        if ext:
            first = self.ext_seen.setdefault(ext, record)
            if first is not record:
                other_tax = bool(tax and first[4] and tax != first[4])
                ctx.emit("entity-external-id-duplicate-other-tax-id" if other_tax
                         else "entity-external-id-duplicate", row, line,
                         ctx.label(self.ext_at), cells[self.ext_at], cells,  # type: ignore[arg-type]
                         first=where(ctx, first[:2]), tax_id=tax, first_tax_id=first[4])
