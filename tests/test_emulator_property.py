"""Property: gu1lint predicts every failure of the emulator, which decides with its own rules.

Files with random defects go up with --force. When gu1lint reports no error the emulator
returns no failure, and every emulator failure matches a gu1lint finding with the same code
and key (a whole-job failure: the same code).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import emulator_support
from emulator_support import seed_mapping
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gu1lint.cli import main

api = emulator_support.api
emulator_server = emulator_support.emulator_server

TX = {
    "external_id": "T-{i}",
    "type": "PAYMENT",
    "amount": "10.50",
    "currency": "USD",
    "transacted_at": "2025-01-02T10:00:00Z",
    "status": "CREATED",
    "payment_method": "PIX",
    "origin_country": "BR",
}
TX_DEFECTS = {
    "external_id": ["", "  ", "T-0"],
    "type": ["payment", "PAYMNT", ""],
    "amount": ["-1", "1,50", "abc", "", "1e3", " 5", "1.000,00"],
    "currency": ["US", "DOLLAR", "usd", "", "R$"],
    "transacted_at": ["31/12/2025", "2025-13-01", "2025-12-31 10:00", "yesterday", "45000"],
    "status": ["created", "DONE"],
    "payment_method": ["pix", "CASH"],
    "origin_country": ["Brasil", "br", "BRA", "XX"],
}
ENTITY = {
    "tax_id": "3000{i:04d}",
    "type": "person",
    "suggested_name": "Name {i}",
    "country_code": "AR",
    "external_id": "E-{i}",
}
ENTITY_DEFECTS = {
    "tax_id": ["123", "", "30000000", "3.000.000-0", "2O123456786"],
    "type": ["Person", "individual", "", "company"],
    "suggested_name": ["", " "],
    "country_code": ["", "Argentina", "ar", "MX", "US", "BR"],
    "external_id": ["E-0", ""],
}
EVENT = {
    "event_type": "LOGIN_SUCCESS",
    "tax_id": "2012345678{d}",
    "timestamp": "2025-01-02T10:00:00Z",
    "is_vpn": "true",
    "failed_attempts_count": "0",
    "country": "AR",
}
EVENT_DEFECTS = {
    "event_type": ["", " "],
    "tax_id": [""],
    "timestamp": ["02/01/2025", "nope", "2025-02-30"],
    "is_vpn": ["yes", "1", "TRUE"],
    "failed_attempts_count": ["-1", "two", "1.5"],
    "country": ["Arg", "ar", "ZZ"],
}
KINDS = {
    "transactions": (TX, TX_DEFECTS),
    "entities": (ENTITY, ENTITY_DEFECTS),
    "user-events": (EVENT, EVENT_DEFECTS),
}


@st.composite
def import_file(draw: st.DrawFn) -> tuple[str, list[dict[str, str]], list[str]]:
    """A kind, rows with up to two defects each, and the extra upload flags."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    base, defects = KINDS[kind]
    rows = []
    for i in range(draw(st.integers(1, 8))):
        row = {k: v.format(i=i, d=i % 10) for k, v in base.items()}
        for column in draw(st.lists(st.sampled_from(sorted(defects)), max_size=2)):
            row[column] = draw(st.sampled_from(defects[column]))
        rows.append(row)
    flags: list[str] = []
    if kind == "entities":
        flags += ["--mode", draw(st.sampled_from(["manual", "automatic"]))]
        flags += draw(st.sampled_from([[], ["--country", "AR"]]))
    if kind == "transactions" and draw(st.booleans()):
        flags.append("--skip-duplicates")
    return kind, rows, flags


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=import_file())
def test_gu1lint_predicts_every_emulator_failure(api, tmp_path: Path, capsys, case) -> None:
    kind, rows, flags = case
    api.state.reset()
    path = tmp_path / f"{kind}.csv"
    path.write_text(to_csv(rows), encoding="utf-8")
    if kind == "user-events":
        mapping = seed_mapping(
            api,
            {
                "name": "events",
                "target": "user_event",
                "columnMapping": {
                    "event_type": "eventType",
                    "tax_id": "taxId",
                    "timestamp": "timestamp",
                    "is_vpn": "isVpn",
                    "failed_attempts_count": "failedAttemptsCount",
                    "country": "country",
                },
            },
        )
        mapping_file = tmp_path / "mapping.json"
        mapping_file.write_text(json.dumps(mapping), encoding="utf-8")
        flags = [*flags, "--mapping", str(mapping_file)]
    status = main(
        [
            "upload",
            str(path),
            "--kind",
            kind,
            *flags,
            "--force",
            "--format",
            "json",
            "--poll-interval",
            "0.05",
            "--timeout",
            "60",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    local = [f for f in report["findings"] if "server" not in f["rule"]]
    errors = [f for f in local if f["severity"] == "error"]
    (job,) = api.state.org("default").jobs.values()
    failures = [
        (f["code"], f.get("externalId", f.get("taxId", f.get("rowKey"))) or None)
        for f in job.failures
    ]
    whole = [job.job_failure["code"]] if job.job_failure else []
    if not errors:
        assert (failures, whole, job.status, status) == ([], [], "completed", 0), report
    predicted = {(f["code"], f["key"]) for f in local}
    assert [f for f in failures if f not in predicted] == [], report
    assert [c for c in whole if c not in {f["code"] for f in local}] == []
    assert not [f for f in report["findings"] if f["rule"] == "unpredicted-server-failure"]
