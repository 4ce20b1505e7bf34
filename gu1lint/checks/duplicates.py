"""Duplicate keys across all files of one kind in a call: gu1 keeps them unique per organization."""

from __future__ import annotations

from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.taxid import normalize_tax_id


def where(ctx: Any, first: tuple[str, int]) -> str:
    """'row 5' in the same file, 'other.csv row 5' in another."""
    path, row = first
    return f"row {row}" if path == ctx.path else f"{path} row {row}"


class TransactionDuplicates(Check):
    """A repeated externalId breaks the unique constraint on insert (skipped with skipDuplicates)."""

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
        first = self.seen.setdefault(key, (self.ctx.path, row))
        if first[1] != row or first[0] != self.ctx.path:
            self.ctx.emit("transaction-external-id-duplicate", row, line,
                          self.ctx.label(self.at), cells[self.at], cells,  # type: ignore[index]
                          severity=self.severity, first=where(self.ctx, first))


class EntityDuplicates(Check):
    """Repeated externalIds and taxIds among entity rows, told apart by type and import mode."""

    kinds = ("entities",)
    rules = ("entity-external-id-duplicate", "tax-id-type-mismatch", "tax-id-duplicate-skipped",
             "entity-already-exists-skipped", "tax-id-duplicate")

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
        return self.ext_at is not None or self.tax_at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        ctx = self.ctx
        if self.tax_at is not None:
            raw = cells[self.tax_at]
            key = normalize_tax_id(raw)
            if key:
                kind = cells[self.type_at].strip() if self.type_at is not None else ""
                first = self.tax_seen.setdefault(key, (ctx.path, row, kind))
                if first[:2] != (ctx.path, row):
                    rule = self.same_type_rule if first[2] == kind else "tax-id-type-mismatch"
                    ctx.emit(rule, row, line, ctx.label(self.tax_at), raw, cells, type=kind,
                             first_type=first[2], first=where(ctx, first[:2]))
        if self.ext_at is not None:
            key = cells[self.ext_at].strip()
            if key:
                first = self.ext_seen.setdefault(key, (ctx.path, row))
                if first != (ctx.path, row):
                    ctx.emit("entity-external-id-duplicate", row, line, ctx.label(self.ext_at),
                             cells[self.ext_at], cells, first=where(ctx, first))
