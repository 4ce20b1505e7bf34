"""Configuration: discovery of `.gu1lint.toml` / `[tool.gu1lint]`, validation, per-path tables."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from gu1lint.errors import ConfigError

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
    format: Literal["text", "json", "sarif", "github", "junit", "failures-csv", "auto"] | None = None
    output: str | None = None
    fail_on: Literal["error", "warning"] | None = None
    max_findings: int | None = None
    statistics: bool | None = None
    jobs: int | None = None
    exclude: list[str] | None = None
    files: list[FilesTable] = []


@dataclass(frozen=True)
class Config:
    """Validated settings and the folder their relative paths are relative to."""

    settings: Settings
    root: Path
    source: Path | None

    def for_file(self, path: str | Path) -> dict[str, Any]:
        """Top-level settings overlaid with every matching `[[files]]` table, in order."""
        merged = _set_fields(self.settings, FileSettings)
        rel = _relative(Path(path), self.root)
        for table in self.settings.files:
            if glob_match(table.glob, rel):
                merged.update(_set_fields(table, FileSettings))
        return merged

    def resolve_path(self, value: str) -> str:
        """A path from the config file, relative to the config file's folder."""
        p = Path(value)
        return str(p if p.is_absolute() else self.root / p)


def _set_fields(model: BaseModel, base: type[BaseModel]) -> dict[str, Any]:
    return {k: getattr(model, k) for k in base.model_fields
            if k in model.model_fields_set and getattr(model, k) is not None}


def _relative(path: Path, root: Path) -> str:
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop: the reader reports it as unreadable
        resolved = Path(os.path.abspath(path))
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def glob_match(pattern: str, path: str) -> bool:
    """Match a posix path against a glob where `**` spans folders and `*` stays in one."""
    return re.fullmatch(_glob_regex(pattern), path) is not None


def _glob_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def discover(start: Path | None = None) -> Path | None:
    """The nearest `.gu1lint.toml`, or `pyproject.toml` with `[tool.gu1lint]`, walking up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".gu1lint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "gu1lint" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    """Load --config, else the discovered file, else empty settings."""
    path = Path(explicit) if explicit else discover(start)
    if path is None:
        return Config(Settings(), Path.cwd(), None)
    if explicit and not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("gu1lint", {})
    elif "tool" in data and isinstance(data["tool"], dict) and "gu1lint" in data["tool"]:
        data = data["tool"]["gu1lint"]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from exc
    return Config(settings, path.parent.resolve(), path)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    if err["type"] == "missing":
        return f"missing key {where!r}"
    return f"{where}: {err['msg']}"
