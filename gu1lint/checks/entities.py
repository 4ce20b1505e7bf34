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
        if self.name_at is not None and not cells[self.name_at].strip():
            self._name_missing(row, line, cells)
        country = row_country(cells, self.country_at, self.batch)
        problem = self._country_problem(country)
        if problem is not None:
            self._emit_country(problem, row, line, cells, country)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # names, then countries judged once per distinct value: row()'s order within a row
        ctx = self.ctx
        if self.name_at is not None:
            names = ctx.stripped(rows, self.name_at)
            if "" in names:
                for (row, line, cells), name in zip(rows, names, strict=True):
                    if not name:
                        self._name_missing(row, line, cells)
        batch = self.batch or ""
        if self.country_at is None:
            countries = [batch] * len(rows)
        else:
            countries = ctx.stripped(rows, self.country_at)
            if "" in countries and batch:
                countries = [c or batch for c in countries]
        bad = {c: p for c in set(countries) if (p := self._country_problem(c)) is not None}
        if bad:
            for (row, line, cells), country in zip(rows, countries, strict=True):
                if country in bad:
                    self._emit_country(bad[country], row, line, cells, country)

    def _name_missing(self, row: int, line: int, cells: list[str]) -> None:
        self.ctx.emit("suggested-name-missing", row, line, self.name_label,
                      cells[self.name_at], cells,  # type: ignore[index]
                      severity="warning" if self.automatic else "error",
                      mode_note=" (recommended in automatic mode)" if self.automatic
                      else " (required in manual mode)")

    def _country_problem(self, country: str) -> str | None:
        """The rule a row's country breaks, or None."""
        if not country:
            return "country-missing"
        if country not in iso2_codes():
            return "country-code-invalid"
        if self.automatic and country not in AUTOMATIC_COUNTRIES:
            return "country-not-supported-automatic"
        return None

    def _emit_country(self, rule: str, row: int, line: int, cells: list[str],
                      country: str) -> None:
        if rule == "country-missing":
            self.ctx.emit(rule, row, line, self.country_label, "", cells)
        elif rule == "country-code-invalid":
            self.ctx.emit(rule, row, line, self.country_label, country, cells,
                          field="countryCode", hint=country_hint(country))
        else:
            self.ctx.emit(rule, row, line, self.country_label, country, cells)
