"""Wording that misstates a product's regulatory status: "FDA-registered" offered as if it
meant approved, or an approval the settings do not declare.

The rules are those of tracker/data/rules whose check is this one (regulatory-status.yaml),
applied as language.overclaim applies its own; only declared approvals let them pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit
from tracker.checks.language.overclaim import judged
from tracker.model import Finding, Severity

ID = "regulatory.status_claim"
SEVERITY = Severity.ERROR
SUMMARY = "a claim misstates the product's regulatory status"


def check(audit: Audit) -> Iterator[Finding]:
    yield from judged(audit, ID, SEVERITY)
