"""Amounts that the currency of their row cannot hold: decimals in a zero-decimal currency."""

from __future__ import annotations

from gu1lint.checks.base import Check
from gu1lint.checks.formats import AMOUNT, has_fraction, zero_decimal_currencies


class ZeroDecimalAmounts(Check):
    """An amount with a non-zero fraction in CLP, JPY, PYG or another ISO 4217 minor unit 0."""

    kinds = ("transactions",)
    rules = ("amount-decimals-in-zero-decimal-currency",)

    def start(self) -> bool:
        self.amount_at = self.ctx.col("amount")
        self.currency_at = self.ctx.col("currency")
        self.zero = zero_decimal_currencies()
        return self.amount_at is not None and self.currency_at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        amount = cells[self.amount_at]  # type: ignore[index]
        if "." not in amount:
            return
        currency = cells[self.currency_at]  # type: ignore[index]
        if currency in self.zero and AMOUNT.fullmatch(amount) and has_fraction(amount):
            self.ctx.emit("amount-decimals-in-zero-decimal-currency", row, line,
                          self.ctx.label(self.amount_at), amount, cells,  # type: ignore[arg-type]
                          field="amount", currency=currency)
