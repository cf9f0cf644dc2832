"""An identifier that is not valid: a mistyped or fabricated DOI, PMID or PMCID is never a link.

A value such as `pmid = {123"><script>…}` once became a PubMed link to the digits picked out
of it. Each identifier is read by tracker.identifiers, which accepts every form people paste
(`doi:`, resolver links, `PMID:`, trailing punctuation) and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from tracker.model import Finding, Severity

ID = "sources.invalid_ids"
SEVERITY = Severity.WARNING
SUMMARY = "a source's DOI, PMID or PMCID is not a valid identifier"

# Field, how it is read, and what a valid one looks like.
IDENTIFIERS = (
    ("doi", normalize_doi, "10.1000/xyz123 or https://doi.org/10.1000/xyz123"),
    ("pmid", normalize_pmid, "digits only, such as 33467726"),
    ("pmcid", normalize_pmcid, "PMC and digits, such as PMC7829982"),
)


def check(audit: Audit) -> Iterator[Finding]:
    for key, source in audit.project.bibliography.sources.items():
        for field, normalize, shape in IDENTIFIERS:
            value = source.get(field)
            if value and normalize(value) is None:
                message = (
                    f'source "{key}": {field} = "{_shown(value)}" is not a valid {field.upper()}, '
                    f"so it gives no link and matches nothing - write it as {shape}, or remove it"
                )
                yield at_source(audit, source, ID, SEVERITY, message)


def _shown(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
