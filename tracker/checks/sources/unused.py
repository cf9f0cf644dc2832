"""A bibliography entry that no claim cites."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.graph import unused_sources
from tracker.model import Finding, Severity

ID = "sources.unused"
SEVERITY = Severity.WARNING
SUMMARY = "a source supports no claim"


def check(audit: Audit) -> Iterator[Finding]:
    sources = audit.project.bibliography.sources
    for key in unused_sources(audit.graph):
        message = f'source "{key}" supports no claim - cite it where it applies or remove it'
        yield at_source(audit, sources[key], ID, SEVERITY, message)
