"""Find the names of diseases and conditions in a text, from a vocabulary shipped as data.

The vocabulary, tracker/data/conditions.txt, is derived from the Human Disease Ontology and
the Symptom Ontology (CC0); bench/build_conditions.py writes it and its header says from
which release.

Names are looked up as runs of words, the longest first, so "rheumatoid arthritis" is one
condition and not "arthritis"; abbreviations ("COPD", "MS") only in capitals, as written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from tracker import warm
from tracker.datafiles import data_stamp, data_text, load_data
from tracker.similar import TYPOGRAPHY

VOCABULARY = "conditions.txt"
LAY = "disease_claims.yaml"  # lay names regulators treat as conditions: germs, wounds
ABBREVIATIONS = "# abbreviations"
# Words split at hyphens ("pain-free", "non-Hodgkin"): names are looked up with spaces.
WORD = warm.pattern(r"[^\W_](?:[\w']*[^\W_])?")


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
    first_words: frozenset[str]  # most words start no name: they are passed over at once
    longest: int  # words in the longest name


@cache
def vocabulary() -> Vocabulary:
    """Load the condition names once, built in the last run when the files are the same."""
    names, abbreviations, first_words, longest = warm.value(
        "conditions",
        (data_stamp(VOCABULARY), data_stamp(LAY)),
        lambda: _build_vocabulary(data_text(VOCABULARY)),
    )
    # Kept as one text each: splitting it is faster than reading back 40,000 strings.
    return Vocabulary(
        frozenset(names.split("\n")), abbreviations, frozenset(first_words.split("\n")), longest
    )


def _build_vocabulary(text: str) -> tuple[str, dict[str, str], str, int]:
    """Build the vocabulary's parts (with the string methods and regular expressions that work
    through the whole file at once: a loop over its 27,000 lines took 40 ms a run)."""
    body, _, abbreviated = text.partition(f"\n{ABBREVIATIONS}\n")
    body = _after_header(body).replace("-", " ")
    if any(odd in body for odd in ("  ", "\t", " \n", "\n ")):  # edited by hand: tidy each line
        body = "\n".join(" ".join(line.split()) for line in body.splitlines())
    names = set(body.split("\n"))
    lay = load_data(LAY)["lay_conditions"]
    names.update(" ".join(n.replace("-", " ").split()) for n in lay)
    names.discard("")
    abbreviations: dict[str, str] = {}
    for line in abbreviated.splitlines():
        if line.strip() and not line.startswith("#"):
            short, _, full = line.partition("\t")
            abbreviations[short.strip()] = full.strip() or short.strip()
    first_words = {name.partition(" ")[0] for name in names}
    longest = max(map(str.count, names, itertools.repeat(" ")), default=0) + 1
    return "\n".join(sorted(names)), abbreviations, "\n".join(sorted(first_words)), longest


def _after_header(text: str) -> str:
    """Return the text after its opening comment lines."""
    start = 0
    while text.startswith("#", start):
        end = text.find("\n", start)
        if end < 0:
            return ""
        start = end + 1
    return text[start:]


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
        if not _may_start_a_name(known, lowered[index], found[index]):
            index += 1  # as most words: asked here, without the look-up of every run of words
            continue
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


def _may_start_a_name(known: Vocabulary, word: str, written: re.Match[str]) -> bool:
    """Tell whether a name may start at a word: its first word, a plural name, or an
    abbreviation (what _longest_at tries)."""
    if word in known.first_words or written.group(0) in known.abbreviations:
        return True
    return word.endswith("s") and any(s in known.names for s in singulars(word))


def _longest_at(
    known: Vocabulary, found: list[re.Match[str]], lowered: list[str], index: int
) -> Mention | None:
    word = lowered[index]
    if word in known.first_words:
        longest = known.longest
    else:  # a one-word name in the plural ("allergies"), or none
        longest = 1 if any(s in known.names for s in singulars(word)) else 0
    for size in range(min(longest, len(found) - index), 0, -1):
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
