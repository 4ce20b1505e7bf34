"""`gu1lint upload` against the emulator over real HTTP on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import emulator_support
import pytest
from emulator_support import (
    ENTITY_HEADER,
    EVENT_MAPPING,
    TX_HEADER,
    seed_mapping,
    server_findings,
    upload,
    write,
)

api = emulator_support.api
emulator_server = emulator_support.emulator_server

CLEAN_TX = TX_HEADER + "T-1,PAYMENT,10.50,USD,2025-01-02T10:00:00Z\nT-2,TRANSFER,0,BRL,\n"
CLEAN_ENTITIES = (
    ENTITY_HEADER + "20-12345678-6,person,Ana Perez,AR,E-1\n"
    "11.222.333/0001-81,company,Acme Ltda,BR,E-2\n"
)
BAD_TX = (
    TX_HEADER + "B-1,PAYMENT,10,USD,\nB-2,PAYMENT,-5,USD,\nB-1,PAYMENT,3,USD,\n"
    "B-3,PAYMNT,1,USD,\nB-4,PAYMENT,1,USD,31/12/2025\n"
)


def test_clean_transactions_upload_passes(api, tmp_path: Path, capsys) -> None:
    status, report, err = upload(capsys, write(tmp_path / "tx.csv", CLEAN_TX))
    assert status == 0
    assert server_findings(report) == []
    assert any("completed, 2 rows: 2 succeeded, 0 failed" in n for n in report["notes"])
    assert "batchErrorHandling=continue_collect_errors" in err and "rollback_all" in err


def test_clean_entities_upload_passes(api, tmp_path: Path, capsys) -> None:
    status, report, _ = upload(
        capsys, write(tmp_path / "e.csv", CLEAN_ENTITIES), "--kind", "entities"
    )
    assert (status, server_findings(report)) == (0, [])


def test_clean_user_events_upload_with_saved_mapping_passes(api, tmp_path: Path, capsys) -> None:
    saved = seed_mapping(api, EVENT_MAPPING)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"mapping": saved}), encoding="utf-8")
    events = write(
        tmp_path / "ev.csv",
        "Event,Tax,When\nLOGIN_SUCCESS,20123456786,2025-01-02T10:00:00Z\nLOGOUT,20123456786,\n",
    )
    status, report, _ = upload(capsys, events, "--mapping", str(mapping))
    assert (status, server_findings(report)) == (0, [])


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def seed_fixture_mappings(api) -> None:
    """The saved mappings of fixtures/mappings, as the organization would hold them."""
    for path in sorted((FIXTURES / "mappings").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        for mapping in body.get("mappings", [body.get("mapping", body)]):
            if isinstance(mapping, dict) and mapping.get("id"):
                api.state.org("default").mappings[mapping["id"]] = mapping


def scenario(name: str) -> dict:
    path = FIXTURES / "expected" / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"fixture scenario {name} is not there")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_clean_fixtures_upload_in_one_call(api, capsys, monkeypatch) -> None:
    if not (FIXTURES / "gu1lint.toml").is_file():
        pytest.skip("fixtures/gu1lint.toml is not there")
    monkeypatch.chdir(FIXTURES)
    seed_fixture_mappings(api)
    status, report, err = upload(capsys, "--config", "gu1lint.toml", "clean")
    assert (status, server_findings(report)) == (0, []), err
    jobs = api.state.org("default").jobs.values()
    assert sorted(j.kind for j in jobs) == ["entities", "transactions", "user-events"]
    assert {j.status for j in jobs} == {"completed"}


@pytest.mark.parametrize("variant", ["csv", "xlsx", "json"])
def test_each_clean_transaction_fixture_uploads(api, capsys, monkeypatch, variant: str) -> None:
    case = scenario("transactions-clean")
    monkeypatch.chdir(FIXTURES)
    entities = case["args"][case["args"].index("--entities") + 1]
    assert upload(capsys, entities, "--kind", "entities")[0] == 0
    path = case["paths"][0].rsplit(".", 1)[0] + "." + variant
    status, report, err = upload(capsys, path, *case["args"])
    assert (status, server_findings(report)) == (0, []), err


BAD_FIXTURE_CODES = {
    "transactions-bad": {"INVALID_ENTITY_REFERENCES"},
    "transactions-bad-rows": {"VALIDATION_ERROR", "CONSTRAINT_VIOLATION"},
    "entities-bad": {"VALIDATION_ERROR", "SKIPPED_DUPLICATE_TAX_ID", "TAX_ID_TYPE_MISMATCH"},
    "entities-bad-automatic": {
        "VALIDATION_ERROR",
        "SKIPPED_ENTITY_ALREADY_EXISTS",
        "TAX_ID_TYPE_MISMATCH",
        "DUPLICATE_EXTERNAL_ID",
    },
    "user-events-bad": {"VALIDATION_ERROR", "ENTITY_NOT_FOUND"},
}


@pytest.mark.parametrize("name", sorted(BAD_FIXTURE_CODES))
def test_forced_bad_fixtures_fail_with_the_expected_server_codes(
    api, capsys, monkeypatch, name: str
) -> None:
    case = scenario(name.removesuffix("-rows"))
    args = list(case["args"])
    if name.endswith("-rows"):  # without the whole-job reference check: the row failures
        args.remove("--validate-existing-entity")
    monkeypatch.chdir(FIXTURES)
    seed_fixture_mappings(api)
    if "--entities" in args:
        assert upload(capsys, args[args.index("--entities") + 1], "--kind", "entities")[0] == 0
    status, report, err = upload(capsys, *case["paths"], *args, "--force")
    found = [f for f in report["findings"] if "server" in f["rule"]]
    assert status == 1, err
    assert {f["code"] for f in found} == BAD_FIXTURE_CODES[name]
    assert [f for f in found if f["rule"] == "unpredicted-server-failure"] == []


def test_nothing_is_uploaded_when_lint_finds_errors(api, tmp_path: Path, capsys) -> None:
    status, report, _ = upload(capsys, write(tmp_path / "bad.csv", BAD_TX))
    assert status == 1
    assert api.state.org("default").jobs == {}
    assert any("nothing was uploaded" in n for n in report["notes"])


def test_forced_bad_transactions_fail_with_the_predicted_codes(api, tmp_path: Path, capsys) -> None:
    status, report, _ = upload(capsys, write(tmp_path / "bad.csv", BAD_TX), "--force")
    assert status == 1
    assert server_findings(report) == [
        "3 VALIDATION_ERROR server-failure B-2",
        "4 CONSTRAINT_VIOLATION server-failure B-1",
        "5 VALIDATION_ERROR server-failure B-3",
        "6 VALIDATION_ERROR server-failure B-4",
    ]


def test_forced_bad_entities_fail_and_skips_are_warnings(api, tmp_path: Path, capsys) -> None:
    bad = (
        ENTITY_HEADER + "20123456786,person,Ana,AR,E-1\n20123456786,company,Ana SA,AR,E-2\n"
        "20-12345678-6,person,Ana again,AR,E-3\n30712345671,company,,AR,E-4\n"
        "27123456780,person,Bo,AR,E-1\n"
    )
    status, report, _ = upload(
        capsys, write(tmp_path / "e.csv", bad), "--kind", "entities", "--force"
    )
    assert status == 1
    assert server_findings(report) == [
        "3 TAX_ID_TYPE_MISMATCH server-failure 20123456786",
        "4 SKIPPED_DUPLICATE_TAX_ID server-skip 20123456786",
        "5 VALIDATION_ERROR server-failure 30712345671",
        "6 DUPLICATE_EXTERNAL_ID server-failure 27123456780",
    ]
    skip = next(f for f in report["findings"] if f["rule"] == "server-skip")
    assert skip["severity"] == "warning"


def test_a_failure_no_rule_predicted_is_a_gap(api, tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "tx.csv", CLEAN_TX)
    assert upload(capsys, path)[0] == 0
    status, report, _ = upload(capsys, path)  # the externalIds now exist in the organization
    assert status == 1
    assert server_findings(report) == [
        "2 CONSTRAINT_VIOLATION unpredicted-server-failure T-1",
        "3 CONSTRAINT_VIOLATION unpredicted-server-failure T-2",
    ]


def test_too_many_items_is_a_request_failure(api, tmp_path: Path, capsys, monkeypatch) -> None:
    api.state.caps = {"entities": 2}
    monkeypatch.setenv("BULK_AUTOMATIC_ENTITY_MAX_ITEMS", "2")
    rows = "".join(f"2012345678{i},person,N{i},AR,X{i}\n" for i in range(3))
    status, report, _ = upload(
        capsys, write(tmp_path / "e.csv", ENTITY_HEADER + rows), "--kind", "entities", "--force"
    )
    assert status == 1
    assert server_findings(report) == ["None TOO_MANY_ITEMS server-failure None"]
    assert "[import-over-item-limit]" in report["findings"][-1]["message"] or any(
        "[import-over-item-limit]" in f["message"] for f in report["findings"]
    )


def test_transaction_plan_limit_400_without_code(api, tmp_path: Path, capsys) -> None:
    api.state.plan = "freemium"
    rows = "".join(f"P-{i},PAYMENT,1,USD,\n" for i in range(4001))
    status, report, _ = upload(
        capsys, write(tmp_path / "tx.csv", TX_HEADER + rows), "--plan", "freemium", "--force"
    )
    assert status == 1
    assert server_findings(report) == ["None PLAN_LIMIT_EXCEEDED server-failure None"]


def test_invalid_entity_references_fail_the_whole_job(api, tmp_path: Path, capsys) -> None:
    entities = write(tmp_path / "e.csv", CLEAN_ENTITIES)
    tx = write(
        tmp_path / "tx.csv",
        "external_id,type,amount,currency,origin_external_id\n"
        "R-1,PAYMENT,1,USD,E-1\nR-2,PAYMENT,1,USD,E-404\n",
    )
    status, report, _ = upload(
        capsys, entities, tx, "--validate-existing-entity", "--entities", entities, "--force"
    )
    assert status == 1
    assert server_findings(report) == ["None INVALID_ENTITY_REFERENCES server-failure None"]
    assert any("transactions): failed" in n for n in report["notes"])


def test_rollback_all_stores_no_row_failures(api, tmp_path: Path, capsys) -> None:
    status, report, err = upload(
        capsys,
        write(tmp_path / "bad.csv", BAD_TX),
        "--force",
        "--batch-error-handling",
        "rollback_all",
    )
    assert status == 1
    assert server_findings(report) == ["None VALIDATION_ERROR server-failure None"]
    assert "continue_collect_errors" not in err
    assert api.state.org("default").transaction_ids == set()


def test_stop_keep_success_stops_at_the_first_failure(api, tmp_path: Path, capsys) -> None:
    status, report, _ = upload(
        capsys,
        write(tmp_path / "bad.csv", BAD_TX),
        "--force",
        "--batch-error-handling",
        "stop_keep_success",
    )
    assert status == 1
    assert server_findings(report) == ["3 VALIDATION_ERROR server-failure B-2"]
    assert api.state.org("default").transaction_ids == {"B-1"}


def test_truncated_failures_are_read_in_full_from_the_csv(api, tmp_path: Path, capsys) -> None:
    rows = "".join(f"N-{i},PAYMENT,-1,USD,\n" for i in range(600))
    status, report, _ = upload(capsys, write(tmp_path / "tx.csv", TX_HEADER + rows), "--force")
    assert status == 1
    found = [f for f in report["findings"] if f["rule"] == "server-failure"]
    assert len(found) == 600
    assert found[-1]["row"] == 601 and found[-1]["key"] == "N-599"


def test_retries_after_503_answers(api, tmp_path: Path, capsys) -> None:
    api.state.fail_first = 3
    status, report, _ = upload(capsys, write(tmp_path / "tx.csv", CLEAN_TX))
    assert (status, server_findings(report)) == (0, [])
    assert api.state.fail_first == 0


def test_a_server_that_keeps_failing_is_exit_2(api, tmp_path: Path, capsys) -> None:
    api.state.fail_first = 50
    status, _, err = upload(capsys, write(tmp_path / "tx.csv", CLEAN_TX))
    assert status == 2
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("gu1lint: error: POST /transactions/batch/upload: HTTP 503")
    )


def test_a_job_that_outlasts_the_timeout(api, tmp_path: Path, capsys) -> None:
    api.state.step_delay = 30.0
    status, report, _ = upload(capsys, write(tmp_path / "tx.csv", CLEAN_TX), "--timeout", "0.2")
    assert status == 1
    assert any("still queued" in n and "gu1lint failures" in n for n in report["notes"])
