"""Merge extracted claims into a register's text, keeping everything a person wrote.

Claims are paired with the register's items by id, by text, then by similar text near the same
place; new ones are added, vanished ones marked, and only the machine's fields rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tracker.claim_matching import pair_edited
from tracker.limits import MAX_REGISTER_BYTES, size_text
from tracker.model import Citation, Claim, DocumentInfo, Span
from tracker.register_read import too_large_message
from tracker.register_roundtrip import (
    RegisterError,
    identified,
    load_for_edit,
    mappings,
    normalize_tails,
    put,
)
from tracker.register_write import (
    citation_node,
    citation_to_dict,
    claim_to_node,
    document_to_node,
    flow_map,
    location_node,
    render_new_register,
)
from tracker.yamlio import dump_yaml


@dataclass
class MergeResult:
    """The merged register text and what the merge did, by claim id."""

    text: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    previous: str | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        """Whether the text differs from the register as it was read."""
        return self.text != self.previous


def _collapse(text: Any) -> str | None:
    return " ".join(text.split()) if isinstance(text, str) else None


@dataclass
class _Merge:
    """What one merge changed, for the report and for deciding whether to rewrite the file."""

    today: str
    result: MergeResult
    document_changed: bool = False

    @property
    def touched(self) -> bool:
        r = self.result
        lists = (r.added, r.updated, r.vanished, r.restored, r.filled)
        return self.document_changed or any(lists)


def merge_register(
    existing_text: str | None,
    document: DocumentInfo,
    claims: list[Claim],
    today: str,
    *,
    display_path: str | None = None,
) -> MergeResult:
    """Merge extracted claims into a register's text, keeping everything a person wrote."""
    if display_path is None:
        display_path = f"claims/{PurePosixPath(document.path).stem}.yaml"
    if existing_text is None or not existing_text.strip():
        text = _within_limit(render_new_register(document, claims), display_path)
        return MergeResult(text, added=[c.id for c in claims], previous=existing_text)
    root = load_for_edit(existing_text, display_path)
    merge = _Merge(today, MergeResult(existing_text, previous=existing_text))
    normalize_tails(root)
    _merge_document(root, document, merge)
    _merge_claims(root["claims"], claims, merge)
    if merge.touched:
        # Untouched registers are returned as read, so a rerun never reformats a person's file.
        merge.result.text = _within_limit(dump_yaml(root), display_path)
    return merge.result


def _within_limit(text: str, display_path: str) -> str:
    """Return register text, or refuse text the loader would refuse to read back."""
    if len(text) > MAX_REGISTER_BYTES:
        size = size_text(len(text.encode("utf-8")))
        message = too_large_message(size, "would be {size}, {more}, and was not written")
        raise RegisterError(display_path, 1, message)
    return text


def _merge_document(root: CommentedMap, document: DocumentInfo, merge: _Merge) -> None:
    node = root.get("document")
    if node is None:
        root.insert(0, "document", document_to_node(document))
        merge.document_changed = True
        return
    # Title and path come from the document itself; a url given by hand is kept when unknown.
    wanted = {"title": document.title, "path": document.path, "url": document.url}
    for key, value in wanted.items():
        if value is not None and node.get(key) != value:
            node[key] = value
            merge.document_changed = True


def _merge_claims(seq: CommentedSeq, claims: list[Claim], merge: _Merge) -> None:
    before = identified(seq)
    matches = _match(before, claims)
    anchor = -1
    for index, claim in enumerate(claims):
        item = matches.get(index)
        if item is None:
            anchor += 1
            seq.insert(anchor, claim_to_node(claim))
            merge.result.added.append(claim.id)
        else:
            anchor = next(i for i, other in enumerate(seq) if other is item)
            _merge_claim(item, claim, merge)
    matched = {id(item) for item in matches.values()}
    for item in before:
        if id(item) not in matched:
            _vanish(item, merge)


def _match(items: list[CommentedMap], claims: list[Claim]) -> dict[int, CommentedMap]:
    """Pair extracted claims (by index) with register items: by id, by text, then by similar
    text near the same place (a claim edited a little keeps its id and review)."""
    by_id: dict[str, CommentedMap] = {}
    by_text: dict[str | None, CommentedMap] = {}
    for item in reversed(items):  # reversed, so the first of any duplicates wins
        by_id[item["id"]] = item
        by_text[_collapse(item.get("text"))] = item
    matches: dict[int, CommentedMap] = {}
    for index, claim in enumerate(claims):
        _pair(matches, index, by_id.get(claim.id))
    for index, claim in enumerate(claims):
        if index not in matches:
            _pair(matches, index, by_text.get(_collapse(claim.text)))
    matches.update(pair_edited(items, claims, matches))
    return matches


def _pair(matches: dict[int, CommentedMap], index: int, item: CommentedMap | None) -> None:
    if item is not None and all(item is not other for other in matches.values()):
        matches[index] = item


def _merge_claim(item: CommentedMap, claim: Claim, merge: _Merge) -> None:
    cid = item["id"]
    relocated = _set_location(item, claim.span)
    reworded = _reword(item, claim, merge.today) or _refresh_text(item, claim.text)
    if reworded or relocated:
        merge.result.updated.append(cid)
    if _fill_citations(item, claim.citations):
        merge.result.filled.append(cid)
    if item.get("status") == "vanished":
        item.pop("status")
        item.pop("vanished", None)
        merge.result.restored.append(cid)


def _same_int(value: Any, wanted: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == wanted


def _set_location(item: CommentedMap, span: Span) -> bool:
    """Update the machine-owned location in place, so its layout and comments stay."""
    wanted = {"line": span.line, "start": span.start, "end": span.end}
    node = item.get("location")
    if not isinstance(node, CommentedMap):
        put(item, "location", location_node(span), after="text")
        return True
    if all(_same_int(node.get(key), value) for key, value in wanted.items()):
        return False
    node.update(wanted)
    return True


def _reword(item: CommentedMap, claim: Claim, today: str) -> bool:
    """Take the new wording of a claim paired by similar text, noting the old in its history
    (claims.stale_review quotes it); a claim paired by id or text is not reworded here."""
    old, new = item.get("text"), claim.text
    if item["id"] == claim.id or not isinstance(old, str) or _collapse(old) == _collapse(new):
        return False
    item["text"] = new
    if item.get("history") is None:
        item["history"] = CommentedSeq()
    if isinstance(item["history"], CommentedSeq):  # a history written otherwise is left alone
        edit = flow_map(at=today, by="tracker extract", action="text", before=old, after=new)
        item["history"].append(edit)
    return True


def _refresh_text(item: CommentedMap, text: str) -> bool:
    """Take the document's text when it differs only in whitespace; a person's rewording stays."""
    old = item.get("text")
    if old is None:
        put(item, "text", text, after="id")
        return True
    if old == text or _collapse(old) != _collapse(text):
        return False
    item["text"] = text
    return True


def _fill_citations(item: CommentedMap, citations: list[Citation]) -> bool:
    """Add what the register lacks: unknown keys found since, and markers not yet listed."""
    node = item.get("citations")
    if node is None and citations:
        node = item["citations"] = CommentedSeq()
    if not isinstance(node, CommentedSeq):
        return False
    changed = False
    for citation in citations:
        same = [c for c in mappings(node) if c.get("marker") == citation.marker]
        if not same:
            _append_citation(node, citation)
            changed = True
        elif _fill_key(same, citation):
            changed = True
    return changed


def _append_citation(node: CommentedSeq, citation: Citation) -> None:
    if not node:
        # An empty list is written `[]`; a flow list would force its new items onto one line.
        node.fa.set_block_style()
    node.append(citation_node(citation_to_dict(citation)))


def _fill_key(same_marker: list[CommentedMap], citation: Citation) -> bool:
    """Give the extracted key to a keyless citation with the same marker and ref, if none has it."""
    same_ref = [c for c in same_marker if c.get("ref") == citation.ref]
    if citation.key is None or any(c.get("key") == citation.key for c in same_ref):
        return False
    keyless = [c for c in same_ref if c.get("key") is None]
    if not keyless:
        return False
    keyless[0]["key"] = citation.key
    if citation.score is not None:
        keyless[0]["score"] = citation.score
    return True


def _vanish(item: CommentedMap, merge: _Merge) -> None:
    """Mark a claim the document no longer has; it stays, as people may have reviewed it."""
    if item.get("status") == "vanished":
        return
    item["status"] = "vanished"
    if item.get("vanished") is None:
        item["vanished"] = merge.today
    merge.result.vanished.append(item["id"])
