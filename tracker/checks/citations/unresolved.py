"""A marker points to a reference that matches no bibliography entry."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.model import Finding, Severity

ID = "citations.unresolved"
SEVERITY = Severity.WARNING
SUMMARY = "a cited reference matches no bibliography entry"


def check(audit: Audit) -> Iterator[Finding]:
    bib = audit.project.bibliography.path
    for register, claim in audit.project.claims():
        for citation in claim.citations:
            if citation.key:
                continue
            named = (
                f'"{excerpt(citation.reference)}"' if citation.reference else "no reference at all"
            )
            message = (
                f"marker {citation.marker or '?'} points to {named}, "
                f"which matches no entry of {bib} - "
                "add an entry for the work (or a placeholder with verification = {unverifiable})"
            )
            yield at_claim(audit, register, claim, ID, SEVERITY, message)
