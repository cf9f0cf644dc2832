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
        verified = audit.project.verification.get(key)
        if verified and verified.proposed_doi and verified.matches(source):
            message += (
                f"; a Crossref search on {verified.checked} found it by its title, author and "
                f"year: add doi = {{{verified.proposed_doi}}}"
            )
        yield at_source(audit, source, ID, SEVERITY, message)
