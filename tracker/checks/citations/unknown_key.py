"""A citation names a key that the bibliography does not have."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, in_register
from tracker.model import Finding, Severity

ID = "citations.unknown_key"
SEVERITY = Severity.ERROR
SUMMARY = "a citation names a key missing from the bibliography"


def check(audit: Audit) -> Iterator[Finding]:
    sources = audit.project.bibliography.sources
    bib = audit.project.bibliography.path
    for register, claim in audit.project.claims():
        for citation in claim.citations:
            if citation.key and citation.key not in sources:
                message = (
                    f'claim {claim.id} cites "{citation.key}", which is not in {bib} - '
                    "add the entry or correct the key"
                )
                yield in_register(register, claim, ID, SEVERITY, message)
