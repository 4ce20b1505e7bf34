"""The server's own failures CSV for the report's import kind, predicted from the findings.

Columns are exactly those of the kind's `failures.csv` download (read by header name):
transactions `external_id,code,error`; entities `tax_id,type,outcome,code,error_message`;
user events `row_key,code,error`. Like one job's download, the files of one kind share one CSV.
Skips never appear (the server lists them only in the JSON `skips[]`). Every cell that starts
with = + - @ gets a leading quote, so a key such as -5 reads back as '-5. File-level findings
have an empty key, so a problem with the whole file is not lost. A finding does not carry the
row's entity type, so the entity `type` column is left empty.
One report holding several kinds cannot be one server CSV: that is a usage error.
"""

from __future__ import annotations

import csv
from typing import TextIO

from gu1lint.catalog import Catalog
from gu1lint.errors import UsageError
from gu1lint.report import Finding, Report
from gu1lint.reporters.escape import FORMULA_START

COLUMNS = {
    "transactions": ("external_id", "code", "error"),
    "entities": ("tax_id", "type", "outcome", "code", "error_message"),
    "user-events": ("row_key", "code", "error"),
}
def defuse(cell: str) -> str:
    """A quote before any cell starting with = + - @ (even a number such as +0 or -5): the
    file is opened in spreadsheets, and a key is never worth a formula (CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def report_kind(report: Report) -> str:
    """The one import kind of the report (transactions when no file's kind is known)."""
    kinds = list(dict.fromkeys(r.kind for r in report.files if r.kind))
    if len(kinds) > 1:
        raise UsageError(f"--format failures-csv writes one kind's failures CSV, but this report "
                         f"holds {', '.join(kinds)}: check each kind in its own call")
    return kinds[0] if kinds else "transactions"


def csv_row(kind: str, f: Finding) -> list[str]:
    """One finding in the columns of its kind."""
    key = f.key or ""
    if kind == "entities":
        return [key, "", "failed", f.code, f.message]
    return [key, f.code, f.message]


def render(report: Report, catalog: Catalog, stream: TextIO) -> None:
    """Write the header and one row per finding that the server would list as a failure."""
    kind = report_kind(report)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for f in report.findings:
        code = catalog.codes.get(f.code)
        if code is not None and code.layer == "skip":
            continue
        writer.writerow([defuse(cell) for cell in csv_row(kind, f)])
