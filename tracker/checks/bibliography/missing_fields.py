"""Bibliography check: an entry lacks fields its type needs."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "bibliography.missing_fields"
SEVERITY = Severity.WARNING
SUMMARY = "an entry lacks fields its type needs"


def check(audit: Audit) -> Iterator[Finding]:
    yield from from_problems(audit.project.bibliography.problems, "missing-fields", ID, SEVERITY)
