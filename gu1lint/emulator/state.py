"""The emulator's organizations, jobs and the processing of a job's rows."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from gu1lint.emulator.parse import Parsed
from gu1lint.emulator.server_rules import (
    entity_problem,
    event_problem,
    field_problem,
    normal_tax_id,
)

PLAN_ROWS = {
    "freemium": 4000,
    "startup": 12000,
    "growth": 30000,
    "enterprise": 100000,
    "usage-based": 100000,
}
HARD_CAP = 100_000
FAILURES_CAP = 500
JOB_KINDS = {
    "transactions": "transaction_batch",
    "entities": "entity_automatic",
    "user-events": "user_event_batch",
}
SCOPES = frozenset(("transactions:create", "entities:bulk_import", "events:create"))


def now() -> str:
    """ISO 8601 UTC timestamp."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Job:
    """One import job and what processing it stored."""

    org: str
    kind: str
    files: list[Parsed]
    options: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = "queued"
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    skips: list[dict[str, Any]] = field(default_factory=list)
    job_failure: dict[str, Any] | None = None
    worker_error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: str = field(default_factory=now)
    completed_at: str | None = None

    @property
    def total(self) -> int:
        """Rows of every file of the job."""
        return sum(len(f.rows) for f in self.files)


@dataclass
class Org:
    """One organization: its plan, mappings, jobs, and the entities and transactions it holds."""

    id: str
    plan: str
    mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    entity_types: dict[str, str] = field(default_factory=dict)  # normalized taxId -> type
    entity_external_ids: set[str] = field(default_factory=set)
    entity_ids: set[str] = field(default_factory=set)
    transaction_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def row_limit(self, kind: str, caps: dict[str, int | None]) -> int:
        """Rows per file or import for the plan, lowered by the server caps when set."""
        limit = PLAN_ROWS[self.plan]
        cap = caps.get(kind)
        return min(limit, cap) if cap else limit

    def add_entity(self, tax_id: str, kind: str, external_id: str) -> None:
        """Record a created entity."""
        self.entity_types[tax_id] = kind
        if external_id:
            self.entity_external_ids.add(external_id)
        self.entity_ids.add(str(uuid.uuid4()))


class EmulatorState:
    """Tokens, organizations and the test switches of one emulator."""

    def __init__(
        self,
        tokens: dict[str, tuple[str, frozenset[str]]],
        plan: str = "growth",
        step_delay: float = 0.5,
        fail_first: int = 0,
        fail_status: int = 503,
        retry_after: int | None = 1,
        caps: dict[str, int | None] | None = None,
    ) -> None:
        self.tokens, self.plan, self.step_delay = tokens, plan, step_delay
        self.fail_first, self.fail_status, self.retry_after = fail_first, fail_status, retry_after
        self.caps = caps or {}
        self.legacy_failures_csv = False
        self.orgs: dict[str, Org] = {}
        self._lock = threading.Lock()
        self.requests = 0

    def org(self, org_id: str) -> Org:
        """The organization, created on first use with the emulator's plan."""
        with self._lock:
            return self.orgs.setdefault(org_id, Org(org_id, self.plan))

    def take_failure(self) -> bool:
        """Count a request; True while the fail-first-N switch still has failures to give."""
        with self._lock:
            self.requests += 1
            if self.fail_first > 0:
                self.fail_first -= 1
                return True
            return False

    def reset(self) -> None:
        """Forget every organization and job (tests start clean)."""
        with self._lock:
            self.orgs.clear()
            self.fail_first = 0
            self.legacy_failures_csv = False


def process(org: Org, job: Job) -> None:
    """Run the job's rows through the server rules (called in a worker thread)."""
    with org.lock:
        if job.kind == "transactions":
            _transactions(org, job)
        elif job.kind == "entities":
            _entities(org, job)
        else:
            _events(org, job)


def _rows(job: Job) -> list[tuple[int, dict[str, str]]]:
    return [r for f in job.files for r in f.rows]


def _unresolved_references(org: Org, job: Job) -> list[str]:
    bad = []
    for _, item in _rows(job):
        for side in ("origin", "destination"):
            ext = item.get(f"{side}ExternalId", "").strip()
            tax = item.get(f"{side}TaxId", "").strip()
            gu1 = item.get(f"{side}EntityId", "").strip()
            if ext and ext not in org.entity_external_ids:
                bad.append(f"{side}ExternalId {ext}")
            if tax and normal_tax_id(tax) not in org.entity_types:
                bad.append(f"{side}TaxId {tax}")
            if gu1 and gu1 not in org.entity_ids:
                bad.append(f"{side}EntityId {gu1}")
    return bad


def _transactions(org: Org, job: Job) -> None:
    """batchErrorHandling as the transaction-failures page documents it."""
    opts = job.options
    if opts["validateExistingEntity"]:
        bad = _unresolved_references(org, job)
        if bad:
            job.status, job.failed = "failed", job.total
            job.job_failure = {
                "code": "INVALID_ENTITY_REFERENCES",
                "message": f"{len(bad)} entity references do not resolve",
                "details": {"references": bad[:50]},
            }
            job.worker_error = "INVALID_ENTITY_REFERENCES"
            return
    inserted: set[str] = set()
    for _, item in _rows(job):
        ext = item.get("externalId", "").strip()
        problem = field_problem("transactions", item)
        code = "VALIDATION_ERROR" if problem else None
        if code is None and (ext in org.transaction_ids or ext in inserted):
            if opts["skipDuplicates"]:
                job.skipped += 1
                continue
            code = "CONSTRAINT_VIOLATION"
            problem = f"duplicate key value violates unique constraint (externalId {ext})"
        if code is None:
            inserted.add(ext)
            job.succeeded += 1
            continue
        if opts["batchErrorHandling"] == "rollback_all":
            # the default aborts on the first insert error and stores no row failures
            job.status, job.succeeded, job.failed = "failed", 0, 1
            job.worker_error = f"batch rolled back: {code} on externalId {ext}"
            job.metadata["apiError"] = {"code": code, "message": problem}
            return
        job.failed += 1
        job.failures.append({"externalId": ext, "code": code, "message": problem})
        if opts["batchErrorHandling"] == "stop_keep_success":
            job.metadata["stoppedAfter"] = ext
            break
    org.transaction_ids |= inserted
    job.status = "completed"


def _entities(org: Org, job: Job) -> None:
    """Modes, skip_existing duplicates and the hard failures of the failure-codes page."""
    mode, country = job.options["entityImportMode"], job.options.get("country")
    skip_code = (
        "SKIPPED_ENTITY_ALREADY_EXISTS" if mode == "automatic" else "SKIPPED_DUPLICATE_TAX_ID"
    )
    for _, item in _rows(job):
        tax = normal_tax_id(item.get("taxId", ""))
        kind = item.get("type", "").strip()
        ext = item.get("externalId", "").strip()
        problem = entity_problem(item, mode, country)
        code = "VALIDATION_ERROR" if problem else None
        if code is None and tax in org.entity_types:
            if org.entity_types[tax] == kind:
                job.skipped += 1
                job.skips.append(
                    {"taxId": tax, "type": kind, "outcome": "skipped_existing", "code": skip_code}
                )
                continue
            code, problem = "TAX_ID_TYPE_MISMATCH", f"taxId exists as {org.entity_types[tax]}"
        elif code is None and ext and ext in org.entity_external_ids:
            code = "DUPLICATE_EXTERNAL_ID"
            problem = f"An entity with external ID {ext} already exists"
        if code is None:
            org.add_entity(tax, kind, ext)
            job.succeeded += 1
            continue
        job.failed += 1
        job.failures.append(
            {"taxId": tax, "type": kind, "outcome": "failed", "code": code, "message": problem}
        )
        if job.options.get("stopOnFirstError"):
            break
    job.status = "completed"


def _events(org: Org, job: Job) -> None:
    """Row keys row_<N>; the entity by any of its three references, or created from taxId."""
    auto = job.options["withAutoEntity"]
    for row, item in _rows(job):
        problem = event_problem(item)
        code = "VALIDATION_ERROR" if problem else None
        tax = normal_tax_id(item.get("taxId", ""))
        if code is None and not (
            item.get("entityId", "").strip() in org.entity_ids
            or item.get("entityExternalId", "").strip() in org.entity_external_ids
            or tax in org.entity_types
        ):
            if tax and auto:
                org.add_entity(tax, "person", "")
            else:
                code, problem = "ENTITY_NOT_FOUND", "No entity matches the event's references"
        if code is None:
            job.succeeded += 1
            continue
        job.failed += 1
        job.failures.append({"rowKey": f"row_{row}", "code": code, "message": problem})
    job.status = "completed"
