"""Cue lists searched in lowercased text (tracker.datafiles.Folded) find what the same
patterns find case-insensitively, at the same place: the speed-up may change no finding."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.checks.regulatory.disease_claim import cues
from tracker.datafiles import Folded, FoldedSet, lowercase_regex, word_regex
from tracker.detect import lexicon
from tracker.judgement import rule_set, rules

# Escapes keep their case (\S is not \s); letters, classes and names lose it.
LOWERED = [
    (r"FDA[- ]approved", r"fda[- ]approved"),
    (r"\S+ Cures\b", r"\S+ cures\b"),
    (r"[A-Z]\w+ \D", r"[a-z]\w+ \D"),
    (r"(?P<Name>X)(?P=Name)", r"(?P<name>x)(?P=name)"),
    (r"\N{LATIN SMALL LETTER A}B", r"\N{LATIN SMALL LETTER A}b"),
]


@pytest.mark.parametrize(("source", "expected"), LOWERED)
def test_a_pattern_is_lowercased_but_not_its_escapes(source: str, expected: str) -> None:
    assert lowercase_regex(source) == expected


def every_cue_list() -> list[str]:
    """Return the sources of the shipped cue lists that are searched folded."""
    found = [word_screen().source, cues().any.source]
    found += [pattern.source for _, pattern in lexicon().kinds.members]
    found += [pattern.source for _, pattern in lexicon().non_claim.members]
    found.append(lexicon().table_values.source)
    return found


def word_screen() -> Folded:
    return Folded(word_regex([p for rule in rules() for p in rule.patterns]))


# Sentences of the rules' own examples, in several cases, and letters that fold unusually.
EXAMPLES = [example for rule in rules() for example in (*rule.flag_examples, *rule.pass_examples)]
TEXTS = [
    *EXAMPLES,
    *(text.upper() for text in EXAMPLES),
    *(text.title() for text in EXAMPLES),
    "Our FDA-Approved formula CURES arthritis in 2 weeks.",
    "Clinically Proven: the İstanbul trial showed no side eﬀects.",  # İ lowercases to two
    "ſafe and natural, ſo it works for everyone.",  # long s folds as s only case-insensitively
    "The \u212aelvin-rated formula is 100% effective.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_folded_search_finds_what_the_case_insensitive_pattern_finds(text: str) -> None:
    for source in every_cue_list():
        exact = re.compile(source, re.I).search(text)
        assert Folded(source).find(text) == (exact.span() if exact else None), source[:60]


@given(st.text(alphabet=st.sampled_from("aAsSkKiIſİıK -.,1FDAcureCURE"), max_size=40))
@example("FDA approved")
@example("ſafe")
def test_folded_search_agrees_on_any_text(text: str) -> None:
    screen = word_screen()
    exact = re.compile(screen.source, re.I).search(text)
    assert screen.find(text) == (exact.span() if exact else None)


def one_by_one(folded: FoldedSet, text: str) -> list[tuple[str, tuple[int, int]]]:
    """What searching each member of the set in turn finds."""
    spans = [(name, pattern.find(text)) for name, pattern in folded.members]
    return [(name, span) for name, span in spans if span is not None]


SETS = [lexicon().kinds, lexicon().non_claim, rule_set(rules())]
SENTENCES = [
    *TEXTS,
    "This article explains how the serum reduces wrinkles by 40% in 8 weeks [1].",
    "Studies show it is safer than surgery, and it contains growth factors.",
    "Learn more: call us today to book a consultation.",
    "Secretome therapy improves recovery; exosomes are released by stem cells.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_a_set_of_patterns_finds_what_each_finds_alone(text: str) -> None:
    for folded in SETS:
        assert list(folded.finds(text)) == one_by_one(folded, text)


@given(st.text(alphabet=st.sampled_from("aAsSkKiIſİ -.,1%reducsafthinOWM"), max_size=60))
@example("reduces pain by 50%, safer than surgery")
def test_a_set_of_patterns_agrees_on_any_text(text: str) -> None:
    for folded in SETS:
        assert list(folded.finds(text)) == one_by_one(folded, text)
