"""One work entered under two keys: the same DOI, the same PMID, or nearly the same title.

Claims that cite the two keys look as if two works supported them. Titles are nearly the same
at a rapidfuzz ratio of 95 or more, after case, accents, LaTeX and punctuation are set aside,
with the same year when both entries give one. Two titles that differ in a number ("Part 1",
"Part 2") or entries whose first authors differ are different works, however alike the rest.
Titles are compared only within blocks of entries that share their first (or last)
significant title word, never all pairs, so tens of thousands of entries take seconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from tracker.checks.base import Audit, at_source
from tracker.model import Finding, Severity, Source
from tracker.resolve import LATEX, STOP_WORDS, first_family_name

ID = "sources.duplicate_work"
SEVERITY = Severity.WARNING
SUMMARY = "one work is entered under two keys"

MIN_TITLE_RATIO = 95
YEAR = re.compile(r"[0-9]{4}")
NOT_WORD = re.compile(r"[\W_]+")
DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Entry:
    """A source with the normalised title and year its title comparison needs."""

    source: Source
    title: str
    year: str | None
    ends: tuple[str, str]  # the first and last significant words of the title


Pair = tuple[str, str]  # (earlier key, later key)


def check(audit: Audit) -> Iterator[Finding]:
    sources = sorted(audit.project.bibliography.sources.values(), key=lambda s: (s.line, s.key))
    order = {source.key: index for index, source in enumerate(sources)}
    reasons: dict[Pair, str] = {}
    for pair, reason in duplicates(sources, order):
        reasons.setdefault(pair, reason)
    by_key = {source.key: source for source in sources}
    for (earlier, later), reason in sorted(reasons.items(), key=lambda item: order[item[0][1]]):
        first = by_key[earlier]
        message = (
            f'source "{later}" is the same work as "{earlier}" (line {first.line}): {reason} - '
            f'merge them into one entry and cite one key in place of "{later}"'
        )
        yield at_source(audit, by_key[later], ID, SEVERITY, message)


def duplicates(sources: list[Source], order: dict[str, int]) -> Iterator[tuple[Pair, str]]:
    """Yield each pair of entries for one work with why, identifiers first (they are surest)."""
    yield from same_value(sources, order, lambda s: s.doi, "the same doi")
    yield from same_value(sources, order, lambda s: s.pmid, "the same pmid")
    yield from same_titles(sources, order)


def same_value(
    sources: list[Source],
    order: dict[str, int],
    value_of: Callable[[Source], str | None],
    what: str,
) -> Iterator[tuple[Pair, str]]:
    """Yield the pairs of entries that give the same identifier."""
    groups: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        value = value_of(source)
        if value:
            groups[value].append(source.key)
    for value, keys in groups.items():
        for pair in pairs_of(keys, order):
            yield pair, f'{what} "{value}"'


def pairs_of(keys: list[str], order: dict[str, int]) -> Iterator[Pair]:
    ranked = sorted(keys, key=order.__getitem__)
    for index, later in enumerate(ranked):
        for earlier in ranked[:index]:
            yield earlier, later


def same_titles(sources: list[Source], order: dict[str, int]) -> Iterator[tuple[Pair, str]]:
    """Yield the pairs of entries whose titles are nearly the same, comparing within blocks."""
    for block in blocks(entries(sources)):
        for a, b, ratio in alike_pairs(block):
            if not told_apart(a, b):
                yield ordered(a.source.key, b.source.key, order), title_reason(ratio, a, b)


def told_apart(a: Entry, b: Entry) -> bool:
    """Tell whether two entries with alike titles are different works: their titles' numbers
    differ ("Part 1", "Part 2"), or both name a first author and these differ."""
    if DIGITS.findall(a.title) != DIGITS.findall(b.title):
        return True
    authors = [first_family_name(e.source.get("author") or "") for e in (a, b)]
    return all(authors) and authors[0] != authors[1]


def title_reason(ratio: float, a: Entry, b: Entry) -> str:
    same = "the same title" if a.title == b.title else f"titles {ratio:.0f}% alike"
    return f"{same} and year {a.year}" if a.year and b.year else same


def ordered(a: str, b: str, order: dict[str, int]) -> Pair:
    return (a, b) if order[a] < order[b] else (b, a)


def entries(sources: list[Source]) -> list[Entry]:
    """Return the entries that have a title, ready for comparing."""
    found = []
    for source in sources:
        title = normalize_title(source.get("title") or "")
        if title:
            year = YEAR.search(source.get("year") or source.get("date") or "")
            words = [w for w in title.split() if w not in STOP_WORDS] or title.split()
            ends = (words[0], words[-1])
            found.append(Entry(source, title, year.group(0) if year else None, ends))
    return found


def normalize_title(title: str) -> str:
    """Return a title in lower-case words, without LaTeX, accents or punctuation."""
    plain = LATEX.sub("", title)
    if not plain.isascii():
        plain = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(NOT_WORD.split(plain.casefold())).strip()


def blocks(items: list[Entry]) -> Iterator[list[Entry]]:
    """Yield groups of entries that share their first or their last significant title word."""
    for position in (0, 1):
        index: dict[str, list[Entry]] = defaultdict(list)
        for item in items:
            index[item.ends[position]].append(item)
        yield from (block for block in index.values() if len(block) > 1)


def alike_pairs(block: list[Entry]) -> Iterator[tuple[Entry, Entry, float]]:
    """Yield the pairs of a block with alike titles and years that agree (or one unknown)."""
    by_year: dict[str | None, list[Entry]] = defaultdict(list)
    for item in block:
        by_year[item.year].append(item)
    undated = by_year.pop(None, [])
    for group in [*by_year.values(), undated]:
        titles = [item.title for item in group]
        for index, item in enumerate(group):
            yield from alike(item, group, titles, index + 1)
    dated = [item for item in block if item.year is not None]
    for item in undated:
        yield from alike(item, dated, [other.title for other in dated], 0)


def alike(
    item: Entry, others: list[Entry], titles: list[str], start: int
) -> Iterator[tuple[Entry, Entry, float]]:
    """Yield the entries from others[start:] whose titles are nearly the item's title (compared
    in rapidfuzz's C loop, which cuts off a pair as soon as it cannot reach the ratio)."""
    found = process.extract(
        item.title, titles[start:], scorer=fuzz.ratio, score_cutoff=MIN_TITLE_RATIO, limit=None
    )
    for _, ratio, index in found:
        yield item, others[start + index], ratio
