"""Read a document of any supported format into blocks of text that point into the original.

A reader returns a `DocumentText`: the decoded text and its blocks (headings, paragraphs,
list items, table rows) as character spans of that text, in reading order. Sentence
splitting and claim detection work on those spans, so every claim can be located exactly.

Plain text and Markdown are their own text. Formats read through a parser (HTML, DOCX)
render their article text into `text`, and each block records the line (HTML) or paragraph
number (DOCX) of the original file it came from, so findings still point into that file.
"""

from __future__ import annotations

import bisect
import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tracker import warm
from tracker.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_PACKAGE_BYTES,
    TooLarge,
    file_size,
    read_bytes,
    size_text,
)

# footnote: the body of a footnote or endnote, whose label (`1`, `note`) Block.label holds.
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row", "table_header", "footnote")


class ReaderError(Exception):
    """The document cannot be read at all (missing, unsupported format, undecodable)."""


def line_starts(text: str) -> list[int]:
    """Return the offset at which each line of text starts."""
    return [0] + [match.end() for match in NEWLINE.finditer(text)]


NEWLINE = warm.pattern("\n")


# Escape sequences and control characters a terminal acts on, and the bidirectional
# controls: invisible in the page as shown, so they decide nothing about its layout or its
# claims (outputs write them out: tracker.outputs.visible).
TERMINAL_CODES = warm.pattern(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    "|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def without_terminal_codes(text: str) -> str:
    """Return text without escape sequences, control and bidirectional characters."""
    return TERMINAL_CODES.sub("", text)


@dataclass(frozen=True)
class Block:
    """A structural piece of a document: its kind and its span in the decoded text."""

    kind: str
    start: int
    end: int
    line: int | None = None
    label: str | None = None
    # Where the block's links point (HTML and rendered Markdown): a reference list entry
    # written as a link to PubMed or doi.org names its work there, not in its text.
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """Something a reader had to guess or leave out, at a line of the file (1: all of it)."""

    message: str
    line: int = 1


@dataclass
class DocumentText:
    """A document's decoded text, its blocks in reading order, and its title."""

    path: Path
    text: str
    blocks: list[Block]
    title: str
    notes: list[Note] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _block_starts: list[int] = field(default_factory=list, repr=False)
    _rendered: bool | None = field(default=None, repr=False)

    @property
    def rendered(self) -> bool:
        """True when text was rendered from another format and blocks carry source lines."""
        if self._rendered is None:
            # Asked once per claim: scanning the blocks each time made extraction quadratic.
            self._rendered = any(block.line is not None for block in self.blocks)
        return self._rendered

    def line_of(self, offset: int) -> int:
        """Return the 1-based line of a character offset in the original file."""
        if self.rendered:
            return self.block_at(offset).line or 1
        if not self._line_starts:
            self._line_starts = line_starts(self.text)
        return bisect.bisect_right(self._line_starts, offset)

    def col_of(self, offset: int) -> int:
        """Return the 1-based column of a character offset (1 for rendered formats)."""
        if self.rendered:
            return 1
        line = self.line_of(offset)
        return offset - self._line_starts[line - 1] + 1

    def block_at(self, offset: int) -> Block:
        """Return the block that holds a character offset (the nearest one before it)."""
        if not self._block_starts:
            self._block_starts = [block.start for block in self.blocks]
        index = max(bisect.bisect_right(self._block_starts, offset) - 1, 0)
        return self.blocks[index]


SUFFIXES = {
    ".txt": "plain",
    ".text": "plain",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}


def content_documents(folder: Path) -> list[Path]:
    """Return the documents of a folder and its subfolders that a reader can read, sorted."""
    found: list[str] = []
    for base, folders, names in os.walk(folder):
        # Hidden folders (.git, editors' backups) hold no pages.
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            os.path.join(base, name)
            for name in names
            if os.path.splitext(name)[1].lower() in SUFFIXES and not name.startswith(".")
        )
    # Sorted as paths are, folder by folder; strings are cheaper to walk and sort by the 10,000.
    return [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]


# A legacy encoding is taken only when the text it gives is this free of mess (charset-
# normalizer's "chaos"), and text with more than this share of control characters is binary.
MAX_CHAOS = 0.2
CHAOS_TOLERANCE = 5.0  # percentage points of charset-normalizer's mess measure
MAX_CONTROL_SHARE = 0.02


def decode(data: bytes, path: Path) -> tuple[str, list[Note]]:
    """Decode UTF-8 (with or without BOM), else a detected legacy encoding with a note."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReaderError(
            f"{path}: a binary file, not text - give the page as text, Markdown, HTML or DOCX"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problem = f"not valid UTF-8 at line {line} (byte 0x{data[err.start]:02x})"
    guess = detect_encoding(data)
    if guess is None:
        raise ReaderError(f"{path}: {problem} and no other encoding fits - save it as UTF-8")
    text = data.decode(guess)
    if control_share(text) > MAX_CONTROL_SHARE:
        raise ReaderError(f"{path}: {problem}; it looks binary - give the page as text or HTML")
    note = f"{problem}: decoded as {guess} (detected) - save it as UTF-8 to be sure"
    return text, [Note(note, line)]


def detect_encoding(data: bytes) -> str | None:
    """Return the encoding charset-normalizer finds clean for data, or None when none is.

    Short texts decode about as cleanly in several code pages (windows-1257 turns "naïve"
    into "naļve"); Windows-1252, the code page most legacy text is in, wins when it is
    about as clean as the best guess.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > MAX_CHAOS:
        return None
    close = [m for m in matches if m.percent_chaos <= best.percent_chaos + CHAOS_TOLERANCE]
    western = next((m for m in close if "cp1252" in m.could_be_from_charset), None)
    return "cp1252" if western else str(best.encoding)


def control_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(len(text), 1)


READERS = {
    "plain": "tracker.readers.plain:read_plain",
    "markdown": "tracker.readers.markdown:read_markdown",
    "docx": "tracker.readers.docx:read_docx",
    "html": "tracker.readers.html:read_html",
}


def read_document(path: Path) -> DocumentText:
    """Read a document, choosing the reader by its file suffix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise ReaderError(f"{path}: unsupported document type {path.suffix!r} - use one of {known}")
    data = read_within_limit(path, kind)
    module, _, name = READERS[kind].partition(":")
    reader = getattr(importlib.import_module(module), name)
    if kind in BINARY_FORMATS:
        return reader(path, data)
    text, notes = decode(data, path)
    doc = reader(path, text)
    doc.notes.extend(notes)
    return doc


def read_within_limit(path: Path, kind: str) -> bytes:
    """Return a document's bytes; refuse one larger than its format may be, unread."""
    # A Word package holds its images too; its text parts are bounded when it is opened.
    limit = MAX_PACKAGE_BYTES if kind == "docx" else MAX_DOCUMENT_BYTES
    try:
        return read_bytes(path, limit)
    except TooLarge as err:
        raise ReaderError(
            f"{path}: {file_size(path) or 'too large'}, more than the {size_text(limit)} "
            "a document may be, and not read - split it into smaller pages"
        ) from err
    except OSError as err:
        raise ReaderError(f"{path}: cannot read the document ({err.strerror})") from err


# Formats whose reader takes the raw bytes and decodes them itself.
BINARY_FORMATS = frozenset({"docx", "html"})
