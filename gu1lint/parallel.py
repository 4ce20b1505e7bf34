"""`-j N`: lint files in worker processes with exactly the output of a sequential run.

Files are independent except for the key indexes of RunState (duplicate externalIds and taxIds
across the files of a call), whose answers depend on the files linted before. Each worker lints
one file with empty indexes and returns its result, its notes, the keys it inserted (first
occurrences) and any key it only looked up. The parent takes the results in file order: when
none of a file's keys was already in the indexes of the files before it, the worker's result is
the sequential one and its keys are merged; otherwise the parent lints that file again with the
merged indexes, exactly as a sequential run does. Cross-file duplicates are rare, so the second
pass is the exception. On Linux workers are forked (a spawned worker imports gu1lint anew,
~0.3 s of a five-file run's ~3 s); elsewhere they are spawned. Either way only picklable data
crosses: the catalog is handed to each worker by its initializer. The key indexes stay
dictionaries here (the merge compares them): the compact store of checks/compact.py, which keeps
a sequential run of 1,000,000 entity rows under 200 MB, is not used with -j.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from gu1lint.catalog import Catalog
from gu1lint.engine import RunState, fewer_collections, lint_file
from gu1lint.options import FileOptions, RunOptions
from gu1lint.report import FileResult, Report

_catalog: Catalog | None = None
#: known-entity sets depend only on the paths, so one worker keeps them across its files
_references: dict[tuple[str, ...], Any] = {}


class RecordingIndex(dict):  # type: ignore[type-arg]
    """A key index that remembers the keys a check asked about without inserting them."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_up: set[Any] = set()

    def __contains__(self, key: object) -> bool:
        self.looked_up.add(key)
        return super().__contains__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        """dict.get, remembering the key."""
        self.looked_up.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.looked_up.add(key)
        return super().__getitem__(key)


class RecordingState(RunState):
    """A RunState whose key indexes record lookups (one file, in a worker)."""

    def index(self, name: str) -> dict[str, Any]:
        """A recording index per name."""
        if name not in self.keys:
            self.keys[name] = RecordingIndex()
        return self.keys[name]


@dataclass
class WorkerResult:
    """One file linted alone, and what it would need from (and give to) the files before it."""

    result: FileResult
    notes: list[str]
    keys: dict[str, dict[Any, Any]] = field(default_factory=dict)
    looked_up: dict[str, set[Any]] = field(default_factory=dict)


def _start_worker(catalog: Catalog) -> None:
    global _catalog
    _catalog = catalog


def lint_alone(path: str, options: FileOptions, run: RunOptions, number: int) -> WorkerResult:
    """Lint one file with empty key indexes (runs in a worker process)."""
    assert _catalog is not None, "worker started without a catalog"
    state = RecordingState(references=_references, number=number, spill_at=None)
    report = Report()
    with fewer_collections():
        result = lint_file(path, options, run, state, report, _catalog)
    keys = {name: dict(index) for name, index in state.keys.items()}
    looked_up = {name: index.looked_up - index.keys() for name, index in state.keys.items()
                 if isinstance(index, RecordingIndex) and index.looked_up - index.keys()}
    return WorkerResult(result, list(report.notes), keys, looked_up)


def depends_on_earlier(state: RunState, done: WorkerResult) -> bool:
    """True when a key of the file was already seen in an earlier file."""
    for name, keys in (*done.keys.items(), *done.looked_up.items()):
        seen = state.keys.get(name)
        if seen and not seen.keys().isdisjoint(keys):
            return True
    return False


def merge(state: RunState, report: Report, done: WorkerResult) -> None:
    """Add a file's first occurrences and notes as a sequential run would have."""
    state.file_number(done.result.path)  # the rows in the keys name the file by its number
    for name, keys in done.keys.items():
        state.index(name).update(keys)
    for note in done.notes:
        report.note(note)


def lint_parallel(jobs: list[tuple[str, FileOptions]], run: RunOptions, state: RunState,
                  report: Report, catalog: Catalog, progress: Progress | None = None,
                  ) -> list[FileResult]:
    """Every file's result, in the order given, identical to linting them one after another."""
    import multiprocessing  # only here: `check` imports this module for Progress on every run
    from concurrent.futures import ProcessPoolExecutor

    # fork only where it is the platform's safe default (macOS and Windows spawn)
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    state.spill_at = None  # the merge compares dictionaries: no compact store (checks/compact.py)
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(min(run.jobs, len(jobs)), mp_context=context,
                               initializer=_start_worker, initargs=(catalog,))
    results: list[FileResult] = []
    try:
        futures = [pool.submit(lint_alone, path, options, run, number)
                   for number, (path, options) in enumerate(jobs)]
        for number, ((path, options), future) in enumerate(zip(jobs, futures, strict=True)):
            done = future.result()
            state.number = number
            if depends_on_earlier(state, done):
                results.append(lint_file(path, options, run, state, report, catalog))
            else:
                merge(state, report, done)
                results.append(done.result)
            if progress:
                progress.advance()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


class Progress:
    """`gu1lint: 3/40 files` on stderr, only on a terminal, for more than one file, after 2 s."""

    def __init__(self, total: int, stream: TextIO | None = None, delay: float = 2.0,
                 enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.delay, self.done, self.shown = total, delay, 0, False
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = total > 1 and (isatty() if enabled is None else enabled)
        self.started = time.monotonic()

    def advance(self) -> None:
        """One more file is done."""
        self.done += 1
        if not self.enabled or (not self.shown and time.monotonic() - self.started < self.delay):
            return
        self.shown = True
        self.stream.write(f"\r\x1b[Kgu1lint: {self.done}/{self.total} files")
        self.stream.flush()

    def close(self) -> None:
        """Erase the counter so that the report starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
