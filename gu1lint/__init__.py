"""gu1lint: offline pre-flight validator and linter for gu1 bulk-import files."""

__version__ = "0.1.0"
