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
        # Author-date references: the ACL Anthology's own style (entry O05-3001 of the
        # anthology's bibliography in ../shared/bench), whose title ends in an acronym before
        # "In", and Chicago author-date with a quoted title (Walker and Stickgold, Neuron 2004).
        (
            "Cheng-Yuan Lin, Jyh-Shing Roger Jang and Kuan-Ting Chen. 2005. Automatic "
            "Segmentation and Labeling for Mandarin Chinese Speech Corpora for "
            "Concatenation-based TTS. In International Journal of Computational Linguistics & "
            "Chinese Language Processing, Volume 10, Number 2, June 2005.",
            ParsedReference(
                title="Automatic Segmentation and Labeling for Mandarin Chinese Speech Corpora "
                "for Concatenation-based TTS",
                journal="International Journal of Computational Linguistics & Chinese Language "
                "Processing",
                year="2005",
                authors="Cheng-Yuan Lin, Jyh-Shing Roger Jang and Kuan-Ting Chen",
            ),
        ),
        (
            'Walker, Matthew P., and Robert Stickgold. 2004. "Sleep-Dependent Learning and '
            'Memory Consolidation." Neuron 44 (1): 121–33.',
            ParsedReference(
                title="Sleep-Dependent Learning and Memory Consolidation",
                journal="Neuron",
                year="2004",
                authors="Walker, Matthew P., and Robert Stickgold",
            ),
        ),
        # The Annual Review of Nutrition's style, as a reference guide for it shows it: the
        # year after the authors, an issue number of four digits that is no year.
        (
            "Hubbard J, Shaw JH. 2009. Uplift of the Longmen Shan and Tibetan plateau, and the "
            "2008 Wenchuan (M = 7.9) earthquake. Nature. 458(7235):194–97",
            ParsedReference(
                title="Uplift of the Longmen Shan and Tibetan plateau, and the 2008 Wenchuan "
                "(M = 7.9) earthquake",
                journal="Nature",
                year="2009",
                authors="Hubbard J, Shaw JH",
            ),
        ),
        (
            "Guarente L. Sirtuins as potential targets for metabolic syndrome. Nature. "
            "2006;444(7121):868-874.",
            ParsedReference(
                title="Sirtuins as potential targets for metabolic syndrome",
                journal="Nature",
                year="2006",
                authors="Guarente L",
            ),
        ),
        # APA with the month, from a nutrition textbook's published reference list.
        (
            "Austin, G. L., Ogden, L. G., Hill, J. O. (2011, April). Trends in carbohydrate, "
            "fat, and protein intakes and association with energy intake in normal-weight, "
            "overweight and obese individuals: 1971–2006. American Journal of Clinical "
            "Nutrition, 93(4): 836–843. doi: 10.3945/ajcn.110.000141.",
            ParsedReference(
                title="Trends in carbohydrate, fat, and protein intakes and association with "
                "energy intake in normal-weight, overweight and obese individuals: 1971–2006",
                journal="American Journal of Clinical Nutrition",
                year="2011",
                doi="10.3945/ajcn.110.000141",
                authors="Austin, G. L., Ogden, L. G., Hill, J. O.",
            ),
        ),
        # A proceedings' name holds a year after "the" and ordinals; a dash in a Vancouver
        # title is no label's dash (ACL Anthology D16-1208, E09-1002, N03-5002, J89-1002).
        (
            "Tu K. Modified Dirichlet Distribution: Allowing Negative Parameters to Induce "
            "Stronger Sparsity. Proceedings of the 2016 Conference on Empirical Methods in "
            "Natural Language Processing. 2016.",
            ParsedReference(
                title="Modified Dirichlet Distribution: Allowing Negative Parameters to Induce "
                "Stronger Sparsity",
                journal="Proceedings of the 2016 Conference on Empirical Methods in Natural "
                "Language Processing",
                year="2016",
                authors="Tu K",
            ),
        ),
        (
            "de Jong, F. (2009). NLP and the Humanities: The Revival of an Old Liaison. "
            "Proceedings of the 12th Conference of the European Chapter of the ACL (EACL 2009).",
            ParsedReference(
                title="NLP and the Humanities: The Revival of an Old Liaison",
                journal="Proceedings of the 12th Conference of the European Chapter of the ACL",
                year="2009",
                authors="de Jong, F.",
            ),
        ),
        (
            "Oard DW. Information Retrieval Systems as Integration Platforms for Language "
            "Technologies. Companion Volume of the Proceedings of HLT-NAACL 2003 - Tutorial "
            "Abstracts. 2003.",
            ParsedReference(
                title="Information Retrieval Systems as Integration Platforms for Language "
                "Technologies",
                year="2003",
                authors="Oard DW",
            ),
        ),
        (
            "Seo J, Simmons RF. SYNTACTIC GRAPHS: A REPRESENTATION FOR THE UNION OF ALL "
            "AMBIGUOUS PARSE TREES. Computational Linguistics, Volume 15, Number 1, March 1989.",
            ParsedReference(
                title="SYNTACTIC GRAPHS: A REPRESENTATION FOR THE UNION OF ALL AMBIGUOUS PARSE "
                "TREES",
                journal="Computational Linguistics",
                year="1989",
                authors="Seo J, Simmons RF",
            ),
        ),
        # A label whose title ends in a capital and a period keeps its dash.
        (
            "Effects of Vitamin D. – Nutrients (2020)",
            ParsedReference(title="Effects of Vitamin D.", journal="Nutrients", year="2020"),
        ),
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


# A list copied from a PDF: entries wrapped at the page's width, no blank line between them,
# a DOI on a line of its own (works of the ACL Anthology, in APA style).
WRAPPED_LIST = """\
A claim. [2] Another. [3]

References:

1. Strik, H., Colpaert, J., Doremalen, J. V., & Cucchiarini, C. (2012). The
DISCO ASR-based CALL system: practicing L2 oral skills and beyond.
Proceedings of the Eighth International Conference on Language Resources and
Evaluation (LREC-2012).
2. Zbib, R., et al. (2012). Machine Translation of Arabic Dialects.
Proceedings of the 2012 Conference of the North American Chapter of the
Association for Computational Linguistics: Human Language Technologies.
3. Kunchukuttan A, Mishra A, Chatterjee R, Shah R, Bhattacharyya P.
Shata-Anuvadak: Tackling Multiway Translation of Indian Languages.
Proceedings of the Ninth International Conference on Language Resources and
Evaluation (LREC-2014). 2014.
4. Krstovski, K., & Smith, D. (2016). Bootstrapping Translation Detection
and Sentence Extraction from Comparable Corpora. Proceedings of the 2016
Conference of the North American Chapter of the Association for
Computational Linguistics: Human Language Technologies.
https://doi.org/10.18653/v1/N16-1132

Kuno, S. (1965). A system for transformational analysis. COLING 1965.
Frequently Asked Questions
Screens before bed delay sleep by twenty minutes.
"""


def test_wrapped_numbered_entries_are_read_whole() -> None:
    doc = read_plain(Path("x.txt"), WRAPPED_LIST)
    found = find_reference_list(doc)
    assert found is not None
    assert [e.number for e in found.entries] == [1, 2, 3, 4, 5]
    strik, zbib, kunchukuttan, krstovski, kuno = (e.parsed for e in found.entries)
    assert strik.journal == (
        "Proceedings of the Eighth International Conference on Language Resources and\n"
        "Evaluation (LREC-2012)"
    )
    assert zbib.title == "Machine Translation of Arabic Dialects"
    assert zbib.journal is not None and zbib.journal.endswith("Human Language Technologies")
    assert krstovski.doi == "10.18653/v1/N16-1132"
    assert krstovski.journal is not None and krstovski.journal.endswith(
        "Human Language Technologies"
    )
    # A wrapped line that looks like a heading, between numbered lines, is the entry's title.
    assert kunchukuttan.title == "Shata-Anuvadak: Tackling Multiway Translation of Indian Languages"
    assert kunchukuttan.year == "2014"
    # After a blank line, an unnumbered entry is a work of its own, numbered next; a heading
    # after it with no numbered line below ends the section.
    assert kuno.authors == "Kuno, S." and kuno.year == "1965"
    assert found.end == WRAPPED_LIST.index("Frequently Asked Questions")


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
