"""The reader had to guess (an encoding) or leave part of a document out; say what and where."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.document.base import DocumentAudit
from tracker.model import Finding, Severity

ID = "document.reader_note"
SEVERITY = Severity.WARNING
SUMMARY = "the reader guessed how to read a document, or left part of it unread"


def check(audit: DocumentAudit) -> Iterator[Finding]:
    for problem in audit.problems("reader-note"):
        yield Finding(ID, SEVERITY, problem.path, problem.line, problem.col, problem.message)
