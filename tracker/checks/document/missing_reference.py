"""A marker names a reference or footnote the document does not have."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.document.base import DocumentAudit
from tracker.model import Finding, Severity

ID = "document.missing_reference"
SEVERITY = Severity.ERROR
SUMMARY = "a marker names a reference the document does not have"


def check(audit: DocumentAudit) -> Iterator[Finding]:
    for problem in audit.problems("missing-reference"):
        yield Finding(ID, SEVERITY, problem.path, problem.line, problem.col, problem.message)
