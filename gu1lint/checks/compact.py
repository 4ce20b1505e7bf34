"""Entity keys kept compact once one call holds very many of them.

The entity duplicate check keeps two keys a row (externalId, taxId) and, for each key, the row
that had it first (file, row, type, both keys). In dictionaries of strings and tuples that is
about 310 bytes a row: 1,000,000 rows took 310 MB. Once the dictionaries hold
`RunState.spill_at` keys, the check moves to this store, of about 75 bytes a row:

- every row from then on, in columns: file number and row in one int64, its type (a code into
  the types seen), and both keys, one text per block and key with the end of every key in it;
- the keys that came first, in sorted runs of their 64-bit fingerprints (`hash`) with the
  position of their row, and a bit per fingerprint in a filter that answers most lookups of a
  new key without a search. Recent keys stay in the check's dictionaries (key -> position)
  until there are `spill_at` of them, then become one more run.

A fingerprint that matches is confirmed by comparing the stored key with the looked-up one, so
the answers are exactly the dictionaries' (a collision of two fingerprints only costs a
comparison). The fingerprints come from `hash`, which is salted per process: a store never
leaves the process that built it. numpy is imported by the first spill only (about 0.13 s),
never for the files of one upload under the plan's cap.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, repeat
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
    """Rows by position, and the first position of every key that has moved out of the
    dictionaries ("ext": externalId, "tax": taxId)."""

    def __init__(self, fingerprint: Callable[[str], int] | None = None) -> None:
        import numpy

        self.np = numpy
        self.fingerprint = fingerprint or FINGERPRINT
        self.count = 0
        self.where = array("q")  # file number << 32 | row
        self.kind_codes = array("i")
        self.kinds: list[str] = []
        self.codes: dict[str, int] = {}
        # one per block of rows: its first position, and per key its text and the ends in it
        self.bases: list[int] = []
        self.texts: list[tuple[str, array[int], str, array[int]]] = []
        self.runs: dict[str, list[tuple[Any, Any]]] = {name: [] for name in _NAMES}
        self.filters = {name: numpy.zeros(FILTER_BITS >> 3, numpy.uint8) for name in _NAMES}
        self.mask = numpy.int64(FILTER_BITS - 1)

    def __len__(self) -> int:
        return self.count

    # ---- rows -------------------------------------------------------------------------------

    def add(self, file: int, rows: Sequence[int], kinds: Sequence[str], exts: Sequence[str],
            taxes: Sequence[str]) -> int:
        """Store a block of rows; the position of its first row (the others follow)."""
        base = self.count
        self.where.extend(map((file << 32).__or__, rows))
        self._kinds(kinds)
        self.bases.append(base)
        self.texts.append(("".join(exts), array("q", accumulate(map(len, exts))),
                           "".join(taxes), array("q", accumulate(map(len, taxes)))))
        self.count += len(rows)
        return base

    def _kinds(self, kinds: Sequence[str]) -> None:
        codes = self.codes
        for kind in set(kinds) - codes.keys():
            codes[kind] = len(self.kinds)
            self.kinds.append(kind)
        self.kind_codes.extend(map(codes.__getitem__, kinds))

    def key(self, name: str, position: int) -> str:
        """The externalId ("ext") or taxId ("tax") of a stored row."""
        block = bisect_right(self.bases, position) - 1
        at = position - self.bases[block]
        ext_text, ext_ends, tax_text, tax_ends = self.texts[block]
        text, ends = (ext_text, ext_ends) if name == "ext" else (tax_text, tax_ends)
        return text[ends[at - 1] if at else 0:ends[at]]

    def record(self, position: int) -> Record:
        """A stored row as the dictionaries' records held it."""
        where = self.where[position]
        return (where >> 32, where & 0xFFFFFFFF, self.kinds[self.kind_codes[position]],
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
        base = self.count
        self.where.frombytes(unique.tobytes())
        self._kinds(list(map(_KIND, records)))
        exts, taxes = list(map(_EXT, records)), list(map(_TAX, records))
        self.bases.append(base)
        self.texts.append(("".join(exts), array("q", accumulate(map(len, exts))),
                           "".join(taxes), array("q", accumulate(map(len, taxes)))))
        self.count += len(records)
        positions = np.searchsorted(unique, where) + base
        split = len(tax_seen)
        self._run("tax", tax_seen, positions[:split])
        self._run("ext", ext_seen, positions[split:])

    def spill(self, tax_seen: dict[str, int], ext_seen: dict[str, int]) -> None:
        """Move the keys of the dictionaries (key -> position) into runs, and empty them."""
        np = self.np
        for name, seen in (("tax", tax_seen), ("ext", ext_seen)):
            if seen:
                self._run(name, seen, np.fromiter(seen.values(), np.int64, len(seen)))

    def _run(self, name: str, seen: dict[str, Any], positions: Any) -> None:
        np = self.np
        fingerprints = np.fromiter(map(self.fingerprint, seen), np.int64, len(seen))
        seen.clear()
        order = np.argsort(fingerprints)
        self.runs[name].append((fingerprints[order], positions[order]))
        bits = fingerprints & self.mask
        slot, bit = bits >> 3, (bits & 7).astype(np.uint8)
        flags = self.filters[name]
        for b in range(8):  # slots repeat: one bit at a time, so `|=` sets every one
            chosen = bit == b
            flags[slot[chosen]] |= np.uint8(1 << b)

    def find(self, name: str, keys: Sequence[str]) -> dict[int, int]:
        """The position of the row that had each key of `keys` first (by place in `keys`),
        for the keys in the runs of `name`."""
        runs = self.runs[name]
        if not runs or not keys:
            return {}
        np = self.np
        wanted = np.fromiter(map(self.fingerprint, keys), np.int64, len(keys))
        bits = wanted & self.mask
        maybe = np.flatnonzero((self.filters[name][bits >> 3] >> (bits & 7).astype(np.uint8)) & 1)
        if not len(maybe):
            return {}
        wanted = wanted[maybe]
        found: dict[int, int] = {}
        for fingerprints, positions in runs:
            size = len(fingerprints)
            at = np.minimum(np.searchsorted(fingerprints, wanted), size - 1)
            for i in np.flatnonzero(fingerprints[at] == wanted).tolist():
                place = int(maybe[i])
                key = keys[place]
                j, fingerprint = int(at[i]), wanted[i]
                while key and j < size and fingerprints[j] == fingerprint:
                    position = int(positions[j])
                    if self.key(name, position) == key:  # a key is in one run at most
                        found[place] = position
                        break
                    j += 1
        return found


def blank(n: int) -> list[str]:
    """n empty keys (a file without the column)."""
    return list(repeat("", n))
