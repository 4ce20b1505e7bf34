"""Match each server failure to its row by key and to the local finding that predicted it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from gu1lint.errors import ReadError
from gu1lint.mapping import resolve_columns
from gu1lint.options import FileOptions
from gu1lint.readers import open_table
from gu1lint.report import FileResult, Finding, Report
from gu1lint.resources import load_toml
from gu1lint.upload.failures import ServerFailure, normalize_key

KEY_FIELD = {"transactions": "externalId", "entities": "taxId"}
#: file-level findings after which every row of the file fails on the server
WHOLE_FILE_CODES = frozenset(("MISSING_COLUMN", "MAPPING_INVALID"))


@dataclass(frozen=True)
class RowRef:
    """Where a key occurs: file, spreadsheet row, physical line, entity type."""

    path: str
    row: int
    line: int
    type: str | None = None
    column: str | None = None


def words() -> dict[str, Any]:
    """The upload findings' words (rules/upload.toml)."""
    return load_toml("upload.toml")


def server_finding(
    rule: str,
    path: str,
    code: str,
    message: str,
    what: str = "row",
    prediction: str = "",
    **place: Any,
) -> Finding:
    """A finding in the shape of the local ones, with the server's code."""
    spec = words()[rule]
    text = spec["message"].format(
        code=code,
        server_message=message or "(no message)",
        what=words()["words"][what].format(key=place.get("key")),
        prediction=prediction,
    )
    return Finding(
        path=path, code=code, rule=rule, severity=spec["severity"], message=text, **place
    )


def key_index(path: str, kind: str, options: FileOptions) -> dict[str, list[RowRef]]:
    """Key -> rows of one file, read again (the lint pass keeps no per-row state)."""
    index: dict[str, list[RowRef]] = defaultdict(list)
    try:
        table = open_table(path, options.sheet)
        plan = resolve_columns(kind, table.header, options.mapping)
        key_at, type_at = plan.index.get(KEY_FIELD.get(kind, "")), plan.index.get("type")
        label = plan.labels[key_at] if key_at is not None else None
        for row, line, cells in table.rows:
            cells = (cells + [""] * plan.width)[: plan.width] + plan.extra
            if kind == "user-events":
                index[f"row_{row}"].append(RowRef(path, row, line))
            elif key_at is not None:
                kind_value = cells[type_at].strip() if type_at is not None else None
                index[normalize_key(kind, cells[key_at])].append(
                    RowRef(path, row, line, kind_value, label)
                )
    except ReadError:
        pass  # the lint report already says the file is unreadable
    return index


class Reconciler:
    """Server failures of one request against the local findings of its files."""

    def __init__(
        self, report: Report, kind: str, results: list[FileResult], options: dict[str, FileOptions]
    ) -> None:
        self.report, self.kind, self.results = report, kind, results
        self.rows: dict[str, list[RowRef]] = defaultdict(list)
        for result in results:
            for key, refs in key_index(result.path, kind, options[result.path]).items():
                self.rows[key].extend(refs)
        self.local = [
            f
            for r in results
            for f in r.findings
            if not f.rule.startswith(("server-", "unpredicted-server-"))
        ]
        self.used: set[int] = set()
        self.added = 0

    def _predictor(self, code: str, key: str | None, refs: list[RowRef]) -> Finding | None:
        """An unused local finding with the same code and key (key None: any, for a job)."""
        rows = {(r.path, r.row) for r in refs}
        candidates = [
            f
            for f in self.local
            if f.code == code and (key is None or normalize_key(self.kind, f.key or "") == key)
        ]
        candidates.sort(key=lambda f: (id(f) in self.used, (f.path, f.row) not in rows))
        if candidates:
            self.used.add(id(candidates[0]))
            return candidates[0]
        if code == "VALIDATION_ERROR" and key is not None:
            # a file-level MISSING_COLUMN or MAPPING_INVALID error predicts every row failing
            paths = {r.path for r in refs} or {r.path for r in self.results}
            return next(
                (
                    f
                    for f in self.local
                    if f.row is None
                    and f.path in paths
                    and f.severity == "error"
                    and f.code in WHOLE_FILE_CODES
                ),
                None,
            )
        return None

    def _refs(self, failure: ServerFailure) -> list[RowRef]:
        refs = self.rows.get(failure.key, [])
        typed = [r for r in refs if failure.type and r.type == failure.type]
        return typed or refs

    def row_failure(self, failure: ServerFailure) -> None:
        """A failed or skipped row: at the predicting finding's place, else at the key's row."""
        refs = self._refs(failure)
        local = self._predictor(failure.code, failure.key, refs)
        if failure.skip:
            rule = "server-skip"
        else:
            rule = "server-failure" if local else "unpredicted-server-failure"
        if local is not None and local.row is not None:
            place = {
                "path": local.path,
                "row": local.row,
                "line": local.line,
                "column": local.column,
            }
        elif refs:
            first = refs[0]
            place = {
                "path": first.path,
                "row": first.row,
                "line": first.line,
                "column": first.column,
            }
        else:
            place = {"path": self.results[0].path}
        prediction = _prediction(local)
        self._add(
            server_finding(
                rule,
                code=failure.code,
                message=failure.message,
                prediction=prediction,
                value=failure.key or None,
                key=failure.key or None,
                **place,
            )
        )

    def whole(self, code: str, message: str, what: str) -> None:
        """A job failure or a refused request: predicted by any local finding of the code."""
        local = self._predictor(code, None, [])
        rule = "server-failure" if local else "unpredicted-server-failure"
        path = local.path if local else self.results[0].path
        self._add(
            server_finding(
                rule,
                path=path,
                code=code,
                message=message,
                what=what,
                prediction=_prediction(local, at=True),
            )
        )

    def _add(self, finding: Finding) -> None:
        result = next((r for r in self.results if r.path == finding.path), self.results[0])
        result.findings.append(finding)
        self.added += 1

    def finish(self) -> None:
        """Keep each file's findings in row order, server findings after the local ones."""
        for result in self.results:
            result.findings.sort(key=lambda f: f.row or 0)


def _prediction(local: Finding | None, at: bool = False) -> str:
    if local is None:
        return ""
    if at and local.row is not None:
        return words()["words"]["predicted-at"].format(
            rule=local.rule, path=local.path, row=local.row
        )
    return words()["words"]["predicted"].format(rule=local.rule)
