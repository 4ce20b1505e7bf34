"""Shared test helpers: run the CLI in-process and read its JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gu1lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    """Run `gu1lint check ... --format json` and return (exit status, report)."""
    status = main(["check", *args, "--format", "json"])
    out = capsys.readouterr().out
    return status, json.loads(out)


def triples(report: dict) -> list[str]:
    """Findings as 'row:column CODE rule' strings, in report order."""
    return [f"{f['row']}:{f['column']} {f['code']} {f['rule']}" for f in report["findings"]]


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the project; tests that need it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (the design folder beside the project) is not present")
    return SHARED
