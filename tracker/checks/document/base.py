"""What a document check gets: the extraction, the bibliography and the register's claims."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.extract import Extraction
from tracker.model import Problem, Source
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

    def problems(self, kind: str) -> list[Problem]:
        """Return what the extraction found wrong of one kind (nothing when it could not run)."""
        found = self.extraction.problems if self.extraction else []
        return [problem for problem in found if problem.kind == kind]
