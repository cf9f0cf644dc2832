"""The tuple of the project's checks, and the run that applies the registers' suppressions.

CHECKS are the project checks in the order they run; `run_checks` runs the enabled ones
(tracker.checks.runner), then the registers' suppressions. DOCUMENT_CHECKS, those of one
document as a writer has it, live in tracker.checks.document.registry and are named here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from tracker.checks.document.registry import DOCUMENT_CHECKS, run_document_checks
from tracker.checks.evidence import mismatch
from tracker.checks.language import overclaim
from tracker.checks.quotes import hedges, not_found, numbers
from tracker.checks.register import malformed, unused_suppression
from tracker.checks.register.unused_suppression import SuppressionAudit
from tracker.checks.regulatory import disease_claim, status_claim
from tracker.checks.review import changed_since_approval
from tracker.checks.runner import in_order, run
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
from tracker.model import Finding, Suppression
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

__all__ = ["CHECKS", "DOCUMENT_CHECKS", "Outcome", "run_checks", "run_document_checks"]


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
    return Outcome(in_order(kept + after), suppressed)
