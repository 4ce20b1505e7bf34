"""Configuration: discovery, validation, per-path tables, flags over the file, relative paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_json, triples

from gu1lint.cli import main
from gu1lint.config import discover, glob_match, load_config
from gu1lint.errors import ConfigError

NAMELESS = "tax_id,type,suggested_name,country_code\n20123456786,person,,AR\n"
NAME_MISSING = "2:suggested_name VALIDATION_ERROR suggested-name-missing"


def put(path: Path, text: str) -> Path:
    """Write a text file, creating its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def status_and_error(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI and return (status, stderr), checking stderr is at most one line."""
    status = main(list(args))
    err = capsys.readouterr().err
    assert err.count("\n") <= 1 and "Traceback" not in err, err
    return status, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder as the current directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- discovery ---------------------------------------------------------------------------------


def test_gu1lint_toml_found_walking_up(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    put(project / ".gu1lint.toml", 'ignore = ["suggested-name-missing"]\n')
    data = put(project / "data" / "deep" / "e.csv", NAMELESS)
    monkeypatch.chdir(data.parent)
    assert discover() == project / ".gu1lint.toml"
    status, report = run_json(capsys, "e.csv", "--kind", "entities")
    assert (status, triples(report)) == (0, [])


def test_pyproject_tool_section_is_found(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(
        project / "pyproject.toml",
        '[project]\nname = "data"\n\n[tool.gu1lint]\nkind = "entities"\n'
        'ignore = ["VALIDATION_ERROR"]\n',
    )
    put(project / "e.csv", NAMELESS)
    status, report = run_json(capsys, "e.csv")
    assert (status, triples(report)) == (0, [])
    assert report["files"][0]["kind"] == "entities"


def test_pyproject_without_section_is_passed_over(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(project / ".gu1lint.toml", 'plan = "growth"\n')
    put(project / "sub" / "pyproject.toml", '[project]\nname = "x"\n[tool.other]\nx = 1\n')
    monkeypatch.chdir(project / "sub")
    assert discover() == project / ".gu1lint.toml"
    assert load_config().settings.plan == "growth"


def test_nearest_file_wins_and_gu1lint_toml_before_pyproject(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(project / ".gu1lint.toml", 'plan = "growth"\n')
    put(project / "sub" / "pyproject.toml", '[tool.gu1lint]\nplan = "startup"\n')
    monkeypatch.chdir(project / "sub")
    assert load_config().settings.plan == "startup"
    put(project / "sub" / ".gu1lint.toml", 'plan = "enterprise"\n')
    assert load_config().settings.plan == "enterprise"


def test_tool_section_inside_gu1lint_toml(project: Path) -> None:
    put(
        project / ".gu1lint.toml",
        '[tool.gu1lint]\nplan = "freemium"\n\n'
        '[[tool.gu1lint.files]]\nglob = "*.csv"\nkind = "entities"\n',
    )
    config = load_config()
    assert config.settings.plan == "freemium"
    assert config.for_file("a.csv")["kind"] == "entities"


def test_no_config_anywhere_gives_defaults(project: Path) -> None:
    config = load_config()
    assert config.source is None
    assert config.for_file("x.csv") == {}


def test_explicit_config_beats_discovery(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(project / ".gu1lint.toml", 'ignore = ["suggested-name-missing"]\n')
    put(project / "other" / "strict.toml", 'fail-on = "warning"\n')
    put(project / "e.csv", NAMELESS)
    status, report = run_json(
        capsys, "e.csv", "--kind", "entities", "--config", "other/strict.toml"
    )
    assert (status, triples(report)) == (1, [NAME_MISSING])


# ---- errors: status 2, one line, the file named ------------------------------------------------


@pytest.mark.parametrize(
    "name, text, words",
    [
        (".gu1lint.toml", 'plan = "growth"\nbogus = 1\n', "unknown key 'bogus'"),
        (
            ".gu1lint.toml",
            '[[files]]\nglob = "*.csv"\nkind = "entities"\nmod = "automatic"\n',
            "unknown key 'files.0.mod'",
        ),
        (".gu1lint.toml", '[[files]]\nkind = "entities"\n', "missing key 'files.0.glob'"),
        ("pyproject.toml", '[tool.gu1lint]\nselect-rules = ["x"]\n', "unknown key 'select-rules'"),
        (".gu1lint.toml", 'plan = "platinum"\n', "plan"),
        (".gu1lint.toml", 'max-findings = "many"\n', "max-findings"),
        (".gu1lint.toml", 'plan = "growth\n', "invalid TOML"),
        (".gu1lint.toml", 'ignore = ["no-such-rule"]\n', "unknown code or rule 'no-such-rule'"),
        (".gu1lint.toml", 'select = ["NO_SUCH_CODE"]\n', "unknown code or rule 'NO_SUCH_CODE'"),
        (".gu1lint.toml", '[severity]\nno-such-rule = "error"\n', "unknown code or rule"),
        (".gu1lint.toml", '[severity]\nformula-injection = "fatal"\n', "severity"),
    ],
)
def test_bad_config_is_status_2_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, words: str
) -> None:
    put(project / name, text)
    put(project / "e.csv", NAMELESS)
    status, err = status_and_error(capsys, "check", "e.csv", "--kind", "entities")
    assert status == 2
    assert err.startswith("gu1lint: error: ") and name in err and words in err, err


def test_unknown_config_name_is_reported_even_when_a_flag_wins(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(project / ".gu1lint.toml", 'select = ["typo-rule"]\n')
    put(project / "e.csv", NAMELESS)
    status, err = status_and_error(capsys, "check", "e.csv", "--select", "suggested-name-missing")
    assert status == 2 and ".gu1lint.toml" in err and "typo-rule" in err


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_unreadable_explicit_config(
    project: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    if make == "folder":
        (project / "conf.toml").mkdir()
    put(project / "e.csv", NAMELESS)
    status, err = status_and_error(capsys, "check", "e.csv", "--config", "conf.toml")
    assert status == 2 and "conf.toml" in err


def test_undecodable_config_is_status_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".gu1lint.toml").write_bytes(b'plan = "gr\xffowth"\n')
    put(project / "e.csv", NAMELESS)
    status, err = status_and_error(capsys, "check", "e.csv")
    assert status == 2 and ".gu1lint.toml" in err


# ---- per-path tables ---------------------------------------------------------------------------

DATA_REPO = """\
plan = "growth"

[[files]]
glob = "entities/*.csv"
kind = "entities"
mode = "automatic"

[[files]]
glob = "entities/manual/**/*.csv"
mode = "manual"
"""


def test_files_tables_match_globs_relative_to_the_config(project: Path) -> None:
    put(project / ".gu1lint.toml", DATA_REPO)
    config = load_config()
    assert config.for_file("entities/a.csv") == {
        "plan": "growth",
        "kind": "entities",
        "mode": "automatic",
    }
    # later tables override earlier ones; `**/` spans zero or more folders
    assert config.for_file("entities/manual/a.csv")["mode"] == "manual"
    assert config.for_file("entities/manual/x/y/a.csv")["mode"] == "manual"
    # `*` stays inside one folder
    assert "kind" not in config.for_file("entities/sub/a.csv")
    assert config.for_file("transactions/a.csv") == {"plan": "growth"}


def test_files_tables_apply_from_a_subfolder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    put(project / ".gu1lint.toml", DATA_REPO)
    put(project / "entities" / "a.csv", NAMELESS)
    put(project / "entities" / "manual" / "b.csv", NAMELESS)
    monkeypatch.chdir(project / "entities")
    # automatic mode: an empty name is a warning, so status 0
    status, report = run_json(capsys, "a.csv")
    assert status == 0
    assert [f["severity"] for f in report["findings"]] == ["warning"]
    assert report["files"][0]["kind"] == "entities"
    status, report = run_json(capsys, "manual/b.csv")
    assert status == 1 and triples(report) == [NAME_MISSING]


def test_glob_match() -> None:
    assert glob_match("transactions/**/*.xlsx", "transactions/2025/01/a.xlsx")
    assert glob_match("transactions/**/*.xlsx", "transactions/a.xlsx")
    assert not glob_match("transactions/*.xlsx", "transactions/2025/a.xlsx")
    assert glob_match("*.csv", "a.csv") and not glob_match("*.csv", "dir/a.csv")
    assert glob_match("data?.csv", "data1.csv") and not glob_match("data?.csv", "data/.csv")
    assert glob_match("a+b.csv", "a+b.csv") and not glob_match("a.csv", "abcsv")


# ---- flags override the file -------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, flags, expect_status",
    [
        ('mode = "automatic"\n', ["--mode", "manual"], 1),
        ('mode = "manual"\n', ["--mode", "automatic"], 0),
        ('fail-on = "warning"\nmode = "automatic"\n', ["--fail-on", "error"], 0),
        ('ignore = ["suggested-name-missing"]\n', ["--ignore", "formula-injection"], 1),
        ('select = ["formula-injection"]\n', ["--select", "suggested-name-missing"], 1),
        ('kind = "transactions"\n', ["--kind", "entities"], 1),
    ],
)
def test_flags_override_the_file(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    config: str,
    flags: list[str],
    expect_status: int,
) -> None:
    put(project / ".gu1lint.toml", config)
    put(project / "e.csv", NAMELESS)
    status, report = run_json(capsys, "e.csv", *flags)
    assert status == expect_status
    assert report["files"][0]["kind"] == "entities"


def test_flag_overrides_a_files_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(
        project / ".gu1lint.toml",
        '[[files]]\nglob = "*.csv"\nkind = "entities"\nmode = "automatic"\n',
    )
    put(project / "e.csv", NAMELESS)
    status, report = run_json(capsys, "e.csv", "--mode", "manual")
    assert (status, triples(report)) == (1, [NAME_MISSING])


def test_config_output_format_and_statistics(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(project / ".gu1lint.toml", 'format = "json"\noutput = "report.json"\n')
    put(project / "e.csv", NAMELESS)
    assert main(["check", "e.csv", "--kind", "entities"]) == 1
    assert capsys.readouterr().out == ""
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    assert triples(report) == [NAME_MISSING]
    # the flag wins over the file's format and output
    assert (
        main(["check", "e.csv", "--kind", "entities", "--format", "text", "--output", "r.txt"]) == 1
    )
    assert "suggested-name-missing" in (project / "r.txt").read_text(encoding="utf-8")


# ---- paths in the config are relative to its folder ---------------------------------------------


@pytest.mark.parametrize("explicit", [False, True], ids=["discovered", "--config"])
def test_mapping_limits_and_entities_relative_to_the_config(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    explicit: bool,
) -> None:
    put(
        project / ".gu1lint.toml",
        """\
[[files]]
glob = "data/companies.csv"
kind = "entities"
mapping = "conf/mappings/companies.json"
limits = "conf/limits.json"

[[files]]
glob = "data/tx.csv"
kind = "transactions"
validate-existing-entity = true
entities = ["conf/known/*.csv"]
""",
    )
    conf = project / "conf"
    put(
        conf / "mappings" / "companies.json",
        json.dumps(
            {
                "mapping": {
                    "id": "m1",
                    "name": "companies",
                    "target": "entity_company",
                    "columnMapping": {
                        "cuit": "taxId",
                        "nombre": "suggestedName",
                        "pais": "countryCode",
                    },
                }
            }
        ),
    )
    put(conf / "limits.json", json.dumps({"maxBulkEntityItemsPerImport": 1}))
    put(
        conf / "known" / "entities.csv",
        "tax_id,type,suggested_name,country_code,external_id\n20123456786,person,Ana,AR,ent-1\n",
    )
    put(
        project / "data" / "companies.csv",
        "cuit,nombre,pais\n30500010912,Acme SA,AR\n30712345671,Beta SRL,AR\n",
    )
    put(
        project / "data" / "tx.csv",
        "externalId,type,amount,currency,originExternalId\n"
        "t1,PAYMENT,10,USD,ent-1\nt2,PAYMENT,10,USD,ent-9\n",
    )
    monkeypatch.chdir(project / "data")
    flags = ["--config", "../.gu1lint.toml"] if explicit else []
    status, report = run_json(capsys, "companies.csv", "tx.csv", *flags)
    # the mapping fixed the header (no missing column), the limits gave 1 row, the entity
    # files made ent-1 known and ent-9 unknown
    assert [f["rule"] for f in report["findings"]] == [
        "import-over-item-limit",
        "entity-reference-unknown",
    ]
    assert report["findings"][1]["row"] == 3
    assert [r["kind"] for r in report["files"]] == ["entities", "transactions"]
    assert status == 1


def test_entities_pattern_matching_nothing_names_the_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(
        project / ".gu1lint.toml",
        'kind = "transactions"\nvalidate-existing-entity = true\nentities = ["nowhere/*.csv"]\n',
    )
    put(project / "tx.csv", "externalId,type,amount,currency\nt1,PAYMENT,10,USD\n")
    status, err = status_and_error(capsys, "check", "tx.csv")
    assert status == 2 and ".gu1lint.toml" in err and "nowhere/*.csv" in err


def test_missing_config_mapping_is_status_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(project / ".gu1lint.toml", 'mapping = "mappings/none.json"\n')
    put(project / "e.csv", NAMELESS)
    status, err = status_and_error(capsys, "check", "e.csv", "--kind", "entities")
    assert status == 2 and "none.json" in err


# ---- severity overrides --------------------------------------------------------------------------

FORMULA = "tax_id,type,suggested_name,country_code\n20123456786,person,=HYPERLINK(1),AR\n"


@pytest.mark.parametrize(
    "where, text",
    [
        (".gu1lint.toml", '[severity]\nformula-injection = "{level}"\n'),
        ("pyproject.toml", '[tool.gu1lint.severity]\nformula-injection = "{level}"\n'),
        (".gu1lint.toml", '[severity]\nSUSPICIOUS_VALUE = "{level}"\n'),
    ],
    ids=["gu1lint.toml", "pyproject", "by-code"],
)
@pytest.mark.parametrize(
    "level, expect_status, severities",
    [
        ("error", 1, ["error"]),
        ("warning", 0, ["warning"]),
        ("off", 0, []),
    ],
)
def test_severity_overrides(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    text: str,
    level: str,
    expect_status: int,
    severities: list[str],
) -> None:
    put(project / where, text.format(level=level))
    put(project / "e.csv", FORMULA)
    status, report = run_json(capsys, "e.csv", "--kind", "entities")
    assert status == expect_status
    assert [f["severity"] for f in report["findings"]] == severities
    assert report["summary"]["errors"] == severities.count("error")


def test_config_error_raised_by_load_config(project: Path) -> None:
    put(project / ".gu1lint.toml", "nope = true\n")
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        load_config()
