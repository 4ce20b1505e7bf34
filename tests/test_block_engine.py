"""The engine checks rows in blocks: the report must be the one of a row-by-row pass."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from conftest import run_json

from gu1lint import engine

ENTITY_HEADER = ["tax_id", "type", "suggested_name", "country_code", "external_id", "email",
                 "phone", "nationality", "registration_date", "is_client"]
TRANSACTION_HEADER = ["external_id", "type", "amount", "currency", "status", "transacted_at",
                      "origin_country", "origin_tax_id", "destination_country",
                      "destination_tax_id", "description"]
#: values that break some rule in some column (and values that only look suspicious)
DAMAGE = ["", " ", "=SUM(A1)", "+x", "-y", "@z", "1.5E+10", "1e5", "ÃƒÂ©x", "a\u200bb", " lead",
          "trail ", "2025-13-40", "2025-01-01T10:00:00", "abc", "ZZ", "ar", "xx@", "12.5.5", "-5",
          "+54 11", "\x01c", "\ufffd", "20-12345678-9", "usd", "JPY", "a\nb", "1.5"]


def _entity(i: int) -> list[str]:
    return ["20-12345678-6" if i % 2 else "30-10104729-2", "person" if i % 2 else "company",
            f"Name {i}", "AR", f"ENT-{i:06d}", f"n{i}@example.com", f"+54911{i:06d}", "AR",
            f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}", "false"]


def _transaction(i: int) -> list[str]:
    return [f"TX-{i:06d}", "TRANSFER", f"{i}.50", "ARS", "SUCCESSFUL",
            f"2025-05-{1 + i % 28:02d}T01:33:54Z", "AR", "20123456786", "BR", "10112648460",
            f"Payment {i}"]


def _write(path: Path, header: list[str], make, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for i in range(rows):
            row = make(i)
            if rng.random() < 0.1:
                for _ in range(rng.randint(1, 3)):
                    row[rng.randrange(len(row))] = rng.choice(DAMAGE)
            if rng.random() < 0.005:
                row = row[:rng.randrange(len(row))]  # a short row
            if rng.random() < 0.003:
                out.writerow([])  # a blank line
            out.writerow(row)
    return path


@pytest.mark.parametrize("kind", ["entities", "transactions"])
def test_blocks_report_as_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    header, make = ((ENTITY_HEADER, _entity) if kind == "entities"
                    else (TRANSACTION_HEADER, _transaction))
    path = _write(tmp_path / f"{kind}.csv", header, make, 2600, seed=len(kind))
    args = (str(path), "--kind", kind)
    status, report = run_json(capsys, *args, "--max-findings", "1000000")
    total = len(report["findings"])
    assert len({f["rule"] for f in report["findings"]}) > 5  # the file breaks many rules
    assert report["findings"][-1]["row"] > 2 * 1024  # ... over more than two blocks
    for cap in (total, total * 6 // 10, total * 85 // 100 + 1):  # caps inside later blocks
        capped = ("--max-findings", str(cap))
        monkeypatch.setattr(engine, "BLOCK_ROWS", 1024)
        status, blocks = run_json(capsys, *args, *capped)
        monkeypatch.setattr(engine, "BLOCK_ROWS", 1)
        row_status, rows = run_json(capsys, *args, *capped)
        assert (status, blocks["findings"], blocks["files"]) == (row_status, rows["findings"],
                                                                 rows["files"])
        assert blocks["files"][0]["partial"] is (cap < total)
