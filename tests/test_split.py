"""`gu1lint split`: parts that each fit the limit and together hold exactly the input rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_json

from gu1lint.cli import main
from gu1lint.fix.rawcsv import open_raw_csv
from gu1lint.splitter import plan_parts

LIMIT_CODES = {"PLAN_LIMIT_EXCEEDED", "TOO_MANY_ITEMS"}


def split(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["split", *args])
    return status, capsys.readouterr().out


def limits_file(folder: Path, **limits: int) -> str:
    path = folder / "limits.json"
    path.write_text(json.dumps(limits), encoding="utf-8")
    return str(path)


def records(path: Path) -> list[str]:
    return [r.text for r in open_raw_csv(path).records if not r.blank]


# ---- the cut plan ------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "limit"), [(10, 4), (9, 3), (100, 7), (5, 5), (6, 5), (1, 1)])
def test_parts_cover_every_row_in_order_within_the_limit(n: int, limit: int) -> None:
    parts, parted = plan_parts([f"k{i}" for i in range(n)], limit)
    assert parts[0][0] == 0 and parts[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
    assert all(0 < end - start <= limit for start, end in parts)
    assert len(parts) == -(-n // limit)  # no more parts than needed
    assert parted == 0


def test_cuts_fall_between_duplicate_keys() -> None:
    keys = ["a", "b", "c", "d", "d", "e", "f", "g", "h", "i"]  # an even cut would part the d rows
    parts, parted = plan_parts(keys, 5)
    assert parted == 0
    assert all(not ("d" in keys[s:e] and "d" in keys[e:]) for s, e in parts)


def test_keys_farther_apart_than_the_limit_are_parted_and_counted() -> None:
    keys = ["a", "b", "c", "d", "e", "a"]
    parts, parted = plan_parts(keys, 3)
    assert parts == [(0, 3), (3, 6)]
    assert parted == 1


# ---- CSV ---------------------------------------------------------------------------------------

def test_csv_split_fits_the_plan_and_keeps_every_row(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    header = "external_id,type,amount,currency,description\r\n"
    rows = [f"T{i},PAYMENT,{i}.00,USD,row {i}\r\n" for i in range(1, 4502)]
    # at the even cut (2,251 rows each): a quoted line break and a duplicate key across it
    rows[2250] = 'T2251,PAYMENT,1,USD,"two\r\nlines"\r\n'
    rows[2251] = "T2251,PAYMENT,1,USD,again\r\n"
    source = tmp_path / "tx.csv"
    source.write_bytes((header + "".join(rows)).encode("utf-8"))
    _, report = run_json(capsys, str(source), "--plan", "freemium")
    assert {f["code"] for f in report["findings"]} & LIMIT_CODES
    status, out = split(capsys, str(source), "--plan", "freemium")
    assert status == 0, out
    parts = sorted(tmp_path.glob("tx.part*.csv"))
    assert [p.name for p in parts] == ["tx.part1.csv", "tx.part2.csv"]
    for part in parts:
        assert part.read_bytes().startswith(header.encode())
        _, report = run_json(capsys, str(part), "--plan", "freemium")
        assert not {f["code"] for f in report["findings"]} & LIMIT_CODES
        assert report["files"][0]["rows"] <= 4000
    assert sum((records(p) for p in parts), []) == rows
    first = records(parts[0])
    assert (rows[2250] in first) == (rows[2251] in first)  # the duplicates share a part


def test_entities_keep_tax_id_duplicates_together(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ["tax_id,type,suggested_name,country_code\n",
             "20123456786,person,A,AR\n", "20987654326,person,B,AR\n",
             "20-12345678-6,person,A again,AR\n",  # the same taxId once normalized
             "30500010912,company,C,AR\n", "27111111113,person,D,AR\n"]
    source = tmp_path / "entities.csv"
    source.write_text("".join(lines), encoding="utf-8")
    limits = limits_file(tmp_path, maxBulkEntityItemsPerImport=3)
    status, _ = split(capsys, str(source), "--limits", limits, "--output-dir", str(tmp_path / "o"))
    assert status == 0
    one = (tmp_path / "o" / "entities.part1.csv").read_text(encoding="utf-8")
    two = (tmp_path / "o" / "entities.part2.csv").read_text(encoding="utf-8")
    assert one == "".join(lines[:4]) and two == lines[0] + "".join(lines[4:])
    for part in (tmp_path / "o").iterdir():
        _, report = run_json(capsys, str(part), "--limits", limits)
        assert not {f["code"] for f in report["findings"]} & LIMIT_CODES


def test_a_file_under_the_limit_is_left_alone(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "tx.csv"
    source.write_text("external_id,type,amount,currency\nT1,PAYMENT,1,USD\n", encoding="utf-8")
    status, out = split(capsys, str(source), "--plan", "freemium")
    assert status == 0
    assert "1 row fit the freemium plan limit of 4,000 rows; nothing to split" in out
    assert [p.name for p in tmp_path.iterdir()] == ["tx.csv"]


def test_split_needs_a_limit_for_entities(tmp_path: Path) -> None:
    source = tmp_path / "e.csv"
    source.write_text("tax_id,type,suggested_name,country_code\n", encoding="utf-8")
    assert main(["split", str(source)]) == 2


# ---- JSON and Excel ----------------------------------------------------------------------------

def test_json_parts_keep_the_wrapper(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    items = [{"externalId": f"T{i}", "type": "PAYMENT", "amount": i, "currency": "USD"}
             for i in range(7)]
    source = tmp_path / "tx.json"
    source.write_text(json.dumps({"transactions": items, "skipDuplicates": True}, indent=2),
                      encoding="utf-8")
    limits = limits_file(tmp_path, maxTransactionsPerFile=3)
    status, _ = split(capsys, str(source), "--limits", limits)
    assert status == 0
    parts = [json.loads((tmp_path / f"tx.part{i}.json").read_text(encoding="utf-8"))
             for i in (1, 2, 3)]
    assert all(p["skipDuplicates"] is True for p in parts)
    assert sum((p["transactions"] for p in parts), []) == items
    assert [len(p["transactions"]) for p in parts] == [3, 3, 1]


def test_jsonl_parts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = [json.dumps({"externalId": f"T{i}", "type": "PAYMENT", "amount": 1, "currency": "USD"})
             for i in range(4)]
    source = tmp_path / "tx.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    split(capsys, str(source), "--limits", limits_file(tmp_path, maxTransactionsPerFile=2))
    assert (tmp_path / "tx.part1.jsonl").read_text(encoding="utf-8") == "\n".join(lines[:2]) + "\n"
    assert (tmp_path / "tx.part2.jsonl").read_text(encoding="utf-8") == "\n".join(lines[2:]) + "\n"


def test_xlsx_parts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    rows = [["external_id", "type", "amount", "currency"]] + [
        [f"T{i}", "PAYMENT", i + 0.5, "USD"] for i in range(5)]
    for row in rows:
        book.active.append(row)
    source = tmp_path / "tx.xlsx"
    book.save(source)
    limits = limits_file(tmp_path, maxTransactionsPerFile=3)
    status, _ = split(capsys, str(source), "--limits", limits)
    assert status == 0
    got = []
    for i in (1, 2):
        sheet = openpyxl.load_workbook(tmp_path / f"tx.part{i}.xlsx").worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == rows[0]
        got += values[1:]
        _, report = run_json(capsys, str(tmp_path / f"tx.part{i}.xlsx"), "--limits", limits)
        assert not {f["code"] for f in report["findings"]} & LIMIT_CODES
    assert got == rows[1:]
