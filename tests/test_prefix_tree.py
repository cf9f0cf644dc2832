"""Cue lists rewritten as prefix trees (tracker.prefix_tree) match what they matched, where
they matched it: the rewriting may only change how fast a match is found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.checks.regulatory.disease_claim import cues
from tracker.datafiles import WORD_START, lowercase_regex, word_regex
from tracker.detect import lexicon
from tracker.judgement import rules
from tracker.prefix_tree import prefix_tree

REWRITTEN = [
    ("cure|cured|heal|care", "c(?:ure(?:|d)|are)|heal"),
    ("(?:far|much) better", "far better|much better"),
    ("(?:the )?most", "the most|most"),
    # An alternative that begins otherwise keeps its place: "cat" may not move before it.
    (r"cap|\w+s|cat", r"cap|\w+s|cat"),
    (r"(?<![\w-])(?:(?:pain)|(?:pains))(?![\w-])", r"(?<![\w-])(?:pain(?:|s))(?![\w-])"),
    # An anchor before a letter is checked after it, so that the letter leads.
    (
        r"\b(?:is|are) as follows|^the end",
        r"i(?<!\w.)s as follows|a(?<!\w.)re as follows|t(?<![\s\S]{2})he end",
    ),
    # Spelled out only where a group opens an alternative, and only when not repeated.
    (r"(?:a|b)c|d(?:e|f)", r"ac|bc|d(?:e|f)"),
    # A repeated group, or a repeated first letter, is no prefix.
    ("(?:ab)+c|a?b", "(?:ab)+c|a?b"),
]


@pytest.mark.parametrize(("source", "expected"), REWRITTEN)
def test_an_alternation_becomes_a_prefix_tree(source: str, expected: str) -> None:
    assert prefix_tree(source) == expected


@pytest.mark.parametrize(
    "source",
    [r"(cure)|cured", r"(?P<word>heal)s?", r"(a)\1|ab", r"(?i:cure)|cured", r"(?#note)cure|cured"],
)
def test_groups_that_number_or_flag_are_left_alone(source: str) -> None:
    assert prefix_tree(source) == source


def shipped_cue_lists() -> list[str]:
    """The lowercased cue lists the tracker searches, and the gate of the claim kinds."""
    sources = [word_regex([p for rule in rules() for p in rule.patterns]), cues().any.source]
    sources += [pattern.source for _, pattern in lexicon().kinds.members]
    sources += [pattern.source for _, pattern in lexicon().non_claim.members]
    sources.append(lexicon().table_values.source)
    lowered = [lowercase_regex(source) for source in sources]
    kinds = [lowercase_regex(p.source)[len(WORD_START) :] for _, p in lexicon().kinds.members]
    lowered.append(WORD_START + "(?=" + "|".join(f"(?:{k})" for k in kinds) + ")")
    return lowered


SHIPPED = shipped_cue_lists()
EXAMPLES = [example for rule in rules() for example in (*rule.flag_examples, *rule.pass_examples)]


def seed_sentences() -> list[str]:
    content = Path(__file__).resolve().parents[1] / "content"
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(content.glob("*.txt")))
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def every_match(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Where a pattern matches at each place of a text (finditer would skip overlaps)."""
    spans = []
    for start in range(len(text) + 1):
        found = pattern.match(text, start)
        if found:
            spans.append(found.span())
    return spans


@pytest.mark.parametrize("source", SHIPPED, ids=lambda s: s[:40])
def test_shipped_cue_lists_match_the_same_after_rewriting(source: str) -> None:
    original, rewritten = re.compile(source), re.compile(prefix_tree(source))
    for text in [*EXAMPLES, *seed_sentences()]:
        lowered = text.lower()
        assert every_match(rewritten, lowered) == every_match(original, lowered), text


WORDS = ["cure", "cures", "cured", "heal", "heals", "pain", "pa", "p", "safe", "safer", "the "]


@st.composite
def alternations(draw: st.DrawFn) -> str:
    """Alternations of words, optional and nested groups, classes and word boundaries."""

    def piece(depth: int) -> str:
        kind = draw(st.integers(0, 5 if depth < 2 else 1))
        if kind <= 1:
            return draw(st.sampled_from(WORDS))
        if kind == 2:
            return f"(?:{alternation(depth + 1)})" + draw(st.sampled_from(["", "?", "+"]))
        if kind == 3:
            return draw(st.sampled_from([r"\w+ ", r"[ps]", r"\b", "^", r"\d+", " ?"]))
        return piece(depth + 1) + piece(depth + 1)

    def alternation(depth: int) -> str:
        return "|".join(piece(depth) for _ in range(draw(st.integers(1, 4))))

    return alternation(0)


@given(alternations(), st.text(alphabet=st.sampled_from("cureshalpf 1d-"), max_size=30))
@example("cure|cured|(?:the )?cures", "the cures cured")
def test_any_alternation_matches_the_same_after_rewriting(source: str, text: str) -> None:
    for shape in (source, rf"{WORD_START}(?:{source})(?![\w-])"):
        original, rewritten = re.compile(shape), re.compile(prefix_tree(shape))
        assert every_match(rewritten, text) == every_match(original, text), shape
