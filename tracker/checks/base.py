"""What every check gets (the project and its graph) and the helpers that locate findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tracker.evidence import Evidence, evidence_of, strongest
from tracker.model import Claim, Finding, Register, Severity, Source
from tracker.project import Project

if TYPE_CHECKING:
    import networkx as nx

    from tracker.retractions import Retractions
    from tracker.verification import SourceResult

EXCERPT_CHARS = 70


@dataclass
class Audit:
    """The loaded project and its support graph, as the checks see them.

    `retractions` is the retraction data given with --retractions, if any.
    """

    project: Project
    graph: nx.DiGraph
    retractions: Retractions | None = None

    @cached_property
    def evidence(self) -> dict[str, Evidence]:
        """Return each source's level of evidence, by key."""
        verified = self.project.verification
        return {
            key: evidence_of(s, verified.get(key))
            for key, s in self.project.bibliography.sources.items()
        }

    def claim_evidence(self, claim: Claim) -> Evidence:
        """Return the strongest evidence among the known sources a claim cites."""
        return strongest(self.evidence[k] for k in claim.cited_keys if k in self.evidence)


def verified(audit: Audit, *statuses: str) -> Iterator[tuple[Source, SourceResult]]:
    """Yield each source with what `tracker verify` stored about it as it is now (a result
    about its earlier identifiers is left out), of the given statuses (default: any)."""
    stored = audit.project.verification
    for key, source in audit.project.bibliography.sources.items():
        result = stored.get(key)
        if result is None or not result.matches(source):
            continue
        if not statuses or result.status in statuses:
            yield source, result


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return text on one line, cut at a word boundary with an ellipsis when too long."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def at_claim(
    audit: Audit, register: Register, claim: Claim, check: str, severity: Severity, message: str
) -> Finding:
    """Locate a finding at the claim's place in its document (in its register if unknown)."""
    if claim.span.line < 1:
        return in_register(register, claim, check, severity, message)
    document = register.document.path
    col = audit.project.column(document, claim.span.line, claim.span.start)
    return Finding(check, severity, document, claim.span.line, col, message, claim_id=claim.id)


def in_register(
    register: Register, claim: Claim, check: str, severity: Severity, message: str
) -> Finding:
    """Locate a finding at the claim's entry in its register file."""
    return Finding(
        check, severity, register.path, max(claim.register_line, 1), 1, message, claim_id=claim.id
    )


def at_source(
    audit: Audit, source: Source, check: str, severity: Severity, message: str
) -> Finding:
    """Locate a finding at the source's entry in the bibliography."""
    path = audit.project.bibliography.path
    return Finding(check, severity, path, source.line, 1, message, source_key=source.key)


def from_problems(problems: list, kind: str, check: str, severity: Severity) -> Iterator[Finding]:
    """Turn the load problems of one kind into findings."""
    for problem in problems:
        if problem.kind == kind:
            yield Finding(
                check,
                severity,
                problem.path,
                problem.line,
                problem.col,
                problem.message,
                source_key=problem.key,
            )
