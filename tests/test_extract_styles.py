"""Extraction through every common citation style, on a Markdown page and a plain-text page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.extract import extract
from tracker.model import Source

LANSDOWN = Source(
    "lansdown2007zinc",
    "article",
    {
        "title": "Zinc in wound healing: theoretical, experimental, and clinical aspects",
        "author": "Lansdown, Alan B. G. and Mirastschijski, Ursula",
        "journal": "Wound Repair and Regeneration",
        "year": "2007",
        "doi": "10.1111/j.1524-475X.2007.00230.x",
        "pmid": "17244314",
    },
    1,
)
SOURCES = {LANSDOWN.key: LANSDOWN}

PAGE = """\
---
title: Zinc for Wounds
---
# Zinc for Wounds

Zinc speeds wound healing [@lansdown2007zinc, p. 9].

Topical zinc is well tolerated by most patients.[^1]

Lansdown et al. (2007) reported faster wound closure with zinc.

Zinc oxide creams reduce nappy rash (Lansdown & Mirastschijski 2007).

Zinc deficiency delays repair \\cite{lansdown2007zinc}.

Zinc supplements shorten healing times (https://doi.org/10.1111/j.1524-475X.2007.00230.x).

Zinc lowers infection rates (PMID: 17244314).

Copper also helps wounds close [@unknown2020].

Zinc ointment soothes burns [1, 2].

[^1]: Lansdown AB, Mirastschijski U. Zinc in wound healing. Wound Repair Regen. 2007. doi:10.1111/j.1524-475X.2007.00230.x

## References

1. Lansdown AB, Mirastschijski U. Zinc in wound healing: theoretical, experimental, and clinical aspects. Wound Repair Regen. 2007;15(1):2-16.
2. Brown C. Copper and wounds. Metal Med. 2015.
"""

EXPECTED = [
    ("Zinc speeds wound healing", [("lansdown2007zinc", "p. 9")]),
    ("Topical zinc is well tolerated", [("lansdown2007zinc", None)]),
    ("Lansdown et al. (2007) reported", [("lansdown2007zinc", None)]),
    ("Zinc oxide creams", [("lansdown2007zinc", None)]),
    ("Zinc deficiency delays", [("lansdown2007zinc", None)]),
    ("Zinc supplements shorten", [("lansdown2007zinc", None)]),
    ("Zinc lowers infection", [("lansdown2007zinc", None)]),
    ("Copper also helps", [("unknown2020", None)]),
    ("Zinc ointment soothes", [("lansdown2007zinc", None), (None, None)]),
]


@pytest.fixture(scope="module")
def claims(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, list[tuple[str | None, str | None]]]:
    path = tmp_path_factory.mktemp("styles") / "zinc.md"
    path.write_text(PAGE, encoding="utf-8")
    result = extract(path, SOURCES)
    assert result.document.title == "Zinc for Wounds"
    return {c.text: [(ci.key, ci.locator) for ci in c.citations] for c in result.claims}


@pytest.mark.parametrize(("start", "expected"), EXPECTED)
def test_each_style_resolves(claims: dict, start: str, expected: list) -> None:
    (text,) = [t for t in claims if t.startswith(start)]
    assert claims[text] == expected


def test_reference_list_and_footnote_are_not_claims(claims: dict) -> None:
    assert not [t for t in claims if "Wound Repair Regen" in t or t.startswith("Brown C")]


def test_flattened_markers_count_only_with_a_reference_list(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Zinc heals damaged tissues1-2 within days.\n\nCOVID-19 slowed clinics down in 2020.\n\n"
        "References\n\n1. Lansdown AB. Zinc in wound healing. Wound Repair Regen. 2007.\n"
        "2. Brown C. Copper and wounds. Metal Med. 2015.\n",
        encoding="utf-8",
    )
    result = extract(page, SOURCES)
    cited = {c.text[:10]: [ci.ref for ci in c.citations] for c in result.claims}
    assert cited == {"Zinc heals": [1, 2], "COVID-19 s": []}
    assert not result.problems


def test_bracket_numbered_references_without_full_stops_stay_apart(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Zinc helps [1]. Iron helps [2].\n\nReferences\n\n"
        "[1] Lee S, Hu Y. Joint Embedding of Query and Ad. Proceedings of EMNLP. 2015. "
        "doi:10.18653/v1/D15-1\n"
        "[2] Nissim M, Markert K. Syntactic features and word similarity for supervised "
        "metonymy resolution. Proceedings of ACL. 2003\n",
        encoding="utf-8",
    )
    result = extract(page)
    assert [r.entry.number for r in result.references] == [1, 2]
    assert not [p for p in result.problems if "reference list has" in p.message]


MANUBOT_SOURCES = {
    "shin2021": Source(
        "shin2021",
        "article",
        {
            "title": "Comparative Proteomic Analysis of the Secretome",
            "doi": "10.3390/ijms22052551",
            "pmid": "33807701",
            "pmcid": "PMC7961749",
        },
        1,
    ),
    "fda": Source("fda", "misc", {"title": "Alert", "url": "https://www.fda.gov/safety/alert/"}, 2),
    "rogers": Source("rogers", "book", {"title": "Skin", "isbn": "978-0-19-852663-6"}, 3),
    "preprint": Source(
        "preprint", "misc", {"title": "P", "eprint": "2101.00001", "eprinttype": "arxiv"}, 4
    ),
}


@pytest.mark.parametrize(
    ("marker", "key"),
    [
        ("[@doi:10.3390/IJMS22052551]", "shin2021"),
        ("[@doi:https://doi.org/10.3390/ijms22052551]", "shin2021"),
        ("[@pmid:33807701]", "shin2021"),
        ("[@pmcid:PMC7961749]", "shin2021"),
        ("[@url:http://fda.gov/safety/alert]", "fda"),
        ("[@isbn:9780198526636]", "rogers"),
        ("[@arxiv:2101.00001v2]", "preprint"),
        ("[@doi:10.9999/not.in.the.bibliography]", None),
        ("[@shin2021]", "shin2021"),
    ],
)
def test_manubot_citation_ids_resolve_by_identifier(tmp_path: Path, marker: str, key) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"Secretome reduces inflammation in knees {marker}.\n", encoding="utf-8")
    (claim,) = extract(page, MANUBOT_SOURCES).claims
    (citation,) = claim.citations
    assert citation.key == key and citation.marker == marker
    assert citation.score == (1.0 if key else None)
