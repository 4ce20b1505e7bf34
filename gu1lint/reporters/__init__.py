"""Reporters chosen by name; each takes the finished report and the catalog and writes a stream."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from gu1lint.catalog import Catalog
from gu1lint.report import Report

Renderer = Callable[[Report, Catalog, TextIO], None]

#: format name -> module under gu1lint.reporters that defines render(report, catalog, stream)
REPORTERS = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "failures-csv": "failures_csv",
}


def get_reporter(name: str) -> Renderer:
    """The render function of a format (imported only when used)."""
    module = importlib.import_module(f"gu1lint.reporters.{REPORTERS[name]}")
    return module.render  # type: ignore[no-any-return]
