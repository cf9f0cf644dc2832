"""A source whose entry differs from the record of its identifier: title, year, first
author's surname or journal. A DOI pasted onto the wrong work, or a work misdescribed."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source, verified
from tracker.model import Finding, Severity
from tracker.verification import FOUND, mismatches

ID = "sources.metadata_mismatch"
SEVERITY = Severity.WARNING
SUMMARY = "a source's title, year, first author or journal differs from its record"
# The record compared with, most complete first.
PREFERENCE = ("Crossref", "PubMed", "OpenAlex")


def check(audit: Audit) -> Iterator[Finding]:
    for source, result in verified(audit, FOUND):
        key = source.key
        record = next(filter(None, (result.record(name) for name in PREFERENCE)), None)
        if record is None:
            continue
        differences = mismatches(source, record)
        if not differences:
            continue
        said = "; ".join(
            f'{name} "{ours}" where {record.service} has "{theirs}"'
            for name, ours, theirs in differences
        )
        named = f"DOI {record.doi}" if record.doi else f"PMID {record.pmid}"
        message = (
            f'source "{key}" differs from the record of its {named} ({said}; verified on '
            f"{result.checked}) - correct the entry, or its identifier if it names another work"
        )
        yield at_source(audit, source, ID, SEVERITY, message)
