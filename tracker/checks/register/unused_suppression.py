"""A suppression that silences nothing: the finding it was written for is gone, or it is mistyped.

This check runs after the others, on what the suppressions did (see `run_checks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.model import Finding, Severity, Suppression
from tracker.suppress import unused

ID = "register.unused_suppression"
SEVERITY = Severity.INFO
SUMMARY = "a suppression in a register silences no finding"


@dataclass
class SuppressionAudit:
    """The suppressions of a project, what they silenced, and the ids of the checks run."""

    suppressions: list[Suppression]
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    check_ids: tuple[str, ...] = ()


def check(audit: SuppressionAudit) -> Iterator[Finding]:
    for suppression in unused(audit.suppressions, audit.suppressed):
        subject = (
            f'claim "{suppression.claim_id}"'
            if suppression.claim_id
            else f'source "{suppression.source_key}"'
        )
        why = "is no check id or prefix" if _unknown(suppression.check, audit) else "found nothing"
        message = (
            f'the suppression of "{suppression.check}" on {subject} silences nothing: '
            f"the check {why} there - remove the suppression, or correct its check id"
        )
        yield Finding(
            ID,
            SEVERITY,
            suppression.path,
            suppression.line,
            1,
            message,
            claim_id=suppression.claim_id,
            source_key=suppression.source_key,
        )


def _unknown(check_id: str, audit: SuppressionAudit) -> bool:
    ids = audit.check_ids
    return bool(ids) and not any(i == check_id or i.startswith(check_id + ".") for i in ids)
