"""A claim that drops a hedge of the passage it quotes, or adds a booster the passage lacks.

"Secretome may support repair in mice" does not back "secretome repairs skin", and
"significantly" in a claim needs a source that says so. The hedges and boosters are data
(tracker/data/hedges.yaml, after Hyland and the FTC's Health Products Compliance Guidance).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.datafiles import load_data
from tracker.model import Claim, Finding, Severity

ID = "quotes.hedges"
SEVERITY = Severity.WARNING
SUMMARY = "a claim drops a hedge of its quote or adds a booster the quote lacks"


@dataclass(frozen=True)
class Cues:
    """The compiled hedge groups and boosters, by name."""

    hedges: dict[str, re.Pattern[str]]
    boosters: dict[str, re.Pattern[str]]


def whole_words(cues: list[str]) -> re.Pattern[str]:
    """Compile cues into one case-insensitive pattern that matches whole words only."""
    body = "|".join(f"(?:{cue})" for cue in cues)
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)", re.I)


@cache
def cues() -> Cues:
    """Return the hedges and boosters of tracker/data/hedges.yaml, compiled once."""
    data = load_data("hedges.yaml")
    return Cues(
        hedges={name: whole_words(words) for name, words in data["hedges"].items()},
        boosters={name: whole_words(words) for name, words in data["boosters"].items()},
    )


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        quotes = [c.quote for c in claim.citations if c.quote]
        if not quotes:
            continue
        dropped = dropped_hedges(claim.text, quotes)
        if dropped:
            message = dropped_message(claim, dropped)
            yield at_claim(audit, register, claim, ID, SEVERITY, message)
        added = added_boosters(claim.text, quotes)
        if added:
            yield at_claim(audit, register, claim, ID, SEVERITY, added_message(claim, added))


def dropped_hedges(claim_text: str, quotes: list[str]) -> list[str]:
    """Return the hedges of the quotes (as written) whose group the claim has no word of."""
    dropped = [pattern for pattern in cues().hedges.values() if not pattern.search(claim_text)]
    return unique(word.lower() for quote in quotes for word in in_order(dropped, quote))


def added_boosters(claim_text: str, quotes: list[str]) -> list[str]:
    """Return the boosters of the claim (as written) that no quote has."""
    added = [
        pattern
        for pattern in cues().boosters.values()
        if not any(pattern.search(quote) for quote in quotes)
    ]
    return unique(in_order(added, claim_text))


def in_order(patterns: list[re.Pattern[str]], text: str) -> list[str]:
    """Return what the patterns match in a text, in the text's order, spaces collapsed."""
    matches = sorted((m.start(), m.group(0)) for p in patterns for m in p.finditer(text))
    return [" ".join(word.split()) for _, word in matches]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def dropped_message(claim: Claim, dropped: list[str]) -> str:
    named = ", ".join(f'"{word}"' for word in dropped)
    return (
        f'the quote hedges with {named} but the claim "{excerpt(claim.text)}" does not - '
        "carry the qualification into the claim, or quote a source that states it plainly"
    )


def added_message(claim: Claim, added: list[str]) -> str:
    named = ", ".join(f'"{word}"' for word in added)
    return (
        f'the claim "{excerpt(claim.text)}" says {named}, which no quote of its citations '
        "says - drop the word, or quote the passage of the source that says it"
    )
