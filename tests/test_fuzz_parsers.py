"""Every parser on mutated real input: only the allowed outcome, and the bugs fuzzing found.

Inputs are made as `python bench/fuzz.py` makes its 10^5 per parser - real entries, registers
and pages with characters deleted, duplicated, swapped or inserted (braces, quotes, `=`, `@`,
tabs, YAML aliases and tags, markers) - but drawn by Hypothesis, so that a failure shrinks.
The checks are the bench's: a problem sits on a line of its file, a block, claim or marker
indexes the text, and nothing but a ReaderError (from a reader) is ever raised.
"""

from __future__ import annotations

import random
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.fuzz import (
    BIBTEX,
    HTML,
    MARKDOWN,
    MARKERS,
    NASTY,
    OPERATIONS,
    PLAIN,
    TARGETS,
    YAML,
    Edit,
    Grammar,
    apply_edits,
    bib_chunks,
    build_register,
    hostile_register,
    html_pages,
    mutate,
    pages,
    register_parts,
    run_bibtex,
    run_markers,
    run_reader,
    run_register,
)
from tracker import yamlio
from tracker.bibliography import KNOWN_FIELDS, REQUIRED_FIELDS, parse_bibliography
from tracker.detect import classify
from tracker.markers import TRAILING_MARKERS, find_markers, strip_trailing_markers
from tracker.readers.html import read_html
from tracker.readers.markdown import read_markdown
from tracker.readers.plain import read_plain
from tracker.references import find_reference_list, parse_reference
from tracker.register_read import parse_register
from tracker.segment import LEADING_MARKERS, MARKER_THEN_SENTENCE

from .complexity import assert_linear

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def edits(grammar: Grammar) -> st.SearchStrategy[list[Edit]]:
    """Draw a few edits whose inserts are the format's tokens, nasty characters or any text."""
    text = st.one_of(st.sampled_from(grammar.tokens), st.sampled_from(NASTY), st.text(max_size=6))
    edit = st.builds(Edit, st.sampled_from(OPERATIONS), st.floats(0, 1), st.integers(0, 40), text)
    return st.lists(edit, min_size=1, max_size=6)


def encoded(text: str, encoding: str) -> bytes:
    errors = "surrogatepass" if encoding.startswith("utf-8") else "replace"
    return text.encode(encoding, errors)


ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"])
BIB_CHUNKS = bib_chunks(None)
PAGE_LINES = [line for page in pages(None) for line in page.splitlines(keepends=True)]


# --- BibTeX loader ----------------------------------------------------------------------------


@FAST
@given(st.lists(st.sampled_from(BIB_CHUNKS), min_size=1, max_size=4), edits(BIBTEX), ENCODINGS)
def test_mutated_bibtex_loads_with_problems_on_its_lines(workdir, chunks, changes, encoding):
    run_bibtex(encoded(apply_edits("".join(chunks), changes, BIBTEX.anchors), encoding), workdir)


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_load_as_bibtex(workdir, data):
    run_bibtex(data, workdir)


VALUE_TEXT = st.text(alphabet="abcXYZ 019.,;:-()'=&@%#~/", min_size=1, max_size=20)


@st.composite
def valid_values(draw) -> str:
    text = draw(VALUE_TEXT).strip() or "x"
    nested = draw(st.booleans())
    return draw(st.sampled_from(["{%s}", '"%s"', "{{%s}}" if nested else "{%s}"])) % text


@st.composite
def valid_entries(draw, key: str) -> str:
    kind = draw(st.sampled_from(sorted(REQUIRED_FIELDS)))
    names = [need.split("|")[0] for need in REQUIRED_FIELDS[kind]]
    optional = sorted(KNOWN_FIELDS - {*names, "crossref"})
    names += draw(st.lists(st.sampled_from(optional), max_size=3, unique=True))
    fields = [f"{name} = {draw(valid_values())}" for name in names]
    if "year" in names and draw(st.booleans()):
        fields[names.index("year")] = "year = 2021"
    separator = draw(st.sampled_from([",\n  ", ", ", ",\n\t"]))
    return f"@{kind}{{{key},\n  {separator.join(fields)}\n}}\n"


KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_:-]{0,12}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(KEYS, min_size=1, max_size=5, unique_by=str.lower), st.data())
def test_valid_bibtex_loads_without_problems(keys, data):
    text = "\n".join(data.draw(valid_entries(key)) for key in keys)
    bibliography = parse_bibliography(text, "references.bib")
    assert bibliography.problems == []
    assert sorted(bibliography.sources) == sorted(keys)


# --- register loader --------------------------------------------------------------------------

HEADS, ITEMS = register_parts()


@st.composite
def real_registers(draw) -> str:
    """A register made of a real head and distinct claims cut from the real registers."""
    seed = draw(st.integers(0, 2**32))
    return build_register(random.Random(seed), draw(st.integers(0, 6)))


# Inputs the tests above found slow: mapping keys nested in mapping keys, which ruamel's
# round-trip constructor hashed again at every level (the first hung CI under its profile).
SLOW_ONCE = [
    "?   " * 9 + "?\n",
    "claims:\n  - " + "{" * 13 + "x: 1" + "}: 1" * 13 + "\n",
]


@FAST
@given(real_registers(), edits(YAML), ENCODINGS)
@example(SLOW_ONCE[0], [], "utf-8")
@example(SLOW_ONCE[1], [], "utf-8")
def test_mutated_registers_load_with_problems_on_their_lines(workdir, text, changes, encoding):
    run_register(encoded(apply_edits(text, changes, YAML.anchors), encoding), workdir)


@FAST
@given(st.randoms(use_true_random=False), st.booleans())
def test_hostile_registers_load_with_problems_on_their_lines(workdir, rng, mutated):
    text = hostile_register(rng)
    if mutated:
        text = mutate(rng, text, YAML, register_parts()[1])
    run_register(encoded(text, "utf-8"), workdir)


@FAST
@given(st.lists(st.sampled_from([*YAML.tokens, *NASTY, "a", "1"]), max_size=40).map("".join))
def test_yaml_token_soup_loads_as_register(workdir, text):
    run_register(encoded(text, "utf-8"), workdir)


@FAST
@given(st.sampled_from(HEADS), st.lists(st.sampled_from(ITEMS), max_size=6, unique=True))
def test_registers_cut_from_real_ones_load_without_problems(head, items):
    register = parse_register(head + "claims:\n" + "".join(items), "claims/page.yaml")
    assert register.problems == []
    assert len(register.claims) == len(items)


def ruamel_only(text: str):
    """What the register loader makes of text without libyaml's parser."""
    with mock.patch.object(yamlio, "_FastComposer", None):
        return parse_register(text, "claims/page.yaml")


@FAST
@given(real_registers(), edits(YAML))
@example(SLOW_ONCE[0], [])
@example(SLOW_ONCE[1], [])
def test_libyaml_and_ruamel_read_mutated_registers_alike(text, changes):
    text = apply_edits(text, changes, YAML.anchors)
    assert parse_register(text, "claims/page.yaml") == ruamel_only(text)


@FAST
@given(st.lists(st.sampled_from([*YAML.tokens, *NASTY, "a", "1"]), max_size=40).map("".join))
def test_libyaml_and_ruamel_read_token_soup_alike(text):
    assert parse_register(text, "claims/page.yaml") == ruamel_only(text)


# Texts on which the two parsers once disagreed (found by the tests above).
LIBYAML_DISAGREED = {
    "two byte-order marks": "\ufeff\ufeff# c\ndocument:\n  title: T\n  path: content/x.txt\nclaims:\n",
}


@pytest.mark.parametrize("text", LIBYAML_DISAGREED.values(), ids=list(LIBYAML_DISAGREED))
def test_libyaml_and_ruamel_read_alike_where_they_once_disagreed(text):
    assert parse_register(text, "claims/page.yaml") == ruamel_only(text)


# --- marker parser ----------------------------------------------------------------------------


@FAST
@given(st.lists(st.sampled_from(PAGE_LINES), min_size=1, max_size=4), edits(MARKERS))
def test_mutated_prose_gives_markers_that_index_it(workdir, lines, changes):
    text = apply_edits("".join(lines), changes, MARKERS.anchors)
    run_markers(encoded(text, "utf-8"), workdir)


MARKER_SOUP = st.lists(
    st.sampled_from([*MARKERS.tokens[:30], " ", "  ", "\n", "x", ".", "[", "]", "¹", "⁻", ","]),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKER_SOUP)
def test_strip_trailing_markers_agrees_with_the_pattern(text):
    assert strip_trailing_markers(text) == TRAILING_MARKERS.sub("", text)


# --- readers, and the extraction after them -------------------------------------------------

READERS = [(".txt", PLAIN), (".md", MARKDOWN), (".html", HTML)]


@pytest.mark.parametrize(("suffix", "grammar"), READERS, ids=["plain", "markdown", "html"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PAGE_LINES), min_size=1, max_size=12), st.data())
def test_mutated_pages_read_or_refuse(workdir, suffix, grammar, lines, data):
    page = "".join(lines)
    if suffix == ".html":
        page = data.draw(st.sampled_from([*html_pages(), f"<p>{page}</p>"]))
    changes = data.draw(edits(grammar))
    encoding = data.draw(ENCODINGS)
    text = apply_edits(page, changes, grammar.anchors)
    run_reader(encoded(text, encoding), workdir, suffix)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_damaged_docx_reads_or_refuses(workdir, rng):
    run_reader(TARGETS["docx"].make(rng, None), workdir, ".docx")


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TARGETS)), st.randoms(use_true_random=False))
def test_the_bench_inputs_pass_the_bench_checks(workdir, name, rng):
    target = TARGETS[name]
    target.run(target.make(rng, None), workdir)


# --- regressions: inputs the fuzzer found ---------------------------------------------------


SUPERSCRIPT_RUNS = {
    # exponential: "¹" could end any of 2^59 splits
    "digits": lambda n: "Claim " + "¹" * n + " and more.",
    "after-a-period": lambda n: "Claim." + "¹" * n + " and more.",
    "ranges": lambda n: "Claim " + "¹²,³⁻" * (n // 4) + "x",
}


@pytest.mark.parametrize("make", SUPERSCRIPT_RUNS.values(), ids=list(SUPERSCRIPT_RUNS))
@pytest.mark.parametrize(
    "run",
    [
        strip_trailing_markers,
        lambda text: list(MARKER_THEN_SENTENCE.finditer(text)),
        lambda text: LEADING_MARKERS.match(text, 6),
        find_markers,
    ],
    ids=["strip-trailing", "then-sentence", "leading", "find"],
)
def test_a_long_run_of_superscripts_is_read_at_once(make, run):
    """A run of superscripts not at the end of a sentence made the marker patterns backtrack
    exponentially: 22 digits took 3.5 s, 30 would have taken hours."""
    assert_linear(run, make, 60)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "[" + "@a " * n,  # an unclosed pandoc group: every "@" was tried to the end
        lambda n: "(" + "x; Shin 2021 " * (n // 2),  # an unclosed parenthesis: every ";" likewise
        lambda n: "[^" * n,  # footnote labels ran over "[" to the end
        lambda n: "\\cite[" * n,
        lambda n: "\\cite{" * n,
        lambda n: "a ¹" * n,  # each superscript looked for a unit in all the text before it
        lambda n: "Claim " + "[1] " * n + "and more.",  # overlap test of every pair of markers
    ],
    ids=["pandoc", "parenthesis", "footnote", "latex-locator", "latex-keys", "units", "many"],
)
def test_markers_take_linear_time_on_long_garbage(make):
    """Each took a second or more (quadratic time) at 5,000 units; now a few hundredths."""
    assert_linear(find_markers, make, 600)


@pytest.mark.parametrize("unit", ["[1] ", "[@key]", "¹ ", "[^n]"])
def test_strip_trailing_markers_is_linear(unit):
    assert_linear(strip_trailing_markers, lambda n: "Claim " + unit * n + " and more", 2500)
    assert strip_trailing_markers("Claim. [1] " + unit * 3) == "Claim."


@pytest.mark.parametrize("space", [" ", " \t\n"])
def test_a_reference_with_a_long_run_of_spaces_is_read_in_linear_time(space):
    """VENUE_DASH, VOLUME_OR_YEAR and APA_AUTHORS tried each space of a run: 11 KB took 2.6 s."""
    assert_linear(
        parse_reference, lambda n: "Smith J" + space * n + "Title. Journal" + space * n + "x", 500
    )


@pytest.mark.parametrize(
    "line",
    [
        "wrapped words of the same entry, one line after another.",  # joins the entry above
        "A Title Case Line Between Two Entries That Reads As Heading.",  # asks for the run
    ],
)
def test_a_numbered_entry_wrapped_over_many_lines_is_read_in_linear_time(line):
    """A wrapped line joined its entry by reading the whole entry again, and a heading-like
    line walked its run to the numbered lines around it: both took time in the square."""

    def make(lines: int) -> str:
        entry = "1. Smith J. Title. J Med. 2020.\n"
        return f"References\n\n{entry}{line}\n" + f"{line}\n" * lines + "2. Lee K. J. 2021.\n"

    assert_linear(lambda text: find_reference_list(read_plain(Path("x.txt"), text)), make, 150)


def test_reading_references_is_unchanged_by_the_linear_patterns():
    parsed = parse_reference("Smith J, Lee K (2020). Secretome in repair. Stem Cells Int, 12:3.")
    assert (parsed.authors, parsed.title, parsed.journal, parsed.year) == (
        "Smith J, Lee K",
        "Secretome in repair",
        "Stem Cells Int",
        "2020",
    )
    venue = parse_reference("Use of Exosomes in Cosmetics – MDPI (2023)")
    assert (venue.title, venue.journal) == ("Use of Exosomes in Cosmetics", "MDPI")


# Found by the fuzzer in files other helpers own.


def test_markdown_with_classic_mac_line_ends_reads():
    """markdown-it counts a lone CR as a line break: this raised IndexError in `located`."""
    doc = read_markdown(Path("page.md"), "a\r\rb")
    assert [doc.text[b.start : b.end] for b in doc.blocks] == ["a", "b"]


def test_classifying_a_unit_full_of_markers_is_linear():
    assert_linear(lambda text: classify(text, "paragraph"), lambda n: "Claim " + "[1] " * n, 150)


def test_reading_a_line_full_of_markers_is_linear():
    """ends_sentence stripped trailing markers with the quadratic TRAILING_MARKERS.sub."""
    assert_linear(
        lambda text: read_plain(Path("page.txt"), text),
        lambda n: "Claim " + "[1] " * n + "more\nNext",
        150,
    )


def test_a_register_of_deeply_nested_brackets_is_refused_fast_and_clearly():
    """1,000 levels took 0.5 s (1,200: 4 s) to end in 'a value cannot be read (RecursionError)'."""
    register = parse_register("claims: [" + "{" * 1000, "claims/page.yaml")
    (problem,) = register.problems
    assert "RecursionError" not in problem.message
    assert "deep" in problem.message or "nest" in problem.message
    assert_linear(
        lambda text: parse_register(text, "claims/page.yaml"), lambda n: "claims: [" + "{" * n, 150
    )


def test_a_page_of_many_line_breaks_reads_in_linear_time():
    """bs4 kept every <br> in a list that each end tag searched: quadratic."""
    assert_linear(
        lambda data: read_html(Path("page.html"), data),
        lambda n: ("<p>x" + "<br>" * n + "</i>" * n + "</p>").encode(),
        600,
    )
