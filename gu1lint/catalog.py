"""The failure-code catalog and the rule table, from `rules/codes.toml` and `rules/rules.toml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gu1lint import i18n
from gu1lint.errors import UsageError
from gu1lint.resources import load_toml

KINDS = ("transactions", "entities", "user-events")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Code:
    """One failure code: the server's own, or a pre-flight code of gu1lint."""

    name: str
    layer: str
    origin: str
    summary: str
    help: str


@dataclass(frozen=True)
class Rule:
    """One precise check: its name, the code it reports, its default severity and its words."""

    name: str
    code: str
    severity: str
    kinds: tuple[str, ...]
    message: str
    help: str
    summary: str = ""
    #: False for an opt-in rule: reported only when --select names it or the config gives it
    #: a severity
    enabled: bool = True
    fix: str | None = None  # "safe" (gu1lint fix) or "unsafe" (gu1lint fix --unsafe-fixes)


@dataclass(frozen=True)
class Catalog:
    """Every code and every rule, keyed by name."""

    codes: dict[str, Code]
    rules: dict[str, Rule]

    def rules_for(self, selectors: list[str]) -> set[str]:
        """Rule names that a list of codes or rule names selects; unknown names are an error."""
        chosen: set[str] = set()
        for raw in selectors:
            name = raw.strip()
            if not name:
                continue
            if name in self.rules:
                chosen.add(name)
            elif name.upper() in self.codes:
                chosen.update(r.name for r in self.rules.values() if r.code == name.upper())
            else:
                raise UsageError(f"unknown code or rule {name!r} (see 'gu1lint rules')")
        return chosen

    def lookup(self, name: str) -> Code | Rule:
        """A code (any case) or a rule by name."""
        if name in self.rules:
            return self.rules[name]
        if name.upper() in self.codes:
            return self.codes[name.upper()]
        raise UsageError(f"unknown code or rule {name!r} (see 'gu1lint rules')")


def load_catalog(lang: str | None = None) -> Catalog:
    """The catalog in a language (default: the environment's locale), read once per process."""
    return _load_catalog(lang or i18n.default_language())


@cache
def _load_catalog(lang: str) -> Catalog:
    codes = {
        name: Code(name=name, layer=d["layer"], origin=d["origin"], summary=d["summary"],
                   help=d["help"])
        for name, d in load_toml("codes.toml").items()
    }
    rules = {
        name: Rule(
            name=name,
            code=d["code"],
            severity=d["severity"],
            kinds=tuple(d["kinds"]),
            message=d["message"],
            help=d["help"],
            summary=d.get("summary", ""),
            enabled=d.get("enabled", True),
            fix=d.get("fix"),
        )
        for name, d in load_toml("rules.toml").items()
    }
    texts = i18n.translations(lang)
    return Catalog(codes=i18n.translate(codes, texts["codes"], i18n.CODE_TEXTS),
                   rules=i18n.translate(rules, texts["rules"], i18n.RULE_TEXTS))
