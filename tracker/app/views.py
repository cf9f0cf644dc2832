"""The view models of the review app's pages, built from the project and its findings.

They are plain data for the templates, as the report's are.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from tracker.app.source_pane import source_pane
from tracker.decisions import approval_blockers, approval_state
from tracker.formatting import format_sources
from tracker.limits import MAX_REGISTER_BYTES, TooLarge, read_bytes
from tracker.model import VERDICTS, Claim, Finding, Register
from tracker.project import Project
from tracker.register_edits import claim_fragment
from tracker.report import STATUS_LABELS, claim_status
from tracker.resolve import tentative
from tracker.risk import RANKS
from tracker.suppress import UNSUPPRESSIBLE
from tracker.yamlio import YamlProblem, load_yaml

View = dict[str, Any]
CONTEXT = 2  # claims shown before and after the one under review


def overview_view(project: Project, findings: list[Finding]) -> View:
    """Return the project overview: each document's claims by status and risk, what still
    needs a decision, and its approval."""
    by_claim = findings_by_claim(findings)
    documents = []
    for register in project.registers:
        claims = [c for c in register.claims if c.active]
        statuses = Counter(claim_status(c, project) for c in claims)
        risks = Counter(f.risk for c in claims for f in by_claim.get(c.id, []))
        documents.append(
            {
                "title": register.document.title or register.document.path,
                "path": register.document.path,
                "register": register.path,
                "claims": len(claims),
                "statuses": [
                    {"status": s, "label": STATUS_LABELS[s], "count": statuses[s]}
                    for s in STATUS_LABELS
                    if statuses[s]
                ],
                "risks": {grade: risks[grade] for grade in RANKS},
                "undecided": sum(1 for c in claims if c.review is None),
                "approval": approval_view(project, register, findings),
            }
        )
    return {"title": "Review", "documents": documents}


def document_view(project: Project, register: Register, findings: list[Finding]) -> View:
    """Return a document in reading order, each claim with its status, verdict and risk."""
    by_claim = findings_by_claim(findings)
    claims = sorted((c for c in register.claims if c.active), key=lambda c: c.span.start)
    return {
        "title": register.document.title or register.document.path,
        "path": register.document.path,
        "register": register.path,
        "approval": approval_view(project, register, findings),
        "claims": [claim_row(project, c, by_claim.get(c.id, [])) for c in claims],
    }


def claim_row(project: Project, claim: Claim, findings: list[Finding]) -> View:
    status = claim_status(claim, project)
    return {
        "id": claim.id,
        "text": claim.text,
        "line": claim.span.line,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "verdict": claim.review.verdict if claim.review else None,
        "risk": highest_risk(findings),
        "findings": len(findings),
    }


def claim_view(project: Project, register: Register, claim: Claim, findings: list[Finding]) -> View:
    """Return a claim with its neighbours, citations (formatted source, its text in parts),
    findings, review, history, and the fingerprint of its decisions for conflict checks."""
    entries = project.bibliography.sources
    cited = [entries[k] for k in dict.fromkeys(claim.cited_keys) if k in entries]
    formatted = format_sources(cited, entries.values())
    ordered = sorted((c for c in register.claims if c.active), key=lambda c: c.span.start)
    at = next((i for i, c in enumerate(ordered) if c.id == claim.id), 0)
    mine = [f for f in findings if f.claim_id == claim.id]
    status = claim_status(claim, project)
    return {
        "id": claim.id,
        "text": claim.text,
        "line": claim.span.line,
        "document": {"title": register.document.title, "register": register.path},
        "before": [c.text for c in ordered[max(0, at - CONTEXT) : at]],
        "after": [c.text for c in ordered[at + 1 : at + 1 + CONTEXT]],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "citations": [citation_view(project, c, formatted) for c in claim.citations],
        "findings": [finding_view(f) for f in mine],
        "review": None
        if claim.review is None
        else {
            "verdict": claim.review.verdict,
            "by": claim.review.by,
            "at": claim.review.at,
            "note": claim.review.note,
        },
        "history": claim_history(project, register, claim.id),
        "verdicts": list(VERDICTS),
        "seen": decisions_fingerprint(claim),
    }


def citation_view(project: Project, citation: Any, formatted: dict[str, Any]) -> View:
    source = formatted.get(citation.key or "")
    pane = source_pane(project, citation.key) if citation.key else None
    return {
        "key": citation.key,
        "marker": citation.marker,
        "reference": citation.reference,
        "quote": citation.quote,
        "locator": citation.locator,
        "tentative": tentative(citation),
        "source": source.text if source else None,
        "pane": None
        if pane is None
        else {
            "kind": pane.kind,
            "problem": pane.problem,
            "notes": pane.notes,
            "parts": [{"locator": p.locator, "paragraphs": list(p.paragraphs)} for p in pane.parts],
        },
    }


def finding_view(finding: Finding) -> View:
    return finding.as_dict() | {"dismissible": not finding.check.startswith(UNSUPPRESSIBLE)}


def approval_view(project: Project, register: Register, findings: list[Finding]) -> View:
    state = approval_state(project, register)
    approval = state.approval
    return {
        "state": "none" if approval is None else "changed" if state.lapsed else "approved",
        "by": approval.by if approval else None,
        "at": approval.at if approval else None,
        "text_changed": state.text_changed,
        "changed_claims": list(state.changed_claims),
        "blockers": approval_blockers(register, findings),
    }


def claim_history(project: Project, register: Register, claim_id: str) -> list[View]:
    """Return the history entries a register keeps for a claim, oldest first. Only the
    claim's own lines are parsed when they can be told apart (a register may hold
    thousands of claims, and this is read on every claim page)."""
    path = project.root / register.path
    try:
        text = read_bytes(path, MAX_REGISTER_BYTES).decode("utf-8-sig")
        found = claim_fragment(text, claim_id)
        if found is not None:
            items = load_yaml(text[found[0] : found[1]], round_trip=False, fast=True)
        else:
            data = load_yaml(text, round_trip=False, fast=True)
            items = data.get("claims") if isinstance(data, dict) else None
    except (OSError, TooLarge, UnicodeDecodeError, YamlProblem, ValueError):
        return []  # the audit reports a broken register as a finding
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id") == claim_id:
            history = item.get("history")
            return (
                [dict(h) for h in history if isinstance(h, dict)]
                if isinstance(history, list)
                else []
            )
    return []


def decisions_fingerprint(claim: Claim) -> str:
    """Return a hash of what reviewers decided about a claim: its review and its quotes. A
    save whose form saw another fingerprint meets a conflict."""
    review = claim.review
    parts = [review.verdict, review.by or "", review.at or "", review.note or ""] if review else []
    parts += [f"{c.key}|{c.quote or ''}|{c.locator or ''}" for c in claim.citations]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def findings_by_claim(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.claim_id:
            grouped.setdefault(finding.claim_id, []).append(finding)
    return grouped


def highest_risk(findings: list[Finding]) -> str | None:
    graded = [f.risk for f in findings if f.risk in RANKS]
    return max(graded, key=RANKS.__getitem__) if graded else None
