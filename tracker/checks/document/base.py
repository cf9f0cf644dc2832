"""What a document check gets: the extraction, the bibliography and the register's claims."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.config import Config
from tracker.extract import Extraction
from tracker.model import Claim, Finding, Problem, Severity, Source
from tracker.similar import ClaimMatcher


@dataclass
class DocumentAudit:
    """One document (extracted, or the reason it could not be read) and what the project knows."""

    path: str
    extraction: Extraction | None
    sources: dict[str, Source]
    matcher: ClaimMatcher
    bibliography: str = "references.bib"
    error: str | None = None
    config: Config | None = None

    def problems(self, kind: str) -> list[Problem]:
        """Return what the extraction found wrong of one kind (nothing when it could not run)."""
        found = self.extraction.problems if self.extraction else []
        return [problem for problem in found if problem.kind == kind]


def at_sentence(
    audit: DocumentAudit, claim: Claim, check: str, severity: Severity, message: str, risk: str
) -> Finding:
    """Return a finding located at a sentence of the document."""
    assert audit.extraction is not None, "only an extracted document has sentences"
    return Finding(
        check,
        severity,
        audit.extraction.document.path,
        claim.span.line,
        audit.extraction.text.col_of(claim.span.start),
        message,
        claim_id=claim.id,
        risk=risk,
    )
