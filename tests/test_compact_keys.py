"""Past `engine.SPILL_AT` keys the entity duplicate check keeps its keys in a compact store
(gu1lint/checks/compact.py): the findings must be exactly those of the dictionaries."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from conftest import run_json
from test_performance_bounds import lint_in_child

from gu1lint import engine
from gu1lint.checks import compact

HEADER = ["tax_id", "type", "suggested_name", "country_code", "external_id"]
TYPES = ["person", "company", "company", " person", "trust", ""]


def _entities(path: Path, rows: int, seed: int) -> Path:
    """Rows whose externalIds and taxIds repeat often, within and across blocks and files,
    some empty, some written with dots and dashes, under several types."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            tax = f"{rng.randrange(400):011d}" if rng.random() < 0.9 else ""
            if tax and rng.random() < 0.2:
                tax = f"{tax[:2]}-{tax[2:10]}-{tax[10]}"  # the same id, written another way
            ext = f"E-{rng.randrange(700)}" if rng.random() < 0.9 else ""
            if ext and rng.random() < 0.05:
                ext = f"Ñ{ext}"  # keys beyond ASCII
            out.writerow([tax, rng.choice(TYPES), f"Name {i}", "AR", ext])
    return path


def _findings(capsys: pytest.CaptureFixture[str], *paths: Path) -> list[dict]:
    _, report = run_json(capsys, *map(str, paths), "--kind", "entities",
                         "--max-findings", "1000000")
    return [f for f in report["findings"] if "duplicate" in f["rule"] or "tax-id" in f["rule"]
            or "already-exists" in f["rule"]]


def _colliding(key: str) -> int:
    return hash(key) % 16  # a thousand keys share 16 fingerprints


@pytest.mark.parametrize("fingerprint", [hash, _colliding], ids=["hash", "colliding"])
def test_the_compact_store_reports_what_the_dictionaries_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        fingerprint: object) -> None:
    first = _entities(tmp_path / "first.csv", 2500, seed=1)
    second = _entities(tmp_path / "second.csv", 1700, seed=2)
    monkeypatch.setattr(compact, "FINGERPRINT", fingerprint)
    expected = _findings(capsys, first, second)
    rules = {f["rule"] for f in expected}
    assert {"entity-external-id-duplicate", "tax-id-type-mismatch"} <= rules
    assert any(f["path"].endswith("second.csv") and "first.csv row" in f["message"]
               for f in expected)  # across files
    for spill_at in (1, 2, 5, 300, 2000):
        monkeypatch.setattr(engine, "SPILL_AT", spill_at)
        assert _findings(capsys, first, second) == expected, f"spill_at={spill_at}"
    monkeypatch.setattr(engine, "BLOCK_ROWS", 7)  # spills inside what was one block
    monkeypatch.setattr(engine, "SPILL_AT", 3)
    assert _findings(capsys, first, second) == expected


def test_the_store_confirms_a_fingerprint_by_the_key() -> None:
    store = compact.CompactRecords(fingerprint=lambda key: 7)  # every key collides
    taxes = {"111": (0, 1, "person", "a", "111"), "222": (0, 2, "company", "b", "222")}
    exts = {"a": taxes["111"], "b": taxes["222"], "c": (0, 3, "person", "c", "")}
    store.adopt(taxes, exts)
    assert taxes == exts == {}  # moved out of the dictionaries
    assert len(store) == 3
    # a block of two files' worth of keys: repeats of the adopted keys, of its own, and empties
    base, tax_first, ext_first = store.block(
        1, [5, 6, 7, 8, 9], ["person", "other", "person", "person", "company"],
        ["d", "é", "a", "d", ""], ["444", "", "222", "", "444"])
    assert base == 3
    assert {i: store.record(p) for i, p in tax_first.items()} == {
        2: (0, 2, "company", "b", "222"), 4: (1, 5, "person", "d", "444")}
    assert {i: store.record(p) for i, p in ext_first.items()} == {
        2: (0, 1, "person", "a", "111"), 3: (1, 5, "person", "d", "444")}
    assert store.record(base + 1) == (1, 6, "other", "é", "")
    # rows that are not consecutive, and a file without the externalId column
    base, tax_first, ext_first = store.block(2, [3, 9], ["person", "person"], None, ["", "444"])
    assert ext_first == {} and tax_first == {1: 3}
    assert store.record(base + 1) == (2, 9, "person", "", "444")


def _big_entities(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        for start in range(0, rows, 10_000):
            fh.write("".join(f"{20_000_000_000 + i},person,Name {i},AR,ENT-{i:08d}\n"
                             for i in range(start, min(rows, start + 10_000))))


def test_entity_keys_past_the_spill_cost_a_fraction_of_the_dictionaries(tmp_path: Path) -> None:
    """300,000 more rows in the compact store: about 75 bytes a row, where dictionaries of
    strings and tuples took about 310 (93 MB)."""
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    _big_entities(small, 200_000)
    _big_entities(large, 500_000)
    args = ("--kind", "entities", "--format", "json", "--output", str(tmp_path / "out.json"),
            "--select", "tax-id-duplicate-skipped,entity-external-id-duplicate")
    before = lint_in_child(tmp_path, "check", str(small), *args)
    after = lint_in_child(tmp_path, "check", str(large), *args)
    assert before["status"] == after["status"] == 0  # no key repeats
    assert "numpy" in after["modules"]
    growth_mb = (after["rss_kb"] - before["rss_kb"]) / 1024
    print(f"peak RSS {before['rss_kb'] // 1024} MB, then {after['rss_kb'] // 1024} MB")
    assert growth_mb < 45, f"peak RSS grew {growth_mb:.0f} MB for 300,000 more rows"
