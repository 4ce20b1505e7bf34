"""The fast check-digit functions answer exactly as python-stdnum on any id of the right shape."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ar import cuit
from stdnum.br import cnpj, cpf
from stdnum.cl import rut

from gu1lint.checks.checkdigits import cnpj_ok, cpf_ok, cuit_ok, rut_ok

MANY = settings(max_examples=2000, deadline=None)
DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def valid_or_random(body: st.SearchStrategy[str], digits: st.SearchStrategy[str],
                    calc: object) -> st.SearchStrategy[str]:
    """Half valid ids (check digits computed by stdnum), half with random check digits."""
    def build(b: str, d: str, right: bool) -> str:
        return b + (calc(b) if right else d)  # type: ignore[operator]
    return st.builds(build, body, digits, st.booleans())


@MANY
@given(valid_or_random(st.text(DIGITS, min_size=10, max_size=10),
                       st.text(DIGITS, min_size=1, max_size=1), cuit.calc_check_digit))
def test_cuit_ok_is_stdnum_calc_check_digit(number: str) -> None:
    assert cuit_ok(number) == (cuit.calc_check_digit(number[:-1]) == number[-1])


@MANY
@given(valid_or_random(st.text(DIGITS, min_size=9, max_size=9),
                       st.text(DIGITS, min_size=2, max_size=2), cpf._calc_check_digits))
def test_cpf_ok_is_stdnum_is_valid(number: str) -> None:
    assert cpf_ok(number) == cpf.is_valid(number)


@MANY
@given(valid_or_random(st.text(DIGITS + UPPER, min_size=12, max_size=12),
                       st.text(DIGITS + UPPER, min_size=2, max_size=2), cnpj.calc_check_digits))
def test_cnpj_ok_is_stdnum_is_valid(number: str) -> None:
    assert cnpj_ok(number) == cnpj.is_valid(number)


@MANY
@given(valid_or_random(st.text(DIGITS, min_size=1, max_size=12),
                       st.sampled_from(DIGITS + "K"), rut.calc_check_digit))
def test_rut_ok_is_stdnum_calc_check_digit(number: str) -> None:
    assert rut_ok(number) == (rut.calc_check_digit(number[:-1]) == number[-1])


def test_edge_cases_agree() -> None:
    for number in ("00000000000", "00000000191", "٢٠١٢٣٤٥٦٧٨٦"):
        assert cpf_ok(number) == cpf.is_valid(number)
        assert cuit_ok(number) == (cuit.calc_check_digit(number[:-1]) == number[-1])
    for number in ("00000000000000", "00000000000191", "12ABC34501DE35", "12abc34501de35"):
        assert cnpj_ok(number) == cnpj.is_valid(number)
