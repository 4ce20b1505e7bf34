"""Coverage-guided fuzzing of the readers and the engine with atheris (run by hand).

    pip install atheris
    python fuzz/fuzz_readers.py -max_total_time=300 fuzz/corpus

The first byte of each input picks the file suffix (.csv, .json, .jsonl, .xlsx), the rest is
the file. Any exception other than ReadError is a crash: atheris stops and writes the input
to crash-<hash>; turn it into a regression case (tests/test_fuzz_properties.py REGRESSIONS, or
a corpus file of tests/make_bad_corpus.py with its expected finding).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from gu1lint.catalog import load_catalog
    from gu1lint.engine import lint
    from gu1lint.errors import Gu1lintError, ReadError
    from gu1lint.options import FileOptions, RunOptions
    from gu1lint.readers import open_table
    from gu1lint.reporters import get_reporter

SUFFIXES = (".csv", ".json", ".jsonl", ".xlsx")
CATALOG = load_catalog()
FOLDER = tempfile.mkdtemp(prefix="gu1lint-fuzz-")


def one_input(data: bytes) -> None:
    """Read, lint and render one file made of the input's bytes."""
    if not data:
        return
    path = os.path.join(FOLDER, "input" + SUFFIXES[data[0] % len(SUFFIXES)])
    with open(path, "wb") as fh:
        fh.write(data[1:])
    try:
        table = open_table(path)
        for _row, _line, cells in table.rows:
            for cell in cells:
                cell.encode("utf-8")
    except ReadError:
        pass
    try:
        report = lint([(path, FileOptions(kind="transactions"))], RunOptions(), CATALOG)
    except Gu1lintError:
        return
    for name in ("text", "json"):
        get_reporter(name)(report, CATALOG, io.StringIO())


def main() -> None:
    """Hand the target to libFuzzer with the command-line arguments."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
