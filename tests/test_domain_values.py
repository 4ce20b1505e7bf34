"""Domain values: the hints name the value gu1 expects; the data tables hold what they claim."""

from __future__ import annotations

import pytest

from gu1lint.catalog import load_catalog
from gu1lint.checks.formats import (
    amount_hint,
    country_hint,
    currency_problem,
    date_problem,
    zero_decimal_currencies,
)
from gu1lint.cli import main

AMOUNTS = [
    ("1.234,56", "write 1234.56"),
    ("R$ 1.234,56", "write 1234.56"),
    ("1 234,56", "write 1234.56"),
    ("1,234.56", "write 1234.56"),
    ("$ 100", "write 100"),
    ("USD 100", "write 100"),
    ("1e3", "write 1000"),
    ("1.5E-7", "write 0.00000015"),
    (".5", "write 0.5"),
    ("-5", "zero or positive (write 5;"),
    ("(100)", "zero or positive (write 100;"),
    ("1,234", "write 1234 if the comma separates thousands, 1.234 if it is the decimal mark"),
    ("ten", "write it like 1234.56"),
]


@pytest.mark.parametrize(("value", "expected"), AMOUNTS)
def test_amount_hint_names_the_plain_number(value: str, expected: str) -> None:
    assert expected in amount_hint(value)


DATES = [
    ("31/12/2025", "(day-first, as in Spanish and Portuguese); write 2025-12-31"),
    ("12/31/2025", "(month-first); write 2025-12-31"),
    ("05/06/2025", "day-first 2025-06-05 or month-first 2025-05-06: ambiguous"),
    ("31/12/2025 10:00", "write 2025-12-31T10:00:00 with its zone"),
    ("2025-12-31 10:00", "(a space instead of T, and no zone); write 2025-12-31T10:00"),
    ("2025-12-31 10:00:00-03:00", "write 2025-12-31T10:00:00-03:00"),
    ("45657", "(an Excel serial date, 2024-12-31)"),
    ("45657.5", "2024-12-31T12:00:00"),
    ("2025/12/31", "write 2025-12-31"),
    ("20251231", "(basic ISO form without dashes); write 2025-12-31"),
    ("31/12/25", "two-digit year"),
    ("1735639200", "(a Unix timestamp); write 2024-12-31T10:00:00Z"),
    (" 2025-12-31", "(spaces around it); write 2025-12-31"),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_date_hint_names_the_form_and_the_iso_date(value: str, expected: str) -> None:
    problem = date_problem(value)
    assert problem is not None and problem[0] == "date-time-invalid"
    assert expected in problem[1]["hint"]


@pytest.mark.parametrize("value", ["2025-12-31", "2025-12-31T10:00:00Z",
                                   "2025-12-31T10:00:00.123-03:00", "2025-12-31T10:00+0300"])
def test_iso_dates_with_a_zone_pass(value: str) -> None:
    assert date_problem(value) is None


def test_a_time_without_a_zone_is_its_own_rule() -> None:
    assert date_problem("2025-12-31T10:00:00") == ("date-time-without-zone", {})
    assert load_catalog().rules["date-time-without-zone"].enabled is False


@pytest.mark.parametrize(("value", "code"), [
    ("ARG", "AR"), ("Argentina", "AR"), ("Brasil", "BR"), ("br ", "BR"), ("México", "MX"),
    ("EE.UU.", "US"), ("UK", "GB"), ("deu", "DE"), ("Germany", "DE")])
def test_country_hint_names_the_code_meant(value: str, code: str) -> None:
    assert country_hint(value).startswith(f"; write {code} (")


@pytest.mark.parametrize(("value", "rule", "hint"), [
    ("USD", None, None),
    ("usd", "currency-code-lowercase", None),
    ("USDT", "currency-code-unknown", ""),
    ("U$D", "currency-code-unknown", "; write USD"),
    ("R$", "currency-code-invalid", "; write BRL"),
    ("$", "currency-code-invalid", "ISO 4217 code"),
    ("Dólares", "currency-code-invalid", "; write USD"),
])
def test_currency_rules_by_length_case_and_iso(value: str, rule: str | None,
                                               hint: str | None) -> None:
    problem = currency_problem(value)
    assert (problem[0] if problem else None) == rule
    if hint is not None:
        assert problem is not None and hint in problem[1]["hint"]


def test_zero_decimal_table_matches_iso_4217() -> None:
    iso4217 = pytest.importorskip("iso4217")
    published = {c.code for c in iso4217.Currency if c.exponent == 0}
    assert zero_decimal_currencies() == published


DOMAIN_RULES = [
    "tax-id-invalid", "tax-id-check-digit-invalid", "rfc-structure-invalid",
    "tax-id-leading-zeros-lost", "cuit-prefix-type-mismatch", "party-tax-id-check-digit-invalid",
    "country-code-invalid", "currency-code-invalid", "currency-code-lowercase",
    "currency-code-unknown", "amount-invalid", "amount-decimals-in-zero-decimal-currency",
    "date-time-invalid", "date-time-without-zone", "formula-injection",
    "id-in-scientific-notation", "mojibake", "surrounding-whitespace", "non-printable-character",
    "entity-external-id-duplicate-other-tax-id", "tax-id-duplicate-skipped-other-external-id",
    "entity-already-exists-skipped-other-external-id", "tax-id-duplicate-other-external-id",
]


@pytest.mark.parametrize("rule", DOMAIN_RULES)
def test_explain_tells_what_why_and_how(rule: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", rule]) == 0
    out = capsys.readouterr().out
    for section in ("What it flags:", "Why gu1 rejects it", "How to fix it:"):
        assert section in out
    assert load_catalog().rules[rule].summary
