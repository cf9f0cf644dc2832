"""A document changed since it was approved: its text, or the claims its register holds.

The approval (`document: approval:` in the register) records who approved it, when, a hash
of the document's text and a short hash of each claim; tracker.decisions compares them with
the document and the claims as they are now.
"""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit
from tracker.decisions import approval_state
from tracker.model import Finding, Severity

ID = "review.changed_since_approval"
SEVERITY = Severity.WARNING
SUMMARY = "a document changed since it was approved"
MOST_NAMED = 10  # claims named in the message; the app and report list them all


def check(audit: Audit) -> Iterator[Finding]:
    for register in audit.project.registers:
        state = approval_state(audit.project, register)
        if not state.lapsed or state.approval is None:
            continue
        what = "its text changed" if state.text_changed else "its text is the same"
        claims = state.changed_claims
        named = ", ".join(claims[:MOST_NAMED]) + (" ..." if len(claims) > MOST_NAMED else "")
        changed = f"; claims changed: {named}" if claims else ""
        message = (
            f"{register.document.path} changed since approval by {state.approval.by} on "
            f"{state.approval.at[:10]} ({what}{changed}) - review the changed claims and "
            "approve the document again"
        )
        yield Finding(ID, SEVERITY, register.path, 1, 1, message)
