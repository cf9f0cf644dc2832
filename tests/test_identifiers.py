"""One normaliser per identifier: every form people paste compares equal, junk gives None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.identifiers import clean_doi, normalize_doi, normalize_pmcid, normalize_pmid

DOI = "10.1016/j.stem.2021.01.004"


@pytest.mark.parametrize(
    "written",
    [
        DOI,
        DOI.upper(),
        f"doi:{DOI}",
        f"DOI: {DOI}",
        f"doi {DOI}",
        f"https://doi.org/{DOI}",
        f"http://doi.org/{DOI}",
        f"https://dx.doi.org/{DOI}",
        f"http://dx.doi.org/{DOI}",
        f"https://www.doi.org/{DOI}",
        f"doi.org/{DOI}",
        f"{DOI}.",
        f"{DOI};",
        f" {DOI}, ",
        f"({DOI})"[1:],  # the closing bracket of the sentence around it
        "10.1016%2Fj.stem.2021.01.004",
        f"https://doi.org/{DOI.replace('/', '%2F')}",
    ],
)
def test_every_form_of_a_doi_gives_the_same(written):
    assert normalize_doi(written) == DOI


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("10.1016/0006-2952(76)90226-8", "10.1016/0006-2952(76)90226-8"),  # its own brackets
        # Wiley's SICI DOIs hold brackets, colons and semicolons.
        (
            "10.1002/(SICI)1097-4636(199604)31:4<519::AID-JBM12>3.0.CO;2-V",
            "10.1002/(SICI)1097-4636(199604)31:4<519::AID-JBM12>3.0.CO;2-V",
        ),
        ("10.1000/abc_def", "10.1000/abc_def"),
        ("10.1000/abc\\_def", "10.1000/abc_def"),  # LaTeX-escaped in a .bib file
        ("10.1/x", None),  # a registrant code has four digits or more
        ("11.1000/x", None),
        ("not a doi", None),
        ("", None),
        (None, None),
        ('123"><script>10.1000/x', None),
    ],
)
def test_doi_table(written, expected):
    assert normalize_doi(written) == (expected.lower() if expected else None)


def test_a_doi_keeps_its_case_for_links():
    assert clean_doi("https://doi.org/10.1000/ABC.") == "10.1000/ABC"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("33467726", "33467726"),
        ("PMID: 33467726", "33467726"),
        ("pmid 33467726", "33467726"),
        ("https://pubmed.ncbi.nlm.nih.gov/33467726/", "33467726"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/33467726", "33467726"),
        ("33467726.", "33467726"),
        ('123"><script>alert(1)</script>', None),  # digits are never picked out of junk
        ("12a34", None),
        ("0", None),
        ("", None),
    ],
)
def test_pmid_table(written, expected):
    assert normalize_pmid(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PMC7829982", "PMC7829982"),
        ("pmc7829982", "PMC7829982"),
        ("7829982", "PMC7829982"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7829982/", "PMC7829982"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7829982/", "PMC7829982"),
        ("PMC78x", None),
        ("", None),
    ],
)
def test_pmcid_table(written, expected):
    assert normalize_pmcid(written) == expected


@given(st.text(max_size=80))
def test_normalisers_never_raise_and_are_idempotent(text):
    for normalize in (normalize_doi, normalize_pmid, normalize_pmcid):
        once = normalize(text)
        assert once is None or normalize(once) == once
