"""The text of a cited source as the review app shows it beside a claim, in numbered parts.

A reviewer quotes from those parts: the pages of sources/<key>.pdf, the paragraphs of
sources/<key>.txt, or the abstract `tracker verify` stored.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from tracker.config import SOURCES_DIR
from tracker.limits import TooLarge, read_bytes
from tracker.passages import source_file_text
from tracker.project import Project

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 500
PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Part:
    """A numbered part of a source: a page of a PDF or a paragraph of a text."""

    locator: str  # what a quote from it records: "p. 3" or "paragraph 4"
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SourcePane:
    """What the app shows of a source: where the text came from and its parts."""

    kind: str  # pdf, text, abstract or none
    parts: tuple[Part, ...] = ()
    problem: str | None = None
    notes: list[str] = field(default_factory=list)


def source_pane(project: Project, key: str) -> SourcePane:
    """Return a source's text in parts, from the first of PDF, text file and abstract."""
    if Path(key).name != key or key.startswith("."):
        return SourcePane("none", problem="the key names no file under sources/")
    pdf = project.root / SOURCES_DIR / f"{key}.pdf"
    if pdf.is_file():
        return pdf_pane(pdf)
    text = source_file_text(project.root, key)
    if text and text.strip():
        return SourcePane("text", paragraph_parts(text))
    result = project.verification.get(key)
    record = next((r for r in result.records if r.abstract), None) if result else None
    if record and record.abstract:
        return SourcePane("abstract", paragraph_parts(record.abstract))
    return SourcePane("none")


def paragraph_parts(text: str) -> tuple[Part, ...]:
    """Split a text into numbered paragraphs."""
    paragraphs = [" ".join(p.split()) for p in PARAGRAPH.split(text)]
    kept = [p for p in paragraphs if p]
    return tuple(Part(f"paragraph {n}", (p,)) for n, p in enumerate(kept, 1))


def pdf_pane(path: Path) -> SourcePane:
    """Read a PDF's text page by page (pypdf); a PDF that cannot be read says why."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        data = read_bytes(path, MAX_PDF_BYTES)
    except (OSError, TooLarge) as error:
        return SourcePane("pdf", problem=f"{path.name} could not be read: {error}")
    # pypdf logs every oddity of a damaged file; the pane says what matters once.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        return SourcePane("pdf", problem=f"{path.name} is not a readable PDF ({error})")
    parts = tuple(
        Part(f"p. {n}", tuple(p for p in (" ".join(x.split()) for x in PARAGRAPH.split(t)) if p))
        for n, t in enumerate(pages, 1)
    )
    notes = (
        [f"only the first {MAX_PDF_PAGES} pages are shown"]
        if len(reader.pages) > MAX_PDF_PAGES
        else []
    )
    if not any(part.paragraphs for part in parts):
        return SourcePane("pdf", parts, "the PDF holds no text layer (a scan?)", notes)
    return SourcePane("pdf", parts, notes=notes)
