"""Extract the claims of one document: units, claim decisions, markers, reference list and the
bibliography entries its references resolve to.

The result feeds `tracker extract` (text or JSON) and the claims register (`--write`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tracker.detect import Decision, classify
from tracker.markers import find_markers
from tracker.model import Citation, Claim, DocumentInfo, Problem, Source, Span
from tracker.readers import DocumentText, read_document
from tracker.references import ReferenceEntry, ReferenceList, find_reference_list
from tracker.resolve import Resolution, Resolver
from tracker.segment import Unit, units_of

ID_HASH_CHARS = 6


@dataclass(frozen=True)
class DecidedUnit:
    """A unit of the document with the claim decision taken on it."""

    unit: Unit
    text: str
    decision: Decision


@dataclass(frozen=True)
class ResolvedReference:
    """An entry of the document's reference list and the bibliography entry it resolved to."""

    entry: ReferenceEntry
    resolution: Resolution


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: DocumentInfo
    text: DocumentText
    claims: list[Claim]
    units: list[DecidedUnit]
    references: list[ResolvedReference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def extract(
    path: Path, sources: dict[str, Source] | None = None, root: Path | None = None
) -> Extraction:
    """Read a document and extract its claims, resolving references against sources."""
    doc = read_document(path)
    shown = display_path(path, root)
    reflist = find_reference_list(doc)
    resolver = Resolver(sources or {})
    resolved = (
        [ResolvedReference(e, resolver.resolve(e.parsed)) for e in reflist.entries]
        if reflist
        else []
    )
    decided = decide_units(doc, reflist)
    claims, problems = build_claims(doc, decided, resolved, reflist, shown)
    info = DocumentInfo(title=doc.title.strip(), path=shown)
    return Extraction(info, doc, claims, decided, resolved, problems)


def display_path(path: Path, root: Path | None) -> str:
    """Return path relative to the project root when it lies inside it, with / separators."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def decide_units(doc: DocumentText, reflist: ReferenceList | None) -> list[DecidedUnit]:
    """Take the claim decision on every unit of the document."""
    references_start = reflist.start if reflist else len(doc.text) + 1
    decided = []
    for unit in units_of(doc):
        text = doc.text[unit.start : unit.end]
        decision = classify(text, unit.kind, in_references=unit.start >= references_start)
        decided.append(DecidedUnit(unit, text, decision))
    return decided


def build_claims(
    doc: DocumentText,
    decided: list[DecidedUnit],
    resolved: list[ResolvedReference],
    reflist: ReferenceList | None,
    shown: str,
) -> tuple[list[Claim], list[Problem]]:
    """Turn the units decided to be claims into claims with ids and citations."""
    by_number = {r.entry.number: r for r in resolved}
    prefix = id_prefix(doc.path)
    seen: Counter[str] = Counter()
    claims: list[Claim] = []
    problems: list[Problem] = []
    for item in decided:
        if not item.decision.is_claim:
            continue
        digest = text_digest(item.text)
        seen[digest] += 1
        claim_id = f"{prefix}-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
        span = Span(doc.line_of(item.unit.start), item.unit.start, item.unit.end)
        citations = cite(doc, item, by_number, reflist, shown, problems)
        claims.append(
            Claim(
                claim_id,
                item.text,
                span,
                list(item.decision.kinds),
                citations,
                reasons=list(item.decision.reasons),
            )
        )
    return claims, problems


def cite(
    doc: DocumentText,
    item: DecidedUnit,
    by_number: dict[int, ResolvedReference],
    reflist: ReferenceList | None,
    shown: str,
    problems: list[Problem],
) -> list[Citation]:
    """Return the citations of a claim's markers; a marker naming no entry becomes a problem."""
    citations = []
    for marker in find_markers(item.text, item.unit.start):
        for number in marker.numbers:
            found = by_number.get(number)
            if found is None:
                problems.append(
                    missing_reference(doc, marker.start, marker.text, number, reflist, shown)
                )
                citations.append(Citation(None, marker.text, number))
                continue
            res = found.resolution
            citations.append(Citation(res.key, marker.text, number, found.entry.text, res.score))
    return citations


def missing_reference(
    doc: DocumentText,
    offset: int,
    marker: str,
    number: int,
    reflist: ReferenceList | None,
    shown: str,
) -> Problem:
    size = len(reflist.entries) if reflist else 0
    listed = (
        f"the reference list has {size} entries"
        if reflist
        else "the document has no reference list"
    )
    return Problem(
        "missing-reference",
        shown,
        doc.line_of(offset),
        f"marker {marker} names reference {number}, but {listed} - "
        "add the reference or fix the marker",
        col=doc.col_of(offset),
    )


def id_prefix(path: Path) -> str:
    """Return a short prefix for claim ids: the initials of the document's file name."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path.stem) if w]
    return "".join(w[0] for w in words).lower()[:6] or "c"


def text_digest(text: str) -> str:
    """Return a short digest of a claim's whitespace-collapsed text: the heart of a stable id."""
    collapsed = " ".join(text.split())
    return hashlib.sha1(collapsed.encode("utf-8")).hexdigest()[:ID_HASH_CHARS]
