"""Record reviewers' verdicts on claims, with a fingerprint of what each reviewer saw.

A fingerprint holds a hash of the claim's text and, for each cited key, a hash of the fields
of its bibliography entry that identify the work. Each field is hashed on its own (a short
hash per field, joined by `-`), so a later change can be named: "its doi changed".
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from tracker.atomic import update_file
from tracker.model import VERDICTS, Claim, Fingerprint, Register, Review, Source
from tracker.project import Project
from tracker.register_edits import record_review_in_text
from tracker.register_roundtrip import RegisterError

# The fields of an entry that say which work it is, in the order their hashes are joined.
ENTRY_FIELDS = ("title", "author", "year", "doi", "journal")
FIELD_HASH_CHARS = 4


class ReviewError(Exception):
    """A review that cannot be recorded as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Verdict:
    """What a reviewer decided about a claim, and the passage they relied on."""

    verdict: str
    by: str
    note: str | None = None
    source: str | None = None
    quote: str | None = None
    locator: str | None = None

    @property
    def details(self) -> dict[str, str]:
        """Return the citation fields to set: the quote and locator given."""
        fields = {"locator": self.locator, "quote": self.quote}
        return {name: value for name, value in fields.items() if value is not None}


def record_review(project: Project, claim_id: str, verdict: Verdict, today: str) -> Path:
    """Write a verdict into the register of a claim and return the register's path."""
    register, claim = find_claim(project, claim_id)
    _check_request(claim, verdict)
    review = Review(
        verdict.verdict,
        verdict.by,
        today,
        verdict.note,
        verdict.source,
        fingerprint(claim, project.bibliography.sources),
    )
    path = project.root / register.path

    def edit(text: str | None) -> str:
        if text is None:
            message = "was removed while this review was running - run the command again"
            raise ReviewError(f"{register.path} {message}")
        return record_review_in_text(text, register.path, claim_id, review, verdict.details)

    # Read, edit and write under the register's lock, so a reviewer at work at the same time
    # on the same register loses nothing: the later one edits the text the earlier one wrote.
    try:
        update_file(path, edit, register.path)
    except RegisterError as error:
        raise ReviewError(str(error)) from error
    return path


def find_claim(project: Project, claim_id: str) -> tuple[Register, Claim]:
    """Return a claim and its register by id, or fail naming the closest ids."""
    found = project.claim_index.get(claim_id)
    if found is not None:
        return found
    close = difflib.get_close_matches(claim_id, list(project.claim_index), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "`tracker check` lists the claims"
    raise ReviewError(f'no claim "{claim_id}" in the registers - {hint}')


def _check_request(claim: Claim, verdict: Verdict) -> None:
    if not verdict.by or not verdict.by.strip():
        raise ReviewError("a verdict needs the reviewer's name - pass --by NAME")
    if verdict.verdict not in VERDICTS:
        raise ReviewError(f'unknown verdict "{verdict.verdict}" - use one of {", ".join(VERDICTS)}')
    keys = claim.cited_keys
    named = ", ".join(keys) if keys else "no source"
    if verdict.source is not None and verdict.source not in keys:
        raise ReviewError(
            f'claim "{claim.id}" does not cite "{verdict.source}" - it cites {named}; '
            "pass one of them to --source"
        )
    if verdict.details and verdict.source is None and len(claim.citations) != 1:
        raise ReviewError(
            f'claim "{claim.id}" has {len(claim.citations)} citations ({named}) - '
            "say which one the quote or locator is from with --source KEY"
        )


# ---------------------------------------------------------------------------------------------
# Fingerprints


def _hash(text: str, chars: int = 12) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:chars]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def fingerprint(claim: Claim, sources: dict[str, Source]) -> Fingerprint:
    """Return the fingerprint of a claim as it stands: its text and its cited entries."""
    keys = sorted(set(claim.cited_keys))
    return Fingerprint(_hash(_collapse(claim.text)), {k: entry_hash(sources.get(k)) for k in keys})


def entry_hash(source: Source | None) -> str:
    """Return one short hash per identifying field of an entry (empty for an unknown key)."""
    values = [_collapse(source.get(name) or "") if source else "" for name in ENTRY_FIELDS]
    return "-".join(
        _hash(f"{name}={value}", FIELD_HASH_CHARS)
        for name, value in zip(ENTRY_FIELDS, values, strict=True)
    )


def changes(seen: Fingerprint, now: Fingerprint) -> list[str]:
    """Say what differs between the fingerprint a reviewer saw and the present one."""
    said = ["the claim's text changed"] if seen.text != now.text else []
    entries = _entry_changes(seen.sources, now.sources)
    if entries:
        said.append(f"the cited entries changed ({'; '.join(entries)})")
    return said


def _entry_changes(seen: dict[str, str], now: dict[str, str]) -> list[str]:
    said = [f"{key} added" for key in sorted(set(now) - set(seen))]
    said += [f"{key} removed" for key in sorted(set(seen) - set(now))]
    for key in sorted(set(seen) & set(now)):
        if seen[key] != now[key]:
            said.append(f"{key}: {_changed_fields(seen[key], now[key])}")
    return said


def _changed_fields(seen: str, now: str) -> str:
    before, after = seen.split("-"), now.split("-")
    if len(before) != len(ENTRY_FIELDS) or len(after) != len(ENTRY_FIELDS):
        return "its entry changed"
    names = [name for name, a, b in zip(ENTRY_FIELDS, before, after, strict=True) if a != b]
    return f"its {' and '.join(names)} changed"
