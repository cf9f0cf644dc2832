"""A source whose look-up failed: a service answered with an error or did not answer, so
`tracker verify` could not say whether the work exists, or could say it only in part (a
retraction the failed service would have told is unknown). Never a silent pass."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source, verified
from tracker.model import Finding, Severity
from tracker.verification import FAILED, FOUND

ID = "sources.lookup_failed"
SEVERITY = Severity.WARNING
SUMMARY = "a source could not be verified: a service failed or did not answer"


def check(audit: Audit) -> Iterator[Finding]:
    for source, result in verified(audit, FAILED, FOUND):
        if not result.error:
            continue
        key = source.key
        if result.status == FAILED:
            what = f"could not be verified on {result.checked}"
        else:
            found_in = ", ".join(result.services)
            what = f"was verified only in part on {result.checked} (found in {found_in})"
        message = f'source "{key}" {what}: {result.error} - run `tracker verify` again later'
        yield at_source(audit, source, ID, SEVERITY, message)
