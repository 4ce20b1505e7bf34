"""Fixtures for the upload and emulator tests: the emulator on a free loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gu1lint.cli import main
from gu1lint.emulator.serve import EmulatorThread, parse_tokens
from gu1lint.emulator.state import EmulatorState

TOKEN = "gk_test_9f8e7d6c5b4a_emulator_secret"
OTHER_TOKEN = "gk_test_other_org_2b3c4d"
NO_SCOPE_TOKEN = "gk_test_no_scope_7a6b5c"
SCOPES = frozenset(("transactions:create", "entities:bulk_import", "events:create"))

TX_HEADER = "external_id,type,amount,currency,transacted_at\n"
ENTITY_HEADER = "tax_id,type,suggested_name,country_code,external_id\n"
EVENT_MAPPING = {
    "name": "events",
    "target": "user_event",
    "columnMapping": {"Event": "eventType", "Tax": "taxId", "When": "timestamp"},
}


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[EmulatorThread]:
    """One emulator per test module, always stopped."""
    tokens = parse_tokens([TOKEN, f"{OTHER_TOKEN}@other", f"{NO_SCOPE_TOKEN}@default="])
    with EmulatorThread(EmulatorState(tokens, step_delay=0.0)) as server:
        yield server


@pytest.fixture
def api(emulator_server: EmulatorThread, monkeypatch: pytest.MonkeyPatch) -> EmulatorThread:
    """A clean emulator state, and GU1_API_KEY / GU1_API_URL pointing at it."""
    state = emulator_server.state
    state.reset()
    state.step_delay, state.retry_after, state.fail_status = 0.0, 0, 503
    state.caps = {}
    state.plan = "growth"
    monkeypatch.setenv("GU1_API_KEY", TOKEN)
    monkeypatch.setenv("GU1_API_URL", emulator_server.url)
    for name in ("BULK_AUTOMATIC_ENTITY_MAX_ITEMS", "USER_EVENT_BATCH_IMPORT_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    return emulator_server


def write(path: Path, text: str) -> str:
    """Write a small import file and return its path as text."""
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    """Run a gu1lint command with --format json; (status, report or {}, stderr)."""
    status = main([*args, "--format", "json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out) if captured.out.strip() else {}
    return status, report, captured.err


def upload(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    """`gu1lint upload` with a fast poll and a bounded wait."""
    timeout = () if "--timeout" in args else ("--timeout", "60")
    return run_cli(capsys, "upload", *args, "--poll-interval", "0.05", *timeout)


def server_findings(report: dict) -> list[str]:
    """Server findings as 'row CODE rule key' strings, in report order."""
    return [
        f"{f['row']} {f['code']} {f['rule']} {f['key']}"
        for f in report["findings"]
        if "server" in f["rule"]
    ]


def seed_mapping(server: EmulatorThread, mapping: dict, org: str = "default") -> dict:
    """Save a mapping in the emulator's organization as the API would, and return it."""
    saved = {"id": "5d1c1f0e-0000-4000-8000-00000000e001", **mapping}
    server.state.org(org).mappings[saved["id"]] = saved
    return saved
