"""Find the names of diseases and conditions in a text, from the vocabulary that
tracker/data/conditions.txt ships (derived from the Human Disease Ontology and the Symptom
Ontology, CC0; bench/build_conditions.py writes it and its header says from which release).

Names are looked up as runs of words, the longest first, so "rheumatoid arthritis" is one
condition and not "arthritis"; abbreviations ("COPD", "MS") only in capitals, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker.datafiles import data_text, load_data
from tracker.similar import TYPOGRAPHY

VOCABULARY = "conditions.txt"
LAY = "disease_claims.yaml"  # lay names regulators treat as conditions: germs, wounds
ABBREVIATIONS = "# abbreviations"
# Words split at hyphens ("pain-free", "non-Hodgkin"): names are looked up with spaces.
WORD = re.compile(r"[^\W_](?:[\w']*[^\W_])?")


@dataclass(frozen=True)
class Mention:
    """A condition named in a text: the words as written, the vocabulary's name, the span."""

    text: str
    name: str
    start: int
    end: int
    first_word: int  # index of its first word among the text's words
    last_word: int


@dataclass(frozen=True)
class Vocabulary:
    names: frozenset[str]
    abbreviations: dict[str, str]
    longest: int  # words in the longest name


@cache
def vocabulary() -> Vocabulary:
    """Load the condition names once."""
    text = data_text(VOCABULARY)
    names: set[str] = set()
    abbreviations: dict[str, str] = {}
    section = names
    for line in text.splitlines():
        if line.strip() == ABBREVIATIONS:
            section = None  # type: ignore[assignment]
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if section is None:
            short, _, full = line.partition("\t")
            abbreviations[short.strip()] = full.strip() or short.strip()
        else:
            names.add(" ".join(line.replace("-", " ").split()))
    names.update(" ".join(n.replace("-", " ").split()) for n in load_data(LAY)["lay_conditions"])
    longest = max((name.count(" ") + 1 for name in names), default=1)
    return Vocabulary(frozenset(names), abbreviations, longest)


def words(text: str) -> list[re.Match[str]]:
    """Return the words of a text, apostrophes made plain."""
    return list(WORD.finditer(text.translate(TYPOGRAPHY)))


def mentions(text: str) -> list[Mention]:
    """Return the conditions a text names, longest names first, none overlapping."""
    known = vocabulary()
    found = words(text)
    lowered = [m.group(0).lower() for m in found]
    result: list[Mention] = []
    index = 0
    while index < len(found):
        mention = _longest_at(known, found, lowered, index)
        if mention is None:
            index += 1
            continue
        result.append(mention)
        index = mention.last_word + 1
    return result


def known_name(known: Vocabulary, name: str) -> str | None:
    """Return the vocabulary's name for words, also in the plural ("disorders", "allergies")."""
    for candidate in (name, *singulars(name)):
        if candidate in known.names:
            return candidate
    return None


def singulars(name: str) -> list[str]:
    if name.endswith("ies"):
        return [name[:-3] + "y"]
    if name.endswith("s") and not name.endswith("ss"):
        return [name[:-1]]
    return []


def _longest_at(
    known: Vocabulary, found: list[re.Match[str]], lowered: list[str], index: int
) -> Mention | None:
    for size in range(min(known.longest, len(found) - index), 0, -1):
        name = known_name(known, " ".join(lowered[index : index + size]))
        if name is None:
            continue
        first, last = found[index], found[index + size - 1]
        text = first.string[first.start() : last.end()]
        return Mention(text, name, first.start(), last.end(), index, index + size - 1)
    word = found[index].group(0)
    if word in known.abbreviations:
        full = known.abbreviations[word]
        return Mention(word, full, found[index].start(), found[index].end(), index, index)
    return None
