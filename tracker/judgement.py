"""Judge a claim's wording as a regulatory reviewer does: the rule packs of tracker/data/rules.

One rule pack per authority and guideline; each rule says the wording it flags, what
substantiates it (the weakest level of evidence, or none), the provision it comes from, how
grave it is (risk), which check reports it, and for which products and jurisdictions it
holds. The project's checks (language.overclaim, regulatory.status_claim,
regulatory.disease_claim) and the writers' check of drafts (document.wording) apply the
same rules, chosen by the project's settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from tracker.config import JURISDICTIONS, Config
from tracker.datafiles import Folded, FoldedSet, data_names, folded_words, load_data, word_pattern
from tracker.evidence import Evidence, vocabulary
from tracker.similar import TYPOGRAPHY

RULES_FOLDER = "rules"
RISKS = ("high", "medium", "low")
UNKNOWN_PRODUCT = "unknown"  # a rule's products may name it: the settings name no product
# Products that a regulator approves, clears or licenses for named uses.
APPROVABLE = frozenset({"drug", "biologic", "cell-or-tissue-product", "device"})
# Kinds of claim about what a product does to people, and kinds about what it is.
PEOPLE_KINDS = frozenset({"efficacy", "safety"})
COMPOSITION_KINDS = frozenset({"composition", "mechanism", "background"})
NO_EVIDENCE = "none"
DEFAULT_CHECK = "language.overclaim"


@dataclass(frozen=True)
class Authority:
    """Who else forbids a rule's wording, where: the same wording breaks other codes."""

    jurisdictions: tuple[str, ...]
    guideline: str
    provision: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule of a rule pack: the wording it flags and the evidence that lets it pass."""

    id: str
    what: str
    # The wording flagged, one regular expression each: all rules are screened together, and
    # a rule's own pattern is compiled only when a text gets past the screen.
    patterns: tuple[str, ...]
    unless_patterns: tuple[str, ...]
    passes_with: str | None
    advice: str
    guideline: str
    check: str = DEFAULT_CHECK
    risk: str = "medium"
    # For a claim that only describes what a product contains or how it works, a weaker
    # level suffices (laboratory work shows composition; no trial in people is needed).
    composition_passes_with: str | None = None
    # Wording about regulatory status passes when the settings declare an approval.
    passes_when_approved: bool = False
    provision: str = ""
    jurisdictions: tuple[str, ...] = JURISDICTIONS
    products: tuple[str, ...] | None = None  # None: whatever the product
    also: tuple[Authority, ...] = ()
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return word_pattern(list(self.patterns))

    @cached_property
    def unless(self) -> re.Pattern[str] | None:
        return word_pattern(list(self.unless_patterns)) if self.unless_patterns else None

    def words(self, text: str, plain: bool = False) -> list[str]:
        """Return the distinct flagged words of a text, leaving out negated or hedged ones
        (plain: the text's typography is already made plain)."""
        if not plain:
            text = text.translate(TYPOGRAPHY)
        matches = list(self.pattern.finditer(text))
        if not matches:
            return []
        exempt = [m.span() for m in self.unless.finditer(text)] if self.unless else []
        found: list[str] = []
        for match in matches:
            start, end = match.span()
            if any(s < end and start < e for s, e in exempt) or match.group(0) in found:
                continue
            found.append(match.group(0))
        return found

    def applies(self, config: Config | None) -> bool:
        """Tell whether the rule holds for the project's product and jurisdictions."""
        if config is None:
            return self.products is None
        if not self.where(config):
            return False
        return self.products is None or (config.product or UNKNOWN_PRODUCT) in self.products

    def where(self, config: Config | None) -> list[Authority]:
        """Return the authorities that forbid the wording where the project publishes."""
        own = Authority(self.jurisdictions, self.guideline, self.provision)
        places = set(config.jurisdictions if config else JURISDICTIONS)
        return [a for a in (own, *self.also) if places & set(a.jurisdictions)]


@cache
def rule_packs() -> dict[str, Any]:
    """Return the loaded rule files by file name."""
    return {name.rsplit("/", 1)[-1]: load_data(name) for name in data_names(RULES_FOLDER)}


@cache
def rules() -> tuple[Rule, ...]:
    """Return the rules of every rule pack, compiled once."""
    return tuple(make_rule(spec, pack) for pack in rule_packs().values() for spec in pack["rules"])


def make_rule(spec: dict[str, Any], pack: dict[str, Any]) -> Rule:
    level = str(spec["passes_with"])
    composition = spec.get("composition_passes_with")
    for named in (level, composition or NO_EVIDENCE):
        if named != NO_EVIDENCE and named not in vocabulary():
            raise ValueError(f"rule {spec['id']}: {named!r} is no level of evidence")
    if spec.get("risk", "medium") not in RISKS:
        raise ValueError(f"rule {spec['id']}: risk {spec['risk']!r} is none of {RISKS}")
    examples = spec.get("examples") or {}
    products = spec.get("products", pack.get("products"))
    return Rule(
        id=spec["id"],
        what=spec["what"],
        patterns=tuple(spec["patterns"]),
        unless_patterns=tuple(spec.get("unless") or ()),
        passes_with=None if level == NO_EVIDENCE else level,
        advice=spec["advice"],
        guideline=pack["guideline"],
        check=spec.get("check", pack.get("check", DEFAULT_CHECK)),
        risk=spec.get("risk", "medium"),
        composition_passes_with=composition,
        passes_when_approved=bool(spec.get("passes_when_approved", False)),
        provision=spec.get("provision", pack.get("provision", "")),
        jurisdictions=tuple(spec.get("jurisdictions", pack.get("jurisdictions", JURISDICTIONS))),
        also=tuple(
            Authority(tuple(a["jurisdictions"]), a["guideline"], a.get("provision", ""))
            for a in spec.get("also", pack.get("also", ()))
        ),
        products=tuple(products) if products is not None else None,
        flag_examples=tuple(examples.get("flag") or ()),
        pass_examples=tuple(examples.get("pass") or ()),
    )


def rules_of(check: str, config: Config | None) -> list[Rule]:
    """Return the rules a check applies for the project's settings."""
    return [rule for rule in rules() if rule.check == check and rule.applies(config)]


def level_needed(rule: Rule, kinds: tuple[str, ...] | list[str]) -> str | None:
    """Return the weakest level of evidence that substantiates the rule's wording in a claim."""
    about_people = PEOPLE_KINDS.intersection(kinds)
    if rule.composition_passes_with and not about_people and COMPOSITION_KINDS.intersection(kinds):
        return rule.composition_passes_with
    return rule.passes_with


def approved(config: Config | None) -> bool:
    """Tell whether the settings declare an approval: an approvable product, approved uses."""
    return bool(config and config.product in APPROVABLE and config.approved_for)


def passes(rule: Rule, claim: Judged, evidence: Evidence, config: Config | None) -> bool:
    """Tell whether a claim's strongest cited evidence (or an approval) lets its wording pass."""
    if rule.passes_when_approved:
        return approved(config)
    level = level_needed(rule, claim.kinds)
    if level is None or not claim.cited:
        return False
    return evidence.rank >= vocabulary()[level].rank


@dataclass(frozen=True)
class Judged:
    """What a rule needs of a claim: its text, its kinds and whether it cites anything."""

    text: str
    kinds: tuple[str, ...]
    cited: bool


@dataclass
class Hit:
    """The rules that flag the same words of a claim, reported once with every authority."""

    rules: list[Rule]
    words: list[str]

    @property
    def rule(self) -> Rule:
        """Return the gravest of the rules, the one whose advice and level are given."""
        return max(self.rules, key=lambda r: (RISKS.index(r.risk) * -1, r.passes_with is None))

    @property
    def risk(self) -> str:
        return self.rule.risk


def hits(chosen: list[Rule], claim: Judged, evidence: Evidence, config: Config | None) -> list[Hit]:
    """Return the rules a claim's wording breaks, rules flagging the same words merged."""
    found: list[Hit] = []
    text = claim.text.translate(TYPOGRAPHY)
    # One search tells which rules match at all; only those are searched for all their words.
    matching = {rule_id for rule_id, _ in rule_set(chosen).finds(text)}
    for rule in chosen:
        if rule.id not in matching:
            continue
        words = rule.words(text, plain=True)
        if not words or passes(rule, claim, evidence, config):
            continue
        same = next((h for h in found if h.words == words and h.rule.what == rule.what), None)
        if same:
            same.rules.append(rule)
        else:
            found.append(Hit([rule], words))
    return found


def may_break(chosen: list[Rule], text: str, plain: bool = False) -> bool:
    """Tell whether any of the rules could flag a text (plain: its typography is already
    made plain). Most sentences break no rule: one search for all spares one per rule."""
    key = tuple(rule.id for rule in chosen)
    screen = _SCREENS.get(key)
    if screen is None:
        screen = _SCREENS[key] = folded_words([p for rule in chosen for p in rule.patterns])
    return screen.find(text if plain else text.translate(TYPOGRAPHY)) is not None


_SCREENS: dict[tuple[str, ...], Folded] = {}


def rule_set(chosen: list[Rule]) -> FoldedSet:
    """Return the rules' patterns as one set, searched together (made once per choice)."""
    key = tuple(rule.id for rule in chosen)
    found = _RULE_SETS.get(key)
    if found is None:
        members = tuple((rule.id, folded_words(list(rule.patterns))) for rule in chosen)
        found = _RULE_SETS[key] = FoldedSet(members)
    return found


_RULE_SETS: dict[tuple[str, ...], FoldedSet] = {}


def authority(rules: list[Rule], config: Config | None = None) -> str:
    """Name the rules and, place by place where the project publishes, the provision and
    code each applies: "rule cure: US: FTC Act sections 5 and 12, <guideline>; UK: ..."."""
    named = []
    for rule in rules:
        codes = [
            f"{'/'.join(a.jurisdictions)}: {a.provision}, {a.guideline}"
            if a.provision
            else f"{'/'.join(a.jurisdictions)}: {a.guideline}"
            for a in rule.where(config)
        ]
        named.append(f"rule {rule.id}: {'; '.join(codes)}")
    return "; ".join(named)


def needed(rule: Rule, kinds: tuple[str, ...] | list[str] = ()) -> str:
    """Say what would substantiate the rule's wording, then what to write instead."""
    if rule.passes_when_approved:
        return f"only an approval for the uses named can make it true: {rule.advice}"
    level = level_needed(rule, kinds)
    if level is None:
        return f"no evidence can substantiate such wording: {rule.advice}"
    return (
        f"such wording needs evidence at level {at_or_above(level)}: cite such a source, "
        f"or {rule.advice}"
    )


def at_or_above(level: str) -> str:
    """Name a level of evidence with the stronger levels of studies in people."""
    rank = vocabulary()[level].rank
    stronger = [v.name for v in vocabulary().values() if v.rank > rank and v.human]
    return f"{level} or stronger ({', '.join(stronger)})" if stronger else level
