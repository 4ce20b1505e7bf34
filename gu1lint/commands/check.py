"""`gu1lint check`: gather files, merge config and flags per file, lint, report, exit status."""

from __future__ import annotations

import os
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from gu1lint.catalog import Catalog, load_catalog
from gu1lint.config import Config, glob_match, load_config
from gu1lint.errors import ConfigError, UsageError
from gu1lint.limits import load_limits
from gu1lint.mapping import SavedMapping, load_mapping_file, parse_column_mapping
from gu1lint.options import FileOptions, RunOptions
from gu1lint.readers import LINTED_SUFFIXES
from gu1lint.report import Report

#: flags that override the same key of the config for every file
FILE_FLAGS = ("kind", "mode", "country", "plan", "batch_error_handling",
              "validate_existing_entity", "skip_duplicates", "sheet")


def collect_paths(paths: tuple[str, ...], exclude: list[str]) -> list[str]:
    """Files as given, and folders walked recursively for import files, in a stable order."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                for sub in sorted(path.rglob("*")):
                    if (sub.is_file() and sub.suffix.lower() in LINTED_SUFFIXES
                            and not _excluded(sub, exclude)):
                        found.append(str(sub))
            elif path.exists() or path.is_symlink():
                found.append(raw)  # a dangling link or a loop: its reader reports it
            else:
                raise UsageError(f"{raw}: no such file or folder")
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte in a config glob
            raise UsageError(f"{raw}: {getattr(exc, 'strerror', None) or exc}") from exc
    return list(dict.fromkeys(found))


def _excluded(path: Path, patterns: list[str]) -> bool:
    text = path.as_posix()
    return any(glob_match(p, text) or glob_match("**/" + p, text) for p in patterns)


def run_options(flags: dict[str, Any], config: Config, catalog: Catalog) -> RunOptions:
    """The run-wide settings: flags first, then the config."""
    s = config.settings
    # config names are checked even when a flag wins, so a typo in the file never hides
    config_select = _config_rules(catalog, s.select, config) if s.select else None
    config_ignore = _config_rules(catalog, s.ignore, config)
    wanted, unwanted = comma(flags["select"]), comma(flags["ignore"])
    # a selector naming only server codes selects no rule (not every rule)
    select = catalog.rules_for(wanted) if wanted else config_select
    ignore = catalog.rules_for(unwanted) if unwanted else config_ignore
    severity = {}
    for name, level in (s.severity or {}).items():
        for rule in _config_rules(catalog, [name], config):
            severity[rule] = level
    return RunOptions(
        select=frozenset(select) if select is not None else None,
        ignore=frozenset(ignore),
        severity=severity,
        max_findings=flags["max_findings"] or s.max_findings or 1000,
        request=bool(flags["request"] if flags["request"] is not None else s.request),
        jobs=flags["jobs"] or s.jobs or 1,
    )


def _config_rules(catalog: Catalog, names: list[str] | None, config: Config) -> set[str]:
    """Rules a config list selects; an unknown name is an error naming the config file."""
    try:
        return catalog.rules_for(names or [])
    except UsageError as exc:
        raise ConfigError(f"{config.source}: {exc}") from exc


def comma(values: tuple[str, ...]) -> list[str]:
    """Flatten repeated, comma-separated option values."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


class OptionsBuilder:
    """Builds each file's FileOptions from config tables and flags, loading shared files once."""

    def __init__(self, flags: dict[str, Any], config: Config) -> None:
        self.flags, self.config = flags, config

    def for_file(self, path: str) -> FileOptions:
        """Flags override the matching `[[files]]` tables, which override the top level."""
        merged = self.config.for_file(path)
        for name in FILE_FLAGS:
            if self.flags.get(name) is not None:
                merged[name] = self.flags[name]
        values: dict[str, Any] = {k: merged[k] for k in FILE_FLAGS if k in merged}
        values["mapping"] = self._mapping(merged)
        values["limits"] = self._limits(merged)
        values["entities"] = self._entities(merged)
        values["entity_max_items"] = merged.get("bulk_automatic_entity_max_items") or _env_int(
            "BULK_AUTOMATIC_ENTITY_MAX_ITEMS")
        values["user_event_max_rows"] = merged.get("user_event_batch_import_max_rows") or _env_int(
            "USER_EVENT_BATCH_IMPORT_MAX_ROWS")
        if merged.get("duplicate_tax_id_policy"):
            values["duplicate_tax_id_policy"] = merged["duplicate_tax_id_policy"]
        if values.get("country"):
            values["country"] = values["country"].strip()
        return FileOptions(**values)

    def _mapping(self, merged: dict[str, Any]) -> SavedMapping | None:
        flags = self.flags
        if flags.get("column_mapping"):
            return parse_column_mapping(flags["column_mapping"])
        if flags.get("mapping"):
            return _load_mapping(flags["mapping"], flags.get("mapping_id"))
        if merged.get("column_mapping"):
            return parse_column_mapping(merged["column_mapping"])
        if merged.get("mapping"):
            return _load_mapping(self.config.resolve_path(merged["mapping"]),
                                 flags.get("mapping_id") or merged.get("mapping_id"))
        if flags.get("mapping_id"):
            raise UsageError("--mapping-id needs --mapping FILE (a mappings list)")
        return None

    def _limits(self, merged: dict[str, Any]) -> Any:
        if self.flags.get("limits"):
            return _load_limits(self.flags["limits"])
        if merged.get("limits"):
            return _load_limits(self.config.resolve_path(merged["limits"]))
        return None

    def _entities(self, merged: dict[str, Any]) -> tuple[str, ...]:
        if self.flags.get("entities"):
            return tuple(collect_paths(tuple(self.flags["entities"]), []))
        found: list[str] = []
        for pattern in merged.get("entities") or []:
            matches = sorted(self.config.root.glob(pattern))
            if not matches:
                raise ConfigError(f"{self.config.source}: entities pattern {pattern!r} "
                                  "matches no file")
            found.extend(str(m) for m in matches if m.is_file())
        return tuple(found)


def _load_mapping(path: str, mapping_id: str | None) -> SavedMapping:
    return _load_mapping_cached(os.path.abspath(path), mapping_id, _mtime(path))


def _load_limits(path: str) -> Any:
    return _load_limits_cached(os.path.abspath(path), _mtime(path))


def _mtime(path: str) -> float:
    """Part of the cache key, so that a file changed between two calls in one process is re-read."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


@cache
def _load_mapping_cached(path: str, mapping_id: str | None, mtime: float) -> SavedMapping:
    return load_mapping_file(path, mapping_id)


@cache
def _load_limits_cached(path: str, mtime: float) -> Any:
    return load_limits(path)


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"environment variable {name}={raw!r} is not a row count")
    return int(raw)


def run_check(flags: dict[str, Any]) -> int:
    """The whole `check` command; returns the exit status."""
    from gu1lint.baseline import use_baseline
    from gu1lint.engine import lint
    from gu1lint.parallel import Progress

    catalog = load_catalog(flags.get("lang"))
    config = load_config(flags["config_path"])
    run = run_options(flags, config, catalog)
    exclude = list(flags["exclude"]) or config.settings.exclude or []
    paths = collect_paths(flags["paths"], exclude)
    builder = OptionsBuilder(flags, config)
    jobs = [(p, builder.for_file(p)) for p in paths]
    progress = Progress(len(jobs))
    try:
        report = lint(jobs, run, catalog, progress=progress)
    finally:
        progress.close()
    use_baseline(report, flags.get("baseline"), flags.get("write_baseline"))
    if report.findings:  # nothing to repair otherwise: spare the import of the fixers
        from gu1lint.fix.count import note_fixable

        note_fixable(report, jobs, catalog)
    statistics = (flags["statistics"] if flags["statistics"] is not None
                  else config.settings.statistics)
    fmt = flags["fmt"] or config.settings.format or "auto"
    write_report(report, catalog, fmt, flags["output"] or config.settings.output, bool(statistics))
    fail_on = flags["fail_on"] or config.settings.fail_on or "error"
    return exit_status(report, fail_on)


def exit_status(report: Report, fail_on: str) -> int:
    """1 when a finding is at or above --fail-on, else 0."""
    levels = ("error",) if fail_on == "error" else ("error", "warning")
    return 1 if any(f.severity in levels for f in report.findings) else 0


def statistics_rows(report: Report) -> list[tuple[int, str, str, str]]:
    """(count, code, rule, severity) per rule, most frequent first."""
    counts = Counter((f.code, f.rule, f.severity) for f in report.findings)
    return sorted(((n, c, r, s) for (c, r, s), n in counts.items()), key=lambda t: (-t[0], t[2]))


def auto_format(output: str | None) -> tuple[str, bool]:
    """`--format auto`: github in GitHub Actions; text, coloured on a terminal unless NO_COLOR."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github", False
    color = (not output and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    return "text", bool(color)


def write_report(report: Report, catalog: Catalog, fmt: str, output: str | None,
                 statistics: bool) -> None:
    """Render with the named reporter to --output or stdout."""
    from gu1lint.reporters import get_reporter

    color = False
    if fmt == "auto":
        fmt, color = auto_format(output)
    render = get_reporter(fmt)
    if output:
        try:
            with open(output, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
                render(report, catalog, fh)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    elif color:
        render(report, catalog, sys.stdout, color=True)  # type: ignore[call-arg]
    else:
        render(report, catalog, sys.stdout)
    if statistics:
        stream = sys.stderr if fmt != "text" and not output else sys.stdout
        for n, code, rule, severity in statistics_rows(report):
            stream.write(f"{n:>7}  {code:<30} {rule:<36} {severity}\n")
