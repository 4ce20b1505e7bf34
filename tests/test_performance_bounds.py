"""Bounds that machine noise cannot break: memory grows only with the keys, heavy imports stay lazy.

No test here times anything; bench/run.py measures speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pycountry

from gu1lint.checks.formats import iso2_codes, iso4217_codes

#: modules a clean CSV file without a configuration file has no use for
NOT_FOR_A_SMALL_CSV = ("frictionless", "openpyxl", "python_calamine", "httpx", "starlette",
                       "uvicorn", "pydantic", "multiprocessing", "stdnum", "pycountry", "numpy")

#: the child's own peak RSS: VmHWM belongs to the memory of the new program, whereas getrusage's
#: ru_maxrss keeps the size of the parent (pytest) that forked it
LINT_AND_REPORT = """
import json, re, resource, sys
from gu1lint.cli import main
status = main(sys.argv[1:])
try:
    with open("/proc/self/status") as fh:
        peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", fh.read()).group(1))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": status, "rss_kb": peak,
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def lint_in_child(cwd: Path, *args: str) -> dict:
    """Run `gu1lint ARGS` in a fresh interpreter; its exit status, peak RSS and modules."""
    done = subprocess.run([sys.executable, "-c", LINT_AND_REPORT, *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def write_transactions(path: Path, rows: int) -> None:
    """A clean transaction file of `rows` rows with unique externalIds."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("external_id,type,amount,currency,transacted_at,description\n")
        for i in range(rows):
            fh.write(f"TX-{i:09d},PAYMENT,{i % 9973}.{i % 100:02d},ARS,"
                     f"2025-03-{i % 28 + 1:02d}T10:00:00Z,\"Pago, factura {i}\"\n")


def test_peak_memory_grows_only_with_the_duplicate_keys(tmp_path: Path) -> None:
    """80,000 more rows may add their externalId index (~150 bytes a row), not the rows."""
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_transactions(small, 10_000)
    write_transactions(large, 90_000)  # under the 100,000-row cap: a clean file
    args = ("--format", "json", "--output", str(tmp_path / "out.json"))
    before = lint_in_child(tmp_path, "check", str(small), *args)
    after = lint_in_child(tmp_path, "check", str(large), *args)
    assert before["status"] == after["status"] == 0
    print(f"peak RSS {before['rss_kb'] // 1024} MB, then {after['rss_kb'] // 1024} MB")
    growth_mb = (after["rss_kb"] - before["rss_kb"]) / 1024
    assert growth_mb < 30, f"peak RSS grew {growth_mb:.0f} MB for 80,000 more rows"
    assert after["rss_kb"] / 1024 < 200


def test_a_small_csv_imports_no_heavy_module(tmp_path: Path) -> None:
    """The pre-commit case: a few good rows, no configuration file."""
    path = tmp_path / "entities.csv"
    path.write_text("tax_id,type,suggested_name,country_code,external_id\n"
                    '20123456786,company,"Acme, S.A.",AR,e1\n'
                    "111.444.777-35,person,João Araújo,BR,e2\n"
                    "12.345.678-5,person,Ana Muñoz,CL,e3\n", encoding="utf-8")
    child = lint_in_child(tmp_path, "check", str(path), "--format", "json",
                          "--output", str(tmp_path / "out.json"))
    assert child["status"] == 0
    assert [m for m in NOT_FOR_A_SMALL_CSV if m in child["modules"]] == []


def test_the_code_lists_read_without_pycountry_are_pycountrys() -> None:
    assert iso2_codes() == frozenset(c.alpha_2 for c in pycountry.countries)
    assert iso4217_codes() == frozenset(c.alpha_3 for c in pycountry.currencies)


def test_fewer_collections_during_a_lint_and_the_thresholds_restored_after(
        tmp_path: Path) -> None:
    import gc

    import gu1lint.engine as engine
    from gu1lint.cli import main

    seen: list[tuple[int, int, int]] = []
    original = engine._lint

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    path = tmp_path / "tx.csv"
    path.write_text("externalId,type,amount,currency\nT1,PAYMENT,1,USD\n", encoding="utf-8")
    before = gc.get_threshold()
    engine._lint = spy  # type: ignore[assignment]
    try:
        assert main(["check", str(path), "--kind", "transactions", "--format", "json"]) == 0
    finally:
        engine._lint = original  # type: ignore[assignment]
    assert seen and seen[0][0] >= 100_000 and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
