"""Lint one file in-process, then print which heavy modules that imported (one per line)."""

from __future__ import annotations

import sys

HEAVY = ("frictionless", "openpyxl", "python_calamine", "httpx", "starlette", "pydantic",
         "pycountry", "stdnum", "chardet", "click", "numpy")


def main(argv: list[str]) -> int:
    """argv: the arguments of `gu1lint` (e.g. check FILE --format json --output OUT)."""
    from gu1lint.cli import main as gu1lint_main

    gu1lint_main(argv)
    loaded = {name.split(".")[0] for name in sys.modules}
    for name in HEAVY:
        if name in loaded:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
