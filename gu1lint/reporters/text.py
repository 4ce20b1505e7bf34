"""Plain text: `path:line:column: CODE [rule] message`, grouped per file, then a summary."""

from __future__ import annotations

from typing import TextIO

import click

from gu1lint.catalog import Catalog
from gu1lint.report import Finding, Report
from gu1lint.reporters.escape import escape_control


def safe(text: str) -> str:
    """Control characters never reach the terminal raw."""
    return escape_control(text)


def location(f: Finding) -> str:
    """`path:line:column` with the parts a finding has."""
    parts = [f.path]
    if f.line is not None:
        parts.append(str(f.line))
        if f.column:
            parts.append(f.column)
    return ":".join(safe(p) for p in parts)


def _plain(text: str, **_: object) -> str:
    return text


def render(report: Report, catalog: Catalog, stream: TextIO, color: bool = False) -> None:
    """Write findings grouped per file, the notes, then one summary line (coloured on request)."""
    paint = click.style if color else _plain
    for result in report.files:
        if not result.findings:
            continue
        for f in result.findings:
            tag = "" if f.severity == "error" else f" ({f.severity})"
            code = paint(f.code, fg="red" if f.severity == "error" else "yellow", bold=True)
            where = paint(location(f), bold=True)
            stream.write(f"{where}: {code} [{f.rule}] {safe(f.message)}{tag}\n")
        if result.partial:
            stream.write(f"{safe(result.path)}: more findings not shown (--max-findings)\n")
        stream.write("\n")
    for note in report.notes:
        stream.write(f"note: {safe(note)}\n")
    s = report.summary()
    verdict = "no problems found" if not s["errors"] and not s["warnings"] else (
        f"{s['errors']} error{'s' * (s['errors'] != 1)}, "
        f"{s['warnings']} warning{'s' * (s['warnings'] != 1)}")
    files = f"{s['files']} file{'s' * (s['files'] != 1)}"
    rows = f"{s['rows']} row{'s' * (s['rows'] != 1)}"
    line = f"{files}, {rows}: {verdict}"
    stream.write(paint(line, fg="red" if s["errors"] else "yellow" if s["warnings"] else "green",
                       bold=True) + "\n")
