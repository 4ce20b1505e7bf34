"""Tax ids: entity tax ids by country and type, and the party tax ids of transactions and events."""

from __future__ import annotations

from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.entities import row_country
from gu1lint.checks.taxformats import (
    check_documents,
    check_tax_id,
    documents,
    normalize_tax_id,
    party_check_digit_problem,
    party_documents,
)

__all__ = ["TaxIdRules", "PartyTaxIds", "check_tax_id", "normalize_tax_id"]


class TaxIdRules(Check):
    """Length and characters per country and type, then structure, check digit and prefix."""

    kinds = ("entities",)
    rules = ("tax-id-invalid", "tax-id-check-digit-invalid", "rfc-structure-invalid",
             "tax-id-leading-zeros-lost", "cuit-prefix-type-mismatch")

    def start(self) -> bool:
        ctx = self.ctx
        self.tax_at = ctx.col("taxId")
        self.type_at = ctx.col("type")
        self.country_at = ctx.col("countryCode")
        self.batch = (ctx.options.country or "").strip() or None
        self.digit_severity = "error" if ctx.options.mode == "automatic" else "warning"
        return self.tax_at is not None and self.type_at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        raw = cells[self.tax_at]  # type: ignore[index]
        if not raw.strip():
            return
        country = row_country(cells, self.country_at, self.batch)
        kind = cells[self.type_at].strip()  # type: ignore[index]
        problem = check_tax_id(country, kind, normalize_tax_id(raw))
        if problem is None:
            return
        self._emit(problem, row, line, cells, raw, country, kind)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # row() without its per-row lookups; a tax id is rarely repeated, so no cache
        tax_at, type_at, country_at = self.tax_at, self.type_at, self.country_at
        batch = self.batch or ""
        table = documents()
        for row, line, cells in rows:
            raw = cells[tax_at]  # type: ignore[index]
            country = (cells[country_at].strip() or batch) if country_at is not None else batch
            kind = cells[type_at].strip()  # type: ignore[index]
            docs = table.get((country, kind))
            if not docs or not raw.strip():
                continue
            # normalize_tax_id, inline
            number = raw.replace(".", "").replace("-", "").replace("/", "").replace(" ", "").upper()
            problem = check_documents(docs, kind, number) if number else None
            if problem is not None:
                self._emit(problem, row, line, cells, raw, country, kind)

    def _emit(self, problem: tuple[str, dict[str, str]], row: int, line: int, cells: list[str],
              raw: str, country: str, kind: str) -> None:
        rule, fields = problem
        severity = self.digit_severity if rule == "tax-id-check-digit-invalid" else None
        self.ctx.emit(rule, row, line, self.ctx.label(self.tax_at), raw,  # type: ignore[arg-type]
                      cells, severity=severity, country=country, type=kind, **fields)


#: party tax id field -> the field holding its country; None: the field is Argentine (CUIT)
PARTY_FIELDS = {
    "transactions": {"originTaxId": "originCountry", "destinationTaxId": "destinationCountry"},
    "user-events": {"destinationCuit": None},
}


class PartyTaxIds(Check):
    """Check digits of party tax ids whose document is unambiguous without the entity type.

    Transactions carry the party's country beside its tax id, but not its type: an AR id of 11
    digits is a CUIT or CUIL, a BR id of 11 digits a CPF and of 14 a CNPJ, a CL id a RUT. The
    user-event destinationCuit is a CUIT by name. The user-event taxId has no country at all
    (the event's country is where it happened) and is not checked.
    """

    kinds = ("transactions", "user-events")
    rules = ("party-tax-id-check-digit-invalid",)

    def start(self) -> bool:
        ctx = self.ctx
        self.pairs: list[tuple[int, str, int | None]] = []
        for name, country_field in PARTY_FIELDS.get(ctx.kind, {}).items():
            position = ctx.col(name)
            if position is not None:
                country_at = ctx.col(country_field) if country_field else None
                if country_field is None or country_at is not None:
                    self.pairs.append((position, name, country_at))
        return bool(self.pairs)

    def row(self, row: int, line: int, cells: list[str]) -> None:
        for position, name, country_at in self.pairs:
            raw = cells[position]
            if not raw:
                continue
            country = cells[country_at].strip() if country_at is not None else "AR"
            document = party_check_digit_problem(country, normalize_tax_id(raw))
            if document is not None:
                self._emit(row, line, cells, position, name, raw, country, document)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # row() per pair of columns; only ids of a country with documents are normalized
        for position, name, country_at in self.pairs:
            documents_of: dict[str, tuple[str, tuple[Any, ...]]] = {}
            for row, line, cells in rows:
                raw = cells[position]
                if not raw:
                    continue
                cell = cells[country_at] if country_at is not None else "AR"
                known = documents_of.get(cell)
                if known is None:
                    country = cell.strip()
                    known = documents_of[cell] = (country, party_documents(country))
                if not known[1]:
                    continue
                # normalize_tax_id, inline
                number = (raw.replace(".", "").replace("-", "").replace("/", "")
                          .replace(" ", "").upper())
                for lengths, pattern, document, check in known[1]:
                    if len(number) in lengths and pattern.fullmatch(number):
                        if not check(number):
                            self._emit(row, line, cells, position, name, raw, known[0],
                                       document)
                        break

    def _emit(self, row: int, line: int, cells: list[str], position: int, name: str, raw: str,
              country: str, document: str) -> None:
        self.ctx.emit("party-tax-id-check-digit-invalid", row, line, self.ctx.label(position),
                      raw, cells, field=name, country=country, document=document)

