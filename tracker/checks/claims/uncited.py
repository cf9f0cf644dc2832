"""A claim that cites no known source: the reader is asked to take it on trust."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.model import Finding, Severity
from tracker.risk import claim_risk

ID = "claims.uncited"
SEVERITY = Severity.ERROR
SUMMARY = "a claim cites no source"


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        if claim.citations:
            continue
        kinds = f" ({', '.join(claim.kinds)})" if claim.kinds else ""
        message = (
            f'uncited claim{kinds}: "{excerpt(claim.text)}" - cite a source for it in '
            f"{register.path}, or reword it so that it claims nothing"
        )
        finding = at_claim(audit, register, claim, ID, SEVERITY, message)
        yield replace(finding, risk=claim_risk(claim.kinds))
