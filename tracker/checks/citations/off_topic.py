"""A cited source whose text never mentions the condition a claim names, or speaks only of
animals or cells where the claim speaks of people: a hair-growth claim citing a paper on
wound healing, "in patients" citing a mouse study.

Only sources with a text are judged: sources/<key>.txt, or the abstract `tracker verify`
stored. An abstract is short, so a condition it leaves out is reported as a warning to read
the full paper, not as proof.
"""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.conditions import Mention, mentions
from tracker.model import Finding, Severity
from tracker.passages import about_people_only_in_claim, source_text

ID = "citations.off_topic"
SEVERITY = Severity.WARNING
SUMMARY = "a cited source does not mention the claim's condition or population"


def check(audit: Audit) -> Iterator[Finding]:
    texts: dict[str, tuple[str, set[str]] | None] = {}
    for register, claim in audit.project.claims():
        named = mentions(claim.text)
        for key in dict.fromkeys(claim.cited_keys):
            if key not in texts:
                text = source_text(audit.project, key)
                texts[key] = (text, {m.name for m in mentions(text)}) if text else None
            known = texts[key]
            if known is None:
                continue
            reasons = off_topic(claim.text, named, *known)
            if reasons:
                message = (
                    f'{key} cited for "{excerpt(claim.text)}" {" and ".join(reasons)} - read '
                    "the source: cite one that studied what the claim says, or narrow the claim"
                )
                yield at_claim(audit, register, claim, ID, SEVERITY, message)


def off_topic(claim: str, named: list[Mention], text: str, in_source: set[str]) -> list[str]:
    """Say how a source's text misses a claim: conditions it never names, its population."""
    lowered = text.lower()
    missing = [m.text for m in named if m.name not in in_source and m.text.lower() not in lowered]
    reasons = []
    if missing:
        reasons.append(f"never mentions {', '.join(dict.fromkeys(missing))}")
    if about_people_only_in_claim(claim, text):
        reasons.append("studied animals or cells, while the claim speaks of people")
    return reasons
