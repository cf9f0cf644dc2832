"""Bibliography check: a field value swallowed another field (missing comma)."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "bibliography.suspicious_field"
SEVERITY = Severity.WARNING
SUMMARY = "a field value swallowed another field (missing comma)"


def check(audit: Audit) -> Iterator[Finding]:
    yield from from_problems(audit.project.bibliography.problems, "suspicious-field", ID, SEVERITY)
