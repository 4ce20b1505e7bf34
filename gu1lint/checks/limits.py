"""Rows per file or import, by plan, by the organization's exact limits and by the hard cap."""

from __future__ import annotations

from gu1lint.checks.base import Check
from gu1lint.limits import limit_setting, row_limit


class RowLimit(Check):
    """Counts rows during the pass and compares them with the limits at the end."""

    rules = ("transaction-file-over-plan-limit", "transaction-file-over-hard-cap",
             "import-over-item-limit")

    def finish(self, rows: int) -> None:
        ctx = self.ctx
        cap = limit_setting("hard-cap-transaction-rows")
        limit = row_limit(ctx.kind, ctx.options)
        if limit is None:
            ctx.note("no --plan given: only the 100,000-row hard cap was checked")
            limit = (cap, "largest plan's")
        count, name = limit
        if ctx.kind == "transactions":
            if rows > cap:
                ctx.emit("transaction-file-over-hard-cap", rows=rows)
            elif rows > count:
                ctx.emit("transaction-file-over-plan-limit", rows=rows, limit=count,
                         limit_name=name)
        elif rows > count:
            ctx.emit("import-over-item-limit", rows=rows, limit=count, limit_name=name)
