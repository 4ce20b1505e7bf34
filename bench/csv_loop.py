"""The baseline: a plain csv.reader loop over a file that touches every field."""

from __future__ import annotations

import csv
import sys


def main(path: str) -> int:
    """Read every record and the length of every field; print the total."""
    total = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for record in csv.reader(fh):
            for value in record:
                total += len(value)
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
