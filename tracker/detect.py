"""Decide whether a unit of text is a claim, of which kinds, and say why.

A declarative statement is a claim unless it asks, directs, advises or talks about the page
itself; its kinds come from cue lexicons (tracker/data/claim_cues.yaml), and every cue that
fired is given as a reason, so a reviewer can see why the tracker flagged a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tracker import warm
from tracker.datafiles import WORD_START, Folded, FoldedSet, load_data
from tracker.markers import strip_trailing_markers
from tracker.model import KINDS
from tracker.readers import without_terminal_codes

SENTENCE_END = warm.pattern(r"[.!?][\"”’'»)\]*]*$")
MIN_WORDS_WITHOUT_STOP = 8


@dataclass(frozen=True)
class Decision:
    """Whether a unit is a claim, its kinds, and the cues behind the decision."""

    is_claim: bool
    kinds: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """The compiled cue lists of the data files."""

    kinds: FoldedSet
    table_values: Folded
    imperative: re.Pattern[str]
    non_claim: FoldedSet
    rules: dict[str, str]


def alternation(cues: list[str], anchored_word: bool = True) -> Folded:
    """Compile cues into one case-insensitive pattern matched at the start of a word."""
    body = "|".join(f"(?:{cue})" for cue in cues)
    return Folded(rf"{WORD_START}(?:{body})" if anchored_word else body)


@cache
def lexicon() -> Lexicon:
    """Return the cue lexicons, compiled once."""
    cues = load_data("claim_cues.yaml")
    rules = load_data("non_claims.yaml")
    openers = "|".join(re.escape(word) for word in rules["imperative_openers"])
    return Lexicon(
        kinds=FoldedSet(tuple((kind, alternation(cues["kinds"][kind])) for kind in KINDS)),
        table_values=alternation(cues["table_values"]),
        imperative=warm.pattern(rf"^(?:{openers})\b", re.I),
        non_claim=FoldedSet(
            tuple((str(name), alternation(p, False)) for name, p in rules["patterns"].items())
        ),
        rules={str(name): str(rule) for name, rule in rules["rules"].items()},
    )


def because(rule: str, detail: str = "") -> tuple[str, ...]:
    """Return the reason a unit is not a claim: the labelling rule, then what showed it."""
    named = lexicon().rules[rule]
    return (f"{named}: {detail}" if detail else named,)


def classify(text: str, kind: str, in_references: bool = False) -> Decision:
    """Decide whether one unit is a claim."""
    if in_references:
        return Decision(False, reasons=because("reference-entry"))
    if kind in ("heading", "table_header"):
        return Decision(False, reasons=because("heading"))
    # Escape sequences decide nothing: one after the full stop once made a claim a fragment.
    body = strip_trailing_markers(without_terminal_codes(text)).strip()
    if kind == "table_row":
        return table_row(body)
    refusal = not_a_statement(body)
    if refusal and not listed_claim(refusal, kind, text, body):
        return Decision(False, reasons=because(*refusal))
    kinds, reasons = cues_in(body)
    if not kinds:
        return Decision(True, ("background",), ("declarative statement of fact",))
    return Decision(True, kinds, reasons)


def listed_claim(refusal: tuple[str, str], kind: str, text: str, body: str) -> bool:
    """Tell whether a list item too short to be a sentence still claims something: it cites a
    source, or names an effect, a quantity or a finding ("Reduced dullness", "12 weeks")."""
    if kind != "list_item" or refusal[0] != "navigation":
        return False
    cited = len(text.strip()) > len(body)
    return cited or bool(cues_in(body)[0])


def table_row(body: str) -> Decision:
    """A table row is a claim when its cells state what something holds or how much."""
    value = lexicon().table_values.words(body)
    if not value:
        return Decision(False, reasons=because("heading", "table row without values"))
    reason = f"row of a comparison table: {value!r}"
    return Decision(True, ("composition", "comparative"), (reason,))


def not_a_statement(body: str) -> tuple[str, str] | None:
    """Return the rule by which a unit is not a statement and what showed it, or None."""
    if body.endswith("?"):
        return ("question", "")
    if body.endswith(":"):
        return ("transition", "a lead-in to what follows")
    words = body.split()
    if not SENTENCE_END.search(body) and len(words) < MIN_WORDS_WITHOUT_STOP:
        return ("navigation", "a fragment, not a sentence")
    if lexicon().imperative.search(body):
        return ("call-to-action", f"an instruction to the reader ({words[0]!r})")
    for name, (start, end) in lexicon().non_claim.finds(body):
        return (name, repr(body[start:end]))
    return None


def cues_in(body: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the kinds whose cues occur in a statement, and one quoted cue for each."""
    kinds: list[str] = []
    reasons: list[str] = []
    for kind, (start, end) in lexicon().kinds.finds(body):
        kinds.append(kind)
        reasons.append(f"{kind}: {body[start:end].strip()!r}")
    return tuple(kinds), tuple(reasons)
