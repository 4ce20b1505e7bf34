"""Split an import file over its row limit into parts that fit, rows whole and in order.

Rows that share a duplicate key (a transaction externalId, an entity taxId) stay in one part
where the limit allows it: gu1 decides what happens to the second row (a constraint failure, a
skip) by what it has already imported, and that is easiest to follow within one job.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence

#: (first row index, end index) of each part, in row order
Part = tuple[int, int]


def plan_parts(keys: Sequence[str | None], limit: int) -> tuple[list[Part], int]:
    """Cut rows into parts of at most `limit`; (parts, keys whose rows had to be parted).

    Parts are about equal in size; a cut falls where no key has rows on both sides, the clean
    cut nearest to the even size, and only where none exists within the limit is a key parted.
    """
    n = len(keys)
    if n <= limit:
        return [(0, n)], 0
    crossing = _crossing_counts(keys)
    target = math.ceil(n / math.ceil(n / limit))
    parts: list[Part] = []
    start = 0
    while n - start > limit:
        end = _best_cut(crossing, start + 1, start + limit, start + target)
        parts.append((start, end))
        start = end
    parts.append((start, n))
    return parts, _parted_keys(keys, parts)


def _crossing_counts(keys: Sequence[str | None]) -> array[int]:
    """crossing[c]: how many keys have rows both before and after a cut before row c."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key:
            first.setdefault(key, i)
            last[key] = i
    delta = array("l", bytes(8 * (len(keys) + 1)))
    for key, begin in first.items():
        if last[key] > begin:
            delta[begin + 1] += 1
            delta[last[key] + 1] -= 1
    running = 0
    for i in range(len(delta)):
        running += delta[i]
        delta[i] = running
    return delta


def _best_cut(crossing: array[int], low: int, high: int, want: int) -> int:
    """The clean cut in [low, high] nearest to `want`; `high` when there is none."""
    want = min(max(want, low), high)
    for distance in range(high - low + 1):
        for cut in (want - distance, want + distance):
            if low <= cut <= high and crossing[cut] == 0:
                return cut
    return high


def _parted_keys(keys: Sequence[str | None], parts: Iterable[Part]) -> int:
    part_of: dict[str, int] = {}
    parted: set[str] = set()
    for number, (start, end) in enumerate(parts):
        for key in keys[start:end]:
            if key and part_of.setdefault(key, number) != number:
                parted.add(key)
    return len(parted)
