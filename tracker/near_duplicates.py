"""Find the pairs of near-duplicate sentences among many, without comparing every pair.

Two sentences are near-duplicates when rapidfuzz's token-set ratio is at least the given
score and their numbers of words are comparable, as in tracker.similar (token-set ratio
scores any subset 100). Comparing all pairs is quadratic (50 million pairs for 10,000
claims), so candidates are blocked first by a prefix filter, the set-similarity-join
technique: each sentence becomes the set of its word stems (first STEM characters), stems
are ordered from rarest to commonest across all sentences, and two sentences are compared
only when they share HITS stems among the rarest few of each. That is exact for the pairs
sharing at least MIN_SHARED of the larger stem set; the pairs it skips, near-duplicates
that share fewer stems, would need most of their words misspelt or inflected differently.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from tracker.similar import MIN_LENGTH_RATIO

MIN_SCORE = 90.0
# Stems of four characters let "reduces" meet "reduce" and "colds" meet "cold".
STEM = 4
# The least share of the larger stem set two compared sentences have in common.
MIN_SHARED = 0.5
# Stems two candidates must share among their rarest: a longer prefix that must share more
# of itself lets far fewer unrelated pairs through (measured best at 3 for 5,000-10,000).
HITS = 3
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sentence:
    """A text as compared: itself, its set of word stems and its number of words."""

    text: str
    stems: set[str]
    words: int


def stems(text: str) -> set[str]:
    """Return the set of word stems of a text."""
    return {word[:STEM] for word in WORD.findall(text.lower())}


def near_duplicates(
    texts: list[str], min_score: float = MIN_SCORE
) -> Iterator[tuple[int, int, float]]:
    """Yield (i, j, score) with i < j for every pair of near-duplicate texts."""
    sentences = [Sentence(text, stems(text), len(text.split())) for text in texts]
    order = rarity([s.stems for s in sentences])
    index: dict[str, set[int]] = defaultdict(set)
    for j, own in enumerate(sentences):
        candidates = sharing(index, prefix(own.stems, order), j, needed(len(own.stems)))
        for i, score in verified(sentences, candidates, own, min_score):
            yield i, j, score


def rarity(stem_sets: list[set[str]]) -> dict[str, tuple[int, str]]:
    """Return each stem's place in the global order: rarest first, ties by the stem itself."""
    counts = Counter(stem for own in stem_sets for stem in own)
    return {stem: (count, stem) for stem, count in counts.items()}


def needed(size: int) -> int:
    """Return how many stems a set of this size must share with another, at least."""
    return math.ceil(MIN_SHARED * size)


def prefix(own: set[str], order: dict[str, tuple[int, str]]) -> list[str]:
    """Return the rarest stems of a set, enough that two sets sharing MIN_SHARED of the larger
    meet in HITS of them (or in all they share, when fewer): the shared stems that come first
    in the global order lie in both prefixes.
    """
    return sorted(own, key=order.__getitem__)[: len(own) - needed(len(own)) + HITS]


def sharing(index: dict[str, set[int]], stems: list[str], j: int, need: int) -> list[int]:
    """Return the earlier sentences sharing min(HITS, need) of these stems; index sentence j.

    hits[k] holds the sentences seen in k + 1 postings so far, kept with set operations so
    the counting runs in C.
    """
    hits: list[set[int]] = [set() for _ in range(HITS)]
    for stem in stems:
        posting = index[stem]
        for k in range(HITS - 1, 0, -1):
            hits[k] |= hits[k - 1] & posting
        hits[0] |= posting
        posting.add(j)
    return sorted(hits[max(1, min(HITS, need)) - 1])


def verified(
    sentences: list[Sentence], candidates: list[int], own: Sentence, min_score: float
) -> Iterator[tuple[int, float]]:
    """Yield the candidates that really are near-duplicates of a sentence, with their score."""
    choices = {i: sentences[i].text for i in candidates if alike(own, sentences[i])}
    found = process.extract(
        own.text, choices, scorer=fuzz.token_set_ratio, score_cutoff=min_score, limit=None
    )
    for _, score, i in found:
        yield i, float(score)


def alike(a: Sentence, b: Sentence) -> bool:
    """Tell whether two sentences share enough stems and have comparable numbers of words."""
    short, long = sorted((a.words, b.words))
    shared = len(a.stems & b.stems) >= MIN_SHARED * max(len(a.stems), len(b.stems))
    return shared and long > 0 and short / long >= MIN_LENGTH_RATIO
