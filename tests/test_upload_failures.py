"""The failures parser: JSON of each kind, CSV by header name, legacy CSV without `code`."""

from __future__ import annotations

from gu1lint.upload.failures import ServerFailure, parse_failures_csv, parse_failures_json


def test_transaction_csv_is_read_by_header_name_in_any_order() -> None:
    text = "\ufeffcode,error,external_id\r\nCONSTRAINT_VIOLATION,dup,T-1\r\n"
    assert parse_failures_csv("transactions", text) == [
        ServerFailure(key="T-1", code="CONSTRAINT_VIOLATION", message="dup")
    ]


def test_legacy_transaction_csv_without_code_gets_a_code_from_its_message() -> None:
    text = (
        "external_id,error\n"
        'T-1,duplicate key value violates unique constraint "tx_external_id"\n'
        "T-2,amount is required\nT-3,VALIDATION_ERROR: bad currency\nT-4,worker crashed\n"
    )
    found = parse_failures_csv("transactions", text)
    assert [(f.key, f.code, f.derived) for f in found] == [
        ("T-1", "CONSTRAINT_VIOLATION", True),
        ("T-2", "VALIDATION_ERROR", True),
        ("T-3", "VALIDATION_ERROR", True),
        ("T-4", "PROCESSING_ERROR", True),
    ]


def test_entity_csv_columns_and_normalized_tax_ids() -> None:
    text = (
        "tax_id,type,outcome,code,error_message\n"
        "20-12345678-6,person,failed,TAX_ID_TYPE_MISMATCH,exists as company\n"
    )
    assert parse_failures_csv("entities", text) == [
        ServerFailure(
            key="20123456786",
            code="TAX_ID_TYPE_MISMATCH",
            message="exists as company",
            type="person",
        )
    ]


def test_user_event_csv_row_key() -> None:
    text = "row_key,code,error\nrow_5,VALIDATION_ERROR,Required field empty\n"
    assert parse_failures_csv("user-events", text) == [
        ServerFailure(key="row_5", code="VALIDATION_ERROR", message="Required field empty")
    ]


def test_transaction_json_with_job_failure_and_truncation() -> None:
    body = {
        "success": True,
        "jobId": "j1",
        "kind": "transaction_batch",
        "status": "failed",
        "totalItems": 900,
        "succeeded": 0,
        "failed": 900,
        "skipped": 0,
        "failures": [{"externalId": "A", "code": "CONSTRAINT_VIOLATION", "message": "m"}],
        "jobFailure": {"code": "INVALID_ENTITY_REFERENCES", "message": "bad refs"},
        "truncated": True,
        "failuresTotal": 700,
    }
    found = parse_failures_json("transactions", body)
    assert (found.status, found.total, found.failed, found.truncated, found.failures_total) == (
        "failed",
        900,
        900,
        True,
        700,
    )
    assert found.job_failure == {"code": "INVALID_ENTITY_REFERENCES", "message": "bad refs"}
    assert found.failures == [ServerFailure(key="A", code="CONSTRAINT_VIOLATION", message="m")]


def test_entity_json_failures_and_skips() -> None:
    body = {
        "jobId": "j",
        "status": "completed",
        "failures": [
            {
                "taxId": "30.712.345-671",
                "type": "company",
                "outcome": "failed",
                "code": "DUPLICATE_EXTERNAL_ID",
                "message": "exists",
            }
        ],
        "skips": [
            {
                "taxId": "20123456786",
                "type": "person",
                "outcome": "skipped_existing",
                "code": "SKIPPED_DUPLICATE_TAX_ID",
            }
        ],
        "skipsTotal": 1,
    }
    found = parse_failures_json("entities", body)
    assert found.failures == [
        ServerFailure(
            key="30712345671", code="DUPLICATE_EXTERNAL_ID", message="exists", type="company"
        )
    ]
    assert found.skips == [
        ServerFailure(
            key="20123456786", code="SKIPPED_DUPLICATE_TAX_ID", message="", type="person", skip=True
        )
    ]


def test_user_event_json_and_the_job_status_shape() -> None:
    body = {
        "success": True,
        "job": {
            "jobId": "j",
            "status": "completed",
            "failures": [
                {"rowKey": "row_5", "code": "VALIDATION_ERROR", "message": "Required field empty"}
            ],
        },
    }
    found = parse_failures_json("user-events", body["job"])
    assert found.failures[0].key == "row_5"
    assert parse_failures_json("user-events", {"job": {"status": "running"}}).status == "running"
