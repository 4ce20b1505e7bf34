"""SARIF 2.1.0 for code scanning: catalog rules as reporting descriptors, findings as results."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from gu1lint.catalog import Catalog, Rule
from gu1lint.report import Finding, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/gu1lint/"


def artifact_uri(path: str) -> str:
    """A URI reference for a path: relative paths stay relative (code scanning resolves them)."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix(), safe="/-_.~")


def rule_descriptor(rule: Rule, catalog: Catalog) -> dict[str, Any]:
    """One reportingDescriptor: id = rule name, with the catalog's summary and help."""
    code = catalog.codes.get(rule.code)
    summary = rule.summary or rule.message
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help, "markdown": f"**{rule.code}**: {rule.help}"},
        "defaultConfiguration": {"level": rule.severity},
        "properties": {
            "code": rule.code,
            "layer": code.layer if code else None,
            "origin": code.origin if code else None,
            "kinds": list(rule.kinds),
            "tags": [rule.code, *rule.kinds],
        },
    }


def fingerprint(f: Finding) -> str:
    """A line-independent identity (path, code, rule, row key or column and value)."""
    who = f.key if f.key is not None else f"{f.column}\x1f{f.value}"
    raw = "\x1e".join((PurePath(f.path).as_posix(), f.code, f.rule, str(who)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    """One result; file-level findings have a location without a region."""
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(f.path)}}
    if f.line is not None:
        location["region"] = {"startLine": f.line}
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "level": "error" if f.severity == "error" else "warning",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"gu1lint/v1": fingerprint(f)},
        "properties": {k: v for k, v in (("code", f.code), ("row", f.row), ("column", f.column),
                                         ("value", f.value), ("key", f.key)) if v is not None},
    }
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    return out


def notifications(report: Report) -> list[dict[str, Any]]:
    """The report's notes, and the files cut by --max-findings, as tool notifications."""
    texts = list(report.notes)
    texts += [f"{r.path}: more findings not shown (--max-findings)" for r in report.files
              if r.partial]
    return [{"level": "note", "message": {"text": t}} for t in texts]


def document(report: Report, catalog: Catalog) -> dict[str, Any]:
    """The whole SARIF log as a dict."""
    rules = sorted(catalog.rules.values(), key=lambda r: r.name)
    index = {r.name: i for i, r in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "gu1lint",
            "version": report.tool_version,
            "semanticVersion": report.tool_version,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(r, catalog) for r in rules],
        }},
        "invocations": [{"executionSuccessful": True,
                         "toolExecutionNotifications": notifications(report)}],
        "artifacts": [{"location": {"uri": artifact_uri(r.path)},
                       "properties": {k: v for k, v in r.as_dict().items() if k != "path"}}
                      for r in report.files],
        "results": [result(f, index) for f in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, catalog: Catalog, stream: TextIO) -> None:
    """Write the SARIF log."""
    json.dump(document(report, catalog), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
