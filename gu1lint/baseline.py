"""Baselines: findings accepted once, so that a check reports only new ones.

An entry names a finding by what stays true when rows move: the path (as given, posix), the
code, the rule and the row's `key`; findings without a key (file-level ones, user events have
one) use the column and the value instead. Identical entries are counted, so a second identical
finding is still new. Entries of a linted file that match nothing any more are stale.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import PurePath
from typing import Any

from gu1lint.errors import UsageError
from gu1lint.report import Finding, Report

VERSION = 1
SORT_ORDER = ("path", "code", "rule", "key", "column", "value", "count")
Entry = tuple[tuple[str, Any], ...]


def posix_path(path: str) -> str:
    """A path as given, normalised (`./a//b.csv` -> `a/b.csv`) and with forward slashes."""
    return PurePath(os.path.normpath(path)).as_posix()


def entry_of(f: Finding) -> Entry:
    """The identity of a finding in a baseline, as sorted (name, value) pairs."""
    fields: dict[str, Any] = {"path": posix_path(f.path), "code": f.code, "rule": f.rule}
    if f.key is not None:
        fields["key"] = f.key
    else:
        fields.update(column=f.column, value=f.value)
    return tuple(sorted(fields.items()))


def entries_of(report: Report) -> Counter[Entry]:
    """Every finding's entry, counted."""
    return Counter(entry_of(f) for f in report.findings)


def dump(entries: Counter[Entry]) -> str:
    """The baseline file: sorted entries, so that the file is stable under version control."""
    rows = [{**dict(e), "count": n} for e, n in entries.items()]
    rows.sort(key=lambda r: tuple(str(r.get(k) or "") for k in SORT_ORDER))
    doc = {"tool": "gu1lint", "version": VERSION, "entries": rows}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_baseline(path: str, report: Report) -> int:
    """Write the report's findings as a baseline; returns the number of findings written."""
    entries = entries_of(report)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(dump(entries))
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc
    return sum(entries.values())


def read_baseline(path: str) -> Counter[Entry]:
    """Load a baseline file; a malformed one is a usage error naming the file."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        rows = doc["entries"]
        entries: Counter[Entry] = Counter()
        for row in rows:
            fields = {k: v for k, v in row.items() if k != "count"}
            entries[tuple(sorted(fields.items()))] += int(row.get("count", 1))
        return entries
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path}: not a gu1lint baseline file ({exc})") from exc


def apply_baseline(report: Report, entries: Counter[Entry], source: str) -> None:
    """Drop the findings the baseline holds; note the suppressed and the stale entries."""
    remaining = Counter(entries)
    suppressed = 0
    for result in report.files:
        kept = []
        for f in result.findings:
            entry = entry_of(f)
            if remaining[entry] > 0:
                remaining[entry] -= 1
                suppressed += 1
            else:
                kept.append(f)
        result.findings = kept
    if suppressed:
        report.note(f"{source}: {suppressed} baseline finding{'s' * (suppressed != 1)} not shown")
    stale = stale_entries(report, remaining)
    if stale:
        shown = "; ".join(describe(e) for e in stale[:5]) + ("; ..." if len(stale) > 5 else "")
        report.note(f"{source}: {len(stale)} stale baseline entr{'ies' if len(stale) != 1 else 'y'}"
                    f" (no longer found; rewrite it with --write-baseline): {shown}")


def stale_entries(report: Report, remaining: Counter[Entry]) -> list[Entry]:
    """Unmatched entries of the files this run linted completely (others may simply be unlinted)."""
    linted = {posix_path(r.path) for r in report.files if not r.partial}
    stale = []
    for entry, n in sorted(remaining.items(), key=lambda item: str(item[0])):
        if n > 0 and dict(entry)["path"] in linted:
            stale.extend([entry] * n)
    return stale


def describe(entry: Entry) -> str:
    """`path CODE [rule] key` or `path CODE [rule] column=value` for a note."""
    d = dict(entry)
    who = f"key {d['key']}" if "key" in d else (f"{d['column']}={d['value']!r}" if d.get("column")
                                                  else "file")
    return f"{d['path']} {d['code']} [{d['rule']}] {who}"


def use_baseline(report: Report, baseline: str | None, write: str | None) -> None:
    """--write-baseline FILE writes the findings; --baseline FILE (or the one just written)
    then leaves only the findings it does not hold."""
    if write:
        count = write_baseline(write, report)
        report.note(f"{write}: baseline written with {count} finding{'s' * (count != 1)}")
        baseline = write
    if baseline:
        apply_baseline(report, read_baseline(baseline), baseline)
