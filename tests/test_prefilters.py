"""The block prefilters never pass over a value that the per-value checks would report.

A block's column is tested as one joined text (`"|" + "|".join(values)`) and scanned value by
value only when that test says it may hold damage; a prefilter that answered False for a
damaged column would lose findings. These properties draw columns from characters that sit on
the tests' edges: separators, signs, formula starts, control and invisible characters, spaces
of several kinds and mojibake leads.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gu1lint.checks.damage import LEADING, MOJIBAKE, NON_PRINTABLE, TRAILING, _suspect
from gu1lint.checks.formats import SCIENTIFIC
from gu1lint.checks.values import (
    _MAY_BE_EXPONENT,
    _MAY_BE_SCIENTIFIC,
    _MAY_START_FORMULA,
    FORMULA_START,
    _is_formula,
    _may_start_formula,
)

CHARS = st.sampled_from(list("aZ09 |=+-@.(eE\t\r\n,") + [
    "\x00", "\x07", "\x1f", "\x7f", "\x85", "\u00a0", "\u200b", "\u2028", "\u3000", "\ufeff",
    "\ufffd", "Ã", "©", "Â", "â", "€", "ï", "»", "¿", "é", "٣"])
COLUMNS = st.lists(st.text(CHARS, max_size=8), min_size=1, max_size=12)


def joined(values: list[str]) -> str:
    return "|" + "|".join(values)


@settings(max_examples=1500, deadline=None)
@given(values=COLUMNS)
def test_a_column_with_a_formula_passes_the_formula_prefilter(values: list[str]) -> None:
    if any(v and v[0] in FORMULA_START and _is_formula(v) for v in values):
        text = joined(values)
        assert _may_start_formula(text) and _MAY_START_FORMULA.search(text)


@settings(max_examples=1500, deadline=None)
@given(values=COLUMNS)
def test_a_column_with_an_id_in_scientific_notation_passes_its_prefilter(
        values: list[str]) -> None:
    if any(v and SCIENTIFIC.fullmatch(v.strip()) for v in values):
        text = joined(values)
        assert ("e" in text or "E" in text) and _MAY_BE_EXPONENT.search(text.lower())
        assert _MAY_BE_SCIENTIFIC.search(text)


def damaged(value: str) -> bool:
    """What TextDamage reports of one value, as a yes or no."""
    return bool(value) and bool(
        MOJIBAKE.search(value) or NON_PRINTABLE.search(value)
        or ((value[0] in LEADING or value[-1] in TRAILING) and value.strip()))


@settings(max_examples=1500, deadline=None)
@given(values=COLUMNS)
def test_a_column_with_text_damage_is_suspect(values: list[str]) -> None:
    if any(map(damaged, values)):
        assert _suspect(joined(values))
        assert _suspect("|".join(values))  # the row form: a row's values joined


def test_the_properties_can_fail() -> None:
    # each prefilter says False for a clean column, so the properties above test something
    clean = ["ENT-001", "Ana Diaz", "20123456786", "2024-01-31"]
    assert not _suspect(joined(clean))
    assert not _may_start_formula(joined(clean))
    assert not _MAY_BE_SCIENTIFIC.search(joined(clean))
    assert _suspect(joined(["Ana ", "x"])) and _may_start_formula(joined(["x", "=1"]))
