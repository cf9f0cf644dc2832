"""Over-claiming wording ("no risk", "cures", "clinically proven", "the best") that the
evidence a claim cites does not substantiate.

The rules are data, one file per guideline in tracker/data/rules/ (tracker.judgement reads
them); each names the weakest level of evidence that substantiates its wording, or none when
no evidence can, and the products and jurisdictions it holds for. A claim passes a rule when
the strongest source it cites reaches that level; an uncited claim never passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.config import Config
from tracker.evidence import Evidence
from tracker.judgement import Hit, Judged, authority, hits, needed, rules_of
from tracker.model import Claim, Finding, Severity

ID = "language.overclaim"
SEVERITY = Severity.WARNING
SUMMARY = "a claim's wording claims more than the evidence it cites can substantiate"


def check(audit: Audit) -> Iterator[Finding]:
    yield from judged(audit, ID, SEVERITY)


def judged(audit: Audit, check_id: str, severity: Severity) -> Iterator[Finding]:
    """Apply the rules of a check to every claim of the project."""
    config = audit.project.config
    chosen = rules_of(check_id, config)
    for register, claim in audit.project.claims():
        evidence = audit.claim_evidence(claim)
        judged = Judged(claim.text, tuple(claim.kinds), bool(claim.citations))
        for hit in hits(chosen, judged, evidence, config):
            message = describe(hit, judged, config) + resting_on(audit, claim, evidence)
            finding = at_claim(audit, register, claim, check_id, severity, message)
            yield replace(finding, risk=hit.risk)


def describe(hit: Hit, claim: Judged, config: Config | None) -> str:
    """Say what the wording claims, the authorities it breaks and what would make it pass."""
    quoted = ", ".join(f'"{w}"' for w in hit.words)
    uncited = "" if claim.cited or hit.rule.passes_when_approved else "uncited "
    codes = authority(hit.rules, config)
    return (
        f'{uncited}{hit.rule.what} {quoted}: "{excerpt(claim.text)}" ({codes}) '
        f"- {needed(hit.rule, claim.kinds)}"
    )


def resting_on(audit: Audit, claim: Claim, evidence: Evidence) -> str:
    """Say what a cited claim's wording rests on: its strongest sources and their level."""
    if not claim.citations:
        return ""
    if evidence.level is None:
        return "; it cites sources of unknown level of evidence"
    keys = [k for k in claim.cited_keys if k in audit.evidence]
    strongest = [k for k in keys if audit.evidence[k].rank == evidence.rank]
    return f"; its strongest source is {', '.join(strongest)} ({evidence.label})"
