"""Formatting sources: styled reference text, decoded titles, short labels and links."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.bibliography import load_bibliography, parse_bibliography
from tracker.formatting import (
    FormattedSource,
    decode_latex,
    doi_url,
    format_source,
    format_sources,
    pmcid_url,
    pmid_url,
    short_label,
)
from tracker.model import Source

BIB_DATA = Path(__file__).parent / "data" / "bib"
SECRETOME = Path(__file__).resolve().parents[2] / "shared" / "references" / "secretome-sources.bib"


def formatted(text: str) -> dict[str, FormattedSource]:
    return format_sources(parse_bibliography(text, "refs.bib").sources.values())


def one(text: str) -> FormattedSource:
    (result,) = formatted(text).values()
    return result


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("{Wharton's} jelly", "Wharton's jelly"),
        ('M{\\"u}ller', "Müller"),
        ('M\\"uller', "Müller"),
        ('T\\"{u}bingen', "Tübingen"),
        ("{\\O}sterg{\\aa}rd", "Østergård"),
        ("caf\\'e", "café"),
        ("pages 1--5", "pages 1–5"),
        ("a---b", "a—b"),
        ("50\\% \\& more", "50% & more"),
        ("a~b", "a b"),
        ("``quoted''", "“quoted”"),
        ("\\emph{in vitro}", "in vitro"),
        ("\\textit{E. coli} and \\textbf{B}", "E. coli and B"),
        ("IL-1\\textbeta{} levels", "IL-1β levels"),
        ("$\\alpha$-synuclein", "α-synuclein"),
        ("NF-$\\kappa$B", "NF-κB"),
        ("H$_2$O and $^{13}$C", "H₂O and ¹³C"),
        ("the revised\\(^4\\) report", "the revised⁴ report"),
        ("50\\,mg of zinc", "50 mg of zinc"),  # a space, not the comma it once was
        ("10\\textsuperscript{6} cells and CO\\textsubscript{2}", "10⁶ cells and CO₂"),
        ("Bod\\'{\\i}k", "Bodík"),
        # An accent whose backslash an export doubled: meant as one, as a reader takes it.
        ('Sch{\\\\"u}pbach', "Schüpbach"),
        ("Pro\\-gramming", "Programming"),
        ("\\url{https://example.org}", "https://example.org"),
        ("an {unbalanced brace", "an unbalanced brace"),
        ("a stray } brace", "a stray brace"),
        ("\\", ""),
        ("\\unknowncommand word", "word"),
        ("  many\n  spaces  ", "many spaces"),
        ("", ""),
    ],
)
def test_decode_latex(latex, text):
    assert decode_latex(latex) == text


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"author": "Shin, Sungho", "year": "2021"}, "Shin 2021"),
        ({"author": "Shin, Sungho and Lee, Jeongmin", "year": "2021"}, "Shin & Lee 2021"),
        ({"author": "Shin, S. and Lee, J. and Kwon, Y.", "year": "2021"}, "Shin et al. 2021"),
        ({"author": "Sungho Shin and others", "year": "2021"}, "Shin et al. 2021"),
        ({"author": "Ludwig van Beethoven", "year": "1800"}, "van Beethoven 1800"),
        ({"author": 'M{\\"u}ller, Hans', "year": "2019"}, "Müller 2019"),
        (
            {"author": "{World Health Organization}", "year": "2020"},
            "World Health Organization 2020",
        ),
        ({"author": "Huang, and Norden E.", "year": "1998"}, "Huang & E. 1998"),
        ({"editor": "Doe, Jane", "year": "2020"}, "Doe 2020"),
        ({"journal": "Polymers", "year": "2022"}, "Polymers 2022"),
        ({"booktitle": "Proc. of {ACL}", "year": "2020"}, "Proc. of ACL 2020"),
        ({"author": "Shin, Sungho"}, "Shin"),
        ({"year": "2020"}, ""),
        ({}, ""),
    ],
)
def test_short_label(fields, label):
    assert short_label(fields) == label


@pytest.mark.parametrize(
    ("function", "value", "url"),
    [
        (doi_url, "10.3390/ijms22020845", "https://doi.org/10.3390/ijms22020845"),
        (doi_url, "https://doi.org/10.1155/2021/2616807", "https://doi.org/10.1155/2021/2616807"),
        (doi_url, "doi:10.1000/ABC", "https://doi.org/10.1000/ABC"),
        (doi_url, " 10.1000/a\\_b ", "https://doi.org/10.1000/a_b"),
        (
            doi_url,
            "10.1002/(SICI)1097<283::AID>3.0.CO;2-S",
            "https://doi.org/10.1002/(SICI)1097%3C283::AID%3E3.0.CO;2-S",
        ),
        (doi_url, "not a doi", None),
        (doi_url, "", None),
        (doi_url, None, None),
        (pmid_url, "33467726", "https://pubmed.ncbi.nlm.nih.gov/33467726/"),
        (pmid_url, "PMID: 33467726", "https://pubmed.ncbi.nlm.nih.gov/33467726/"),
        (pmid_url, "n/a", None),
        (pmid_url, None, None),
        (pmcid_url, "PMC7829982", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7829982/"),
        (pmcid_url, "7829982", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7829982/"),
        (pmcid_url, None, None),
    ],
)
def test_links(function, value, url):
    assert function(value) == url


CLEAN_TEXTS = {
    "shin2021comparative": (
        "Sungho Shin, Jeongmin Lee, and Yumi Kwon. Comparative proteomic analysis of "
        "Wharton's jelly. International Journal of Molecular Sciences, 22(2):845–850, 2021."
    ),
    "mueller2019stem": "Hans Müller, editor. Stem Cells. Springer, 2019.",
    "doe2020part": (
        "Jane Doe and Richard Roe. A part of the whole. In Proceedings of the Conference on "
        "MSC Therapy, 1–10. Cell Press, 2020."
    ),
    "conf2020": "Proceedings of the Conference on MSC Therapy, Cell Press, 2020.",
    "who2020guidelines": (
        "World Health Organization. Guidelines on cell therapy. 2020. URL: https://www.who.int/."
    ),
}


@pytest.mark.parametrize(("key", "text"), CLEAN_TEXTS.items())
def test_clean_fixture_in_plain_style(key, text):
    sources = load_bibliography(BIB_DATA / "clean.bib").sources.values()
    assert format_sources(sources)[key].text == text


@pytest.mark.parametrize(
    ("bibtex", "text"),
    [
        # The style needs an author: the fallback still reads as a reference.
        (
            "@article{a, title = {Polymeric {MSC} Hydrogels}, journal = {Polymers}, "
            "year = {2022}, volume = {14}, number = {6}, pages = {1218}}",
            "Polymeric MSC Hydrogels. Polymers, 14(6):1218, 2022.",
        ),
        (
            "@article{a, author = {Doe, Jane and Roe, Rick and Poe, Pat}, title = {T}}",
            "Jane Doe, Rick Roe, and Pat Poe. T.",
        ),
        ("@misc{a}", "a"),
        # A type the style does not know is formatted as @misc.
        (
            "@dataset{a, author = {Doe, Jane}, title = {Data}, year = {2020}}",
            "Jane Doe. Data. 2020.",
        ),
        ("@misc{a, author = {A. Doe and others}, title = {T}}", "A. Doe et al. T."),
        ("@misc{a, title = {T}, month = jan, year = 2020}", "T. January 2020."),
        ("@misc{a, title = {On IL-6 and mRNA in COVID-19}}", "On IL-6 and mRNA in COVID-19."),
        (
            "@unpublished{a, author = {Doe, Jane}, title = {T}, note = {In press}}",
            "Jane Doe. T. In press.",
        ),
        (
            "@article{a, author = {A}, title = {T}, journal = {J}, year = 1, note = {curator}}",
            "A. T. J, 1.",
        ),
    ],
)
def test_text(bibtex, text):
    assert one(bibtex).text == text


@pytest.mark.parametrize(
    "bibtex",
    [
        "@article{a, author = {A}, title = {T}, journal = {J}, year = 1, doi = {10.1000/x}}",
        "@article{a, author = {A}, title = {T}, journal = {J}, year = 1, doi = {10.1000/x}, "
        "url = {https://doi.org/10.1000/x}}",
        "@misc{a, title = {T}, doi = {10.1000/x}, url = {https://publisher.org/10.1000/x}}",
    ],
)
def test_doi_is_a_link_not_part_of_the_text(bibtex):
    result = one(bibtex)
    assert result.doi_url == "https://doi.org/10.1000/x"
    assert "10.1000/x" not in result.text


def test_crossref_fills_the_part_from_the_whole():
    result = formatted(
        "@inproceedings{p, author = {Doe, Jane}, title = {Part}, crossref = {W}}\n"
        "@proceedings{w, title = {The Whole}, year = {2020}, doi = {10.1000/w}}\n"
    )["p"]
    assert result.text == "Jane Doe. Part. In The Whole. 2020."
    assert result.doi_url == "https://doi.org/10.1000/w"


def test_format_source_alone_needs_no_other_sources():
    source = Source("k", "article", {"title": "{Wharton's} Jelly", "doi": "10.1000/k"}, 1)
    assert format_source(source) == FormattedSource(
        key="k",
        text="Wharton's Jelly.",
        doi_url="https://doi.org/10.1000/k",
        pmid_url=None,
        pmcid_url=None,
        title="Wharton's Jelly",
        short="k",
    )


@pytest.fixture
def secretome() -> Path:
    if not SECRETOME.is_file():
        pytest.skip(f"{SECRETOME} is absent: the shared references are not beside this repository")
    return SECRETOME


def test_secretome_sources_format_cleanly(secretome):
    result = format_sources(load_bibliography(secretome).sources.values())
    shin = result["shin2021comparative"]
    assert "Wharton's" in shin.text
    assert "Wharton's" in result["drobiova2023wharton"].title
    assert shin.short == "Shin et al. 2021"
    assert shin.pmid_url == "https://pubmed.ncbi.nlm.nih.gov/33467726/"
    assert shin.pmcid_url == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7829982/"
    assert result["polymers2022polymeric"].short == "Polymers 2022"
    assert result["thakur2023therapeutic"].doi_url == "https://doi.org/10.3390/cosmetics10020065"
    for item in result.values():
        assert not set("{}\\") & set(item.text + item.title), item
        assert item.doi_url and item.doi_url.startswith("https://doi.org/10.")
        assert "doi" not in item.text.lower()
        assert "page label" not in item.text  # the curator's notes stay out


FIELD_NAMES = st.sampled_from(
    ["author", "editor", "title", "journal", "year", "pages", "month", "doi", "crossref"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["article", "book", "inproceedings", "misc", "unpublished", "weird"]),
    st.dictionaries(FIELD_NAMES, st.text(alphabet=st.characters(), max_size=30), max_size=7),
)
def test_formatting_never_raises_and_always_gives_text(entry_type, fields):
    source = Source("key", entry_type, fields, 1)
    result = format_sources([source, Source("KEY", "book", {"title": "{"}, 2)])["key"]
    assert result.text
    assert isinstance(result.short, str)


def test_biblatex_entries_format_as_bibtex_ones():
    from tracker.bibliography import parse_bibliography

    text = (
        "@article{a, author = {Shin, Sungho}, title = {Secretome}, journaltitle = {Stem Cells},"
        " date = {2021-03-04}, volume = {22}}\n"
        "@thesis{t, author = {Doe, Ann}, title = {Zinc}, institution = {Nowhere University},"
        " date = {2020}, type = {mathesis}}\n"
    )
    sources = parse_bibliography(text, "refs.bib").sources
    article, thesis = (format_source(s) for s in sources.values())
    assert article.text == "Sungho Shin. Secretome. Stem Cells, March 2021."
    assert article.short == "Shin 2021"
    assert thesis.text == "Ann Doe. Zinc. Master's thesis, Nowhere University, 2020."
