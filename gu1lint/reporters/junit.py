"""JUnit XML: one testsuite per file, one testcase per rule that found something.

An error finding fails its testcase; warnings do not fail (they are listed in system-out),
matching the default `--fail-on error`. A file without findings has one passing testcase.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from gu1lint.catalog import Catalog
from gu1lint.report import FileResult, Finding, Report

# characters XML 1.0 cannot hold at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text made safe for XML 1.0: forbidden control characters shown as \\xNN."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def finding_line(f: Finding) -> str:
    """`line:column: CODE message` (row and key too, when known)."""
    loc = ":".join(str(p) for p in (f.line, f.column) if p is not None) or "file"
    extra = f" (row {f.row}" + (f", key {f.key}" if f.key else "") + ")" if f.row else ""
    return xml_text(f"{loc}: {f.code} {f.message}{extra}")


def testcase(suite: ET.Element, path: str, rule: str, findings: list[Finding]) -> bool:
    """Add one rule's testcase; True when it fails."""
    case = ET.SubElement(suite, "testcase", classname=xml_text(path), name=rule, time="0")
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        failure = ET.SubElement(case, "failure", type=errors[0].code,
                                message=xml_text(f"{len(errors)} x {errors[0].code} [{rule}]: "
                                                 f"{errors[0].message}"))
        failure.text = "\n".join(finding_line(f) for f in errors) + "\n"
    warnings = [f for f in findings if f.severity != "error"]
    if warnings:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join("warning: " + finding_line(f) for f in warnings) + "\n"
    return bool(errors)


def testsuite(root: ET.Element, result: FileResult) -> tuple[int, int]:
    """One file's testsuite; returns (tests, failures)."""
    suite = ET.SubElement(root, "testsuite", name=xml_text(result.path))
    props = ET.SubElement(suite, "properties")
    for name, value in result.as_dict().items():
        if name != "path" and value is not None:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(props, "property", name=name, value=xml_text(text))
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    failures = sum(testcase(suite, result.path, rule, fs) for rule, fs in by_rule.items())
    if not by_rule:
        ET.SubElement(suite, "testcase", classname=xml_text(result.path), name="gu1lint",
                      time="0")
    tests = max(len(by_rule), 1)
    suite.attrib.update(tests=str(tests), failures=str(failures), errors="0", skipped="0",
                        time="0")
    return tests, failures


def render(report: Report, catalog: Catalog, stream: TextIO) -> None:
    """Write one <testsuites> document."""
    root = ET.Element("testsuites", name="gu1lint")
    totals = [testsuite(root, r) for r in report.files]
    root.attrib.update(tests=str(sum(t for t, _ in totals)),
                       failures=str(sum(f for _, f in totals)), errors="0", time="0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
