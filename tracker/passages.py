"""The passage of a source that best supports a claim, and what a source is about.

A source's text is the file sources/<key>.txt when the project keeps one, else the abstract
that `tracker verify` stored. Its sentences are ranked against the claim with Okapi BM25
(Robertson and Zaragoza, 2009: k1 = 1.5, b = 0.75) over crude stems, so "heals" meets
"healing"; the best sentence is proposed to the reviewer as the supporting quote, never
recorded as one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.config import SOURCES_DIR
from tracker.datafiles import load_data, word_pattern
from tracker.limits import MAX_DOCUMENT_BYTES, TooLarge, read_bytes
from tracker.resolve import stem

if TYPE_CHECKING:
    from tracker.project import Project

K1 = 1.5
B = 0.75
MOST_SENTENCES = 20_000  # a source text longer than this is ranked on its beginning
SHORTEST = 25  # characters: a heading or a figure label is no passage
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n\s*\n")
TOKEN = re.compile(r"[^\W_]+")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have in into
    is it its may might more most no not of on or our such than that the their there these
    they this those to was we were which while who will with would""".split()
)


@dataclass(frozen=True)
class Passage:
    """A sentence of a source and how well it matches a claim (BM25 score)."""

    text: str
    score: float


def source_file_text(root: Path, key: str) -> str | None:
    """Return the text of sources/<key>.txt as written, or None when there is none to read."""
    if Path(key).name != key or key.startswith("."):
        return None  # a key that is no plain file name names no file under sources/
    try:
        data = read_bytes(root / SOURCES_DIR / f"{key}.txt", MAX_DOCUMENT_BYTES)
    except (OSError, TooLarge):
        return None
    return data.decode("utf-8-sig", errors="replace")


def source_text(project: Project, key: str) -> str | None:
    """Return a source's text: sources/<key>.txt, else its stored abstract, else None."""
    text = source_file_text(project.root, key)
    if text and text.strip():
        return text
    result = project.verification.get(key)
    record = next((r for r in result.records if r.abstract), None) if result else None
    return record.abstract if record else None


def sentences(text: str) -> list[str]:
    """Split a text into sentences, leaving out headings and fragments."""
    parts = (" ".join(p.split()) for p in SENTENCE_END.split(text))
    return [p for p in parts if len(p) >= SHORTEST][:MOST_SENTENCES]


def terms(text: str) -> list[str]:
    """Return a text's content words as stems."""
    words = (w.lower() for w in TOKEN.findall(text))
    return [stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


@lru_cache(maxsize=32)
def indexed(text: str) -> tuple[list[str], list[Counter[str]]]:
    """Return a text's sentences and the terms of each: one source is cited by many claims,
    and is split once for all of them."""
    found = sentences(text)
    return found, [Counter(terms(sentence)) for sentence in found]


def best_passage(claim: str, text: str) -> Passage | None:
    """Return the sentence of a text that best matches a claim, or None if none shares a word."""
    found, documents = indexed(text)
    if not found:
        return None
    query = set(terms(claim))
    average = sum(sum(d.values()) for d in documents) / len(documents) or 1.0
    frequency = Counter(t for d in documents for t in query if t in d)
    best: Passage | None = None
    for sentence, counts in zip(found, documents, strict=True):
        length = sum(counts.values())
        score = 0.0
        for term in query & counts.keys():
            idf = math.log(1 + (len(documents) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            tf = counts[term]
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        if score > 0 and (best is None or score > best.score):
            best = Passage(sentence, round(score, 2))
    return best


@cache
def populations() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the cues of a text about people, and of one about animals or cells."""
    data = load_data("populations.yaml")
    animals = load_data("non_human_subjects.yaml")["cues"] + data["non_human"]
    return word_pattern(data["human"]), word_pattern(animals)


def about_people_only_in_claim(claim: str, text: str) -> bool:
    """Tell whether a claim speaks of people while its source speaks only of animals or cells."""
    human, non_human = populations()
    if not human.search(claim) or non_human.search(claim):
        return False
    return bool(non_human.search(text)) and not human.search(text)
