"""`gu1lint fix`: write repaired copies of import files (or replace them, or show a diff)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

import click

from gu1lint.commands.check import OptionsBuilder, collect_paths
from gu1lint.config import load_config
from gu1lint.errors import Gu1lintError, UsageError
from gu1lint.fix import FixSettings
from gu1lint.fix.files import FixOutcome, fix_file
from gu1lint.report import Report

#: what fix writes, skipped when a folder is walked (files named on the command line are fixed)
OWN_OUTPUTS = ("*.fixed.*",)


def destination(path: str, in_place: bool, output_dir: str | None) -> Path:
    """NAME.fixed.EXT beside the input, the input itself, or NAME.EXT in --output-dir."""
    source = Path(path)
    if in_place:
        return source.resolve() if source.is_symlink() else source  # replace the link's target
    if output_dir:
        target = Path(output_dir) / source.name
        if target.resolve() == source.resolve():
            raise UsageError(f"{path}: --output-dir is the input's folder; use --in-place")
        return target
    return source.with_name(f"{source.stem}.fixed{source.suffix}")


def run_fix(flags: dict[str, Any]) -> int:
    """The whole `fix` command; returns the exit status."""
    if flags["in_place"] and flags["output_dir"]:
        raise UsageError("--in-place and --output-dir exclude each other")
    config = load_config(flags.get("config_path"))
    builder = OptionsBuilder(flags, config)
    settings = FixSettings(unsafe=flags["unsafe_fixes"], date_order=flags["date_order"])
    paths = collect_paths(flags["paths"], list(OWN_OUTPUTS))
    if flags["output_dir"]:
        Path(flags["output_dir"]).mkdir(parents=True, exist_ok=True)
    status = 0
    for path in paths:
        try:
            if flags["diff"]:
                outcome = diff_file(path, builder, settings, sys.stdout)
            else:
                target = destination(path, flags["in_place"], flags["output_dir"])
                outcome = write_fixed(path, target, builder, settings)
        except (Gu1lintError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            click.echo(f"gu1lint: error: {path}: {reason}", err=True)
            status = 2
            continue
        summarize(outcome, flags, sys.stderr if flags["diff"] else sys.stdout)
    return status


def write_fixed(path: str, target: Path, builder: OptionsBuilder,
                settings: FixSettings) -> FixOutcome:
    """Fix into a temporary file beside the target, then rename it over the target."""
    report = Report()
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as sink:
            outcome = fix_file(path, builder.for_file(path), settings, sink, report=report)
            sink.flush()
            os.fsync(sink.fileno())
        if outcome.changed:
            if target.exists():
                os.chmod(temp, target.stat().st_mode & 0o7777)
            os.replace(temp, target)
            outcome.notes.append(f"written to {target}")
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    _notes(report)
    return outcome


def diff_file(path: str, builder: OptionsBuilder, settings: FixSettings,
              out: TextIO) -> FixOutcome:
    """Print a unified diff (no context lines) of the records the fix would change."""
    printer = DiffPrinter(path, out)
    report = Report()
    outcome = fix_file(path, builder.for_file(path), settings, None, printer.hunk, report)
    _notes(report)
    return outcome


class DiffPrinter:
    """Unified diff hunks, one per changed record, with the line numbers of both files."""

    def __init__(self, path: str, out: TextIO) -> None:
        self.path, self.out, self.offset, self.started = path, out, 0, False

    def hunk(self, line: int, old: str, new: str) -> None:
        """Print one changed record."""
        if not self.started:
            self.out.write(f"--- {self.path}\n+++ {self.path} (fixed)\n")
            self.started = True
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
        self.out.write(f"@@ -{_range(line, len(a))} +{_range(line + self.offset, len(b))} @@\n")
        self._lines("-", a)
        self._lines("+", b)
        self.offset += len(b) - len(a)

    def _lines(self, sign: str, lines: list[str]) -> None:
        for text in lines:
            body = text.rstrip("\r\n")
            self.out.write(f"{sign}{body}\n")
            if body == text:
                self.out.write("\\ No newline at end of file\n")


def _range(start: int, count: int) -> str:
    if count == 1:
        return str(start)
    return f"{start if count else start - 1},{count}"


def summarize(outcome: FixOutcome, flags: dict[str, Any], out: TextIO) -> None:
    """One line per file: what changed, where it went, what is left and why."""
    parts = []
    if outcome.rows_changed:
        verb = "to fix" if flags["diff"] else "fixed"
        parts.append(f"{outcome.values_changed} values {verb} in {outcome.rows_changed} rows")
    parts.extend(outcome.notes)
    if not outcome.changed:
        parts.append("nothing to fix")
    if outcome.unsafe_available:
        parts.append(f"{outcome.unsafe_available} more with --unsafe-fixes")
    left = [f"{n} {reason}{'s' if n > 1 else ''}" for reason, n in outcome.left.items()]
    if flags["unsafe_fixes"] and left:
        hint = " (pass --date-order)" if "ambiguous date" in outcome.left else ""
        parts.append(f"left as they are: {', '.join(left)}{hint}")
    out.write(f"{outcome.path}: {'; '.join(parts)}\n")


def _notes(report: Report) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
