"""Find the registered claim that says nearly the same thing as a new sentence.

Writers ask "does the team already cite something for this?". The register is read with
the fast C YAML parser, checked as all YAML is (texts and keys only; validation is the
audit's job), and sentences are compared by rapidfuzz's token-set ratio after markers, case
and typographic quotes are set aside; a candidate much shorter or longer than the sentence
is passed over, since token-set ratio scores any subset as a perfect match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from tracker import warm
from tracker.config import register_paths
from tracker.limits import MAX_REGISTER_BYTES, TooLarge, read_bytes
from tracker.markers import find_markers

MIN_SCORE = 85.0
MIN_LENGTH_RATIO = 0.6
# Added to the share of letters unshared words may hold (see unshared_share).
SHARE_MARGIN = 0.04
CANDIDATES = 5
WORD = warm.pattern(r"\w+")
TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class KnownClaim:
    """A registered claim that cites at least one source."""

    id: str
    text: str
    keys: tuple[str, ...]
    document: str


@dataclass(frozen=True)
class Match:
    """The closest registered claim and how alike it is (0-100)."""

    claim: KnownClaim
    score: float


def comparable(text: str) -> str:
    """Return text without its citation markers, in lower case, on one line."""
    for marker in reversed(find_markers(text)):
        text = text[: marker.start] + text[marker.end :]
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHY)).strip().lower()


def known_claims(folder: Path) -> list[KnownClaim]:
    """Read every register in folder and return its active claims that cite something."""
    # Imported here: a writer's check reads these claims from the cache while no register changed.
    from tracker.yamlio import YamlProblem, load_yaml

    found: list[KnownClaim] = []
    for path in register_paths(folder):
        try:
            # The size limit keeps a huge register from taking minutes here as well.
            text = read_bytes(path, MAX_REGISTER_BYTES).decode("utf-8-sig")
            data = load_yaml(text, round_trip=False, fast=True)
        except (OSError, ValueError, TooLarge, YamlProblem):  # the audit reports a bad register
            continue
        found.extend(cited_claims(data))
    return found


def cited_claims(data: object) -> list[KnownClaim]:
    """Return the usable cited claims of one loaded register, skipping anything malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        return []
    document = data.get("document") or {}
    path = str(document.get("path", "")) if isinstance(document, dict) else ""
    claims = []
    for item in data["claims"]:
        if not isinstance(item, dict) or item.get("status", "active") != "active":
            continue
        raw = item.get("citations")
        citations = raw if isinstance(raw, list) else []
        keys = tuple(str(c["key"]) for c in citations if isinstance(c, dict) and c.get("key"))
        if keys and isinstance(item.get("text"), str) and isinstance(item.get("id"), str):
            claims.append(KnownClaim(item["id"], item["text"], keys, path))
    return claims


class ClaimMatcher:
    """Answers "which registered claim is closest to this sentence?" for many sentences.

    Comparing a sentence with every claim is what makes large registers slow (10k sentences
    against 5k claims is 50 million comparisons), so only claims that could reach the score
    asked for are scored. Token-set ratio compares the words two texts share with each
    side's own words: for a score s, one side's unshared words hold at most
    2(1 - s) / (2 - s) of its letters (26% for 85). So the sentence and the claim share one
    of that side's rarest words covering that much of its letters (prefix filtering): claims
    are looked up under the sentence's rarest words, and under their own rarest words.
    """

    def __init__(self, claims: list[KnownClaim]) -> None:
        self.claims = claims
        self.choices = [comparable(c.text) for c in claims]
        self._words = [index_words(choice) for choice in self.choices]
        self._claims_with: dict[str, list[int]] = {}
        for number, distinct in enumerate(self._words):
            for word in distinct:
                self._claims_with.setdefault(word, []).append(number)
        # Each claim listed under its own rarest words only, for each share asked for.
        self._claims_led_by: dict[float, dict[str, list[int]]] = {}

    def closest(self, text: str, min_score: float = MIN_SCORE) -> Match | None:
        """Return the closest registered claim, if it is at least min_score alike."""
        if not self.claims:
            return None
        query = comparable(text)
        candidates = self._candidates(query, unshared_share(min_score))
        if not candidates:
            return None
        found = process.extract(
            query,
            {number: self.choices[number] for number in sorted(candidates)},
            scorer=fuzz.token_set_ratio,
            score_cutoff=min_score,
            limit=CANDIDATES,
        )
        for choice, score, number in found:
            if similar_length(query, choice):
                return Match(self.claims[number], float(score))
        return None

    def _rarest(self, words: set[str], share: float) -> list[str]:
        """Return the rarest of the words, taken until they hold more than share of the
        letters (a space counted with each word)."""
        ranked = sorted(words, key=lambda w: (len(self._claims_with.get(w, ())), w))
        enough = share * sum(len(w) + 1 for w in words)
        taken, letters = [], 0
        for word in ranked:
            taken.append(word)
            letters += len(word) + 1
            if letters > enough:
                break
        return taken

    def _led_by(self, share: float) -> dict[str, list[int]]:
        index = self._claims_led_by.get(share)
        if index is None:
            index = self._claims_led_by[share] = {}
            for number, distinct in enumerate(self._words):
                for word in self._rarest(distinct, share):
                    index.setdefault(word, []).append(number)
        return index

    def _candidates(self, query: str, share: float) -> set[int]:
        """Return the claims that could score high enough against the query."""
        words = index_words(query)
        found: set[int] = set()
        for word in self._rarest(words, share):
            found.update(self._claims_with.get(word, ()))
        led_by = self._led_by(share)
        for word in words:
            found.update(led_by.get(word, ()))
        return found


def index_words(text: str) -> set[str]:
    """Return the words a text is indexed under: punctuation set aside, so that "adults,"
    and "adults" meet (token-set ratio still scores them as nearly alike)."""
    return set(WORD.findall(text))


def unshared_share(min_score: float) -> float:
    """Return the most of a text's letters its unshared words can hold at min_score.

    With s shared and u unshared letters, 2s / (2s + u) >= min_score / 100; the margin covers
    the spaces token-set ratio puts between words.
    """
    score = min_score / 100
    return min(1.0, 2 * (1 - score) / (2 - score) + SHARE_MARGIN)


def similar_length(a: str, b: str) -> bool:
    """Tell whether two sentences have comparable numbers of words."""
    short, long = sorted((len(a.split()), len(b.split())))
    return long > 0 and short / long >= MIN_LENGTH_RATIO
