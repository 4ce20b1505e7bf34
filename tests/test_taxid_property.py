"""gu1lint's tax-id verdicts agree with python-stdnum on thousands of generated ids per country.

Valid ids are built by computing the check digits with stdnum; a mutation then changes one
character or swaps two, which usually (not always) breaks them. gu1lint must say "wrong check
digit" exactly when stdnum's is_valid says no.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ar import cuit
from stdnum.br import cnpj, cpf
from stdnum.cl import rut
from stdnum.mx import rfc

from gu1lint.checks.taxformats import check_tax_id, party_check_digit_problem

EXAMPLES = settings(max_examples=1000, deadline=None)
DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PERSON_PREFIXES = ("20", "23", "24", "27")
COMPANY_PREFIXES = ("30", "33", "34")


def digits(low: int, high: int | None = None) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=low, max_size=high or low)


@st.composite
def mutated(draw: st.DrawFn, valid: str, alphabet: str) -> str:
    """The valid id unchanged, with one character replaced, or with two neighbours swapped."""
    how = draw(st.sampled_from(("keep", "replace", "swap")))
    if how == "keep":
        return valid
    i = draw(st.integers(0, len(valid) - 2))
    if how == "swap":
        return valid[:i] + valid[i + 1] + valid[i] + valid[i + 2:]
    return valid[:i] + draw(st.sampled_from(alphabet)) + valid[i + 1:]


def digit_rejected(country: str, kind: str, number: str) -> bool:
    problem = check_tax_id(country, kind, number)
    assert problem is None or problem[0] != "tax-id-invalid", (number, problem)
    return problem is not None and problem[0] == "tax-id-check-digit-invalid"


@st.composite
def cuits(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(("person", "company")))
    prefix = draw(st.sampled_from(PERSON_PREFIXES if kind == "person" else COMPANY_PREFIXES))
    body = prefix + draw(digits(8))
    number = draw(mutated(body + cuit.calc_check_digit(body), DIGITS))
    return kind, number


@EXAMPLES
@given(cuits())
def test_ar_cuit_cuil_agrees_with_stdnum(case: tuple[str, str]) -> None:
    kind, number = case
    if number[:2] in (PERSON_PREFIXES if kind == "person" else COMPANY_PREFIXES):
        assert digit_rejected("AR", kind, number) == (not cuit.is_valid(number))
        assert (party_check_digit_problem("AR", number) is None) == cuit.is_valid(number)


@st.composite
def cpfs(draw: st.DrawFn) -> str:
    body = (draw(st.sampled_from(("", "0", "00"))) + draw(digits(9)))[:9]
    number = draw(mutated(body + cpf._calc_check_digits(body), DIGITS))
    # a spreadsheet drops up to two leading zeros; the server accepts 9 to 11 digits
    return number.lstrip("0").rjust(9, "0") if draw(st.booleans()) else number


@EXAMPLES
@given(cpfs())
def test_br_cpf_agrees_with_stdnum_after_padding(number: str) -> None:
    assert digit_rejected("BR", "person", number) == (not cpf.is_valid(number.zfill(11)))


@st.composite
def cnpjs(draw: st.DrawFn) -> str:
    alphabet = draw(st.sampled_from((DIGITS, ALNUM)))  # numeric, or alphanumeric (July 2026)
    body = draw(st.text(alphabet, min_size=12, max_size=12))
    number = draw(mutated(body + cnpj.calc_check_digits(body), alphabet))
    if number.isdigit() and number.startswith("0") and draw(st.booleans()):
        return number[1:]  # 13 digits: a leading zero lost
    return number


@EXAMPLES
@given(cnpjs())
def test_br_cnpj_agrees_with_stdnum(number: str) -> None:
    if not number[-2:].isdigit():  # letters in the check positions: a shape error
        assert check_tax_id("BR", "company", number)[0] == "tax-id-invalid"  # type: ignore[index]
    else:
        assert digit_rejected("BR", "company", number) == (not cnpj.is_valid(number.zfill(14)))
        if len(number) == 14:
            expected = None if cnpj.is_valid(number) else "CNPJ"
            assert party_check_digit_problem("BR", number) == expected


@st.composite
def ruts(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(("person", "company")))
    body = draw(st.from_regex(r"[1-9][0-9]{6,7}" if kind == "person" else r"[1-9][0-9]{6,8}",
                              fullmatch=True))
    return kind, draw(mutated(body + rut.calc_check_digit(body), DIGITS + "K"))


@EXAMPLES
@given(ruts())
def test_cl_rut_agrees_with_stdnum(case: tuple[str, str]) -> None:
    kind, number = case
    if not number[:-1].isdigit():
        return  # a K moved into the body: a shape error
    if len(number) in (8, 9):  # stdnum's RUT lengths
        assert digit_rejected("CL", kind, number) == (not rut.is_valid(number))
    else:  # a 9-digit company body, beyond stdnum's lengths: its algorithm still decides
        assert digit_rejected("CL", kind, number) == (
            rut.calc_check_digit(number[:-1]) != number[-1])


@st.composite
def rfcs(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(("person", "company")))
    letters = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ&Ñ", min_size=4 if kind == "person" else 3,
                           max_size=4 if kind == "person" else 3))
    date = draw(st.dates()).strftime("%y%m%d")
    if draw(st.booleans()):
        date = draw(digits(6))  # mostly not a real date
    homoclave = draw(st.text(ALNUM, min_size=3, max_size=3))
    return kind, draw(mutated(letters + date + homoclave, ALNUM))


BLACKLISTED = getattr(rfc, "_name_blacklist", set())


@EXAMPLES
@given(rfcs())
def test_mx_rfc_structure_agrees_with_stdnum(case: tuple[str, str]) -> None:
    kind, number = case
    if number[:4] in BLACKLISTED:
        return  # stdnum also refuses inconvenient words, which gu1lint leaves alone
    problem = check_tax_id("MX", kind, number)
    assert (problem is None) == rfc.is_valid(number), problem


def test_generated_cases_include_both_verdicts() -> None:
    """The mutations do produce rejected ids, and untouched ids pass (the properties mean it)."""
    body = "2012345678"
    good = body + cuit.calc_check_digit(body)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert check_tax_id("AR", "person", good) is None
    assert check_tax_id("AR", "person", bad) == ("tax-id-check-digit-invalid",
                                                 {"document": "CUIL"})
