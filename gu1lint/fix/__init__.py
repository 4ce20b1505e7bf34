"""`gu1lint fix`: repair values whose meaning cannot change (safe) or, on request, can (unsafe)."""

from __future__ import annotations

from dataclasses import dataclass

DATE_ORDERS = ("dmy", "mdy")


@dataclass(frozen=True)
class FixSettings:
    """Which fixes to apply: the safe ones always, the unsafe ones with --unsafe-fixes."""

    unsafe: bool = False
    date_order: str | None = None
