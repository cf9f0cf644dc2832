"""Turn findings into the formats CI systems read: SARIF, GitHub workflow commands, JUnit XML.

Text and JSON for people and scripts live in tracker.outputs; these are for code-scanning
dashboards, pull-request annotations and test-report tabs.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import tracker
from tracker.baseline import fingerprint
from tracker.model import Finding, Severity
from tracker.outputs import json_safe, visible

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
FINGERPRINT_KEY = "trackerFinding/v1"

# Characters XML 1.0 cannot hold even escaped; ElementTree would write them as they are.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unique_checks(checks: Sequence[ModuleType]) -> list[ModuleType]:
    """Return the check modules once each, in the order given."""
    seen: dict[str, ModuleType] = {}
    for module in checks:
        seen.setdefault(module.ID, module)
    return list(seen.values())


def first_paragraph(module: ModuleType) -> str:
    """Return the first paragraph of a check's docstring on one line, or its summary."""
    paragraph = (module.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split()) or str(module.SUMMARY)


def rule_name(check_id: str) -> str:
    """Return a check id as the CamelCase name SARIF viewers show (ClaimsUncited)."""
    return "".join(word.capitalize() for word in re.split(r"[._-]", check_id))


def sarif_rule(module: ModuleType) -> dict[str, Any]:
    return {
        "id": module.ID,
        "name": rule_name(module.ID),
        "shortDescription": {"text": str(module.SUMMARY)},
        "fullDescription": {"text": first_paragraph(module)},
        "defaultConfiguration": {"level": SARIF_LEVELS[Severity(module.SEVERITY)]},
        "properties": {"area": check_area(module.ID)},
    }


def artifact_uri(path: str, root: Path | None) -> tuple[str, bool]:
    """Return a finding's path as a URI, and whether it is relative to the source root."""
    candidate = Path(path)
    if candidate.is_absolute() and root is not None:
        try:
            candidate = candidate.relative_to(root.resolve())
        except ValueError:
            return candidate.as_uri(), False
    if candidate.is_absolute():
        return candidate.as_uri(), False
    return quote(candidate.as_posix()), True


def sarif_result(finding: Finding, index: dict[str, int], root: Path | None) -> dict[str, Any]:
    uri, relative = artifact_uri(finding.path, root)
    location: dict[str, Any] = {"uri": uri, "uriBaseId": "%SRCROOT%"} if relative else {"uri": uri}
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "level": SARIF_LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": max(finding.line, 1),
                        "startColumn": max(finding.col, 1),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.risk:
        result["properties"] = {"risk": finding.risk}
    if finding.check in index:
        result["ruleIndex"] = index[finding.check]
    return result


def findings_sarif(
    findings: list[Finding], checks: Sequence[ModuleType], root: Path | None = None
) -> str:
    """Return the findings as a SARIF 2.1.0 log with one run and a rule for every check."""
    modules = unique_checks(checks)
    index = {module.ID: i for i, module in enumerate(modules)}
    run = {
        "tool": {
            "driver": {
                "name": "tracker",
                "version": tracker.__version__,
                "rules": [sarif_rule(m) for m in modules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [sarif_result(f, index, root) for f in findings],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_safe(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def escape_github_data(text: str) -> str:
    """Escape a workflow command's message the way GitHub's toolkit does, and write out the
    control characters a log would act on (an ANSI sequence, a bidirectional override)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(text)


def escape_github_property(text: str) -> str:
    """Escape a workflow command's property value: its message escapes, then : and ,."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(finding: Finding) -> str:
    properties = {
        "file": finding.path,
        "line": str(max(finding.line, 1)),
        "col": str(max(finding.col, 1)),
        "title": finding.check,
    }
    joined = ",".join(f"{k}={escape_github_property(v)}" for k, v in properties.items())
    command = GITHUB_COMMANDS[finding.severity]
    return f"::{command} {joined}::{escape_github_data(finding.message)}"


def findings_github(findings: list[Finding]) -> str:
    """Return one GitHub Actions workflow command per finding, shown as annotations."""
    return "".join(github_command(f) + "\n" for f in findings)


def check_area(check_id: str) -> str:
    """Return the area a check belongs to: the first part of its id."""
    return check_id.split(".", 1)[0]


def xml_safe(text: str) -> str:
    """Replace characters XML cannot hold; ElementTree escapes the rest."""
    return XML_INVALID.sub("\ufffd", text)


def junit_testcase(check_id: str, findings: list[Finding]) -> tuple[ET.Element, bool]:
    """Build one check's testcase; it fails when it has error or warning findings."""
    case = ET.Element("testcase", classname=check_area(check_id), name=check_id)
    failing = [f for f in findings if f.severity is not Severity.INFO]
    if failing:
        worst = max(failing, key=lambda f: f.severity.rank).severity.value
        failure = ET.SubElement(
            case, "failure", message=f"{check_id}: {plural(len(failing), 'finding')}", type=worst
        )
        failure.text = xml_safe("".join(finding_text(f) + "\n" for f in failing))
    notes = [f for f in findings if f.severity is Severity.INFO]
    if notes:
        ET.SubElement(case, "system-out").text = xml_safe(
            "".join(finding_text(f) + "\n" for f in notes)
        )
    return case, bool(failing)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def finding_text(finding: Finding) -> str:
    where = f"{visible(finding.path)}:{finding.line}:{finding.col}"
    return f"{where}: {finding.severity.value}: {visible(finding.message)}"


def findings_junit(findings: list[Finding], checks: Sequence[ModuleType]) -> str:
    """Return a JUnit XML report: one testcase per check, failing when it found problems."""
    ids = [m.ID for m in unique_checks(checks)]
    ids += sorted({f.check for f in findings} - set(ids))
    suite = ET.Element("testsuite", name="tracker")
    failures = 0
    for check_id in ids:
        case, failed = junit_testcase(check_id, [f for f in findings if f.check == check_id])
        suite.append(case)
        failures += failed
    suite.set("tests", str(len(ids)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
