"""One upload request per kind, the job poll with its progress line, and the job's failures."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from gu1lint.errors import ApiError, UsageError
from gu1lint.options import FileOptions
from gu1lint.upload.client import Gu1Client
from gu1lint.upload.failures import FAILURE_PATHS, JobFailures, parse_failures_csv
from gu1lint.upload.failures import parse_failures_json as parse_json

UPLOAD_PATHS = {
    "transactions": "/transactions/batch/upload",
    "entities": "/batch-import/import/entities",
    "user-events": "/batch-import/import/user-events",
}
TERMINAL = frozenset(("completed", "failed", "cancelled", "interrupted"))
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".jsonl": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
}
#: kinds in the order they go up: entities first, so transactions and events can reference them
KIND_ORDER = ("entities", "transactions", "user-events")


@dataclass
class UploadRequest:
    """The files of one multipart request and its form fields."""

    kind: str
    paths: list[str]
    form: dict[str, str] = field(default_factory=dict)


def form_fields(kind: str, options: FileOptions, handling: str) -> dict[str, str]:
    """The documented form fields of the kind's upload, from the file's options."""
    form: dict[str, str] = {}
    mapping = options.mapping
    if mapping is not None and mapping.id and not mapping.inline:
        form["mappingId"] = mapping.id
    elif mapping is not None and kind == "transactions":
        form["columnMapping"] = json.dumps(mapping.column_mapping, ensure_ascii=False)
    elif mapping is not None:
        raise UsageError(
            f"the {kind} upload takes a saved mapping by its id, and this mapping "
            "has none: save it on gu1 and fetch it with 'gu1lint mappings pull'"
        )
    if kind == "transactions":
        form["batchErrorHandling"] = handling
        # sent explicitly: one page version documents true as the server's default
        form["validateExistingEntity"] = _bool(options.validate_existing_entity)
        form["skipDuplicates"] = _bool(options.skip_duplicates)
    elif kind == "entities":
        form["entityImportMode"] = options.mode
        if options.country:
            form["country"] = options.country
    return form


def _bool(value: bool) -> str:
    return "true" if value else "false"


def start_job(client: Gu1Client, request: UploadRequest) -> str:
    """POST the files; the jobId of the 202 answer."""

    def parts() -> list[tuple[str, tuple[str, Any, str]]]:
        with ExitStack() as stack:
            opened = [
                (
                    "file",
                    (
                        Path(p).name,
                        stack.enter_context(open(p, "rb")),
                        CONTENT_TYPES.get(Path(p).suffix.lower(), "application/octet-stream"),
                    ),
                )
                for p in request.paths
            ]
            stack.pop_all()
            return opened

    body = client.post_json(UPLOAD_PATHS[request.kind], files=parts, data=request.form)
    job_id = body.get("jobId") if isinstance(body, dict) else None
    if not job_id and isinstance(body, dict) and isinstance(body.get("job"), dict):
        job_id = body["job"].get("jobId")
    if not job_id:
        raise ApiError(f"{UPLOAD_PATHS[request.kind]}: the answer holds no jobId")
    return str(job_id)


class Progress:
    """A one-line progress display on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.active = self.stream.isatty()

    def show(self, job: dict[str, Any], elapsed: float) -> None:
        """Redraw the line with the job's counters."""
        if not self.active:
            return
        done = _n(job.get("succeeded")) + _n(job.get("failed")) + _n(job.get("skipped"))
        line = (
            f"job {job.get('jobId', '?')}: {job.get('status', '?')} {done}/"
            f"{_n(job.get('totalItems'))} rows, {_n(job.get('failed'))} failed "
            f"({elapsed:.0f} s)"
        )
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()

    def end(self) -> None:
        """Leave the line."""
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def _n(value: Any) -> int:
    return value if isinstance(value, int) else 0


def poll(
    client: Gu1Client,
    job_id: str,
    interval: float,
    timeout: float,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[dict[str, Any], bool]:
    """GET the job every `interval` seconds until a terminal status; (job, timed out)."""
    start = clock()
    progress = progress or Progress()
    try:
        while True:
            body = client.get_json(f"/batch-import/jobs/{job_id}")
            job = body.get("job") if isinstance(body, dict) else None
            if not isinstance(job, dict):
                raise ApiError(f"/batch-import/jobs/{job_id}: the answer holds no job")
            progress.show(job, clock() - start)
            if job.get("status") in TERMINAL:
                return job, False
            if clock() - start + interval > timeout:
                return job, True
            client.sleep(interval)
    finally:
        progress.end()


def fetch_failures(client: Gu1Client, kind: str, job_id: str) -> JobFailures:
    """The kind's failures JSON; when it is truncated at 500, every row from the CSV."""
    base = f"/batch-import/{FAILURE_PATHS[kind]}/{job_id}/failures"
    result = parse_json(kind, client.get_json(base))
    if result.truncated or len(result.failures) < result.failures_total:
        rows = parse_failures_csv(kind, client.get_text(base + ".csv"))
        if len(rows) > len(result.failures):
            result.failures = rows
    return result
