"""A document's reference names the publisher where the journal belongs ("– MDPI (2023)").

A reader cannot find a work from its publisher's name: MDPI alone publishes hundreds of
journals. The reference's venue (the part after its last dash, or the journal of a
conventional reference) is taken for a publisher when it names the entry's `publisher` or a
known publisher (tracker/data/publishers.yaml), and the entry records a different journal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from tracker.checks.base import Audit, at_claim
from tracker.datafiles import load_data
from tracker.model import Finding, Severity, Source
from tracker.references import parse_reference
from tracker.resolve import LATEX, WORD, names_same_venue

ID = "citations.publisher_as_journal"
SEVERITY = Severity.WARNING
SUMMARY = "a document's reference gives the publisher instead of the journal"


@dataclass(frozen=True)
class Publishers:
    """The known publishers, and the closing words that only say a name is a company's."""

    names: tuple[str, ...]
    company_words: frozenset[str]


@cache
def publishers() -> Publishers:
    """Return the publishers of tracker/data/publishers.yaml, read once."""
    data = load_data("publishers.yaml")
    words = frozenset(str(word).lower() for word in data["company_words"])
    return Publishers(tuple(str(name) for name in data["publishers"]), words)


def check(audit: Audit) -> Iterator[Finding]:
    sources = audit.project.bibliography.sources
    for register, claim in audit.project.claims():
        for citation in claim.citations:
            source = sources.get(citation.key or "")
            if source is None or not citation.reference:
                continue
            journal = journal_of(source)
            venue = parse_reference(citation.reference).journal
            if not journal or not venue or names_same_venue(venue, journal):
                continue
            if names_publisher(venue, source):
                message = (
                    f'the reference "{citation.reference}" gives the publisher "{venue}" where '
                    f'the journal belongs; {source.key} records the journal "{journal}" - '
                    f'name the journal ("{journal}") in the document\'s reference list'
                )
                yield at_claim(audit, register, claim, ID, SEVERITY, message)


def journal_of(source: Source) -> str | None:
    journal = source.get("journal") or source.get("journaltitle")
    return " ".join(LATEX.sub("", journal).split()) if journal else None


def names_publisher(venue: str, source: Source) -> bool:
    """Tell whether a venue names the entry's publisher or a known publisher."""
    named = [source.get("publisher") or "", *publishers().names]
    return any(name and names_company(venue, LATEX.sub("", name)) for name in named)


def names_company(venue: str, name: str) -> bool:
    """Compare a venue with a publisher's name, with and without its company words (S.A., Ltd)."""
    return names_same_venue(venue, name) or names_same_venue(venue, without_company_words(name))


def without_company_words(name: str) -> str:
    """Return a publisher's name without its closing company words ("Frontiers Media S.A.")."""
    words = WORD.findall(name)
    while len(words) > 1 and words[-1].lower() in publishers().company_words:
        words.pop()
    return " ".join(words)
