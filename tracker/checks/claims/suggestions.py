"""Sources that may support an uncited claim: those the project already cites for nearly the
same statement, and bibliography entries whose title, keywords or abstract fit the claim.

These are suggestions with a score, never links: a reviewer reads the source and cites it,
and never weaker than the claim needs (no laboratory study for a claim about people).
Entries are found through an index of their content words (a word shared with the claim
must be one that few entries use), and the few found are scored with rapidfuzz's token-set
ratio over the words of each field, so 200 claims against 6,000 entries take about a
second, most of it spent reading the entries' words once per run.
"""

from __future__ import annotations

import heapq
import math
import string
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.checks.evidence.mismatch import about_people
from tracker.model import Claim, Finding, Severity, Source
from tracker.similar import ClaimMatcher, KnownClaim

ID = "claims.suggestions"
SEVERITY = Severity.INFO
SUMMARY = "an uncited claim may be supported by a source the project already has"

FITS = {"title": "title fits", "keywords": "keywords fit", "abstract": "abstract fits"}
FIELDS = tuple(FITS)
MIN_FIT = 70.0  # token-set ratio (0-100) of a field's words to the claim's
MIN_SHARED = 3  # content words a field must share with the claim
SHORTLIST = 10  # entries scored per claim, the best by shared rare words
MOST = 3  # suggestions per claim
LIKE_CLAIM = 60.0  # token-set ratio (0-100) of a registered claim to the uncited one
COMMON_SHARE = 0.1  # a word in more than this share of entries (and > COMMON_FLOOR) finds none
COMMON_FLOOR = 50
STEM_LENGTH = 6  # words are compared by their first letters: "regenerative" ~ "regeneration"
SEPARATORS = str.maketrans({c: " " for c in string.punctuation + "’‘“”–—…"})

# Words that say nothing about what a claim or a work is about.
STOPWORDS = frozenset(
    """a about above after again all also an and any are as at be because been before being
    between both but by can could did do does during each few for from further had has have
    having he her here hers him his how however i if in into is it its itself just may might
    more most much must my no nor not now of off on once only or other our out over own same
    she should so some such than that the their them then there these they this those through
    to too under until up upon very was we were what when where which while who whom why will
    with within without would you your using used use via new based""".split()
)


@dataclass(frozen=True)
class Suggestion:
    """A source that may support a claim, how well it fits (0-100) and why."""

    key: str
    score: float
    reason: str

    def __str__(self) -> str:
        return f"{self.key} ({self.reason}, {self.score:.0f}%)"


class Stems(dict[str, str]):
    """The stems of the words met so far: most words recur, so each is cut only once."""

    def __missing__(self, word: str) -> str:
        self[word] = stem = cut(word)
        return stem


def cut(word: str) -> str:
    """Return a word's first letters, after a plural -s; "" for a short word or a number."""
    if len(word) < 3 or word.isdigit():
        return ""
    if len(word) > STEM_LENGTH:
        return word[:STEM_LENGTH]
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str, stems: Stems) -> set[str]:
    """Return the stems of a text's words, leaving out short and common words."""
    words = set(text.lower().translate(SEPARATORS).split()) - STOPWORDS
    found = set(map(stems.__getitem__, words))
    found.discard("")
    return found


class SourceIndex:
    """The content words of each entry's title, keywords and abstract, indexed by word.

    Given the texts of the claims to be matched, only their words are indexed.
    """

    def __init__(self, sources: Iterable[Source], claims: Iterable[str] | None = None) -> None:
        self.stems = Stems()
        wanted = None if claims is None else set().union(*(self.words(c) for c in claims))
        self.keys: list[str] = []
        self.fields: list[dict[str, set[str]]] = []
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for source in sources:
            fields = {name: self.words(source.get(name) or "") for name in FIELDS}
            found = fields["title"] | fields["keywords"] | fields["abstract"]
            for word in found if wanted is None else found & wanted:
                postings[word].append(len(self.keys))
            self.keys.append(source.key)
            self.fields.append(fields)
        limit = max(COMMON_FLOOR, COMMON_SHARE * len(self.keys))
        self.postings = {w: p for w, p in postings.items() if len(p) <= limit}
        self.weight = {w: math.log((len(self.keys) + 1) / len(p)) + 1 for w, p in postings.items()}

    def words(self, text: str) -> set[str]:
        return content_words(text, self.stems)

    def shortlist(self, words: set[str]) -> list[int]:
        """Return the entries that share the most rare words with a claim."""
        shared: defaultdict[int, float] = defaultdict(float)
        for word in words & self.postings.keys():
            for index in self.postings[word]:
                shared[index] += self.weight[word]
        return heapq.nlargest(SHORTLIST, shared, key=shared.__getitem__)

    def suggest(self, text: str) -> list[Suggestion]:
        """Return the entries whose title, keywords or abstract fit a claim, best first."""
        words = self.words(text)
        found = [self.fit(index, words) for index in self.shortlist(words)]
        return sorted((s for s in found if s), key=lambda s: -s.score)

    def fit(self, index: int, words: set[str]) -> Suggestion | None:
        """Return how well the best-fitting field of one entry fits a claim's words."""
        query = " ".join(sorted(words))
        best: Suggestion | None = None
        for name, field_words in self.fields[index].items():
            if len(words & field_words) < MIN_SHARED:
                continue
            score = fuzz.token_set_ratio(query, " ".join(sorted(field_words)))
            if score >= MIN_FIT and (best is None or score > best.score):
                best = Suggestion(self.keys[index], score, FITS[name])
        return best


def known_claims(audit: Audit) -> list[KnownClaim]:
    """Return the project's active claims that cite at least one known source."""
    sources = audit.project.bibliography.sources
    found = []
    for register, claim in audit.project.claims():
        keys = tuple(k for k in claim.cited_keys if k in sources)
        if keys:
            found.append(KnownClaim(claim.id, claim.text, keys, register.document.path))
    return found


def like_claim(matcher: ClaimMatcher, text: str) -> list[Suggestion]:
    """Return the sources cited for the registered claim that says nearly the same thing."""
    match = matcher.closest(text, LIKE_CLAIM)
    if match is None:
        return []
    reason = f"cited for the like claim {match.claim.id}"
    return [Suggestion(key, match.score, reason) for key in match.claim.keys]


def best(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Return the best-scored suggestion of each source, at most MOST of them."""
    chosen: dict[str, Suggestion] = {}
    for suggestion in sorted(suggestions, key=lambda s: -s.score):
        chosen.setdefault(suggestion.key, suggestion)
    return list(chosen.values())[:MOST]


def check(audit: Audit) -> Iterator[Finding]:
    uncited = [(r, c) for r, c in audit.project.claims() if not c.citations]
    if not uncited:
        return  # reading every entry's words is the cost of this check: none are needed
    sources = audit.project.bibliography.sources.values()
    usable = (s for s in sources if not s.unverifiable)
    index = SourceIndex(usable, [claim.text for _, claim in uncited])
    matcher = ClaimMatcher(known_claims(audit))
    for register, claim in uncited:
        candidates = [*like_claim(matcher, claim.text), *index.suggest(claim.text)]
        found = best(s for s in candidates if strong_enough(audit, claim, s.key))
        if not found:
            continue
        message = (
            f'uncited claim "{excerpt(claim.text)}" may be supported by '
            f"{', '.join(map(str, found))} - {advice(len(found))} in {register.path} "
            "(a suggestion from shared words, not a link)"
        )
        yield at_claim(audit, register, claim, ID, SEVERITY, message)


def strong_enough(audit: Audit, claim: Claim, key: str) -> bool:
    """Tell whether a source could substantiate the claim: a claim of what a treatment does
    to people is never pointed at laboratory or animal work, however well its words fit."""
    evidence = audit.evidence.get(key)
    if evidence is None or evidence.level is None:
        return True
    return evidence.human or not about_people(claim)


def advice(count: int) -> str:
    if count == 1:
        return "read the source and, if it supports the claim, cite it"
    return "read these sources and cite the one that supports the claim"
