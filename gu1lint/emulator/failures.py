"""The emulator's job status and failures bodies (JSON and CSV), shaped as the docs show them."""

from __future__ import annotations

import csv
import io
from typing import Any

from gu1lint.emulator.state import FAILURES_CAP, JOB_KINDS, Job

CSV_COLUMNS = {
    "transactions": (("external_id", "externalId"), ("code", "code"), ("error", "message")),
    "entities": (
        ("tax_id", "taxId"),
        ("type", "type"),
        ("outcome", "outcome"),
        ("code", "code"),
        ("error_message", "message"),
    ),
    "user-events": (("row_key", "rowKey"), ("code", "code"), ("error", "message")),
}


def counters(job: Job) -> dict[str, Any]:
    """The envelope shared by the status and failures bodies."""
    return {
        "jobId": job.id,
        "kind": JOB_KINDS[job.kind],
        "status": job.status,
        "totalItems": job.total,
        "succeeded": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
    }


def job_body(job: Job) -> dict[str, Any]:
    """GET /batch-import/jobs/{jobId} without include."""
    return {
        "success": True,
        "job": {
            **counters(job),
            "heartbeatAt": job.created_at,
            "leaseExpiresAt": None,
            "workerError": job.worker_error,
            "createdAt": job.created_at,
            "completedAt": job.completed_at,
            "metadata": job.metadata,
            "jobFailure": job.job_failure,
        },
    }


def failures_body(job: Job) -> dict[str, Any]:
    """The kind's failures JSON: at most 500 failures, `truncated` and `failuresTotal`."""
    body: dict[str, Any] = {
        "success": True,
        **counters(job),
        "failures": job.failures[:FAILURES_CAP],
        "truncated": len(job.failures) > FAILURES_CAP,
        "failuresTotal": len(job.failures),
    }
    if job.job_failure:
        body["jobFailure"] = job.job_failure
    if job.kind == "entities":
        body["skips"] = job.skips[:FAILURES_CAP]
        body["skipsTotal"] = len(job.skips)
    return body


def failures_csv(job: Job, legacy: bool = False) -> str:
    """Every stored failure (the CSV is not capped); `legacy` drops the code column."""
    columns = [c for c in CSV_COLUMNS[job.kind] if not (legacy and c[0] == "code")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    for failure in job.failures:
        writer.writerow([failure.get(key, "") for _, key in columns])
    return out.getvalue()
