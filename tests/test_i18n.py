"""Languages of the catalog: every rule and code has Spanish and Portuguese words, and the
translated message templates use exactly the {fields} of the English ones."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest

from gu1lint.catalog import load_catalog
from gu1lint.cli import main
from gu1lint.i18n import CODE_TEXTS, LANGUAGES, RULE_TEXTS, default_language

I18N = Path(__file__).resolve().parent.parent / "rules" / "i18n"
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def fields(template: str) -> set[str]:
    """The names a str.format template fills."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load(lang: str) -> dict:
    with open(I18N / f"{lang}.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_rule_and_code_is_translated(lang: str) -> None:
    english = load_catalog("en")
    data = load(lang)
    rules, codes = data.get("rules", {}), data.get("codes", {})
    missing = [f"rules.{name}.{text}" for name in english.rules for text in RULE_TEXTS
               if not rules.get(name, {}).get(text)]
    missing += [f"codes.{name}.{text}" for name in english.codes for text in CODE_TEXTS
                if not codes.get(name, {}).get(text)]
    assert not missing, f"add these to rules/i18n/{lang}.toml: {missing}"
    unknown = sorted(set(rules) - set(english.rules)) + sorted(set(codes) - set(english.codes))
    assert not unknown, f"rules/i18n/{lang}.toml names entries the catalog lacks: {unknown}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translated_templates_use_the_same_fields(lang: str) -> None:
    english = load_catalog("en")
    for name, entry in load(lang).get("rules", {}).items():
        if name in english.rules and "message" in entry:
            assert fields(entry["message"]) == fields(english.rules[name].message), name


def test_catalog_in_each_language() -> None:
    en, es, pt = (load_catalog(lang) for lang in LANGUAGES)
    assert es.rules["amount-invalid"].code == en.rules["amount-invalid"].code
    assert es.rules["amount-invalid"].severity == en.rules["amount-invalid"].severity
    assert es.rules["amount-invalid"].message != en.rules["amount-invalid"].message
    assert pt.codes["VALIDATION_ERROR"].help != en.codes["VALIDATION_ERROR"].help


@pytest.mark.parametrize(("env", "expected"), [
    ({"LC_ALL": "es_AR.UTF-8", "LANG": "pt_BR.UTF-8"}, "es"),
    ({"LC_MESSAGES": "pt_BR.UTF-8", "LANG": "en_US.UTF-8"}, "pt"),
    ({"LANG": "es_ES@euro"}, "es"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "es_AR.UTF-8"}, "en"),
    ({}, "en"),
])
def test_default_language_from_the_locale(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                          expected: str) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_language() == expected


def test_check_lang_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("tx.csv").write_text("externalId,type,amount,currency\nt1,PAYMENT,x,USD\n", "utf-8")
    messages = {}
    for lang in LANGUAGES:
        main(["check", "tx.csv", "--format", "text", "--lang", lang])
        messages[lang] = capsys.readouterr().out.splitlines()[0]
    assert all(m.startswith("tx.csv:2:amount: VALIDATION_ERROR [amount-invalid] ")
               for m in messages.values())
    assert len(set(messages.values())) == 3
    monkeypatch.setenv("LC_ALL", "pt_BR.UTF-8")
    main(["check", "tx.csv", "--format", "text"])
    assert capsys.readouterr().out.splitlines()[0] == messages["pt"]
