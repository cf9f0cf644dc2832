"""A reviewed claim whose text or cited entries changed after the verdict: the verdict is stale.

When `tracker extract --write` took a new wording of a reviewed claim, the claim's history in
its register keeps the old one; the finding then names the words that changed since the review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.limits import MAX_REGISTER_BYTES, TooLarge, read_bytes
from tracker.model import Claim, Finding, Register, Review, Severity, Span
from tracker.review import changes, fingerprint
from tracker.yamlio import YamlProblem, load_yaml

ID = "claims.stale_review"
SEVERITY = Severity.WARNING
SUMMARY = "a claim or its cited entries changed since its review"

TEXT_CHANGED = "the claim's text changed"  # as tracker.review.changes says it
# The changes a message names; the document shows the others.
MAX_EDITS = 3
EDIT_CHARS = 50


def check(audit: Audit) -> Iterator[Finding]:
    sources = audit.project.bibliography.sources
    wordings = _Wordings(audit.project.root)
    for register, claim in audit.project.claims():
        review = claim.review
        if review is None or review.fingerprint is None:
            continue
        changed = changes(review.fingerprint, fingerprint(claim, sources))
        if changed:
            said = [_named(change, register, claim, wordings) for change in changed]
            message = (
                f"{' and '.join(said)} since {_verdict(review)} - review the claim again: "
                f'tracker review {claim.id} --verdict ... --by "..."'
            )
            yield at_claim(audit, register, claim, ID, SEVERITY, message)


def _verdict(review: Review) -> str:
    by = f"{review.by}'s" if review.by else "the"
    at = f" of {review.at}" if review.at else ""
    return f'{by} verdict "{review.verdict}"{at}'


def _named(change: str, register: Register, claim: Claim, wordings: _Wordings) -> str:
    """Add the words that changed to a change of the text, when the register kept the old."""
    before = wordings.reviewed(register, claim) if change == TEXT_CHANGED else None
    edits = word_changes(before, claim.text) if before is not None else ""
    return f"{change} ({edits})" if edits else change


def word_changes(before: str, after: str) -> str:
    """Name the words that differ: '"10%" became "12%"'; an insertion or deletion gets a
    neighbouring word each side, so both quotes say where: '"reduces colds" became
    "reduces most colds"'."""
    old, new = before.split(), after.split()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    said = [_edit(old, new, *op) for op in edits[:MAX_EDITS]]
    more = len(edits) - MAX_EDITS
    if more > 0:
        said.append(f"and {more} more change{'s' if more > 1 else ''}")
    return ", ".join(said)


def _edit(old: list[str], new: list[str], tag: str, i1: int, i2: int, j1: int, j2: int) -> str:
    if tag != "replace":
        i1, i2, j1, j2 = max(i1 - 1, 0), i2 + 1, max(j1 - 1, 0), j2 + 1
    return f'"{_words(old[i1:i2])}" became "{_words(new[j1:j2])}"'


def _words(words: list[str]) -> str:
    return excerpt(" ".join(words), EDIT_CHARS)


@dataclass
class _Wordings:
    """The earlier wordings of claims kept in their registers' histories, read from a
    register's file only when one of its claims needs them."""

    root: Path
    read: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def reviewed(self, register: Register, claim: Claim) -> str | None:
        """Return the wording a claim had when it was reviewed, if its history kept it."""
        if register.path not in self.read:
            self.read[register.path] = _earlier_wordings(self.root / register.path)
        seen = claim.review.fingerprint if claim.review else None
        for before in self.read[register.path].get(claim.id, []):
            if seen is not None and _text_hash(before) == seen.text:
                return before
        return None


def _text_hash(text: str) -> str:
    return fingerprint(Claim("", text, Span(0, 0, 0)), {}).text


def _earlier_wordings(path: Path) -> dict[str, list[str]]:
    """Return, by claim id, the wordings a register's history says its claims had."""
    try:
        text = read_bytes(path, MAX_REGISTER_BYTES).decode("utf-8-sig")
        data = load_yaml(text, round_trip=False, fast=True)
    except (OSError, TooLarge, UnicodeDecodeError, YamlProblem):
        return {}  # the register's problems are reported by the loader
    claims = data.get("claims") if isinstance(data, dict) else None
    items = [item for item in claims if isinstance(item, dict)] if isinstance(claims, list) else []
    return {str(item.get("id")): _befores(item.get("history")) for item in items}


def _befores(history: Any) -> list[str]:
    entries = history if isinstance(history, list) else []
    return [
        entry["before"]
        for entry in entries
        if isinstance(entry, dict)
        and entry.get("action") == "text"
        and isinstance(entry.get("before"), str)
    ]
