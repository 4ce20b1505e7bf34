"""The README agrees with the catalog, with .ci/run, with the fixtures and with DESIGN.md.

Run `python tests/test_readme.py` to regenerate the README's rule table from the catalog.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"

#: DESIGN.md section 6, exactly
SERVER_CODES = ("VALIDATION_ERROR", "ENTITY_NOT_FOUND", "PROCESSING_ERROR", "CONSTRAINT_VIOLATION",
                "DUPLICATE_EXTERNAL_ID", "TAX_ID_TYPE_MISMATCH", "DUPLICATE_TAX_ID",
                "SKIPPED_DUPLICATE_TAX_ID", "SKIPPED_ENTITY_ALREADY_EXISTS",
                "INVALID_ENTITY_REFERENCES", "TOO_MANY_ITEMS")
PREFLIGHT_CODES = ("PLAN_LIMIT_EXCEEDED", "TOO_MANY_FILES", "FILE_TOO_LARGE",
                   "UNSUPPORTED_FILE_FORMAT", "UNREADABLE_FILE", "MAPPING_INVALID",
                   "MISSING_COLUMN", "TAX_ID_CHECK_DIGIT", "SUSPICIOUS_VALUE", "ENCODING_NOT_UTF8")
LAYERS = ("request", "job", "row", "skip")


def rule_table() -> str:
    """The rule table as `gu1lint rules --format markdown` prints it, in English."""
    sys.path.insert(0, str(ROOT))
    from gu1lint.catalog import load_catalog
    from gu1lint.commands.catalog_cmds import rules_markdown

    return rules_markdown(load_catalog("en"))


def with_rule_table(text: str, table: str) -> str:
    """The README text with the block between the markers replaced by `table`."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}{END}{tail}"


def readme_commands() -> list[str]:
    """The commands of the README's first code block, which must open the README."""
    text = README.read_text(encoding="utf-8")
    match = re.match(r"# [^\n]+\n+```(?:sh|bash|console)?\n(.*?)\n```", text, re.S)
    assert match, "README.md must open with its title, then a code block of the set-up commands"
    return [line for line in match.group(1).splitlines() if line and not line.startswith("#")]


def ci_commands() -> list[str]:
    """The commands .ci/run hands to `fresh`, one per line: fresh "COMMAND"."""
    return re.findall(r'^fresh "(.+)"$', CI_RUN.read_text(encoding="utf-8"), re.M)


def test_readme_rule_table_matches_the_catalog() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md lacks the markers {START} {END}"
    assert text == with_rule_table(text, rule_table()), (
        "README.md's rule table differs from the catalog: regenerate it with "
        "`python tests/test_readme.py` (it writes `gu1lint rules --format markdown` between "
        "the markers)")


def test_readme_opens_with_the_two_commands_of_ci_run() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert ci_commands() == commands, ".ci/run must run exactly the README's two commands"
    install, test = commands
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . ")
    assert "gu1lint check " in install
    assert test == ("python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' "
                    "&& python -m pytest")


def test_ci_run_makes_a_fresh_venv_each_time() -> None:
    text = CI_RUN.read_text(encoding="utf-8")
    assert re.search(r"^fresh\(\) \{ rm -rf \.venv;", text, re.M)
    assert "set -euo pipefail" in text


def test_the_first_command_lints_paths_that_exist() -> None:
    install = readme_commands()[0]
    args = shlex.split(install.split("gu1lint check ", 1)[1])
    paths = [a for i, a in enumerate(args)
             if not a.startswith("-") and (i == 0 or not args[i - 1].startswith("--"))]
    configs = [args[i + 1] for i, a in enumerate(args) if a == "--config"]
    assert paths, install
    for path in paths + configs:
        assert (ROOT / path).exists(), f"README's first command names {path}, which is missing"


def test_the_first_command_ends_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """What the README promises: `no problems found` and status 0."""
    from gu1lint.cli import main

    install = readme_commands()[0]
    args = shlex.split(install.split(" && gu1lint ", 1)[1])
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LC_ALL", "C")
    status = main(args + ["--format", "text"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.rstrip().endswith("no problems found")


def test_readme_text_example_is_real_output(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from gu1lint.cli import main

    text = README.read_text(encoding="utf-8")
    shown = re.search(r"```text\n(.*?)\n```", text, re.S).group(1).splitlines()
    example = [line for line in shown if line != "..."]
    path = example[0].split(":", 1)[0]
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LC_ALL", "C")
    status = main(["check", path, "--format", "text"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    missing = [line for line in example if line not in out]
    assert not missing, f"README.md shows lines that `gu1lint check {path}` does not print"


def test_readme_json_example_has_the_report_shape(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from gu1lint.cli import main

    text = README.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))
    data = tmp_path / "entities.csv"
    data.write_text("tax_id,type,suggested_name,country_code\n20123456786,person,Ana,AR\n"
                    "20987654326,person,,AR\n", encoding="utf-8")
    main(["check", str(data), "--kind", "entities", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert list(example) == list(report)
    for key in ("tool", "summary"):
        assert list(example[key]) == list(report[key])
    assert list(example["files"][0]) == list(report["files"][0])
    assert list(example["findings"][0]) == list(report["findings"][0])
    assert example["findings"][0]["rule"] == report["findings"][0]["rule"]


def test_readme_names_every_check_flag() -> None:
    from gu1lint.cli import check

    text = README.read_text(encoding="utf-8")
    hidden = {"--help", "--debug"}
    flags = {o for p in check.params for o in p.opts if o.startswith("--")} - hidden
    documented = {"--kind", "--mapping", "--mapping-id", "--column-mapping", "--mode",
                  "--country", "--plan", "--limits", "--validate-existing-entity", "--entities",
                  "--select", "--ignore", "--format", "--output", "--fail-on", "--max-findings",
                  "--config", "--statistics", "--request", "--skip-duplicates", "--sheet"}
    assert documented <= flags
    missing = sorted(f for f in documented if f not in text)
    assert not missing, f"README.md does not mention {missing}"


def test_design_codes_are_in_the_catalog() -> None:
    import tomllib

    with open(ROOT / "rules" / "codes.toml", "rb") as fh:
        codes = tomllib.load(fh)
    for name in SERVER_CODES + PREFLIGHT_CODES:
        assert name in codes, f"{name} is missing from rules/codes.toml"
        entry = codes[name]
        assert entry["origin"] == ("server" if name in SERVER_CODES else "preflight"), name
        assert entry["layer"] in LAYERS, name
        assert entry["summary"].strip() and entry["help"].strip(), name


def test_design_code_lists_are_the_ones_of_design_md(shared_dir: Path) -> None:
    text = (shared_dir / "DESIGN.md").read_text(encoding="utf-8")
    server = re.search(r"Server codes \(.*?\): (.*?)\.\n\n", text, re.S).group(1)
    preflight = re.search(r"Pre-flight codes \(fixed names\): (.*?)\.\n\n", text, re.S).group(1)
    assert tuple(re.findall(r"`([A-Z_0-9]+)`", server)) == SERVER_CODES
    assert tuple(re.findall(r"`([A-Z_0-9]+)`", preflight)) == PREFLIGHT_CODES


if __name__ == "__main__":
    README.write_text(with_rule_table(README.read_text(encoding="utf-8"), rule_table()),
                      encoding="utf-8")
    print(f"rewrote the rule table of {README}")
