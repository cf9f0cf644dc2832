"""A claims register that breaks the register format; its other claims still load."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, from_problems
from tracker.model import Finding, Severity

ID = "register.malformed"
SEVERITY = Severity.ERROR
SUMMARY = "a claims register breaks the register format"


def check(audit: Audit) -> Iterator[Finding]:
    for register in audit.project.registers:
        yield from from_problems(register.problems, "malformed-register", ID, SEVERITY)
