"""Run check modules with the project's settings: each enabled, at the level they set.

A check module has an `ID` matching its dotted module path, a default `SEVERITY`, a one-line
`SUMMARY`, and `check(audit)`, which yields findings and never prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from types import ModuleType

from tracker.config import Config
from tracker.model import Finding, Severity
from tracker.risk import graded


def run(modules: tuple[ModuleType, ...], audit: object, config: Config | None) -> list[Finding]:
    """Run the enabled checks of modules on an audit; return their findings in order."""
    findings: list[Finding] = []
    for module in modules:
        setting = config.setting(module.ID) if config else None
        if setting == "off":
            continue
        found = (graded(f) for f in module.check(audit))
        # A check may grade its own findings (a correction is milder than a retraction);
        # a level set in the settings overrides them all.
        findings.extend(replace(f, severity=Severity(setting)) if setting else f for f in found)
    return in_order(findings)


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings in order of file, line, column and check."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.check))
