"""Write reviewers' decisions into the claims registers as round-trip edits, with their history.

The decisions are verdicts, quotes and locators, dismissals (suppressions with their
reasons) and document approvals; every one appends to the history (who, when, before and
after). Everything else in the text is kept as written: comments, key order, quoting and
fields the tracker does not know.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tracker.model import Review
from tracker.register_roundtrip import (
    RegisterError,
    identified,
    load_for_edit,
    mappings,
    normalize_tails,
    put,
)
from tracker.register_validate import position
from tracker.register_write import flow_map, review_to_dict
from tracker.yamlio import YamlProblem, dump_yaml, load_yaml

SENTINEL_ID = "tracker-edit-stand-in"
SENTINEL = f"- id: {SENTINEL_ID}\n"


@dataclass(frozen=True)
class Change:
    """One entry of a claim's or document's history: who did what, when, from what to what."""

    action: str  # verdict, quote, locator, note, dismissal, approval, import
    by: str
    at: str  # ISO 8601 time, UTC
    before: str | None = None
    after: str | None = None

    def as_node(self) -> CommentedMap:
        data: dict[str, str | None] = {"at": self.at, "by": self.by, "action": self.action}
        data |= {"before": self.before, "after": self.after}
        return flow_map(**data)


def append_history(node: CommentedMap, changes: list[Change], after: str) -> None:
    """Append changes to a node's `history` list, creating it (after the key `after`)."""
    if not changes:
        return
    history = node.get("history")
    if not isinstance(history, CommentedSeq):
        history = CommentedSeq()
        put(node, "history", history, after=after if after in node else _last_key(node))
    for change in changes:
        history.append(change.as_node())


def _last_key(node: CommentedMap) -> str:
    return list(node.keys())[-1]


def now() -> str:
    """Return the time of a change as history records it: UTC, to the second."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def record_review_in_text(
    text: str,
    display_path: str,
    claim_id: str,
    review: Review,
    details: dict[str, str],
    at: str | None = None,
) -> str:
    """Set a claim's review in register text, keeping the previous one in `reviews` and
    adding what changed to the claim's `history`.

    `details` (quote, locator) go on the citation of `review.source`, or on the claim's only
    citation. Everything else in the text is kept as written.
    """
    by, when = review.by or "", at or now()

    def change(item: CommentedMap) -> None:
        changes: list[Change] = []
        if details:
            citation = _citation_item(item, review.source, claim_id, display_path)
            changes += [
                Change(name, by, when, _text(citation.get(name)), value)
                for name, value in details.items()
                if _text(citation.get(name)) != value
            ]
            citation.update(details)
            # A person's locator or quote gets its own lines, as in a freshly written register.
            citation.fa.set_block_style()
        previous = item.get("review")
        before = previous if isinstance(previous, CommentedMap) else {}
        changes.insert(0, Change("verdict", by, when, _text(before.get("verdict")), review.verdict))
        if _text(before.get("note")) != review.note and (review.note or before.get("note")):
            changes.append(Change("note", by, when, _text(before.get("note")), review.note))
        _replace_review(item, review)
        append_history(item, changes, after="reviews" if "reviews" in item else "review")

    return edit_claim(text, display_path, claim_id, change)


def add_suppression_in_text(
    text: str, display_path: str, claim_id: str, check: str, reason: str, change: Change
) -> str:
    """Dismiss a claim's findings of a check with a reason: a suppression in its `suppress`
    list, and the dismissal in its history."""

    def dismiss(item: CommentedMap) -> None:
        node = item.get("suppress")
        if not isinstance(node, CommentedSeq):
            node = CommentedSeq()
            put(item, "suppress", node, after=_last_of(item, ("review", "citations", "text")))
        node.append(flow_map(check=check, reason=reason))
        append_history(item, [change], after="suppress")

    return edit_claim(text, display_path, claim_id, dismiss)


def record_approval_in_text(
    text: str, display_path: str, approval: dict[str, Any], change: Change
) -> str:
    """Set the document's `approval` (who, when, the hash of its text and of each claim) and
    add it to the document's history; an earlier approval is in that history already."""
    root = load_for_edit(text, display_path)
    normalize_tails(root)
    document = root.get("document")
    if not isinstance(document, CommentedMap):
        raise RegisterError(display_path, 1, "the register has no `document` mapping to approve")
    node = CommentedMap({k: v for k, v in approval.items() if k != "claims"})
    node["claims"] = flow_map(**approval.get("claims", {}))
    if "approval" in document:
        document["approval"] = node
    else:
        put(document, "approval", node, after=_last_key(document))
    append_history(document, [change], after="approval")
    return dump_yaml(root)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _claim_item(seq: CommentedSeq, claim_id: str, display_path: str) -> CommentedMap:
    for item in identified(seq):
        if item["id"] == claim_id:
            return item
    raise RegisterError(display_path, 1, f'no claim "{claim_id}" in the register')


def _citation_item(
    item: CommentedMap, key: str | None, claim_id: str, display_path: str
) -> CommentedMap:
    node = item.get("citations")
    citations = mappings(node) if isinstance(node, CommentedSeq) else []
    found = [c for c in citations if c.get("key") == key] if key else citations
    if key is None and len(found) != 1:
        found = []
    if not found:
        where = position(item)[0] + 1
        message = f'claim "{claim_id}": no single citation of {key or "the claim"} to annotate'
        raise RegisterError(display_path, where, message)
    return found[0]


def _replace_review(item: CommentedMap, review: Review) -> None:
    """Put the new review where the old one stood; the old one joins the end of `reviews`."""
    previous = item.get("review")
    node = _review_node(review)
    if previous is None:
        put(item, "review", node, after=_last_of(item, ("citations", "kinds", "text")))
        return
    item["review"] = node
    history = item.get("reviews")
    if not isinstance(history, CommentedSeq):
        history = CommentedSeq() if history is None else CommentedSeq([history])
        put(item, "reviews", history, after="review")
    if not history:
        history.fa.set_block_style()
    history.append(previous)


def _last_of(item: CommentedMap, keys: tuple[str, ...]) -> str:
    return next((key for key in keys if key in item), "id")


def _review_node(review: Review) -> CommentedMap:
    data = review_to_dict(review)
    node = CommentedMap(data)
    if review.fingerprint is not None:
        node["fingerprint"] = CommentedMap(
            text=review.fingerprint.text, sources=flow_map(**review.fingerprint.sources)
        )
    return node


def annotate_citation_in_text(
    text: str,
    display_path: str,
    claim_id: str,
    key: str | None,
    details: dict[str, str],
    change_of: Callable[[str, str | None, str], Change],
) -> str:
    """Set a citation's quote or locator (the passage a reviewer anchored) and add each
    change to the claim's history; the review is left as it is."""

    def annotate(item: CommentedMap) -> None:
        citation = _citation_item(item, key, claim_id, display_path)
        changes = [
            change_of(name, _text(citation.get(name)), value)
            for name, value in details.items()
            if _text(citation.get(name)) != value
        ]
        citation.update(details)
        citation.fa.set_block_style()
        append_history(item, changes, after=_last_key(item))

    return edit_claim(text, display_path, claim_id, annotate)


def edit_claim(
    text: str, display_path: str, claim_id: str, change: Callable[[CommentedMap], None]
) -> str:
    """Apply a change to one claim of register text and return the new text.

    A register of thousands of claims takes seconds to round-trip whole, so the claim's own
    lines are edited alone when they can be told apart (the item starts `- id: <id>` at the
    claims' indentation and the lines up to the next item belong to it); anything else is
    edited through the whole text."""
    fragment = claim_fragment(text, claim_id)
    if fragment is not None:
        start, end, indent = fragment
        edited = _edit_fragment(text[start:end], indent, claim_id, change)
        if edited is not None:
            return text[:start] + edited + text[end:]
    root = load_for_edit(text, display_path)
    normalize_tails(root)
    change(_claim_item(root["claims"], claim_id, display_path))
    return dump_yaml(root)


def claim_fragment(text: str, claim_id: str) -> tuple[int, int, int] | None:
    """Return where a claim's lines start and end in register text, and their indentation,
    or None when they cannot be told apart from the lines around them."""
    claims = re.search(r"^claims:[ \t]*(?:#.*)?$", text, re.M)
    if claims is None:
        return None
    first = re.compile(r"^( *)- ", re.M).search(text, claims.end())
    if first is None:
        return None
    indent = len(first.group(1))
    item = re.compile(rf"^ {{{indent}}}- ", re.M)
    mine = re.compile(
        rf"^ {{{indent}}}- id: ['\"]?{re.escape(claim_id)}['\"]?[ \t]*(?:#.*)?$", re.M
    )
    found = mine.search(text, claims.end())
    if found is None or len(mine.findall(text, claims.end())) != 1:
        return None
    following = item.search(text, found.end())
    top_level = re.compile(r"^[^\s#-]", re.M).search(text, found.end())
    end = min((m.start() for m in (following, top_level) if m is not None), default=len(text))
    # Blank lines and comments less indented than the item's keys stay where they are.
    lines = text[found.start() : end].splitlines(keepends=True)
    while len(lines) > 1 and (
        not lines[-1].strip() or len(lines[-1]) - len(lines[-1].lstrip()) <= indent
    ):
        end -= len(lines.pop())
    return found.start(), end, indent


def _edit_fragment(
    fragment: str, indent: int, claim_id: str, change: Callable[[CommentedMap], None]
) -> str | None:
    """Edit one claim's lines as a YAML list of one item; None when they are not one."""
    lines = fragment.splitlines(keepends=True)
    if any(line.strip() and not line.startswith(" " * indent) for line in lines):
        return None
    # Parsed where it stands (a list may start indented), so comments keep their columns.
    body = fragment if fragment.endswith("\n") else fragment + "\n"
    # An item is written as in the whole register only when another follows it (the end of
    # a document loses the spacing before an end-of-line comment): a stand-in follows it.
    try:
        root = load_yaml(body + " " * indent + SENTINEL, round_trip=True)
    except (YamlProblem, ValueError):
        return None
    if not (isinstance(root, CommentedSeq) and len(root) == 2):
        return None
    item = root[0]
    if not isinstance(item, CommentedMap) or item.get("id") != claim_id:
        return None
    normalize_tails(root)
    change(item)
    dumped = dump_yaml(root)
    stand_in = re.search(rf"^ *- id: {SENTINEL_ID}\n\Z", dumped, re.M)
    if stand_in is None:
        return None
    dumped = dumped[: stand_in.start()]
    # The dumper indents a list by its own rule; the item goes back where it stood.
    shift = indent - (len(dumped) - len(dumped.lstrip(" ")))
    if shift < 0:
        return None
    pad = " " * shift
    return "".join(
        pad + line if line.strip() else line for line in dumped.splitlines(keepends=True)
    )
