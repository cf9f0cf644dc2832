"""Split a document's blocks into units: sentences, list items and table rows, with spans.

Sentences come from nupunkt (a Punkt model that ships with the package: fast, no download,
abbreviation-aware). Citation markers are then moved to the sentence they close, because a
marker after the full stop ("... repair. [2]") belongs to the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import nupunkt

from tracker import warm
from tracker.markers import MARKER_RUN
from tracker.readers import Block, DocumentText

SPLIT_KINDS = ("paragraph", "list_item")
LEADING_MARKERS = warm.pattern(MARKER_RUN)
MARKER_THEN_SENTENCE = warm.pattern(r"[.!?][\"”’')]*[ \t]*" + MARKER_RUN + r"(?=\s+[\"“‘(]?[A-Z])")
# Sentence ends Punkt misses: before a word it has not seen capitalised ("intestine.
# Hi-Maize shows"), and after a letter that names a vitamin or a type rather than an
# initial ("vitamin A. Instead"). A lower-case word of three letters or more is no
# abbreviation that a capitalised word follows.
# The full stop may carry a marker that copying flattened into digits ("average.1 Blue").
# (The stop comes first and the letter is looked for behind it: the engine then skips to stops
# in C instead of trying every place.)
MISSED_END = warm.pattern(
    r"[.!?](?<=[A-Za-z][.!?])(?:\d{1,3}(?:[,–-]\d{1,3})*)?(?=\s+[\"“‘(]?[A-Z][a-z])"
)
# Where Punkt may end a sentence: nowhere else.
SENTENCE_END_CHAR = warm.pattern("[.?!…]")
NAMED_BY_LETTER = ("vitamin", "hepatitis", "type", "group", "class", "phase", "grade", "stage")


@dataclass(frozen=True)
class Unit:
    """One sentence-like unit of a document and the kind of block it comes from."""

    start: int
    end: int
    kind: str


def units_of(doc: DocumentText, whole: Callable[[Block], bool] | None = None) -> list[Unit]:
    """Return every unit of a document in reading order; a block that `whole` picks (an entry
    of the reference list: a work, not sentences) is one unit."""
    units: list[Unit] = []
    for block in doc.blocks:
        if block.kind in SPLIT_KINDS and not (whole and whole(block)):
            units.extend(Unit(s, e, block.kind) for s, e in sentence_spans(doc.text, block))
        else:
            units.append(Unit(block.start, block.end, block.kind))
    return units


def sentence_spans(text: str, block: Block) -> list[tuple[int, int]]:
    """Split one block into sentence spans of the whole text."""
    chunk = text[block.start : block.end]
    spans: list[tuple[int, int]] = []
    for start, end in punkt_spans(chunk):
        for piece in split_after_markers(chunk, start, end):
            attach(spans, chunk, *piece)
    return [(block.start + s, block.start + e) for s, e in spans]


def punkt_spans(chunk: str) -> list[tuple[int, int]]:
    """Return Punkt's sentence spans of a chunk; a chunk with no stop but at its end, as many
    list items and paragraphs of one sentence are, is one sentence without asking."""
    last = len(chunk.rstrip()) - 1
    if last > 0 and not SENTENCE_END_CHAR.search(chunk, 0, last):
        return [(0, len(chunk))]
    return nupunkt.sent_spans(chunk)


def split_after_markers(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where a sentence and its markers end and the next sentence begins."""
    ends = [m.end() for m in MARKER_THEN_SENTENCE.finditer(chunk, start, end)]
    ends += [m.end() for m in MISSED_END.finditer(chunk, start, end) if _lower_word_end(chunk, m)]
    pieces = []
    for cut in sorted(set(ends)):
        if start < cut < end:
            pieces.append((start, cut))
            start = cut
    pieces.append((start, end))
    return pieces


def _lower_word_end(chunk: str, match: re.Match[str]) -> bool:
    """Tell whether a full stop ends a sentence Punkt left whole: after a lower-case word of
    three letters or more, or after the letter of "vitamin A"."""
    words = chunk[: match.start()].rsplit(None, 2)  # the last two words are enough
    last = words[-1] if words else ""
    if len(last) >= 3 and last.isalpha() and last.islower():
        return True
    return (
        len(last) == 1
        and last.isupper()
        and len(words) > 1
        and words[-2].lower() in NAMED_BY_LETTER
    )


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
