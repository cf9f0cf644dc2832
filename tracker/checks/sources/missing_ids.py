"""An entry with neither DOI nor PMID: no one can look the work up or learn of its retraction."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.model import Finding, Severity

ID = "sources.missing_ids"
SEVERITY = Severity.INFO
SUMMARY = "a source has neither DOI nor PMID"


def check(audit: Audit) -> Iterator[Finding]:
    for key, source in audit.project.bibliography.sources.items():
        # A placeholder for an untraceable work has no identifier by nature; it has its own
        # check, as has an identifier written but not valid (sources.invalid_ids).
        if source.get("doi") or source.get("pmid") or source.unverifiable:
            continue
        message = (
            f'source "{key}" has neither doi nor pmid - '
            "add a doi or pmid so the work can be checked and retractions found"
        )
        yield at_source(audit, source, ID, SEVERITY, message)
