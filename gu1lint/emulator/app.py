"""The emulator's HTTP routes (Starlette): uploads, job status, failures, mappings, limits."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gu1lint.emulator.auth import ApiProblem, authorize, error_response
from gu1lint.emulator.failures import failures_body, failures_csv, job_body
from gu1lint.emulator.mappings import MAPPING_ROUTES
from gu1lint.emulator.parse import FileRejected, parse_items
from gu1lint.emulator.state import (
    HARD_CAP,
    JOB_KINDS,
    PLAN_ROWS,
    EmulatorState,
    Job,
    Org,
    now,
    process,
)

KIND_SCOPE = {
    "transactions": "transactions:create",
    "entities": "entities:bulk_import",
    "user-events": "events:create",
}
MAX_FILES = {"transactions": 5, "entities": 1, "user-events": 1}
MODES = {
    "manual": "manual",
    "automatic": "automatic",
    "manual_no_enrichment": "manual",
    "automatic_enriched": "automatic",
}
HANDLING = {"rollback_all", "continue_collect_errors", "stop_keep_success"}
FAILURE_PATHS = {
    "transaction-jobs": "transactions",
    "entity-jobs": "entities",
    "user-event-jobs": "user-events",
}


def _flag(form: Any, name: str, default: bool) -> bool:
    value = form.get(name)
    if value is None or value == "":
        return default
    if str(value).lower() not in ("true", "false"):
        raise ApiProblem(400, f"{name} must be true or false", "VALIDATION_ERROR")
    return str(value).lower() == "true"


def _mapping(org: Org, form: Any, kind: str) -> dict[str, Any] | None:
    if form.get("mappingId"):
        mapping = org.mappings.get(str(form["mappingId"]))
        if mapping is None:
            raise ApiProblem(
                400,
                f"mappingId {form['mappingId']} is not a mapping of this organization",
                "VALIDATION_ERROR",
            )
        return mapping
    if form.get("columnMapping"):
        try:
            column_mapping = json.loads(str(form["columnMapping"]))
        except json.JSONDecodeError as exc:
            raise ApiProblem(400, "columnMapping is not valid JSON", "VALIDATION_ERROR") from exc
        if kind != "transactions" or not isinstance(column_mapping, dict):
            raise ApiProblem(
                400, "columnMapping must be a JSON object (transactions only)", "VALIDATION_ERROR"
            )
        return {"columnMapping": column_mapping}
    if kind == "user-events":
        raise ApiProblem(400, "mappingId is required", "VALIDATION_ERROR")
    return None


def _options(kind: str, form: Any) -> dict[str, Any]:
    handling = str(form.get("batchErrorHandling") or "rollback_all")
    if handling not in HANDLING:
        raise ApiProblem(
            400, f"batchErrorHandling {handling!r} is not supported", "VALIDATION_ERROR"
        )
    mode = MODES.get(str(form.get("entityImportMode") or "manual"))
    if mode is None:
        raise ApiProblem(400, "entityImportMode must be manual or automatic", "VALIDATION_ERROR")
    return {
        "batchErrorHandling": handling,
        "entityImportMode": mode,
        # one page version documents true as the default: the emulator takes it
        "validateExistingEntity": _flag(form, "validateExistingEntity", True),
        "skipDuplicates": _flag(form, "skipDuplicates", False),
        "withAutoEntity": _flag(form, "withAutoEntity", True),
        "stopOnFirstError": _flag(form, "stopOnFirstError", False),
        "country": str(form.get("country") or "").strip() or None,
    }


def _check_limits(state: EmulatorState, org: Org, kind: str, job: Job) -> None:
    limit = org.row_limit(kind, state.caps)
    for parsed in job.files:
        rows = len(parsed.rows)
        if kind == "transactions" and rows > min(limit, HARD_CAP):
            # documented: 400 with a plan-limit message and no stable code
            raise ApiProblem(
                400,
                f"{parsed.name}: {rows} transactions exceed the plan limit of "
                f"{min(limit, HARD_CAP)} per file ({org.plan})",
            )
        if kind != "transactions" and rows > limit:
            raise ApiProblem(
                400, f"{rows} rows exceed the limit of {limit} per import", "TOO_MANY_ITEMS"
            )


async def _run_job(state: EmulatorState, org: Org, job: Job) -> None:
    await asyncio.sleep(state.step_delay)
    job.status = "running"
    await asyncio.sleep(state.step_delay)
    await asyncio.to_thread(process, org, job)
    job.completed_at = now()


def upload(kind: str):  # type: ignore[no-untyped-def]
    """The multipart upload route of one kind: 202 with the jobId, or a pre-job 400."""

    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        org = authorize(request, frozenset((KIND_SCOPE[kind],)))
        async with request.form(max_files=50) as form:
            files = [f for f in form.getlist("file") if hasattr(f, "read")]
            if not files:
                raise ApiProblem(400, "a file part is required", "VALIDATION_ERROR")
            if len(files) > MAX_FILES[kind]:
                # the code is the emulator's choice (gu1lint's name): the docs give none
                raise ApiProblem(
                    400, f"at most {MAX_FILES[kind]} files per request", "TOO_MANY_FILES"
                )
            if kind != "transactions" and not all(
                (f.filename or "").lower().endswith(".csv") for f in files
            ):
                # the entity and user-event multipart imports take a CSV file
                raise ApiProblem(400, "the import takes a CSV file", "UNSUPPORTED_FILE_FORMAT")
            options = _options(kind, form)
            mapping = _mapping(org, form, kind)
            try:
                parsed = [
                    parse_items(kind, f.filename or "upload.csv", await f.read(), mapping)
                    for f in files
                ]
            except FileRejected as exc:
                raise ApiProblem(400, str(exc), "VALIDATION_ERROR") from exc
        job = Job(org=org.id, kind=kind, files=parsed, options=options)
        _check_limits(state, org, kind, job)
        org.jobs[job.id] = job
        task = asyncio.create_task(_run_job(state, org, job))
        request.app.state.tasks.add(task)
        task.add_done_callback(request.app.state.tasks.discard)
        body = {"success": True, "jobId": job.id, "status": job.status, "kind": JOB_KINDS[kind]}
        if kind == "entities":
            body["importMode"] = options["entityImportMode"]
        return JSONResponse(body, status_code=202)

    return endpoint


def _job(request: Request, kind: str | None = None) -> Job:
    org = authorize(request)
    job = org.jobs.get(request.path_params["job_id"])
    if job is None or (kind is not None and job.kind != kind):
        raise ApiProblem(404, "Job not found", "NOT_FOUND")
    return job


async def job_status(request: Request) -> Response:
    """GET /batch-import/jobs/{jobId}, with ?include=failures."""
    job = _job(request)
    if "failures" in request.query_params.get("include", "").split(","):
        return JSONResponse(failures_body(job))
    return JSONResponse(job_body(job))


async def failures(request: Request) -> Response:
    """The kind's failures JSON or CSV."""
    kind = FAILURE_PATHS[request.url.path.split("/")[2]]
    job = _job(request, kind)
    if request.url.path.endswith(".csv"):
        state: EmulatorState = request.app.state.emulator
        text = failures_csv(job, legacy=state.legacy_failures_csv)
        return Response(
            text,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="failures-{job.id}.csv"'},
        )
    return JSONResponse(failures_body(job))


async def legacy_entity_csv(request: Request) -> Response:
    """The legacy alias of the entity failures CSV."""
    job = _job(request, "entities")
    return Response(failures_csv(job), media_type="text/csv")


async def limits(request: Request) -> Response:
    """GET /individual-organization/batch-upload-enabled."""
    state: EmulatorState = request.app.state.emulator
    org = authorize(request)
    return JSONResponse(
        {
            "success": True,
            "batchUploadEnabled": True,
            "plan": org.plan,
            "maxTransactionsPerFile": min(org.row_limit("transactions", state.caps), HARD_CAP),
            "maxBulkEntityItemsPerImport": org.row_limit("entities", state.caps),
            "maxUserEventRowsPerFile": org.row_limit("user-events", state.caps),
            "limitsByPlan": dict(PLAN_ROWS),
        }
    )


def build_app(state: EmulatorState) -> Starlette:
    """The Starlette application around one emulator state."""
    routes = [
        Route("/transactions/batch/upload", upload("transactions"), methods=["POST"]),
        Route("/batch-import/import/transactions", upload("transactions"), methods=["POST"]),
        Route("/batch-import/import/entities", upload("entities"), methods=["POST"]),
        Route("/batch-import/import/user-events", upload("user-events"), methods=["POST"]),
        Route("/batch-import/jobs/{job_id}", job_status),
        *(
            Route(f"/batch-import/{family}/{{job_id}}/{name}", failures)
            for family in FAILURE_PATHS
            for name in ("failures", "failures.csv")
        ),
        Route("/entities/automatic/bulk/imports/{job_id}/failures.csv", legacy_entity_csv),
        Route("/individual-organization/batch-upload-enabled", limits),
        *MAPPING_ROUTES,
    ]
    app = Starlette(routes=routes, exception_handlers={ApiProblem: error_response})
    app.state.emulator = state
    app.state.tasks = set()
    return FailFirst(app, state)  # type: ignore[return-value]


class FailFirst:
    """The retry-test switch: the first N requests get 503 (or the configured status)."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.state.take_failure():
            headers = (
                {}
                if self.state.retry_after is None
                else {"Retry-After": str(self.state.retry_after)}
            )
            response = JSONResponse(
                {"success": False, "error": {"message": "Service unavailable"}},
                status_code=self.state.fail_status,
                headers=headers,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
