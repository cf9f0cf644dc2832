"""Over-claiming wording ("no risk", "cures", "clinically proven", "the best") that the
evidence a claim cites does not substantiate.

The rules are data, one file per guideline in tracker/data/rules/; each names the weakest
level of evidence that substantiates its wording, or none when no evidence can. A claim
passes a rule when the strongest source it cites reaches that level; an uncited claim never
passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.datafiles import data_names, load_data, word_pattern
from tracker.evidence import Evidence, vocabulary
from tracker.model import Claim, Finding, Severity
from tracker.similar import TYPOGRAPHY

ID = "language.overclaim"
SEVERITY = Severity.WARNING
SUMMARY = "a claim's wording claims more than the evidence it cites can substantiate"

RULES_FOLDER = "rules"
NO_EVIDENCE = "none"


@dataclass(frozen=True)
class Rule:
    """One rule of a rule pack: the wording it flags and the evidence that lets it pass."""

    id: str
    what: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    passes_with: str | None
    advice: str
    guideline: str
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()

    def words(self, text: str) -> list[str]:
        """Return the distinct flagged words of a text, leaving out negated or hedged ones."""
        text = text.translate(TYPOGRAPHY)
        exempt = [m.span() for m in self.unless.finditer(text)] if self.unless else []
        found: list[str] = []
        for match in self.pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in exempt) or match.group(0) in found:
                continue
            found.append(match.group(0))
        return found


@cache
def rule_packs() -> dict[str, dict]:
    """Return the loaded rule files by file name."""
    return {name.rsplit("/", 1)[-1]: load_data(name) for name in data_names(RULES_FOLDER)}


@cache
def rules() -> tuple[Rule, ...]:
    """Return the rules of every rule pack, compiled once."""
    return tuple(
        make_rule(spec, pack["guideline"])
        for pack in rule_packs().values()
        for spec in pack["rules"]
    )


def make_rule(spec: dict, guideline: str) -> Rule:
    level = str(spec["passes_with"])
    if level != NO_EVIDENCE and level not in vocabulary():
        raise ValueError(f"rule {spec['id']}: passes_with {level!r} is no level of evidence")
    examples = spec.get("examples") or {}
    return Rule(
        id=spec["id"],
        what=spec["what"],
        pattern=word_pattern(spec["patterns"]),
        unless=word_pattern(spec["unless"]) if spec.get("unless") else None,
        passes_with=None if level == NO_EVIDENCE else level,
        advice=spec["advice"],
        guideline=guideline,
        flag_examples=tuple(examples.get("flag") or ()),
        pass_examples=tuple(examples.get("pass") or ()),
    )


def passes(rule: Rule, claim: Claim, evidence: Evidence) -> bool:
    """Tell whether a claim's strongest cited evidence substantiates the rule's wording."""
    if rule.passes_with is None or not claim.citations:
        return False
    return evidence.rank >= vocabulary()[rule.passes_with].rank


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        evidence = audit.claim_evidence(claim)
        for rule in rules():
            words = rule.words(claim.text)
            if words and not passes(rule, claim, evidence):
                message = describe(audit, claim, rule, words, evidence)
                yield at_claim(audit, register, claim, ID, SEVERITY, message)


def describe(audit: Audit, claim: Claim, rule: Rule, words: list[str], evidence: Evidence) -> str:
    quoted = ", ".join(f'"{w}"' for w in words)
    uncited = "" if claim.citations else "uncited "
    return (
        f"{uncited}{rule.what} {quoted}{resting_on(audit, claim, evidence)}: "
        f'"{excerpt(claim.text)}" (rule {rule.id}, {rule.guideline}) - {needed(rule)}'
    )


def resting_on(audit: Audit, claim: Claim, evidence: Evidence) -> str:
    """Say what a cited claim's wording rests on: its strongest sources and their level."""
    if not claim.citations:
        return ""
    if evidence.level is None:
        return ", citing sources of unknown level of evidence"
    keys = [k for k in claim.cited_keys if k in audit.evidence]
    strongest = [k for k in keys if audit.evidence[k].rank == evidence.rank]
    return f", strongest source {', '.join(strongest)} ({evidence.label})"


def needed(rule: Rule) -> str:
    """Say what would substantiate the rule's wording, then what to write instead."""
    if rule.passes_with is None:
        return f"no evidence can substantiate such wording: {rule.advice}"
    level = at_or_above(rule.passes_with)
    return f"such wording needs evidence at level {level}: cite such a source, or {rule.advice}"


def at_or_above(level: str) -> str:
    """Name a level of evidence with the stronger levels of studies in people."""
    rank = vocabulary()[level].rank
    stronger = [v.name for v in vocabulary().values() if v.rank > rank and v.human]
    return f"{level} or stronger ({', '.join(stronger)})" if stronger else level
