"""Find a document's own reference list and read each entry's title, journal, year and ids.

The list starts at a "References" (or "Sources", "Bibliography", ...) heading. Entries are
numbered items (`1.`, `[1]`), one paragraph per work, or "Source: Title – Journal (Year)"
lines, where the paragraph before each Source line is kept as the entry's note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from tracker import warm
from tracker.datafiles import may_hold
from tracker.readers import Block, DocumentText

HEADINGS = warm.pattern(
    r"(?:references?|sources?|bibliography|works cited|literature(?: cited)?|citations|"
    r"further reading|notes and references|references and notes)",
    re.I,
)
HEADING_DECORATION = " \t#*_:"
SOURCE_LINE = warm.pattern(r"sources?\s*:\s*", re.I)
EXPLICIT_NUMBER = warm.pattern(r"\[(\d{1,4})\]\s*|(\d{1,4})[.)]\s+")
# Several patterns take their first characters before they look behind them (where a word
# boundary stood first): the engine then skips in C to the places they can match ("10.", a
# digit, a space, a full stop) instead of trying each place.
DOI = warm.pattern(r"(10\.(?<!\w10\.)\d{4,9}/[^\s\"<>]+)", re.I)
# A DOI with what introduces it ("https://doi.org/", "doi:"): all of it is left out of the
# title and journal.
CITED_DOI = warm.pattern(r"(?:(?:https?://)?(?:dx\.)?doi\.org/|\bdoi:?\s*)?" + DOI.pattern, re.I)
PMID = warm.pattern(r"(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/|pubmed/)(\d{4,9})", re.I)
# "(2011)", "(2011a)", and the dated forms news and magazine references take: "(2011, April)",
# "(2013, December 20)".
PUBLISHED = r"[a-z]?(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?\)"
YEAR_IN_PARENS = warm.pattern(r"\(((?:19|20)\d{2})" + PUBLISHED)
YEAR = warm.pattern(r"((?:19|20)(?<!\w..)\d{2})[a-z]?\b")
# A match never starts inside a run of spaces: tried at every space of a long run, these two
# took time in the square of the run's length.
VENUE_DASH = warm.pattern(r"\s(?<!\s\s)\s*[–—-]\s+")
# Where a journal's name ends and its volume or year begins ("Int J Mol Sci. 2021;22(2)",
# "J Sleep Res 12 (3)"); an ordinal or a year after "the" is part of a proceedings' name
# ("Proceedings of the 2016 Conference", "the 12th Workshop").
VOLUME_OR_YEAR = warm.pattern(r"(?<!\s)(?:\s*[,;:(]\s*\d|(?<!\bthe)\s+\d(?!\d*(?:st|nd|rd|th)\b))")
# The word left before a volume or issue number cut off ("Computational Linguistics, Volume").
VOLUME_WORD = warm.pattern(r"(?<=[\s,;])(?:vol(?:ume)?|no|number|issue)\.?$", re.I)
# A period that ends a title or journal, not an initial ("J. Smith") nor an abbreviation
# inside a name ("U.S."): an all-capitals title still ends at its period.
PERIOD_SPLIT = warm.pattern(r"\.(?<!\b[A-Z]\.)\s+(?=[A-Z0-9])")
NAME_LIKE = warm.pattern(r"^[\w'’\-]+,?\s+(?:[A-Z]\.?\s?){1,3}(?:[,;]|\s+and|\s*&|$)")
# The authors run to the first parenthesis without giving anything back (the spaces before it
# are stripped later): tried place by place, a long run of spaces took time in its square.
APA_AUTHORS = warm.pattern(r"^(?P<authors>[^()]++)\((?:19|20)\d{2}" + PUBLISHED + r"\.?\s+")
# The authors run to the first period, which must follow initials ("Shin S, Lee JH.") or "et al".
VANCOUVER_AUTHORS = warm.pattern(
    r"^(?P<authors>[^.]++)"
    r"(?:(?<=[^.]\s[A-Z])|(?<=[^.]\s[A-Z]{2})|(?<=[^.]\s[A-Z]{3})|(?<=\Wet al))\.\s+"
)
# "Tore Amble and Jan Hajic. 2000. Title. In Venue." (ACL, Chicago author-date): the year stands
# alone after the authors, who hold no digit and no period but after an initial. The runs
# between periods are possessive: one ends only at a period, so giving characters back never
# helps (the last initial's period may still be given back: "Urkia M. 1993.").
AUTHOR_DATE = warm.pattern(
    r"^(?P<authors>[^.\d()]++(?:(?<=\b[A-Z])\.[^.\d()]++)*)\.\s+(?:19|20)\d{2}[a-z]?\.\s+"
)
# References that open with their authors: a dash further on is part of the title or journal
# ("Oard DW. Retrieval Systems ... HLT-NAACL 2003 - Tutorial Abstracts"), unless it follows the
# "authors" at once, as in a label whose title ends in a capital ("Vitamin D. – Nutrients").
AUTHORS_FIRST = (
    NAME_LIKE,
    AUTHOR_DATE,
    warm.pattern(VANCOUVER_AUTHORS.pattern + r"(?![–—-])"),
)
# Where an author-date reference's title ends and the proceedings it appeared in are named.
IN_VENUE = warm.pattern(r"\.\s+In:?\s+(?=[A-Z])")
QUOTED_TITLE = warm.pattern(r"^[\"“](?P<title>[^\"“”]+?)[.,]?[\"”]\s*")


@dataclass(frozen=True)
class ParsedReference:
    """What a reference's text says about the work: each field None when it does not say."""

    title: str | None = None
    journal: str | None = None
    year: str | None = None
    doi: str | None = None
    pmid: str | None = None
    authors: str | None = None


@dataclass(frozen=True)
class ReferenceEntry:
    """One entry of a document's reference list."""

    number: int
    text: str
    start: int
    end: int
    line: int
    parsed: ParsedReference
    note: str | None = None


@dataclass(frozen=True)
class ReferenceList:
    """A document's references: the list (where its section starts, its entries in order) and
    the footnotes, by label."""

    start: int
    entries: tuple[ReferenceEntry, ...]
    footnotes: tuple[tuple[str, ReferenceEntry], ...] = ()
    # Where the section ends: at the next heading (a FAQ after the sources is the page's
    # text again), else at the end of the document.
    end: int | None = None

    def holds(self, offset: int) -> bool:
        """Tell whether a character offset lies in the reference section."""
        return self.start <= offset and (self.end is None or offset < self.end)

    def entry(self, number: int) -> ReferenceEntry | None:
        """Return the entry with this number, if the list has one (the first, if several)."""
        return self._by_number.get(number)

    def footnote(self, label: str) -> ReferenceEntry | None:
        """Return the footnote with this label, if there is one (the first, if several)."""
        return self._by_label.get(label)

    # Looked up once per marker: a search of the list each time took time in the square of a
    # page's markers (40,000 footnotes: over a minute).
    @cached_property
    def _by_number(self) -> dict[int, ReferenceEntry]:
        found: dict[int, ReferenceEntry] = {}
        for entry in self.entries:
            found.setdefault(entry.number, entry)
        return found

    @cached_property
    def _by_label(self) -> dict[str, ReferenceEntry]:
        found: dict[str, ReferenceEntry] = {}
        for label, entry in self.footnotes:
            found.setdefault(label, entry)
        return found

    def by_author_year(self, name: str, year: str) -> ReferenceEntry | None:
        """Return the only entry whose first author and year match, if exactly one does."""
        found = [
            e for e in self.entries if first_author_matches(e, name) and e.parsed.year == year[:4]
        ]
        return found[0] if len(found) == 1 else None


def first_author_matches(entry: ReferenceEntry, name: str) -> bool:
    """Tell whether a reference's text starts with the given surname."""
    lead = (entry.parsed.authors or entry.text).lstrip()
    return lead.lower().startswith(name.lower()) and not lead[len(name) : len(name) + 1].isalpha()


def find_reference_list(doc: DocumentText) -> ReferenceList | None:
    """Return the document's references, or None when it has neither a list nor footnotes."""
    notes = tuple(
        (label, make_entry(doc, i + 1, b.start, b.end))
        for i, (label, b) in enumerate((b.label, b) for b in doc.blocks if b.kind == "footnote")
        if label
    )
    heading = next((i for i, b in enumerate(doc.blocks) if is_reference_heading(doc, b)), None)
    if heading is None:
        found = source_lines_anywhere(doc)
        if found is None:
            return ReferenceList(len(doc.text) + 1, (), notes) if notes else None
        return ReferenceList(found.start, found.entries, notes)
    following = doc.blocks[heading + 1 :]
    wrapped = wrapped_lines(doc, following)
    end = next(
        (
            b.start
            for b, w in zip(following, wrapped, strict=True)
            if ends_section(doc, b) and not w
        ),
        None,
    )
    blocks = [b for b in following if b.kind != "footnote" and (end is None or b.start < end)]
    has_sources = any(source_line(doc, b) for b in blocks)
    entries = source_entries(doc, blocks) if has_sources else numbered_entries(doc, blocks)
    return ReferenceList(doc.blocks[heading].start, tuple(entries), notes, end)


def ends_section(doc: DocumentText, block: Block) -> bool:
    """Tell whether a block is a heading after which the page's text resumes: not a
    "Source:" line or an entry that a plain-text page's layout made look like one."""
    if block.kind != "heading" or source_line(doc, block):
        return False
    text = doc.text[block.start : block.end]
    return not (looks_like_reference(text) or cites_a_work(text))


def wrapped_lines(doc: DocumentText, blocks: list[Block]) -> list[bool]:
    """Tell, for each of a run of plain-text blocks, whether it stands between two numbered
    entries with no blank line on either side: a wrapped line of the first that only looks
    like a heading ("Shata-Anuvadak: Tackling Multiway Translation of Indian Languages.").
    One pass each way: a walk from each block would take time in the square of the run."""
    count = len(blocks)
    if doc.rendered:  # markup says where blocks end; only plain text wraps lines into them
        return [False] * count
    numbered = [explicit_number(doc, b)[0] is not None for b in blocks]
    below_previous = [False] + [
        next_line(doc, blocks[i - 1].end, blocks[i].start) for i in range(1, count)
    ]
    above = [False] * count  # a numbered block up the run
    for i in range(1, count):
        above[i] = below_previous[i] and (numbered[i - 1] or above[i - 1])
    below = [False] * count  # a numbered block down the run
    for i in range(count - 2, -1, -1):
        below[i] = below_previous[i + 1] and (numbered[i + 1] or below[i + 1])
    return [up and down for up, down in zip(above, below, strict=True)]


def next_line(doc: DocumentText, end: int, start: int) -> bool:
    """Tell whether start is on the line after end, with no blank line between (the bullet
    or number a list item's line opens with is not part of its block)."""
    gap = doc.text[end:start]
    return gap.count("\n") == 1 and not gap.partition("\n")[0].strip()


def is_reference_heading(doc: DocumentText, block: Block) -> bool:
    """Tell whether a block is the heading of a reference section."""
    text = doc.text[block.start : block.end].strip(HEADING_DECORATION)
    return block.kind != "list_item" and HEADINGS.fullmatch(text) is not None


def source_line(doc: DocumentText, block: Block) -> re.Match[str] | None:
    """Match a "Source: ..." block."""
    return SOURCE_LINE.match(doc.text, block.start, block.end)


def source_lines_anywhere(doc: DocumentText) -> ReferenceList | None:
    """Read "Source:" lines as a list when the document has no reference heading."""
    entries = source_entries(doc, doc.blocks)
    if not entries:
        return None
    first = next(b for b in doc.blocks if source_line(doc, b))
    return ReferenceList(first.start, tuple(entries))


def source_entries(doc: DocumentText, blocks: list[Block]) -> list[ReferenceEntry]:
    """Number the "Source:" lines in order; the paragraph before each is its note."""
    entries: list[ReferenceEntry] = []
    note: list[str] = []
    for block in blocks:
        match = source_line(doc, block)
        if not match:
            note.append(doc.text[block.start : block.end])
            continue
        entry = make_entry(doc, len(entries) + 1, match.end(), block.end)
        entries.append(entry_with_note(entry, " ".join(note) or None))
        note = []
    return entries


def entry_with_note(entry: ReferenceEntry, note: str | None) -> ReferenceEntry:
    return ReferenceEntry(
        entry.number, entry.text, entry.start, entry.end, entry.line, entry.parsed, note
    )


def numbered_entries(doc: DocumentText, blocks: list[Block]) -> list[ReferenceEntry]:
    """Read one entry per block that looks like a reference, numbered as written or in order
    (an unnumbered entry after numbered ones takes the next number).

    An unnumbered line right below a numbered entry, with no blank line between, is that
    entry wrapped (a list copied from a PDF or a plain-text page), not a work of its own."""
    entries: list[ReferenceEntry] = []
    # The entry being read: its number, start, end and links, read whole once no line joins it
    # (read again at each line, a long run of them took time in its square).
    last: tuple[int, int, int, tuple[str, ...]] | None = None
    numbered = False  # whether it was numbered as written
    wraps = not doc.rendered  # only plain text wraps an entry's lines into blocks of their own
    for block in (part for b in blocks for part in entry_lines(doc, b)):
        number, start = explicit_number(doc, block)
        if last and number is None and numbered and wraps and next_line(doc, last[2], block.start):
            last = (last[0], last[1], block.end, last[3] + block.links)
            continue
        text = doc.text[start : block.end]
        if not (looks_like_reference(text + " " + " ".join(block.links)) or cites_a_work(text)):
            numbered = False
            continue
        if last:
            entries.append(make_entry(doc, *last))
        following = last[0] + 1 if last else 1
        last, numbered = (number or following, start, block.end, block.links), number is not None
    if last:
        entries.append(make_entry(doc, *last))
    return entries


def entry_lines(doc: DocumentText, block: Block) -> list[Block]:
    """Split a block of a reference section into its lines when each line is a reference of
    its own (a list copied from a page: one work a line, no blank lines between)."""
    text = doc.text[block.start : block.end]
    if "\n" not in text:
        return [block]
    lines, start = [], block.start
    for line in text.split("\n"):
        if line.strip():
            lines.append(replace(block, start=start, end=start + len(line.rstrip())))
        start += len(line) + 1
    if all(
        looks_like_reference(doc.text[b.start : b.end]) or cites_a_work(doc.text[b.start : b.end])
        for b in lines
    ):
        return lines
    return [block]


def explicit_number(doc: DocumentText, block: Block) -> tuple[int | None, int]:
    """Return the number written before an entry (inside it or stripped as a list bullet)."""
    inside = EXPLICIT_NUMBER.match(doc.text, block.start, block.end)
    if inside:
        return int(inside.group(1) or inside.group(2)), inside.end()
    line_start = doc.text.rfind("\n", 0, block.start) + 1
    before = EXPLICIT_NUMBER.search(doc.text[line_start : block.start].strip() + " ")
    if before and before.start() == 0:
        return int(before.group(1) or before.group(2)), block.start
    return None, block.start


def looks_like_reference(text: str) -> bool:
    """Tell whether a block reads like a bibliographic reference rather than prose or a widget."""
    has_id = DOI.search(text) or (may_hold(text, "pmid", "pubmed") and PMID.search(text))
    return bool(has_id or (YEAR.search(text) and len(text.split()) >= 3))


def cites_a_work(text: str) -> bool:
    """Tell whether an entry of a reference section names a work without a year or an
    identifier ("American Academy of Ophthalmology, Digital Devices and Your Eyes")."""
    return len(text.split()) >= 4 and ("," in text or ". " in text)


def make_entry(
    doc: DocumentText, number: int, start: int, end: int, links: tuple[str, ...] = ()
) -> ReferenceEntry:
    text = doc.text[start:end].strip()
    parsed = parse_reference(text)
    if links and not (parsed.doi or parsed.pmid):
        # "[Title](https://pubmed.ncbi.nlm.nih.gov/123/)": the link names the work.
        named = parse_reference(" ".join(links))
        parsed = replace(parsed, doi=named.doi, pmid=named.pmid)
    return ReferenceEntry(number, text, start, end, doc.line_of(start), parsed)


def parse_reference(text: str) -> ParsedReference:
    """Read title, journal, year, authors, DOI and PMID from a reference's text."""
    doi = DOI.search(text)
    pmid = PMID.search(text) if may_hold(text, "pmid", "pubmed") else None
    year = YEAR_IN_PARENS.search(text) or YEAR.search(text)
    ids = {
        "doi": doi.group(1).rstrip(".,;)]") if doi else None,
        "pmid": pmid.group(1) if pmid else None,
        "year": year.group(1) if year else None,
    }
    bare = PMID.sub("", text) if pmid else text
    # Only where a DOI was found: with its optional prefix first, the pattern is tried place by
    # place instead of skipping in C to each "10.".
    bare = (CITED_DOI.sub("", bare) if doi else bare).strip(" .;,")
    parts = VENUE_DASH.split(bare)
    if len(parts) >= 2 and not any(lead.match(bare) for lead in AUTHORS_FIRST):
        venue = YEAR_IN_PARENS.sub("", parts[-1]).strip(" .,")
        return ParsedReference(title=" - ".join(parts[:-1]).strip(), journal=venue or None, **ids)
    return ParsedReference(**conventional_parts(bare), **ids)


def journal_name(part: str) -> str:
    """Return a journal's or proceedings' name without the volume, year or pages after it."""
    name = VOLUME_WORD.sub("", VOLUME_OR_YEAR.split(part)[0].rstrip())
    if name.count("(") > name.count(")"):  # "(EACL 2009)" cut at its year
        name = name[: name.rfind("(")]
    return name.strip(" .,;")


def conventional_parts(text: str) -> dict[str, str | None]:
    """Split "Authors. Title. Journal. Year;..." (or "Authors. Year. Title. In Journal.")
    into authors, title and journal."""
    dated = AUTHOR_DATE.match(text)
    lead = APA_AUTHORS.match(text) or dated or VANCOUVER_AUTHORS.match(text)
    authors = lead.group("authors").strip() if lead else None
    after = text[lead.end() if lead else 0 :]
    # A quoted title ("Sleep and memory.") holds its own final period; an author-date
    # reference's venue follows "In", which also ends a title that ends in an acronym.
    quoted = QUOTED_TITLE.match(after)
    venue = IN_VENUE.search(after) if dated and not quoted else None
    if quoted:
        rest = [quoted.group("title").strip(), after[quoted.end() :].strip()]
    elif venue:
        rest = [after[: venue.start()].strip(), after[venue.end() :].strip()]
    else:
        rest = [p.strip() for p in PERIOD_SPLIT.split(after) if p.strip()]
    title = rest[0] if rest and rest[0] else None
    journal = journal_name(rest[1]) if len(rest) > 1 else None
    return {"authors": authors, "title": title, "journal": journal or None}
