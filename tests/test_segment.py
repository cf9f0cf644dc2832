"""Units: sentences inside blocks, with markers kept on the sentence they close."""

from __future__ import annotations

import re
from pathlib import Path

import nupunkt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import segment
from tracker.readers.plain import read_plain
from tracker.segment import units_of


def unit_texts(text: str) -> list[str]:
    doc = read_plain(Path("x.txt"), text)
    return [text[u.start : u.end] for u in units_of(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It heals. It calms.", ["It heals.", "It calms."]),
        ("It heals. [2] It calms.", ["It heals. [2]", "It calms."]),
        ("It heals.[3] It calms.", ["It heals.[3]", "It calms."]),
        (
            "Exosomes carry RNA (e.g., miRNA). They act fast.",
            ["Exosomes carry RNA (e.g., miRNA).", "They act fast."],
        ),
        ("Shin et al. (2021) showed it. It holds.", ["Shin et al. (2021) showed it.", "It holds."]),
        ("They are “messengers.” Cells listen.", ["They are “messengers.”", "Cells listen."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert unit_texts(text) == expected


@given(st.lists(st.sampled_from([*"Ab. [1]?!\n“”", "e.g.", " et al.", "Word"])).map("".join))
def test_units_are_trimmed_spans_of_the_text(text: str) -> None:
    doc = read_plain(Path("x.txt"), text)
    for unit in units_of(doc):
        piece = text[unit.start : unit.end]
        assert piece and piece == piece.strip()


# The pattern of sentence ends Punkt misses as first written, looking behind for the letter
# before it takes the stop; the shipped one takes the stop first and must find the same ends.
MISSED_END_LOOKING_BEHIND_FIRST = (
    r"(?<=[A-Za-z])[.!?](?:\d{1,3}(?:[,–-]\d{1,3})*)?(?=\s+[\"“‘(]?[A-Z][a-z])"
)


@given(st.text(alphabet=st.sampled_from('aZb.!?12,– "(Hi'), max_size=40))
def test_missed_ends_taken_stop_first_are_those_looked_behind_for(text: str) -> None:
    expected = [m.span() for m in re.finditer(MISSED_END_LOOKING_BEHIND_FIRST, text)]
    assert [m.span() for m in segment.MISSED_END.finditer(text)] == expected


@given(
    st.text(alphabet=st.sampled_from("abc ABC\n\t,;:'\"()[]1-–•*\u00a0"), min_size=1, max_size=60),
    st.sampled_from(["", ".", "!", "?", ". ", "?\n"]),
)
def test_a_chunk_stopped_only_at_its_end_is_what_punkt_makes_of_it(body: str, end: str) -> None:
    chunk = body + end
    assert trimmed(chunk, segment.punkt_spans(chunk)) == trimmed(chunk, nupunkt.sent_spans(chunk))


def trimmed(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [s for s in (segment.trim(chunk, *span) for span in spans) if s[1] > s[0]]
