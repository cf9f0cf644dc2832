"""A source that no service knows: its DOI or PMID resolves to no record, or no work matches
its title. Likely fabricated or mistyped; read from what `tracker verify` stored."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source, verified
from tracker.model import Finding, Severity
from tracker.verification import NOT_FOUND

ID = "sources.not_found"
SEVERITY = Severity.ERROR
SUMMARY = "no service has a record of a source's DOI, PMID or title"


def check(audit: Audit) -> Iterator[Finding]:
    for source, result in verified(audit, NOT_FOUND):
        if source.unverifiable:
            continue  # a placeholder says so already (sources.unverifiable)
        key = source.key
        tried = "; ".join(result.tried) or "nothing"
        message = (
            f'source "{key}": {result.error} (verified on {result.checked}; tried {tried}) - '
            "the work is likely fabricated or its identifier mistyped: find it on the "
            "publisher's site and correct the entry, or remove the source"
        )
        yield at_source(audit, source, ID, SEVERITY, message)
