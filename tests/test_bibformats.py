"""Loading CSL-JSON and RIS: Sources as the BibTeX loader makes them, faults as problems."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person
from pybtex.richtext import Text

from bench.fuzz import NASTY, OPERATIONS, Edit, Grammar, apply_edits, check_problems, last_line
from tracker.bibformats import parse_csl_json, parse_ris
from tracker.bibliography import parse_bibliography
from tracker.formatting import decode_latex, format_source
from tracker.model import Bibliography, normalize_doi

from .complexity import assert_linear

BIB_DATA = Path(__file__).parent / "data" / "bib"
CSL_FILES = sorted(BIB_DATA.glob("csl-*.json"))
RIS_FILES = sorted(BIB_DATA.glob("*.ris"))


def csl(*items: object) -> Bibliography:
    return parse_csl_json(json.dumps(list(items), indent=1), "refs.json")


def ris(text: str) -> Bibliography:
    return parse_ris(text, "refs.ris")


def only(bib: Bibliography) -> dict[str, str]:
    (source,) = bib.sources.values()
    return {"@type": source.entry_type, "@key": source.key, **source.fields}


def problems(bib: Bibliography) -> list[tuple[str, int, str | None]]:
    return [(p.kind, p.line, p.key) for p in bib.problems]


def rendered(latex: str) -> str:
    return Text.from_latex(latex).render_as("text")


# --- CSL-JSON: items in, fields out ------------------------------------------------------------

CSL_EXAMPLES = [
    (
        {
            "id": "shin2021",
            "type": "article-journal",
            "title": "Comparative proteomic analysis",
            "container-title": "Int J Mol Sci",
            "author": [{"family": "Shin", "given": "Sungho"}, {"family": "Lee", "given": "J"}],
            "issued": {"date-parts": [[2021, 1, 18]]},
            "volume": 22,
            "issue": "2",
            "page": "845-850",
            "DOI": "10.3390/ijms22020845",
            "PMID": "33467726",
            "PMCID": "PMC7829982",
        },
        {
            "@type": "article",
            "@key": "shin2021",
            "author": "Shin, Sungho and Lee, J",
            "journal": "Int J Mol Sci",
            "year": "2021",
            "month": "jan",
            "volume": "22",
            "number": "2",
            "pages": "845--850",
            "doi": "10.3390/ijms22020845",
            "pmid": "33467726",
            "pmcid": "PMC7829982",
        },
    ),
    (
        {"type": "chapter", "title": "A part", "container-title": "The whole", "page": "1–10"},
        {"@type": "incollection", "booktitle": "The whole", "pages": "1--10"},
    ),
    (
        {"type": "paper-conference", "container-title": "Proc. MSC", "event-place": "Oslo"},
        {"@type": "inproceedings", "booktitle": "Proc. MSC", "address": "Oslo"},
    ),
    (
        {"type": "thesis", "genre": "PhD thesis", "publisher": "Univ. of Oslo"},
        {"@type": "phdthesis", "school": "Univ. of Oslo"},
    ),
    (
        {"type": "thesis", "genre": "Master's thesis", "publisher": "Univ. of Oslo"},
        {"@type": "mastersthesis", "school": "Univ. of Oslo"},
    ),
    (
        {"type": "report", "publisher": "WHO", "publisher-place": "Geneva", "number": "7"},
        {"@type": "techreport", "institution": "WHO", "address": "Geneva", "number": "7"},
    ),
    (
        {"type": "webpage", "container-title": "NHS inform", "URL": "https://nhs.uk/x"},
        {"@type": "online", "howpublished": "NHS inform", "url": "https://nhs.uk/x"},
    ),
    (
        {"type": "book", "editor": [{"literal": "World Health Organization"}], "ISBN": "92-4"},
        {"@type": "book", "editor": "{World Health Organization}", "isbn": "92-4"},
    ),
    # names: literal, a family name of several words alone, particles, suffix, "and"
    (
        {"author": [{"family": "AstraZeneca-Sanger Drug Combination DREAM Consortium"}]},
        {"author": "{AstraZeneca-Sanger Drug Combination DREAM Consortium}"},
    ),
    (
        {"author": [{"family": "Benthem", "given": "Patty", "non-dropping-particle": "van"}]},
        {"author": "van Benthem, Patty"},
    ),
    (
        {"author": [{"family": "Doe", "given": "John", "suffix": "Jr."}, {"given": "Madonna"}]},
        {"author": "Doe, Jr., John and Madonna"},
    ),
    (
        {"author": [{"family": "Johnson and Johnson", "given": "A"}, "Cochrane"]},
        {"author": "{Johnson and Johnson}, A and {Cochrane}"},
    ),
    # dates: raw, literal, ISO text, seasons, no date
    ({"issued": {"raw": "2019-05-17"}}, {"year": "2019", "month": "may"}),
    ({"issued": {"literal": "Spring 2020"}}, {"year": "2020"}),
    ({"issued": "2018 Mar 3"}, {"year": "2018", "month": "mar"}),
    ({"issued": {"date-parts": [["2013", 13]]}}, {"year": "2013"}),
    ({"issued": {"date-parts": [[None]]}}, {}),
    # identifiers: a PMID only where clearly one; DOIs without their resolver
    ({"URL": "https://pubmed.ncbi.nlm.nih.gov/29424689/"}, {"pmid": "29424689"}),
    ({"note": "PMID: 33467726\nPMCID: PMC7829982"}, {"pmid": "33467726", "pmcid": "PMC7829982"}),
    ({"note": "See 33467726"}, {"note": "See 33467726"}),
    ({"DOI": "https://doi.org/10.1000/ABC"}, {"doi": "10.1000/ABC"}),
    ({"doi": "10.1/x", "url": "u", "issn": ["1", "2"]}, {"doi": "10.1/x", "issn": "1, 2"}),
    # rich text: markup goes, a nocase span keeps its case in braces
    (
        {"title": 'Mesenchymal cells <i>in vitro</i>: <span class="nocase">mRNA</span> levels'},
        {"title": "Mesenchymal cells in vitro: {mRNA} levels"},
    ),
    ({"type": "no-such-type", "title": "T"}, {"@type": "misc", "title": "T"}),
    (
        {"type": "dataset", "keyword": "exosome, skin"},
        {"@type": "misc", "keywords": "exosome, skin"},
    ),
]


@pytest.mark.parametrize(("item", "fields"), CSL_EXAMPLES)
def test_csl_item_becomes_bibtex_fields(item, fields):
    bib = csl(item)
    assert bib.problems == []
    loaded = only(bib)
    assert {name: loaded.get(name) for name in fields} == fields


def test_csl_items_start_on_the_line_of_their_brace():
    text = '[\n  {"id": "a"},\n\n  {\n    "id": "b"\n  }, {"id": "c"}\n]\n'
    bib = parse_csl_json(text, "refs.json")
    assert [(s.key, s.line) for s in bib.sources.values()] == [("a", 2), ("b", 4), ("c", 6)]


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "one", "title": "T"}',  # a single item
        '{"items": [{"id": "one", "title": "T"}]}',  # as some tools wrap them
        '\ufeff[{"id": "one", "title": "T"}]',
        '{"items": [], "items": [{"id": "one", "title": "T"}]}',  # the last name counts
    ],
)
def test_csl_json_may_be_one_item_or_wrapped_in_items(text):
    bib = parse_csl_json(text, "refs.json")
    assert (bib.problems, list(bib.sources), bib.sources["one"].line) == ([], ["one"], 1)


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ({"id": "smith2020"}, "smith2020"),
        ({"id": 42}, "42"),
        ({"id": "pmid:31209238"}, "pmid:31209238"),
        ({"id": "a b", "citation-key": "better"}, "better"),
        ({"id": "has space", "author": [{"family": "Shin"}]}, "shin"),
        ({"id": "a,b", "title": "The comparative study", "issued": "2021"}, "anon2021comparative"),
        ({"id": "{x}", "author": [{"family": "Müller"}], "title": "On stem cells"}, "mullerstem"),
        ({"author": [{"literal": "World Health Organization"}]}, "worldhealthorganization"),
        ({"editor": [{"family": "Ørsted", "given": "H"}], "issued": 2020}, "orsted2020"),
        (
            {"author": [{"family": "Straße"}], "title": "A of the, and: COVID-19 vaccines"},
            "strassecovid19",
        ),
    ],
)
def test_csl_key_is_the_id_or_one_made_like_better_bibtex(given, key):
    assert list(csl(given).sources) == [key]


def test_generated_keys_are_told_apart_with_letters_and_keep_clear_of_given_ones():
    same = {"author": [{"family": "Shin"}], "issued": "2021", "title": "Comparative analysis"}
    bib = csl(same, same, {"id": "shin2021comparativeb"}, same, same)
    assert list(bib.sources) == [
        "shin2021comparative",
        "shin2021comparativea",
        "shin2021comparativeb",
        "shin2021comparativec",
        "shin2021comparatived",
    ]
    assert bib.problems == []


# --- CSL-JSON: faults ---------------------------------------------------------------------------

CSL_FAULTS = [
    ("", [("unreadable", 1, None)]),
    ('[\n{"id": "a",}\n]', [("unreadable", 2, None)]),
    ('[{"id": "a"}]\n]', [("unreadable", 2, None)]),
    ("42", [("unreadable", 1, None)]),
    ('"refs"', [("unreadable", 1, None)]),
    ("[" * 100_000, [("unreadable", 1, None)]),
    ("[" + "9" * 5000 + "]", [("unreadable", 1, None)]),
    ('[\n{"id": "a"},\n"b",\n[1]\n]', [("unparsable", 3, None), ("unparsable", 4, None)]),
    ('[\n{"id": "a"},\n{"id": "a"}\n]', [("duplicate-key", 3, "a")]),
    ('[\n{"id": "a",\n "issued": {"date-parts": [["spring"]]}}]', [("suspicious-field", 2, "a")]),
    ('[{"id": "a", "issued": {"raw": "unknown"}}]', [("suspicious-field", 1, "a")]),
    ('[{"id": "a", "issued": [2020]}]', [("suspicious-field", 1, "a")]),
    ('[{"id": "a", "issued": true}]', [("suspicious-field", 1, "a")]),
]


@pytest.mark.parametrize(("text", "expected"), CSL_FAULTS)
def test_csl_faults_become_problems_on_their_lines(text, expected):
    bib = parse_csl_json(text, "refs.json")
    assert problems(bib) == expected
    assert all(p.path == "refs.json" and " - " in p.message for p in bib.problems)


CSL_NO_FAULT = [
    '[{"id": "a", "title": "No date at all"}]',
    '[{"id": "a", "issued": {"date-parts": [[]]}}]',
    '[{"id": "a", "issued": {"literal": "in press"}}]',
    '[{"id": "a", "issued": {"season": 1, "date-parts": [[2020, 21]]}}]',
    '[{"id": "a", "type": 7, "title": ["T"], "author": "nobody", "page": {"x": 1}}]',
    "[]",
]


@pytest.mark.parametrize("text", CSL_NO_FAULT)
def test_csl_oddities_that_are_not_faults(text):
    assert parse_csl_json(text, "refs.json").problems == []


def test_csl_json_error_message_gives_line_and_column():
    (problem,) = parse_csl_json('[\n  {"id": "a" "title": "T"}\n]', "refs.json").problems
    assert (problem.line, problem.col) == (2, 14)
    assert "line 2, column 14" in problem.message
    assert problem.message.startswith('"refs.json" is not valid JSON')


def test_csl_duplicate_keeps_the_first_and_names_its_line():
    bib = csl({"id": "a", "title": "First"}, {"id": "a", "title": "Second"})
    assert bib.sources["a"].fields["title"] == "First"
    assert (
        'the item on line 6 ("Second") repeats the key "a" of the item on line 2'
        in bib.problems[0].message
    )


def test_csl_unreadable_date_names_the_item_and_value():
    message = csl({"id": "a", "issued": {"raw": "soon"}}).problems[0].message
    assert message.startswith('item "a" (line 2) has an issued date that cannot be read')
    assert '{"raw": "soon"}' in message
    assert '"date-parts"' in message.split(" - ", 1)[1]


# --- RIS: records in, fields out -----------------------------------------------------------------

RIS_EXAMPLES = [
    (
        "TY  - JOUR\nID  - shin2021\nTI  - Comparative proteomic analysis\nAU  - Shin, Sungho\n"
        "AU  - Lee, J\nA1  - Kwon, Yumi\nJO  - Int J Mol Sci\nPY  - 2021\nDA  - 2021/01/18\n"
        "VL  - 22\nIS  - 2\nSP  - 845\nEP  - 850\nDO  - 10.3390/ijms22020845\nSN  - 1422-0067\n"
        "KW  - exosome\nKW  - skin\nER  - \n",
        {
            "@type": "article",
            "@key": "shin2021",
            "author": "Shin, Sungho and Lee, J and Kwon, Yumi",
            "journal": "Int J Mol Sci",
            "year": "2021",
            "month": "jan",
            "volume": "22",
            "number": "2",
            "pages": "845--850",
            "doi": "10.3390/ijms22020845",
            "issn": "1422-0067",
            "keywords": "exosome, skin",
        },
    ),
    (
        "TY  - JOUR\nTI  - T\nJA  - Int J\nT2  - International Journal\nJF  - The Int. Journal\nER  -",
        {"journal": "The Int. Journal"},
    ),
    ("TY  - JOUR\nTI  - T\nJO  - J Abbr\nJ2  - JA\nER  -", {"journal": "J Abbr"}),
    (
        "TY  - CHAP\nTI  - A part\nT2  - The whole\nED  - Roe, R\nA2  - Poe, P\nPB  - Springer\n"
        "CY  - Berlin\nSN  - 978-3-642-32156-6\nSP  - 1-10\nER  -",
        {
            "@type": "incollection",
            "booktitle": "The whole",
            "editor": "Roe, R and Poe, P",
            "publisher": "Springer",
            "address": "Berlin",
            "isbn": "978-3-642-32156-6",
            "pages": "1--10",
        },
    ),
    ("TY  - CPAPER\nTI  - P\nT2  - Proc. of X\nER  -", {"@type": "inproceedings"}),
    (
        "TY  - THES\nTI  - T\nPB  - Univ\nM3  - Master's thesis\nER  -",
        {"@type": "mastersthesis", "school": "Univ"},
    ),
    ("TY  - RPRT\nTI  - T\nPB  - WHO\nER  -", {"@type": "techreport", "institution": "WHO"}),
    (
        "TY  - ELEC\nTI  - T\nUR  - https://x.org\nER  -",
        {"@type": "online", "url": "https://x.org"},
    ),
    ("TY  - Chap\nTI  - T\nER  -", {"@type": "incollection"}),
    ("TY  - label.ris.referenceType.X\nTI  - T\nER  -", {"@type": "misc"}),
    # names: organisations, initials without a space, suffixes
    (
        "TY  - GEN\nTI  - T\nAU  - World Health Organization\nER  -",
        {"author": "{World Health Organization}"},
    ),
    (
        "TY  - GEN\nTI  - T\nAU  - Baldwin,S.A.\nAU  - Doe, John, Jr.\nER  -",
        {"author": "Baldwin, S.A. and Doe, Jr., John"},
    ),
    # dates from PY, Y1 or DA
    ("TY  - GEN\nTI  - T\nY1  - 1996/05/01/\nER  -", {"year": "1996", "month": "may"}),
    ("TY  - GEN\nTI  - T\nPY  - 2026\nDA  - 2026 Aug 27\nER  -", {"year": "2026", "month": "aug"}),
    ("TY  - GEN\nTI  - T\nPY  - 0000\nER  -", {"year": None}),
    # long values wrapped on several lines; EndNote's one keyword a line
    (
        "TY  - GEN\nTI  - A title wrapped\n   over two lines\nAB  - One\nTwo\n\nThree\n"
        "KW  - a\nb\nKW  - c\nER  -",
        {
            "title": "A title wrapped over two lines",
            "abstract": "One Two Three",
            "keywords": "a, b, c",
        },
    ),
    # identifiers: a PMID only where clearly one
    (
        "TY  - GEN\nTI  - T\nUR  - https://pubmed.ncbi.nlm.nih.gov/29424689/\nER  -",
        {"pmid": "29424689"},
    ),
    ("TY  - GEN\nTI  - T\nAN  - 29424689\nDB  - PubMed\nER  -", {"pmid": "29424689"}),
    ("TY  - GEN\nTI  - T\nAN  - 29424689\nDB  - Embase\nER  -", {"pmid": None}),
    (
        "TY  - GEN\nTI  - T\nN1  - PMID: 123; PMCID: PMC456\nER  -",
        {"pmid": "123", "pmcid": "PMC456"},
    ),
    ("TY  - GEN\nTI  - T\nC2  - PMC23423\nER  -", {"pmcid": "PMC23423"}),
    ("TY  - GEN\nTI  - T\nUR  - http://dx.doi.org/10.1000/x.y\nER  -", {"doi": "10.1000/x.y"}),
    ("TY  - GEN\nTI  - T\nDO  - https://doi.org/10.1000/Z\nER  -", {"doi": "10.1000/Z"}),
    # what real files hold around the records
    ("\ufeffTY  - GEN\r\nTI  - CRLF and a BOM\r\nER  - \r\n", {"title": "CRLF and a BOM"}),
    ("Provider: OEB\n\n1.\nTY  - GEN\nTI  - Text before\nER  -\n\n\n", {"title": "Text before"}),
    ("TY - GEN\nTI - One space\nER -", {"title": "One space"}),
    ("TY  - GEN\rTI  - Old Mac\rER  -\r", {"title": "Old Mac"}),
    ("TY  - GEN\nTI  - Empty tags\nDO  -\nVL  - \nER  -", {"doi": None, "volume": None}),
]


@pytest.mark.parametrize(("text", "fields"), RIS_EXAMPLES)
def test_ris_record_becomes_bibtex_fields(text, fields):
    bib = ris(text)
    assert bib.problems == []
    loaded = only(bib)
    assert {name: loaded.get(name) for name in fields} == fields


def test_ris_records_start_on_the_line_of_their_ty_tag():
    text = "\n\nTY  - GEN\nTI  - Alpha\nER  - \n\nTY  - GEN\nID  - b\nTI  - B\nER  - \n"
    assert [(s.key, s.line) for s in ris(text).sources.values()] == [("anonalpha", 3), ("b", 7)]


@pytest.mark.parametrize(
    ("records", "keys"),
    [
        (["ID  - k1"], ["k1"]),
        (
            ["ID  - OEB 205629", "AU  - Allen, James", "PY  - 2013", "TI  - Like cats"],
            ["allen2013like"],
        ),
        (["AU  - Smith, A", "TI  - The same"], ["smithsame"]),
        (
            ["AU  - Smith, A", "TI  - The same", "ER  -\nTY  - GEN\nAU  - Smith, B\nTI  - Same"],
            ["smithsame", "smithsamea"],
        ),
    ],
)
def test_ris_key_is_the_id_or_one_made_like_better_bibtex(records, keys):
    assert list(ris("TY  - GEN\n" + "\n".join(records) + "\nER  -\n").sources) == keys


# --- RIS: faults --------------------------------------------------------------------------------

RIS_FAULTS = [
    # records without ER: loaded when they have a title
    (
        "TY  - GEN\nTI  - Alpha\nTY  - GEN\nTI  - Beta\nER  -",
        [("unparsable", 1, "anonalpha")],
        ["anonalpha", "anonbeta"],
    ),
    (
        "TY  - GEN\nTI  - Alpha\nER  -\nTY  - GEN\nTI  - Beta\n",
        [("unparsable", 4, "anonbeta")],
        ["anonalpha", "anonbeta"],
    ),
    (
        "TY  - GEN\nAU  - Doe, J\nTY  - GEN\nTI  - Beta\nER  -",
        [("unparsable", 1, None)],
        ["anonbeta"],
    ),
    # records without TY
    (
        "TY  - GEN\nTI  - Alpha\nER  -\nTI  - Beta\nER  -",
        [("unparsable", 4, "anonbeta")],
        ["anonalpha", "anonbeta"],
    ),
    ("TY  - GEN\nTI  - Alpha\nER  -\nN1  - lost\nER  -", [("unparsable", 4, None)], ["anonalpha"]),
    # repeated IDs
    (
        "TY  - GEN\nID  - k\nTI  - A\nER  -\nTY  - GEN\nID  - k\nTI  - B\nER  -",
        [("duplicate-key", 5, "k")],
        ["k"],
    ),
    # lines that are not tag lines
    ("TY  - GEN\nTI  - A\nPY   - 2020\nER  -", [("suspicious-field", 3, "anon2020")], ["anon2020"]),
    ("TY  - GEN\nti  - A\nER  -", [("suspicious-field", 2, "anon")], ["anon"]),
    (
        "TY  - GEN\nTI  -A\nER-\n",
        [("suspicious-field", 2, "anon"), ("suspicious-field", 3, "anon")],
        ["anon"],
    ),
    (
        "TY  - JOUR\nthe journal of things\nTI  - A\nER  -",
        [("suspicious-field", 2, "anon")],
        ["anon"],
    ),
    # not RIS at all
    ("PT J\nAU Asampong, E\nTI Caregivers' views\nER\n", [("unreadable", 1, None)], []),
    ("<3001. >\nVN  - Ovid Technologies\nTI  - Quality of life\n", [("unreadable", 1, None)], []),
    ("@article{a, title = {T}}\n", [("unreadable", 1, None)], []),
]


@pytest.mark.parametrize(("text", "expected", "loaded"), RIS_FAULTS)
def test_ris_faults_become_problems_on_their_lines(text, expected, loaded):
    bib = ris(text)
    assert problems(bib) == expected
    assert list(bib.sources) == loaded
    assert all(p.path == "refs.ris" and " - " in p.message for p in bib.problems)


RIS_NO_FAULT = [
    "",
    "\n\n",
    "TY  - GEN\nTI  - Stray ER after\nER  -\nER  -\n",
    "TY  - GEN\nAB  - In - vitro, ab - initio: a wrapped\nIn - vitro line, and it - goes on\nER  -",
    "TY  - GEN\nTI  - T\nM1  - 9999\nN1  - one\nN1  - two\nUR  - a\nUR  - b\nER  -",
]


@pytest.mark.parametrize("text", RIS_NO_FAULT)
def test_ris_oddities_that_are_not_faults(text):
    assert ris(text).problems == []


def test_ris_problem_messages_name_the_record_and_say_what_to_do():
    bib = ris("TY  - GEN\nTI  - A\nPY   - 2020\nTY  - GEN\nER  -\n")
    first, second = (p.message for p in bib.problems)
    assert first.startswith('record "anon2020" (line 1) is not closed by an "ER  - " line')
    assert 'before the next record on line 4 - add "ER  - " after its last tag' in first
    assert second.startswith('record "anon2020" (line 1) has a line 3 ("PY   - 2020")')
    assert "it was read as tag PY" in second
    lost = ris("TY  - GEN\nTI  - A\nER  -\nAU  - Doe, J\nER  -\n").problems[0].message
    assert lost.startswith('the record on line 4 has no "TY  - " line before its first tag "AU"')
    assert "left out" in lost


# --- escaping: pybtex reads back the text that was exported -------------------------------------


@pytest.mark.parametrize(
    ("title", "latex"),
    [
        ("Pain & itch: 50% of #1 cases", r"Pain \& itch: 50\% of \#1 cases"),
        ("C:\\temp and snake_case", r"C:\textbackslash{}temp and snake\_case"),
        ("approx. ~3 mg", r"approx. \textasciitilde{}3 mg"),
        ("IL-6--mediated", "IL-6-{}-mediated"),
        ("''quoted'' ``too''", "'{}'quoted'{}' `{}`too'{}'"),
        ("¿Qué? ¡Sí!", "¿Qué? ¡Sí!"),
        ("$5 and x^2", "$5 and x^2"),
        ("{lone brace and pair {x}", "lone brace and pair x"),
    ],
)
def test_special_characters_are_escaped(title, latex):
    assert only(csl({"title": title}))["title"] == latex


def test_pages_keep_their_en_dash():
    assert only(csl({"page": "S1--S10"}))["pages"] == "S1--S10"
    assert rendered(only(csl({"page": "12-19"}))["pages"]) == "12–19"


TITLE_TEXT = st.text(
    alphabet=st.sampled_from([*"aZ09 -'`,?!.:;\\{}%&$#_~^\"\t\n", "é", "ß", "\u00a0", "–"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TITLE_TEXT)
@example("--'',,?`!`~~\\\\%")
def test_pybtex_reads_back_the_exported_title(title):
    # Braces are the one thing that cannot come back: pybtex takes every brace as grouping.
    expected = re.sub(r"\s+", " ", title.replace("{", "").replace("}", "")).strip()
    for bib in (
        csl({"title": title}),
        ris(f"TY  - GEN\nTI  - {title.replace(chr(10), ' ')}\nER  -"),
    ):
        fields = only(bib) if bib.sources else {}
        assert rendered(fields.get("title", "")) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TITLE_TEXT, TITLE_TEXT), max_size=4))
def test_names_split_into_the_people_exported(people):
    author = only(csl({"author": [{"family": f, "given": g} for f, g in people]})).get("author")
    named = [f + g for f, g in people if re.sub(r"[\s{}]", "", f + g)]
    assert len(split_name_list(author or "")) == len(named)


# --- golden comparisons with real exports ----------------------------------------------------

GOLDEN = {
    "csl-zotero.json": {
        "http://zotero.org/users/96641/items/BDQRTS3T": (
            "book",
            2,
            {
                "author": "Bachar, Mostafa",
                "year": "2013",
                "publisher": "Springer",
                "address": "Heidelberg",
                "series": "Lecture notes in mathematics",
                "isbn": "978-3-642-32156-6",
            },
        ),
    },
    "csl-ncbi-pubmed.json": {
        "pmid:31209238": (
            "article",
            2,
            {
                "journal": "Nature communications",
                "year": "2019",
                "month": "jun",
                "volume": "10",
                "number": "1",
                "pages": "2674",
                "doi": "10.1038/s41467-019-09799-2",
                "pmid": "31209238",
                "pmcid": "PMC6572829",
            },
        ),
    },
    "csl-ncbi-pmc.json": {
        "vkig9eAb": (
            "article",
            2,
            {"journal": "eLife", "year": "2018", "pages": "e32822", "editor": "Rodgers, Peter A"},
        ),
    },
    "csl-manubot.json": {
        "doi:10.7554/elife.32822": ("article", 2, {"pmid": "29424689", "month": "mar"}),
        "anontechblog": (
            "online",
            56,
            {
                "url": "http://blogs.nature.com/naturejobs/2018/02/20/techblog-manubot-powers-a-crowdsourced-deep-learning-review/"
            },
        ),
    },
    "zotero.ris": {
        "himmelstein2018scihub": (
            "article",
            1,
            {"journal": "eLife", "doi": "10.7554/eLife.32822", "issn": "2050-084X", "month": "mar"},
        ),
        "anontechblog": ("online", 22, {}),
    },
    "endnote.ris": {
        "3": (
            "article",
            1,
            {
                "journal": "Molecular Ecology Resources",
                "year": "2009",
                "doi": "10.1111/j.1755-0998.2009.02750.x",
                "issn": "1755-0998",
            },
        ),
    },
    "refman.ris": {
        "baldwin1996bloodbrain": (
            "article",
            1,
            {
                "title": "Blood-brain barrier breach following cortical contusion in the rat",
                "journal": "J.Neurosurg.",
                "pages": "476--481",
                "author": "Baldwin, S.A. and Fugaccia, I. and Brown, D.R. and Brown, L.V. and Scheff, S.W.",
            },
        ),
    },
    "scopus.ris": {
        "bryan2008using": ("article", 1, {"doi": "10.1016/S0027-9684(15)31340-7", "number": "6"}),
        "anon": ("article", 20, {"journal": "Prostate Cancer Mortality Statistics 2015"}),
    },
    "tandf.ris": {
        "light2014basic": (
            "article",
            1,
            {
                "doi": "10.3109/07434618.2014.906498",
                "month": "jun",
                "publisher": "Informa Allied Health",
            },
        ),
    },
}


def load(path: Path) -> Bibliography:
    parse = parse_csl_json if path.suffix == ".json" else parse_ris
    return parse(path.read_text(encoding="utf-8"), path.name)


def test_every_real_export_has_a_golden_entry_and_a_readme_line():
    readme = (BIB_DATA / "README.md").read_text(encoding="utf-8")
    names = sorted(path.name for path in [*CSL_FILES, *RIS_FILES])
    assert names == sorted(GOLDEN)
    assert all(f"`{name}`" in readme for name in names)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_real_export_loads_as_expected(name):
    bib = load(BIB_DATA / name)
    assert bib.problems == []
    assert list(bib.sources) == list(GOLDEN[name])
    for key, (entry_type, line, fields) in GOLDEN[name].items():
        source = bib.sources[key]
        assert (source.entry_type, source.line) == (entry_type, line)
        assert {field: source.fields.get(field) for field in fields} == fields


FORMATTED = {
    "pmid:31209238": (
        "Michael P Menden, Dennis Wang",
        "AstraZeneca-Sanger Drug Combination DREAM Consortium, In Sock Jang",
        "Nature communications, 10(1):2674, June 2019.",
    ),
    "http://zotero.org/users/96641/items/BDQRTS3T": (
        "Mostafa Bachar. Stochastic biomathematical models: With applications to neuronal modeling.",
        "Volume 2058 of Lecture notes in mathematics. Springer, Heidelberg, January 2013.",
    ),
    "baldwin1996bloodbrain": ("S.A. Baldwin, I. Fugaccia", "J.Neurosurg., 85:476–481, 1996."),
    "light2014basic": ("Janice Light and David McNaughton.", "30(2):99–105, June 2014."),
    "himmelstein2018scihub": (
        "Casey S Greene. Sci-Hub provides access to nearly all scholarly literature. eLife",
    ),
}


@pytest.mark.parametrize("key", sorted(FORMATTED))
def test_real_exports_format_into_sensible_references(key):
    sources = {k: s for path in [*CSL_FILES, *RIS_FILES] for k, s in load(path).sources.items()}
    formatted = format_source(sources[key])
    assert all(part in formatted.text for part in FORMATTED[key]), formatted.text
    assert "\\" not in formatted.text and "{" not in formatted.text


def test_every_real_source_formats_without_leftover_latex():
    for path in [*CSL_FILES, *RIS_FILES]:
        for source in load(path).sources.values():
            text = format_source(source).text
            assert text and "\\" not in text and "{" not in text, (path.name, text)


# The same work exported by ZoteroBib as BibTeX; its RIS export is zotero.ris and manubot's
# CSL JSON of it csl-manubot.json (manubot/manubot, manubot/pandoc/tests/bibliographies/
# bibliography.bib, BSD-2-Clause Plus Patent), and NCBI's CSL JSON of it csl-ncbi-pmc.json.
ZOTERO_BIBTEX = """\
@article{doi:10.7554/elife.32822,
\ttitle = {Sci-{Hub} provides access to nearly all scholarly literature},
\tvolume = {7},
\tissn = {2050-084X},
\turl = {https://elifesciences.org/articles/32822},
\tdoi = {10.7554/eLife.32822},
\tlanguage = {en},
\turldate = {2019-03-12TZ},
\tjournal = {eLife},
\tauthor = {Himmelstein, Daniel S and Romero, Ariel Rodriguez and Levernier, Jacob G and Munro, Thomas Anthony and McLaughlin, Stephen Reid and Greshake Tzovaras, Bastian and Greene, Casey S},
\tmonth = mar,
\tyear = {2018}
}
"""


def essentials(fields: dict[str, str]) -> tuple[str, str, str, str]:
    first_author = Person(split_name_list(fields["author"])[0])
    family = " ".join(first_author.prelast_names + first_author.last_names)
    doi = normalize_doi(fields["doi"])
    return decode_latex(fields["title"]), fields["year"], doi, decode_latex(family)


def test_the_same_work_in_bibtex_csl_and_ris_gives_the_same_essentials():
    (bibtex,) = parse_bibliography(ZOTERO_BIBTEX, "refs.bib").sources.values()
    expected = (
        "Sci-Hub provides access to nearly all scholarly literature",
        "2018",
        "10.7554/elife.32822",
        "Himmelstein",
    )
    assert essentials(bibtex.fields) == expected
    for name, key in [
        ("zotero.ris", "himmelstein2018scihub"),
        ("csl-manubot.json", "doi:10.7554/elife.32822"),
        ("csl-ncbi-pmc.json", "vkig9eAb"),
    ]:
        fields = load(BIB_DATA / name).sources[key].fields
        assert essentials(fields) == expected, name
        assert fields["author"].split(" and ")[5] == "Greshake Tzovaras, Bastian"


# --- never raise, and problems on lines of the file --------------------------------------------

JSON_GRAMMAR = Grammar(
    tokens=(
        "{", "}", "[", "]", '"', ":", ",", "\n", " ", "null", "true", "1e999", "-0", "\\",
        '"id": "k"', '"title": "T"', '"type": "book"', '"author": [{"family": "F"}]',
        '"issued": {"date-parts": [[2020, 13]]}', '"issued": {"raw": "x"}', '"items": [',
        '"\\ud800"', '"\\u0000"', '"page": 12', '"DOI": "10.1/x"', '"literal": ""', "{}", "[]",
    ),
    anchors='{}[],:"',
)  # fmt: skip
RIS_GRAMMAR = Grammar(
    tokens=(
        "TY  - JOUR\n", "ER  - \n", "ER  -", "AU  - ", "TI  - ", "ID  - k\n", "KW  - ", "PY  - ",
        "SP  - 1", "EP  - 2", "DO  - 10.1/x", "AN  - 1", "DB  - PubMed", "\n", "\r\n", "\r",
        "  - ", " - ", "-", ",", " ", "\t", "TY - ", "ty  - ", "UR  - https://pubmed.ncbi.nlm.nih.gov/1/",
    ),
    anchors="\n-",
)  # fmt: skip


def edits(grammar: Grammar) -> st.SearchStrategy[list[Edit]]:
    text = st.one_of(st.sampled_from(grammar.tokens), st.sampled_from(NASTY), st.text(max_size=6))
    edit = st.builds(Edit, st.sampled_from(OPERATIONS), st.floats(0, 1), st.integers(0, 40), text)
    return st.lists(edit, min_size=1, max_size=6)


def assert_on_its_lines(bib: Bibliography, text: str, shown: str) -> None:
    highest = last_line(text)
    check_problems(bib.problems, shown, highest)
    assert all(1 <= source.line <= highest for source in bib.sources.values())
    for source in bib.sources.values():
        assert all(isinstance(value, str) for value in source.fields.values())
        assert format_source(source).text  # what is loaded can be shown


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REAL_CSL = [path.read_text(encoding="utf-8") for path in CSL_FILES]
REAL_RIS = [path.read_text(encoding="utf-8") for path in RIS_FILES]


@FUZZ
@given(st.sampled_from(REAL_CSL), edits(JSON_GRAMMAR))
def test_mutated_csl_json_loads_with_problems_on_its_lines(text, changes):
    text = apply_edits(text, changes, JSON_GRAMMAR.anchors)
    assert_on_its_lines(parse_csl_json(text, "refs.json"), text, "refs.json")


@FUZZ
@given(st.lists(st.sampled_from(REAL_RIS), min_size=1, max_size=3).map("".join), edits(RIS_GRAMMAR))
def test_mutated_ris_loads_with_problems_on_its_lines(text, changes):
    text = apply_edits(text, changes, RIS_GRAMMAR.anchors)
    assert_on_its_lines(parse_ris(text, "refs.ris"), text, "refs.ris")


@FUZZ
@given(st.text(max_size=300))
def test_any_text_loads_as_either_format(text):
    assert_on_its_lines(parse_csl_json(text, "refs.json"), text, "refs.json")
    assert_on_its_lines(parse_ris(text, "refs.ris"), text, "refs.ris")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
CSL_NAMES = [
    "id",
    "type",
    "title",
    "author",
    "editor",
    "issued",
    "page",
    "DOI",
    "URL",
    "note",
    "PMID",
]


@FUZZ
@given(
    st.lists(st.dictionaries(st.sampled_from(CSL_NAMES), JSON_VALUES, max_size=6), max_size=5),
    st.sampled_from([None, 0, 2]),
)
def test_any_json_items_load_each_as_a_source_or_a_problem(items, indent):
    text = json.dumps(items, indent=indent)
    bib = parse_csl_json(text, "refs.json")
    assert_on_its_lines(bib, text, "refs.json")
    dropped = [p for p in bib.problems if p.kind == "duplicate-key"]
    assert len(bib.sources) + len(dropped) == len(items)


# --- linear time ----------------------------------------------------------------------------------

ITEM = '{"id": "k%d", "title": "A--b & c", "author": [{"family": "Shin", "given": "S"}],\n "issued": {"date-parts": [[2021, 1]]}, "page": "1-2"}'
RECORD = "TY  - JOUR\nTI  - A--b & c\nAU  - Shin, S\nPY  - 2021\nSP  - 1\nEP  - 2\nER  - \n"


@pytest.mark.parametrize(
    ("run", "make", "size"),
    [
        (parse_csl_json, lambda n: "[" + ",\n".join(ITEM % i for i in range(n)) + "]", 150),
        (
            parse_csl_json,
            lambda n: '{"items": [' + ",".join(ITEM % i for i in range(n)) + "]}",
            150,
        ),
        (parse_csl_json, lambda n: "[" + '{"title": "same"},' * n + "{}]", 150),
        (parse_ris, lambda n: RECORD * n, 150),
        (parse_ris, lambda n: "TY  - GEN\nAB  - start\n" + "and more of the abstract\n" * n, 500),
        (parse_ris, lambda n: "TY  - GEN\nTI  - " + "{" * n + "-" * n + "}" * n + "\n", 500),
        (parse_ris, lambda n: "TY  - GEN\n" * n, 300),
        (parse_csl_json, lambda n: json.dumps([{"title": '<span class="nocase">' * n}]), 300),
    ],
    ids=[
        "csl-items",
        "csl-wrapped",
        "csl-same-keys",
        "ris-records",
        "ris-abstract",
        "ris-braces",
        "ris-open",
        "csl-markup",
    ],
)
def test_loading_takes_linear_time(run, make, size):
    assert_linear(lambda text: run(text, "refs"), make, size)
