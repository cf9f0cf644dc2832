"""Readers: plain text and Markdown become blocks whose spans index the original text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.pathological import PATHOLOGICAL
from tracker.extract import extract
from tracker.readers import ReaderError, read_document
from tracker.readers.markdown import read_markdown
from tracker.readers.plain import read_plain
from tracker.readers.superscripts import render as render_raised

from .complexity import assert_linear


def blocks(doc) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


PLAIN_CASES = [
    (
        "Title Here\n\nA sentence ends here.\n",
        [("heading", "Title Here"), ("paragraph", "A sentence ends here.")],
    ),
    (
        "Key benefits include:\n\n  • Repair: Heals tissue.\n  • Calm: Eases pain.\n",
        [
            ("heading", "Key benefits include:"),
            ("list_item", "Repair: Heals tissue."),
            ("list_item", "Calm: Eases pain."),
        ],
    ),
    (
        "This line wraps softly and keeps going past sixty characters so\nit continues here.\n",
        [
            (
                "paragraph",
                "This line wraps softly and keeps going past sixty characters so\nit continues here.",
            )
        ],
    ),
    ("One line.\nAnother line.\n", [("paragraph", "One line."), ("paragraph", "Another line.")]),
    (
        "Name A B\nVesicles:\nExosomes\nIncluded Included\nCytokines Rich Some\n",
        [
            ("table_header", "Name A B"),
            ("table_row", "Vesicles:\nExosomes\nIncluded Included"),
            ("table_row", "Cytokines Rich Some"),
        ],
    ),
    (
        "Benefits of Therapy (Repair, Calm, etc.)\n",
        [("heading", "Benefits of Therapy (Repair, Calm, etc.)")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN_CASES)
def test_plain_blocks(text: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(read_plain(Path("x.txt"), text)) == expected


MARKDOWN = """\
---
title: Front Matter Title
---
# Heading One

A paragraph with **bold** text. Another sentence.

- First item claims a thing.
- Second item.

| Part | Amount |
|------|--------|
| Cytokines | Rich |

## References

1. Smith A. A title. Journal. 2020.
"""


def test_markdown_blocks() -> None:
    doc = read_markdown(Path("x.md"), MARKDOWN)
    assert doc.title == "Front Matter Title"
    assert blocks(doc) == [
        ("heading", "Heading One"),
        ("paragraph", "A paragraph with bold text. Another sentence."),
        ("list_item", "First item claims a thing."),
        ("list_item", "Second item."),
        ("table_header", "Part | Amount"),
        ("table_row", "Cytokines | Rich"),
        ("heading", "References"),
        ("list_item", "1. Smith A. A title. Journal. 2020."),
    ]
    assert doc.line_of(doc.blocks[0].start) == 4


def test_bom_is_dropped_and_bad_bytes_are_located(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes("\ufeffA claim here.\n".encode())
    assert read_document(good).text == "A claim here.\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\nbroken \xff byte\n")
    (note,) = read_document(bad).notes
    assert note.line == 2 and note.message.startswith("not valid UTF-8 at line 2 (byte 0xff)")


def test_unsupported_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ReaderError, match="unsupported document type"):
        read_document(path)


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from([*"ab .:?•-|#*\n\t[]1", "  ", "\n\n", "“", "é", "Word", "1. "])).map(
        "".join
    )
)
def test_plain_and_markdown_spans_index_the_text(text: str) -> None:
    for reader in (read_plain, read_markdown):
        doc = reader(Path("x"), text)
        for block in doc.blocks:
            assert 0 <= block.start <= block.end <= len(doc.text)
            piece = doc.text[block.start : block.end]
            assert piece == piece.strip() or block.kind.startswith("table")


def test_legacy_encoding_is_detected_with_a_note(tmp_path: Path) -> None:
    page = tmp_path / "legacy.txt"
    page.write_bytes(
        "Crème à base de café: elle réduit les rides de façon durable et visible.\n".encode(
            "cp1252"
        )
    )
    doc = read_document(page)
    assert doc.text.startswith("Crème à base de café")
    (note,) = doc.notes
    assert "not valid UTF-8" in note.message and "save it as UTF-8" in note.message


def test_binary_files_are_refused(tmp_path: Path) -> None:
    page = tmp_path / "image.txt"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ReaderError, match="binary file"):
        read_document(page)


@settings(max_examples=150)
@given(st.binary(max_size=600), st.sampled_from([".txt", ".md"]))
def test_any_bytes_read_or_give_a_reader_error(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"doc{suffix}"
    path.write_bytes(data)
    try:
        doc = read_document(path)
    except ReaderError as err:
        assert str(path) in str(err)
        return
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(doc.text)


@pytest.mark.parametrize(
    ("raised", "before", "expected"),
    [
        ("2-4", "tissues", "[2-4]"),
        ("3", "in 2019", "[3]"),
        ("[5]", "healing.", "[5]"),
        ("1,2", "repair", "[1,2]"),
        ("6", "10", "⁶"),
        ("2", "10 m", "²"),
        ("3", "5 cm", "³"),
        ("2", "an R", "²"),
        ("TM", "Brand", "™"),
        ("th", "the 5", "th"),
    ],
)
def test_raised_text_is_a_citation_or_a_raised_character(
    raised: str, before: str, expected: str
) -> None:
    assert render_raised(raised, before) == expected


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_pages_are_extracted_in_linear_time(tmp_path: Path, name: str) -> None:
    """40,000 footnotes once took over a minute (each marker searched the whole list)."""
    suffix, make = PATHOLOGICAL[name]
    path = tmp_path / f"page{suffix}"

    def run(text: str) -> object:
        path.write_text(text, encoding="utf-8")
        return extract(path, {})

    assert_linear(run, make, 4000)
