"""Rule tests as data: each tests/rules/<rule>.toml holds cases with inline rows and the exact
findings expected, as 'row:column CODE rule' strings. One parametrised test runs them all."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conftest import run_json, triples
from gu1lint.catalog import load_catalog

CASES_DIR = Path(__file__).parent / "rules"


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for i, case in enumerate(data.get("case", [])):
            cases.append((f"{path.stem}[{case.get('name', i)}]", case))
    return cases


CASES = load_cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_rule_case(case: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = case.get("files") or {f"input.{case.get('format', 'csv')}": case["content"]}
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content.encode(case.get("encoding", "utf-8")))
        paths.append(str(path))
    for name, content in case.get("extra", {}).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.get("args", [])]
    if "kind" in case:
        args += ["--kind", case["kind"]]
    status, report = run_json(capsys, *paths, *args)
    found = triples(report)
    if len(files) > 1:
        found = [f"{Path(f['path']).name}:{t}" for f, t in zip(report["findings"], found)]
    assert found == case["expect"]
    if "status" in case:
        assert status == case["status"]


def test_every_rule_has_a_case() -> None:
    covered = {t.split()[-1] for _, c in CASES for t in c["expect"]}
    missing = sorted(set(load_catalog().rules) - covered)
    assert not missing, f"rules without a test case in tests/rules/: {missing}"
