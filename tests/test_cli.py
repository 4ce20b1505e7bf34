"""The command line: exit statuses, one-line errors, the JSON report's shape, the commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_json, triples

from gu1lint import __version__
from gu1lint.catalog import KINDS, load_catalog
from gu1lint.cli import main

ENTITIES = "tax_id,type,suggested_name,country_code\n"
CLEAN = ENTITIES + "20123456786,person,Ana,AR\n"
NAMELESS = ENTITIES + "20123456786,person,Ana,AR\n20987654326,person,,AR\n"
FORMULA = ENTITIES + "20123456786,person,=HYPERLINK(1),AR\n"
TRANSACTIONS = "externalId,type,amount,currency\n"
#: valid AR CUILs, one per row, so that no other rule (tax id, duplicate) fires
TAX_IDS = ["20123456700", "20123456719", "20123456727", "20123456735", "20123456743", "20123456751"]
USER_EVENT_MAPPING = {
    "id": "m-ue",
    "name": "events",
    "target": "user_event",
    "columnMapping": {"event": "eventType", "customer": "entityExternalId"},
}


def entity_rows(*names: str, start: int = 0) -> str:
    """An entity CSV with one row per suggested_name, each with its own valid tax id."""
    rows = [f"{TAX_IDS[start + i]},person,{name},AR\n" for i, name in enumerate(names)]
    return ENTITIES + "".join(rows)


def put(folder: Path, name: str, text: str) -> str:
    """Write a file and return its path as text."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (status, stdout, stderr)."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(autouse=True)
def plain_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty folder (no config discovered), English words, text output outside Actions."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


# ---- exit statuses -------------------------------------------------------------------------------


def test_clean_file_is_status_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", put(tmp_path, "e.csv", CLEAN), "--kind", "entities")
    assert status == 0 and err == ""
    assert out.splitlines()[-1] == "1 file, 1 row: no problems found"


def test_error_finding_is_status_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = put(tmp_path, "e.csv", NAMELESS)
    status, out, _ = run(capsys, "check", path, "--kind", "entities")
    assert status == 1
    assert f"{path}:3:suggested_name: VALIDATION_ERROR [suggested-name-missing]" in out


@pytest.mark.parametrize("fail_on, expect", [(None, 0), ("error", 0), ("warning", 1)])
def test_warnings_fail_only_with_fail_on_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_on: str | None, expect: int
) -> None:
    args = [put(tmp_path, "e.csv", FORMULA), "--kind", "entities"]
    if fail_on:
        args += ["--fail-on", fail_on]
    status, report = run_json(capsys, *args)
    assert status == expect
    assert [f["severity"] for f in report["findings"]] == ["warning"]


def test_notes_change_neither_status_nor_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = put(tmp_path, "e.csv", CLEAN)
    status, report = run_json(capsys, path)
    assert status == 0
    assert report["notes"] == [
        f"{path}: kind entities inferred from the header",
        "no --plan given: only the 100,000-row hard cap was checked",
    ]
    assert report["summary"] == {"files": 1, "rows": 1, "errors": 0, "warnings": 0}
    _, report = run_json(capsys, path, "--kind", "entities", "--plan", "growth")
    assert report["notes"] == []


# ---- status 2: exactly one line on stderr, no traceback -----------------------------------------


def bad_invocations(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (arguments, words the one line must hold)."""
    data = put(tmp, "e.csv", CLEAN)
    unknown = put(tmp, "u.csv", "foo,bar\n1,2\n")
    bad_map = put(tmp, "bad-map.json", '{"columnMapping": ')
    no_map = put(tmp, "no-map.json", '{"name": "x"}')
    maps = put(
        tmp,
        "maps.json",
        json.dumps(
            {"mappings": [dict(USER_EVENT_MAPPING, id="a"), dict(USER_EVENT_MAPPING, id="b")]}
        ),
    )
    bad_limits = put(tmp, "limits.json", "[1, 2]")
    bad_config = put(tmp, "bad.toml", "plan = \n")
    return {
        "missing path": (["check", str(tmp / "nothere.csv")], "nothere.csv: no such file"),
        "bad flag": (["check", data, "--bogus"], "--bogus"),
        "bad flag value": (["check", data, "--format", "xml"], "--format"),
        "no path": (["check"], "PATHS"),
        "unknown select": (["check", data, "--select", "NO_SUCH_CODE"], "NO_SUCH_CODE"),
        "unknown ignore rule": (["check", data, "--ignore", "no-such-rule"], "no-such-rule"),
        "invalid mapping json": (["check", data, "--mapping", bad_map], "bad-map.json"),
        "mapping without columnMapping": (["check", data, "--mapping", no_map], "no-map.json"),
        "mapping file missing": (["check", data, "--mapping", str(tmp / "none.json")], "none.json"),
        "mapping list without id": (["check", data, "--mapping", maps], "--mapping-id"),
        "mapping id not in list": (
            ["check", data, "--mapping", maps, "--mapping-id", "zzz"],
            "zzz",
        ),
        "mapping id without mapping": (["check", data, "--mapping-id", "a"], "--mapping"),
        "bad column mapping": (["check", data, "--column-mapping", "{"], "--column-mapping"),
        "kind cannot be inferred": (["check", unknown], "--kind"),
        "bad limits": (["check", data, "--limits", bad_limits], "limits.json"),
        "unreadable config": (["check", data, "--config", bad_config], "bad.toml"),
        "missing config": (["check", data, "--config", str(tmp / "no.toml")], "no.toml"),
        "output folder missing": (
            ["check", data, "--output", str(tmp / "no" / "r.json")],
            "r.json",
        ),
        "explain unknown": (["explain", "no-such-thing"], "no-such-thing"),
        "schema without kind": (["schema"], "--kind"),
        "schema unknown kind": (["schema", "--kind", "invoices"], "invoices"),
        "unknown command": (["lint"], "lint"),
        "no command": ([], "gu1lint --help"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "missing path",
        "bad flag",
        "bad flag value",
        "no path",
        "unknown select",
        "unknown ignore rule",
        "invalid mapping json",
        "mapping without columnMapping",
        "mapping file missing",
        "mapping list without id",
        "mapping id not in list",
        "mapping id without mapping",
        "bad column mapping",
        "kind cannot be inferred",
        "bad limits",
        "unreadable config",
        "missing config",
        "output folder missing",
        "explain unknown",
        "schema without kind",
        "schema unknown kind",
        "unknown command",
        "no command",
    ],
)
def test_status_2_prints_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    args, words = bad_invocations(tmp_path)[name]
    status, _, err = run(capsys, *args)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("gu1lint: error: "), err
    assert "Traceback" not in err
    assert words in err


def test_usage_error_never_shows_a_traceback_in_a_subprocess(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gu1lint", "check", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


# ---- the JSON report ---------------------------------------------------------------------------


def test_json_report_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ENTITIES + '20123456786,person,"Ana\nMaría",AR\n20-98765432-6,person,,AR\n'
    path = put(tmp_path, "entities.csv", text)
    status, report = run_json(capsys, path, "--kind", "entities", "--plan", "growth")
    assert status == 1
    assert list(report) == ["tool", "files", "findings", "summary", "notes"]
    assert report["tool"] == {"name": "gu1lint", "version": __version__}
    assert report["files"] == [
        {
            "path": path,
            "kind": "entities",
            "format": "csv",
            "encoding": "utf-8",
            "rows": 2,
            "partial": False,
        }
    ]
    [finding] = report["findings"]
    assert finding == {
        "path": path,
        "code": "VALIDATION_ERROR",
        "rule": "suggested-name-missing",
        "severity": "error",
        "message": finding["message"],
        # the header is row 1; the record starts on physical line 4 after the quoted newline
        "row": 3,
        "line": 4,
        "column": "suggested_name",
        "value": "",
        # key: the server's normalized taxId
        "key": "20987654326",
    }
    assert list(finding) == [
        "path",
        "code",
        "rule",
        "severity",
        "message",
        "row",
        "line",
        "column",
        "value",
        "key",
    ]
    assert isinstance(finding["message"], str) and finding["message"]
    assert report["summary"] == {"files": 1, "rows": 2, "errors": 1, "warnings": 0}
    assert report["notes"] == []


def test_json_file_level_findings_have_no_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = put(tmp_path, "e.csv", "tax_id,suggested_name,country_code\n20123456786,Ana,AR\n")
    _, report = run_json(capsys, path, "--kind", "entities")
    [finding] = report["findings"]
    assert (finding["code"], finding["rule"]) == ("MISSING_COLUMN", "required-column-missing")
    assert finding["row"] is None and finding["line"] is None and finding["key"] is None


def test_json_key_of_transactions_is_the_external_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = put(tmp_path, "t.csv", TRANSACTIONS + "t-1,PAYMENT,10,USD\nt-2,PAYMENT,=1+1,USD\n")
    _, report = run_json(capsys, path, "--kind", "transactions", "--select", "formula-injection")
    assert [(f["row"], f["key"]) for f in report["findings"]] == [(3, "t-2")]


def test_json_key_of_user_events_is_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = put(tmp_path, "m.json", json.dumps(USER_EVENT_MAPPING))
    path = put(tmp_path, "ev.csv", "event,customer\nlogin,c-1\nlogin,=cmd\n")
    _, report = run_json(capsys, path, "--mapping", mapping, "--select", "formula-injection")
    assert report["files"][0]["kind"] == "user-events"
    assert [(f["row"], f["key"]) for f in report["findings"]] == [(3, "row_3")]


def test_json_rows_of_a_json_file_are_item_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = (
        '[\n{"externalId": "t1", "type": "PAYMENT", "amount": 1, "currency": "USD"},\n'
        '{"externalId": "t2", "type": "PAYMENT", "amount": 1,\n "currency": "=X"}\n]\n'
    )
    path = put(tmp_path, "t.json", items)
    _, report = run_json(capsys, path, "--kind", "transactions", "--select", "formula-injection")
    assert [(f["row"], f["line"]) for f in report["findings"]] == [(2, 3)]
    assert report["files"][0]["format"] == "json"
    assert report["files"][0]["encoding"] == "utf-8"


def test_findings_come_in_file_order_then_row_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = put(tmp_path, "b.csv", entity_rows("", "=x", ""))
    a = put(tmp_path, "a.csv", entity_rows("", start=3))
    _, report = run_json(
        capsys, b, a, "--kind", "entities", "--select", "suggested-name-missing,formula-injection"
    )
    assert [(Path(f["path"]).name, f["row"]) for f in report["findings"]] == [
        ("b.csv", 2),
        ("b.csv", 3),
        ("b.csv", 4),
        ("a.csv", 2),
    ]
    assert [Path(r["path"]).name for r in report["files"]] == ["b.csv", "a.csv"]


# ---- output options ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_output_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    target = tmp_path / f"report.{fmt}"
    status, out, _ = run(
        capsys,
        "check",
        put(tmp_path, "e.csv", NAMELESS),
        "--kind",
        "entities",
        "--format",
        fmt,
        "--output",
        str(target),
    )
    assert status == 1 and out == ""
    written = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert triples(json.loads(written)) == [
            "3:suggested_name VALIDATION_ERROR suggested-name-missing"
        ]
    else:
        assert "[suggested-name-missing]" in written


@pytest.mark.parametrize(
    "select, ignore, expect",
    [
        (["formula-injection"], [], ["formula-injection"]),
        (["SUSPICIOUS_VALUE"], [], ["formula-injection"]),
        (["suspicious_value"], [], ["formula-injection"]),
        (
            ["VALIDATION_ERROR,formula-injection"],
            [],
            ["suggested-name-missing", "formula-injection"],
        ),
        (
            ["VALIDATION_ERROR", "formula-injection"],
            [],
            ["suggested-name-missing", "formula-injection"],
        ),
        ([], ["formula-injection"], ["suggested-name-missing"]),
        ([], ["VALIDATION_ERROR"], ["formula-injection"]),
        ([], ["VALIDATION_ERROR,SUSPICIOUS_VALUE"], []),
        (["VALIDATION_ERROR"], ["suggested-name-missing"], []),
        (["PROCESSING_ERROR"], [], []),
    ],
)
def test_select_and_ignore(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    select: list[str],
    ignore: list[str],
    expect: list[str],
) -> None:
    path = put(tmp_path, "e.csv", entity_rows("", "=x"))
    args = [path, "--kind", "entities", "--plan", "growth"]
    args += [a for s in select for a in ("--select", s)]
    args += [a for i in ignore for a in ("--ignore", i)]
    _, report = run_json(capsys, *args)
    assert sorted(f["rule"] for f in report["findings"]) == sorted(expect)


def test_max_findings_marks_the_file_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = put(tmp_path, "e.csv", entity_rows(*[""] * 5))
    status, report = run_json(
        capsys,
        path,
        "--kind",
        "entities",
        "--max-findings",
        "2",
        "--select",
        "suggested-name-missing",
    )
    assert status == 1
    assert [f["row"] for f in report["findings"]] == [2, 3]
    assert report["files"][0]["partial"] is True
    assert report["files"][0]["rows"] == 5
    status, out, _ = run(
        capsys,
        "check",
        path,
        "--kind",
        "entities",
        "--max-findings",
        "2",
        "--select",
        "suggested-name-missing",
    )
    assert "more findings not shown (--max-findings)" in out
    _, report = run_json(capsys, path, "--kind", "entities", "--select", "suggested-name-missing")
    assert report["files"][0]["partial"] is False and len(report["findings"]) == 5


def test_statistics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = put(tmp_path, "e.csv", entity_rows("", "", "=x"))
    status, out, _ = run(capsys, "check", path, "--kind", "entities", "--statistics")
    assert status == 1
    lines = [line.split() for line in out.splitlines()]
    assert ["2", "VALIDATION_ERROR", "suggested-name-missing", "error"] in lines
    assert ["1", "SUSPICIOUS_VALUE", "formula-injection", "warning"] in lines
    # with JSON on stdout the counts go to stderr, so the report stays valid JSON
    status, out, err = run(
        capsys, "check", path, "--kind", "entities", "--statistics", "--format", "json"
    )
    assert json.loads(out)["summary"]["errors"] == 2
    assert "suggested-name-missing" in err


def test_directories_are_walked_recursively(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    put(folder, "b.csv", entity_rows("Ana"))
    put(folder, "sub/deeper/a.csv", entity_rows("", start=1))
    put(
        folder,
        "sub/c.json",
        '[{"tax_id": "20123456786", "type": "person", '
        '"suggested_name": "Ana", "country_code": "AR"}]',
    )
    put(folder, "notes.txt", "not linted")
    put(folder, "sub/readme.md", "not linted")
    status, report = run_json(capsys, str(folder), "--kind", "entities")
    names = [Path(r["path"]).relative_to(folder).as_posix() for r in report["files"]]
    assert names == ["b.csv", "sub/c.json", "sub/deeper/a.csv"]
    assert status == 1
    assert [Path(f["path"]).name for f in report["findings"]] == ["a.csv"]


def test_explicit_unsupported_file_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, report = run_json(capsys, put(tmp_path, "data.pdf", "%PDF"), "--kind", "entities")
    assert status == 1
    assert triples(report) == ["None:None UNSUPPORTED_FILE_FORMAT unsupported-file-format"]


def test_unreadable_file_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = put(tmp_path, "a.json", "[{")
    good = put(tmp_path, "b.csv", NAMELESS)
    status, report = run_json(capsys, broken, good, "--kind", "entities")
    assert status == 1
    assert [f["rule"] for f in report["findings"]] == ["unreadable-file", "suggested-name-missing"]


# ---- rules, explain, schema, version -------------------------------------------------------------


def test_rules_text_lists_every_code_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules")
    catalog = load_catalog()
    assert status == 0
    words = set(out.split())
    assert set(catalog.codes) <= words and set(catalog.rules) <= words


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "--format", "json")
    data = json.loads(out)
    catalog = load_catalog()
    assert status == 0
    assert [c["name"] for c in data["codes"]] == list(catalog.codes)
    assert [r["name"] for r in data["rules"]] == list(catalog.rules)
    assert set(data["codes"][0]) == {"name", "layer", "origin", "summary", "help"}
    assert {"name", "code", "severity", "kinds", "message", "help", "summary"} <= set(
        data["rules"][0]
    )


def test_rules_markdown_has_a_row_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "--format", "markdown")
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "| rule | code | severity | kinds | summary |"
    assert len(lines) == 2 + len(load_catalog().rules)


@pytest.mark.parametrize(
    "name, heading",
    [
        ("suggested-name-missing", "suggested-name-missing (VALIDATION_ERROR, error; entities)"),
        ("TOO_MANY_ITEMS", "TOO_MANY_ITEMS (server code, request level)"),
        ("too_many_items", "TOO_MANY_ITEMS (server code, request level)"),
        ("PROCESSING_ERROR", "PROCESSING_ERROR (server code, row level)"),
    ],
)
def test_explain(capsys: pytest.CaptureFixture[str], name: str, heading: str) -> None:
    status, out, _ = run(capsys, "explain", name)
    assert status == 0
    assert out.splitlines()[0] == heading


def test_explain_rule_gives_what_why_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "explain", "formula-injection")
    for title in ("What it flags:", "Why gu1 rejects it", "How to fix it:"):
        assert title in out


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_a_valid_table_schema(capsys: pytest.CaptureFixture[str], kind: str) -> None:
    from frictionless import Schema

    status, out, _ = run(capsys, "schema", "--kind", kind)
    descriptor = json.loads(out)
    assert status == 0
    report = Schema.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "note"])
    assert descriptor["fields"] and all("aliases" in f for f in descriptor["fields"])


def test_schema_with_a_mapping_uses_the_file_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from frictionless import Schema

    mapping = put(tmp_path, "m.json", json.dumps(USER_EVENT_MAPPING))
    status, out, _ = run(capsys, "schema", "--kind", "user-events", "--mapping", mapping)
    descriptor = json.loads(out)
    assert status == 0 and Schema.validate_descriptor(descriptor).valid
    assert [f["name"] for f in descriptor["fields"]] == ["event", "customer"]


def test_version_through_python_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gu1lint", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"gu1lint, version {__version__}"


def test_help_is_status_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--help")
    assert status == 0 and "--max-findings" in out


def test_installed_package_finds_its_rules_data() -> None:
    from gu1lint.resources import rules_dir

    folder = rules_dir()
    assert (folder / "codes.toml").is_file() and (folder / "rules.toml").is_file()
    assert {p.stem for p in (folder / "schemas").glob("*.json")} >= set(KINDS)
    assert folder in (ROOT / "rules", Path(sys.modules["gu1lint"].__file__).parent / "rules")


def test_the_wheel_ships_the_rules_data(tmp_path: Path) -> None:
    """rules/ goes inside the wheel as gu1lint/rules, so an installed gu1lint runs anywhere."""
    import zipfile

    pytest.importorskip("hatchling")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [wheel] = tmp_path.glob("gu1lint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        f"gu1lint/{p.relative_to(ROOT).as_posix()}"
        for p in (ROOT / "rules").rglob("*")
        if p.is_file()
    }
    assert wanted and wanted <= names
    assert {"gu1lint/cli.py", "gu1lint/resources.py"} <= names
