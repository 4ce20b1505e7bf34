"""Workbook cells whose stored value differs from what the spreadsheet shows."""

from __future__ import annotations

from gu1lint.checks.base import Check

FORMULA_SHOWN = 80  # characters of a formula quoted in the message


class UncachedFormulas(Check):
    """Formula cells saved without their computed value: a reader of stored values sees empty."""

    rules = ("formula-without-cached-value",)

    def start(self) -> bool:
        ctx = self.ctx
        fields = {pos: name for name, pos in ctx.plan.index.items()}
        self.names = {pos: fields.get(pos, ctx.label(pos)) for pos in range(len(ctx.table.header))}
        return ctx.table.format == "xlsx"

    def row(self, row: int, line: int, cells: list[str]) -> None:
        ctx = self.ctx  # in the engine's blocks the reader has moved on: its rows' formulas
        uncached = ctx.uncached.get(row, ()) if ctx.pending is not None else ctx.table.uncached
        for position, formula in uncached:
            if position in self.names:
                self.ctx.emit("formula-without-cached-value", row, line,
                              self.ctx.label(position), "", cells, field=self.names[position],
                              formula=formula[:FORMULA_SHOWN])
