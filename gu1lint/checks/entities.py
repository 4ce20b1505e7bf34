"""Entity import modes: manual needs a name and a country; automatic looks up AR, BR, CL only."""

from __future__ import annotations

from gu1lint.checks.base import Check
from gu1lint.checks.formats import country_hint, iso2_codes

AUTOMATIC_COUNTRIES = frozenset(("AR", "BR", "CL"))


def row_country(cells: list[str], position: int | None, batch: str | None) -> str:
    """The row's country: its own country_code, else the batch country (the row's value wins)."""
    if position is not None:
        value = cells[position].strip()
        if value:
            return value
    return batch or ""


class EntityModeRules(Check):
    """suggested_name and country per row, as the import mode requires them."""

    kinds = ("entities",)
    rules = ("suggested-name-missing", "country-missing", "country-not-supported-automatic",
             "country-code-invalid")

    def start(self) -> bool:
        ctx = self.ctx
        self.automatic = ctx.options.mode == "automatic"
        self.name_at = ctx.col("suggestedName")
        self.country_at = ctx.col("countryCode")
        self.batch = (ctx.options.country or "").strip() or None
        self.name_label = ctx.label(self.name_at) if self.name_at is not None else "suggested_name"
        self.country_label = (ctx.label(self.country_at) if self.country_at is not None
                              else "country_code")
        if self.name_at is None and self.automatic:
            ctx.note(f"{ctx.path}: no suggested_name column; automatic mode recommends one")
        return True

    def row(self, row: int, line: int, cells: list[str]) -> None:
        ctx = self.ctx
        if self.name_at is not None and not cells[self.name_at].strip():
            ctx.emit("suggested-name-missing", row, line, self.name_label, cells[self.name_at],
                     cells, severity="warning" if self.automatic else "error",
                     mode_note=" (recommended in automatic mode)" if self.automatic
                     else " (required in manual mode)")
        country = row_country(cells, self.country_at, self.batch)
        if not country:
            ctx.emit("country-missing", row, line, self.country_label, "", cells)
        elif country not in iso2_codes():
            ctx.emit("country-code-invalid", row, line, self.country_label, country, cells,
                     field="countryCode", hint=country_hint(country))
        elif self.automatic and country not in AUTOMATIC_COUNTRIES:
            ctx.emit("country-not-supported-automatic", row, line, self.country_label, country,
                     cells)
