"""Bibliography check: the bibliography is not valid UTF-8 or cannot be read."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "bibliography.unreadable"
SEVERITY = Severity.ERROR
SUMMARY = "the bibliography is not valid UTF-8 or cannot be read"


def check(audit: Audit) -> Iterator[Finding]:
    yield from from_problems(audit.project.bibliography.problems, "unreadable", ID, SEVERITY)
