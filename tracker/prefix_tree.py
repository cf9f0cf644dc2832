"""Rewrite a long alternation of cue patterns as a prefix tree: the same matches, found faster.

Python's engine tries the alternatives of `(?:cure|cured|heal|...)` one by one at every place
a word starts; given `c(?:ure(?:|d))|heal|...` it skips every branch whose first letter
differs from the text's after one comparison. So the alternatives are spelled out where a
group or an optional group opens them (`(?:far|much) better` as `far better|much better`),
and those that begin with a plain character are grouped under it, a few levels deep.

Only reorderings that cannot change a match are made: alternatives are regrouped only with
others that begin with the same character (two that begin differently never match at the
same place), keep their order within the group, and never move past an alternative that
begins with anything else (a class, an escape, an assertion). Patterns with capturing
groups, back-references or inline flags are left as they are. tests/test_prefix_tree.py
checks the rewritten cue lists against the originals.
"""

from __future__ import annotations

from collections.abc import Iterator

QUANTIFIERS = "?*+{"
# Characters that stand for themselves at the start of an alternative (with letters and
# digits): the regex syntax characters are not among them.
LITERAL_PUNCTUATION = frozenset(" -'’%#,/&:;!\"<>=@~`")
# Anchors that may stand before an alternative's first letter, and how to say the same of the
# place after it: a word boundary before a letter has no word character before the letter; the
# start of the text has nothing before it.
ANCHORS_BEFORE_A_LETTER = {"\\b": r"(?<!\w.)", "^": r"(?<![\s\S]{2})"}
# How many alternatives one alternative may be spelled out into, and how deep the tree goes.
MAX_SPELLED_OUT = 64
DEPTH = 3
# Groups a rewritten pattern may hold: non-capturing ones and assertions.
PLAIN_GROUPS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


def prefix_tree(source: str) -> str:
    """Return a pattern that matches what source matches, where it does, as a prefix tree.

    source is an alternation, or one group of alternatives between a leading look-behind
    (a word start) and a tail of assertions: the shapes of the tracker's cue lists.
    """
    if not rewritable(source):
        return source
    head = ""
    if source.startswith("(?<"):
        end = group_end(source, 0)
        head, source = source[: end + 1], source[end + 1 :]
    if source.startswith("(?:"):
        end = group_end(source, 0)
        tail = source[end + 1 :]
        if only_assertions(tail):  # kept out of the tree, not copied into every branch
            return f"{head}(?:{tree([source[3:end]], DEPTH)}){tail}"
    return f"{head}(?:{tree([source], DEPTH)})" if head else tree([source], DEPTH)


def only_assertions(pattern: str) -> bool:
    """Tell whether a pattern is nothing but look-ahead and look-behind groups."""
    while pattern.startswith(PLAIN_GROUPS[1:]):
        pattern = pattern[group_end(pattern, 0) + 1 :]
    return not pattern


def rewritable(source: str) -> bool:
    """Tell whether a pattern holds only groups and escapes that survive regrouping."""
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if source[i + 1 : i + 2].isdigit():
                return False  # a back-reference: group numbers would move
            i += 2
            continue
        if char == "[":
            i = class_end(source, i) + 1
            continue
        if char == "(" and not source.startswith(PLAIN_GROUPS, i):
            return False  # a capturing or named group, or inline flags
        i += 1
    return True


def tree(alternatives: list[str], depth: int) -> str:
    """Return the alternatives (each perhaps an alternation itself) as one prefix tree."""
    spelled: list[str] = []
    for alternative in alternatives:
        for part in top_level(alternative):
            spelled += spell_out(part)
    out: list[str] = []
    run: dict[str, list[str]] = {}  # a run of alternatives that begin with a plain character

    def close_run() -> None:
        for first, rests in run.items():
            if len(rests) == 1:
                out.append(first + rests[0])
                continue
            shared = shared_start(rests)  # "pain|pains": pain(?:|s), one level, not four
            first, rests = first + rests[0][:shared], [rest[shared:] for rest in rests]
            if depth > 1:
                out.append(f"{first}(?:{tree(rests, depth - 1)})")
            else:
                out.append(f"{first}(?:{'|'.join(rests)})")
        run.clear()

    for alternative in spelled:
        split = split_first(alternative)
        if split is None:
            close_run()
            out.append(alternative)
        else:
            run.setdefault(split[0], []).append(split[1])
    close_run()
    return "|".join(out)


def split_first(alternative: str) -> tuple[str, str] | None:
    """Return the plain character an alternative begins with and what must follow it, if it
    begins with one; an anchor before a letter or digit ("\\bcure", "^this") is checked
    after the letter instead, so that the letter leads."""
    for anchor, behind in ANCHORS_BEFORE_A_LETTER.items():
        if alternative.startswith(anchor):
            after = alternative[len(anchor) :]
            first = leading_literal(after)
            if first is None or not first.isalnum():
                return None
            return first, behind + after[1:]
    first = leading_literal(alternative)
    return None if first is None else (first, alternative[1:])


def spell_out(alternative: str) -> list[str]:
    """Return alternatives that match, in this order, what one alternative matches: a group
    that opens it is spelled out (an optional one as itself, then as nothing, as a greedy ?
    tries them)."""
    anchor = next((a for a in ANCHORS_BEFORE_A_LETTER if alternative.startswith(a)), "")
    if not alternative.startswith("(?:", len(anchor)):
        return [alternative]
    # An anchor takes no text: "\\b(?:is|are) x" is "\\bis x|\\bare x".
    end = group_end(alternative, len(anchor))
    inside, rest = alternative[len(anchor) + 3 : end], alternative[end + 1 :]
    choices: list[str | None]
    if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
        choices = [*top_level(inside), None]
        rest = rest[1:]
    elif rest[:1] and rest[0] in QUANTIFIERS:
        return [alternative]
    else:
        choices = list(top_level(inside))
    spelled: list[str] = []
    for choice in choices:
        spelled += spell_out(anchor + (rest if choice is None else choice + rest))
        if len(spelled) > MAX_SPELLED_OUT:
            return [alternative]
    return spelled


def shared_start(alternatives: list[str]) -> int:
    """Return how many plain characters, none repeated, all the alternatives begin with."""
    length = 0
    while True:
        firsts = {leading_literal(alternative[length:]) for alternative in alternatives}
        if len(firsts) != 1 or None in firsts:
            return length
        length += 1


def leading_literal(alternative: str) -> str | None:
    """Return the character an alternative begins with, if it is a plain one, not repeated."""
    first = alternative[:1]
    if not first or not (first.isalnum() or first in LITERAL_PUNCTUATION):
        return None
    if alternative[1:2] and alternative[1] in QUANTIFIERS:
        return None
    return first


def top_level(source: str) -> list[str]:
    """Split a pattern at the | that stand outside every group and class."""
    parts: list[str] = []
    start = 0
    for i, char, depth in _structure(source, 0):
        if char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def group_end(source: str, start: int) -> int:
    """Return where the group opened at source[start] closes."""
    for i, char, depth in _structure(source, start):
        if char == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced group in {source!r}")


def _structure(source: str, start: int) -> Iterator[tuple[int, str, int]]:
    """Yield each character of a pattern from start that is neither escaped nor in a class,
    with its place and the depth of groups after it."""
    depth = 0
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = class_end(source, i) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        yield i, char, depth
        i += 1


def class_end(source: str, start: int) -> int:
    """Return where the character class opened at source[start] closes (a ] first in the
    class, or after its ^, is a member)."""
    i = start + 1
    if source[i : i + 1] == "^":
        i += 1
    if source[i : i + 1] == "]":
        i += 1
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i
