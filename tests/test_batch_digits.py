"""The batch check answers exactly as the per-id check-digit functions, on any batch."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ar import cuit
from stdnum.br import cnpj, cpf
from stdnum.cl import rut

from gu1lint.checks import batchdigits
from gu1lint.checks.batchdigits import bad_check_digits
from gu1lint.checks.checkdigits import cnpj_ok, cpf_ok, cuit_ok, rut_ok

SOME = settings(max_examples=150, deadline=None)  # hypothesis-drawn lists: slow to draw
MANY = settings(max_examples=300, deadline=None)
DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PER_ID: dict[str, Callable[[str], bool]] = {
    "cuit": cuit_ok,
    "cpf": cpf_ok,
    "cnpj": cnpj_ok,
    "rut": rut_ok,
}


def per_id(check: str, ids: list[str]) -> list[int]:
    """The answer the batch must give."""
    return [i for i, x in enumerate(ids) if not PER_ID[check](x)]


def fixed(alphabet: str, size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=size, max_size=size)


def valid_or_random(
    body: st.SearchStrategy[str], check: st.SearchStrategy[str], calc: Callable[[str], str]
) -> st.SearchStrategy[str]:
    """Ids with check characters computed by stdnum or drawn at random, about half each."""
    return st.builds(lambda b, c, right: b + (calc(b) if right else c), body, check, st.booleans())


CUIT_IDS = valid_or_random(fixed(DIGITS, 10), fixed(DIGITS, 1), cuit.calc_check_digit)
CPF_IDS = st.one_of(
    valid_or_random(fixed(DIGITS, 9), fixed(DIGITS, 2), cpf._calc_check_digits),
    st.sampled_from(["00000000000", "00000000001", "11111111111"]),
)
CNPJ_IDS = valid_or_random(
    st.one_of(
        fixed(DIGITS + UPPER, 12),
        # twelve zeros (invalid), eleven, and a run of zeros that starts inside the id
        st.sampled_from(["0" * 12, "0" * 11 + "1", "1" + "0" * 11]),
    ),
    fixed(DIGITS, 2),
    cnpj.calc_check_digits,
)


def rut_ids(width: int) -> st.SearchStrategy[str]:
    return valid_or_random(
        fixed(DIGITS, width - 1), st.sampled_from(DIGITS + "K"), rut.calc_check_digit
    )


@SOME
@given(st.lists(CUIT_IDS, max_size=300))
def test_cuit_batch_is_per_id(ids: list[str]) -> None:
    assert bad_check_digits("cuit", ids) == per_id("cuit", ids)


@SOME
@given(st.lists(CPF_IDS, max_size=300))
def test_cpf_batch_is_per_id(ids: list[str]) -> None:
    assert bad_check_digits("cpf", ids) == per_id("cpf", ids)


@SOME
@given(st.lists(CNPJ_IDS, max_size=300))
def test_cnpj_batch_is_per_id(ids: list[str]) -> None:
    assert bad_check_digits("cnpj", ids) == per_id("cnpj", ids)


@SOME
@given(st.integers(1, 27).flatmap(lambda w: st.lists(rut_ids(w), max_size=300)))
def test_rut_batch_is_per_id(ids: list[str]) -> None:
    assert bad_check_digits("rut", ids) == per_id("rut", ids)


def random_batch(check: str, rnd: random.Random, n: int, share_valid: float) -> list[str]:
    """n ids of one width for check, a share of them valid, drawn with rnd."""
    width = rnd.randint(1, 27) if check == "rut" else {"cuit": 11, "cpf": 11, "cnpj": 14}[check]
    body_chars, calc, checks = {
        "cuit": (DIGITS, cuit.calc_check_digit, 1),
        "cpf": (DIGITS, cpf._calc_check_digits, 2),
        "cnpj": (DIGITS + UPPER, cnpj.calc_check_digits, 2),
        "rut": (DIGITS, rut.calc_check_digit, 1),
    }[check]
    ids = []
    for _ in range(n):
        body = "".join(rnd.choices(body_chars, k=width - checks))
        tail = calc(body) if rnd.random() < share_valid else "".join(rnd.choices(DIGITS, k=checks))
        ids.append(body + tail)
    return ids


@MANY
@given(
    st.sampled_from(sorted(PER_ID)),
    st.integers(0, 2**32),
    st.integers(0, 300),
    st.sampled_from([1.0, 0.99, 0.5, 0.0]),
)
def test_large_batches_are_per_id(check: str, seed: int, n: int, share_valid: float) -> None:
    """Hypothesis draws the seed, a plain Random the ids (drawing each from hypothesis is slow)."""
    ids = random_batch(check, random.Random(seed), n, share_valid)
    assert bad_check_digits(check, ids) == per_id(check, ids)


ODD_IDS = {  # ids outside the fast path that the per-id functions still answer
    "cuit": ["2012345678", "201234567860", "20-12345678", "2O123456786", "٢٠١٢٣٤٥٦٧٨٦"],
    "cpf": ["111444777350", "1114447773a", "111,4447773", "١١١٤٤٤٧٧٧٣٥"],
    "cnpj": ["12abc34501de35", "1234567800019", "12.345678/0001", "", "١٢٣٤٥٦٧٨٠٠٠١٩٥"],
    "rut": ["12345678", "K2345678K", "1234,6785", "١٢٣٤٥٦٧٨٥", "1" * 26],
}


@SOME
@given(
    st.sampled_from(sorted(ODD_IDS)).flatmap(
        lambda check: st.tuples(
            st.just(check),
            st.lists(
                st.one_of(
                    st.sampled_from(ODD_IDS[check]),
                    {"cuit": CUIT_IDS, "cpf": CPF_IDS, "cnpj": CNPJ_IDS, "rut": rut_ids(9)}[check],
                ),
                max_size=40,
            ),
        )
    )
)
def test_batches_outside_the_fast_path_fall_back(case: tuple[str, list[str]]) -> None:
    check, ids = case
    assert bad_check_digits(check, ids) == per_id(check, ids)


def test_stdnum_edge_cases() -> None:
    cpfs = ["00000000000", "11144477735", "11144477734", "00000000191", "52998224725"]
    assert bad_check_digits("cpf", cpfs) == [i for i, x in enumerate(cpfs) if not cpf.is_valid(x)]
    assert bad_check_digits("cpf", cpfs) == [0, 2]
    cnpjs = [
        "00000000000000",
        "00000000000191",
        "12ABC34501DE35",
        "12ABC34501DE36",
        "11222333000181",
        "000000000000" + cnpj.calc_check_digits("000000000000"),
    ]
    expected = [i for i, x in enumerate(cnpjs) if not cnpj.is_valid(x)]
    assert bad_check_digits("cnpj", cnpjs) == expected == [0, 3, 5]


def test_rut_every_check_character_for_each_length() -> None:
    for width in range(2, 12):
        body = "7654321098"[: width - 1]
        ids = [body + c for c in DIGITS + "K"]
        right = (DIGITS + "K").index(rut.calc_check_digit(body))
        assert bad_check_digits("rut", ids) == [i for i in range(11) if i != right]


def test_rut_check_character_k() -> None:
    ids = ["6K", "6" + "0", "23K", "37K", "40K", "54K", "41K"]
    assert bad_check_digits("rut", ids) == [1, 6] == per_id("rut", ids)


@pytest.mark.parametrize(
    "check, ids",
    [
        ("cuit", ["20123456786", "20123456780", "00000000000"]),
        ("cpf", ["00000000000", "11144477735", "11144477736"]),
        ("cnpj", ["00000000000000", "12ABC34501DE35", "ZZZZZZZZZZZZ00"]),
        ("rut", ["6K", "60", "1K"]),
    ],
)
def test_fitting_batches_do_not_call_the_per_id_functions(
    monkeypatch: pytest.MonkeyPatch, check: str, ids: list[str]
) -> None:
    expected = per_id(check, ids)
    assert expected  # each batch has a bad id, so the mismatch path runs

    def refuse(number: str) -> bool:
        raise AssertionError(f"per-id check called on {number!r}")

    monkeypatch.setattr(batchdigits, "_PER_ID", dict.fromkeys(PER_ID, refuse))
    assert bad_check_digits(check, ids) == expected


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError, match="unknown"):
        bad_check_digits("iban", ["GB82WEST12345698765432"])
