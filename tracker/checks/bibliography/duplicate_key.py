"""Bibliography check: two entries share one key."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "bibliography.duplicate_key"
SEVERITY = Severity.ERROR
SUMMARY = "two entries share one key"


def check(audit: Audit) -> Iterator[Finding]:
    yield from from_problems(audit.project.bibliography.problems, "duplicate-key", ID, SEVERITY)
