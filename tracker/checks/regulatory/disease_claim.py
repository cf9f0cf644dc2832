"""A claim that the product or service treats, cures, prevents or fights a named disease or
condition ("treats arthritis", "relief from neuropathy", "used for arthritis, COPD and MS"),
judged by the authority that governs the product in each jurisdiction of the settings.

What makes a disease claim and who judges it are data (tracker/data/disease_claims.yaml);
the conditions come from tracker/data/conditions.txt. Without settings the product is
unknown and approved for nothing, so every disease claim is reported; settings can declare
the product and the conditions it is approved or cleared for (approved-for).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from tracker import warm
from tracker.checks.base import Audit, at_claim, excerpt
from tracker.checks.language.overclaim import judged
from tracker.conditions import Mention, mentions, words
from tracker.config import JURISDICTIONS, Config
from tracker.datafiles import Folded, folded_words, load_data, word_pattern
from tracker.evidence import UNKNOWN, Evidence, vocabulary
from tracker.judgement import UNKNOWN_PRODUCT
from tracker.model import Finding, Severity
from tracker.risk import RANKS
from tracker.similar import TYPOGRAPHY

ID = "regulatory.disease_claim"
SEVERITY = Severity.ERROR
SUMMARY = "a claim says the product treats, cures or prevents a named disease or condition"
# Where a statement about one condition ends and another begins.
CLAUSE_END = warm.pattern(r"[.;:!?](?:\s|$)|\s(?:but|while|whereas|although|however|yet)\s", re.I)
# What may stand between two conditions of one list: "arthritis, COPD and MS".
LIST_GAP = warm.pattern(
    r"^(?:[\s,/&]|\b(?:and|or|as well as|including|such as|like|even)\b)*$", re.I
)


@dataclass(frozen=True)
class Authority:
    """Who judges a disease claim for one product in one jurisdiction, and on what terms."""

    jurisdiction: str
    products: tuple[str, ...]
    provision: str
    says: str
    risk: str
    approvable: bool
    passes_with: str | None


@dataclass(frozen=True)
class Cues:
    before: re.Pattern[str]
    after: re.Pattern[str]
    right_after: re.Pattern[str]
    any: Folded  # any of the three: most sentences hold none
    negation: re.Pattern[str]
    appearance_only: re.Pattern[str]
    words_after: int
    words_before: int
    negation_window: int
    authorities: tuple[Authority, ...]


@dataclass(frozen=True)
class Claimed:
    """A disease claim: the conditions it names and the authorities it breaks."""

    conditions: tuple[Mention, ...]
    authorities: tuple[Authority, ...]

    @property
    def risk(self) -> str:
        return max((a.risk for a in self.authorities), key=RANKS.__getitem__)


@cache
def cues() -> Cues:
    """Load what makes a disease claim and who judges it, once."""
    data = load_data("disease_claims.yaml")
    authorities = tuple(
        Authority(
            row["jurisdiction"],
            tuple(row["products"]),
            row["provision"],
            row["says"],
            row["risk"],
            bool(row.get("approvable", False)),
            row.get("passes_with"),
        )
        for row in data["authorities"]
    )
    for authority in authorities:
        if authority.passes_with and authority.passes_with not in vocabulary():
            raise ValueError(f"disease_claims.yaml: {authority.passes_with!r} is no level")
    return Cues(
        word_pattern(data["before_condition"]),
        word_pattern(data["after_condition"]),
        word_pattern(data["right_after_condition"]),
        folded_words(
            data["before_condition"] + data["after_condition"] + data["right_after_condition"]
        ),
        word_pattern(data["negations"]),
        word_pattern(data["appearance_only"]),
        int(data["words_after"]),
        int(data["words_before"]),
        int(data["negation_window"]),
        authorities,
    )


def check(audit: Audit) -> Iterator[Finding]:
    yield from judged(audit, ID, SEVERITY)  # drug-class and sexual-enhancement wording
    config = audit.project.config
    for register, claim in audit.project.claims():
        evidence = audit.claim_evidence(claim) if claim.citations else UNKNOWN
        found = claimed(claim.text, config, evidence)
        if found:
            message = describe(found, claim.text)
            finding = at_claim(audit, register, claim, ID, SEVERITY, message)
            yield replace(finding, risk=found.risk)


def claimed(text: str, config: Config | None, evidence: Evidence = UNKNOWN) -> Claimed | None:
    """Return the disease claim a text makes, if it makes one that its product may not."""
    named = claimed_conditions(text)
    if not named:
        return None
    unapproved = [m for m in named if not approved_for(m, text, config)]
    breaks = tuple(
        a
        for a in governing(config)
        if (unapproved if a.approvable else named) and not substantiated(a, evidence)
    )
    return Claimed(tuple(unapproved or named), breaks) if breaks else None


def cued(text: str) -> bool:
    """Tell whether a text holds any words that claim an effect on a condition."""
    return cues().any.find(text.translate(TYPOGRAPHY).replace("-", " ")) is not None


def claimed_conditions(text: str) -> list[Mention]:
    """Return the conditions that a text claims an effect on, in the order it names them."""
    # Hyphens as spaces, so "cancer-fighting" and "pain-free" read as two words (same length).
    plain = text.translate(TYPOGRAPHY).replace("-", " ")
    # Most sentences hold no claiming words: one search spares looking up their conditions.
    if cues().any.find(plain) is None:
        return []
    found = mentions(text)
    if not found:
        return []
    starts = [w.start() for w in words(plain)]
    chosen = {m.start: m for m in claimed_after_cues(plain, starts, found)}
    chosen |= {m.start: m for m in claimed_before_cues(plain, starts, found)}
    return [chosen[start] for start in sorted(chosen)]


def claimed_after_cues(plain: str, starts: list[int], found: list[Mention]) -> Iterator[Mention]:
    """Yield the conditions named after claiming words ("treats arthritis, COPD and MS")."""
    rules = cues()
    for cue in rules.before.finditer(plain):
        if negated(plain, starts, cue.start(), rules):
            continue
        first = next((m for m in found if m.start >= cue.end()), None)
        if first is None or rules.appearance_only.search(plain, cue.end(), first.start):
            continue
        if _within(plain, starts, cue.end(), first.start, rules.words_after):
            yield from listed_from(plain, found, first)


def claimed_before_cues(plain: str, starts: list[int], found: list[Mention]) -> Iterator[Mention]:
    """Yield the conditions named before claiming words ("knee pain relief", "can be cured")."""
    rules = cues()
    for pattern, most in ((rules.after, rules.words_before), (rules.right_after, 0)):
        for cue in pattern.finditer(plain):
            last = next((m for m in reversed(found) if m.end <= cue.start()), None)
            if last is None or negated(plain, starts, last.start, rules):
                continue
            if _within(plain, starts, last.end, cue.start(), most):
                yield last


def listed_from(text: str, found: list[Mention], first: Mention) -> list[Mention]:
    """Return a condition and those listed after it ("arthritis, COPD and MS")."""
    listed = [first]
    for mention in found[found.index(first) + 1 :]:
        if not LIST_GAP.match(text[listed[-1].end : mention.start]):
            break
        listed.append(mention)
    return listed


def _within(text: str, starts: list[int], start: int, end: int, most: int) -> bool:
    """Tell whether at most `most` words and no clause boundary stand between two offsets."""
    if start > end or CLAUSE_END.search(text, start, end):
        return False
    return sum(1 for s in starts if start <= s < end) <= most


def negated(text: str, starts: list[int], at: int, rules: Cues) -> bool:
    """Tell whether a negation stands among the few words before an offset."""
    before = [s for s in starts if s < at][-rules.negation_window :]
    if not before:
        return False
    window = text[before[0] : at]
    boundary = list(CLAUSE_END.finditer(window))
    if boundary:
        window = window[boundary[-1].end() :]
    return bool(rules.negation.search(window))


def governing(config: Config | None) -> list[Authority]:
    """Return the authorities that judge the project's product where it is published."""
    product = (config.product if config else None) or UNKNOWN_PRODUCT
    places = config.jurisdictions if config else JURISDICTIONS
    return [a for a in cues().authorities if a.jurisdiction in places and product in a.products]


def approved_for(mention: Mention, text: str, config: Config | None) -> bool:
    """Tell whether the settings declare the product approved for a condition a text names."""
    if config is None or not config.approved_for:
        return False
    lowered = text.translate(TYPOGRAPHY).lower()
    for use in config.approved_for:
        use = use.lower()
        if use == mention.name or use == mention.text.lower():
            return True
        at = lowered.find(use)
        while at >= 0:
            if at <= mention.start and mention.end <= at + len(use):
                return True
            at = lowered.find(use, at + 1)
    return False


def substantiated(authority: Authority, evidence: Evidence) -> bool:
    """Tell whether cited evidence lets the claim pass where trials can substantiate it."""
    if authority.passes_with is None:
        return False
    return evidence.rank >= vocabulary()[authority.passes_with].rank


def describe(found: Claimed, text: str) -> str:
    """Name the conditions, then say, jurisdiction by jurisdiction, why the claim may not stand."""
    names = ", ".join(_named(m) for m in found.conditions)
    why = "; ".join(f"{a.jurisdiction}: {a.says} ({a.provision})" for a in found.authorities)
    return (
        f'disease claim about {names}: "{excerpt(text)}" - {why} - say what the product does '
        "in the words its approval allows, or leave the disease out"
    )


def _named(mention: Mention) -> str:
    plain = mention.text.lower().replace("-", " ")
    if plain == mention.name or mention.name.startswith(plain + " ("):
        return f'"{mention.text}"'
    return f'"{mention.text}" ({mention.name})'
