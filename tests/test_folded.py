"""Cue lists searched in lowercased text (tracker.datafiles.Folded) find what the same
patterns find case-insensitively, at the same place: the speed-up may change no finding."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.checks.regulatory.disease_claim import cues
from tracker.datafiles import Folded, lowercase_regex, word_regex
from tracker.detect import lexicon
from tracker.judgement import rules

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
    found += [pattern.source for pattern in lexicon().kinds.values()]
    found += [pattern.source for pattern in lexicon().non_claim.values()]
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
