"""Write claims as register YAML: a new register's text, and the nodes a merge or an edit adds.

The layout is the register format's: short mappings (a location, the machine's citation link)
on one line, a person's locator or quote given room.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tracker.model import Citation, Claim, DocumentInfo, Review, Span
from tracker.yamlio import dump_yaml

HEADER = (
    "Claims register for {path}.\n"
    "Written by `tracker extract --write`; "
    "edit kinds, citations (locator, quote) and review by hand."
)
FLOW_CITATION_FIELDS = frozenset({"key", "marker", "ref", "score"})


def render_new_register(document: DocumentInfo, claims: list[Claim]) -> str:
    """Write a fresh register for a document's claims, with the explanatory header."""
    root = CommentedMap()
    root["document"] = document_to_node(document)
    root["claims"] = CommentedSeq(claim_to_node(claim) for claim in claims)
    root.yaml_set_start_comment(HEADER.format(path=_printable(document.path)))
    return dump_yaml(root)


def _printable(text: str) -> str:
    # A comment cannot escape characters, and YAML refuses control characters anywhere.
    return "".join(char if char.isprintable() else "?" for char in text)


def document_to_node(document: DocumentInfo) -> CommentedMap:
    """Return the `document` mapping of a register."""
    node = CommentedMap(title=document.title, path=document.path)
    if document.url is not None:
        node["url"] = document.url
    return node


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """Return a claim as plain data, with the register's field names in its order."""
    data: dict[str, Any] = {
        "id": claim.id,
        "text": claim.text,
        "location": {"line": claim.span.line, "start": claim.span.start, "end": claim.span.end},
        "kinds": list(claim.kinds),
        "citations": [citation_to_dict(citation) for citation in claim.citations],
    }
    if claim.review is not None:
        data["review"] = review_to_dict(claim.review)
    if claim.history:
        data["reviews"] = [review_to_dict(review) for review in claim.history]
    if claim.status != "active":
        data["status"] = claim.status
    return data


def review_to_dict(review: Review) -> dict[str, Any]:
    """Return a review as plain data, with only the fields that are set."""
    return _without_none(dataclasses.asdict(review))


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """Return a citation as plain data; `key` is always there, other fields only when set."""
    return {"key": citation.key, **_without_none(dataclasses.asdict(citation))}


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if value is not None}


def claim_to_node(claim: Claim) -> CommentedMap:
    """Return a claim as a register item, laid out as the register format shows it."""
    data = claim_to_dict(claim)
    node = CommentedMap(data)
    node["location"] = flow_map(**data["location"])
    node["kinds"] = _flow_seq(data["kinds"])
    node["citations"] = CommentedSeq(citation_node(c) for c in data["citations"])
    if "review" in data:
        node["review"] = CommentedMap(data["review"])
    return node


def location_node(span: Span) -> CommentedMap:
    """Return a claim's `location`, written on one line."""
    return flow_map(line=span.line, start=span.start, end=span.end)


def citation_node(data: dict[str, Any]) -> CommentedMap:
    """Return a citation item, on one line when it holds only the machine's link."""
    node = CommentedMap(data)
    # Only the machine's own link fits on one line; a person's locator or quote gets room.
    if set(data) <= FLOW_CITATION_FIELDS:
        node.fa.set_flow_style()
    return node


def flow_map(**values: Any) -> CommentedMap:
    """Return a mapping written on one line."""
    node = CommentedMap(values)
    node.fa.set_flow_style()
    return node


def _flow_seq(values: Iterable[Any]) -> CommentedSeq:
    node = CommentedSeq(values)
    node.fa.set_flow_style()
    return node
