"""`gu1lint upload`: lint, upload what passes, poll each job, fetch and reconcile its failures."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from gu1lint.catalog import load_catalog
from gu1lint.commands.check import OptionsBuilder, collect_paths, run_options, write_report
from gu1lint.config import load_config
from gu1lint.errors import UsageError
from gu1lint.options import FileOptions
from gu1lint.report import FileResult, Report
from gu1lint.upload.client import Gu1Client, HttpError, api_token, base_url
from gu1lint.upload.jobs import (
    KIND_ORDER,
    Progress,
    UploadRequest,
    fetch_failures,
    form_fields,
    poll,
    start_job,
)
from gu1lint.upload.reconcile import Reconciler

DEFAULT_HANDLING = "continue_collect_errors"
#: the key column of each kind's failures CSV
KEY_COLUMNS = {"transactions": "external_id", "entities": "tax_id", "user-events": "row_key"}
#: check's flags that upload does not take, at their "not given" values
CHECK_DEFAULTS: dict[str, Any] = {
    "select": (), "ignore": (), "max_findings": None, "jobs": None, "statistics": None,
    "sheet": None, "exclude": (), "fail_on": None, "mapping_id": None, "column_mapping": None,
    "limits": None, "entities": (), "validate_existing_entity": None, "skip_duplicates": None,
}


@dataclass
class Outcome:
    """What one request ended as: True when the job completed clean."""

    request: UploadRequest
    clean: bool


def run_upload(flags: dict[str, Any]) -> int:
    """The whole `upload` command; returns the exit status."""
    from gu1lint.engine import lint

    url, token = base_url(flags["api_url"]), api_token()
    catalog = load_catalog()
    config = load_config(flags["config_path"])
    merged = {**CHECK_DEFAULTS, **{k: v for k, v in flags.items() if v is not None},
              "request": True}
    run = run_options(merged, config, catalog)
    paths = collect_paths(flags["paths"], config.settings.exclude or [])
    builder = OptionsBuilder(merged, config)
    options = {p: builder.for_file(p) for p in paths}
    report = lint(list(options.items()), run, catalog)
    fmt = flags["fmt"] or config.settings.format or "text"
    output = flags["output"] or config.settings.output
    if report.count("error") and not flags["force"]:
        report.note("nothing was uploaded: linting found errors (fix them, or upload anyway "
                    "with --force to see what the server says)")
        write_report(report, catalog, fmt, output, False)
        return 1
    requests = plan_requests(report, options)
    with Gu1Client(url, token) as client:
        outcomes = [upload_one(client, report, r, options, flags) for r in requests]
    write_report(report, catalog, fmt, output, False)
    return 0 if outcomes and all(o.clean for o in outcomes) else 1


def plan_requests(report: Report, options: dict[str, FileOptions]) -> list[UploadRequest]:
    """One request per kind (entities first); the files of a request must share their options."""
    requests = []
    said = False
    for kind in KIND_ORDER:
        results = [r for r in report.files if r.kind == kind]
        if not results:
            continue
        first = options[results[0].path]
        handling = first.batch_error_handling or DEFAULT_HANDLING
        if kind == "transactions" and first.batch_error_handling is None and not said:
            said = True
            print(f"gu1lint: uploading with batchErrorHandling={DEFAULT_HANDLING}: the server's "
                  "default rollback_all aborts on the first failed row and often stores no row "
                  "failures to show (choose with --batch-error-handling)", file=sys.stderr)
        form = form_fields(kind, first, handling)
        for other in results[1:]:
            if form_fields(kind, options[other.path], handling) != form:
                raise UsageError(f"{other.path} and {results[0].path} go up in one {kind} "
                                 "request but have different mappings or options")
        requests.append(UploadRequest(kind, [r.path for r in results], form))
    for result in report.files:
        if result.kind not in KIND_ORDER:
            report.note(f"{result.path}: not uploaded (its import kind is unknown)")
    return requests


def upload_one(client: Gu1Client, report: Report, request: UploadRequest,
               options: dict[str, FileOptions], flags: dict[str, Any]) -> Outcome:
    """Upload one request, wait for its job, reconcile its failures into the report."""
    results = [r for r in report.files if r.path in request.paths]
    rec = Reconciler(report, request.kind, results, options)
    try:
        job_id = start_job(client, request)
    except HttpError as exc:
        if exc.status != 400:
            raise
        rec.whole(request_code(request.kind, exc), exc.detail or str(exc), "request")
        rec.finish()
        report.note(f"{request.kind} upload refused before any job existed: {exc}")
        return Outcome(request, False)
    print(f"gu1lint: {', '.join(request.paths)} uploaded as {request.kind} job {job_id}",
          file=sys.stderr)
    job, timed_out = poll(client, job_id, flags["poll_interval"], flags["timeout"], Progress())
    if timed_out:
        report.note(f"job {job_id} is still {job.get('status')} after {flags['timeout']:g} s; "
                    f"fetch its failures later with: gu1lint failures {job_id} --kind "
                    f"{request.kind}")
        return Outcome(request, False)
    found = fetch_failures(client, request.kind, job_id)
    for failure in [*found.failures, *found.skips]:
        rec.row_failure(failure)
    api_error = (job.get("metadata") or {}).get("apiError") if isinstance(job, dict) else None
    if found.job_failure:
        rec.whole(str(found.job_failure.get("code") or "PROCESSING_ERROR"),
                  str(found.job_failure.get("message") or ""), "job")
    elif job.get("status") != "completed" and isinstance(api_error, dict):
        rec.whole(str(api_error.get("code") or "PROCESSING_ERROR"),
                  str(api_error.get("message") or job.get("workerError") or ""), "job")
    rec.finish()
    report.note(job_note(job_id, request.kind, job, found))
    if found.failures_total > len(found.failures):
        report.note(f"job {job_id}: the server holds {found.failures_total} failures, "
                    f"{len(found.failures)} were returned")
    clean = (job.get("status") == "completed" and not job.get("failed")
             and not found.job_failure and not found.failures)
    return Outcome(request, clean)


def request_code(kind: str, exc: HttpError) -> str:
    """The server's error.code; the transaction plan-limit 400 has none (gu1lint names it)."""
    if exc.code:
        return exc.code
    if kind == "transactions" and "limit" in (exc.detail or "").lower():
        return "PLAN_LIMIT_EXCEEDED"
    return "HTTP_400"


def job_note(job_id: str, kind: str, job: dict[str, Any], found: Any) -> str:
    """One line of job counters for the report's notes."""
    text = (f"job {job_id} ({kind}): {job.get('status')}, {found.total or job.get('totalItems')} "
            f"rows: {found.succeeded} succeeded, {found.failed} failed, {found.skipped} skipped")
    if job.get("workerError"):
        text += f"; worker error: {job['workerError']}"
    return text


def run_failures(job_id: str, kind: str, use_csv: bool, fmt: str | None, output: str | None,
                 api_url: str | None) -> int:
    """`gu1lint failures`: a job's failures rendered as findings."""
    from gu1lint.upload.failures import FAILURE_PATHS, JobFailures, parse_failures_csv

    catalog = load_catalog()
    with Gu1Client(base_url(api_url), api_token()) as client:
        if use_csv:
            path = f"/batch-import/{FAILURE_PATHS[kind]}/{job_id}/failures.csv"
            found = JobFailures(job_id=job_id, kind=kind,
                                failures=parse_failures_csv(kind, client.get_text(path)))
        else:
            found = fetch_failures(client, kind, job_id)
    report = failures_report(job_id, kind, found, "csv" if use_csv else "json")
    write_report(report, catalog, fmt or "text", output, False)
    return 1 if report.count("error") else 0


def failures_report(job_id: str, kind: str, found: Any, fmt: str) -> Report:
    """Findings from a job's failures alone (no local files to reconcile with)."""
    from gu1lint.upload.reconcile import server_finding

    path = f"job {job_id}"
    result = FileResult(path=path, kind=kind, format=fmt, rows=found.total)
    for failure in [*found.failures, *found.skips]:
        row = int(failure.key[4:]) if kind == "user-events" and failure.key[4:].isdigit() else None
        rule = "server-skip" if failure.skip else "server-failure"
        result.findings.append(server_finding(
            rule, path=path, code=failure.code, message=failure.message,
            what="key" if failure.key else "row", row=row, line=row,
            column=KEY_COLUMNS[kind] if failure.key else None,
            value=failure.key or None, key=failure.key or None))
    if found.job_failure:
        result.findings.insert(0, server_finding(
            "server-failure", path=path, code=str(found.job_failure.get("code")),
            message=str(found.job_failure.get("message") or ""), what="job"))
    report = Report(files=[result])
    if fmt == "json":
        report.note(job_note(job_id, kind, {"status": found.status}, found))
    if any(f.derived for f in found.failures):
        report.note("legacy failures without a code column: codes were read from the messages")
    return report


def save_json(path_or_none: str | None, body: Any) -> None:
    """Write an API answer as JSON to a file or stdout."""
    import json

    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if path_or_none is None:
        sys.stdout.write(text)
        return
    try:
        with open(path_or_none, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path_or_none}: {exc.strerror or exc}") from exc


def run_fetch(what: str, output: str | None, api_url: str | None) -> int:
    """`gu1lint limits` and `gu1lint mappings pull`: save the answer for offline checks."""
    path = {"limits": "/individual-organization/batch-upload-enabled",
            "mappings": "/batch-import/mappings"}[what]
    with Gu1Client(base_url(api_url), api_token()) as client:
        body = client.get_json(path)
    save_json(output, body)
    if output:
        print(f"gu1lint: saved the organization's {what} to {output}", file=sys.stderr)
    return 0
