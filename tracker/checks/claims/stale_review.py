"""A reviewed claim whose text or cited entries changed after the verdict: the verdict is stale."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_claim
from tracker.model import Finding, Review, Severity
from tracker.review import changes, fingerprint

ID = "claims.stale_review"
SEVERITY = Severity.WARNING
SUMMARY = "a claim or its cited entries changed since its review"


def check(audit: Audit) -> Iterator[Finding]:
    sources = audit.project.bibliography.sources
    for register, claim in audit.project.claims():
        review = claim.review
        if review is None or review.fingerprint is None:
            continue
        changed = changes(review.fingerprint, fingerprint(claim, sources))
        if changed:
            message = (
                f"{' and '.join(changed)} since {_verdict(review)} - review the claim again: "
                f'tracker review {claim.id} --verdict ... --by "..."'
            )
            yield at_claim(audit, register, claim, ID, SEVERITY, message)


def _verdict(review: Review) -> str:
    by = f"{review.by}'s" if review.by else "the"
    at = f" of {review.at}" if review.at else ""
    return f'{by} verdict "{review.verdict}"{at}'
