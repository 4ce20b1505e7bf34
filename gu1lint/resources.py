"""Locate and load the data files of `rules/` (inside the wheel, or beside a source checkout)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


@cache
def rules_dir() -> Path:
    """The `rules/` folder: `gu1lint/rules` in an installed wheel, `../rules` in a checkout."""
    for candidate in (_HERE / "rules", _HERE.parent / "rules"):
        if (candidate / "codes.toml").is_file():
            return candidate
    raise FileNotFoundError("gu1lint's rules/ data folder is missing from the installation")


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse one TOML file of `rules/`."""
    with open(rules_dir() / name, "rb") as fh:
        return tomllib.load(fh)


@cache
def load_json(name: str) -> Any:
    """Parse one JSON file of `rules/`."""
    with open(rules_dir() / name, encoding="utf-8") as fh:
        return json.load(fh)
