"""Read a document of any supported format into blocks of text that point into the original.

A reader returns a `DocumentText`: the decoded text and its blocks (headings, paragraphs,
list items, table rows) as character spans of that text, in reading order. Sentence
splitting and claim detection work on those spans, so every claim can be located exactly.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row", "table_header")


class ReaderError(Exception):
    """The document cannot be read at all (missing, unsupported format, undecodable)."""


@dataclass(frozen=True)
class Block:
    """A structural piece of a document: its kind and its span in the decoded text."""

    kind: str
    start: int
    end: int


@dataclass
class DocumentText:
    """A document's decoded text, its blocks in reading order, and its title."""

    path: Path
    text: str
    blocks: list[Block]
    title: str
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def line_of(self, offset: int) -> int:
        """Return the 1-based line number of a character offset."""
        if not self._line_starts:
            self._line_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        return bisect.bisect_right(self._line_starts, offset)

    def col_of(self, offset: int) -> int:
        """Return the 1-based column of a character offset."""
        line = self.line_of(offset)
        return offset - self._line_starts[line - 1] + 1


SUFFIXES = {".txt": "plain", ".text": "plain", ".md": "markdown", ".markdown": "markdown"}


def decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM); refuse other encodings with a located error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ReaderError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[err.start]:02x}) - "
            "save the file as UTF-8 and run again"
        ) from err


def read_document(path: Path) -> DocumentText:
    """Read a document, choosing the reader by its file suffix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise ReaderError(f"{path}: unsupported document type {path.suffix!r} - use one of {known}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReaderError(f"{path}: cannot read the document ({err.strerror})") from err
    text = decode(data, path)
    if kind == "markdown":
        from tracker.readers.markdown import read_markdown

        return read_markdown(path, text)
    from tracker.readers.plain import read_plain

    return read_plain(path, text)
