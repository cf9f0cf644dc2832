"""A registered claim whose text is no longer in its document: kept so no review is lost."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, excerpt, in_register
from tracker.model import Finding, Severity

ID = "claims.vanished"
SEVERITY = Severity.INFO
SUMMARY = "a registered claim is no longer in its document"


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims(include_vanished=True):
        if claim.status != "vanished":
            continue
        message = (
            f'claim {claim.id} "{excerpt(claim.text)}" is no longer in {register.document.path} - '
            "carry its review over to the claim that replaced it, then delete it"
        )
        yield in_register(register, claim, ID, SEVERITY, message)
