"""The wording and regulatory rules applied to a writer's draft, sentence by sentence, while
the words can still change: over-claiming wording, regulatory-status misstatements and
disease claims, the same rules `tracker check` applies to the project's claims."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.cache import digest
from tracker.checks.document.base import DocumentAudit, at_sentence
from tracker.checks.language.overclaim import describe
from tracker.checks.regulatory import disease_claim
from tracker.evidence import strongest
from tracker.judgement import Judged, Rule, hits, may_break, rules_of
from tracker.model import Claim, Finding, Severity

ID = "document.wording"
SEVERITY = Severity.WARNING
SUMMARY = "a sentence of the document words a claim as no source or approval allows"
CHECKS = ("language.overclaim", "regulatory.status_claim", "regulatory.disease_claim")


def check(audit: DocumentAudit) -> Iterator[Finding]:
    if audit.extraction is None:
        return
    chosen: list[Rule] | None = None  # loaded only for a sentence not judged before
    for claim in audit.extraction.claims:

        def judge(claim: Claim = claim) -> list[tuple[str, str]]:
            nonlocal chosen
            if chosen is None:
                chosen = [rule for name in CHECKS for rule in rules_of(name, audit.config)]
            return judged(audit, chosen, claim)

        cited = "cited" if claim.citations else "uncited"
        key = digest(claim.text, *claim.kinds, cited, *claim.cited_keys)
        for message, risk in audit.memo.recall(key, judge):
            yield at_sentence(audit, claim, ID, SEVERITY, message, risk)


def judged(audit: DocumentAudit, chosen: list[Rule], claim: Claim) -> list[tuple[str, str]]:
    """Return what is wrong with a claim's wording, as messages and their risks."""
    # Screened first: the evidence of cited sources is weighed only for flagged wording.
    if not may_break(chosen, claim.text) and not disease_claim.cued(claim.text):
        return []
    judged = Judged(claim.text, tuple(claim.kinds), bool(claim.citations))
    evidence = strongest(audit.evidence_of(k) for k in known_keys(audit, claim))
    broken = hits(chosen, judged, evidence, audit.config)
    found = [(describe(hit, judged, audit.config), hit.risk) for hit in broken]
    disease = disease_claim.claimed(claim.text, audit.config, evidence)
    if disease:
        found.append((disease_claim.describe(disease, claim.text), disease.risk))
    return found


def known_keys(audit: DocumentAudit, claim: Claim) -> list[str]:
    return [key for key in claim.cited_keys if key in audit.sources]
