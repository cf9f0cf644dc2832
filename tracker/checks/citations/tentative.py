"""A reference matched to a bibliography entry only tentatively: the titles, authors or years
agree in part, so the claim may cite another work than the one the report shows."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.model import Finding, Severity
from tracker.resolve import CONFIDENT, tentative

ID = "citations.tentative"
SEVERITY = Severity.WARNING
SUMMARY = "a reference was matched to a bibliography entry only tentatively"


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        for citation in claim.citations:
            if not tentative(citation):
                continue
            reference = f' "{excerpt(citation.reference)}"' if citation.reference else ""
            message = (
                f"marker {citation.marker or '?'}: reference{reference} matched {citation.key} "
                f"only tentatively (score {citation.score:.2f}, confident from {CONFIDENT}) - "
                "compare the two, then correct the reference list or the entry, or suppress "
                f"{ID} on this claim in {register.path} with the reason"
            )
            yield at_claim(audit, register, claim, ID, SEVERITY, message)
