"""Extract the claims of one document, with the bibliography entries its references resolve to.

The extraction holds the document's units, claim decisions, markers and reference list.

The result feeds `tracker extract` (text or JSON), the writers' check and the claims
register (`--write`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tracker.detect import Decision, classify
from tracker.markers import Marker, find_markers
from tracker.model import Citation, Claim, DocumentInfo, Problem, Source, Span
from tracker.paths import display_path
from tracker.readers import DocumentText, read_document
from tracker.references import ParsedReference, ReferenceEntry, ReferenceList, find_reference_list
from tracker.resolve import CITATION_IDS, Resolution, Resolver
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
    """An entry of the document's references and the bibliography entry it resolved to."""

    entry: ReferenceEntry
    resolution: Resolution
    label: str | None = None


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
    path: Path,
    sources: dict[str, Source] | None = None,
    root: Path | None = None,
    resolver: Resolver | None = None,
    shown: str | None = None,
) -> Extraction:
    """Read a document and extract its claims, resolving references against sources.

    Pass a resolver built once over the same sources when extracting many documents, and the
    document's name as findings give it (shown) when it is known already.
    """
    doc = read_document(path)
    resolver = resolver or Resolver(sources or {})
    shown = display_path(path, root) if shown is None else shown
    citer = Citer(doc, shown, find_reference_list(doc), resolver)
    decided = decide_units(doc, citer.reflist)
    claims = build_claims(doc, decided, citer)
    info = DocumentInfo(title=doc.title.strip(), path=citer.shown)
    notes = [Problem("reader-note", citer.shown, note.line, note.message) for note in doc.notes]
    return Extraction(info, doc, claims, decided, citer.references(), notes + citer.problems)


def decide_units(doc: DocumentText, reflist: ReferenceList | None) -> list[DecidedUnit]:
    """Take the claim decision on every unit of the document."""
    decided = []
    # The reference section is not split into sentences: its units are no claims whatever
    # they say, and Punkt took a twentieth of a page's time on their many full stops.
    for unit in units_of(doc, lambda block: bool(reflist and reflist.holds(block.start))):
        text = doc.text[unit.start : unit.end]
        in_references = bool(reflist and reflist.holds(unit.start)) or unit.kind == "footnote"
        decision = classify(text, unit.kind, in_references=in_references)
        decided.append(DecidedUnit(unit, text, decision))
    return decided


def build_claims(doc: DocumentText, decided: list[DecidedUnit], citer: Citer) -> list[Claim]:
    """Turn the units decided to be claims into claims with ids and citations."""
    prefix = id_prefix(doc.path)
    seen: Counter[str] = Counter()
    claims: list[Claim] = []
    for item in decided:
        if not item.decision.is_claim:
            continue
        digest = text_digest(item.text)
        seen[digest] += 1
        claim_id = f"{prefix}-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
        span = Span(doc.line_of(item.unit.start), item.unit.start, item.unit.end)
        citations = citer.cite(item.text, item.unit.start)
        kinds, reasons = list(item.decision.kinds), list(item.decision.reasons)
        claims.append(Claim(claim_id, item.text, span, kinds, citations, reasons=reasons))
    return claims


@dataclass
class Citer:
    """Turns the markers of a claim into citations, resolving each reference only once."""

    doc: DocumentText
    shown: str
    reflist: ReferenceList | None
    resolver: Resolver
    problems: list[Problem] = field(default_factory=list)
    _resolved: dict[int, Resolution] = field(default_factory=dict)

    def references(self) -> list[ResolvedReference]:
        """Return every entry of the document's references with its resolution."""
        if self.reflist is None:
            return []
        listed = [ResolvedReference(e, self.resolution(e)) for e in self.reflist.entries]
        notes = [
            ResolvedReference(e, self.resolution(e), label) for label, e in self.reflist.footnotes
        ]
        return listed + notes

    def resolution(self, entry: ReferenceEntry) -> Resolution:
        if entry.start not in self._resolved:
            self._resolved[entry.start] = self.resolver.resolve(entry.parsed)
        return self._resolved[entry.start]

    def cite(self, text: str, offset: int) -> list[Citation]:
        """Return the citations of the markers in one claim."""
        citations: list[Citation] = []
        for marker in find_markers(text, offset):
            citations.extend(HANDLERS[marker.kind](self, marker))
        return citations

    def numbered(self, marker: Marker) -> list[Citation]:
        entries = [self.reflist.entry(n) if self.reflist else None for n in marker.numbers]
        if marker.loose and not all(entries):
            return []
        citations = []
        for number, entry in zip(marker.numbers, entries, strict=True):
            if entry is None:
                self.missing(marker, f"names reference {number}, but {self.listed()}")
                citations.append(Citation(None, marker.text, number))
            else:
                citations.append(self.from_entry(marker, entry, number))
        return citations

    def footnote(self, marker: Marker) -> list[Citation]:
        entry = self.reflist.footnote(marker.label or "") if self.reflist else None
        if entry is None:
            self.missing(marker, "has no footnote text")
            return [Citation(None, marker.text)]
        return [self.from_entry(marker, entry, entry.number)]

    def author_year(self, marker: Marker) -> list[Citation]:
        citations = []
        for name, year in marker.authors:
            entry = self.reflist.by_author_year(name, year) if self.reflist else None
            if entry is not None:
                # The page's own list first; the bibliography link follows from the entry.
                citations.append(self.from_entry(marker, entry, entry.number))
                continue
            found = self.resolver.by_author_year(name, year)
            citations.append(
                Citation(found.key, marker.text, None, f"{name} {year}", found.score or None)
            )
        return citations

    def keys(self, marker: Marker) -> list[Citation]:
        known = self.resolver.sources
        citations = []
        for key in marker.keys:
            if key in known:
                citations.append(Citation(key, marker.text, score=1.0, locator=marker.locator))
            elif ":" in key and key.partition(":")[0].lower() in CITATION_IDS:
                # Manubot's [@doi:10...], [@pmid:...]: the work is named by its identifier.
                found = self.resolver.by_citation_id(key)
                score = 1.0 if found else None
                citations.append(Citation(found, marker.text, None, key, score, marker.locator))
            elif not marker.loose:
                citations.append(Citation(key, marker.text, locator=marker.locator))
        return citations

    def identifier(self, marker: Marker) -> list[Citation]:
        scheme, _, value = (marker.identifier or "").partition(":")
        ref = ParsedReference(doi=value) if scheme == "doi" else ParsedReference(pmid=value)
        found = self.resolver.by_identifier(ref)
        key = found.key if found else None
        return [Citation(key, marker.text, None, marker.identifier, 1.0 if key else None)]

    def from_entry(self, marker: Marker, entry: ReferenceEntry, number: int | None) -> Citation:
        resolution = self.resolution(entry)
        return Citation(resolution.key, marker.text, number, entry.text, resolution.score)

    def listed(self) -> str:
        if self.reflist is None or not self.reflist.entries:
            return "the document has no reference list"
        return f"the reference list has {len(self.reflist.entries)} entries"

    def missing(self, marker: Marker, what: str) -> None:
        self.problems.append(
            Problem(
                "missing-reference",
                self.shown,
                self.doc.line_of(marker.start),
                f"marker {marker.text} {what} - add the reference or fix the marker",
                col=self.doc.col_of(marker.start),
            )
        )


HANDLERS = {
    "numeric": Citer.numbered,
    "superscript": Citer.numbered,
    "flattened": Citer.numbered,
    "footnote": Citer.footnote,
    "author-year": Citer.author_year,
    "key": Citer.keys,
    "identifier": Citer.identifier,
}


def id_prefix(path: Path) -> str:
    """Return a short prefix for claim ids: the initials of the document's file name."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path.stem) if w]
    return "".join(w[0] for w in words).lower()[:6] or "c"


def text_digest(text: str) -> str:
    """Return a short digest of a claim's whitespace-collapsed text: the heart of a stable id."""
    collapsed = " ".join(text.split())
    return hashlib.sha1(collapsed.encode("utf-8")).hexdigest()[:ID_HASH_CHARS]
