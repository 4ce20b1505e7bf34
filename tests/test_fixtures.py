"""The bundled fixtures: each scenario of fixtures/expected/*.json (files + flags) gives exactly
its (code, rule, row) findings and exit status; CSV, XLSX and JSON variants of the same rows give
the same findings; the committed variants are what fixtures/make_xlsx.py writes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import FIXTURES, run_json

from gu1lint.catalog import load_catalog
from gu1lint.cli import main
from gu1lint.errors import ConfigError
from gu1lint.limits import load_limits
from gu1lint.mapping import load_mapping_file

EXPECTED = FIXTURES / "expected"
SCENARIOS = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(EXPECTED.glob("*.json"))}
#: rules that need files too big to commit; tests/rules/ covers them with generated files
TOO_BIG_FOR_FIXTURES = {
    "transaction-file-over-hard-cap": "a file of 100,001 rows",
    "request-body-too-large": "150 MB of transaction files",
}
USER_EVENT_MAPPING_ID = "9d4b6e21-7c3a-4e8f-b5d2-3a1c0f9e8b03"


def fixture_args(args: list[str]) -> list[str]:
    """Flags of a scenario: a value naming a file under fixtures/ becomes its absolute path."""
    return [str(FIXTURES / a) if (FIXTURES / a).is_file() else a for a in args]


def run_scenario(capsys: pytest.CaptureFixture[str], paths: list[str],
                 args: list[str]) -> tuple[int, list[list[Any]]]:
    """Run `check` on fixture files; findings as [code, rule, row] (+ the file when several)."""
    status, report = run_json(capsys, *(str(FIXTURES / p) for p in paths), *fixture_args(args))
    found = []
    for f in report["findings"]:
        item = [f["code"], f["rule"], f["row"]]
        if len(paths) > 1:
            item.append(Path(f["path"]).relative_to(FIXTURES).as_posix())
        found.append(item)
    return status, found


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder so that no discovered configuration changes the results."""
    monkeypatch.chdir(tmp_path)
    for name in ("BULK_AUTOMATIC_ENTITY_MAX_ITEMS", "USER_EVENT_BATCH_IMPORT_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_findings(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = SCENARIOS[name]
    status, found = run_scenario(capsys, scenario["paths"], scenario["args"])
    assert found == scenario["findings"]
    assert status == scenario["status"]


def _variant_cases() -> list[tuple[str, str]]:
    return [(name, fmt) for name, s in sorted(SCENARIOS.items()) for fmt in s.get("variants", [])]


@pytest.mark.parametrize(("name", "fmt"), _variant_cases())
def test_variants_give_the_same_findings(name: str, fmt: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The .xlsx rows are the CSV's rows; a JSON item's row is its position (CSV row - 1)."""
    scenario = SCENARIOS[name]
    paths = [str(Path(p).with_suffix(f".{fmt}")) for p in scenario["paths"]]
    status, found = run_scenario(capsys, paths, scenario["args"])
    shift = 1 if fmt == "json" else 0
    expected = [[c, r, row - shift if row is not None else None]
                for c, r, row in scenario["findings"]]
    assert found == expected
    assert status == scenario["status"]


def test_clean_fixtures_give_no_findings_and_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    clean = [s for n, s in SCENARIOS.items() if n.endswith("-clean")]
    assert {Path(s["paths"][0]).stem for s in clean} == {"transactions", "entities", "user-events"}
    for scenario in clean:
        for fmt in ("csv", *scenario["variants"]):
            paths = [str(Path(p).with_suffix(f".{fmt}")) for p in scenario["paths"]]
            args = [*paths, *scenario["args"], "--fail-on", "warning"]
            status, found = run_scenario(capsys, args[:1], args[1:])
            assert (status, found) == (0, []), paths


def test_bad_fixtures_exit_1_and_print_their_rows(capsys: pytest.CaptureFixture[str]) -> None:
    """The text report names every finding's path:line; the exit status is 1."""
    for kind in ("transactions", "entities", "user-events"):
        scenario = SCENARIOS[f"{kind}-bad"]
        path = FIXTURES / scenario["paths"][0]
        status = main(["check", str(path), *fixture_args(scenario["args"]), "--format", "text"])
        out = capsys.readouterr().out
        assert status == 1
        for _, rule, row in scenario["findings"]:
            if row is not None:
                assert f"{path}:{row}:" in out and f"[{rule}]" in out


def test_fixtures_trigger_every_rule() -> None:
    """Every rule of the catalog fires in some fixture scenario (or is too big to commit)."""
    fired = {f[1] for s in SCENARIOS.values() for f in s["findings"]}
    missing = set(load_catalog().rules) - fired - set(TOO_BIG_FOR_FIXTURES)
    assert not missing, f"rules that no fixture in fixtures/expected/ triggers: {sorted(missing)}"


def test_the_three_mapping_shapes() -> None:
    bare = load_mapping_file(FIXTURES / "mappings" / "transaction-mapping.json")
    wrapped = load_mapping_file(FIXTURES / "mappings" / "entity-person-mapping.json")
    listed = load_mapping_file(FIXTURES / "mappings" / "mappings.json", USER_EVENT_MAPPING_ID)
    assert (bare.target, wrapped.target, listed.target) == ("transaction", "entity_person",
                                                            "user_event")
    assert wrapped.default_fields["countryCode"] == "AR"
    assert listed.id == USER_EVENT_MAPPING_ID
    with pytest.raises(ConfigError, match="--mapping-id"):
        load_mapping_file(FIXTURES / "mappings" / "mappings.json")


def test_a_mapping_list_without_mapping_id_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(FIXTURES / "clean" / "user-events.csv"),
                   "--mapping", str(FIXTURES / "mappings" / "mappings.json")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "--mapping-id" in err


def test_unknown_mapping_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(FIXTURES / "clean" / "user-events.csv"), "--mapping",
                   str(FIXTURES / "mappings" / "mappings.json"), "--mapping-id", "no-such-id"])
    assert status == 2
    assert "no-such-id" in capsys.readouterr().err


def test_limits_fixture_reads_as_the_endpoint_returns_it() -> None:
    limits = load_limits(FIXTURES / "limits" / "limits.json")
    assert limits.plan == "startup"
    assert (limits.transactions, limits.entities, limits.user_events) == (12000, 12000, 12000)
    small = load_limits(FIXTURES / "limits" / "limits-small.json")
    assert (small.plan, small.transactions, small.entities, small.user_events) == (
        "freemium", 10, 20, 5)


def _load_maker() -> Any:
    spec = importlib.util.spec_from_file_location("make_xlsx", FIXTURES / "make_xlsx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(path: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def test_committed_variants_are_what_make_xlsx_writes(tmp_path: Path) -> None:
    _load_maker().main(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written
    for rel in written:
        committed = FIXTURES / rel
        if rel.suffix == ".xlsx":
            assert _cells(tmp_path / rel) == _cells(committed), rel
        else:
            assert (tmp_path / rel).read_text("utf-8") == committed.read_text("utf-8"), rel
