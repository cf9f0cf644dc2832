"""A claim that appeals to evidence ("studies show", "in animal studies", "clinically proven")
and neither cites nor names any: the sentence says a source exists and names none.

The phrases are data (tracker/data/unnamed_evidence.yaml), after the US FTC's guidance on
establishment claims: a claim to rest on evidence must rest on that very evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.datafiles import load_data, word_pattern
from tracker.model import Finding, Severity
from tracker.similar import TYPOGRAPHY

ID = "claims.unnamed_evidence"
SEVERITY = Severity.ERROR
SUMMARY = "a claim appeals to evidence and neither cites nor names it"


@dataclass(frozen=True)
class Lexicon:
    """The compiled phrases of tracker/data/unnamed_evidence.yaml."""

    guideline: str
    appeal: re.Pattern[str]
    names_a_source: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    """Return the phrases, compiled once."""
    data = load_data("unnamed_evidence.yaml")
    named = "|".join(f"(?:{p})" for p in data["names_a_source"])
    return Lexicon(data["guideline"], word_pattern(data["phrases"]), re.compile(named, re.I))


def unnamed_appeal(text: str) -> str | None:
    """Return the words by which a text appeals to evidence it does not name, if any."""
    text = text.translate(TYPOGRAPHY)
    found = lexicon().appeal.search(text)
    if found is None or lexicon().names_a_source.search(text):
        return None
    return found.group(0).strip()


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        if claim.citations:
            continue
        words = unnamed_appeal(claim.text)
        if words is None:
            continue
        message = (
            f'appeal to unnamed evidence "{words}": the sentence says a source exists and '
            f'names none: "{excerpt(claim.text)}" ({lexicon().guideline}) - cite the '
            f"evidence it means in {register.path}, or drop the appeal to it"
        )
        yield at_claim(audit, register, claim, ID, SEVERITY, message)
