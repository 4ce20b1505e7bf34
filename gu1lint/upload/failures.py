"""The failures of a job as the API returns them: JSON of each kind, and CSV read by header name."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from gu1lint.errors import ApiError

JOB_KINDS = {
    "transactions": "transaction_batch",
    "entities": "entity_automatic",
    "user-events": "user_event_batch",
}
FAILURE_PATHS = {
    "transactions": "transaction-jobs",
    "entities": "entity-jobs",
    "user-events": "user-event-jobs",
}
#: the key of a failure per kind: (JSON field, CSV column)
KEY_FIELDS = {
    "transactions": ("externalId", "external_id"),
    "entities": ("taxId", "tax_id"),
    "user-events": ("rowKey", "row_key"),
}
#: the message column: `error` for transactions and user events, `error_message` for entities
MESSAGE_COLUMNS = ("error", "error_message", "message")
_TAX_ID_STRIP = re.compile(r"[.\-/ ]")


@dataclass(frozen=True)
class ServerFailure:
    """One failed or skipped row as the server reports it."""

    key: str
    code: str
    message: str
    type: str | None = None
    skip: bool = False
    derived: bool = False  # a legacy row without a code: the code was read from the message


@dataclass
class JobFailures:
    """A job's counters, row failures, skips and whole-job failure."""

    job_id: str
    kind: str
    status: str = "unknown"
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[ServerFailure] = field(default_factory=list)
    skips: list[ServerFailure] = field(default_factory=list)
    job_failure: dict[str, Any] | None = None
    truncated: bool = False
    failures_total: int = 0
    worker_error: str | None = None


def normalize_key(kind: str, key: str) -> str:
    """Keys compare as the server stores them: taxIds without . - / and spaces, upper case."""
    key = key.strip()
    return _TAX_ID_STRIP.sub("", key).upper() if kind == "entities" else key


def parse_failures_json(kind: str, body: Any) -> JobFailures:
    """The kind's failures JSON (or the job status with include=failures)."""
    if not isinstance(body, dict):
        raise ApiError("the failures answer is not a JSON object")
    body = body.get("job") if isinstance(body.get("job"), dict) and "failures" not in body else body
    json_key = KEY_FIELDS[kind][0]
    result = JobFailures(
        job_id=str(body.get("jobId", "")),
        kind=kind,
        status=str(body.get("status", "unknown")),
        total=_int(body.get("totalItems")),
        succeeded=_int(body.get("succeeded")),
        failed=_int(body.get("failed")),
        skipped=_int(body.get("skipped")),
        job_failure=body.get("jobFailure") if isinstance(body.get("jobFailure"), dict) else None,
        truncated=bool(body.get("truncated")),
        worker_error=body.get("workerError"),
    )
    for item in _objects(body.get("failures")):
        result.failures.append(_failure(kind, item, json_key))
    for item in _objects(body.get("skips")):
        result.skips.append(_failure(kind, item, json_key, skip=True))
    result.failures_total = _int(body.get("failuresTotal")) or len(result.failures)
    return result


def _failure(kind: str, item: dict[str, Any], key_field: str, skip: bool = False) -> ServerFailure:
    message = str(item.get("message") or item.get("error") or item.get("error_message") or "")
    code = str(item.get("code") or "")
    derived = not code
    return ServerFailure(
        key=normalize_key(kind, str(item.get(key_field) or "")),
        code=code or derive_code(message),
        message=message,
        type=(str(item["type"]).strip() if item.get("type") is not None else None),
        skip=skip,
        derived=derived,
    )


def parse_failures_csv(kind: str, text: str) -> list[ServerFailure]:
    """A failures CSV read by header name (the 2026-06-04 change); legacy CSVs lack `code`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if reader.fieldnames is None:
        return []
    names = {_column(h): h for h in reader.fieldnames if h is not None}
    key_column = names.get(KEY_FIELDS[kind][1]) or names.get(_column(KEY_FIELDS[kind][0]))
    if key_column is None:
        raise ApiError(
            f"the failures CSV has no {KEY_FIELDS[kind][1]} column "
            f"(columns: {', '.join(reader.fieldnames)})"
        )
    message_column = next((names[c] for c in MESSAGE_COLUMNS if c in names), None)
    found = []
    for row in reader:
        message = (row.get(message_column) or "") if message_column else ""
        code = (row.get(names["code"]) or "").strip() if "code" in names else ""
        kind_value = row.get(names["type"]) if "type" in names else None
        found.append(
            ServerFailure(
                key=normalize_key(kind, row.get(key_column) or ""),
                code=code or derive_code(message),
                message=message,
                type=kind_value.strip() if kind_value else None,
                derived=not code,
            )
        )
    return found


def _column(header: str) -> str:
    return header.strip().lstrip("\ufeff").lower().replace(" ", "_")


#: words of a legacy free-text error and the code the server gives such rows today
_LEGACY_WORDS = (
    (re.compile(r"unique|duplicate key|already exists|constraint", re.I), "CONSTRAINT_VIOLATION"),
    (re.compile(r"entity.*not found|not found.*entity", re.I), "ENTITY_NOT_FOUND"),
    (re.compile(r"required|invalid|must be|validation|not a valid", re.I), "VALIDATION_ERROR"),
)
_CODE_TOKEN = re.compile(r"\b[A-Z][A-Z_]{5,}[A-Z]\b")


def derive_code(message: str) -> str:
    """A code for a legacy row with free text only: a code named in the text, else by its words.

    The failure-codes page says old jobs hold only free text, which the API turns into a code
    when read; gu1lint does the same for legacy CSVs and falls back to PROCESSING_ERROR.
    """
    from gu1lint.catalog import load_catalog

    codes = load_catalog().codes
    for token in _CODE_TOKEN.findall(message):
        if token in codes:
            return token
    for pattern, code in _LEGACY_WORDS:
        if pattern.search(message):
            return code
    return "PROCESSING_ERROR"


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
