"""`-j N`: lint files in worker processes with exactly the output of a sequential run.

Files are independent except for the key indexes of RunState (duplicate externalIds and taxIds
across the files of a call), whose answers depend on the files linted before. Each worker lints
one file with empty indexes and returns its result, its notes, the keys it inserted (first
occurrences) and any key it only looked up. The parent takes the results in file order: when
none of a file's keys was already in the indexes of the files before it, the worker's result is
the sequential one and its keys are merged; otherwise the parent lints that file again with the
merged indexes, exactly as a sequential run does. Cross-file duplicates are rare, so the second
pass is the exception. The keys cross as one pickle beside their fingerprints (`hash`); the
parent unpickles them only when a piece's fingerprints meet earlier ones (`Ledger`), which keeps
its work per piece to a few milliseconds on the cores the workers need. On Linux workers are
forked (a spawned worker imports gu1lint anew, ~0.3 s of a five-file run's ~3 s); elsewhere they
are spawned. Either way only picklable data crosses: the catalog is handed to each worker by its
initializer.

The unit of work is a piece: a whole file, or a span of a CSV file's rows (`plan_pieces`). The
files of the last, unfilled round are split so that no worker idles while another checks a
whole file (five equal files on two workers take 2.5 files' time instead of 3; one large file
on two workers, about half). A piece after the first reads the rows before it without checking
them, and reports neither the file's start nor, unless it is the last, its end; a piece's keys
go through the same test as a file's, so a duplicate across two pieces of one file sends the
later piece to the parent's second pass. `join_pieces` puts the pieces of a file back into the
result of one pass, the cap on findings included. The key indexes stay dictionaries here (the
merge compares them): the compact store of checks/compact.py, which keeps a sequential run of
1,000,000 entity rows under 200 MB, is not used with -j.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import time
from array import array
from dataclasses import dataclass, field
from typing import Any, TextIO

from gu1lint.catalog import Catalog
from gu1lint.engine import RunState, Span, fewer_collections, lint_file
from gu1lint.options import FileOptions, RunOptions
from gu1lint.readers import file_format
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
    """One file (or piece) linted alone, and what it would need from (and give to) the pieces
    before it: the keys it inserted (first occurrences, with their records) and those it only
    looked up, by index name. They cross as one pickle, unpickled by the parent only when a
    fingerprint says they may meet the keys before (`Ledger`)."""

    result: FileResult
    notes: list[str]
    payload: bytes = b""
    #: index name -> (`hash` of each inserted key, of each key only looked up), array('q') bytes
    fingerprints: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    _loaded: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, result: FileResult, notes: list[str], keys: dict[str, dict[Any, Any]],
           looked_up: dict[str, set[Any]]) -> WorkerResult:
        """A result with its keys packed."""
        payload = pickle.dumps((keys, looked_up), protocol=pickle.HIGHEST_PROTOCOL)
        fingerprints = {name: (array("q", map(hash, keys.get(name, ()))).tobytes(),
                               array("q", map(hash, looked_up.get(name, ()))).tobytes())
                        for name in keys.keys() | looked_up.keys()}
        done = cls(result, notes, payload, fingerprints)
        done._loaded = (keys, looked_up)  # the worker's own copy, never pickled (__getstate__)
        return done

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}

    @property
    def keys(self) -> dict[str, dict[Any, Any]]:
        """The keys it inserted, by index name."""
        return self._load()[0]  # type: ignore[no-any-return]

    @property
    def looked_up(self) -> dict[str, set[Any]]:
        """The keys it only looked up, by index name."""
        return self._load()[1]  # type: ignore[no-any-return]

    def _load(self) -> Any:
        if self._loaded is None:
            self._loaded = pickle.loads(self.payload) if self.payload else ({}, {})
        return self._loaded


class Ledger:
    """The keys of the pieces taken so far, for the parent: the `hash` of each at once, the keys
    themselves only when a piece's fingerprints meet them (forked workers share the parent's
    hash salt; with spawned workers every piece's keys are unpickled). Equal keys have equal
    fingerprints, so a piece whose fingerprints meet none of the earlier ones depends on no
    earlier key; when they meet, the exact test decides."""

    def __init__(self, state: RunState, shared_hash: bool) -> None:
        self.state, self.shared_hash = state, shared_hash
        self.hashes: dict[str, set[int]] = {}
        self.waiting: list[WorkerResult] = []  # taken, keys not yet in the state's indexes

    def depends(self, done: WorkerResult) -> bool:
        """True when a key of the piece was already in a piece before it."""
        if self.shared_hash and not self._may_depend(done):
            return False
        self.settle()
        return depends_on_earlier(self.state, done)

    def _may_depend(self, done: WorkerResult) -> bool:
        for name, (inserted, looked_up) in done.fingerprints.items():
            seen = self.hashes.get(name)
            if seen and not (seen.isdisjoint(array("q", inserted))
                             and seen.isdisjoint(array("q", looked_up))):
                return True
        return False

    def take(self, done: WorkerResult, merged: bool) -> None:
        """Count a piece's keys as seen: merged from its worker, or linted again here."""
        for name, (inserted, _) in done.fingerprints.items():
            self.hashes.setdefault(name, set()).update(array("q", inserted))
        if merged:
            self.state.file_number(done.result.path)
            self.waiting.append(done)

    def settle(self) -> None:
        """Put the keys of the pieces taken so far into the state's indexes, in order."""
        for done in self.waiting:
            for name, keys in done.keys.items():
                self.state.index(name).update(keys)
        self.waiting.clear()


def _start_worker(catalog: Catalog) -> None:
    global _catalog
    _catalog = catalog


def lint_alone(path: str, options: FileOptions, run: RunOptions, number: int,
               span: Span | None = None) -> WorkerResult:
    """Lint one file, or one piece of it, with empty key indexes (runs in a worker process)."""
    assert _catalog is not None, "worker started without a catalog"
    state = RecordingState(references=_references, number=number, spill_at=None)
    report = Report()
    with fewer_collections():
        result = lint_file(path, options, run, state, report, _catalog, span)
    keys = {name: dict(index) for name, index in state.keys.items()}
    looked_up = {name: index.looked_up - index.keys() for name, index in state.keys.items()
                 if isinstance(index, RecordingIndex) and index.looked_up - index.keys()}
    return WorkerResult.of(result, list(report.notes), keys, looked_up)


def depends_on_earlier(state: RunState, done: WorkerResult) -> bool:
    """True when a key of the file was already seen in an earlier file."""
    for name, keys in (*done.keys.items(), *done.looked_up.items()):
        seen = state.keys.get(name)
        if seen and not seen.keys().isdisjoint(keys):
            return True
    return False


def lint_parallel(jobs: list[tuple[str, FileOptions]], run: RunOptions, state: RunState,
                  report: Report, catalog: Catalog, progress: Progress | None = None,
                  pieces: list[tuple[int, Span | None]] | None = None) -> list[FileResult]:
    """Every file's result, in the order given, identical to linting them one after another."""
    import multiprocessing  # only here: `check` imports this module for Progress on every run
    from concurrent.futures import ProcessPoolExecutor

    # fork only where it is the platform's safe default (macOS and Windows spawn)
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    state.spill_at = None  # the merge compares dictionaries: no compact store (checks/compact.py)
    context = multiprocessing.get_context(method)
    if pieces is None:
        pieces = plan_pieces([path for path, _ in jobs], run.jobs)
    pool = ProcessPoolExecutor(min(run.jobs, len(pieces)), mp_context=context,
                               initializer=_start_worker, initargs=(catalog,))
    results: list[FileResult] = []
    try:
        futures = [pool.submit(lint_alone, *jobs[number], run, number, span)
                   for number, span in pieces]
        joined: FileResult | None = None
        ledger = Ledger(state, shared_hash=method == "fork")
        for place, ((number, span), future) in enumerate(zip(pieces, futures, strict=True)):
            path, options = jobs[number]
            done = future.result()
            state.number = number
            if ledger.depends(done):  # the state now holds every earlier key: lint it here
                result = lint_file(path, options, run, state, report, catalog, span)
                ledger.take(done, merged=False)
            else:  # what a sequential run gives; the rows of its keys name the file by number
                ledger.take(done, merged=True)
                for note in done.notes:
                    report.note(note)
                result = done.result
            joined = result if joined is None else join_pieces(joined, result, run.max_findings)
            if place + 1 == len(pieces) or pieces[place + 1][0] != number:  # the file's last
                results.append(joined)
                joined = None
                if progress:
                    progress.advance()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


#: a CSV file is split only into pieces of at least this many rows (a piece after the first
#: reads the rows before it again, unchecked: about a quarter of the cost of checking them)
MIN_PIECE_ROWS = 20_000


def plan_pieces(paths: list[str], workers: int) -> list[tuple[int, Span | None]]:
    """(file number, span) in order. Whole files go to the workers in turn; the files of the last,
    unfilled round are split into pieces so that no worker idles while one checks a whole file
    alone (five equal files on two workers: 2.5 files each instead of 3 and 2). Only CSV files
    are split, at a row count estimated from their line breaks (the pieces are exact whatever
    the estimate: a piece checks the rows after those of the pieces before it)."""
    left = len(paths) % workers
    split = max(1, round(workers / left)) if left else 1
    pieces: list[tuple[int, Span | None]] = []
    for number, path in enumerate(paths):
        parts = split if number >= len(paths) - left else 1
        rows = _estimated_rows(path) if parts > 1 else 0
        parts = min(parts, rows // MIN_PIECE_ROWS)
        if parts < 2:
            pieces.append((number, None))
            continue
        pieces += [(number, span) for span in _spans(rows, parts)]
    return pieces


#: reading a row without checking it costs about this share of reading and checking it
#: (1,000,000 transaction rows in two pieces: the second took 1.3 times the first)
READ_SHARE = 0.25


def _spans(rows: int, parts: int) -> list[Span]:
    """Spans of about equal cost: a later piece also reads the rows before it, so it is
    shorter (size_k = first - READ_SHARE * start_k)."""
    # with size_0 = 1, start_k grows as sum of (1 - r)^i: scale so that the starts reach rows
    r = READ_SHARE
    starts = [(1 - (1 - r) ** k) / r for k in range(parts + 1)]
    bounds = [round(rows * start / starts[-1]) for start in starts]
    return [(bounds[k], bounds[k + 1] - bounds[k] if k < parts - 1 else None)
            for k in range(parts)]


def _estimated_rows(path: str) -> int:
    """Line breaks in a CSV file, less the header; 0 for any other file or one unreadable."""
    try:
        if file_format(path) != "csv" or not stat.S_ISREG(os.stat(path).st_mode):
            return 0  # a FIFO named .csv would block
        with open(path, "rb") as fh:
            return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                       - 1)
    except OSError:
        return 0


def join_pieces(first: FileResult, then: FileResult, cap: int) -> FileResult:
    """The result of a file from those of two consecutive pieces, as one pass gives it: the
    first piece's start of file, both pieces' rows (up to the cap of row findings), the second
    piece's end of file. When the first piece reached the file's end, the second has nothing."""
    if not first.cut:
        return first
    top = [f for f in first.findings if f.row is None] + [f for f in then.findings
                                                          if f.row is None]
    rows_first = [f for f in first.findings if f.row is not None]
    rows_then = [f for f in then.findings if f.row is not None]
    room = 0 if first.partial else cap - len(rows_first)
    return FileResult(path=first.path, kind=first.kind, format=first.format,
                      encoding=first.encoding, rows=then.rows,
                      partial=first.partial or then.partial or len(rows_then) > room,
                      findings=top + rows_first + rows_then[:room], cut=then.cut)


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
