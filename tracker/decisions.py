"""What reviewers decide, as a library the review app, the command line and the checks share.

Decisions are verdicts, anchored quotes, dismissed findings, document approvals, and whether an
approved document changed since.

Every decision is a round-trip edit of a register under its lock (tracker.register_edits),
so the app, the command line and Git can be used side by side; every one appends to the
claim's or document's history. An approval records who, when, a hash of the document's text
and a short hash of each claim, so a later change names the claims that changed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker.atomic import update_file
from tracker.limits import MAX_DOCUMENT_BYTES, MAX_REGISTER_BYTES, TooLarge, read_bytes
from tracker.model import Claim, Finding, Register, Severity
from tracker.project import Project
from tracker.register_edits import (
    Change,
    add_suppression_in_text,
    annotate_citation_in_text,
    now,
    record_approval_in_text,
)
from tracker.register_roundtrip import RegisterError
from tracker.review import ReviewError, Verdict, find_claim, record_review
from tracker.yamlio import YamlProblem, load_yaml

CLAIM_HASH_CHARS = 12
TOP_LEVEL_KEY = re.compile(r"^[^\s#-][^:]*:", re.M)


class DecisionError(Exception):
    """A decision that cannot be recorded as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Approval:
    """Who approved a document, when, and what its text and claims were then."""

    by: str
    at: str
    text_sha256: str
    claims: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApprovalState:
    """A document's approval as it stands now: none, current, or changed since."""

    approval: Approval | None
    text_changed: bool = False
    changed_claims: tuple[str, ...] = ()  # ids whose text changed, came or went

    @property
    def lapsed(self) -> bool:
        return self.approval is not None and (self.text_changed or bool(self.changed_claims))


def reviewer(name: str) -> str:
    """Return a reviewer's name, refusing an empty one: every decision says who made it."""
    if not name or not name.strip():
        raise DecisionError("a decision needs the reviewer's name - fill in Reviewer")
    return " ".join(name.split())


def record_verdict(project: Project, claim_id: str, verdict: Verdict, today: str) -> Path:
    """Record a verdict (with the claim's history), refusing an unnamed reviewer."""
    verdict = replace(verdict, by=reviewer(verdict.by))
    try:
        return record_review(project, claim_id, verdict, today)
    except ReviewError as error:
        raise DecisionError(str(error)) from error


def anchor_quote(
    project: Project, claim_id: str, key: str | None, quote: str, locator: str, by: str
) -> Path:
    """Set the passage of a cited source that supports a claim, and where it stands."""
    name = reviewer(by)
    details = {n: v.strip() for n, v in (("quote", quote), ("locator", locator)) if v.strip()}
    if not details:
        raise DecisionError("give the quote (select it in the source, or paste it)")
    register, _ = _claim(project, claim_id)
    when = now()

    def edit(text: str | None) -> str:
        def change(action: str, before: str | None, after: str) -> Change:
            return Change(action, name, when, before, after)

        return annotate_citation_in_text(
            _present(text, register), register.path, claim_id, key, details, change
        )

    return _update(project, register, edit)


def dismiss_finding(project: Project, claim_id: str, check: str, reason: str, by: str) -> Path:
    """Dismiss a claim's findings of a check: a suppression with the reviewer's reason."""
    name = reviewer(by)
    if not reason.strip():
        raise DecisionError("a finding is dismissed only with a reason - say why it does not apply")
    register, _ = _claim(project, claim_id)
    change = Change("dismissal", name, now(), check, reason.strip())

    def edit(text: str | None) -> str:
        present = _present(text, register)
        return add_suppression_in_text(
            present, register.path, claim_id, check, reason.strip(), change
        )

    return _update(project, register, edit)


def approval_blockers(register: Register, findings: list[Finding]) -> list[str]:
    """Say what stands between a document and its approval: claims without a verdict, and
    error findings still open on its claims or its page."""
    active = [c for c in register.claims if c.active]
    undecided = [c.id for c in active if c.review is None]
    ids = {c.id for c in active}
    errors = [
        f
        for f in findings
        if f.severity is Severity.ERROR
        and (f.claim_id in ids or f.path in (register.path, register.document.path))
    ]
    blockers = []
    if undecided:
        blockers.append(f"{len(undecided)} claim(s) have no verdict: {', '.join(undecided[:5])}")
    if errors:
        checks = sorted({f.check for f in errors})
        blockers.append(f"{len(errors)} error finding(s) are open ({', '.join(checks)})")
    return blockers


def approve_document(
    project: Project, register_path: str, by: str, findings: list[Finding]
) -> Path:
    """Approve a document whose claims all have a verdict and no error finding is open."""
    name = reviewer(by)
    register = _register(project, register_path)
    blockers = approval_blockers(register, findings)
    if blockers:
        raise DecisionError(
            f"{register.document.path} cannot be approved yet: {'; '.join(blockers)}"
        )
    text_hash = document_hash(project, register)
    if text_hash is None:
        raise DecisionError(f"{register.document.path} cannot be read - approve it once it can")
    when = now()
    approval = {
        "by": name,
        "at": when,
        "text_sha256": text_hash,
        "claims": {c.id: claim_hash(c) for c in register.claims if c.active},
    }
    change = Change("approval", name, when, None, text_hash[:CLAIM_HASH_CHARS])

    def edit(text: str | None) -> str:
        return record_approval_in_text(_present(text, register), register.path, approval, change)

    return _update(project, register, edit)


def approval_state(project: Project, register: Register) -> ApprovalState:
    """Return a document's approval and what changed since: its text, and which claims."""
    approval = read_approval(project, register)
    if approval is None:
        return ApprovalState(None)
    now_hashes = {c.id: claim_hash(c) for c in register.claims if c.active}
    changed = sorted(
        {cid for cid in now_hashes if approval.claims.get(cid) != now_hashes[cid]}
        | {cid for cid in approval.claims if cid not in now_hashes}
    )
    text_hash = document_hash(project, register)
    return ApprovalState(approval, text_hash != approval.text_sha256, tuple(changed))


def read_approval(project: Project, register: Register) -> Approval | None:
    """Return the approval a register records, or None (also for one that is malformed).

    Only the register's `document` mapping is parsed: a register of thousands of claims
    would take seconds, and the approval is read on every page."""
    try:
        data = read_bytes(project.root / register.path, MAX_REGISTER_BYTES)
        root = load_yaml(document_block(data.decode("utf-8-sig")), round_trip=False, fast=True)
    except (OSError, TooLarge, UnicodeDecodeError, YamlProblem, ValueError):
        return None
    node = _get(_get(root, "document"), "approval")
    if not isinstance(node, dict) or not all(isinstance(node.get(k), str) for k in ("by", "at")):
        return None
    claims = node.get("claims")
    claims = claims if isinstance(claims, dict) else {}
    return Approval(
        node["by"],
        node["at"],
        str(node.get("text_sha256", "")),
        {str(k): str(v) for k, v in claims.items()},
    )


def document_block(text: str) -> str:
    """Return the lines of register text from `document:` to the next top-level key."""
    start = re.search(r"^document:", text, re.M)
    if start is None:
        return ""
    following = TOP_LEVEL_KEY.search(text, start.end())
    return text[start.start() : following.start() if following else len(text)]


def document_hash(project: Project, register: Register) -> str | None:
    """Return the SHA-256 of a register's document as it is now, or None if unreadable."""
    try:
        data = read_bytes(project.root / register.document.path, MAX_DOCUMENT_BYTES)
    except (OSError, TooLarge):
        return None
    return hashlib.sha256(data).hexdigest()


def claim_hash(claim: Claim) -> str:
    """Return a short hash of a claim's words (spacing ignored)."""
    words = " ".join(claim.text.split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:CLAIM_HASH_CHARS]


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _claim(project: Project, claim_id: str) -> tuple[Register, Claim]:
    try:
        return find_claim(project, claim_id)
    except ReviewError as error:
        raise DecisionError(str(error)) from error


def _register(project: Project, register_path: str) -> Register:
    for register in project.registers:
        if register.path == register_path:
            return register
    raise DecisionError(f"no register {register_path} in the project")


def _present(text: str | None, register: Register) -> str:
    if text is None:
        raise DecisionError(f"{register.path} was removed meanwhile - reload the page")
    return text


def _update(project: Project, register: Register, edit: Any) -> Path:
    path = project.root / register.path
    try:
        update_file(path, edit, register.path)
    except RegisterError as error:
        raise DecisionError(str(error)) from error
    return path
