"""Configuration: discovery of `.gu1lint.toml` / `[tool.gu1lint]`, validation, per-path tables."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gu1lint.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from gu1lint.settings import Settings


class NoSettings:
    """The settings when no configuration file exists: every key unset, without loading pydantic."""

    files: tuple[Any, ...] = ()

    def __getattr__(self, name: str) -> None:
        return None


@dataclass(frozen=True)
class Config:
    """Validated settings and the folder their relative paths are relative to."""

    settings: Settings | NoSettings
    root: Path
    source: Path | None

    def for_file(self, path: str | Path) -> dict[str, Any]:
        """Top-level settings overlaid with every matching `[[files]]` table, in order."""
        if isinstance(self.settings, NoSettings):
            return {}
        from gu1lint.settings import FileSettings, set_fields

        merged = set_fields(self.settings, FileSettings)
        rel = _relative(Path(path), self.root)
        for table in self.settings.files:
            if glob_match(table.glob, rel):
                merged.update(set_fields(table, FileSettings))
        return merged

    def resolve_path(self, value: str) -> str:
        """A path from the config file, relative to the config file's folder."""
        p = Path(value)
        return str(p if p.is_absolute() else self.root / p)


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
        return Config(NoSettings(), Path.cwd(), None)
    if explicit and not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("gu1lint", {})
    elif "tool" in data and isinstance(data["tool"], dict) and "gu1lint" in data["tool"]:
        data = data["tool"]["gu1lint"]
    from pydantic import ValidationError

    from gu1lint.settings import Settings

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
