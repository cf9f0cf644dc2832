"""Tell how strong the evidence of a source is, declared or inferred, with the reason shown.

A level is declared in the source's `evidence` field, or inferred from its title, keywords,
note and publication type. The vocabulary and the cues are data
(tracker/data/evidence_levels.yaml); a claim's strongest evidence is the highest-ranked level
among the sources it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from tracker import warm
from tracker.datafiles import Folded
from tracker.model import Source
from tracker.verification import FOUND, SourceResult, record_level

# Fields read for cues, most telling first.
CUE_FIELDS = ("evidence", "pubtype", "type", "keywords", "title", "note", "howpublished")


@dataclass(frozen=True)
class Level:
    """One level of the vocabulary."""

    name: str
    rank: int
    human: bool
    cues: re.Pattern[str]


@dataclass(frozen=True)
class Evidence:
    """A source's level of evidence and why the tracker thinks so; level None when unknown."""

    level: str | None
    rank: int
    human: bool
    reason: str
    declared: bool = False

    @property
    def label(self) -> str:
        return self.level or "unknown"


UNKNOWN = Evidence(None, -1, False, "no `evidence` field and no cue in title, keywords or note")


@cache
def vocabulary() -> dict[str, Level]:
    """Return the levels of evidence, in the order their cues are tried."""
    from tracker.datafiles import load_data

    data = load_data("evidence_levels.yaml")["levels"]
    return {
        name: Level(name, int(spec["rank"]), bool(spec["human"]), compile_cues(spec["cues"]))
        for name, spec in data.items()
    }


@cache
def any_cue() -> Folded:
    """Return one search for the cues of every level: most titles hold none, and one search
    spares them trying the levels one by one (each level is still tried in order when it
    finds one)."""
    return Folded("|".join(level.cues.pattern for level in vocabulary().values()))


def compile_cues(cues: list[str]) -> re.Pattern[str]:
    return warm.pattern("|".join(rf"(?<![\w-])(?:{cue})" for cue in cues), re.I)


def evidence_of(source: Source, verified: SourceResult | None = None) -> Evidence:
    """Return a source's level of evidence: declared, else given by its PubMed record (as
    `tracker verify` stored it), else inferred from the entry, else unknown."""
    levels = vocabulary()
    declared = (source.get("evidence") or "").strip().lower()
    if declared in levels:
        level = levels[declared]
        reason = "declared in the `evidence` field"
        return Evidence(level.name, level.rank, level.human, reason, True)
    recorded = recorded_level(source, verified)
    if recorded is not None and recorded[0] in levels:
        level = levels[recorded[0]]
        return Evidence(level.name, level.rank, level.human, recorded[1])
    for name in CUE_FIELDS[1:]:
        text = source.get(name)
        if not text or any_cue().find(text) is None:
            continue
        for level in levels.values():
            found = level.cues.search(text)
            if found:
                reason = f"inferred from {found.group(0)!r} in the {name}"
                return Evidence(level.name, level.rank, level.human, reason)
    return UNKNOWN


def recorded_level(source: Source, verified: SourceResult | None) -> tuple[str, str] | None:
    """Return the level a verified record gives (and why, with its date), if it gives one."""
    if verified is None or verified.status != FOUND or not verified.matches(source):
        return None
    for record in verified.records:
        found = record_level(record)
        if found is not None:
            return found[0], f"{found[1]} (verified on {verified.checked})"
    return None


def strongest(evidences: Iterable[Evidence]) -> Evidence:
    """Return the strongest of several sources' evidence (unknown when there is none)."""
    return max(evidences, key=lambda e: e.rank, default=UNKNOWN)
