"""A sentence of the document that needs a source and cites none; suggests the one the team
already uses for the same statement, when the register has it."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import excerpt
from tracker.checks.document.base import DocumentAudit, at_sentence
from tracker.model import Finding, Severity
from tracker.risk import claim_risk

ID = "document.uncited"
SEVERITY = Severity.ERROR
SUMMARY = "a sentence of the document needs a source"


def check(audit: DocumentAudit) -> Iterator[Finding]:
    if audit.extraction is None:
        return
    for claim in audit.extraction.claims:
        if claim.citations:
            continue
        message = f'needs a source: "{excerpt(claim.text)}" - {advice(audit, claim.text)}'
        yield at_sentence(audit, claim, ID, SEVERITY, message, claim_risk(claim.kinds))


def advice(audit: DocumentAudit, text: str) -> str:
    """Say which source the team already cites for the same statement, if any."""
    match = audit.matcher.closest(text)
    if match is None:
        return "cite one, or reword it so that it claims nothing"
    known = match.claim
    where = f'{known.id} in {known.document}, {match.score:.0f}% alike: "{excerpt(known.text, 50)}"'
    return f"the team already cites {', '.join(known.keys)} for this ({where})"
