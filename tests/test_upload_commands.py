"""`failures`, `limits`, `mappings pull`, auth and the secrecy of the token, over loopback HTTP."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import emulator_support
from emulator_support import (
    EVENT_MAPPING,
    NO_SCOPE_TOKEN,
    OTHER_TOKEN,
    TOKEN,
    TX_HEADER,
    run_cli,
    upload,
    write,
)

from gu1lint.catalog import load_catalog
from gu1lint.cli import main
from gu1lint.reporters import REPORTERS, get_reporter

api = emulator_support.api
emulator_server = emulator_support.emulator_server

BAD_TX = TX_HEADER + "B-1,PAYMENT,-1,USD,\nB-2,PAYMENT,1,USD,\nB-2,PAYMENT,1,USD,\n"


def forced_job(capsys, tmp_path: Path, kind: str = "transactions") -> str:
    _, report, _ = upload(capsys, write(tmp_path / "bad.csv", BAD_TX), "--force")
    note = next(n for n in report["notes"] if n.startswith("job "))
    return note.split()[1]


def test_failures_command_json_and_csv(api, tmp_path: Path, capsys) -> None:
    job_id = forced_job(capsys, tmp_path)
    for extra in ((), ("--csv",)):
        status, report, _ = run_cli(capsys, "failures", job_id, "--kind", "transactions", *extra)
        assert status == 1
        assert [(f["code"], f["key"], f["rule"]) for f in report["findings"]] == [
            ("VALIDATION_ERROR", "B-1", "server-failure"),
            ("CONSTRAINT_VIOLATION", "B-2", "server-failure"),
        ]


def test_failures_command_reads_the_legacy_csv(api, tmp_path: Path, capsys) -> None:
    job_id = forced_job(capsys, tmp_path)
    api.state.legacy_failures_csv = True
    status, report, _ = run_cli(capsys, "failures", job_id, "--kind", "transactions", "--csv")
    assert status == 1
    assert [f["code"] for f in report["findings"]] == ["VALIDATION_ERROR", "CONSTRAINT_VIOLATION"]
    assert any("legacy" in n for n in report["notes"])


def test_failures_of_another_organization_is_a_404(
    api, tmp_path: Path, capsys, monkeypatch
) -> None:
    job_id = forced_job(capsys, tmp_path)
    monkeypatch.setenv("GU1_API_KEY", OTHER_TOKEN)
    status, _, err = run_cli(capsys, "failures", job_id, "--kind", "transactions")
    assert status == 2
    assert err.count("\n") == 1 and "404 not found" in err


def test_a_refused_key_is_one_line_and_exit_2(api, tmp_path: Path, capsys, monkeypatch) -> None:
    for token, words in (("wrong", "401 not authenticated"), (NO_SCOPE_TOKEN, "403 forbidden")):
        monkeypatch.setenv("GU1_API_KEY", token)
        status, _, err = upload(capsys, write(tmp_path / "t.csv", TX_HEADER + "T,FEE,1,USD,\n"))
        assert status == 2 and words in err.strip().splitlines()[-1]


def test_missing_key_and_plain_http_to_another_host(
    api, tmp_path: Path, capsys, monkeypatch
) -> None:
    path = write(tmp_path / "t.csv", TX_HEADER + "T,FEE,1,USD,\n")
    status, _, err = upload(capsys, path, "--api-url", "http://api.gu1.ai")
    assert status == 2 and err.count("\n") == 1 and "refusing plain http://" in err
    monkeypatch.delenv("GU1_API_KEY")
    status, _, err = upload(capsys, path)
    assert status == 2 and "GU1_API_KEY" in err


def test_an_unreachable_api_is_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("GU1_API_KEY", TOKEN)
    monkeypatch.setattr("gu1lint.upload.client.BACKOFF_SECONDS", 0.0)
    status = main(["limits", "--api-url", f"http://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "cannot reach" in err


def test_limits_saved_for_check(api, tmp_path: Path, capsys) -> None:
    api.state.plan = "freemium"
    out = tmp_path / "limits.json"
    assert main(["limits", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["maxTransactionsPerFile"] == 4000
    rows = "".join(f"L-{i},FEE,1,USD,\n" for i in range(4001))
    status, report, _ = run_cli(
        capsys, "check", write(tmp_path / "t.csv", TX_HEADER + rows), "--limits", str(out)
    )
    assert status == 1 and report["findings"][0]["code"] == "PLAN_LIMIT_EXCEEDED"


def test_mappings_pull_then_upload_with_the_pulled_mapping(api, tmp_path: Path, capsys) -> None:
    created = api.state.org("default").mappings
    created["m-1"] = {"id": "m-1", **EVENT_MAPPING}
    out = tmp_path / "mappings.json"
    assert main(["mappings", "pull", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["mappings"][0]["id"] == "m-1"
    events = write(tmp_path / "ev.csv", "Event,Tax,When\nLOGIN_SUCCESS,20123456786,\n,1,\n")
    status, report, _ = upload(
        capsys, events, "--mapping", str(out), "--mapping-id", "m-1", "--force"
    )
    assert status == 1
    assert [
        (f["row"], f["code"], f["rule"], f["key"])
        for f in report["findings"]
        if "server" in f["rule"]
    ] == [(3, "VALIDATION_ERROR", "server-failure", "row_3")]


def test_the_token_never_appears_in_output_or_logs(
    api, tmp_path: Path, capsys, caplog, monkeypatch
) -> None:
    caplog.set_level(logging.DEBUG)
    api.state.fail_first = 1
    seen = []
    _, report, err = upload(capsys, write(tmp_path / "bad.csv", BAD_TX), "--force")
    seen += [json.dumps(report), err]
    job_id = next(n for n in report["notes"] if n.startswith("job ")).split()[1]
    for args in (["failures", job_id, "--kind", "transactions"], ["limits"], ["mappings", "pull"]):
        main(args)
        seen += list(capsys.readouterr())
    monkeypatch.setenv("GU1_API_URL", "http://127.0.0.1:1")
    monkeypatch.setattr("gu1lint.upload.client.BACKOFF_SECONDS", 0.0)
    main(["limits"])
    seen += list(capsys.readouterr())
    seen += [r.getMessage() for r in caplog.records] + [repr(r.args) for r in caplog.records]
    assert caplog.records, "httpx logs every request at DEBUG; the scan must see them"
    assert not [text for text in seen if TOKEN in text]


def test_server_findings_render_in_every_format(api, tmp_path: Path, capsys) -> None:
    from gu1lint.report import FileResult, Finding, Report

    finding = Finding(
        path="t.csv",
        code="CONSTRAINT_VIOLATION",
        rule="unpredicted-server-failure",
        severity="error",
        message="m",
        row=2,
        line=2,
        key="T",
        value="T",
    )
    job_level = Finding(
        path="t.csv", code="HTTP_400", rule="server-failure", severity="error", message="m"
    )
    report = Report(
        files=[FileResult("t.csv", "transactions", "csv", rows=1, findings=[job_level, finding])]
    )
    for name in REPORTERS:
        stream = io.StringIO()
        get_reporter(name)(report, load_catalog(), stream)
        assert "CONSTRAINT_VIOLATION" in stream.getvalue() or name == "failures-csv", name
