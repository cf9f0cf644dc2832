"""BibTeX stubs for unresolved references: only what the reference says, always parsable."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.references import parse_reference
from tracker.stubs import bibtex_stub


@pytest.mark.parametrize(
    ("reference", "fields"),
    [
        (
            "Hunter DJ, Bierma-Zeinstra S. Osteoarthritis. Lancet. 2019;393(10182):1745-1759.",
            {
                "author": "Hunter, D. J. and Bierma-Zeinstra, S.",
                "title": "Osteoarthritis",
                "journal": "Lancet",
                "year": "2019",
            },
        ),
        (
            "Exosomes in Biomedical Applications – Biomedicines (2023)",
            {
                "title": "Exosomes in Biomedical Applications",
                "journal": "Biomedicines",
                "year": "2023",
            },
        ),
        (
            "Shin S, Lee J. Proteomics of MSC secretome. Int J Mol Sci. 2021. doi:10.3390/ijms22020845",
            {"doi": "10.3390/ijms22020845", "author": "Shin, S. and Lee, J."},
        ),
    ],
)
def test_stub_fields(reference: str, fields: dict[str, str]) -> None:
    (entry,) = bibtexparser.parse_string(bibtex_stub(parse_reference(reference), reference)).entries
    for name, value in fields.items():
        assert entry.fields_dict[name].value == value
    assert "pmid" not in entry.fields_dict or "PMID" in reference


@given(st.text(max_size=200))
def test_stubs_always_parse(reference: str) -> None:
    library = bibtexparser.parse_string(bibtex_stub(parse_reference(reference), reference))
    assert len(library.entries) == 1 and not library.failed_blocks
