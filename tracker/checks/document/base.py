"""What a document check gets: the extraction, the bibliography and the register's claims."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tracker.config import Config
from tracker.evidence import Evidence, evidence_of
from tracker.extract import Extraction
from tracker.model import Claim, Finding, Problem, Severity, Source
from tracker.similar import ClaimMatcher

T = TypeVar("T")


@dataclass
class Memo:
    """What the checks of a page judged sentence by sentence the last time it was checked, and
    what they judge now.

    A writer's edit changes a sentence or two; the other sentences' judgments are taken from
    here. A key names everything a judgment reads of its sentence; what it reads of the
    project (settings, bibliography, registers) stamps the whole memo, which is dropped when
    any of it changes. Values are plain data (they are stored as JSON).
    """

    before: dict[str, Any] = field(default_factory=dict)
    now: dict[str, Any] = field(default_factory=dict)

    def recall(self, key: str, judge: Callable[[], T]) -> T:
        """Return the judgment kept under key, or judge now and keep it."""
        if key in self.before:
            self.now[key] = self.before[key]
        elif key not in self.now:
            self.now[key] = judge()
        return self.now[key]  # type: ignore[no-any-return]


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
    memo: Memo = field(default_factory=Memo)
    # The level of evidence of each source asked about, kept for the run: pages cite the same.
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def evidence_of(self, key: str) -> Evidence:
        """Return the level of evidence of a source of the bibliography."""
        found = self.evidence.get(key)
        if found is None:
            found = self.evidence[key] = evidence_of(self.sources[key])
        return found

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
