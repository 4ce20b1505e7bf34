"""Tax ids by country and type: the lengths of the tax-id formats page, check digits by stdnum."""

from __future__ import annotations

import re

from gu1lint.checks.base import Check
from gu1lint.checks.entities import row_country

_STRIP = str.maketrans("", "", ".-/ ")
DIGITS = re.compile(r"\d+")
CNPJ_ALNUM = re.compile(r"[0-9A-Z]{12}\d{2}")
CL_RUT = re.compile(r"(\d+)([0-9K])")
MX_RFC = {"person": re.compile(r"[A-ZÑ&]{4}\d{6}[A-Z0-9]{3}"),
          "company": re.compile(r"[A-ZÑ&]{3}\d{6}[A-Z0-9]{3}")}


def normalize_tax_id(value: str) -> str:
    """Strip . - / and spaces and upper-case, as the server does before checking the length."""
    return value.translate(_STRIP).upper()


def check_tax_id(country: str, kind: str, number: str) -> tuple[str, str] | None:
    """None when good; else (problem, text): problem is 'length' (VALIDATION_ERROR) or a document
    name whose check digit is wrong (TAX_ID_CHECK_DIGIT)."""
    checker = _CHECKERS.get((country, kind))
    return checker(number) if checker else None


def _ar_person(n: str) -> tuple[str, str] | None:
    if DIGITS.fullmatch(n) and len(n) == 8:
        return None  # a DNI has no check digit
    if DIGITS.fullmatch(n) and len(n) == 11:
        return _cuit(n, "CUIL")
    return "length", f"expected 8 digits (DNI) or 11 digits (CUIL), got {_describe(n)}"


def _ar_company(n: str) -> tuple[str, str] | None:
    if DIGITS.fullmatch(n) and len(n) == 11:
        return _cuit(n, "CUIT")
    return "length", f"expected 11 digits (CUIT), got {_describe(n)}"


def _cuit(n: str, name: str) -> tuple[str, str] | None:
    from stdnum.ar import cuit

    return None if cuit.calc_check_digit(n[:-1]) == n[-1] else ("digit", name)


def _br_person(n: str) -> tuple[str, str] | None:
    if not (DIGITS.fullmatch(n) and 9 <= len(n) <= 11):
        return "length", f"expected 9 to 11 digits (CPF), got {_describe(n)}"
    from stdnum.br import cpf

    padded = n.zfill(11)  # the server accepts CPFs that lost their leading zeros
    return None if cpf.is_valid(padded) else ("digit", "CPF")


def _br_company(n: str) -> tuple[str, str] | None:
    padded = n.zfill(14)
    if not (13 <= len(n) <= 14 and CNPJ_ALNUM.fullmatch(padded)):
        return "length", f"expected 13 or 14 characters (CNPJ), got {_describe(n)}"
    from stdnum.br import cnpj

    return None if cnpj.is_valid(padded) else ("digit", "CNPJ")


def _cl(low: int, high: int):  # type: ignore[no-untyped-def]
    def check(n: str) -> tuple[str, str] | None:
        m = CL_RUT.fullmatch(n)
        if not m or not low <= len(m.group(1)) <= high:
            return "length", (f"expected {low} to {high} digits and a check character 0-9 or K "
                              f"(RUT), got {_describe(n)}")
        from stdnum.cl import rut

        return None if rut.calc_check_digit(m.group(1)) == m.group(2) else ("digit", "RUT")
    return check


def _mx(kind: str, size: int):  # type: ignore[no-untyped-def]
    def check(n: str) -> tuple[str, str] | None:
        if len(n) != size or not MX_RFC[kind].fullmatch(n):
            return "length", f"expected an RFC of {size} letters and digits, got {_describe(n)}"
        return None
    return check


def _co_person(n: str) -> tuple[str, str] | None:
    if DIGITS.fullmatch(n) and 6 <= len(n) <= 10:
        return None
    return "length", f"expected 6 to 10 digits (cédula), got {_describe(n)}"


def _describe(n: str) -> str:
    if DIGITS.fullmatch(n):
        return f"{len(n)} digits"
    return f"{len(n)} characters"


_CHECKERS = {
    ("AR", "person"): _ar_person, ("AR", "company"): _ar_company,
    ("BR", "person"): _br_person, ("BR", "company"): _br_company,
    # the page lists CL companies as 8-9 digits but its examples have 7-8: accept both readings
    ("CL", "person"): _cl(7, 8), ("CL", "company"): _cl(7, 9),
    ("MX", "person"): _mx("person", 13), ("MX", "company"): _mx("company", 12),
    ("CO", "person"): _co_person,
}


class TaxIdRules(Check):
    """Length and characters per country and type, then the check digit."""

    kinds = ("entities",)
    rules = ("tax-id-invalid", "tax-id-check-digit-invalid")

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
        column = self.ctx.label(self.tax_at)  # type: ignore[arg-type]
        what, text = problem
        if what == "length":
            self.ctx.emit("tax-id-invalid", row, line, column, raw, cells, country=country,
                          type=kind, reason=text)
        else:
            self.ctx.emit("tax-id-check-digit-invalid", row, line, column, raw, cells,
                          severity=self.digit_severity, country=country, document=text)
