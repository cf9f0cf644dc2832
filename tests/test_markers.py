"""Numeric citation markers: what counts as one, and how lists and ranges expand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.markers import find_markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("repair. [2]", [("[2]", (2,))]),
        ("as shown [1, 3]", [("[1, 3]", (1, 3))]),
        ("as shown [1,3]", [("[1,3]", (1, 3))]),
        ("several [2-4]", [("[2-4]", (2, 3, 4))]),
        ("several [2–4, 7]", [("[2–4, 7]", (2, 3, 4, 7))]),
        ("adjacent [1][2]", [("[1]", (1,)), ("[2]", (2,))]),
        ("spaced [ 5 ]", [("[ 5 ]", (5,))]),
    ],
)
def test_markers_found_and_expanded(text: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert [(m.text, m.numbers) for m in find_markers(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "a rise of [19%] in cases",
        "risk [RR 2.8, 95% CI 1.9–4.0]",
        "see [Figure 2]",
        "a range [4-2] that runs backwards",
        "a zero [0]",
        "a huge range [1-500]",
        "no brackets 2021",
    ],
)
def test_not_markers(text: str) -> None:
    assert find_markers(text) == []


def test_spans_are_shifted_by_offset() -> None:
    (marker,) = find_markers("x [3]", offset=100)
    assert (marker.start, marker.end) == (102, 105)


@given(st.text())
def test_markers_index_the_text(text: str) -> None:
    for marker in find_markers(text):
        assert text[marker.start : marker.end] == marker.text
        assert all(n > 0 for n in marker.numbers)
