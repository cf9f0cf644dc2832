"""Run the project's checks, from the cache when nothing they read has changed.

The command line, the report and the review app share it.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from tracker.cache import Cache
from tracker.model import Finding
from tracker.project import Project

AUDIT_KIND = "audit"


def run_audit(project: Project, retractions: Any) -> tuple[Any, Any]:
    """Build the project's graph and run its checks (with Retractions data if given).

    Returns the graph and the outcome of the checks."""
    from tracker.checks.base import Audit
    from tracker.checks.registry import run_checks_with_suppressions
    from tracker.graph import build_graph

    graph = build_graph(project)
    return graph, run_checks_with_suppressions(Audit(project, graph, retractions))


def cached_findings(project: Project, cache: Cache) -> list[Finding]:
    """Return the findings of the project's own checks, from the cache when nothing they read
    has changed since they were stored (tracker.project.audit_stamp says what they read)."""
    from tracker.cache import decoder, encode
    from tracker.project import audit_stamp

    # The real date, as the checks use it, not the one SOURCE_DATE_EPOCH fixes for reports.
    wanted = audit_stamp(project, date.today().isoformat())
    stored = cache.get(AUDIT_KIND, AUDIT_KIND, wanted)
    if stored is not None:
        with suppress(TypeError, ValueError, KeyError):
            return list(decoder(list[Finding])(stored))
    findings = run_audit(project, None)[1].findings
    if cache.enabled:
        cache.put(AUDIT_KIND, AUDIT_KIND, wanted, encode(findings))
    return list(findings)
