"""Entity keys kept compact once one call holds very many of them.

The entity duplicate check keeps two keys a row (externalId, taxId) and, for each key, the row
that had it first (file, row, type, both keys). In dictionaries of strings and tuples that is
about 310 bytes a row: 1,000,000 rows took 310 MB. Once the dictionaries hold
`RunState.spill_at` keys, the check moves to this store of about 65 bytes a row, and the
dictionaries are emptied:

- the rows, by position, a block at a time: file and row (one int for a block of consecutive
  rows), type (shared strings), and each key column as one text with the end of every key;
- for each key column, the keys that came first as sorted runs of their 64-bit fingerprints
  (`hash`) with their row's position: a block's new keys become a run, and runs of similar size
  merge (as in a log-structured merge tree), so a lookup searches a few runs;
- a bit filter per key column that answers most lookups of a new key without a search.

A fingerprint that matches is confirmed by comparing the stored key with the looked-up one, so
the answers are exactly the dictionaries' (a collision of two fingerprints only costs a
comparison). The fingerprints come from `hash`, which is salted per process: a store never
leaves the process that built it. numpy is imported by the first spill only (about 0.13 s),
never for the files of one upload under the plan's cap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

#: (file number, row, type, externalId, taxId): the record the duplicate check keeps a row
Record = tuple[int, int, str, str, str]

_FILE, _ROW, _KIND = itemgetter(0), itemgetter(1), itemgetter(2)
_EXT, _TAX = itemgetter(3), itemgetter(4)
_NAMES = ("ext", "tax")

#: a key's fingerprint: any int64 function of the key is exact (tests use a weak one)
FINGERPRINT: Callable[[str], int] = hash
#: bits in the filter of each key (4 MB): at 1,000,000 keys, 3 lookups in 100 search the runs
FILTER_BITS = 1 << 25


class CompactRecords:
    """Rows by position, and the first position of every key ("ext": externalId, "tax":
    taxId) seen since the store took over from the dictionaries."""

    def __init__(self, fingerprint: Callable[[str], int] | None = None) -> None:
        import numpy

        self.np = numpy
        self.fingerprint = fingerprint or FINGERPRINT
        self.count = 0
        # per block of rows: its first position; (file, row, types, ext keys, tax keys) where
        # file and row are ints (the block's first row; the others follow) or arrays
        self.bases: list[int] = []
        self.blocks: list[tuple[Any, Any, list[str], Any, Any]] = []
        self.runs: dict[str, list[tuple[Any, Any]]] = {name: [] for name in _NAMES}
        self.filters = {name: numpy.zeros(FILTER_BITS >> 3, numpy.uint8) for name in _NAMES}
        self.mask = numpy.int64(FILTER_BITS - 1)

    def __len__(self) -> int:
        return self.count

    # ---- rows -------------------------------------------------------------------------------

    def _keys(self, keys: Sequence[str] | None) -> tuple[bytes, Any] | None:
        """A key column as UTF-8 joined by NUL, and where each key starts (n + 1 of them)."""
        if keys is None:
            return None
        np = self.np
        text = "\0".join(keys).encode("utf-8", "surrogatepass")
        breaks = np.flatnonzero(np.frombuffer(text, np.uint8) == 0)
        if len(breaks) != len(keys) - 1:  # a key holds NUL itself: measure every key
            sizes = np.fromiter((len(k.encode("utf-8", "surrogatepass")) for k in keys),
                                np.int64, len(keys))
            breaks = np.cumsum(sizes + 1)[:-1] - 1
        return text, np.concatenate(([0], breaks + 1, [len(text) + 1]))

    def _store(self, file: Any, rows: Any, kinds: list[str], exts: Sequence[str] | None,
               taxes: Sequence[str] | None) -> int:
        base = self.count
        self.bases.append(base)
        self.blocks.append((file, rows, kinds, self._keys(exts), self._keys(taxes)))
        self.count += len(kinds)
        return base

    def key(self, name: str, position: int) -> str:
        """The externalId ("ext") or taxId ("tax") of a stored row."""
        block = bisect_right(self.bases, position) - 1
        keys = self.blocks[block][3 if name == "ext" else 4]
        if keys is None:
            return ""
        text, starts = keys
        at = position - self.bases[block]
        return text[int(starts[at]):int(starts[at + 1]) - 1].decode("utf-8", "surrogatepass")

    def record(self, position: int) -> Record:
        """A stored row as the dictionaries' records held it."""
        block = bisect_right(self.bases, position) - 1
        file, rows, kinds, _, _ = self.blocks[block]
        at = position - self.bases[block]
        return (file if isinstance(file, int) else int(file[at]),
                rows + at if isinstance(rows, int) else int(rows[at]), kinds[at],
                self.key("ext", position), self.key("tax", position))

    # ---- keys -------------------------------------------------------------------------------

    def adopt(self, tax_seen: dict[str, Record], ext_seen: dict[str, Record]) -> None:
        """Take over the dictionaries of records (the check before its first spill): their
        records become rows, their keys runs, and they are emptied."""
        np = self.np
        both = [*tax_seen.values(), *ext_seen.values()]  # a record is often in both
        where = np.fromiter(map(_FILE, both), np.int64, len(both)) << 32
        where |= np.fromiter(map(_ROW, both), np.int64, len(both))
        unique, first = np.unique(where, return_index=True)  # each record once, in row order
        records = [both[i] for i in first.tolist()]
        del both
        base = self._store(unique >> 32, unique & 0xFFFFFFFF, list(map(_KIND, records)),
                           list(map(_EXT, records)), list(map(_TAX, records)))
        positions = np.searchsorted(unique, where) + base
        split = len(tax_seen)
        for name, seen, mine in (("tax", tax_seen, positions[:split]),
                                 ("ext", ext_seen, positions[split:])):
            fingerprints = np.fromiter(map(self.fingerprint, seen), np.int64, len(seen))
            seen.clear()
            order = np.argsort(fingerprints, kind="stable")
            self._insert(name, fingerprints[order], mine[order])

    def block(self, file: int, rows: list[int], kinds: list[str], exts: list[str] | None,
              taxes: list[str] | None) -> tuple[int, dict[int, int], dict[int, int]]:
        """Store a block of rows (a key column may be None: the file lacks it). Returns the
        position of its first row, and for each key column the rows (by place in the block)
        whose key came before, with the position of the row that had it first."""
        n = len(rows)
        consecutive = rows[-1] - rows[0] == n - 1
        base = self._store(file, rows[0] if consecutive else self.np.array(rows), kinds, exts,
                           taxes)
        firsts = [{} if keys is None else self._first(name, keys, base)
                  for name, keys in (("tax", taxes), ("ext", exts))]
        return base, firsts[0], firsts[1]

    def _first(self, name: str, keys: list[str], base: int) -> dict[int, int]:
        """The earlier positions of the block's keys under `name`; the new keys go in a run."""
        np = self.np
        fingerprints = np.fromiter(map(self.fingerprint, keys), np.int64, len(keys))
        found = self._lookup(name, keys, fingerprints)
        order = np.argsort(fingerprints, kind="stable")  # equal fingerprints in row order
        ordered = fingerprints[order]
        later = set(found)  # rows that are not a key's first occurrence (or have no key)
        repeats = np.flatnonzero(ordered[1:] == ordered[:-1])
        if len(repeats):  # a fingerprint repeats inside the block: compare those keys
            earlier: dict[str, int] = {}
            for i in np.unique(np.concatenate((order[repeats], order[repeats + 1]))).tolist():
                first_place = earlier.setdefault(keys[i], i)
                if first_place != i:
                    later.add(i)
                    if i not in found and keys[i]:
                        found[i] = found.get(first_place, base + first_place)
        later.update(i for i in np.flatnonzero(fingerprints == self.fingerprint("")).tolist()
                     if not keys[i])  # an empty key is never a key
        if later:
            keep = np.ones(len(keys), bool)
            keep[list(later)] = False
            keep = keep[order]
            ordered, order = ordered[keep], order[keep]
        self._insert(name, ordered, order + base)
        return found

    def _lookup(self, name: str, keys: list[str], fingerprints: Any) -> dict[int, int]:
        """The keys (by place) already in the runs, with their positions."""
        runs = self.runs[name]
        if not runs:
            return {}
        np = self.np
        bits = fingerprints & self.mask
        maybe = np.flatnonzero((self.filters[name][bits >> 3] >> (bits & 7).astype(np.uint8)) & 1)
        if not len(maybe):
            return {}
        wanted = fingerprints[maybe]
        found: dict[int, int] = {}
        for run, positions in runs:
            size = len(run)
            at = np.minimum(np.searchsorted(run, wanted), size - 1)
            for i in np.flatnonzero(run[at] == wanted).tolist():
                place = int(maybe[i])
                key = keys[place]
                j, fingerprint = int(at[i]), wanted[i]
                while key and place not in found and j < size and run[j] == fingerprint:
                    position = int(positions[j])
                    if self.key(name, position) == key:  # a key is in one run at most
                        found[place] = position
                    j += 1
        return found

    def _insert(self, name: str, fingerprints: Any, positions: Any) -> None:
        """Add first occurrences, sorted, as a run; merge runs of similar size; set their
        bits in the filter."""
        np = self.np
        if not len(fingerprints):
            return
        runs = self.runs[name]
        runs.append((fingerprints, positions))
        while len(runs) > 1 and len(runs[-2][0]) <= MERGE * len(runs[-1][0]):
            runs[-2:] = [_merge(np, runs[-2], runs[-1])]
        bits = fingerprints & self.mask
        np.bitwise_or.at(self.filters[name], bits >> 3,
                         np.left_shift(np.uint8(1), (bits & 7).astype(np.uint8)))


#: a new run merges with the run before it while that one is at most this many times larger:
#: about log(keys / block) / log(MERGE) runs to search, each key copied about as many times
MERGE = 2


def _merge(np: Any, older: tuple[Any, Any], newer: tuple[Any, Any]) -> tuple[Any, Any]:
    """Two sorted runs as one; of equal fingerprints the older run's come first."""
    (run_a, pos_a), (run_b, pos_b) = older, newer
    size = len(run_a) + len(run_b)
    at_b = np.searchsorted(run_a, run_b, side="right") + np.arange(len(run_b))
    at_a = np.ones(size, bool)
    at_a[at_b] = False
    run, positions = np.empty(size, run_a.dtype), np.empty(size, pos_a.dtype)
    run[at_b], positions[at_b] = run_b, pos_b
    run[at_a], positions[at_a] = run_a, pos_a
    return run, positions
