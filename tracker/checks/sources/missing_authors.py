"""An entry that names no one responsible for the work: no author, editor or organization."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.model import Finding, Severity

ID = "sources.missing_authors"
SEVERITY = Severity.WARNING
SUMMARY = "a source names no author, editor or organization"

# Fields that name who is responsible for a work; any one will do.
RESPONSIBLE = ("author", "editor", "organization", "institution")


def check(audit: Audit) -> Iterator[Finding]:
    told = told_by_missing_fields(audit)
    for key, source in audit.project.bibliography.sources.items():
        if source.unverifiable or key in told:
            continue
        if any((source.get(name) or "").strip() for name in RESPONSIBLE):
            continue
        message = (
            f'source "{key}" names no author - add the authors as the publisher lists them '
            "(or the editor or organization responsible for the work)"
        )
        yield at_source(audit, source, ID, SEVERITY, message)


def told_by_missing_fields(audit: Audit) -> set[str]:
    """Return the keys whose missing author bibliography.missing_fields already reports."""
    problems = audit.project.bibliography.problems
    return {
        p.key for p in problems if p.kind == "missing-fields" and p.key and "author" in p.message
    }
