"""Tests for tracker.register: loading with problems as data, rendering, round-trip merging, writing."""

from __future__ import annotations

import dataclasses
import os
import stat
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.atomic import write_atomic
from tracker.model import KINDS, VERDICTS, Citation, Claim, DocumentInfo, Review, Span
from tracker.project import load_registers
from tracker.register_merge import merge_register
from tracker.register_read import load_register, parse_register
from tracker.register_roundtrip import RegisterError
from tracker.register_write import claim_to_dict, render_new_register

DATA = Path(__file__).parent / "data" / "registers"
TODAY = "2026-11-21"


def fixture_text() -> str:
    return (DATA / "commented.yaml").read_text(encoding="utf-8")


# The extraction that produced tests/data/registers/commented.yaml, before people edited it.
DEMO = DocumentInfo("Demo: a page about secretome", "content/demo.txt")
CLAIM_A = Claim(
    "demo-aaa111",
    "Secretome therapy reduces knee inflammation by 40%. [1]",
    Span(3, 10, 64),
    ["efficacy"],
    [Citation("smith2020knee", "[1]", 1, score=0.91)],
)
CLAIM_B = Claim(
    "demo-bbb222",
    "Exosomes carry the repair signals. [2]",
    Span(5, 80, 118),
    ["mechanism"],
    [Citation(None, "[2]", 2)],
)
CLAIM_C = Claim("demo-ccc333", "It is offered in clinics worldwide.", Span(7, 120, 155))
CLAIM_NEW = Claim(
    "demo-new444",
    "It has no known side effects.",
    Span(6, 119, 148),
    ["safety"],
)


def merge(claims: list[Claim], text: str | None = None, today: str = TODAY):
    return merge_register(fixture_text() if text is None else text, DEMO, claims, today)


def rendered_item(claim: Claim) -> str:
    """Return the lines render_new_register writes for one claim."""
    return render_new_register(DEMO, [claim]).split("claims:\n", 1)[1]


def loaded(text: str) -> dict[str, Claim]:
    register = parse_register(text, "claims/demo.yaml")
    assert register.problems == []
    return {claim.id: claim for claim in register.claims}


def forget_lines(claims: list[Claim]) -> list[Claim]:
    return [dataclasses.replace(claim, register_line=0) for claim in claims]


# ---------------------------------------------------------------------------------------------
# Rendering


def test_render_matches_the_documented_layout():
    claim = Claim(
        "sve-3f9a2c",
        "The recipient cells respond to those messages to drive repair. [2]",
        Span(20, 1234, 1321),
        ["mechanism"],
        [
            Citation("shin2021comparative", "[1]", 1, score=0.93),
            Citation("foo2021comparing", "[4]", 4, locator="p. 5, Table 2", quote="verbatim"),
            Citation(None, "[5]", 5),
        ],
        Review("supported", "A. Reviewer", "2026-11-20", "free text"),
    )
    document = DocumentInfo(
        "Secretome vs. Exosomes: Differences", "content/sve.txt", "https://x.org/p"
    )
    assert render_new_register(document, [claim]) == textwrap.dedent(
        """\
        # Claims register for content/sve.txt.
        # Written by `tracker extract --write`; edit kinds, citations (locator, quote) and review by hand.
        document:
          title: 'Secretome vs. Exosomes: Differences'
          path: content/sve.txt
          url: https://x.org/p
        claims:
          - id: sve-3f9a2c
            text: The recipient cells respond to those messages to drive repair. [2]
            location: {line: 20, start: 1234, end: 1321}
            kinds: [mechanism]
            citations:
              - {key: shin2021comparative, marker: '[1]', ref: 1, score: 0.93}
              - key: foo2021comparing
                marker: '[4]'
                ref: 4
                locator: p. 5, Table 2
                quote: verbatim
              - {key: null, marker: '[5]', ref: 5}
            review:
              verdict: supported
              by: A. Reviewer
              at: '2026-11-20'
              note: free text
        """
    )


def test_an_anchor_used_twice_loads_without_a_warning(recwarn):
    text = fixture_text().replace("document:\n", "document: &a\n", 1)
    text = text.replace("claims:\n", "claims: &a\n", 1)
    assert text.count("&a") == 2
    register = parse_register(text, "claims/demo.yaml")
    assert register.problems == [] and register.claims
    assert [str(warning.message) for warning in recwarn] == []


def test_claim_to_dict_gives_plain_data_in_register_order():
    assert claim_to_dict(dataclasses.replace(CLAIM_B, status="vanished")) == {
        "id": "demo-bbb222",
        "text": "Exosomes carry the repair signals. [2]",
        "location": {"line": 5, "start": 80, "end": 118},
        "kinds": ["mechanism"],
        "citations": [{"key": None, "marker": "[2]", "ref": 2}],
        "status": "vanished",
    }


def test_render_without_claims_is_a_valid_empty_register():
    text = render_new_register(DEMO, [])
    assert text.endswith("claims: []\n")
    register = parse_register(text, "claims/demo.yaml")
    assert (register.document, register.claims, register.problems) == (DEMO, [], [])


ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
optional_text = st.none() | st.text(max_size=20)
# Texts that YAML likes to misread: indicators, quotes, comments, line breaks, look-alikes.
tricky_text = st.lists(
    st.sampled_from(["- ", ": ", "#", " #", "'", '"', "\n", "\r\n", "\t", " ", "[", "{", "?", "|"])
    | st.sampled_from(["null", "true", "~", "2026-11-20", "0x1F", "1e3", ".inf", "*a", "&a", "!t"])
    | st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
).map("".join)
texts = st.one_of(st.text(min_size=1), tricky_text)
spans = st.builds(
    lambda line, start, length: Span(line, start, start + length),
    st.integers(1, 10**6),
    st.integers(0, 10**7),
    st.integers(0, 10**4),
)
reviews = st.builds(
    Review,
    verdict=st.sampled_from(VERDICTS),
    by=optional_text,
    at=optional_text,
    note=st.none() | texts,
)
any_score = st.floats(0, 1)
# What the resolver writes; a 17-digit mantissa may come back with other digits but the same value.
real_score = st.integers(0, 1000).map(lambda n: n / 1000)


def claim_lists(scores=any_score):
    citations = st.builds(
        Citation,
        key=st.none() | texts,
        marker=optional_text,
        ref=st.none() | st.integers(0, 10**4),
        reference=st.none() | texts,
        score=st.none() | scores,
        locator=optional_text,
        quote=st.none() | texts,
    )
    claims = st.builds(
        Claim,
        id=ids,
        text=texts,
        span=spans,
        kinds=st.lists(st.sampled_from(KINDS), max_size=3),
        citations=st.lists(citations, max_size=3),
        review=st.none() | reviews,
        status=st.sampled_from(["active", "vanished"]),
    )
    return st.lists(claims, max_size=4, unique_by=lambda claim: claim.id)


documents = st.builds(DocumentInfo, title=texts, path=texts, url=optional_text)


@settings(max_examples=300, deadline=None)
@given(documents, claim_lists())
def test_render_then_load_gives_back_the_claims(document, claims):
    register = parse_register(render_new_register(document, claims), "claims/x.yaml")
    assert register.problems == []
    assert register.document == document
    assert forget_lines(register.claims) == claims


@settings(max_examples=100, deadline=None)
@given(claim_lists())
def test_merging_an_unchanged_extraction_returns_the_text_unchanged(claims):
    active = [dataclasses.replace(claim, status="active") for claim in claims]
    text = render_new_register(DEMO, active)
    result = merge_register(text, DEMO, active, TODAY)
    assert result.text == text
    assert not result.changed


@settings(max_examples=100, deadline=None)
@given(claim_lists(real_score), st.integers(1, 50))
def test_merging_moved_claims_gives_what_a_fresh_render_would(claims, shift):
    moved = [
        dataclasses.replace(
            claim,
            span=Span(claim.span.line + shift, claim.span.start + shift, claim.span.end + shift),
            status="active",
        )
        for claim in claims
    ]
    result = merge_register(render_new_register(DEMO, claims), DEMO, moved, TODAY)
    assert result.text == render_new_register(DEMO, moved)
    assert result.updated == [claim.id for claim in claims]


@settings(max_examples=100, deadline=None)
@given(claim_lists(real_score), st.data())
def test_merging_new_claims_gives_what_a_fresh_render_would(claims, data):
    active = [dataclasses.replace(claim, status="active") for claim in claims]
    kept = data.draw(st.lists(st.sampled_from(active), unique_by=id)) if active else []
    earlier = [claim for claim in active if any(claim is other for other in kept)]
    result = merge_register(render_new_register(DEMO, earlier), DEMO, active, TODAY)
    assert result.text == render_new_register(DEMO, active)
    assert result.added == [claim.id for claim in active if claim not in earlier]


def test_a_rewrite_keeps_the_exact_value_of_a_long_score():
    cited = dataclasses.replace(
        CLAIM_C, citations=[Citation("k", "[1]", 1, score=8.696399877694934e-26)]
    )
    moved = dataclasses.replace(cited, span=Span(8, 121, 156))
    result = merge_register(render_new_register(DEMO, [cited]), DEMO, [moved], TODAY)
    assert loaded(result.text)["demo-ccc333"].citations[0].score == 8.696399877694934e-26


# ---------------------------------------------------------------------------------------------
# Merging into a hand-edited register


def test_merge_of_the_same_claims_changes_nothing():
    result = merge([CLAIM_A, CLAIM_B, CLAIM_C])
    assert result.text == fixture_text()
    assert not result.changed
    assert (result.added, result.updated, result.vanished, result.restored, result.filled) == (
        [],
        [],
        [],
        [],
        [],
    )


def test_merge_without_a_claim_marks_it_vanished_and_keeps_its_fields():
    result = merge([CLAIM_A, CLAIM_C])
    expected = fixture_text().replace(
        "      - {key: null, marker: '[2]', ref: 2}\n",
        "      - {key: null, marker: '[2]', ref: 2}\n    status: vanished\n    vanished: '2026-11-21'\n",
    )
    assert result.text == expected
    assert result.vanished == ["demo-bbb222"]
    claim = loaded(result.text)["demo-bbb222"]
    assert claim.status == "vanished"
    assert (claim.text, claim.span, claim.kinds) == (CLAIM_B.text, CLAIM_B.span, ["mechanism"])
    assert claim.citations == [Citation(None, "[2]", 2)]


def test_rerunning_a_merge_keeps_the_first_vanished_date():
    first = merge([CLAIM_A, CLAIM_C])
    again = merge([CLAIM_A, CLAIM_C], text=first.text, today="2027-01-01")
    assert again.text == first.text
    assert again.vanished == []
    assert not again.changed


def test_the_last_claim_vanishes_above_the_closing_comment():
    result = merge([CLAIM_A, CLAIM_B])
    assert result.text.endswith(
        "    citations: []\n    status: vanished\n    vanished: '2026-11-21'\n# End of register.\n"
    )


def test_a_readded_claim_is_restored_to_the_original_text():
    vanished = merge([CLAIM_A, CLAIM_C]).text
    result = merge([CLAIM_A, CLAIM_B, CLAIM_C], text=vanished)
    assert result.restored == ["demo-bbb222"]
    assert result.text == fixture_text()
    assert loaded(result.text)["demo-bbb222"].status == "active"


def test_a_new_claim_is_inserted_in_document_order_below_its_predecessor():
    result = merge([CLAIM_A, CLAIM_B, CLAIM_NEW, CLAIM_C])
    before_c = "  # Background; needs no source.\n"
    assert result.text == fixture_text().replace(before_c, rendered_item(CLAIM_NEW) + before_c)
    assert result.added == ["demo-new444"]


def test_a_new_last_claim_goes_above_the_closing_comment():
    result = merge([CLAIM_A, CLAIM_B, CLAIM_C, CLAIM_NEW])
    end = "# End of register.\n"
    assert result.text == fixture_text().replace(end, rendered_item(CLAIM_NEW) + end)


@pytest.mark.parametrize(
    ("extracted", "order"),
    [
        ([CLAIM_NEW, CLAIM_A, CLAIM_B, CLAIM_C], ["demo-new444", "demo-aaa111", "demo-bbb222"]),
        ([CLAIM_A, CLAIM_NEW, CLAIM_C], ["demo-aaa111", "demo-new444", "demo-bbb222"]),
        ([CLAIM_C, CLAIM_NEW], ["demo-aaa111", "demo-bbb222", "demo-ccc333", "demo-new444"]),
    ],
    ids=["first", "vanished-claim-keeps-its-place", "after-last-match"],
)
def test_new_claims_follow_the_register_item_before_them(extracted, order):
    ids_in_file = list(loaded(merge(extracted).text))
    assert ids_in_file[: len(order)] == order


def test_a_null_key_is_filled_from_the_extraction():
    found = dataclasses.replace(CLAIM_B, citations=[Citation("jones2021exo", "[2]", 2, score=0.88)])
    result = merge([CLAIM_A, found, CLAIM_C])
    assert result.text == fixture_text().replace(
        "{key: null, marker: '[2]', ref: 2}",
        "{key: jones2021exo, marker: '[2]', ref: 2, score: 0.88}",
    )
    assert result.filled == ["demo-bbb222"]


def test_a_null_key_with_another_ref_is_left_alone():
    other = dataclasses.replace(CLAIM_B, citations=[Citation("jones2021exo", "[2]", 7)])
    assert merge([CLAIM_A, other, CLAIM_C]).text == fixture_text()


def test_a_persons_kinds_locator_quote_and_review_survive_a_rewrite():
    moved = dataclasses.replace(
        CLAIM_A,
        span=Span(4, 11, 65),
        kinds=["comparative"],
        citations=[Citation("other2019", "[1]", 1, score=0.5)],
        review=Review("contradicted", "machine"),
    )
    result = merge([moved, CLAIM_B, CLAIM_C])
    assert result.updated == ["demo-aaa111"]
    assert result.text == fixture_text().replace(
        "{line: 3, start: 10, end: 64}", "{line: 4, start: 11, end: 65}"
    )


def test_an_extracted_citation_with_a_new_marker_is_appended():
    more = dataclasses.replace(
        CLAIM_A, citations=[*CLAIM_A.citations, Citation("lee2022", "[3]", 3, score=0.7)]
    )
    result = merge([more, CLAIM_B, CLAIM_C])
    quote_note = "        x-reviewer-note: the table, not the abstract\n"
    assert result.text == fixture_text().replace(
        quote_note, quote_note + "      - {key: lee2022, marker: '[3]', ref: 3, score: 0.7}\n"
    )
    assert result.filled == ["demo-aaa111"]


def test_an_empty_citation_list_grows_in_block_style():
    cited = dataclasses.replace(CLAIM_C, citations=[Citation("who2020", "[3]", 3, quote="q")])
    result = merge([CLAIM_A, CLAIM_B, cited])
    assert "    citations:\n      - key: who2020\n        marker: '[3]'\n" in result.text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("It is offered  in clinics\nworldwide.", False),
        ("It is offered in every clinic worldwide.", True),
    ],
    ids=["whitespace-only-change-is-taken", "reworded-text-stays-as-written"],
)
def test_text_follows_the_document_only_in_whitespace(text, kept):
    result = merge([CLAIM_A, CLAIM_B, dataclasses.replace(CLAIM_C, text=text)])
    now = loaded(result.text)["demo-ccc333"].text
    assert now == (CLAIM_C.text if kept else text)
    assert result.updated == ([] if kept else ["demo-ccc333"])


def test_a_claim_whose_id_changed_is_matched_by_its_text():
    renamed = dataclasses.replace(
        CLAIM_C, id="demo-zzz999", text=" It is offered in clinics worldwide."
    )
    result = merge([CLAIM_A, CLAIM_B, renamed])
    assert (result.added, result.vanished) == ([], [])
    assert "demo-ccc333" in loaded(result.text)


def test_a_hand_added_claim_is_matched_by_text_and_gets_its_location():
    text = render_new_register(DEMO, []).replace(
        "claims: []\n",
        "claims:\n  - id: mine   # added by hand\n    text: It is offered in clinics worldwide.\n",
    )
    result = merge_register(text, DEMO, [CLAIM_C], TODAY)
    assert (result.added, result.updated) == ([], ["mine"])
    assert result.text.endswith(
        "  - id: mine   # added by hand\n"
        "    text: It is offered in clinics worldwide.\n"
        "    location: {line: 7, start: 120, end: 155}\n"
    )


def test_merge_updates_a_changed_document_title():
    retitled = DocumentInfo("Demo: the new title", "content/demo.txt")
    result = merge_register(fixture_text(), retitled, [CLAIM_A, CLAIM_B, CLAIM_C], TODAY)
    assert result.text == fixture_text().replace(
        "title: 'Demo: a page about secretome'", "title: 'Demo: the new title'"
    )


@pytest.mark.parametrize(
    "extracted",
    [
        [CLAIM_A, CLAIM_C],
        [
            CLAIM_NEW,
            CLAIM_A,
            CLAIM_B,
            CLAIM_C,
            dataclasses.replace(CLAIM_NEW, id="n2", text="Two."),
        ],
        [
            dataclasses.replace(
                CLAIM_B, citations=[Citation("k", "[2]", 2), Citation("j", "[9]", 9)]
            )
        ],
    ],
    ids=["vanish", "add", "fill"],
)
def test_merging_twice_gives_byte_identical_text(extracted):
    once = merge(extracted)
    twice = merge(extracted, text=once.text)
    assert twice.text == once.text
    assert not twice.changed


def test_merge_into_nothing_renders_a_new_register():
    result = merge_register(None, DEMO, [CLAIM_A, CLAIM_B], TODAY)
    assert result.text == render_new_register(DEMO, [CLAIM_A, CLAIM_B])
    assert result.added == ["demo-aaa111", "demo-bbb222"]
    assert result.changed


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("document:\n  title: a\nclaims:\n  - id: [x\n", 5),
        ("document:\n  title: a\nclaims:\n  - id: a\n\ttext: b\n", 5),
        ("document: {title: a}\nclaims: {id: a}\n", 2),
        ("- just a list\n", 1),
        ("# only a comment\n", 1),
    ],
    ids=["syntax-error", "tab", "claims-not-a-list", "top-level-list", "no-content"],
)
def test_merge_refuses_to_overwrite_a_broken_register(text, line):
    with pytest.raises(RegisterError) as raised:
        merge_register(text, DEMO, [CLAIM_A], TODAY, display_path="claims/demo.yaml")
    assert raised.value.line == line
    assert str(raised.value).startswith(f"claims/demo.yaml:{line}: ")


def test_a_merge_error_names_the_conventional_register_path_by_default():
    with pytest.raises(RegisterError, match=r"^claims/demo\.yaml:3: unreadable YAML: "):
        merge_register("document: {}\nclaims: [\n", DEMO, [CLAIM_A], TODAY)


# ---------------------------------------------------------------------------------------------
# Loading

VALID = """\
  - id: ok
    text: A valid claim.
    location: {line: 2, start: 0, end: 14}
"""
HEAD = "document:\n  title: T\n  path: content/t.txt\nclaims:\n"


def ok_then(lines: str) -> str:
    """Return a register whose valid claim "ok" (lines 5-7) is followed by lines."""
    return HEAD + VALID + lines


def case(name, text, line, col, says, ids=("ok",)):
    return pytest.param(text, line, col, says, list(ids), id=name)


@pytest.mark.parametrize(
    ("text", "line", "col", "says", "ids"),
    [
        case("syntax", ok_then("  - id: bad\n    text: a: b\n"), 9, 12, "unreadable YAML", []),
        case("tab-indent", ok_then("  - id: bad\n\ttext: x\n"), 9, 1, "not tabs", []),
        case("duplicate-key", HEAD + "  - id: a\n    id: b\n", 6, 5, "duplicate key", []),
        case("claims-a-map", HEAD.replace("claims:", "claims: {id: a}"), 4, 9, "not a list", []),
        case("no-id", HEAD + "  - text: No id.\n" + VALID, 5, 5, "has no `id`"),
        case("id-a-list", HEAD + "  - id: [a]\n" + VALID, 5, 9, "id a list"),
        case("no-text", HEAD + "  - id: t\n" + VALID, 5, 5, 'claim "t" has no `text`'),
        case("duplicate-id", ok_then(VALID), 8, 9, 'id "ok" is used twice'),
        case("claim-a-text", HEAD + "  - just text\n" + VALID, 5, 5, "claim 1 is the text"),
        case("string-line", HEAD + VALID.replace("line: 2", "line: '2'"), 7, 22, "`line` is"),
        case("start-after-end", HEAD + VALID.replace("start: 0", "start: 20"), 7, 15, "<= end"),
        case("unknown-kind", ok_then("    kinds: [efficacy, hope]\n"), 8, 23, '"hope"'),
        case("unknown-status", ok_then("    status: gone\n"), 8, 13, '"gone"'),
        case("unknown-verdict", ok_then("    review: {verdict: maybe}\n"), 8, 23, '"maybe"'),
        case("no-verdict", ok_then("    review:\n      by: me\n"), 9, 7, "verdict is empty"),
        case("citations-a-map", ok_then("    citations: {key: a}\n"), 8, 16, "a mapping"),
        case("citation-a-text", ok_then("    citations: [k1]\n"), 8, 17, "citation 1 is"),
        case("no-key", ok_then("    citations: [{ref: 1}]\n"), 8, 17, "no `key`"),
        case("ref-a-text", ok_then("    citations: [{key: a, ref: two}]\n"), 8, 31, '"two"'),
        case("score-a-bool", ok_then("    citations: [{key: a, score: true}]\n"), 8, 33, "boolean"),
        case("locator-a-number", ok_then("    citations: [{key: a, locator: 5}]\n"), 8, 35, "is 5"),
        case("no-title", HEAD.replace("  title: T\n", "") + VALID, 2, 3, "no `title`"),
        case("no-document", "claims:\n" + VALID, 1, 1, "no `document`"),
        case("no-claims", HEAD.replace("claims:\n", ""), 1, 1, "no `claims`", []),
        case("empty-file", "", 1, 1, "empty", []),
        case("top-level-list", "- a list\n", 1, 1, "not a mapping", []),
    ],
)
def test_malformed_registers_become_problems(text, line, col, says, ids):
    register = parse_register(text, "claims/t.yaml")
    assert len(register.problems) == 1, register.problems
    problem = register.problems[0]
    assert (problem.kind, problem.path, problem.line, problem.col) == (
        "malformed-register",
        "claims/t.yaml",
        line,
        col,
    )
    assert says in problem.message
    assert " - " in problem.message  # a diagnosis, then what to do
    assert [claim.id for claim in register.claims] == ids


def test_a_claim_with_a_bad_field_is_kept_without_it():
    text = ok_then("    kinds: [efficacy, hope]\n    review: {verdict: maybe}\n")
    register = parse_register(text, "claims/t.yaml")
    (claim,) = register.claims
    assert (claim.kinds, claim.review, claim.span) == (["efficacy"], None, Span(2, 0, 14))
    assert [problem.key for problem in register.problems] == ["ok", "ok"]


def test_register_lines_point_at_each_claim():
    register = parse_register(fixture_text(), "claims/demo.yaml")
    assert [claim.register_line for claim in register.claims] == [8, 26, 34]


def test_unknown_fields_and_unquoted_dates_are_accepted():
    text = ok_then("    x-mine: {any: thing}\n    review: {verdict: partial, at: 2026-11-20}\n")
    register = parse_register(text, "claims/t.yaml")
    assert register.problems == []
    assert register.claims[0].review == Review("partial", at="2026-11-20")


def test_an_impossible_date_is_read_as_text():
    text = ok_then("    review: {verdict: partial, at: 2026-13-45}\n")
    register = parse_register(text, "claims/t.yaml")
    assert register.problems == []
    assert register.claims[0].review == Review("partial", at="2026-13-45")


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"document:\n  title: \xff\n")
    register = load_register(path, "claims/bad.yaml")
    # Located at the bad byte: line 2, column 10.
    assert [(p.kind, p.line, p.col) for p in register.problems] == [("malformed-register", 2, 10)]


def test_load_registers_reads_yaml_files_sorted_by_name(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "b.yaml").write_text(render_new_register(DEMO, [CLAIM_A]), encoding="utf-8")
    (claims / "a.yml").write_text(render_new_register(DEMO, []), encoding="utf-8")
    (claims / "notes.txt").write_text("not a register", encoding="utf-8")
    (claims / "sub.yaml").mkdir()
    registers = load_registers(claims, tmp_path)
    assert [r.path for r in registers] == ["claims/a.yml", "claims/b.yaml"]
    assert [c.id for c in registers[1].claims] == ["demo-aaa111"]


def test_load_registers_of_a_missing_directory_is_empty(tmp_path):
    assert load_registers(tmp_path / "claims", tmp_path) == []


# ---------------------------------------------------------------------------------------------
# Writing


def test_write_atomic_replaces_the_whole_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("x" * 1000, encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "short ✓\n")
    assert path.read_text(encoding="utf-8") == "short ✓\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["claims.yaml"]


def test_write_atomic_creates_the_directory_and_a_normal_file(tmp_path):
    path = tmp_path / "claims" / "new.yaml"
    write_atomic(path, "text\n")
    umask = os.umask(0)
    os.umask(umask)
    assert path.read_text(encoding="utf-8") == "text\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "claims.yaml"
    path.write_text("original\n", encoding="utf-8")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new text\n")
    assert path.read_text(encoding="utf-8") == "original\n"
    assert os.listdir(tmp_path) == ["claims.yaml"]
