"""One source carries a large share of a document's cited claims: the page stands or falls with it.

A reviewer reads this as "the evidence for this page is essentially one paper": if that
paper is weak, retracted or misread, most of the page's support goes with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from tracker.checks.base import Audit, at_claim
from tracker.graph import sources_of
from tracker.model import Claim, Finding, Register, Severity

ID = "sources.concentration"
SEVERITY = Severity.WARNING
SUMMARY = "one source carries a large share of a document's cited claims"

# From two claims in five on, one paper carries the page's case: its weakness or retraction
# leaves most of the page unsupported.
MIN_SHARE = 0.4
# Below three claims a share means little: a page with two cited claims always has a source
# carrying half of them.
MIN_CLAIMS = 3


def check(audit: Audit) -> Iterator[Finding]:
    for register in audit.project.registers:
        cited = cited_claims(audit, register)
        for key, claims in carried(audit, cited).items():
            share = len(claims) / len(cited)
            if len(claims) >= MIN_CLAIMS and share >= MIN_SHARE:
                yield finding(audit, register, key, claims, len(cited))


def cited_claims(audit: Audit, register: Register) -> list[Claim]:
    """Return the document's active claims that cite at least one known source."""
    return [c for c in register.claims if c.active and sources_of(audit.graph, c.id)]


def carried(audit: Audit, claims: list[Claim]) -> dict[str, list[Claim]]:
    """Return, for each source, the claims among these that cite it."""
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        for key in sources_of(audit.graph, claim.id):
            by_source[key].append(claim)
    return by_source


def finding(audit: Audit, register: Register, key: str, claims: list[Claim], total: int) -> Finding:
    """Report at the first of the claims, naming them all."""
    level = audit.evidence[key].label
    message = (
        f'"{key}" ({level}) carries {len(claims)} of the {total} cited claims in '
        f"{register.document.path} ({len(claims) / total:.0%}: {', '.join(c.id for c in claims)})"
        " - back some of them with independent sources, so that the page does not stand or "
        "fall with one paper"
    )
    located = at_claim(audit, register, claims[0], ID, SEVERITY, message)
    return replace(located, claim_id=None, source_key=key)
