"""A claim rests on exactly one known source: if that source is weak or falls, so does the claim."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.graph import single_source_claims, sources_of
from tracker.model import Finding, Severity

ID = "claims.single_source"
SEVERITY = Severity.INFO
SUMMARY = "a claim rests on one source"


def check(audit: Audit) -> Iterator[Finding]:
    index = audit.project.claim_index
    for claim_id in single_source_claims(audit.graph):
        register, claim = index[claim_id]
        [key] = sources_of(audit.graph, claim_id)
        evidence = audit.evidence[key]
        message = (
            f'rests on one source, "{key}" ({evidence.label}, {evidence.reason}): '
            f'"{excerpt(claim.text)}" - add an independent source, or soften the claim to what '
            f"that one source shows"
        )
        yield at_claim(audit, register, claim, ID, SEVERITY, message)
