"""The sarif, github, junit and failures-csv formats, and the choice made by `--format auto`."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gu1lint.cli import main
from gu1lint.reporters.github import escape_data, escape_property

TX = ("externalId,type,amount,currency\n"
      "t1,PAYMENT,10,USD\n"
      "t1,PAYMENT,abc,USD\n"
      "t2,PAYOUT,5,USD\n"
      "=cmd,PAYMENT,-3,USD\n")
ENTITIES = ("tax_id,type,suggested_name,country_code\n"
            "20123456786,person,Ana,AR\n"
            "20123456786,person,Ana,AR\n"
            "27000000006,person,,AR\n")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`gu1lint check ARGS` in-process: (exit status, stdout)."""
    status = main(["check", *args])
    return status, capsys.readouterr().out


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A bad transaction file, a bad entity file and a clean transaction file, by relative path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    contents = {"tx.csv": TX, "entities.csv": ENTITIES,
                "clean.csv": "externalId,type,amount,currency\nok1,PAYMENT,1,USD\n"}
    for name, content in contents.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "nocurrency.csv").write_text("externalId,type,amount\nt9,PAYMENT,1\n", "utf-8")
    return {name: name for name in contents}


def test_sarif_is_valid_and_carries_the_catalog(
        files: dict[str, str], capsys: pytest.CaptureFixture[str], shared_dir: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "vendor" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    status, out = run(capsys, "tx.csv", "nocurrency.csv", "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, schema)
    assert status == 1 and log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["amount-invalid"]["properties"]["code"] == "VALIDATION_ERROR"
    assert by_id["amount-invalid"]["shortDescription"]["text"]
    amount = by_id["amount-invalid"]
    assert amount["help"]["text"] == amount["fullDescription"]["text"]
    results = run_["results"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning")
    row_result = next(r for r in results if r["ruleId"] == "amount-invalid")
    location = row_result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "tx.csv"}, "region": {"startLine": 3}}
    file_level = [r for r in results if r["ruleId"] == "required-column-missing"]
    assert file_level[0]["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "nocurrency.csv"}}}]


def test_sarif_uri_of_an_odd_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my data").mkdir()
    (tmp_path / "my data" / "tx 1%.csv").write_text(TX, encoding="utf-8")
    _, out = run(capsys, "my data/tx 1%.csv", "--format", "sarif")
    uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    assert uri == "my%20data/tx%201%25.csv"


def test_github_one_annotation_per_rule_and_file(
        files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    many = "externalId,type,amount,currency\n" + "".join(
        f"x{i},PAYMENT,bad,USD\n" for i in range(12))
    Path("many.csv").write_text(many, encoding="utf-8")
    status, out = run(capsys, "many.csv", "--format", "github")
    annotations = [line for line in out.splitlines() if line.startswith("::error ")]
    assert status == 1
    assert len(annotations) == 1, "12 findings of one rule in one file give one annotation"
    props, message = annotations[0][len("::error "):].split("::", 1)
    assert props == "file=many.csv,line=2,title=VALIDATION_ERROR [amount-invalid]"
    first_line, *rows = message.split("%0A")
    assert first_line == "12 findings (rows 2, 3, 4, 5, 6 and 7 more)"
    assert len(rows) == 5 and rows[0].startswith("row 2, amount: amount 'bad'")
    assert out.splitlines()[-1] == "::notice title=gu1lint::1 file, 12 rows: 12 errors, 0 warnings"
    assert "::group::gu1lint: all 12 findings" in out and "::endgroup::" in out


def test_github_groups_per_file_and_rule(files: dict[str, str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, "tx.csv", "entities.csv", "clean.csv", "--format", "github")
    keys = [(line.split("file=")[1].split(",")[0], line.split("[")[1].split("]")[0])
            for line in out.splitlines() if line.startswith(("::error ", "::warning "))]
    assert len(keys) == len(set(keys))
    assert ("tx.csv", "transaction-external-id-duplicate") in keys
    assert ("entities.csv", "suggested-name-missing") in keys
    assert not any(path == "clean.csv" for path, _ in keys)


def test_github_escapes_workflow_command_data() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_escapes_values_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a,b:c.csv").write_text('externalId,type,amount,currency\nt1,PAYMENT,"1%\n::error::x",USD\n',
                                 encoding="utf-8")
    _, out = run(capsys, "a,b:c.csv", "--format", "github")
    annotation = next(line for line in out.splitlines() if "amount-invalid" in line)
    assert annotation.startswith("::error file=a%2Cb%3Ac.csv,line=2,")
    assert "'1%25" in annotation and "\n" not in annotation
    assert not any(line.startswith("::error::x") for line in out.splitlines())


def test_junit_is_xml_with_a_suite_per_file(files: dict[str, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "tx.csv", "clean.csv", "entities.csv", "--format", "junit")
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["tx.csv", "clean.csv", "entities.csv"]
    tx, clean, entities = suites
    cases = {c.get("name"): c for c in tx.findall("testcase")}
    assert cases["amount-invalid"].find("failure").get("type") == "VALIDATION_ERROR"
    assert "3:amount:" in cases["amount-invalid"].find("failure").text
    assert int(tx.get("failures")) == sum(c.find("failure") is not None for c in cases.values())
    assert [c.get("name") for c in clean.findall("testcase")] == ["gu1lint"]
    assert clean.find("testcase/failure") is None and clean.get("failures") == "0"
    skipped = {c.get("name") for c in entities.findall("testcase")}
    assert "tax-id-duplicate-skipped" in skipped
    warning_case = entities.find("testcase[@name='tax-id-duplicate-skipped']")
    assert warning_case.find("failure") is None
    assert "warning:" in warning_case.find("system-out").text
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_junit_survives_control_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("tx.csv").write_text("externalId,type,amount,currency\nt1,PAYMENT,1\x01\x1b,USD\n",
                              encoding="utf-8")
    _, out = run(capsys, "tx.csv", "--format", "junit")
    failure = ET.fromstring(out).find("testsuite/testcase/failure")
    assert "\\x01\\x1b" in failure.text


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_failures_csv_transactions(files: dict[str, str],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "tx.csv", "--format", "failures-csv")
    assert out.splitlines()[0] == "external_id,code,error"
    rows = read_csv(out)
    assert status == 1
    by_code = {(r["external_id"], r["code"]) for r in rows}
    assert ("t1", "CONSTRAINT_VIOLATION") in by_code and ("t2", "VALIDATION_ERROR") in by_code
    # a key that a spreadsheet would run as a formula is defused
    assert ("'=cmd", "VALIDATION_ERROR") in by_code
    assert all(r["error"] for r in rows)


def test_failures_csv_entities_leave_skips_out(files: dict[str, str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, "entities.csv", "--format", "failures-csv")
    assert out.splitlines()[0] == "tax_id,type,outcome,code,error_message"
    rows = read_csv(out)
    assert {r["outcome"] for r in rows} == {"failed"}
    assert "SKIPPED_DUPLICATE_TAX_ID" not in {r["code"] for r in rows}
    assert any(r["tax_id"] == "27000000006" and r["code"] == "VALIDATION_ERROR" for r in rows)


def test_failures_csv_user_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("events.csv").write_text("eventType,entityExternalId\nlogin,e1\nlogin,\n",
                                  encoding="utf-8")
    columns = {"eventType": "eventType", "entityExternalId": "entityExternalId"}
    mapping = {"id": "m", "name": "m", "target": "user_event", "columnMapping": columns}
    Path("m.json").write_text(json.dumps(mapping), encoding="utf-8")
    _, out = run(capsys, "events.csv", "--kind", "user-events", "--mapping", "m.json",
                 "--format", "failures-csv")
    assert out.splitlines()[0] == "row_key,code,error"
    assert [r["row_key"] for r in read_csv(out)] == ["row_3"]


def test_failures_csv_refuses_two_kinds(files: dict[str, str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "tx.csv", "entities.csv", "--format", "failures-csv"])
    err = capsys.readouterr().err
    assert status == 2 and "one kind" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_auto(files: dict[str, str], capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    _, plain = run(capsys, "tx.csv", "--format", "text")
    _, auto = run(capsys, "tx.csv")
    assert auto == plain and "\x1b[" not in auto, "not a terminal: plain text"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, github = run(capsys, "tx.csv")
    assert github.startswith("::error file=tx.csv,")
    _, text = run(capsys, "tx.csv", "--format", "text")
    assert text == plain, "an explicit --format text stays text in GitHub Actions"
    monkeypatch.delenv("GITHUB_ACTIONS")
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["check", "tx.csv"])
    coloured = terminal.getvalue()
    assert "\x1b[" in coloured and click_unstyle(coloured) == plain
    terminal.seek(0)
    terminal.truncate()
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", "tx.csv"])
    assert terminal.getvalue() == plain


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)


def test_failures_csv_defuses_signed_numbers_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("tx.csv").write_text("externalId,type,amount,currency\n+0,PAYMENT,x,USD\n-5,X,1,USD\n",
                              encoding="utf-8")
    _, out = run(capsys, "tx.csv", "--format", "failures-csv")
    assert [r["external_id"] for r in read_csv(out)] == ["'+0", "'-5"]
