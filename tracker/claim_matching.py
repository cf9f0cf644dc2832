"""Pair claims edited a little with the register items they were, by wording and position.

A merge pairs an extracted claim with its register item by id, then by exact text. What is
left may still be the same claim after an edit (a word, a number, punctuation): this pass
pairs it by similar wording near the same place, so it keeps its id, its review and all a
person wrote on it. Only a claim really gone is left to vanish.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from tracker.model import Claim

# fuzz.ratio of the collapsed, lower-case texts, 0-100 (tests/test_edited_claims.py has the
# table). A word changed, added or dropped in a sentence of 40 characters or more scores
# 88-97, a number or punctuation changed 96-98. Other claims of the same page score mostly
# 75-85 ("reduces colds in adults" / "... in children" 83, "reduces bloating" / "reduces
# gas" 84); short ones a word apart can reach 88 and are paired. Erring that way is the
# cheaper: a wrong pairing keeps the review but makes it stale, naming the changed words,
# while a missed one leaves the review on a vanished claim.
SIMILAR_ENOUGH = 85.0
# Scores this close tell nothing apart (a changed digit is a point or two): position decides,
# and a claim equally near two such items is left unpaired rather than guessed.
CLOSE_CALL = 2.0
# An edited claim stands between the same unchanged claims as before, or one past them (swapped
# with a neighbour). Further away, a claim that reads alike is another one (a list of figures
# where "by 4 percent" went and "by 1001 percent" came), and the review stays on the vanished.
SLOTS_APART = 1
# Where many claims stand in reach (most of a register changed), each is compared with this
# many items either side of its own place among them: the merge stays linear (16,000
# claims against all 16,000 items would take half a minute; within the window, a second).
WINDOW = 200

Item = TypeVar("Item", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Wording:
    """A claim's or an item's text, compared, and where it stands."""

    text: str  # whitespace collapsed, lower case
    slot: int  # how many claims paired already stand before it
    start: int | None  # its offset in the document, when known


def pair_edited(
    items: Sequence[Item], claims: Sequence[Claim], matches: Mapping[int, Item]
) -> dict[int, Item]:
    """Return new pairs of claim index and register item, for claims edited a little."""
    paired = {id(item) for item in matches.values()}
    item_slots = _slots([id(item) in paired for item in items])
    claim_slots = _slots([index in matches for index in range(len(claims))])
    free = [i for i, item in enumerate(items) if id(item) not in paired and _text(item)]
    left = [index for index in range(len(claims)) if index not in matches]
    old = [Wording(_text(items[i]) or "", item_slots[i], _start(items[i])) for i in free]
    new = [_wording(claims[i], claim_slots[i]) for i in left]
    return {left[c]: items[free[i]] for c, i in pair_similar(new, old).items()}


def _slots(paired: list[bool]) -> list[int]:
    """Return, for each position, how many paired ones stand before it."""
    slots, count = [], 0
    for is_paired in paired:
        slots.append(count)
        count += is_paired
    return slots


def _text(item: Mapping[str, Any]) -> str | None:
    text = item.get("text")
    return " ".join(text.lower().split()) if isinstance(text, str) else None


def _start(item: Mapping[str, Any]) -> int | None:
    location = item.get("location")
    start = location.get("start") if isinstance(location, Mapping) else None
    return start if isinstance(start, int) and not isinstance(start, bool) else None


def _wording(claim: Claim, slot: int) -> Wording:
    return Wording(" ".join(claim.text.lower().split()), slot, claim.span.start)


def pair_similar(claims: Sequence[Wording], items: Sequence[Wording]) -> dict[int, int]:
    """Pair claim and item indexes whose wordings are similar enough, each at most once.

    A pair is made when each is the other's choice. Each pair made takes a rival away from
    other choices, so the rounds go on while they make pairs.
    """
    options = _options(claims, items)
    pairs: dict[int, int] = {}
    while found := _mutual_choices(options, pairs):
        pairs.update(found)
    return pairs


# An item a claim may be paired with (or a claim an item may): its score and its distance.
Option = tuple[float, tuple[int, float]]


def _options(claims: Sequence[Wording], items: Sequence[Wording]) -> dict[int, dict[int, Option]]:
    """Return, by claim index, the items in its reach that are similar enough."""
    slots = [item.slot for item in items]  # in register order, so sorted
    options: dict[int, dict[int, Option]] = {}
    for c, claim in enumerate(claims):
        low, high = _reach(c, claims, slots)
        found = process.extract(
            claim.text,
            [item.text for item in items[low:high]],
            scorer=fuzz.ratio,
            score_cutoff=SIMILAR_ENOUGH,
            limit=None,
        )
        options[c] = {low + i: (score, _distance(claim, items[low + i])) for _, score, i in found}
    return options


def _reach(c: int, claims: Sequence[Wording], slots: list[int]) -> tuple[int, int]:
    """Return the range of items claim c may be: SLOTS_APART from its slot, within WINDOW."""
    low = bisect_left(slots, claims[c].slot - SLOTS_APART)
    high = bisect_right(slots, claims[c].slot + SLOTS_APART)
    if high - low > 2 * WINDOW + 1:
        middle = c * len(slots) // len(claims)
        middle = min(max(middle, low + WINDOW), high - WINDOW - 1)
        low, high = middle - WINDOW, middle + WINDOW + 1
    return low, high


def _distance(claim: Wording, item: Wording) -> tuple[int, float]:
    """How far apart: paired claims between them, then characters (unknown is farthest)."""
    if claim.start is None or item.start is None:
        return abs(claim.slot - item.slot), float("inf")
    return abs(claim.slot - item.slot), float(abs(claim.start - item.start))


def _mutual_choices(options: dict[int, dict[int, Option]], pairs: dict[int, int]) -> dict[int, int]:
    """Return the pairs of a free claim and a free item that choose each other."""
    taken = set(pairs.values())
    by_item: dict[int, dict[int, Option]] = {}
    wanted: dict[int, int] = {}
    for c, near in options.items():
        free = {i: option for i, option in near.items() if i not in taken}
        if c in pairs or not free:
            continue
        for i, option in free.items():
            by_item.setdefault(i, {})[c] = option
        choice = _choose(free)
        if choice is not None:
            wanted[c] = choice
    return {c: i for c, i in wanted.items() if _choose(by_item[i]) == c}


def _choose(options: dict[int, Option]) -> int | None:
    """Return the best scored, or the nearest of those within a close call; None on a tie."""
    best = max(score for score, _ in options.values())
    close = sorted(
        (far, key) for key, (score, far) in options.items() if score >= best - CLOSE_CALL
    )
    if len(close) > 1 and close[0][0] == close[1][0]:
        return None
    return close[0][1]
