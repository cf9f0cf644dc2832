"""A cited entry is a placeholder for a work that no search could identify."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.graph import claims_supported_by
from tracker.model import Finding, Severity

ID = "sources.unverifiable"
SEVERITY = Severity.WARNING
SUMMARY = "a cited source cannot be traced to a published work"


def check(audit: Audit) -> Iterator[Finding]:
    for key, source in audit.project.bibliography.sources.items():
        if not source.unverifiable:
            continue
        claims = claims_supported_by(audit.graph, key)
        named = ", ".join(claims) if claims else "no claim"
        message = (
            f'source "{key}" is unverifiable: no published work matches it; '
            f"it is cited by {named} - "
            "find the work the page meant, or treat these claims as uncited"
        )
        yield at_source(audit, source, ID, SEVERITY, message)
