"""The checks, one module each, and the runner that applies the project's settings.

A check module has an `ID` matching its dotted module path, a default `SEVERITY`, a one-line
`SUMMARY`, and `check(audit)`, which yields findings and never prints or exits.
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from tracker.checks.base import Audit
from tracker.checks.bibliography import (
    duplicate_key,
    missing_fields,
    suspicious_field,
    unparsable,
    unreadable,
)
from tracker.checks.citations import publisher_as_journal, unknown_key, unresolved
from tracker.checks.claims import (
    inconsistent,
    single_source,
    suggestions,
    uncited,
    unnamed_evidence,
    vanished,
)
from tracker.checks.document import missing_reference, unresolved_reference
from tracker.checks.document import uncited as document_uncited
from tracker.checks.document import unreadable as document_unreadable
from tracker.checks.document.base import DocumentAudit
from tracker.checks.evidence import mismatch
from tracker.checks.language import overclaim
from tracker.checks.quotes import hedges, not_found, numbers
from tracker.checks.register import malformed
from tracker.checks.sources import (
    concentration,
    duplicate_work,
    implausible_year,
    missing_authors,
    missing_ids,
    retracted,
    unused,
    unverifiable,
)
from tracker.config import Config
from tracker.model import Finding, Severity

CHECKS: tuple[ModuleType, ...] = (
    malformed,
    unreadable,
    unparsable,
    duplicate_key,
    missing_fields,
    suspicious_field,
    uncited,
    vanished,
    unknown_key,
    unresolved,
    unused,
    unverifiable,
    missing_ids,
    missing_authors,
    implausible_year,
    duplicate_work,
    publisher_as_journal,
    numbers,
    hedges,
    not_found,
    unnamed_evidence,
    overclaim,
    mismatch,
    suggestions,
    retracted,
    single_source,
    concentration,
    inconsistent,
)


# Checks of one document as a writer has it (`tracker check DOCUMENT`).
DOCUMENT_CHECKS: tuple[ModuleType, ...] = (
    document_unreadable,
    document_uncited,
    missing_reference,
    unresolved_reference,
)


def run_checks(audit: Audit) -> list[Finding]:
    """Run every enabled project check and return its findings at the configured severity."""
    return run(CHECKS, audit, audit.project.config)


def run_document_checks(audit: DocumentAudit, config: Config | None) -> list[Finding]:
    """Run every enabled document check on one extracted document."""
    return run(DOCUMENT_CHECKS, audit, config)


def run(modules: tuple[ModuleType, ...], audit: object, config: Config | None) -> list[Finding]:
    findings: list[Finding] = []
    for module in modules:
        setting = config.setting(module.ID) if config else None
        if setting == "off":
            continue
        found = module.check(audit)
        # A check may grade its own findings (a correction is milder than a retraction);
        # a level set in the settings overrides them all.
        findings.extend(replace(f, severity=Severity(setting)) if setting else f for f in found)
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.check))
