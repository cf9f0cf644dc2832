"""A document that cannot be read at all (missing, unsupported, undecodable, corrupt)."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.document.base import DocumentAudit
from tracker.model import Finding, Severity

ID = "document.unreadable"
SEVERITY = Severity.ERROR
SUMMARY = "a document cannot be read"


def check(audit: DocumentAudit) -> Iterator[Finding]:
    if audit.error is not None:
        yield Finding(ID, SEVERITY, audit.path, 1, 1, audit.error)
