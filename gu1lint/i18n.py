"""Translations of the catalog's words (rules/i18n/<lang>.toml) and the default language."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from gu1lint.resources import load_toml

LANGUAGES = ("en", "es", "pt")
#: the words of a rule and of a code that a translation may give
RULE_TEXTS = ("message", "summary", "help")
CODE_TEXTS = ("summary", "help")


def default_language() -> str:
    """The language of the first of LC_ALL, LC_MESSAGES, LANG that is set (POSIX order), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            lang = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            return lang if lang in LANGUAGES else "en"
    return "en"


def translations(lang: str) -> dict[str, Any]:
    """`{"rules": {name: {...}}, "codes": {name: {...}}}` of a language (empty for English)."""
    if lang == "en":
        return {"rules": {}, "codes": {}}
    data = load_toml(f"i18n/{lang}.toml")
    return {"rules": data.get("rules", {}), "codes": data.get("codes", {})}


def translate(entries: dict[str, Any], texts: dict[str, dict[str, str]],
              fields: tuple[str, ...]) -> dict[str, Any]:
    """Entries with their words replaced where a translation exists (English otherwise)."""
    out = {}
    for name, entry in entries.items():
        given = {k: v for k, v in texts.get(name, {}).items() if k in fields and v}
        out[name] = replace(entry, **given) if given else entry
    return out
