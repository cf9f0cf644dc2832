"""Split a document's blocks into units: sentences, list items and table rows, with spans.

Sentences come from nupunkt (a Punkt model that ships with the package: fast, no download,
abbreviation-aware). Citation markers are then moved to the sentence they close, because a
marker after the full stop ("... repair. [2]") belongs to the sentence before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nupunkt

from tracker.markers import MARKER_RUN
from tracker.readers import Block, DocumentText

SPLIT_KINDS = ("paragraph", "list_item")
LEADING_MARKERS = re.compile(MARKER_RUN)
MARKER_THEN_SENTENCE = re.compile(r"[.!?][\"”’')]*[ \t]*" + MARKER_RUN + r"(?=\s+[\"“‘(]?[A-Z])")


@dataclass(frozen=True)
class Unit:
    """One sentence-like unit of a document and the kind of block it comes from."""

    start: int
    end: int
    kind: str


def units_of(doc: DocumentText) -> list[Unit]:
    """Return every unit of a document in reading order."""
    units: list[Unit] = []
    for block in doc.blocks:
        if block.kind in SPLIT_KINDS:
            units.extend(Unit(s, e, block.kind) for s, e in sentence_spans(doc.text, block))
        else:
            units.append(Unit(block.start, block.end, block.kind))
    return units


def sentence_spans(text: str, block: Block) -> list[tuple[int, int]]:
    """Split one block into sentence spans of the whole text."""
    chunk = text[block.start : block.end]
    spans: list[tuple[int, int]] = []
    for start, end in nupunkt.sent_spans(chunk):
        for piece in split_after_markers(chunk, start, end):
            attach(spans, chunk, *piece)
    return [(block.start + s, block.start + e) for s, e in spans]


def split_after_markers(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where a sentence and its markers end and the next sentence begins."""
    pieces = []
    for match in MARKER_THEN_SENTENCE.finditer(chunk, start, end):
        pieces.append((start, match.end()))
        start = match.end()
    pieces.append((start, end))
    return pieces


def attach(spans: list[tuple[int, int]], chunk: str, start: int, end: int) -> None:
    """Append a trimmed span, giving markers at its start to the sentence before it."""
    start, end = trim(chunk, start, end)
    lead = LEADING_MARKERS.match(chunk, start, end)
    if lead and spans:
        previous_start, _ = spans[-1]
        marker_end = trim(chunk, start, lead.end())[1]
        spans[-1] = (previous_start, marker_end)
        start, end = trim(chunk, lead.end(), end)
    if end > start:
        spans.append((start, end))


def trim(chunk: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with whitespace."""
    while start < end and chunk[start].isspace():
        start += 1
    while end > start and chunk[end - 1].isspace():
        end -= 1
    return start, end
