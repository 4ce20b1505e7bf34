"""`--baseline` / `--write-baseline`: only new findings are reported; stale entries are noted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_json

from gu1lint.cli import main

HEADER = "externalId,type,amount,currency\n"


def put(name: str, text: str) -> None:
    Path(name).write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_baseline(capsys: pytest.CaptureFixture[str], *paths: str) -> dict:
    status, report = run_json(capsys, *paths, "--write-baseline", "baseline.json")
    assert status == 0 and report["findings"] == []
    assert any("baseline written" in n for n in report["notes"])
    return json.loads(Path("baseline.json").read_text("utf-8"))


def test_written_baseline_is_sorted_keyed_and_counted(capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + "t2,PAYMENT,x,USD\nt1,PAYMENT,y,USD\nt1,PAYMENT,z,USD\n")
    doc = write_baseline(capsys, "./tx.csv")
    entries = doc["entries"]
    assert doc["version"] == 1
    assert all(e["path"] == "tx.csv" and "row" not in e and "line" not in e for e in entries)
    amount = [e for e in entries if e["rule"] == "amount-invalid"]
    assert [(e["key"], e["count"]) for e in amount] == [("t1", 2), ("t2", 1)]
    first = Path("baseline.json").read_text("utf-8")
    write_baseline(capsys, "tx.csv")
    assert Path("baseline.json").read_text("utf-8") == first, "the file is stable"


def test_baseline_survives_moved_rows_and_reports_only_new(
        capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + "t1,PAYMENT,x,USD\nt2,PAYMENT,1,USD\n")
    write_baseline(capsys, "tx.csv")
    # rows added above move every row number; the old finding keeps its key t1
    put("tx.csv", HEADER + "n1,PAYMENT,1,USD\nn2,PAYMENT,bad,USD\nt1,PAYMENT,x,USD\n"
        "t2,PAYMENT,1,USD\n")
    status, report = run_json(capsys, "tx.csv", "--baseline", "baseline.json")
    assert [(f["key"], f["rule"]) for f in report["findings"]] == [("n2", "amount-invalid")]
    assert status == 1
    assert any("1 baseline finding not shown" in n for n in report["notes"])


def test_a_second_identical_finding_is_new(capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + "t1,PAYMENT,x,USD\n")
    write_baseline(capsys, "tx.csv")
    put("tx.csv", HEADER + "t1,PAYMENT,x,USD\nt1,PAYMENT,x,USD\n")
    _, report = run_json(capsys, "tx.csv", "--baseline", "baseline.json")
    assert [(f["row"], f["rule"]) for f in report["findings"]] == [
        (3, "amount-invalid"), (3, "transaction-external-id-duplicate")]


def test_findings_without_key_use_column_and_value(capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + ",PAYMENT,x,USD\n")
    doc = write_baseline(capsys, "tx.csv")
    amount = next(e for e in doc["entries"] if e["rule"] == "amount-invalid")
    assert amount["column"] == "amount" and amount["value"] == "x" and "key" not in amount
    put("tx.csv", HEADER + ",PAYMENT,y,USD\n")
    _, report = run_json(capsys, "tx.csv", "--baseline", "baseline.json")
    assert [(f["rule"], f["value"]) for f in report["findings"]] == [("amount-invalid", "y")]


def test_stale_entries_are_noted_and_counted_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + "t1,PAYMENT,x,USD\nt2,PAYMENT,y,USD\n")
    put("other.csv", HEADER + "o1,PAYMENT,x,USD\n")
    write_baseline(capsys, "tx.csv", "other.csv")
    put("tx.csv", HEADER + "t1,PAYMENT,1,USD\nt2,PAYMENT,y,USD\n")
    # other.csv is not linted this time: its entries are not stale, only unused
    status, report = run_json(capsys, "tx.csv", "--baseline", "baseline.json")
    assert status == 0 and report["findings"] == []
    stale = [n for n in report["notes"] if "stale" in n]
    assert len(stale) == 1 and "1 stale baseline entry" in stale[0]
    assert "tx.csv VALIDATION_ERROR [amount-invalid] key t1" in stale[0]
    assert main(["check", "tx.csv", "--baseline", "baseline.json", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "note: baseline.json: 1 stale baseline entry" in out


def test_a_bad_baseline_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    put("tx.csv", HEADER + "t1,PAYMENT,1,USD\n")
    put("baseline.json", "[1, 2]")
    assert main(["check", "tx.csv", "--baseline", "baseline.json"]) == 2
    assert "not a gu1lint baseline" in capsys.readouterr().err
    assert main(["check", "tx.csv", "--baseline", "missing.json"]) == 2
    assert "cannot read baseline missing.json" in capsys.readouterr().err
