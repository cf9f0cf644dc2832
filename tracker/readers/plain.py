"""Read plain text (including text copied from a web page) into blocks inferred from its layout.

The blocks are headings, paragraphs, list items and table rows. Copied pages have no markup,
so structure is inferred from layout: blank lines separate blocks, bullet glyphs start list
items, a short line with no closing punctuation is a heading, and a run of such short lines
is a table whose cells were flattened one per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tracker import warm
from tracker.markers import strip_trailing_markers
from tracker.readers import Block, DocumentText, without_terminal_codes

BULLET = warm.pattern(r"[ \t]*(?:[•●▪◦·‣∙*+\-–]|\d{1,3}[.)])[ \t]+")
TERMINAL = warm.pattern(r"[.!?][\"”’'»)\]]*$")
# "[12] Author. Title..." opens an entry of a numbered reference list: never a continuation.
NUMBERED_ENTRY = warm.pattern(r"\[\d{1,3}\][ \t]")
HEADING_MAX_WORDS = 14
SOFT_WRAP_MIN_CHARS = 60
TABLE_MIN_LINES = 3


@dataclass(frozen=True)
class Line:
    """One non-blank line: where its content starts and ends, and whether it opens a bullet."""

    start: int
    end: int
    text: str
    bullet: bool

    @property
    def terminal(self) -> bool:
        return ends_sentence(self.text)

    @property
    def lead_in(self) -> bool:
        return self.text.endswith(":")


def ends_sentence(text: str) -> bool:
    """Tell whether text ends like a sentence, ignoring trailing citation markers."""
    # Not TRAILING_MARKERS.sub: it takes time in the square of a long run of markers.
    return bool(TERMINAL.search(strip_trailing_markers(without_terminal_codes(text))))


def read_plain(path: Path, text: str) -> DocumentText:
    """Split plain text into blocks."""
    blocks: list[Block] = []
    for group in paragraphs(text):
        blocks.extend(table_blocks(group) if is_table(group) else prose_blocks(group))
    return DocumentText(path=path, text=text, blocks=blocks, title=title_of(text, blocks))


def title_of(text: str, blocks: list[Block]) -> str:
    """Return the first heading, else the first block, as the document's title."""
    for block in blocks:
        if block.kind == "heading":
            return text[block.start : block.end]
    return text[blocks[0].start : blocks[0].end] if blocks else ""


def paragraphs(text: str) -> list[list[Line]]:
    """Group the non-blank lines of text into runs separated by blank lines."""
    groups: list[list[Line]] = [[]]
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = as_line(raw, offset)
        offset += len(raw)
        if line is None:
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append(line)
    return [g for g in groups if g]


def as_line(raw: str, offset: int) -> Line | None:
    """Return a line's content span without indentation, bullet and line ending."""
    body = raw.rstrip("\r\n")
    if not body.strip():
        return None
    bullet = BULLET.match(body)
    lead = bullet.end() if bullet else len(body) - len(body.lstrip())
    content = body[lead:].rstrip()
    if not content:
        return None
    return Line(offset + lead, offset + lead + len(content), content, bullet is not None)


def is_table(group: list[Line]) -> bool:
    """Tell whether a run of lines is a flattened table: several short lines, none a sentence."""
    if len(group) < TABLE_MIN_LINES:
        return False
    return not any(line.terminal or line.bullet for line in group) and all(
        len(line.text.split()) <= HEADING_MAX_WORDS for line in group
    )


def table_blocks(group: list[Line]) -> list[Block]:
    """Turn table lines into rows; a first cell that wrapped after a colon joins the next lines."""
    rows: list[Block] = []
    i = 0
    while i < len(group):
        last = i
        if group[i].lead_in and i + 1 < len(group) and not group[i + 1].lead_in:
            last = i + 1
            wrapped_label = len(group[last].text.split()) <= 3
            if wrapped_label and last + 1 < len(group) and not group[last + 1].lead_in:
                last += 1
        kind = "table_header" if not rows else "table_row"
        rows.append(Block(kind, group[i].start, group[last].end))
        i = last + 1
    return rows


def prose_blocks(group: list[Line]) -> list[Block]:
    """Turn a run of prose lines into paragraphs, list items and headings."""
    blocks: list[Block] = []
    current: list[Line] = []
    for line in group:
        if current and not continues(current[-1], line):
            blocks.append(prose_block(current))
            current = []
        current.append(line)
    if current:
        blocks.append(prose_block(current))
    return blocks


def continues(previous: Line, line: Line) -> bool:
    """Tell whether line is a soft-wrapped continuation of the previous line."""
    if line.bullet or previous.terminal or previous.lead_in or NUMBERED_ENTRY.match(line.text):
        return False
    starts_lower = line.text[:1].islower()
    return starts_lower or len(previous.text) >= SOFT_WRAP_MIN_CHARS


def prose_block(lines: list[Line]) -> Block:
    """Classify joined lines as a list item, a heading or a paragraph."""
    start, end = lines[0].start, lines[-1].end
    if lines[0].bullet:
        return Block("list_item", start, end)
    only = lines[0]
    short = len(lines) == 1 and len(only.text.split()) <= HEADING_MAX_WORDS
    if short and (not only.terminal or title_case(only.text)):
        return Block("heading", start, end)
    return Block("paragraph", start, end)


def title_case(text: str) -> bool:
    """Tell whether most content words are capitalised, as in "Benefits of X (A, B, etc.)"."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and capitalised >= 0.8 * len(words)
