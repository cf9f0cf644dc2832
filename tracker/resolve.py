"""Resolve a document's reference to a bibliography entry, by identifier or by a fuzzy match.

A DOI or PMID matches exactly; else title, journal and year are matched fuzzily and the
score is kept.

Pages cite works by short labels ("Comparative Proteomic Analysis of MSC Secretome – IJMS
(2021)"), so the title match measures how much of the label the entry's title covers,
reading acronyms (MSC, WJ-MSC) against the words they stand for and abbreviated journals
(Front. Cell Dev. Biol., IJMS) against full names. A journal or year that disagrees vetoes a
match unless the titles agree almost exactly: an unresolved reference is reported, never
guessed.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tracker import warm
from tracker.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from tracker.model import Citation, Source
from tracker.references import ParsedReference

# Words that carry no meaning for telling titles and journals apart.
STOP_WORDS = frozenset(
    (
        "a an and as at by for from in into of on or the their its to with"
        " vs versus via use using based study"
    ).split()
)
# Words in any script: "sécurité", "Müller" and "β-catenin" are words too.
WORD = warm.pattern(r"[^\W_]+(?:['’][^\W_]+)?")
# LaTeX left out of words: commands (\emph), accent commands (\" in M{\"u}ller), braces.
LATEX = warm.pattern(r"\\[a-zA-Z]+\s*|\\[^a-zA-Z\s]|[{}\\]")
ACRONYM = warm.pattern(r"^[A-Z][A-Z0-9]{1,7}$")
WEIGHTS = {"title": 0.45, "journal": 0.2, "year": 0.15, "author": 0.2}
AUTHOR_YEAR_SCORE = 0.9
ACCEPT = 0.55
# Below this score a match is tentative: likely, but a reviewer should confirm it.
CONFIDENT = 0.8
MIN_TITLE = 0.3
VETO_OVERRIDE_TITLE = 0.9
MARGIN = 0.05
STEM_PREFIX = 6
# References resolved kept for reuse: pages of one site cite the same works alike.
RESOLUTIONS_KEPT = 4096


@dataclass(frozen=True)
class Resolution:
    """How a reference was resolved: the entry's key (or None), the score and the method."""

    key: str | None
    score: float
    method: str
    unverifiable: bool = False
    publisher_as_journal: bool = False
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Words:
    """A title split into comparable words, keeping which ones were written as acronyms."""

    tokens: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    # The tokens' first letters, where acronyms are looked for (words_of fills it in).
    initials: str = ""


@dataclass(frozen=True)
class _Entry:
    """What resolution compares of one bibliography entry, worked out once."""

    title: Words
    # Where each stem stands in the title: the title's side of title_similarity.
    positions: dict[str, list[int]]
    venue: str | None
    publisher: str | None
    # The year as year_score compares it (its first four characters); None when none is given.
    year: str | None
    # The first author's family name; None when the entry names no author.
    family: str | None
    # The same number for entries of the same venue and publisher.
    venue_id: int


@dataclass
class Resolver:
    """Resolves references against one bibliography, indexing its titles once.

    Built for bibliographies of tens of thousands of entries: a candidate must share a title
    word with the reference; the cheap parts (year, first author, venue) are scored first,
    and a candidate they veto never has its title compared; results are kept per reference,
    since pages of one publisher cite the same works again and again.
    """

    sources: dict[str, Source]
    _by_doi: dict[str, str] = field(default_factory=dict)
    _by_pmid: dict[str, str] = field(default_factory=dict)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _index: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _first_authors: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Keys by what vetoes a weak title match: publication year, first author's family name.
    _by_year: dict[str | None, set[str]] = field(default_factory=lambda: defaultdict(set))
    _by_family: dict[str | None, set[str]] = field(default_factory=lambda: defaultdict(set))
    _year_sets: dict[str, set[str]] = field(default_factory=dict)
    _year_sets_without_author: dict[str, set[str]] = field(default_factory=dict)
    _posting_sets: dict[str, set[str]] = field(default_factory=dict)
    _resolved: dict[ParsedReference, Resolution] = field(default_factory=dict)
    _id_indexes: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        venue_ids: dict[tuple[str | None, str | None], int] = {}
        plain: dict[str | None, str | None] = {}  # entries share few venues and publishers
        for key, source in self.sources.items():
            authors = source.get("author")
            family = first_family_name(authors) if authors else None
            if family:
                self._first_authors[family].add(key)
            self._by_family[family].add(key)
            year = source.year
            self._by_year[year[:4] if year else None].add(key)
            if source.doi:
                self._by_doi.setdefault(source.doi, key)
            if source.pmid:
                self._by_pmid.setdefault(source.pmid, key)
            words = words_of(source.get("title") or "")
            positions = stem_positions(words.tokens)
            venue_name = source.journal or source.get("booktitle")
            publisher_name = source.get("publisher")
            for name in (venue_name, publisher_name):
                if name not in plain:
                    plain[name] = _plain(name)
            venue, publisher = plain[venue_name], plain[publisher_name]
            self._entries[key] = _Entry(
                words,
                positions,
                venue,
                publisher,
                source.year.strip()[:4] if source.year else None,
                family,
                venue_ids.setdefault((venue, publisher), len(venue_ids)),
            )
            for token in positions:
                self._index[token].append(key)

    def resolve(self, ref: ParsedReference) -> Resolution:
        """Return the entry a reference names, or an unresolved result with the candidates."""
        found = self._resolved.get(ref)
        if found is None:
            if len(self._resolved) >= RESOLUTIONS_KEPT:
                # The oldest half goes: a run over 10,000 pages keeps memory flat.
                for old in list(itertools.islice(self._resolved, RESOLUTIONS_KEPT // 2)):
                    del self._resolved[old]
            found = self._resolved[ref] = self._resolve(ref)
        return found

    def _resolve(self, ref: ParsedReference) -> Resolution:
        exact = self.by_identifier(ref)
        if exact:
            return exact
        if not self.sources:  # a page read outside a project: no entry to score
            return Resolution(None, 0.0, "unresolved", candidates=())
        scored = sorted(
            ((score, key) for key, score in self.scores(ref)),
            key=lambda pair: (-pair[0][0], pair[1]),
        )
        ranked = tuple((key, round(s[0], 3)) for s, key in scored[:3])
        if not scored or scored[0][0][0] < ACCEPT:
            return Resolution(
                None, ranked[0][1] if ranked else 0.0, "unresolved", candidates=ranked
            )
        (best, publisher), key = scored[0]
        if len(scored) > 1 and best - scored[1][0][0] < MARGIN:
            return Resolution(None, round(best, 3), "ambiguous", candidates=ranked)
        unverifiable = self.sources[key].unverifiable
        return Resolution(key, round(best, 3), "match", unverifiable, publisher, ranked)

    def by_author_year(self, name: str, year: str) -> Resolution:
        """Resolve an author-year citation straight against the bibliography's first authors."""
        keys = sorted(
            k
            for k in self._first_authors.get(fold(name), set())
            if (self.sources[k].year or "")[:4] == year[:4]
        )
        if len(keys) == 1:
            key = keys[0]
            return Resolution(key, AUTHOR_YEAR_SCORE, "author-year", self.sources[key].unverifiable)
        method = "ambiguous" if keys else "unresolved"
        return Resolution(None, 0.0, method, candidates=tuple((k, AUTHOR_YEAR_SCORE) for k in keys))

    def by_identifier(self, ref: ParsedReference) -> Resolution | None:
        doi, pmid = normalize_doi(ref.doi), normalize_pmid(ref.pmid)
        if doi and doi in self._by_doi:
            key = self._by_doi[doi]
            return Resolution(key, 1.0, "doi", self.sources[key].unverifiable)
        if pmid and pmid in self._by_pmid:
            key = self._by_pmid[pmid]
            return Resolution(key, 1.0, "pmid", self.sources[key].unverifiable)
        return None

    def by_citation_id(self, citation_id: str) -> str | None:
        """Return the key of the entry a Manubot-style id names (`doi:10...`, `pmid:...`,
        `pmcid:PMC...`, `arxiv:...`, `isbn:...`, `url:https://...`), if one does."""
        prefix, _, value = citation_id.partition(":")
        normalize = CITATION_IDS.get(prefix.lower())
        wanted = normalize(value) if normalize is not None else None
        if normalize is None or not wanted:
            return None
        index = self._id_indexes.get(prefix.lower())
        if index is None:
            index = self._id_indexes[prefix.lower()] = {}
            for key, source in self.sources.items():
                found = normalize(source_id(source, prefix.lower()) or "")
                if found:
                    index.setdefault(found, key)
        return index.get(wanted)

    def candidates(self, ref: ParsedReference) -> set[str]:
        """Return the keys whose title shares at least one word with the reference's title."""
        found: set[str] = set()
        for token in {stem(t) for t in words_of(ref.title or "").tokens}:
            found.update(self._index.get(token, ()))
        return found

    def scores(self, ref: ParsedReference) -> Iterator[tuple[str, tuple[float, bool]]]:
        """Yield each candidate entry with a score above zero, and whether its journal
        matched the publisher."""
        label = words_of(ref.title or "")
        if not label.tokens:
            return
        surnames = reference_surnames(ref.authors) if ref.authors else None
        stems = [stem(token) for token in label.tokens]
        counted = Counter(stems)
        close = self._close_titles(label, stems)
        ref_year = ref.year.strip() if ref.year else None
        venues: dict[int, tuple[float | None, bool]] = {}  # by venue_id: entries share venues
        for key in self._allowed(ref, set(stems), surnames) | close:
            entry = self._entries[key]
            venue, publisher = venues.get(entry.venue_id) or venues.setdefault(
                entry.venue_id, _venue_score(ref.journal, entry.venue, entry.publisher)
            )
            if venue == 0.0 and key not in close:
                continue  # vetoed, as most are: its title cannot reach the override
            year = None if ref_year is None or entry.year is None else float(ref_year == entry.year)
            author = None if not surnames or not entry.family else float(entry.family in surnames)
            title = _title_score(label, counted, entry.title, entry.positions)
            if title < MIN_TITLE or (title < VETO_OVERRIDE_TITLE and 0.0 in (venue, year, author)):
                continue
            # The weighted mean of the parts known, summed in WEIGHTS' order.
            score, total = WEIGHTS["title"] * title, WEIGHTS["title"]
            for name, value in (("journal", venue), ("year", year), ("author", author)):
                if value is not None:
                    score += WEIGHTS[name] * value
                    total += WEIGHTS[name]
            yield key, (score / total, publisher)

    def _allowed(
        self, ref: ParsedReference, stems: set[str], surnames: set[str] | None
    ) -> set[str]:
        """Return the entries sharing a title stem whose year and first author do not veto."""
        allowed: set[str] | None = None
        year = ref.year.strip() if ref.year else None
        if year:
            allowed = self._years(year)
        if surnames:
            named = set().union(*(self._by_family.get(name, ()) for name in surnames))
            if allowed is None:
                allowed = named | self._by_family.get(None, set())
            else:  # the year's entries without an author are few and asked often: kept
                allowed = (allowed & named) | self._years_without_author(year or "")
        if allowed is None:
            return set().union(*(self._index.get(s, ()) for s in stems))
        # Each intersection runs in C over the smaller of the two sets.
        return set().union(*(allowed & self._posting_set(s) for s in stems))

    def _posting_set(self, stem: str) -> set[str]:
        """Return the entries whose title holds a stem, as a set (made on first use)."""
        found = self._posting_sets.get(stem)
        if found is None:
            found = self._posting_sets[stem] = set(self._index.get(stem, ()))
        return found

    def _years(self, year: str) -> set[str]:
        """Return the entries of a year and those that give none (kept: years are asked often)."""
        found = self._year_sets.get(year)
        if found is None:
            found = self._year_sets[year] = self._by_year.get(year, set()) | self._by_year.get(
                None, set()
            )
        return found

    def _years_without_author(self, year: str) -> set[str]:
        found = self._year_sets_without_author.get(year)
        if found is None:
            found = self._year_sets_without_author[year] = self._years(year) & self._by_family.get(
                None, set()
            )
        return found

    def _close_titles(self, label: Words, stems: list[str]) -> set[str]:
        """Return the entries whose title could match the label closely enough to override a
        disagreeing journal, year or author (VETO_OVERRIDE_TITLE).

        The title score is at most 0.75 * (words found + acronyms) / size + 0.25, so such an
        entry holds nearly all the label's words, and so at least one of its rarest ones:
        only the entries listed under those few words are counted.
        """
        size = len(label.tokens) + len(label.acronyms)
        needed = (VETO_OVERRIDE_TITLE - 0.25) / 0.75 * size - len(label.acronyms)
        if needed <= 0:
            return set().union(*(self._index.get(s, ()) for s in stems))
        stems = sorted(stems, key=lambda s: len(self._index.get(s, ())))
        rarest = stems[: len(stems) - math.ceil(needed) + 1]
        # Entries sorted by how many of the label's stems they miss so far, stem by stem (rarest
        # first), in C; one that misses too many drops out, and most soon do.
        most_missed = len(stems) - math.ceil(needed)
        missing: list[set[str]] = [set().union(*(self._index.get(s, ()) for s in rarest))]
        for s in stems:
            posting = self._posting_set(s)
            missed_before: set[str] = set()
            for misses, keys in enumerate(missing):
                missing[misses] = (keys & posting) | missed_before
                missed_before = keys - posting
            if len(missing) <= most_missed:
                missing.append(missed_before)
        return set().union(*missing)


def tentative(citation: Citation) -> bool:
    """Tell whether a citation's reference was matched to its entry with a low score."""
    return bool(citation.key) and citation.score is not None and citation.score < CONFIDENT


def normalize_url(url: str | None) -> str | None:
    """Return a web address in a form equal addresses share: no scheme, www. or final slash."""
    if not url:
        return None
    found = re.match(r"^\s*(?:https?://)?(?:www\.)?([^/\s?#]+)([^\s#]*)", url, re.I)
    if not found:
        return None
    host, rest = found.group(1).lower(), found.group(2).rstrip("/")
    return host + rest if "." in host else None


def normalize_isbn(isbn: str | None) -> str | None:
    digits = re.sub(r"[\s-]", "", isbn or "").upper()
    return digits if re.fullmatch(r"\d{9}[\dX]|\d{13}", digits) else None


def normalize_arxiv(arxiv: str | None) -> str | None:
    found = re.search(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", arxiv or "")
    return found.group(1) if found else None


# Manubot's citation ids (its citekey prefixes) that name a work by an identifier.
CITATION_IDS = {
    "doi": normalize_doi,
    "pmid": normalize_pmid,
    "pmcid": normalize_pmcid,
    "arxiv": normalize_arxiv,
    "isbn": normalize_isbn,
    "url": normalize_url,
}


def source_id(source: Source, prefix: str) -> str | None:
    """Return what a bibliography entry gives for one kind of identifier."""
    if prefix == "arxiv":
        eprint = source.get("eprint")
        kind = (source.get("eprinttype") or source.get("archiveprefix") or "").lower()
        return eprint if eprint and kind in ("arxiv", "") else None
    return source.get(prefix)


def _plain(value: str | None) -> str | None:
    return LATEX.sub("", value) if value else None


POSSESSIVE = warm.pattern(r"['’][^\W\d_]+$")


def words_of(text: str) -> Words:
    """Split text into lower-case content words, keeping acronyms (WJ-MSC -> WJMSC) apart."""
    text = LATEX.sub("", text)
    if text.isupper():
        text = text.title()
    tokens: list[str] = []
    acronyms: list[str] = []
    for chunk in text.split():
        if chunk.isalnum():  # one plain word, as most are: WORD would find it whole
            pieces = [chunk]
        else:
            pieces = WORD.findall(chunk)
            if len(pieces) > 1 and all(ACRONYM.match(p) for p in pieces):
                acronyms.append("".join(pieces))
                continue
        for piece in pieces:
            word = piece.lower()
            if not word.isascii():
                word = unaccented(word)
            if "'" in word or "’" in word:  # the patterns' own needs, asked cheaply first
                word = POSSESSIVE.sub("", word)
            # An acronym's second character is a capital or a digit: asked before the pattern.
            second = piece[1:2]
            if (
                piece[0].isupper()
                and len(piece) <= 6
                and (second.isupper() or second.isdigit())
                and ACRONYM.match(piece)
            ):
                acronyms.append(piece)
            elif word not in STOP_WORDS:
                tokens.append(word)
    return Words(tuple(tokens), tuple(acronyms), "".join(token[:1] for token in tokens))


def unaccented(word: str) -> str:
    """Return a word without its accents, so "sécurité" meets "securite" from an ASCII export."""
    if word.isascii():
        return word
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


def stem(word: str) -> str:
    """Return a crude stem: singular, cut to a prefix, so secretome and secretory meet."""
    word = word[:-1] if len(word) > 3 and word.endswith("s") else word
    return word[:STEM_PREFIX]


def same_word(a: str, b: str) -> bool:
    return stem(a) == stem(b)


def stem_positions(tokens: tuple[str, ...]) -> dict[str, list[int]]:
    """Map each stem of the tokens to the positions where it stands."""
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        # stem(token), written out: this runs for every word of every entry's title.
        key = (token[:-1] if len(token) > 3 and token.endswith("s") else token)[:STEM_PREFIX]
        positions.setdefault(key, []).append(index)
    return positions


def title_similarity(
    label: Words, title: Words, positions: dict[str, list[int]] | None = None
) -> float:
    """Score how much of the label the title covers (mostly) and how much it leaves over.

    positions is stem_positions(title.tokens), when the caller has it already.
    """
    if positions is None:
        positions = stem_positions(title.tokens)
    return _title_score(label, Counter(stem(token) for token in label.tokens), title, positions)


def _title_score(
    label: Words, counted: Counter[str], title: Words, positions: dict[str, list[int]]
) -> float:
    """title_similarity, given how often each stem stands in the label (worked out once per
    reference, not once per entry compared with it)."""
    size = len(label.tokens) + len(label.acronyms)
    if not size or not title.tokens:
        return 0.0
    shared = positions.keys() & counted.keys()
    hits = sum(counted[s] for s in shared)
    covered: set[int] = set().union(*(positions[s] for s in shared))
    for acronym in label.acronyms:
        if acronym.lower() in title.tokens:
            hits += 1
            continue
        if len(title.initials) == len(title.tokens):  # a search in C, as nearly always
            found = title.initials.find(acronym.lower())
            spot = None if found < 0 else found
        else:
            spot = acronym_position(acronym, title.tokens)
        if spot is not None:
            hits += 1
            covered.update(range(spot, spot + len(acronym)))
    forward = hits / size
    backward = len(covered) / len(title.tokens)
    return 0.75 * forward + 0.25 * backward


def acronym_position(acronym: str, tokens: Iterable[str]) -> int | None:
    """Return where consecutive words spell the acronym by their first letters, if they do."""
    words = list(tokens)
    letters = acronym.lower()
    for i in range(len(words) - len(letters) + 1):
        if all(words[i + j][:1] == letters[j] for j in range(len(letters))):
            return i
    return None


def venue_score(label: str | None, source: Source) -> tuple[float | None, bool]:
    """Return 1.0 when the label names the entry's journal (or publisher), 0.0 when not."""
    journal = _plain(source.journal or source.get("booktitle"))
    return _venue_score(label, journal, _plain(source.get("publisher")))


@lru_cache(maxsize=8192)
def _venue_score(
    label: str | None, journal: str | None, publisher: str | None
) -> tuple[float | None, bool]:
    # Pages of one site cite the same few venues: each pair is compared once.
    if not label:
        return None, False
    if journal and names_same_venue(label, journal):
        return 1.0, False
    if publisher and names_same_venue(label, publisher):
        return 1.0, True
    return (0.0 if journal else None), False


def names_same_venue(a: str, b: str) -> bool:
    """Tell whether two venue names are equal, one abbreviates the other, or is its acronym."""
    return abbreviates(a, b) or abbreviates(b, a)


def abbreviates(short: str, full: str) -> bool:
    short_words, full_words = venue_words(short), venue_words(full)
    if not short_words or not full_words:
        return False
    if len(short_words) == len(full_words):
        return all(f.startswith(s) for s, f in zip(short_words, full_words, strict=True))
    initials = "".join(w[0] for w in full_words)
    return len(short_words) == 1 and len(initials) > 1 and short_words[0] == initials


@lru_cache(maxsize=4096)
def venue_words(name: str) -> tuple[str, ...]:
    """Return the lower-case words of a venue's name, without stop words."""
    lowered = (word.lower() for word in WORD.findall(name))
    return tuple(word for word in lowered if word not in STOP_WORDS)


def year_score(label: str | None, year: str | None) -> float | None:
    if not label or not year:
        return None
    return 1.0 if label.strip() == year.strip()[:4] else 0.0


def fold(name: str) -> str:
    """Return a surname in a form that compares equal across case, braces and accents."""
    plain = unicodedata.normalize("NFKD", LATEX.sub("", name))
    return NOT_ALNUM.sub("", plain).lower()


# What str.isalnum() refuses: \w is isalnum() or the underscore.
NOT_ALNUM = warm.pattern(r"[\W_]+")


def first_family_name(bibtex_authors: str) -> str:
    """Return the first author's family name from a BibTeX author field, folded.

    BibTeX's own rules split the names: "van der Berg, Jan" and "Jan van der Berg" both give
    "berg", the name without its lower-case particles; "{World Health Organization}" is one
    name, kept whole. Fields with braces go to pybtex; the rest, nearly all, are split here
    by the same rules, as pybtex takes 35 microseconds a name.
    """
    if "{" in bibtex_authors or "\\" in bibtex_authors:
        return fold(_family_by_pybtex(bibtex_authors))
    first = AND.split(bibtex_authors.strip(), maxsplit=1)[0]
    if "," in first:
        words = first.split(",")[0].split()
    else:
        words = first.split()
        lower = [i for i, word in enumerate(words[:-1]) if word[:1].islower()]
        words = words[lower[-1] + 1 :] if lower else words[-1:]
    while len(words) > 1 and words[0][:1].islower():  # the "von" part
        words = words[1:]
    return fold(" ".join(words))


AND = warm.pattern(r"\s+and\s+", re.IGNORECASE)


def _family_by_pybtex(bibtex_authors: str) -> str:
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Person

    try:
        first = next(iter(split_name_list(bibtex_authors.strip())), "")
        return " ".join(Person(first).last_names) or first
    except Exception:  # a list pybtex cannot split: its first word before a comma or the last
        first = AND.split(bibtex_authors.strip(), maxsplit=1)[0]
        return first.split(",")[0] if "," in first else (first.split() or [""])[-1]


# Particles that come before a family name and that a reference may or may not write.
PARTICLES = frozenset("van von der den de del della di da dos das du la le ten ter vom zu".split())


def reference_surnames(reference_authors: str) -> set[str]:
    """Return the ways a reference's first author may be named in the bibliography: the
    surname, and the whole name up to the first comma for an organisation ("World Health
    Organization"), which BibTeX keeps as one braced name."""
    whole = fold(re.split(r"[,.;(]", reference_authors, maxsplit=1)[0])
    return {name for name in (first_surname(reference_authors), whole) if name}


def first_surname(reference_authors: str) -> str:
    """Return the first author's surname from a reference's author text ("Shin S, Lee J").

    "van der Berg J" gives "berg", as first_family_name does for the BibTeX side."""
    words = re.split(r"[,;\s]+", reference_authors.strip())
    while len(words) > 1 and words[0].lower() in PARTICLES:
        words = words[1:]
    return fold(words[0]) if words else ""


def author_score(label: str | None, bibtex_authors: str | None) -> float | None:
    if not label or not bibtex_authors:
        return None
    return 1.0 if first_family_name(bibtex_authors) in reference_surnames(label) else 0.0
