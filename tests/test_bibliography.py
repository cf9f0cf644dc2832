"""Loading BibTeX: sources as written, and every fault in the file as a problem with a line."""

from __future__ import annotations

import gzip
import textwrap
from pathlib import Path

import pytest
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.model import ParsingFailedBlock
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.bibliography import (
    REQUIRED_FIELDS,
    Bibliography,
    _unparsable_message,
    load_bibliography,
    parse_bibliography,
)
from tracker.model import Source

BIB_DATA = Path(__file__).parent / "data" / "bib"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SECRETOME = SHARED / "references" / "secretome-sources.bib"
BROKEN_MIX = SHARED / "bench" / "broken-mix.bib.gz"


def parse(text: str) -> Bibliography:
    return parse_bibliography(textwrap.dedent(text), "refs.bib")


def kinds_and_lines(bib: Bibliography) -> list[tuple[str, int, str | None]]:
    return [(p.kind, p.line, p.key) for p in bib.problems]


# --- fixture files: one clean, one per fault --------------------------------------------


def test_clean_file_loads_every_entry_without_problems():
    bib = load_bibliography(BIB_DATA / "clean.bib", "clean.bib")
    assert bib.problems == []
    assert list(bib.sources) == [
        "shin2021comparative",
        "mueller2019stem",
        "doe2020part",
        "conf2020",
        "who2020guidelines",
    ]


@pytest.mark.parametrize(
    ("key", "entry_type", "line", "fields"),
    [
        (
            "shin2021comparative",
            "article",
            6,
            {
                "title": "Comparative Proteomic Analysis of {Wharton's} Jelly",
                "journal": "International Journal of Molecular Sciences",
                "pages": "845--850",
            },
        ),
        ("mueller2019stem", "book", 19, {"editor": 'M{\\"u}ller, Hans', "year": "2019"}),
        ("doe2020part", "inproceedings", 26, {"crossref": "conf2020"}),
        ("who2020guidelines", "misc", 39, {"author": "{World Health Organization}"}),
    ],
)
def test_clean_file_keeps_values_as_written(key, entry_type, line, fields):
    source = load_bibliography(BIB_DATA / "clean.bib").sources[key]
    assert (source.entry_type, source.line) == (entry_type, line)
    assert {name: source.fields[name] for name in fields} == fields


@pytest.mark.parametrize(
    ("name", "problems", "loaded"),
    [
        (
            "unbalanced-brace.bib",
            [("unparsable", 8, "broken2021")],
            ["before2020", "after2022"],
        ),
        (
            "duplicate-key.bib",
            [("duplicate-key", 8, "smith2020")],
            ["smith2020", "jones2021"],
        ),
        (
            "missing-field.bib",
            [("missing-fields", 8, "nojournal2021")],
            ["complete2020", "nojournal2021"],
        ),
        (
            "missing-comma.bib",
            [("suspicious-field", 1, "comma2020")],
            ["comma2020", "fine2021"],
        ),
        (
            "invalid-utf8.bib",
            [("unreadable", 2, None)],
            ["mueller2019", "utf2020"],
        ),
    ],
)
def test_fault_fixture_reports_its_fault_and_loads_the_rest(name, problems, loaded):
    bib = load_bibliography(BIB_DATA / name, f"references/{name}")
    assert kinds_and_lines(bib) == problems
    assert list(bib.sources) == loaded
    assert all(p.path == f"references/{name}" for p in bib.problems)


def test_duplicate_key_keeps_the_first_entry_and_names_its_line():
    bib = load_bibliography(BIB_DATA / "duplicate-key.bib")
    assert bib.sources["smith2020"].fields["title"] == "The First Entry With This Key"
    assert "line 1" in bib.problems[0].message


def test_unbalanced_brace_message_says_where_to_look():
    message = load_bibliography(BIB_DATA / "unbalanced-brace.bib").problems[0].message
    assert "unbalanced brace" in message
    assert "lines 8-13" in message


def test_missing_comma_message_names_the_swallowed_field():
    bib = load_bibliography(BIB_DATA / "missing-comma.bib")
    assert "a comma is probably missing before 'journal ='" in bib.problems[0].message
    # The swallowed journal is that same fault, not a second one.
    assert [p.kind for p in bib.problems] == ["suspicious-field"]


def test_invalid_utf8_is_located_and_the_text_still_decoded():
    path = BIB_DATA / "invalid-utf8.bib"
    assert b"M\xfcller" in path.read_bytes(), "the fixture must keep its Latin-1 byte"
    bib = load_bibliography(path)
    problem = bib.problems[0]
    assert (problem.line, problem.col) == (2, 15)
    assert "0xfc" in problem.message
    assert bib.sources["mueller2019"].fields["author"] == "M\ufffdller, Hans"
    assert bib.sources["utf2020"].fields["author"] == "Müller, Hanna"


def test_byte_order_mark_is_not_a_problem(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{a, title = {T}}\n")
    bib = load_bibliography(path)
    assert (bib.problems, bib.sources["a"].line) == ([], 1)


def test_missing_file_raises():
    with pytest.raises(FileNotFoundError):
        load_bibliography(BIB_DATA / "no-such-file.bib")


def test_unreadable_path_becomes_a_problem(tmp_path):
    bib = load_bibliography(tmp_path, "references.bib")  # a directory cannot be read
    assert kinds_and_lines(bib) == [("unreadable", 1, None)]
    assert bib.sources == {}


def test_display_path_defaults_to_the_path():
    path = BIB_DATA / "missing-field.bib"
    assert load_bibliography(path).problems[0].path == str(path)


# --- tables of examples per problem kind: must trigger, must not ------------------------

ARTICLE = "author = {A, B}, title = {T}, journal = {J}, year = {2020}"

TRIGGERS = [
    # unparsable
    ("@article{a,\n title = {Open\n}\n@article{b, title = {T}}\n", ("unparsable", 1, "a")),
    ("@misc{a, title = {T}}\n\n@misc{b,\n title = {never closed\n", ("unparsable", 3, "b")),
    ("@article{a title = {T}}\n", ("unparsable", 1, "a")),
    ("@misc{a,\n title = {T},\n year\n}\n", ("unparsable", 1, "a")),
    ("@misc{,\n title = {T}}\n", ("unparsable", 1, None)),
    # duplicate-key
    ("@misc{a, title = {T}}\n@misc{a, title = {U}}\n", ("duplicate-key", 2, "a")),
    ('@string{j = "J"}\n@string{j = "K"}\n', ("duplicate-key", 2, "j")),
    # missing-fields
    ("@article{a, title = {T}, journal = {J}, year = 2020}", ("missing-fields", 1, "a")),
    (
        "@article{a, author = {A}, title = {T}, journal = {}, year = 2020}",
        ("missing-fields", 1, "a"),
    ),
    ("@book{a, title = {T}, publisher = {P}, year = 2020}", ("missing-fields", 1, "a")),
    ("@phdthesis{a, author = {A}, title = {T}, year = 2020}", ("missing-fields", 1, "a")),
    ("@techreport{a, author = {A}, title = {T}, year = 2020}", ("missing-fields", 1, "a")),
    ("@unpublished{a, author = {A}, title = {T}}", ("missing-fields", 1, "a")),
    ("@misc{a, author = {A}}", ("missing-fields", 1, "a")),
    ("@dataset{a, author = {A}}", ("missing-fields", 1, "a")),
    (
        "@inproceedings{a, author = {A}, title = {T}, crossref = {nowhere}}",
        ("missing-fields", 1, "a"),
    ),
    # suspicious-field
    (
        "@article{a,\n author = {A} journal = {J},\n title = {T}, year = 2020}",
        ("suspicious-field", 1, "a"),
    ),
    (
        '@article{a, author = "A" journal = "J", title = {T}, year = 2020}',
        ("suspicious-field", 1, "a"),
    ),
    ("@article{a, " + ARTICLE + ",\n volume = 3 number = {4}}", ("suspicious-field", 1, "a")),
    ("@article{a, " + ARTICLE + ", note = {x}, note = {y}}", ("suspicious-field", 1, "a")),
]

CLEAN = [
    "",
    "% only a comment\n",
    "@comment{anything at all = {}}\n",
    "@article{a, " + ARTICLE + "}",
    "@ARTICLE{a, AUTHOR = {A}, Title = {T}, JOURNAL = {J}, Year = 2020}",
    "@book{a, editor = {E}, title = {T}, publisher = {P}, year = 2020}",
    "@inbook{a, author = {A}, title = {T}, pages = {1--2}, publisher = {P}, year = 2020}",
    "@misc{a, title = {T}}",
    "@online{a, title = {T}, url = {https://example.org/?title=x&year=2020}}",
    "@article{a, " + ARTICLE + ", note = {title = a field name inside braces}}",
    "@article{a, " + ARTICLE + ', note = "see author = X"}',
    "@article{a, " + ARTICLE + ", url = {http://x.org/index.php?journal=1}}",
    "@string{j = {J}}\n@article{a, author = {A}, title = {T}, journal = j, year = 2020}",
    "@inproceedings{a, author = {A}, title = {T}, crossref = {p}}\n"
    "@proceedings{p, title = {Proceedings}, year = 2020}",
    "@inproceedings{a, author = {A}, title = {T}, crossref = {P}}\n"
    "@proceedings{p, booktitle = {Proc}, title = {Proc}, year = 2020}",
    "@article{a, " + ARTICLE + "}\n@article{A, " + ARTICLE + "}",
]


@pytest.mark.parametrize(("text", "expected"), TRIGGERS)
def test_fault_triggers_its_problem(text, expected):
    assert expected in kinds_and_lines(parse(text))


@pytest.mark.parametrize("text", CLEAN)
def test_sound_text_has_no_problem(text):
    assert parse(text).problems == []


def test_every_listed_entry_type_has_an_example():
    # The tables above must grow with REQUIRED_FIELDS.
    examples = "".join(text for text, _ in TRIGGERS) + "".join(CLEAN)
    untested = {"booklet", "incollection", "conference", "manual", "mastersthesis", "online"}
    for kind in set(REQUIRED_FIELDS) - untested:
        assert f"@{kind}{{" in examples.lower(), kind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "@misc{a, title = {T}}\n@misc{a, title = {U}}\n",
            'entry "a" repeats the key of the entry on line 1 - give one of them a new key',
        ),
        (
            "@article{a, title = {T}, year = 1}",
            'entry "a" (@article) lacks author and journal - add them',
        ),
        ("@book{a, title = {T}, publisher = {P}, year = 1}", "lacks author or editor - add it"),
        (
            "@inproceedings{a, author = {A}, title = {T}, crossref = {x}}",
            'lacks booktitle and year (its crossref "x" is not in this file)',
        ),
        (
            "@article{a, author = {A} journal = {J}, title = {T}, year = 1}",
            "the value of 'author' holds 'journal =' "
            "- a comma is probably missing before 'journal ='",
        ),
        (
            "@misc{a, title = {T}, note = {x}, note = {y}}",
            "gives 'note' more than once - the first value is used",
        ),
        ("@misc{a,\n title = {T\n", "the file ends before it is closed - check from line 1 on"),
    ],
)
def test_message_diagnoses_then_prescribes(text, message):
    assert message in parse(text).problems[0].message


def test_message_quotes_an_unforeseen_library_reason_verbatim():
    # bibtexparser's reasons may hold braces; they must not be taken for format fields.
    error = BlockAbortedException("Expected either a `,` or `}` after a value")
    block = ParsingFailedBlock(error, start_line=3, raw="@misc{k,\n a = {b}\n")
    key, message = _unparsable_message(block)
    assert key == "k"
    assert message.startswith("entry \"k\" could not be parsed: Expected either a ',' or '}'")
    assert "check lines 4-5" in message


# --- what a source holds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("@misc{a, title = {T}}", {"title": "T"}),
        ('@misc{a, title = "T"}', {"title": "T"}),
        ("@misc{a, year = 2020}", {"year": "2020"}),
        ("@misc{a, Title = {T}}", {"title": "T"}),
        (
            '@misc{a, title = {{Keep} \\emph{as} M{\\"u}ller}}',
            {"title": '{Keep} \\emph{as} M{\\"u}ller'},
        ),
        ("@misc{a, title = {First}, TITLE = {Second}}", {"title": "First"}),
        ("@misc{a, title = {First}, title = {Second}}", {"title": "First"}),
        ("@string{s = {Resolved}}\n@misc{a, title = s}", {"title": "Resolved"}),
        ("@string{s = {Resolved}}\n@misc{a, title = s, title = {x}}", {"title": "Resolved"}),
        ("@misc{a, month = undefinedmacro}", {"month": "undefinedmacro"}),
        ("@misc{a, title = {A} # { and } # {B}}", {"title": "{A} # { and } # {B}"}),
        ("@misc(a, title = {Parentheses})", {"title": "Parentheses"}),
    ],
)
def test_source_fields_are_raw_values_without_outer_delimiters(text, fields):
    assert parse(text).sources["a"].fields == fields


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("@misc{a, title = {T}}", 1),
        ("\n\n% comment\n@misc{a, title = {T}}", 4),
        ("@misc{x, title = {T}}\n@misc{\n  a,\n  title = {T}}", 2),
        ("% Windows line ends\r\n\r\n@misc{a,\r\n title = {T}}\r\n", 3),
    ],
)
def test_source_line_is_the_line_of_its_at_sign(text, line):
    assert parse(text).sources["a"].line == line


def test_entry_type_is_lower_case():
    assert parse("@ARTICLE{a, " + ARTICLE + "}").sources["a"].entry_type == "article"


def test_identifier_indexes_are_normalized_first_wins_and_cached():
    bib = parse(
        """\
        @misc{a, title = {T}, doi = {https://doi.org/10.1000/ABC}, pmid = { 123 }}
        @misc{b, title = {T}, doi = {doi:10.1000/abc}, pmid = {123}}
        @misc{c, title = {T}, doi = {10.1000/other}}
        @misc{d, title = {T}, doi = {}}
        """
    )
    assert bib.by_doi() == {"10.1000/abc": "a", "10.1000/other": "c"}
    assert bib.by_pmid() == {"123": "a"}
    assert bib.by_doi() is bib.by_doi()


def test_bibliography_can_be_built_by_hand():
    source = Source("k", "misc", {"doi": "10.1000/X"}, 1)
    bib = Bibliography("refs.bib", {"k": source}, [])
    assert bib.by_doi() == {"10.1000/x": "k"}


# --- shared material -------------------------------------------------------------------


@pytest.fixture
def secretome() -> Path:
    if not SECRETOME.is_file():
        pytest.skip(f"{SECRETOME} is absent: the shared references are not beside this repository")
    return SECRETOME


@pytest.fixture
def broken_mix() -> str:
    if not BROKEN_MIX.is_file():
        pytest.skip(
            f"{BROKEN_MIX} is absent: the shared bench files are not beside this repository"
        )
    return gzip.decompress(BROKEN_MIX.read_bytes()).decode("utf-8")


SECRETOME_DOIS = {
    "shin2021comparative": "10.3390/ijms22020845",
    "drobiova2023wharton": "10.3389/fcell.2023.1211217",
    "foo2021comparing": "10.1155/2021/2616807",
    "polymers2022polymeric": "10.3390/polym14061218",
    "thakur2023therapeutic": "10.3390/cosmetics10020065",
}


def test_secretome_sources_load_with_their_dois(secretome):
    bib = load_bibliography(secretome, "references.bib")
    assert {key: s.doi for key, s in bib.sources.items()} == SECRETOME_DOIS
    assert bib.by_doi() == {doi: key for key, doi in SECRETOME_DOIS.items()}
    assert bib.by_pmid() == {"33467726": "shin2021comparative"}
    # Only the tentative match lacks something: its authors could not be confirmed.
    assert kinds_and_lines(bib) == [("missing-fields", 46, "polymers2022polymeric")]


def test_broken_mix_planted_faults_are_found_and_the_rest_loads(broken_mix):
    bib = parse_bibliography(broken_mix, "broken-mix.bib")
    problems = {(p.kind, p.key): p for p in bib.problems}
    assert problems["unparsable", "CoopEtal04"].line == 8464
    assert problems["duplicate-key", "HokEtal07"].line == 25797
    assert "line 25789" in problems["duplicate-key", "HokEtal07"].message
    assert problems["suspicious-field", "ToluEtal12"].line == 17123
    assert "'Journal ='" in problems["suspicious-field", "ToluEtal12"].message
    # 6,315 distinct keys, less the entry whose brace is unbalanced.
    assert len(bib.sources) == 6314
    assert "CoopEtal04" not in bib.sources
    assert bib.sources["Salz59"].entry_type == "article"


# --- properties ------------------------------------------------------------------------


def assert_lines_in_range(text: str, bib: Bibliography) -> None:
    last = text.count("\n") + 2
    assert all(1 <= p.line <= last for p in bib.problems), bib.problems
    assert all(1 <= s.line <= last for s in bib.sources.values())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_without_raising(text):
    assert_lines_in_range(text, parse_bibliography(text, "refs.bib"))


NAMES = st.sampled_from(["author", "title", "journal", "year", "Title", "note", "doi", "x-y", ""])
VALUE_TEXT = st.text(alphabet='ab {}"=,@\\\n#%', max_size=12)


@st.composite
def values(draw) -> str:
    text = draw(VALUE_TEXT)
    return draw(st.sampled_from(["{%s}", '"%s"', "%s", "{%s", "%s}"])) % text


@st.composite
def entries(draw) -> str:
    kind = draw(st.sampled_from(["article", "book", "misc", "string", "comment", "preamble", "A"]))
    key = draw(st.sampled_from(["a", "b", "A", "", "a b", "k,"]))
    fields = draw(st.lists(st.tuples(NAMES, values()), max_size=5))
    separator = draw(st.sampled_from([",\n  ", ", ", " ", "\n"]))
    body = separator.join(f"{name} = {value}" for name, value in fields)
    opening, closing = draw(st.sampled_from([("{", "}"), ("(", ")"), ("{", ""), ("{", "}}")]))
    return f"@{kind}{opening}{key},{body}{closing}"


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), max_size=6), st.sampled_from(["\n", "\n\n", " ", "\r\n"]))
def test_any_entries_parse_without_raising(blocks, separator):
    text = separator.join(blocks)
    assert_lines_in_range(text, parse_bibliography(text, "refs.bib"))


# Entries as Better BibTeX exports them for biblatex (date, journaltitle, @online, @report,
# @thesis, langid): none lacks a field biblatex needs.
BIBLATEX_ENTRIES = [
    "@article{shin2021, title = {Comparative Proteomic Analysis of the Mesenchymal Stem Cells"
    " Secretome}, author = {Shin, Sungho and Lee, Jin}, date = {2021-03-04},"
    " journaltitle = {International Journal of Molecular Sciences}, volume = {22}, number = {5},"
    " pages = {2551}, doi = {10.3390/ijms22052551}, langid = {english}}",
    "@online{fda2023, title = {Important Patient Alert on Exosome Products},"
    " author = {{U.S. Food and Drug Administration}}, date = {2023-06-21},"
    " url = {https://www.fda.gov/}, urldate = {2026-11-01}, langid = {english}}",
    "@report{who2021, title = {Guidance}, author = {{World Health Organization}},"
    " institution = {WHO}, date = {2021}, location = {Geneva}}",
    "@thesis{doe2020, title = {Zinc and Colds}, author = {Doe, Ann}, institution = {Nowhere"
    " University}, date = {2020}, type = {phdthesis}}",
    "@book{roe2019, title = {Skin}, author = {Roe, Rita}, date = {2019}, location = {Boston}}",
]


@pytest.mark.parametrize("entry", BIBLATEX_ENTRIES)
def test_biblatex_entries_have_what_biblatex_needs(entry):
    assert parse_bibliography(entry, "refs.bib").problems == []


@pytest.mark.parametrize(
    ("entry", "lacks"),
    [
        ("@report{r, author = {A, B}, title = {T}, date = {2020}}", "lacks institution"),
        ("@online{o, title = {T}, date = {2020}}", "lacks url or doi or eprint"),
        ("@article{a, author = {A, B}, title = {T}, date = {2020}}", "lacks journaltitle "),
        # BibTeX's @book needs a publisher; biblatex's does not.
        ("@book{b, author = {A, B}, title = {T}, year = {2020}}", "lacks publisher"),
    ],
)
def test_biblatex_and_bibtex_entries_lacking_fields(entry, lacks):
    (problem,) = parse_bibliography(entry, "refs.bib").problems
    assert lacks in problem.message + " "


def test_biblatex_fields_give_year_and_journal():
    (source,) = parse_bibliography(BIBLATEX_ENTRIES[0], "refs.bib").sources.values()
    assert (source.year, source.journal) == ("2021", "International Journal of Molecular Sciences")


@pytest.mark.parametrize("name", ["csl-manubot.json", "scopus.ris"])
def test_csl_json_and_ris_bibliographies_load_by_their_suffix(name):
    from tracker.bibliography import load_bibliography

    bibliography = load_bibliography(BIB_DATA / name, name)
    assert bibliography.sources
    if name == "scopus.ris":  # its second record has no title, author or year
        (missing,) = [p for p in bibliography.problems if p.kind == "missing-fields"]
        assert missing.line == 20 and "lacks author, title and year" in missing.message
