"""The JSON report, in the shape fixed by DESIGN.md section 6."""

from __future__ import annotations

import json
from typing import TextIO

from gu1lint.catalog import Catalog
from gu1lint.report import Report


def render(report: Report, catalog: Catalog, stream: TextIO) -> None:
    """Write the whole report as one JSON document."""
    json.dump(report.as_dict(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
