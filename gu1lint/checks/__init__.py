"""The registry of checks: each check is a class with optional start / row / finish hooks."""

from __future__ import annotations

from gu1lint.checks.amounts import ZeroDecimalAmounts
from gu1lint.checks.base import Check
from gu1lint.checks.damage import TextDamage
from gu1lint.checks.duplicates import EntityDuplicates, TransactionDuplicates
from gu1lint.checks.entities import EntityModeRules
from gu1lint.checks.limits import RowLimit
from gu1lint.checks.references import EntityReferences, EventEntities
from gu1lint.checks.taxid import PartyTaxIds, TaxIdRules
from gu1lint.checks.values import FieldValues, SpreadsheetDamage
from gu1lint.checks.workbook import UncachedFormulas

#: every check, in the order its findings should appear for one row
REGISTRY: tuple[type[Check], ...] = (
    UncachedFormulas,
    FieldValues,
    ZeroDecimalAmounts,
    EntityModeRules,
    TaxIdRules,
    PartyTaxIds,
    SpreadsheetDamage,
    TextDamage,
    EntityDuplicates,
    TransactionDuplicates,
    EntityReferences,
    EventEntities,
    RowLimit,
)

__all__ = ["REGISTRY", "Check"]
