"""Numeric citation markers: what counts as one, and how lists and ranges expand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import markers
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
        ("leading zeros [007]", [("[007]", (7,))]),
        ("run together [2830]", [("[2830]", (28, 30))]),
        (
            "one [12] then a list [3, 4] then one [5]",
            [("[12]", (12,)), ("[3, 4]", (3, 4)), ("[5]", (5,))],
        ),
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
        "zeros [000]",
        "a huge range [1-500]",
        "no brackets 2021",
    ],
)
def test_not_markers(text: str) -> None:
    assert find_markers(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "names"),
    [
        ("It works¹⁻³ well.", "superscript", (1, 2, 3)),
        ("It works¹²", "superscript", (12,)),
        ("Shin et al. (2021) showed it.", "author-year", (("Shin", "2021"),)),
        (
            "as reported (Shin & Lee 2021; Foo 2021b).",
            "author-year",
            (("Shin", "2021"), ("Foo", "2021b")),
        ),
        ("as reported (Shin et al., 2021).", "author-year", (("Shin", "2021"),)),
        ("See [@shin2021; @foo2021, p. 4].", "key", ("shin2021", "foo2021")),
        ("As \\citep[p.~4]{a,b} shows.", "key", ("a", "b")),
        ("See doi:10.3390/ijms22020845.", "identifier", "doi:10.3390/ijms22020845"),
        (
            "See https://doi.org/10.1155/2021/2616807 for more.",
            "identifier",
            "doi:10.1155/2021/2616807",
        ),
        ("PMID: 33467726", "identifier", "pmid:33467726"),
        ("https://pubmed.ncbi.nlm.nih.gov/33467726/", "identifier", "pmid:33467726"),
        ("A note.[^1]", "footnote", "1"),
        ("[Evidence: A][1]", "numeric", (1,)),
        ("shedding.[283031] The virus", "numeric", (28, 30, 31)),
    ],
)
def test_marker_styles(text: str, kind: str, names: object) -> None:
    (marker,) = find_markers(text)
    assert marker.kind == kind and not marker.loose
    found = marker.numbers or marker.keys or marker.authors or marker.identifier or marker.label
    assert found == names


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("It heals tissues1-4 fast.", (1, 2, 3, 4)),
        ("It is fast.1 Next comes more.", (1,)),
        ("It helps (2) and more.", (2,)),
        ("Follow @clinic on social media.", ()),
    ],
)
def test_loose_markers_are_marked_loose(text: str, numbers: tuple[int, ...]) -> None:
    (marker,) = find_markers(text)
    assert marker.loose and marker.numbers == numbers


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 cases rose.",
        "Exosomes are 50–100 nm wide.",
        "An area of 10 m² holds 10⁶ cells.",
        "In March (2021) we opened.",
        "Write to info@clinic.example today.",
        "Type 2 diabetes and IL-6 levels.",
        "[2020] was a hard year.",
    ],
)
def test_numbers_that_are_not_markers(text: str) -> None:
    assert [m for m in find_markers(text) if not m.loose] == []


def test_every_numeric_marker_of_the_citation_contexts(shared: Path) -> None:
    """All 1,031 numeric markers of 317 real contexts, and no bracketed statistic."""
    contexts = shared / "eval" / "datasets" / "citation-integrity" / "contexts_dev.jsonl"
    numeric = []
    statistics = 0
    for line in contexts.read_text(encoding="utf-8").splitlines():
        for sentence in json.loads(line)["sentences"]:
            plain = re.sub(r"</?CITATION_MARKER>", "", sentence)
            numeric.extend(m for m in find_markers(plain) if m.kind == "numeric")
            statistics += len(re.findall(r"\[[^\[\]]*(?:%|CI)[^\[\]]*\]", plain))
    assert len(numeric) == 1031
    assert statistics > 10 and not [m for m in numeric if "%" in m.text or "CI" in m.text]
    assert all(m.numbers and all(n > 0 for n in m.numbers) for m in numeric)
    ranged = [m for m in numeric if re.search(r"\d\s*[-–]\s*\d", m.text)]
    assert ranged and all(len(m.numbers) >= 2 for m in ranged)


def test_spans_are_shifted_by_offset() -> None:
    (marker,) = find_markers("x [3]", offset=100)
    assert (marker.start, marker.end) == (102, 105)


@given(st.text())
def test_markers_index_the_text(text: str) -> None:
    for marker in find_markers(text):
        assert text[marker.start : marker.end] == marker.text
        assert all(n > 0 for n in marker.numbers)


# The flattened-marker patterns as first written, looking behind before they take anything:
# the shipped ones take their first character first, and must find the same markers.
LOOKING_BEHIND_FIRST = {
    "PARENTHESIZED": r"(?<![\w(])\(\s*(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*\)(?=[\s.,;:]|$)",
    "GLUED_TO_WORD": r"(?<=[a-z]{3})(?<![A-Z]\w\w)(\d{1,3}(?:[-–,]\d{1,3})*)(?=[\s.,;:)\]]|$)",
    "AFTER_STOP": r"(?<=[a-z)”\"’][.,;:])(\d{1,3}(?:[-–,]\d{1,3})*)(?=\s+[A-Z“\"(]|\s*$)",
}


@given(st.text(alphabet=st.sampled_from("abcXY12345(),.;:-– ”\n"), max_size=40))
def test_markers_taken_first_character_first_are_those_looked_behind_for(text: str) -> None:
    for name, source in LOOKING_BEHIND_FIRST.items():
        shipped = getattr(markers, name)
        expected = [(m.span(), m.group(1)) for m in re.finditer(source, text)]
        assert [(m.span(), m.group(1)) for m in shipped.finditer(text)] == expected, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See doi:10.1000/xyz and PMID: 12345678.", ["doi:10.1000/xyz", "PMID: 12345678"]),
        ("DOI: 10.1000/ABC", ["DOI: 10.1000/ABC"]),
        (
            "https://pubmed.ncbi.nlm.nih.gov/23456789/",
            ["https://pubmed.ncbi.nlm.nih.gov/23456789/"],
        ),
        ("doı:10.1000/xyz", ["doı:10.1000/xyz"]),  # a dotless i matches i case-insensitively
        ("PMİD 1234567", ["PMİD 1234567"]),
        ("Jones (2020) agree.", ["Jones (2020)"]),
        ("x²³ and 10⁵ cells", ["²³"]),
    ],
)
def test_finders_that_ask_for_a_word_first_still_find_it(text: str, expected: list[str]) -> None:
    assert [m.text for m in find_markers(text)] == expected
