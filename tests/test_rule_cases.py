"""Rule tests as data: each tests/rules/<rule>.toml holds cases with inline rows and the exact
findings expected, as 'row:column CODE rule' strings. One parametrised test runs them all.

A case is a `[[case]]` table:

- `name`, `kind` (passed as --kind), `args` (more flags; `{tmp}` is the case's folder);
- the input file `input.<format>` (`format` defaults to csv), made of:
  - `content`: the file's text, written in `encoding` (default utf-8);
  - `rows = {template = "T{i},PAYMENT,1,USD\\n", count = 4001, start = 1}`: generated lines
    appended to `content` (`{i}` runs from `start`), for files too big to write inline;
  - `table = [[...], ...]`: the rows of an .xlsx workbook (first row the header), written with
    openpyxl; use it with `format = "xlsx"`;
  - `size = N`: a sparse file of N bytes (request body size limits);
- or `files = {name = content, other = {content/rows/table/encoding/size}}` for several inputs,
  linted in that order (findings are then prefixed with the file name);
- `extra = {name = text}`: side files (mappings, limits JSON, --entities files) not linted;
- `env = {NAME = value}`: environment variables for the run;
- `expect`: the exact findings in report order; `status`: the exit status;
- `severities` / `lines`: the severity / physical line of each finding, in report order;
- `notes`: texts each of which must appear in one of the report's notes.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import run_json, triples

from gu1lint.catalog import load_catalog

CASES_DIR = Path(__file__).parent / "rules"
SPEC_KEYS = ("content", "rows", "table", "encoding", "size")


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for i, case in enumerate(data.get("case", [])):
            cases.append((f"{path.stem}[{case.get('name', i)}]", case))
    return cases


CASES = load_cases()


def file_bytes(spec: dict[str, Any]) -> bytes:
    """The text of a case file: its content plus generated rows, in its encoding."""
    text = spec.get("content", "")
    rows = spec.get("rows")
    if rows:
        start = rows.get("start", 1)
        text += "".join(rows["template"].format(i=i)
                        for i in range(start, start + rows["count"]))
    return text.encode(spec.get("encoding", "utf-8"))


def write_xlsx(path: Path, table: list[list[Any]]) -> None:
    """A one-sheet workbook holding the rows as given (numbers stay numbers)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for values in table:
        sheet.append(values)
    book.save(path)


def write_case_file(path: Path, spec: dict[str, Any]) -> None:
    """Write one input file of a case from its spec."""
    if "table" in spec:
        write_xlsx(path, spec["table"])
    elif "size" in spec:
        with open(path, "wb") as fh:
            fh.truncate(spec["size"])
    else:
        path.write_bytes(file_bytes(spec))


def case_files(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> file spec; a plain string in `files` is the file's content."""
    if "files" in case:
        return {name: spec if isinstance(spec, dict) else {"content": spec}
                for name, spec in case["files"].items()}
    spec = {k: case[k] for k in SPEC_KEYS if k in case}
    return {f"input.{case.get('format', 'csv')}": spec}


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_rule_case(case: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    files = case_files(case)
    paths = []
    for name, spec in files.items():
        write_case_file(tmp_path / name, spec)
        paths.append(str(tmp_path / name))
    for name, content in case.get("extra", {}).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no config file of the project applies to a case
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.get("args", [])]
    if "kind" in case:
        args += ["--kind", case["kind"]]
    status, report = run_json(capsys, *paths, *args)
    found = triples(report)
    if len(files) > 1:
        names = [Path(f["path"]).name for f in report["findings"]]
        found = [f"{n}:{t}" for n, t in zip(names, found, strict=True)]
    assert found == case["expect"]
    if "status" in case:
        assert status == case["status"]
    if "severities" in case:
        assert [f["severity"] for f in report["findings"]] == case["severities"]
    if "lines" in case:
        assert [f["line"] for f in report["findings"]] == case["lines"]
    for text in case.get("notes", []):
        assert any(text in n for n in report["notes"]), (text, report["notes"])


def test_every_rule_has_a_case() -> None:
    covered = {t.split()[-1] for _, c in CASES for t in c["expect"]}
    missing = sorted(set(load_catalog().rules) - covered)
    assert not missing, f"rules without a test case in tests/rules/: {missing}"


def test_every_case_file_names_a_rule() -> None:
    """tests/rules/<rule>.toml is named after a rule of the catalog."""
    rules = set(load_catalog().rules)
    strays = sorted(p.stem for p in CASES_DIR.glob("*.toml") if p.stem not in rules)
    assert not strays, f"case files named after no rule: {strays}"
