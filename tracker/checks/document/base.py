"""What a document check gets: the extraction, the bibliography and the register's claims."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.extract import Extraction
from tracker.model import Source
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
