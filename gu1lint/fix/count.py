"""How many of `check`'s findings `gu1lint fix` would repair: found by fixing and re-checking.

A finding counts only when the fixer changes its row and the same rule no longer fires at the
same row and column once the row is checked again, so the note never promises more than `fix`
does. Only findings of rules with a fix in the catalog are candidates, and only files with such
findings are read a second time.
"""

from __future__ import annotations

from collections.abc import Iterable

from gu1lint.catalog import Catalog
from gu1lint.checks import REGISTRY
from gu1lint.engine import FileContext, RunState
from gu1lint.errors import Gu1lintError
from gu1lint.fix import FixSettings
from gu1lint.fix.files import FixOutcome, fix_file
from gu1lint.fix.rows import extend_cells
from gu1lint.options import FileOptions, RunOptions
from gu1lint.readers import Table
from gu1lint.report import FileResult, Finding, Report

Spot = tuple[int | None, str | None, str]  # (row, column, rule)
FILE_FIXES = ("encoding-not-utf8",)  # file-level findings that every fix repairs


def note_fixable(report: Report, jobs: Iterable[tuple[str, FileOptions]], catalog: Catalog) -> None:
    """Add a note per file saying how many findings `fix` (and `--unsafe-fixes`) would repair."""
    fixable = frozenset(name for name, rule in catalog.rules.items() if rule.fix)
    options = dict(jobs)
    for result in report.files:
        candidates = [f for f in result.findings if f.rule in fixable]
        if not candidates or result.path not in options:
            continue
        try:
            safe, unsafe = count_repairs(result, candidates, options[result.path], catalog)
        except Gu1lintError:
            continue  # an unreadable file already has its finding
        if unsafe > safe:
            report.note(f"{result.path}: gu1lint fix would repair {_findings(safe)}; "
                        f"gu1lint fix --unsafe-fixes {unsafe}")
        elif safe:
            report.note(f"{result.path}: gu1lint fix would repair {_findings(safe)}")


def _findings(count: int) -> str:
    return f"{count} finding" if count == 1 else f"{count} findings"


def count_repairs(result: FileResult, candidates: list[Finding], options: FileOptions,
                  catalog: Catalog) -> tuple[int, int]:
    """(findings the safe fixes repair, findings all fixes repair) among the candidates."""
    at_file = sum(1 for f in candidates if f.row is None and f.rule in FILE_FIXES)
    rows = {f.row for f in candidates if f.row is not None}
    if not rows:
        return at_file, at_file
    outcome = fix_file(result.path, options, FixSettings(), None, watch=rows)
    rules = frozenset(f.rule for f in candidates)
    counts = []
    for level in (1, 2):
        fixed = {row: cells[level] for row, cells in outcome.watched.items() if cells[level]}
        still = relint(outcome, fixed, options, catalog, rules)
        counts.append(at_file + sum(1 for f in candidates if f.row in fixed
                                    and (f.row, f.column, f.rule) not in still))
    return counts[0], counts[1]


def relint(outcome: FixOutcome, rows: dict[int, list[str]], options: FileOptions,
           catalog: Catalog, rules: frozenset[str]) -> set[Spot]:
    """The findings of `rules` on fixed rows, checked one by one with the row checks."""
    assert outcome.fixer is not None
    plan, kind = outcome.fixer.plan, outcome.kind
    run = RunOptions(select=rules, max_findings=1 << 62)
    result = FileResult(path=outcome.path, kind=kind, format=outcome.format)
    ctx = FileContext(outcome.path, kind, Table(outcome.path, outcome.format, [], iter(())), plan,
                      options, run, RunState(), result, Report(), catalog)
    checks = [c for c in (cls(ctx) for cls in REGISTRY if kind in cls.kinds)
              if set(c.rules) & ctx.enabled and c.start()]
    for row, cells in sorted(rows.items()):
        full = extend_cells(plan, cells)
        for check in checks:
            check.row(row, 0, full)
    return {(f.row, f.column, f.rule) for f in result.findings}
