"""The row fixer: works out once per file which fix applies to which column, then fixes rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from gu1lint.checks.values import COUNTRY_FIELDS, DATE_FIELDS
from gu1lint.fields import kind_spec
from gu1lint.fix import FixSettings
from gu1lint.fix.values import (
    amount_is_ambiguous,
    date_is_ambiguous,
    fix_amount,
    fix_country,
    fix_currency,
    fix_date,
    fix_enum,
    pad_br_tax_id,
    trim,
)
from gu1lint.mapping import ColumnPlan
from gu1lint.options import FileOptions

ValueFix = Callable[[str], str | None]


def extend_cells(plan: ColumnPlan, cells: list[str]) -> list[str]:
    """The row as the checks see it: cut or padded to the header, constants and defaults added."""
    full = (cells + [""] * (plan.width - len(cells)))[:plan.width] + plan.extra
    for position, default in plan.fill_empty:
        if not full[position].strip():
            full[position] = default
    return full


class RowFixer:
    """Applies the safe fixes, and the unsafe ones when asked, to the cells of each row."""

    def __init__(self, kind: str, plan: ColumnPlan, options: FileOptions,
                 settings: FixSettings) -> None:
        self.plan, self.options, self.settings = plan, options, settings
        self.kind = kind
        self.safe: list[tuple[int, ValueFix]] = []
        self.unsafe: list[tuple[int, ValueFix]] = []
        self.ambiguous: list[tuple[int, Callable[[str], bool], str]] = []
        self._plan_fields(kind)
        self.left: Counter[str] = Counter()  # values no fix could settle, by reason
        self.unsafe_available = 0  # values --unsafe-fixes would change on top of the safe fixes
        self.trial: list[str] | None = None  # the last row as --unsafe-fixes would fix it

    def _plan_fields(self, kind: str) -> None:
        order = self.settings.date_order
        for name, spec in kind_spec(kind).fields.items():
            position = self.plan.index.get(name)
            if position is None or position >= self.plan.width:
                continue  # constants from the mapping are not in the file
            if "enum" in spec.constraints:
                allowed = tuple(spec.constraints["enum"])
                self.safe.append((position, lambda v, a=allowed: fix_enum(v, a)))
            elif name in COUNTRY_FIELDS:
                self.safe.append((position, fix_country))
            elif name == "currency":
                self.safe.append((position, fix_currency))
            elif name == "amount":
                self.unsafe.append((position, fix_amount))
                self.ambiguous.append((position, amount_is_ambiguous, "ambiguous amount"))
            elif name in DATE_FIELDS:
                self.unsafe.append((position, lambda v: fix_date(v, order)))
                if order is None:
                    self.ambiguous.append((position, date_is_ambiguous, "ambiguous date"))
        tax = self.plan.index.get("taxId")
        self.tax_at = tax if kind == "entities" and tax is not None and tax < self.plan.width \
            else None

    def fix(self, cells: list[str]) -> list[str] | None:
        """The fixed cells (same length), or None when the row needs no change."""
        new = [trim(c) for c in cells]
        _apply(new, self.safe)
        if self.settings.unsafe:
            _apply(new, self.unsafe)
            self._pad_tax_id(new)
        else:
            self._try_unsafe(new, cells)
        for position, test, reason in self.ambiguous:
            if position < len(new) and test(new[position]):
                self.left[reason] += 1
        return None if new == cells else new

    def _pad_tax_id(self, new: list[str]) -> bool:
        at = self.tax_at
        if at is None or at >= len(new):
            return False
        full = extend_cells(self.plan, new)
        country = self._value(full, "countryCode") or (self.options.country or "")
        padded = pad_br_tax_id(new[at], country, self._value(full, "type"))
        if padded is not None:
            new[at] = padded
        return padded is not None

    def _value(self, full: list[str], name: str) -> str:
        position = self.plan.index.get(name)
        return full[position].strip() if position is not None else ""

    def _try_unsafe(self, new: list[str], cells: list[str]) -> None:
        trial = list(new)
        changed = _apply(trial, self.unsafe) + self._pad_tax_id(trial)
        self.unsafe_available += changed
        self.trial = None if trial == cells else trial


def _apply(cells: list[str], fixes: list[tuple[int, ValueFix]]) -> int:
    """Apply value fixes in place; how many values changed."""
    changed = 0
    for position, fix in fixes:
        if position < len(cells) and cells[position]:
            fixed = fix(cells[position])
            if fixed is not None and fixed != cells[position]:
                cells[position] = fixed
                changed += 1
    return changed
