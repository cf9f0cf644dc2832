"""The checks of one document as a writer has it (`tracker check DOCUMENT`), and their runner.

Kept apart from the project's registry: checking an edited page imports these six checks
and what they read, not the project's thirty-odd.
"""

from __future__ import annotations

from types import ModuleType

from tracker.checks.document import (
    missing_reference,
    reader_note,
    uncited,
    unreadable,
    unresolved_reference,
    wording,
)
from tracker.checks.document.base import DocumentAudit
from tracker.checks.runner import run
from tracker.config import Config
from tracker.model import Finding

DOCUMENT_CHECKS: tuple[ModuleType, ...] = (
    unreadable,
    reader_note,
    uncited,
    wording,
    missing_reference,
    unresolved_reference,
)


def run_document_checks(audit: DocumentAudit, config: Config | None) -> list[Finding]:
    """Run every enabled document check on one extracted document."""
    return run(DOCUMENT_CHECKS, audit, config)
