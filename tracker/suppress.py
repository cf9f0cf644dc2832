"""Silence findings that reviewers decided do not apply, each with the reason written beside it.

Suppressions are written in the registers (on a claim, or under the top-level `sources:` for a
source); loading reads them, with their file and line. Findings about the registers themselves
cannot be suppressed, so a broken suppression is always reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.model import Finding, Suppression
from tracker.project import Project

# The register's own problems: silencing them in the register would hide a broken suppression.
UNSUPPRESSIBLE = "register"


def collect(project: Project) -> list[Suppression]:
    """Return every suppression written in the project's registers, in register order."""
    return [s for register in project.registers for s in register.suppressions]


def covers(suppression: Suppression, finding: Finding) -> bool:
    """Whether a suppression silences a finding: same claim or source, and check id (prefix)."""
    if _matches(finding.check, UNSUPPRESSIBLE):
        return False
    if suppression.claim_id is not None and finding.claim_id != suppression.claim_id:
        return False
    if suppression.source_key is not None and finding.source_key != suppression.source_key:
        return False
    return _matches(finding.check, suppression.check)


def _matches(check: str, prefix: str) -> bool:
    return check == prefix or check.startswith(prefix + ".")


def apply(
    findings: Iterable[Finding], suppressions: list[Suppression]
) -> tuple[list[Finding], list[tuple[Finding, Suppression]]]:
    """Split findings into those kept and those suppressed, each with the suppression used."""
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, Suppression]] = []
    for finding in findings:
        used = next((s for s in suppressions if covers(s, finding)), None)
        if used is None:
            kept.append(finding)
        else:
            suppressed.append((finding, used))
    return kept, suppressed


def unused(
    suppressions: list[Suppression], suppressed: list[tuple[Finding, Suppression]]
) -> list[Suppression]:
    """Return the suppressions that silenced nothing."""
    used = {id(suppression) for _, suppression in suppressed}
    return [s for s in suppressions if id(s) not in used]
