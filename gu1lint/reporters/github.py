"""GitHub Actions workflow commands: one annotation per rule and file, then a summary line.

GitHub shows at most 10 error and 10 warning annotations per step, so findings are grouped:
each annotation gives the count and the first rows, and the full list goes to a log group.
"""

from __future__ import annotations

from typing import TextIO

from gu1lint.catalog import Catalog
from gu1lint.report import Finding, Report
from gu1lint.reporters.escape import escape_control

#: rows listed in one annotation; the log group below the annotations lists all of them
FIRST_ROWS = 5


def escape_data(text: str) -> str:
    """Escape a command's message (workflow-command rules: %, CR, LF); other controls such as
    ANSI escapes are shown as visible escapes so that they never reach the log raw."""
    return escape_control(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value: also the `:` and `,` that delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def group_findings(report: Report) -> dict[tuple[str, str], list[Finding]]:
    """Findings per (file, rule), in order of first appearance."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        groups.setdefault((f.path, f.rule), []).append(f)
    return groups


def where(f: Finding) -> str:
    """'row 17, suggested_name' with the parts a finding has."""
    parts = [f"row {f.row}" if f.row is not None else "file"]
    if f.column:
        parts.append(f.column)
    return ", ".join(parts)


def annotation(findings: list[Finding]) -> str:
    """One workflow command for the findings of one rule in one file."""
    first = findings[0]
    level = "error" if any(f.severity == "error" for f in findings) else "warning"
    props = [f"file={escape_property(first.path)}"]
    if first.line is not None:
        props.append(f"line={first.line}")
    props.append(f"title={escape_property(f'{first.code} [{first.rule}]')}")
    lines = [f"{where(f)}: {f.message}" for f in findings[:FIRST_ROWS]]
    if len(findings) > 1:
        rows = [str(f.row) for f in findings if f.row is not None]
        shown = ", ".join(rows[:FIRST_ROWS]) + (f" and {len(rows) - FIRST_ROWS} more"
                                               if len(rows) > FIRST_ROWS else "")
        lines.insert(0, f"{len(findings)} findings" + (f" (rows {shown})" if rows else ""))
    return f"::{level} {','.join(props)}::{escape_data(chr(10).join(lines))}"


def summary_line(report: Report) -> str:
    """'2 files, 120 rows: 3 errors, 1 warning' (or no problems found)."""
    s = report.summary()
    verdict = "no problems found" if not s["errors"] and not s["warnings"] else (
        f"{s['errors']} error{'s' * (s['errors'] != 1)}, "
        f"{s['warnings']} warning{'s' * (s['warnings'] != 1)}")
    return f"{s['files']} file{'s' * (s['files'] != 1)}, {s['rows']} rows: {verdict}"


def render(report: Report, catalog: Catalog, stream: TextIO) -> None:
    """Annotations, the full list in a collapsed log group, the notes, a summary notice."""
    groups = group_findings(report)
    for findings in groups.values():
        stream.write(annotation(findings) + "\n")
    if groups:
        stream.write(f"::group::gu1lint: all {len(report.findings)} findings\n")
        for f in report.findings:
            loc = ":".join(str(p) for p in (f.path, f.line, f.column) if p is not None)
            line = escape_data(f"{loc}: {f.code} [{f.rule}] {f.message}")
            # a log line that starts with '::' would be read as a workflow command
            stream.write((" " + line if line.startswith("::") else line) + "\n")
        stream.write("::endgroup::\n")
    for r in report.files:
        if r.partial:
            stream.write(f"::warning file={escape_property(r.path)},title=gu1lint::"
                         "more findings not shown (--max-findings)\n")
    for note in report.notes:
        stream.write(f"note: {escape_data(note)}\n")
    stream.write(f"::notice title=gu1lint::{escape_data(summary_line(report))}\n")
