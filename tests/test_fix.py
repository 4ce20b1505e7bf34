"""`gu1lint fix`: value fixes, untouched rows kept byte for byte, formats, outputs, counts."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_json

from gu1lint.catalog import load_catalog
from gu1lint.cli import main
from gu1lint.fix.rawcsv import open_raw_csv
from gu1lint.fix.values import (
    fix_amount,
    fix_country,
    fix_currency,
    fix_date,
    fix_enum,
    pad_br_tax_id,
    trim,
)

FIX = FIXTURES / "fix"
REPAIR_NOTE = re.compile(r"would repair (\d+) findings?(?:; gu1lint fix --unsafe-fixes (\d+))?")


def spots(report: dict) -> set[tuple[int | None, str | None, str]]:
    """Findings as (row, column, rule): the value and key change when a fix changes the cell."""
    return {(f["row"], f["column"], f["rule"]) for f in report["findings"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["fix", *args])
    return status, capsys.readouterr().out


def repair_counts(report: dict) -> tuple[int, int]:
    """(safe, unsafe) from check's note; (0, 0) without one."""
    for note in report["notes"]:
        m = REPAIR_NOTE.search(note)
        if m:
            return int(m.group(1)), int(m.group(2) or m.group(1))
    return 0, 0


# ---- value fixes -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("  AR ", "AR"), ("\u00a0x\u00a0", "x"), ("plain", "plain"),
    (" =SUM(A1) ", " =SUM(A1)"),  # the leading space keeps it from being a formula
    ("=1+1 ", "=1+1"), (" +x", " +x"),
])
def test_trim_never_exposes_a_formula(value: str, expected: str) -> None:
    assert trim(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Person", "person"), ("COMPANY", "company"), ("person", None), ("persona", None),
])
def test_enum_case(value: str, expected: str | None) -> None:
    assert fix_enum(value, ("person", "company")) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("ar", "AR"), ("ARG", "AR"), ("bra", "BR"), ("Brasil", "BR"), ("Argentina", "AR"),
    ("México", "MX"), ("AR", None), ("032", None), ("Atlantis", None), ("XX", None),
])
def test_country_to_alpha2(value: str, expected: str | None) -> None:
    assert fix_country(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("usd", "USD"), ("Brl", "BRL"), ("USD", None), ("abc", None), ("usdt", None),
])
def test_currency_upper_case_iso(value: str, expected: str | None) -> None:
    assert fix_currency(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("1.234.567", "1234567"),
    ("1,234,567", "1234567"), ("1 234,56", "1234.56"), ("12,5", "12.5"), ("1234,567", "1234.567"),
    ("1,234", None),  # one thousand two hundred or one point two: left alone
    ("1234.56", None), ("$ 100", None), ("-5", None), ("abc", None),
])
def test_amount_separators(value: str, expected: str | None) -> None:
    assert fix_amount(value) == expected


@pytest.mark.parametrize(("value", "order", "expected"), [
    ("31/12/2025", None, "2025-12-31"), ("12/31/2025", None, "2025-12-31"),
    ("03/04/2025", None, None), ("03/04/2025", "dmy", "2025-04-03"),
    ("03/04/2025", "mdy", "2025-03-04"), ("05/05/2025", None, "2025-05-05"),
    ("31/02/2025", "dmy", None), ("31/12/2025", "mdy", None),
    ("31.12.2025 10:30", None, "2025-12-31T10:30"), ("2025-12-31", "dmy", None),
])
def test_numeric_dates(value: str, order: str | None, expected: str | None) -> None:
    assert fix_date(value, order) == expected


@pytest.mark.parametrize(("value", "country", "kind", "expected"), [
    ("1234567890", "BR", "person", "01234567890"),
    ("11222333000181", "BR", "company", None),  # already 14 digits
    ("1222333000181", "BR", "company", None),  # padded check digits do not fit
    ("1234567891", "BR", "person", None),  # wrong check digit: no evidence zeros were lost
    ("1234567890", "AR", "person", None),
    ("123.456.789-0", "BR", "person", None),
])
def test_br_leading_zeros(value: str, country: str, kind: str, expected: str | None) -> None:
    assert pad_br_tax_id(value, country, kind) == expected


# ---- the catalog -------------------------------------------------------------------------------

def test_catalog_fix_levels_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    rules = load_catalog().rules
    levels = {name: r.fix for name, r in rules.items() if r.fix}
    assert set(levels.values()) <= {"safe", "unsafe"}
    assert levels["enum-value-invalid"] == "safe"
    assert levels["amount-invalid"] == "unsafe"
    assert main(["explain", "country-code-invalid"]) == 0
    assert "gu1lint fix repairs it" in capsys.readouterr().out
    assert main(["rules"]) == 0
    assert re.search(r"date-time-invalid .*\[unsafe fix\]", capsys.readouterr().out)


# ---- CSV ---------------------------------------------------------------------------------------

@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name in ("transactions.csv", "entities.csv"):
        shutil.copy(FIX / name, tmp_path / name)
    return tmp_path


UNSAFE_ONLY = {(3, "amount", "amount-invalid"), (3, "transacted_at", "date-time-invalid"),
               (5, "amount", "amount-invalid")}
AMBIGUOUS_DATE = (5, "transacted_at", "date-time-invalid")


@pytest.mark.parametrize("args", [[], ["--unsafe-fixes"],
                                  ["--unsafe-fixes", "--date-order", "dmy"]])
def test_fix_repairs_what_check_counted_and_nothing_else(
        capsys: pytest.CaptureFixture[str], work: Path, args: list[str]) -> None:
    source = work / "transactions.csv"
    before_digest = digest(source)
    _, before = run_json(capsys, str(source))
    safe, unsafe = repair_counts(before)
    status, _ = fix(capsys, str(source), *args)
    assert status == 0
    assert digest(source) == before_digest  # the input is never modified
    _, after = run_json(capsys, str(work / "transactions.fixed.csv"))
    gone = spots(before) - spots(after)
    assert spots(after) <= spots(before)  # every other finding is still there
    assert (5, "description", "formula-injection") in spots(after)  # never stripped
    if not args:
        assert len(gone) == safe > 0
        assert UNSAFE_ONLY | {AMBIGUOUS_DATE} <= spots(after)
    elif "--date-order" not in args:
        assert len(gone) == unsafe > safe
        assert spots(after) - {AMBIGUOUS_DATE} == {(5, "description", "formula-injection")}
    else:
        assert len(gone) == unsafe + 1
        assert spots(after) == {(5, "description", "formula-injection")}


def test_untouched_rows_are_byte_identical(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    source = work / "transactions.csv"
    fix(capsys, str(source), "--unsafe-fixes")
    old = {r.row: r.text for r in open_raw_csv(source).records}
    new = {r.row: r.text for r in open_raw_csv(work / "transactions.fixed.csv").records}
    assert old.keys() == new.keys()
    unchanged = [row for row in old if old[row] == new[row]]
    assert unchanged == [2, 7]  # T-1001 (a quoted comma) and T-1006 (a quoted line break)
    assert new[3] == 'T-1002,PAYMENT,1234.56,BRL,SUCCESSFUL,2025-03-31,BR,Supplier\r\n'
    raw = (work / "transactions.fixed.csv").read_bytes()
    assert raw.startswith(source.read_bytes().split(b"\r\n")[0] + b"\r\n")
    assert raw.count(b"\r\n") == source.read_bytes().count(b"\r\n")  # line ends kept


def test_quoting_bom_and_last_line_kept(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = ('\ufeffexternal_id,type,amount,currency\n'
            '"T1","PAYMENT","10","USD"\n'
            'T2,payment,10,USD\n'
            'T3,PAYMENT,"5",USD')
    source = tmp_path / "t.csv"
    source.write_text(text, encoding="utf-8")
    fix(capsys, str(source))
    out = (tmp_path / "t.fixed.csv").read_bytes()
    assert out == text.replace("T2,payment", "T2,PAYMENT").encode("utf-8")


def test_encoding_and_delimiter_become_utf8_and_comma(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = ("tax_id;type;suggested_name;country_code\r\n"
            "20123456786;person;José Peña;AR\r\n"
            "20987654326;person;Ana, María;AR\r\n")
    source = tmp_path / "e.csv"
    source.write_bytes(text.encode("cp1252"))
    _, before = run_json(capsys, str(source), "--kind", "entities")
    assert ("encoding-not-utf8" in {f["rule"] for f in before["findings"]})
    assert repair_counts(before) == (1, 1)
    fix(capsys, str(source), "--kind", "entities")
    out = tmp_path / "e.fixed.csv"
    assert out.read_bytes() == (text.replace(";", ",").replace("Ana, María", '"Ana, María"')
                                .encode("utf-8"))
    _, after = run_json(capsys, str(out), "--kind", "entities")
    assert after["findings"] == []


def test_entities_unsafe_restores_cpf_zeros(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    fix(capsys, str(work / "entities.csv"), "--unsafe-fixes")
    lines = (work / "entities.fixed.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "01234567890,person,Maria Silva,BR"
    assert lines[3] == "11222333000181,company,Acme Ltda,BR"
    _, after = run_json(capsys, str(work / "entities.fixed.csv"))
    assert after["findings"] == []


def test_nothing_to_fix_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "ok.csv"
    source.write_text("external_id,type,amount,currency\nT1,PAYMENT,1,USD\n", encoding="utf-8")
    status, out = fix(capsys, str(source))
    assert status == 0 and "nothing to fix" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.csv"]


# ---- output modes ------------------------------------------------------------------------------

def test_diff_prints_changed_rows_and_writes_nothing(
        capsys: pytest.CaptureFixture[str], work: Path) -> None:
    listing = sorted(os.listdir(work))
    digests = {n: digest(work / n) for n in listing}
    status, out = fix(capsys, str(work / "transactions.csv"), "--diff")
    assert status == 0
    assert sorted(os.listdir(work)) == listing
    assert {n: digest(work / n) for n in listing} == digests
    assert out.splitlines()[2:] == [
        "@@ -3 +3 @@",
        '-T-1002,payment,"1.234,56",brl,SUCCESSFUL,31/03/2025,Brasil,Supplier',
        '+T-1002,PAYMENT,"1.234,56",BRL,SUCCESSFUL,31/03/2025,BR,Supplier',
        "@@ -4 +4 @@",
        "-T-1003, TRANSFER ,250,ARS,created,2025-03-02,arg,  Rent  ",
        "+T-1003,TRANSFER,250,ARS,CREATED,2025-03-02,AR,Rent",
        "@@ -6,2 +6,2 @@",
        "-T-1005,REFUND,99.90,EUR,SUCCESSFUL,2025-03-05T08:30:00-03:00,Mexico,\"two",
        "-lines\"",
        "+T-1005,REFUND,99.90,EUR,SUCCESSFUL,2025-03-05T08:30:00-03:00,MX,\"two",
        "+lines\"",
    ]


def test_in_place_replaces_the_file(capsys: pytest.CaptureFixture[str], work: Path,
                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("default")
    shutil.copy(work / "transactions.csv", other / "transactions.csv")
    fix(capsys, str(other / "transactions.csv"))
    source = work / "transactions.csv"
    os.chmod(source, 0o640)
    status, _ = fix(capsys, str(source), "--in-place")
    assert status == 0
    assert source.read_bytes() == (other / "transactions.fixed.csv").read_bytes()
    assert oct(source.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(os.listdir(work)) == ["entities.csv", "transactions.csv"]  # no temp file


def test_in_place_is_atomic(capsys: pytest.CaptureFixture[str], work: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    source = work / "transactions.csv"
    before = source.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert main(["fix", str(source), "--in-place"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert sorted(os.listdir(work)) == ["entities.csv", "transactions.csv"]


def test_output_dir(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    status, out = fix(capsys, str(work / "transactions.csv"), "--output-dir", str(work / "clean"))
    assert status == 0 and "written to" in out
    assert (work / "clean" / "transactions.csv").is_file()
    assert main(["fix", str(work / "transactions.csv"), "--output-dir", str(work)]) == 2
    assert main(["fix", str(work / "transactions.csv"), "--in-place", "--output-dir", "x"]) == 2


# ---- JSON and Excel ----------------------------------------------------------------------------

def test_json_keeps_structure_and_untouched_items(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    items = [
        {"externalId": "T1", "type": "PAYMENT", "amount": 10, "currency": "USD"},
        {"externalId": "T2", "type": "payment", "amount": "1.234,56", "currency": "usd",
         "originCountry": "ARG", "metadata": {"note": " keep "}},
        {"externalId": "T3", "type": "REFUND", "amount": 5.5, "currency": "EUR"},
    ]
    text = json.dumps({"transactions": items, "skipDuplicates": True}, indent=2)
    source = tmp_path / "t.json"
    source.write_text(text, encoding="utf-8")
    _, before = run_json(capsys, str(source))
    fix(capsys, str(source), "--unsafe-fixes")
    out = (tmp_path / "t.fixed.json").read_text(encoding="utf-8")
    data = json.loads(out)
    assert data["skipDuplicates"] is True
    assert data["transactions"][1] == {
        "externalId": "T2", "type": "PAYMENT", "amount": "1234.56", "currency": "USD",
        "originCountry": "AR", "metadata": {"note": " keep "}}
    first_item = text[text.index('{\n      "externalId": "T1"'):text.index('},') + 1]
    assert first_item in out  # untouched items keep their text
    assert out.endswith(text[text.rindex('"externalId": "T3"'):])
    _, after = run_json(capsys, str(tmp_path / "t.fixed.json"))
    assert spots(after) < spots(before)
    assert not [f for f in after["findings"] if f["row"] == 2]


def test_json_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ['{"externalId":"T1","type":"PAYMENT","amount":1,"currency":"USD"}',
             '{"externalId":"T2","type":"refund","amount":1,"currency":"USD"}']
    source = tmp_path / "t.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fix(capsys, str(source))
    out = (tmp_path / "t.fixed.jsonl").read_text(encoding="utf-8").splitlines()
    assert out == [lines[0], lines[1].replace("refund", "REFUND")]


def test_xlsx_is_fixed_into_a_workbook(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["external_id", "type", "amount", "currency", "origin_country"],
                ["T1", "PAYMENT", 10.5, "USD", "AR"],
                ["T2", " payment", "1.234,56", "usd", "Brasil"],
                ["T3", "PAYMENT", "=1+1", "USD", "AR"]):
        sheet.append(row)
    book.create_sheet("notes").append(["keep me"])
    source = tmp_path / "t.xlsx"
    book.save(source)
    _, before = run_json(capsys, str(source))
    status, _ = fix(capsys, str(source), "--unsafe-fixes")
    assert status == 0
    fixed = openpyxl.load_workbook(tmp_path / "t.fixed.xlsx")
    rows = [list(r) for r in fixed.worksheets[0].iter_rows(values_only=True)]
    assert rows[1] == ["T1", "PAYMENT", 10.5, "USD", "AR"]
    assert rows[2] == ["T2", "PAYMENT", "1234.56", "USD", "BR"]
    assert rows[3][2] == "=1+1"  # a formula is never touched
    assert fixed["notes"]["A1"].value == "keep me"
    _, after = run_json(capsys, str(tmp_path / "t.fixed.xlsx"))
    assert spots(after) == spots(before) - {s for s in spots(before) if s[0] == 3}


def test_unreadable_file_is_status_2_and_others_go_on(
        capsys: pytest.CaptureFixture[str], work: Path) -> None:
    bad = work / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    status = main(["fix", str(bad), str(work / "entities.csv")])
    captured = capsys.readouterr()
    assert status == 2
    assert "bad.json" in captured.err
    assert (work / "entities.fixed.csv").is_file()


def test_readme_shows_the_real_diff(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    command = "$ gu1lint fix fixtures/fix/transactions.csv --diff\n"
    assert command in readme, "the README's fix section must show fix --diff on the fixture"
    shown = readme.split(command, 1)[1].split("\n$ ", 1)[0]
    monkeypatch.chdir(FIXTURES.parent)
    assert main(["fix", "fixtures/fix/transactions.csv", "--diff"]) == 0
    captured = capsys.readouterr()
    summary = captured.err.splitlines()[-1]
    assert shown.rstrip("\n").splitlines() == captured.out.splitlines() + [summary]


def test_a_folder_is_walked_without_earlier_outputs(
        capsys: pytest.CaptureFixture[str], work: Path) -> None:
    fix(capsys, str(work))
    assert {p.name for p in work.iterdir()} >= {"transactions.fixed.csv", "entities.fixed.csv"}
    status, out = fix(capsys, str(work))
    assert status == 0 and ".fixed.fixed" not in out
    assert not list(work.glob("*.fixed.fixed.*"))


def test_mapped_columns_are_fixed_by_their_field(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("Id,Tipo,Monto,Moneda\nT1,pago,\"1.234,56\",usd\n", encoding="utf-8")
    mapping = json.dumps({"Id": "externalId", "Tipo": "type", "Monto": "amount",
                          "Moneda": "currency"})
    fix(capsys, str(source), "--kind", "transactions", "--column-mapping", mapping,
        "--unsafe-fixes")
    assert (tmp_path / "t.fixed.csv").read_text(encoding="utf-8").splitlines()[1] == \
        "T1,pago,1234.56,USD"  # 'pago' is no enum literal in any case: left for the user


def test_xlsx_table_that_starts_below_and_right_of_a1(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "external_id", "type", "amount", "currency"
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["E4"] = "T1", "refund", 1, "usd"
    source = tmp_path / "t.xlsx"
    book.save(source)
    fix(capsys, str(source))
    fixed = openpyxl.load_workbook(tmp_path / "t.fixed.xlsx").active
    assert [c.value for c in fixed[4]] == [None, "T1", "REFUND", 1, "USD"]
    _, after = run_json(capsys, str(tmp_path / "t.fixed.xlsx"))
    assert after["findings"] == []


def test_xlsx_and_json_diffs_write_nothing(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in (["external_id", "type", "amount", "currency"], ["T1", "refund", 1, "USD"]):
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    (tmp_path / "t.json").write_text('[\n  {"externalId": "T1", "type": "fee", "amount": 1,'
                                     ' "currency": "USD"}\n]\n', encoding="utf-8")
    status, out = fix(capsys, str(tmp_path / "t.xlsx"), str(tmp_path / "t.json"), "--diff")
    assert status == 0
    assert "@@ -2 +2 @@\n-T1,refund,1,USD\n+T1,REFUND,1,USD\n" in out
    assert '-  {"externalId": "T1", "type": "fee"' in out
    assert '+  {"externalId": "T1", "type": "FEE"' in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json", "t.xlsx"]


def test_in_place_through_a_symlink_replaces_the_target(
        capsys: pytest.CaptureFixture[str], work: Path) -> None:
    link = work / "link.csv"
    link.symlink_to(work / "entities.csv")
    fix(capsys, str(link), "--in-place")
    assert link.is_symlink()
    assert "person" in (work / "entities.csv").read_text(encoding="utf-8").splitlines()[1]
