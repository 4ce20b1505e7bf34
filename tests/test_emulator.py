"""The emulator's endpoints over real HTTP on loopback, as the reference documents them."""

from __future__ import annotations

import subprocess
import sys
import time

import emulator_support
import httpx
import pytest
from emulator_support import ENTITY_HEADER, NO_SCOPE_TOKEN, OTHER_TOKEN, TOKEN, TX_HEADER

api = emulator_support.api
emulator_server = emulator_support.emulator_server

GOOD_TX = TX_HEADER + "T-1,PAYMENT,1,USD,\n"


@pytest.fixture
def http(api) -> httpx.Client:
    with httpx.Client(
        base_url=api.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    ) as client:
        yield client


def post_file(http: httpx.Client, path: str, name: str, text: str, **form: str) -> httpx.Response:
    return http.post(path, files=[("file", (name, text.encode(), "text/csv"))], data=form)


def wait(http: httpx.Client, job_id: str) -> dict:
    for _ in range(600):  # bounded: at most 600 polls
        job = http.get(f"/batch-import/jobs/{job_id}").json()["job"]
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.01)
    raise AssertionError("the job did not finish")


def test_the_emulator_never_imports_the_checks() -> None:
    code = (
        "import sys, gu1lint.emulator.app, gu1lint.emulator.serve;"
        "bad = [m for m in sys.modules if m.startswith(('gu1lint.checks', 'gu1lint.engine'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_check_never_imports_the_http_stack(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(GOOD_TX, encoding="utf-8")
    code = (
        "import sys; from gu1lint.cli import main; main(['check', sys.argv[1]]);"
        "bad = [m for m in ('httpx', 'starlette', 'uvicorn') if m in sys.modules];"
        "sys.exit(3 if bad else 0)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True).returncode == 0
    )


def test_jobs_move_from_queued_to_completed(api, http) -> None:
    api.state.step_delay = 0.2
    answer = post_file(http, "/transactions/batch/upload", "t.csv", GOOD_TX)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    seen = []
    for _ in range(500):
        status = http.get(f"/batch-import/jobs/{answer.json()['jobId']}").json()["job"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "completed":
            break
        time.sleep(0.01)
    assert seen[0] == "queued" and seen[-1] == "completed"


def test_auth_401_403_and_another_organizations_job_is_404(api, http) -> None:
    job_id = post_file(http, "/transactions/batch/upload", "t.csv", GOOD_TX).json()["jobId"]
    path = f"/batch-import/transaction-jobs/{job_id}/failures"
    assert httpx.get(api.url + path).status_code == 401
    assert httpx.get(api.url + path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert (
        httpx.get(api.url + path, headers={"Authorization": f"Bearer {NO_SCOPE_TOKEN}"}).status_code
        == 403
    )
    assert (
        httpx.get(api.url + path, headers={"Authorization": f"Bearer {OTHER_TOKEN}"}).status_code
        == 404
    )
    assert http.get(f"/batch-import/entity-jobs/{job_id}/failures").status_code == 404
    assert http.get(path).status_code == 200


def test_failures_json_csv_and_include(http) -> None:
    bad = TX_HEADER + "A,PAYMENT,1,USD,\nA,PAYMENT,2,USD,\n"
    job_id = post_file(
        http,
        "/batch-import/import/transactions",
        "t.csv",
        bad,
        batchErrorHandling="continue_collect_errors",
        validateExistingEntity="false",
    ).json()["jobId"]
    wait(http, job_id)
    body = http.get(f"/batch-import/transaction-jobs/{job_id}/failures").json()
    assert body["failures"] == [
        {
            "externalId": "A",
            "code": "CONSTRAINT_VIOLATION",
            "message": body["failures"][0]["message"],
        }
    ]
    assert http.get(f"/batch-import/jobs/{job_id}", params={"include": "failures"}).json() == body
    csv_answer = http.get(f"/batch-import/transaction-jobs/{job_id}/failures.csv")
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.text.splitlines()[0] == "external_id,code,error"


def test_entity_skips_and_the_legacy_csv_alias(http) -> None:
    rows = ENTITY_HEADER + "20123456786,person,Ana,AR,\n20-12345678-6,person,Ana,AR,\n"
    job_id = post_file(http, "/batch-import/import/entities", "e.csv", rows).json()["jobId"]
    job = wait(http, job_id)
    assert (job["succeeded"], job["skipped"]) == (1, 1)
    body = http.get(f"/batch-import/entity-jobs/{job_id}/failures").json()
    assert body["skips"] == [
        {
            "taxId": "20123456786",
            "type": "person",
            "outcome": "skipped_existing",
            "code": "SKIPPED_DUPLICATE_TAX_ID",
        }
    ]
    assert body["skipsTotal"] == 1 and body["failures"] == []
    legacy = http.get(f"/entities/automatic/bulk/imports/{job_id}/failures.csv")
    assert legacy.text.splitlines() == ["tax_id,type,outcome,code,error_message"]


def test_pre_job_refusals(api, http) -> None:
    many = [("file", (f"t{i}.csv", GOOD_TX.encode(), "text/csv")) for i in range(6)]
    answer = http.post("/transactions/batch/upload", files=many)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "TOO_MANY_FILES"
    answer = post_file(http, "/batch-import/import/user-events", "e.csv", "eventType\nX\n")
    assert answer.status_code == 400 and "mappingId" in answer.json()["error"]["message"]
    answer = post_file(http, "/batch-import/import/entities", "e.json", "[]")
    assert answer.json()["error"]["code"] == "UNSUPPORTED_FILE_FORMAT"
    api.state.caps = {"user-events": 1}
    mapping = http.post(
        "/batch-import/mappings",
        json={"name": "m", "target": "user_event", "columnMapping": {"e": "eventType"}},
    ).json()["mapping"]
    answer = post_file(
        http,
        "/batch-import/import/user-events",
        "e.csv",
        "e,tax_id\nA,1\nB,2\n",
        mappingId=mapping["id"],
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "TOO_MANY_ITEMS"
    answer = post_file(
        http, "/transactions/batch/upload", "t.csv", GOOD_TX, batchErrorHandling="sometimes"
    )
    assert answer.status_code == 400


def test_mappings_list_create_update_delete(http) -> None:
    assert http.get("/batch-import/mappings").json() == {"mappings": []}
    created = http.post(
        "/batch-import/mappings",
        json={"name": "tx", "target": "transaction", "columnMapping": {"ID": "externalId"}},
    )
    assert created.status_code == 201
    mapping_id = created.json()["mapping"]["id"]
    updated = http.patch(f"/batch-import/mappings/{mapping_id}", json={"name": "tx2"})
    assert updated.json()["mapping"]["name"] == "tx2"
    assert http.get("/batch-import/mappings").json()["mappings"][0]["name"] == "tx2"
    assert (
        http.post(
            "/batch-import/mappings", json={"name": "x", "target": "nope", "columnMapping": {}}
        ).status_code
        == 400
    )
    assert http.delete(f"/batch-import/mappings/{mapping_id}").json() == {"ok": True}
    assert http.delete(f"/batch-import/mappings/{mapping_id}").status_code == 404
    assert http.patch(f"/batch-import/mappings/{mapping_id}", json={}).status_code == 404


def test_limits_follow_the_plan(api, http) -> None:
    api.state.plan = "startup"
    body = http.get("/individual-organization/batch-upload-enabled").json()
    assert (body["plan"], body["maxTransactionsPerFile"], body["maxUserEventRowsPerFile"]) == (
        "startup",
        12000,
        12000,
    )


def test_the_fail_first_switch(api, http) -> None:
    api.state.fail_first, api.state.retry_after = 2, 3
    answers = [http.get("/batch-import/mappings") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "3"


def test_validate_existing_entity_defaults_to_true(http) -> None:
    rows = "external_id,type,amount,currency,destination_external_id\nT,PAYMENT,1,USD,NOPE\n"
    job_id = post_file(http, "/transactions/batch/upload", "t.csv", rows).json()["jobId"]
    job = wait(http, job_id)
    assert job["status"] == "failed"
    assert job["jobFailure"]["code"] == "INVALID_ENTITY_REFERENCES"


def test_tokens_and_mapping_files_of_the_command_line(tmp_path) -> None:
    from gu1lint.commands.emulator import load_mappings
    from gu1lint.emulator.serve import parse_tokens
    from gu1lint.errors import UsageError

    assert parse_tokens(["a", "b@acme", "c@acme=events:create", "d@x="]) == {
        "a": ("default", emulator_support.SCOPES),
        "b": ("acme", emulator_support.SCOPES),
        "c": ("acme", frozenset({"events:create"})),
        "d": ("x", frozenset()),
    }
    with pytest.raises(UsageError):
        parse_tokens(["e@x=admin"])
    listed = tmp_path / "list.json"
    listed.write_text('{"mappings": [{"id": "m1", "columnMapping": {}}, {"name": "no id"}]}')
    single = tmp_path / "one.json"
    single.write_text('{"mapping": {"id": "m2", "columnMapping": {}}}')
    assert [m["id"] for m in load_mappings((str(listed), str(single)))] == ["m1", "m2"]
    single.write_text('{"columnMapping": {}}')
    with pytest.raises(UsageError):
        load_mappings((str(single),))
