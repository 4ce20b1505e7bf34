"""The immutable finding and the report that reporters render."""

from __future__ import annotations

from dataclasses import dataclass, field

from gu1lint import __version__


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place: file, row and column, with the server's code and gu1lint's rule."""

    path: str
    code: str
    rule: str
    severity: str
    message: str
    row: int | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None
    key: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON report's shape of a finding."""
        return {
            "path": self.path,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "key": self.key,
        }


@dataclass
class FileResult:
    """What linting one file found and learnt about it."""

    path: str
    kind: str | None
    format: str
    encoding: str | None = None
    rows: int = 0
    partial: bool = False
    findings: list[Finding] = field(default_factory=list)
    #: a piece of a file split across -j workers that stopped at the end of its rows, before
    #: the file's end (parallel.py joins the pieces); never in a report
    cut: bool = False

    def as_dict(self) -> dict[str, object]:
        """The JSON report's shape of a file entry."""
        return {
            "path": self.path,
            "kind": self.kind,
            "format": self.format,
            "encoding": self.encoding,
            "rows": self.rows,
            "partial": self.partial,
        }


@dataclass
class Report:
    """Every file's result, in the order given, plus request-level findings and notes."""

    files: list[FileResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tool_version: str = __version__

    @property
    def findings(self) -> list[Finding]:
        """All findings in file order, then row order."""
        return [f for result in self.files for f in result.findings]

    def count(self, severity: str) -> int:
        """How many findings of one severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    def note(self, text: str) -> None:
        """Add a fact about the run once."""
        if text not in self.notes:
            self.notes.append(text)

    def summary(self) -> dict[str, int]:
        """The JSON report's summary block."""
        return {
            "files": len(self.files),
            "rows": sum(r.rows for r in self.files),
            "errors": self.count("error"),
            "warnings": self.count("warning"),
        }

    def as_dict(self) -> dict[str, object]:
        """The whole JSON report, in the shape fixed by DESIGN.md section 6."""
        return {
            "tool": {"name": "gu1lint", "version": self.tool_version},
            "files": [r.as_dict() for r in self.files],
            "findings": [f.as_dict() for f in self.findings],
            "summary": self.summary(),
            "notes": list(self.notes),
        }
