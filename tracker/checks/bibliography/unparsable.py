"""Bibliography check: a block of the bibliography cannot be parsed."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "bibliography.unparsable"
SEVERITY = Severity.ERROR
SUMMARY = "a block of the bibliography cannot be parsed"


def check(audit: Audit) -> Iterator[Finding]:
    yield from from_problems(audit.project.bibliography.problems, "unparsable", ID, SEVERITY)
