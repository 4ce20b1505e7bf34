"""The tax-id length table of the formats page, one documented length at a time."""

from __future__ import annotations

import pytest

from gu1lint.checks.taxformats import check_tax_id, normalize_tax_id, party_check_digit_problem

GOOD = [
    ("AR", "person", "12.345.678"),  # DNI, no check digit
    ("AR", "person", "20-12345678-6"),  # CUIL
    ("AR", "company", "30-70000000-8"),  # CUIT
    ("BR", "person", "012.345.678-90"),  # CPF, 11 digits
    ("BR", "company", "11.222.333/0001-81"),  # CNPJ
    ("BR", "company", "12.ABC.345/01DE-35"),  # alphanumeric CNPJ (July 2026)
    ("CL", "person", "12.531.909-2"),  # RUT, 8-digit body
    ("CL", "person", "1.234.567-4"),  # RUT, 7-digit body
    ("CL", "company", "76.543.210-3"),
    ("MX", "person", "GODE 561231 GR8"),
    ("MX", "company", "MAB-930714-8T4"),
    ("CO", "person", "123456"),
    ("CO", "person", "1234567890"),
    ("UY", "person", "anything"),  # countries the page does not list are not checked
    ("CO", "company", "900123456-7"),  # CO companies are not documented
]


@pytest.mark.parametrize(("country", "kind", "value"), GOOD)
def test_documented_forms_pass(country: str, kind: str, value: str) -> None:
    assert check_tax_id(country, kind, normalize_tax_id(value)) is None


BAD_LENGTH = [
    ("AR", "person", "1234567"),  # a 7-digit DNI
    ("AR", "person", "123456789"),
    ("AR", "company", "12345678"),  # a DNI given for a company
    ("BR", "person", "12345678"),
    ("BR", "person", "123456789012"),
    ("BR", "company", "123456789012"),
    ("BR", "company", "12ABC34501DEAB"),  # letters in the check digits
    ("BR", "company", "2ABC34501DE35"),  # alphanumeric CNPJs have no 13-character form
    ("CL", "person", "123456-K"),
    ("CL", "person", "12531909-X"),
    ("MX", "person", "MAB9307148T4"),  # a company RFC given for a person
    ("MX", "company", "GODE561231GR8"),
    ("CO", "person", "12345"),
    ("CO", "person", "12345678901"),
    ("CO", "person", "12345A"),
]


@pytest.mark.parametrize(("country", "kind", "value"), BAD_LENGTH)
def test_wrong_length_or_characters_is_tax_id_invalid(country: str, kind: str, value: str) -> None:
    problem = check_tax_id(country, kind, normalize_tax_id(value))
    assert problem is not None and problem[0] == "tax-id-invalid"
    assert problem[1]["expected"] and problem[1]["got"]


def test_rut_check_character_k_is_accepted_in_any_case() -> None:
    from stdnum.cl import rut

    body = next(b for b in (str(n) for n in range(10000000, 10000100))
                if rut.calc_check_digit(b) == "K")
    assert check_tax_id("CL", "person", normalize_tax_id(body + "-k")) is None


def test_rfc_parts_are_named() -> None:
    problem = check_tax_id("MX", "person", "GODE561331GR8")
    assert problem == ("rfc-structure-invalid", {
        "part": "the date YYMMDD", "part_value": "561331", "expected": "a real date"})


def test_party_ids_check_only_unambiguous_documents() -> None:
    assert party_check_digit_problem("AR", "20123456789") == "CUIT/CUIL"
    assert party_check_digit_problem("AR", "12345678") is None  # a DNI: no check digit
    assert party_check_digit_problem("BR", "1234567890") is None  # 10 digits: CPF or not?
    assert party_check_digit_problem("BR", "12ABC34501DE36") == "CNPJ"
    assert party_check_digit_problem("MX", "GODE561231GR9") is None
