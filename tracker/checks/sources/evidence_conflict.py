"""A source whose declared level of evidence disagrees with what its PubMed record says
(publication types, MeSH headings): one of the two is wrong, and the declared one wins."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.evidence import recorded_level, vocabulary
from tracker.model import Finding, Severity

ID = "sources.evidence_conflict"
SEVERITY = Severity.WARNING
SUMMARY = "a source's declared level of evidence disagrees with its PubMed record"


def check(audit: Audit) -> Iterator[Finding]:
    verified = audit.project.verification
    for key, source in audit.project.bibliography.sources.items():
        declared = (source.get("evidence") or "").strip().lower()
        recorded = recorded_level(source, verified.get(key))
        if declared not in vocabulary() or recorded is None or recorded[0] == declared:
            continue
        message = (
            f'source "{key}" declares evidence = "{declared}", but its record gives '
            f'"{recorded[0]}" ({recorded[1]}) - check the paper and correct one of them'
        )
        yield at_source(audit, source, ID, SEVERITY, message)
