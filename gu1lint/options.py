"""The settings that apply to one file and to the whole run, after config and flags are merged."""

from __future__ import annotations

from dataclasses import dataclass, field

from gu1lint.mapping import SavedMapping

MODES = ("manual", "automatic")
PLANS = ("freemium", "startup", "growth", "enterprise", "usage-based")
BATCH_ERROR_HANDLING = ("rollback_all", "continue_collect_errors", "stop_keep_success")
FORMATS = ("text", "json", "sarif", "github", "junit", "failures-csv")


@dataclass(frozen=True)
class OrgLimits:
    """Exact limits of the organization (`GET /individual-organization/batch-upload-enabled`)."""

    plan: str | None = None
    transactions: int | None = None
    entities: int | None = None
    user_events: int | None = None
    per_plan: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class FileOptions:
    """Everything that decides how one file is linted."""

    kind: str | None = None
    mapping: SavedMapping | None = None
    mode: str = "manual"
    country: str | None = None
    plan: str | None = None
    limits: OrgLimits | None = None
    entity_max_items: int | None = None
    user_event_max_rows: int | None = None
    batch_error_handling: str | None = None
    validate_existing_entity: bool = False
    skip_duplicates: bool = False
    entities: tuple[str, ...] = ()
    sheet: str | None = None
    duplicate_tax_id_policy: str = "skip_existing"


@dataclass(frozen=True)
class RunOptions:
    """Settings of the whole call."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    max_findings: int = 1000
    request: bool = False
    jobs: int = 1
