"""Row limits per plan and per organization, and the file-count limits of one upload request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gu1lint.errors import ConfigError
from gu1lint.options import PLANS, FileOptions, OrgLimits
from gu1lint.resources import load_toml

_KIND_KEYS = {
    "transactions": ("maxTransactionsPerFile", "transactions"),
    "entities": ("maxBulkEntityItemsPerImport", "entities"),
    "user-events": ("maxUserEventRowsPerFile", "user_events"),
}


def plan_table() -> dict[str, int]:
    """Rows per file / import for each plan."""
    return dict(load_toml("plans.toml")["plans"])


def limit_setting(name: str) -> int:
    """One of the fixed numbers of `rules/plans.toml` (hard cap, files per request, body sizes)."""
    return int(load_toml("plans.toml")[name])


def load_limits(path: str | Path) -> OrgLimits:
    """Read the JSON of `GET /individual-organization/batch-upload-enabled` (bare or wrapped)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read limits file {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"limits file {path} is not valid JSON: {exc}") from exc
    body = _find_limits_object(data)
    if body is None:
        raise ConfigError(f"limits file {path} has none of maxTransactionsPerFile, "
                          "maxBulkEntityItemsPerImport, maxUserEventRowsPerFile, plan")
    per_plan = {k: v for k, v in body.items() if isinstance(v, dict)}
    return OrgLimits(
        plan=_plan_name(body.get("plan")),
        transactions=_int(body.get("maxTransactionsPerFile"), path),
        entities=_int(body.get("maxBulkEntityItemsPerImport"), path),
        user_events=_int(body.get("maxUserEventRowsPerFile"), path),
        per_plan=per_plan,
    )


def _find_limits_object(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    keys = {"plan", "maxTransactionsPerFile", "maxBulkEntityItemsPerImport",
            "maxUserEventRowsPerFile"}
    if keys & data.keys():
        return data
    for value in data.values():
        found = _find_limits_object(value)
        if found is not None:
            return found
    return None


def _int(value: Any, path: str | Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"limits file {path}: {value!r} is not a row count")
    return int(value)


def _plan_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = value.strip().lower().replace("_", "-").replace(" ", "-")
    return name if name in PLANS else None


def _per_plan_limit(limits: OrgLimits, key: str, plan: str) -> int | None:
    """The org's own number for a plan from a per-plan map (`maxTransactionsPerFileByPlan` and
    the like; the map's exact name is not documented, so any map named after the limit counts)."""
    for name, table in limits.per_plan.items():
        if not name.startswith(key):
            continue
        for plan_name, value in table.items():
            if _plan_name(plan_name) == plan and isinstance(value, int) and value > 0:
                return value
    return None


def row_limit(kind: str, options: FileOptions) -> tuple[int, str] | None:
    """The tightest known row limit for a file of this kind, with a name for the message."""
    candidates: list[tuple[int, str]] = []
    limits = options.limits
    key, attr = _KIND_KEYS[kind]
    if limits is not None and getattr(limits, attr) is not None:
        candidates.append((getattr(limits, attr), "organization's"))
    else:
        plan = options.plan or (limits.plan if limits else None)
        if plan:
            table = plan_table()
            exact = _per_plan_limit(limits, key, plan) if limits else None
            candidates.append((exact or table[plan], f"{plan} plan"))
    if kind == "entities" and options.entity_max_items:
        candidates.append((options.entity_max_items, "BULK_AUTOMATIC_ENTITY_MAX_ITEMS"))
    if kind == "user-events" and options.user_event_max_rows:
        candidates.append((options.user_event_max_rows, "USER_EVENT_BATCH_IMPORT_MAX_ROWS"))
    return min(candidates) if candidates else None
