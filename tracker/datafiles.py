"""Load the data files shipped in tracker/data: word lists, rule packs, cue lexicons.

Word lists are data so that adding a rule is a data-only change; this module is the one
place that reads them (with the C YAML parser when it is installed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from tracker.yamlio import load_yaml


def load_data(name: str) -> Any:
    """Load one packaged YAML data file, by its path under tracker/data."""
    return load_yaml(data_text(name), round_trip=False, fast=True)


def data_text(name: str) -> str:
    """Return the text of one packaged data file, by its path under tracker/data."""
    return resources.files("tracker.data").joinpath(name).read_text(encoding="utf-8")


def data_names(folder: str) -> list[str]:
    """Return the paths of the YAML files in a folder under tracker/data, sorted."""
    found = resources.files("tracker.data").joinpath(folder).iterdir()
    return sorted(f"{folder}/{f.name}" for f in found if f.name.endswith(".yaml"))


def word_pattern(patterns: list[str]) -> re.Pattern[str]:
    """Compile patterns into one case-insensitive pattern that matches whole words only."""
    return re.compile(word_regex(patterns), re.I)


def word_regex(patterns: list[str]) -> str:
    body = "|".join(f"(?:{p})" for p in patterns)
    return rf"(?<![\w-])(?:{body})(?![\w-])"


@dataclass(frozen=True)
class Folded:
    """A case-insensitive pattern searched in the lowercased text with a lowercased copy of
    itself: Python's engine runs a long case-insensitive alternation several times slower,
    and most sentences match none of the cue lists."""

    source: str

    @cached_property
    def lowered(self) -> re.Pattern[str]:
        return re.compile(lowercase_regex(self.source))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.I)

    def find(self, text: str, lowered: str | None = None) -> tuple[int, int] | None:
        """Return where the first match in text starts and ends, if there is one (lowered:
        text.lower(), when already made)."""
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) != len(text) or not (text.isascii() or _plain_folding(text)):
            # Offsets would differ, or a letter folds unlike its lowercase: as written.
            found = self.pattern.search(text)
        else:
            found = self.lowered.search(lowered)
        return found.span() if found else None

    def words(self, text: str, lowered: str | None = None) -> str | None:
        """Return the first match in text, as written, if there is one."""
        span = self.find(text, lowered)
        return text[span[0] : span[1]] if span else None


# Letters that a case-insensitive pattern matches with an ASCII letter while their lowercase
# is no ASCII letter (Python's re documentation names these four).
SPECIAL_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")


def _plain_folding(text: str) -> bool:
    """Tell whether lowercasing a text folds its letters as a case-insensitive match does."""
    return not any(letter in text for letter in SPECIAL_FOLDING)


def folded_words(patterns: list[str]) -> Folded:
    """Return patterns as one Folded pattern matching whole words (as word_pattern does)."""
    return Folded(word_regex(patterns))


def lowercase_regex(source: str) -> str:
    """Lowercase a regular expression's letters, but not its escapes (\\S is not \\s)."""
    out: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            end = index + 2
            if source.startswith("N{", index + 1):  # a character named \\N{...}
                end = source.index("}", index) + 1
            out.append(source[index:end])
            index = end
            continue
        if source.startswith("(?P", index):  # a named group's syntax, not its name
            out.append("(?P")
            index += 3
            continue
        out.append(char.lower())
        index += 1
    return "".join(out)
