"""Nearly the same claim is cited in one place and uncited, or cited to other sources, elsewhere.

Claims are compared across all documents (and within one) by token-set ratio on their text
without markers, in lower case (tracker.similar.comparable), with blocking so that 10,000
claims stay fast (tracker.near_duplicates). The finding stands at the uncited or differently
cited claim and names the other claim, its document and its sources. A fuzzy match is a
suggestion: two claims that differ in one word ("vitamin C", "vitamin D") may say different
things, which is why the message shows the other claim's text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.model import Claim, Finding, Register, Severity
from tracker.near_duplicates import near_duplicates
from tracker.similar import comparable

ID = "claims.inconsistent"
SEVERITY = Severity.WARNING
SUMMARY = "nearly the same claim is cited differently elsewhere"

MIN_SCORE = 90.0
# How many of the other claims a message names; the rest are counted.
NAMED = 3


@dataclass(frozen=True)
class Entry:
    """An active claim as compared: where it stands and what it cites."""

    register: Register
    claim: Claim
    keys: frozenset[str]


def check(audit: Audit) -> Iterator[Finding]:
    entries = [Entry(r, c, frozenset(c.cited_keys)) for r, c in audit.project.claims()]
    texts = [comparable(e.claim.text) for e in entries]
    for i, others in sorted(disagreements(entries, texts).items()):
        ranked = [entries[j] for j, _ in sorted(others, key=lambda o: (-o[1], o[0]))]
        yield finding(audit, entries[i], ranked)


def disagreements(entries: list[Entry], texts: list[str]) -> dict[int, list[tuple[int, float]]]:
    """Return, for each claim to report, the cited near-duplicates whose sources differ."""
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i, j, score in near_duplicates(texts, MIN_SCORE):
        a, b = entries[i], entries[j]
        if a.keys == b.keys:
            continue
        if b.keys:  # a is uncited or cites other sources than b
            found[i].append((j, score))
        if a.keys:
            found[j].append((i, score))
    return found


def finding(audit: Audit, entry: Entry, others: list[Entry]) -> Finding:
    named = "; ".join(describe(other, entry) for other in others[:NAMED])
    more = f"; and {len(others) - NAMED} more" if len(others) > NAMED else ""
    if entry.keys:
        diagnosis = f"cites {keys(entry.keys)}, but nearly the same claim {named}{more}"
        advice = "cite the same sources in both places, or reword one claim so that they differ"
    else:
        diagnosis = f"cites nothing, but nearly the same claim {named}{more}"
        advice = f"cite {keys(others[0].keys)} here too if it supports this wording"
    message = f"{diagnosis} - {advice}"
    return at_claim(audit, entry.register, entry.claim, ID, SEVERITY, message)


def describe(other: Entry, entry: Entry) -> str:
    """Name another claim, where it stands, its text and what it cites."""
    same = other.register.document.path == entry.register.document.path
    where = "elsewhere in this document" if same else f"in {other.register.document.path}"
    return f'{other.claim.id} {where} ("{excerpt(other.claim.text)}") cites {keys(other.keys)}'


def keys(cited: frozenset[str]) -> str:
    return ", ".join(f'"{key}"' for key in sorted(cited))
