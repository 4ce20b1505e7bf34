"""A peer as a check: frictionless, given the Table Schema that `gu1lint schema` prints, flags a
subset of the rows that gu1lint flags on the same fixture files.

Only what a Table Schema can say is compared: row-level `constraint-error` (required, enum,
pattern, minimum), `type-error` (number, integer, boolean) and `unique-error`. gu1lint checks
more (tax ids, modes, references, ...), so it may flag rows frictionless passes, never the other
way round.

Glue between the two tools, kept in this test:

- `gu1lint schema` names each field in camelCase and lists its snake_case spellings in the custom
  `aliases` property (frictionless accepts the property and ignores it). A file with native
  headers gets the schema's fields renamed to its own headers through the aliases, compared
  case-insensitively and ignoring `_`, `-` and spaces, as gu1lint compares headers; fields the
  file lacks are dropped (a missing column is a header problem, not a row one), and fields are
  matched to columns by name (`fieldsMatch: subset`). With a saved mapping, `gu1lint schema
  --mapping` already names the fields after the mapped headers.
- frictionless reads Excel cells with `stringified=True`; it writes a date cell as
  `2025-03-02 00:00:00` (a space, not the ISO `T` that gu1lint's cell_to_text writes), so the
  pattern errors of such cells in date fields (those whose pattern is the ISO date pattern) are
  a reader difference and are not compared.
- JSON items are handed to frictionless as inline data (its JSON file parser needs the optional
  ijson package); the object wrapping them (`{"transactions": [...]}`) is unwrapped first. An
  item's row in frictionless counts a header row first: item N is its row N + 1, gu1lint's row N.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from frictionless import Resource, Schema, formats
from test_fixtures import SCENARIOS, fixture_args

from gu1lint.cli import main

COMPARED = {"constraint-error", "type-error", "unique-error"}
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}"
EXCEL_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
PEER_SCENARIOS = ("transactions-clean", "transactions-bad", "transactions-mapped",
                  "entities-clean", "entities-bad", "entities-mapped", "entities-suppliers",
                  "user-events-clean", "user-events-bad")
KINDS = ("transactions", "entities", "user-events")


def printed_schema(capsys: pytest.CaptureFixture[str], kind: str, args: list[str]) -> dict:
    """The descriptor `gu1lint schema` prints for the kind (and the scenario's mapping)."""
    argv = ["schema", "--kind", kind]
    for flag in ("--mapping", "--mapping-id"):
        if flag in args:
            argv += [flag, fixture_args(args)[args.index(flag) + 1]]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.lstrip("\ufeff").strip()).lower()


def fit_to_header(descriptor: dict, header: list[str]) -> dict:
    """Rename fields to the file's own headers through name and aliases; drop absent fields."""
    by_norm = {_norm(h): h for h in reversed(header)}
    fields = []
    for field in descriptor["fields"]:
        spellings = [field["name"], *field.get("aliases", [])]
        found = next((by_norm[_norm(s)] for s in spellings if _norm(s) in by_norm), None)
        if found is not None:
            fields.append(dict(field, name=found))
    return dict(descriptor, fields=fields, fieldsMatch="subset")


def json_items(path: Path) -> list[dict[str, Any]]:
    """The items of a JSON fixture: the array itself, or the one array its object holds."""
    data = json.loads(path.read_text("utf-8"))
    if isinstance(data, dict):
        data = next(v for v in data.values() if isinstance(v, list))
    return data


def open_resource(path: Path, schema: Schema | None = None) -> Resource:
    """A frictionless resource for a fixture file, with the controls its format needs."""
    kwargs: dict[str, Any] = {}
    if schema is not None:
        kwargs["schema"] = schema
    if path.suffix == ".json":
        return Resource(data=json_items(path), **kwargs)
    if path.suffix == ".xlsx":
        kwargs["control"] = formats.ExcelControl(stringified=True)
    return Resource(path=path.relative_to(FIXTURES).as_posix(), basepath=str(FIXTURES), **kwargs)


def file_header(path: Path) -> list[str]:
    with open_resource(path) as resource:
        return list(resource.header)


def frictionless_rows(path: Path, descriptor: dict) -> set[int]:
    """Rows (in gu1lint's numbering) with a compared error."""
    dates = {f["name"] for f in descriptor["fields"]
             if f.get("constraints", {}).get("pattern", "").startswith(ISO_DATE_PATTERN)}
    report = open_resource(path, Schema.from_descriptor(descriptor)).validate(limit_errors=10_000)
    (task,) = report.tasks
    assert task.stats["rows"] > 0, [e.message for e in task.errors]
    rows = set()
    for row, field, kind, cell in report.flatten(["rowNumber", "fieldName", "type", "cell"]):
        if kind not in COMPARED or row is None:
            continue
        if path.suffix == ".xlsx" and field in dates and EXCEL_DATE.fullmatch(str(cell)):
            continue
        rows.add(row - 1 if path.suffix == ".json" else row)
    return rows


def _cases() -> list[tuple[str, str]]:
    return [(name, fmt) for name in PEER_SCENARIOS
            for fmt in ("csv", *SCENARIOS[name].get("variants", []))]


@pytest.mark.parametrize(("name", "fmt"), _cases())
def test_frictionless_flags_a_subset_of_gu1lint_rows(
        name: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = SCENARIOS[name]
    (rel,) = scenario["paths"]
    path = FIXTURES / Path(rel).with_suffix(f".{fmt}")
    kind = next(k for k in KINDS if k in Path(rel).parts or Path(rel).stem == k)
    descriptor = fit_to_header(printed_schema(capsys, kind, scenario["args"]), file_header(path))
    assert descriptor["fields"], "no schema field matches the file's header"
    shift = 1 if fmt == "json" else 0
    gu1lint_rows = {f[2] - shift for f in scenario["findings"] if f[2] is not None}
    peer_rows = frictionless_rows(path, descriptor)
    assert peer_rows <= gu1lint_rows, f"rows only frictionless flags: {peer_rows - gu1lint_rows}"
    if name.endswith("-bad"):
        assert peer_rows, "frictionless flags nothing in a bad fixture: the comparison is void"


@pytest.mark.parametrize("kind", KINDS)
def test_frictionless_accepts_the_printed_schema(
        kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The descriptor, custom `aliases` included, is a valid Table Schema for frictionless."""
    descriptor = printed_schema(capsys, kind, [])
    assert all("aliases" in f for f in descriptor["fields"])
    report = Schema.validate_descriptor(descriptor)
    assert report.valid, [e.message for e in report.errors]
    schema = Schema.from_descriptor(descriptor)
    assert [f.name for f in schema.fields] == [f["name"] for f in descriptor["fields"]]
