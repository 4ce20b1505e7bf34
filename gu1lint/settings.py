"""The configuration's keys as pydantic models (imported only when a configuration file exists)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["transactions", "entities", "user-events"]
Plan = Literal["freemium", "startup", "growth", "enterprise", "usage-based"]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=False,
                              frozen=True)


class FileSettings(_Model):
    """Settings a `[[files]]` table may give for the paths its glob matches."""

    kind: Kind | None = None
    mapping: str | None = None
    mapping_id: str | None = None
    column_mapping: str | None = None
    mode: Literal["manual", "automatic"] | None = None
    country: str | None = None
    plan: Plan | None = None
    limits: str | None = None
    batch_error_handling: Literal["rollback_all", "continue_collect_errors",
                                  "stop_keep_success"] | None = None
    validate_existing_entity: bool | None = None
    skip_duplicates: bool | None = None
    entities: list[str] | None = None
    sheet: str | None = None
    request: bool | None = None
    duplicate_tax_id_policy: Literal["skip_existing", "error"] | None = None
    bulk_automatic_entity_max_items: int | None = None
    user_event_batch_import_max_rows: int | None = None


class FilesTable(FileSettings):
    """One `[[files]]` table: a glob and the settings for the files it matches."""

    glob: str


class Settings(FileSettings):
    """The top level of the configuration."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict[str, Literal["error", "warning", "off"]] | None = None
    format: Literal["text", "json", "sarif", "github", "junit", "failures-csv",
                    "auto"] | None = None
    output: str | None = None
    fail_on: Literal["error", "warning"] | None = None
    max_findings: int | None = None
    statistics: bool | None = None
    jobs: int | None = None
    exclude: list[str] | None = None
    files: list[FilesTable] = []


def set_fields(model: BaseModel, base: type[BaseModel]) -> dict[str, Any]:
    """The keys of `base` that the file sets (to something other than null)."""
    return {k: getattr(model, k) for k in base.model_fields
            if k in model.model_fields_set and getattr(model, k) is not None}
