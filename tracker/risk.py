"""Grade findings by risk (high, medium, low), the order a regulatory reviewer reads them in.

A check may grade its own findings; the rest get the grade tracker/data/risk.yaml gives
their check id, the most specific prefix winning, as settings do.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from tracker.model import Finding

HIGH, MEDIUM, LOW = "high", "medium", "low"
RANKS = {HIGH: 2, MEDIUM: 1, LOW: 0}
# Claim kinds whose uncited statement a regulator acts on; the rest are background.
WEIGHTY_KINDS = frozenset({"efficacy", "safety", "comparative", "evidence-appeal", "regulatory"})


@cache
def _grades() -> dict[str, str]:
    from tracker.datafiles import load_data

    grades = load_data("risk.yaml")["checks"]
    return {str(prefix): str(grade) for prefix, grade in grades.items()}


@cache
def default_risk(check_id: str) -> str:
    """Return the grade of a check's findings: the most specific prefix's, else low."""
    grades = _grades()
    matches = [p for p in grades if check_id == p or check_id.startswith(p + ".")]
    return grades[max(matches, key=len)] if matches else LOW


def graded(finding: Finding) -> Finding:
    """Return the finding with a risk grade: its own, else its check's."""
    return finding if finding.risk else replace(finding, risk=default_risk(finding.check))


def claim_risk(kinds: list[str] | tuple[str, ...]) -> str:
    """Return the grade of an uncited claim: medium for what regulators act on, else low."""
    return MEDIUM if WEIGHTY_KINDS.intersection(kinds) else LOW


def at_least(finding: Finding, floor: str) -> bool:
    return RANKS.get(finding.risk, 0) >= RANKS[floor]


def by_risk(findings: list[Finding]) -> list[Finding]:
    """Return the findings the highest risk first, in their order within a grade."""
    return sorted(findings, key=lambda f: -RANKS.get(f.risk, 0))
