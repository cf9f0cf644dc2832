"""A quote that the text of its source, kept as sources/<key>.txt, does not contain.

Source texts come from PDFs and web pages, so quote and text are compared in a canonical form:
ligatures (ﬁ ﬂ ﬀ ﬃ) and other compatibility characters unfolded, curly quotes made straight,
every dash a hyphen, words hyphenated across a line break rejoined, hyphens inside words
and soft hyphens dropped, whitespace collapsed, case folded. An ellipsis (... or […]) in a
quote stands for left-out text: its parts must occur in order.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Iterator
from pathlib import Path

from tracker.checks.base import Audit, excerpt, in_register
from tracker.config import SOURCES_DIR
from tracker.model import Finding, Severity
from tracker.passages import source_file_text

ID = "quotes.not_found"
SEVERITY = Severity.WARNING
SUMMARY = "a quote does not occur in the source's text under sources/"

QUOTES = str.maketrans(dict.fromkeys("‘’‚‛′`", "'") | dict.fromkeys("“”„‟″«»", '"'))
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
LINE_BREAK_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")
WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
ELLIPSIS = re.compile(r"\s*(?:[\[(]\s*\.\.\.\s*[\])]|\.\.\.)\s*")
SURROUNDING = "\"' "

# Canonical source texts of each audit, by key (None: no text); dropped with the audit.
_texts: dict[int, dict[str, str | None]] = {}


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        for citation in claim.citations:
            if not (citation.key and citation.quote):
                continue
            text = source_text(audit, citation.key)
            if text is None or contains(text, citation.quote):
                continue
            message = (
                f'quote not found in {SOURCES_DIR}/{citation.key}.txt: "{excerpt(citation.quote)}" '
                "- copy the passage verbatim from the source (mark cuts with ...), "
                "or correct the citation's key"
            )
            yield in_register(register, claim, ID, SEVERITY, message)


def source_text(audit: Audit, key: str) -> str | None:
    """Return the canonical text of sources/<key>.txt, read once per audit; None if absent."""
    texts = _texts.get(id(audit))
    if texts is None:
        texts = _texts[id(audit)] = {}
        weakref.finalize(audit, _texts.pop, id(audit), None)
    if key not in texts:
        texts[key] = read_source(audit.project.root, key)
    return texts[key]


def read_source(root: Path, key: str) -> str | None:
    """Return the canonical text of a key's source file, or None when there is none to read."""
    text = source_file_text(root, key)
    return canonical(text) if text is not None else None


def contains(text: str, quote: str) -> bool:
    """Tell whether a canonical text holds a quote, whose parts around an ellipsis come in order."""
    position = 0
    for part in ELLIPSIS.split(canonical(quote).strip(SURROUNDING)):
        part = part.strip(SURROUNDING)
        if not part:
            continue
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def canonical(text: str) -> str:
    """Return text in the form quotes and sources are compared in."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    text = DASHES.sub("-", text.translate(QUOTES))
    text = WORD_HYPHEN.sub("", LINE_BREAK_HYPHEN.sub("", text))
    return " ".join(text.split()).casefold()
