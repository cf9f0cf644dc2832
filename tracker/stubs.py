"""Write a BibTeX stub for a reference that matches no bibliography entry.

The stub holds only what the reference's own text says - nothing is invented - so a user
can paste it into references.bib, check it against the paper, and complete it.
"""

from __future__ import annotations

import re

from tracker.references import ParsedReference
from tracker.resolve import first_surname, words_of

FIELD_ORDER = ("author", "title", "journal", "year", "doi", "pmid")


def stub_key(parsed: ParsedReference) -> str:
    """Return a key in the usual surname-year-word shape, from what the reference gives."""
    name = first_surname(parsed.authors) if parsed.authors else ""
    word = next(iter(words_of(parsed.title or "").tokens), "")
    key = f"{name}{parsed.year or ''}{word}".lower()
    return re.sub(r"[^a-z0-9]", "", key) or "unknown"


def bibtex_stub(parsed: ParsedReference, written: str) -> str:
    """Return a BibTeX entry built only from a reference's parsed fields."""
    values = {
        "author": authors_in_bibtex(parsed.authors) if parsed.authors else None,
        "title": parsed.title,
        "journal": parsed.journal,
        "year": parsed.year,
        "doi": parsed.doi,
        "pmid": parsed.pmid,
    }
    lines = [f"@article{{{stub_key(parsed)},"]
    for name in FIELD_ORDER:
        if values[name]:
            lines.append(f"  {name:<8}= {{{braced(values[name] or '')}}},")
    as_written = braced(written.rstrip("."))
    lines.append(
        f"  note    = {{Stub from the reference as written: {as_written}. Check every field.}}"
    )
    lines.append("}")
    return "\n".join(lines) + "\n"


def authors_in_bibtex(authors: str) -> str:
    """Turn "Shin S, Lee J" or "Shin, S., & Lee, J." into "Shin, S. and Lee, J."."""
    parts = [
        p.strip(" .")
        for p in re.split(r",\s*(?:&\s*)?(?=[A-Z][\w'’-]+[ ,])|;\s*|\s+&\s+|\s+and\s+", authors)
    ]
    names = []
    for part in parts:
        if not part or part.lower() == "et al":
            continue
        pieces = part.replace(",", " ").split()
        surname, initials = pieces[0], " ".join(initials_of(p) for p in pieces[1:])
        names.append(f"{surname}, {initials}".rstrip(", "))
    return " and ".join(names) + (" and others" if "et al" in authors else "")


def initials_of(given: str) -> str:
    """Turn "DJ" or "D.J." into "D. J."; a written-out name stays as it is."""
    bare = given.replace(".", "")
    if bare.isupper() and len(bare) <= 3:
        return " ".join(f"{letter}." for letter in bare)
    return given


def braced(value: str) -> str:
    """Keep a value free of braces and backslashes, so the stub always parses."""
    return value.replace("{", "(").replace("}", ")").replace("\\", "/")
