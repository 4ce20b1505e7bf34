"""The base of every check and the per-file context it reports through."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from gu1lint.engine import FileContext


class Check:
    """A unit of checking fed by the engine's single pass: start once, row per row (in blocks of
    rows: `block`), finish once.

    A check works out its column positions in `start` (returning False when nothing applies to
    the file) so that `row` only indexes into the cells; it reports through `ctx.emit`.
    """

    rules: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[tuple[str, ...]] = ("transactions", "entities", "user-events")

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def start(self) -> bool:
        """Prepare for one file; False when the check has nothing to do on it."""
        return True

    def row(self, row: int, line: int, cells: list[str]) -> None:
        """Look at one data row."""

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        """Look at consecutive data rows; for one row, emit in the order `row` would."""
        look = self.row
        for row, line, cells in rows:
            look(row, line, cells)

    def finish(self, rows: int) -> None:
        """Called after the last row with the number of data rows."""
