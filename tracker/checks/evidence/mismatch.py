"""An efficacy or safety claim about people that rests only on evidence that did not study
people (laboratory or animal work, narrative reviews, registrations, opinion, marketing) or
whose level is unknown.

A claim that says in its own words that it is about animals or cells (the cues of
tracker/data/non_human_subjects.yaml) is not about people and is left alone; an uncited claim
is the business of claims.uncited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.datafiles import load_data, word_pattern
from tracker.evidence import UNKNOWN, Evidence
from tracker.model import Claim, Finding, Severity
from tracker.similar import TYPOGRAPHY

ID = "evidence.mismatch"
SEVERITY = Severity.WARNING
SUMMARY = "an efficacy or safety claim about people rests only on evidence not from people"

KINDS = ("efficacy", "safety")
NEEDED = "a randomised trial or systematic review in people"


@cache
def non_human() -> re.Pattern[str]:
    """Return the cues of a claim about animals or cells, compiled once."""
    return word_pattern(load_data("non_human_subjects.yaml")["cues"])


def about_people(claim: Claim) -> bool:
    """Tell whether an efficacy or safety claim is about people, as far as its words tell."""
    kinds = [k for k in claim.kinds if k in KINDS]
    return bool(kinds) and not non_human().search(claim.text.translate(TYPOGRAPHY))


def sources_of(audit: Audit, claim: Claim) -> list[tuple[str, Evidence]]:
    """Return each source a claim cites, by key or marker, with its level of evidence."""
    found = []
    for citation in claim.citations:
        if citation.key:
            found.append((citation.key, audit.evidence.get(citation.key, UNKNOWN)))
        else:
            found.append((f"unresolved {citation.marker or 'reference'}", UNKNOWN))
    return found


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        if not claim.citations or not about_people(claim):
            continue
        sources = sources_of(audit, claim)
        if any(evidence.human for _, evidence in sources):
            continue
        kinds = " and ".join(k for k in claim.kinds if k in KINDS)
        named = ", ".join(f"{key} ({level(evidence)})" for key, evidence in sources)
        message = (
            f'{kinds} claim about people "{excerpt(claim.text)}" rests on no study in people: '
            f"{named} - cite {NEEDED}, or say in the sentence what the evidence is "
            "(a review, laboratory or animal work)"
        )
        yield at_claim(audit, register, claim, ID, SEVERITY, message)


def level(evidence: Evidence) -> str:
    return evidence.level or "level unknown"
