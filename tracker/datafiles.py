"""Load the data files shipped in tracker/data: word lists, rule packs, cue lexicons.

Word lists are data so that adding a rule is a data-only change; this module is the one
place that reads them (with the C YAML parser when it is installed). What they parse and
compile to is kept from one run to the next (tracker.warm).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from tracker import warm


def load_data(name: str) -> Any:
    """Load one packaged YAML data file, by its path under tracker/data."""

    def parse() -> Any:
        from tracker.yamlio import load_yaml  # not imported at all when every file is kept

        return load_yaml(data_text(name), round_trip=False, fast=True)

    return warm.value(f"data/{name}", (data_stamp(name),), parse)


def data_text(name: str) -> str:
    """Return the text of one packaged data file, by its path under tracker/data."""
    return resources.files("tracker.data").joinpath(name).read_text(encoding="utf-8")


def data_stamp(name: str) -> str:
    """Return what tells one version of a packaged data file from another without reading it:
    its size and time of change, as Python tells a module's source from its __pycache__ (the
    text itself where the package is no folder of files)."""
    found = resources.files("tracker.data").joinpath(name)
    try:
        info = os.stat(found)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return data_text(name)
    return f"{info.st_size}:{info.st_mtime_ns}"


def data_names(folder: str) -> list[str]:
    """Return the paths of the YAML files in a folder under tracker/data, sorted."""
    found = resources.files("tracker.data").joinpath(folder).iterdir()
    return sorted(f"{folder}/{f.name}" for f in found if f.name.endswith(".yaml"))


def word_pattern(patterns: list[str]) -> re.Pattern[str]:
    """Compile patterns into one case-insensitive pattern that matches whole words only."""
    return warm.pattern(word_regex(patterns), re.I)


def word_regex(patterns: list[str]) -> str:
    body = "|".join(f"(?:{p})" for p in patterns)
    return rf"{WORD_START}(?:{body})(?![\w-])"


# Where a word of a cue list may start: no letter, digit or hyphen before it.
WORD_START = r"(?<![\w-])"


@dataclass(frozen=True)
class Folded:
    """A case-insensitive pattern searched in the lowercased text with a lowercased copy of
    itself: Python's engine runs a long case-insensitive alternation several times slower,
    and most sentences match none of the cue lists."""

    source: str

    @cached_property
    def lowered(self) -> re.Pattern[str]:
        return warm.pattern(searched_as_tree(lowercase_regex(self.source)))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return warm.pattern(self.source, re.I)

    def find(self, text: str, lowered: str | None = None) -> tuple[int, int] | None:
        """Return where the first match in text starts and ends, if there is one (lowered:
        text.lower(), when already made)."""
        lowered = text.lower() if lowered is None else lowered
        if folds_in_place(text, lowered):
            found = self.lowered.search(lowered)
        else:
            found = self.pattern.search(text)
        return found.span() if found else None

    def words(self, text: str, lowered: str | None = None) -> str | None:
        """Return the first match in text, as written, if there is one."""
        span = self.find(text, lowered)
        return text[span[0] : span[1]] if span else None


@dataclass(frozen=True)
class FoldedSet:
    """Several Folded patterns searched in the same texts (a kind of claim each, say).

    When every member matches only where a word starts, one search finds the places where any
    of them matches, and only there is each one tried: most of a search's time goes into
    trying the text place by place, once for all instead of once per member, and most
    sentences match few of the members, at few places. Members that may match anywhere are
    searched one by one, as trying all of them at every place costs more than that."""

    members: tuple[tuple[str, Folded], ...]

    @cached_property
    def starts(self) -> re.Pattern[str] | None:
        """A pattern matching, without taking any text, where any member's match starts (None
        when some member may start elsewhere than at a word)."""
        sources = [lowercase_regex(folded.source) for _, folded in self.members]
        if not all(source.startswith(WORD_START) for source in sources):
            return None
        body = "|".join(f"(?:{source[len(WORD_START) :]})" for source in sources)
        return warm.pattern(f"{WORD_START}(?={searched_as_tree(body)})")

    @cached_property
    def any(self) -> Folded:
        """A pattern matching wherever some member matches."""
        return Folded("|".join(f"(?:{folded.source})" for _, folded in self.members))

    def finds(self, text: str, lowered: str | None = None) -> Iterator[tuple[str, tuple[int, int]]]:
        """Yield, in the members' order, each member that matches in text and where its first
        match starts and ends (what its Folded.find returns)."""
        lowered = text.lower() if lowered is None else lowered
        if self.starts is None or not folds_in_place(text, lowered):
            if self.any.find(text, lowered) is None:
                return  # as most texts: one search instead of one per member
            for name, folded in self.members:
                span = folded.find(text, lowered)
                if span is not None:
                    yield name, span
            return
        starts = [found.start() for found in self.starts.finditer(lowered)]
        if not starts:
            return
        for name, folded in self.members:
            # A member's first match starts at the first of these places where it matches.
            for start in starts:
                found = folded.lowered.match(lowered, start)
                if found is not None:
                    yield name, found.span()
                    break


def searched_as_tree(source: str) -> str:
    """Return a cue list's pattern rewritten as a prefix tree (tracker.prefix_tree), which
    matches the same, faster; the rewriting itself is kept between runs."""
    from tracker.prefix_tree import prefix_tree

    name = "prefix-tree/" + hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
    return warm.value(name, (source, _REWRITER_STAMP), lambda: prefix_tree(source))


def _rewriter_stamp() -> str:
    """Tell one version of tracker/prefix_tree.py from another, as data_stamp does a data file."""
    try:
        info = os.stat(os.path.join(os.path.dirname(__file__), "prefix_tree.py"))
    except OSError:
        return ""
    return f"{info.st_size}:{info.st_mtime_ns}"


_REWRITER_STAMP = _rewriter_stamp()


def folds_in_place(text: str, lowered: str) -> bool:
    """Tell whether a pattern may be searched in text's lowercase instead of text itself: the
    offsets are the same, and no letter folds unlike its lowercase."""
    return len(lowered) == len(text) and (text.isascii() or plain_folding(text))


# Letters that a case-insensitive pattern matches with an ASCII letter while their lowercase
# is no ASCII letter (Python's re documentation names these four).
SPECIAL_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")


def may_hold(text: str, *words: str) -> bool:
    """Tell whether a case-insensitive pattern for any of these lowercase words could match in
    text: False only when its lowercase holds none of them and no letter folds unlike it."""
    lowered = text.lower()
    return any(word in lowered for word in words) or not (text.isascii() or plain_folding(text))


def plain_folding(text: str) -> bool:
    """Tell whether lowercasing a text folds its letters as a case-insensitive match does."""
    return not any(letter in text for letter in SPECIAL_FOLDING)


def folded_words(patterns: list[str]) -> Folded:
    """Return patterns as one Folded pattern matching whole words (as word_pattern does)."""
    return Folded(word_regex(patterns))


def lowercase_regex(source: str) -> str:
    """Lowercase a regular expression's letters, but not its escapes (\\S is not \\s)."""
    parts: list[str] = []
    done = 0
    for kept in _KEEP_CASE.finditer(source):
        parts.append(source[done : kept.start()].lower())
        parts.append(kept.group())
        done = kept.end()
    parts.append(source[done:].lower())
    return "".join(parts)


# Escapes (a character named \\N{...} whole) and the syntax of a named group, not its name.
_KEEP_CASE = re.compile(r"\\N\{[^}]*\}|\\.|\(\?P", re.S)
