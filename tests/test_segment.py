"""Units: sentences inside blocks, with markers kept on the sentence they close."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
