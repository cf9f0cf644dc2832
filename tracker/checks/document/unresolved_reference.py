"""A reference of the document matches no bibliography entry, or a cited key is unknown."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import excerpt
from tracker.checks.document.base import DocumentAudit
from tracker.model import Finding, Severity

ID = "document.unresolved_reference"
SEVERITY = Severity.WARNING
SUMMARY = "a reference of the document matches no bibliography entry"


def check(audit: DocumentAudit) -> Iterator[Finding]:
    extraction = audit.extraction
    if extraction is None:
        return
    path = extraction.document.path
    for item in extraction.references:
        if item.resolution.key is None:
            name = f"footnote {item.label}" if item.label else f"reference {item.entry.number}"
            yield Finding(
                ID,
                SEVERITY,
                path,
                item.entry.line,
                1,
                f'{name} "{excerpt(item.entry.text)}" matches no entry of {audit.bibliography} - '
                "add it (`tracker extract` prints a stub to paste) or correct the reference",
            )
    for claim in extraction.claims:
        for citation in claim.citations:
            if citation.key and citation.key not in audit.sources:
                yield Finding(
                    ID,
                    SEVERITY,
                    path,
                    claim.span.line,
                    extraction.text.col_of(claim.span.start),
                    f'{citation.marker} cites "{citation.key}", '
                    f"which is not in {audit.bibliography} - add the entry or correct the key",
                    claim_id=claim.id,
                )
