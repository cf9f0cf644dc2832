"""Reference lists: where they start, how entries are numbered, what each entry says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import references
from tracker.readers.plain import read_plain
from tracker.references import ParsedReference, find_reference_list, parse_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Comparative Proteomic Analysis of MSC Secretome – IJMS (2021)",
            ParsedReference(
                title="Comparative Proteomic Analysis of MSC Secretome", journal="IJMS", year="2021"
            ),
        ),
        (
            "WJ-MSC Secretome and Clinical Applications – Front. Cell Dev. Biol. (2023)",
            ParsedReference(
                title="WJ-MSC Secretome and Clinical Applications",
                journal="Front. Cell Dev. Biol",
                year="2023",
            ),
        ),
        (
            "Shin S, Lee J. Comparative proteomic analysis. Int J Mol Sci. 2021;22(2):845. doi:10.3390/ijms22020845. PMID: 33467726",
            ParsedReference(
                title="Comparative proteomic analysis",
                journal="Int J Mol Sci",
                year="2021",
                doi="10.3390/ijms22020845",
                pmid="33467726",
                authors="Shin S, Lee J",
            ),
        ),
        ("https://doi.org/10.1155/2021/2616807.", ParsedReference(doi="10.1155/2021/2616807")),
    ],
)
def test_parse_reference(text: str, expected: ParsedReference) -> None:
    parsed = parse_reference(text)
    for name in ("title", "journal", "year", "doi", "pmid", "authors"):
        if getattr(expected, name) is not None:
            assert getattr(parsed, name) == getattr(expected, name), name


SOURCE_LIST = """\
A claim. [2]

References

First note about the work.

Source: Alpha Study – Journal A (2020)

Second note.

Source: Beta Study – Journal B (2021)
"""

NUMBERED_LIST = """\
A claim. [2]

## References

1. Smith A. Alpha study. Journal A. 2020.
2. Jones B. Beta study. Journal B. 2021.
"""


def test_source_lines_are_numbered_in_order_with_their_notes() -> None:
    doc = read_plain(Path("x.txt"), SOURCE_LIST)
    found = find_reference_list(doc)
    assert found is not None
    assert [(e.number, e.text, e.note) for e in found.entries] == [
        (1, "Alpha Study – Journal A (2020)", "First note about the work."),
        (2, "Beta Study – Journal B (2021)", "Second note."),
    ]
    assert found.entry(2) is not None and found.entry(3) is None
    assert doc.text[found.start :].startswith("References")


def test_numbered_entries_keep_their_numbers() -> None:
    doc = read_plain(Path("x.txt"), NUMBERED_LIST)
    found = find_reference_list(doc)
    assert found is not None
    assert [(e.number, e.parsed.title) for e in found.entries] == [
        (1, "Alpha study"),
        (2, "Beta study"),
    ]
    assert found.entries[1].line == 6


def test_no_reference_list() -> None:
    assert find_reference_list(read_plain(Path("x.txt"), "Just prose. Nothing cited.\n")) is None


@given(st.text())
def test_parse_reference_never_fails(text: str) -> None:
    parsed = parse_reference(text)
    assert parsed.year is None or parsed.year in text


@given(
    st.lists(
        st.sampled_from(
            [
                "References\n",
                "Source: A – B (2020)\n",
                "1. X. Y. Z. 2021.\n",
                "\n",
                "[2] Q 1999\n",
                "text\n",
            ]
        )
    ).map("".join)
)
def test_reference_lists_never_fail_and_stay_in_the_text(text: str) -> None:
    found = find_reference_list(read_plain(Path("x.txt"), text))
    for entry in found.entries if found else ():
        assert 0 <= entry.start <= entry.end <= len(text) and entry.number >= 1


# Patterns as first written, looking behind (or at a word boundary) before they take anything;
# the shipped ones take their first characters first and must match the same.
LOOKING_BEHIND_FIRST = {
    "DOI": (r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I),
    "YEAR": (r"\b((?:19|20)\d{2})[a-z]?\b", 0),
    "VENUE_DASH": (r"(?<!\s)\s+[–—-]\s+", 0),
    "PERIOD_SPLIT": (r"(?<![A-Z])\.\s+(?=[A-Z0-9])", 0),
}


@given(st.text(alphabet=st.sampled_from('aAZ01925./ -–\n"<é_'), max_size=40))
def test_patterns_taken_first_character_first_match_as_they_did(text: str) -> None:
    for name, (source, flags) in LOOKING_BEHIND_FIRST.items():
        shipped = getattr(references, name)
        expected = [m.group(0) + f"@{m.start()}" for m in re.finditer(source, text, flags)]
        assert [m.group(0) + f"@{m.start()}" for m in shipped.finditer(text)] == expected, name


@pytest.mark.parametrize(
    "text",
    ["Smith J. Title. J Med. 2020. PMID: 1234567", "x. pubmed/12345 y", "PMİD 1234567", "no id"],
)
def test_an_identifier_asked_for_first_is_still_read(text: str) -> None:
    exact = re.search(r"(?:PMID:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/|pubmed/)(\d{4,9})", text, re.I)
    assert parse_reference(text).pmid == (exact.group(1) if exact else None)
