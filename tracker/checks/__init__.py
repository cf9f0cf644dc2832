"""The checks, one module each, and the runner that applies the project's settings.

A check module has an `ID` matching its dotted module path, a default `SEVERITY`, a one-line
`SUMMARY`, and `check(audit)`, which yields findings and never prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from types import ModuleType

from tracker.checks.base import Audit
from tracker.checks.bibliography import (
    duplicate_key,
    missing_fields,
    suspicious_field,
    unparsable,
    unreadable,
)
from tracker.checks.citations import (
    off_topic,
    publisher_as_journal,
    tentative,
    unknown_key,
    unresolved,
)
from tracker.checks.claims import (
    inconsistent,
    single_source,
    stale_review,
    suggestions,
    uncited,
    unnamed_evidence,
    vanished,
)
from tracker.checks.document import missing_reference, reader_note, unresolved_reference, wording
from tracker.checks.document import uncited as document_uncited
from tracker.checks.document import unreadable as document_unreadable
from tracker.checks.document.base import DocumentAudit
from tracker.checks.evidence import mismatch
from tracker.checks.language import overclaim
from tracker.checks.quotes import hedges, not_found, numbers
from tracker.checks.register import malformed, unused_suppression
from tracker.checks.register.unused_suppression import SuppressionAudit
from tracker.checks.regulatory import disease_claim, status_claim
from tracker.checks.review import changed_since_approval
from tracker.checks.sources import (
    concentration,
    duplicate_work,
    evidence_conflict,
    implausible_year,
    invalid_ids,
    lookup_failed,
    metadata_mismatch,
    missing_authors,
    missing_ids,
    retracted,
    unused,
    unverifiable,
)
from tracker.checks.sources import not_found as source_not_found
from tracker.config import Config
from tracker.model import Finding, Severity, Suppression
from tracker.risk import graded
from tracker.suppress import apply, collect

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
    tentative,
    off_topic,
    unused,
    unverifiable,
    source_not_found,
    lookup_failed,
    metadata_mismatch,
    evidence_conflict,
    missing_ids,
    invalid_ids,
    missing_authors,
    implausible_year,
    duplicate_work,
    publisher_as_journal,
    numbers,
    hedges,
    not_found,
    unnamed_evidence,
    overclaim,
    disease_claim,
    status_claim,
    mismatch,
    suggestions,
    retracted,
    single_source,
    concentration,
    inconsistent,
    stale_review,
    changed_since_approval,
    unused_suppression,
)

# Checks of what the suppressions did; they run after the others have been suppressed.
AFTER_SUPPRESSION: tuple[ModuleType, ...] = (unused_suppression,)


# Checks of one document as a writer has it (`tracker check DOCUMENT`).
DOCUMENT_CHECKS: tuple[ModuleType, ...] = (
    document_unreadable,
    reader_note,
    document_uncited,
    wording,
    missing_reference,
    unresolved_reference,
)


@dataclass
class Outcome:
    """The findings of an audit, and those that suppressions in the registers silenced."""

    findings: list[Finding]
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)


def run_checks(audit: Audit) -> list[Finding]:
    """Run every enabled project check and return the findings not suppressed."""
    return run_checks_with_suppressions(audit).findings


def run_checks_with_suppressions(audit: Audit) -> Outcome:
    """Run every enabled project check, apply the registers' suppressions, and say what they did."""
    config = audit.project.config
    suppressions = collect(audit.project)
    first = tuple(m for m in CHECKS if m not in AFTER_SUPPRESSION)
    kept, suppressed = apply(run(first, audit, config), suppressions)
    ids = tuple(m.ID for m in CHECKS)
    after = run(AFTER_SUPPRESSION, SuppressionAudit(suppressions, suppressed, ids), config)
    return Outcome(_in_order(kept + after), suppressed)


def run_document_checks(audit: DocumentAudit, config: Config | None) -> list[Finding]:
    """Run every enabled document check on one extracted document."""
    return run(DOCUMENT_CHECKS, audit, config)


def run(modules: tuple[ModuleType, ...], audit: object, config: Config | None) -> list[Finding]:
    findings: list[Finding] = []
    for module in modules:
        setting = config.setting(module.ID) if config else None
        if setting == "off":
            continue
        found = (graded(f) for f in module.check(audit))
        # A check may grade its own findings (a correction is milder than a retraction);
        # a level set in the settings overrides them all.
        findings.extend(replace(f, severity=Severity(setting)) if setting else f for f in found)
    return _in_order(findings)


def _in_order(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.check))
