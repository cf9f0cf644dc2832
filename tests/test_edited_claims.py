"""Edited claims keep their reviews: a claim reworded a little is paired with its register item
by similar wording and position, keeps its id and everything on it, and claims.stale_review
names the words that changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.checks.base import Audit
from tracker.checks.claims.stale_review import word_changes
from tracker.checks.registry import run_checks
from tracker.claim_matching import Wording, pair_similar
from tracker.cli import cli
from tracker.extract import text_digest
from tracker.graph import build_graph
from tracker.model import Claim, DocumentInfo, Span
from tracker.project import load_project
from tracker.register_merge import merge_register
from tracker.register_read import parse_register
from tracker.register_write import render_new_register
from tracker.review import Verdict, record_review

from .conftest import DOCUMENT, write_project

DOC = DocumentInfo("Zinc", "content/zinc.txt")
TODAY = "2026-11-21"
EPOCH = "1795132800"  # 2026-11-20, the date `tracker extract --write` gives its changes


def extracted(text: str, start: int = 0) -> Claim:
    """Return a claim as extraction makes it: its id is a digest of its text."""
    return Claim(f"z-{text_digest(text)}", text, Span(1 + start // 100, start, start + len(text)))


def register_with(*items: tuple[str, str, int]) -> str:
    """Return a register of hand-named claims: (id, text, start)."""
    claims = [
        Claim(cid, text, Span(1 + start // 100, start, start + len(text)))
        for cid, text, start in items
    ]
    return render_new_register(DOC, claims)


def loaded(text: str) -> dict[str, Claim]:
    register = parse_register(text, "claims/zinc.yaml")
    assert register.problems == []
    return {claim.id: claim for claim in register.claims}


# (text in the register, text in the document now, where it stands now, id kept?)
EDITS = [
    pytest.param(
        "Vitamin D reduces colds in winter. [1]",
        "Vitamin D prevents colds in winter. [1]",
        0,
        True,
        id="one-word-changed",
    ),
    pytest.param(
        "Zinc lozenges shorten colds by 10% in adults. [2]",
        "Zinc lozenges shorten colds by 12% in adults. [2]",
        0,
        True,
        id="a-number-changed",
    ),
    pytest.param(
        "vitamin c supports your immune system.",
        "Vitamin C supports your immune system!",
        0,
        True,
        id="punctuation-and-capitals",
    ),
    pytest.param(
        "Vitamin D reduces colds in winter. [1]",
        "Vitamin D reduces most colds in winter. [1]",
        0,
        True,
        id="a-word-added",
    ),
    pytest.param(
        "Magnesium improves sleep quality in older adults. [3]",
        "Magnesium improves sleep in older adults. [3]",
        0,
        True,
        id="a-word-dropped",
    ),
    pytest.param(
        "Vitamin D reduces colds in winter. [1]",
        "Vitamin D reduces colds in winter. [1]",
        700,
        True,
        id="moved-unchanged",
    ),
    pytest.param(
        "Vitamin D reduces colds in winter. [1]",
        "Sunlight is the main source of vitamin D for most people.",
        0,
        False,
        id="rewritten-entirely",
    ),
    pytest.param(
        # 83 of 100: below SIMILAR_ENOUGH, so a short claim about another group is a new claim.
        "Vitamin C reduces colds in adults.",
        "Vitamin C reduces colds in children.",
        0,
        False,
        id="another-claim-on-the-same-subject",
    ),
]


@pytest.mark.parametrize(("old", "new", "start", "kept"), EDITS)
def test_an_edited_claim_keeps_its_id_when_it_is_the_same_claim(old, new, start, kept):
    claim = extracted(new, start)
    result = merge_register(register_with(("mine", old, 0)), DOC, [claim], TODAY)
    claims = loaded(result.text)
    if kept:
        assert (list(claims), claims["mine"].text, claims["mine"].span) == (
            ["mine"],
            new,
            claim.span,
        )
        assert (result.added, result.vanished, result.updated) == ([], [], ["mine"])
        # Only a new wording is recorded; a claim that only moved has nothing to record.
        assert ("action: text" in result.text) == (old != new)
    else:
        assert (result.added, result.vanished) == ([claim.id], ["mine"])
        assert (claims["mine"].text, claims["mine"].status) == (old, "vanished")
        assert claims[claim.id].text == new


ZINC_ADULTS = "Zinc shortens colds by 10% in adults. [2]"
ZINC_CHILDREN = "Zinc shortens colds by 10% in children. [2]"


@pytest.mark.parametrize("edited", [0, 1], ids=["first-edited", "second-edited"])
def test_of_two_similar_claims_the_edited_one_keeps_its_id(edited):
    texts = [ZINC_ADULTS, ZINC_CHILDREN]
    now = [text.replace("10%", "12%") if i == edited else text for i, text in enumerate(texts)]
    register = register_with(("adults", texts[0], 0), ("children", texts[1], 50))
    result = merge_register(register, DOC, [extracted(now[0]), extracted(now[1], 50)], TODAY)
    claims = loaded(result.text)
    assert [(cid, claim.text) for cid, claim in claims.items()] == [
        ("adults", now[0]),
        ("children", now[1]),
    ]
    assert (result.added, result.vanished) == ([], [])


TWO_CAPSULES = "Take two capsules daily with food."
TWO_DIGITS = "Take 2 capsules daily with food."


def test_equally_similar_items_go_to_the_nearest_claims():
    register = register_with(("morning", TWO_CAPSULES, 0), ("evening", TWO_CAPSULES, 100))
    claims = [extracted(TWO_DIGITS), extracted(TWO_DIGITS, 98)]
    claims[1].id += "-2"  # as extraction names a second claim of the same text
    result = merge_register(register, DOC, claims, TODAY)
    found = loaded(result.text)
    assert [(cid, claim.span.start) for cid, claim in found.items()] == [
        ("morning", 0),
        ("evening", 98),
    ]


def test_a_claim_as_near_to_two_equally_similar_items_is_a_new_claim():
    register = register_with(("morning", TWO_CAPSULES, 0), ("evening", TWO_CAPSULES, 100))
    claim = extracted(TWO_DIGITS, 50)
    result = merge_register(register, DOC, [claim], TODAY)
    assert (result.added, sorted(result.vanished)) == ([claim.id], ["evening", "morning"])


def test_claims_paired_already_place_an_edited_claim_after_text_is_added_above():
    anchor = "Vitamin D reduces colds in winter. [1]"
    register = register_with(
        ("morning", TWO_CAPSULES, 0), ("anchor", anchor, 40), ("evening", TWO_CAPSULES, 80)
    )
    # A long paragraph above shifts every offset: the anchor still tells which is which.
    new = extracted("An entirely new paragraph about our sourcing and our farms.", 0)
    later = [extracted(TWO_DIGITS, 500), extracted(anchor, 540), extracted(TWO_DIGITS, 580)]
    later[2].id += "-2"
    result = merge_register(register, DOC, [new, *later], TODAY)
    found = loaded(result.text)
    assert [(cid, claim.span.start) for cid, claim in found.items()] == [
        (new.id, 0),
        ("morning", 500),
        ("anchor", 540),
        ("evening", 580),
    ]


def figure(number: int) -> str:
    return f"Vitamin D reduces colds in winter by {number} percent in adults aged {number + 20}."


def test_a_claim_gone_and_one_alike_added_elsewhere_are_not_an_edit():
    register = register_with(*((f"f{n}", figure(n), 100 * n) for n in range(6)))
    now = [extracted(figure(n), 100 * n) for n in (0, 1, 2, 4, 5, 1001)]
    result = merge_register(register, DOC, now, TODAY)
    assert (result.added, result.vanished) == ([now[-1].id], ["f3"])


# Pairing on its own: (claims, items) as (text, slot, start), and the pairs expected.
PAIRINGS = [
    pytest.param([("abcdefghij", 0, 0)], [("abcdefghij", 0, 0)], {0: 0}, id="same"),
    pytest.param([("abcdefghij", 0, 0)], [("zyxwvutsrq", 0, 0)], {}, id="different"),
    pytest.param(
        [("abcdefghij", 0, 0)],
        [("abcdefghij", 0, 0), ("abcdefghij", 0, 500)],
        {0: 0},
        id="nearest-of-two",
    ),
    pytest.param(
        [("abcdefghij", 0, 0), ("abcdefghij", 0, 10)],
        [("abcdefghij", 0, 5)],
        {},
        id="two-claims-as-near-to-one-item",
    ),
    pytest.param(
        [("abcdefghij", 0, 0), ("abcdefghik", 0, 0)],
        [("abcdefghik", 0, 0)],
        {1: 0},
        id="each-item-once-to-the-better",
    ),
    pytest.param(
        [("abcdefghij", 0, 0)],
        [("abcdefghij", 1, 0), ("abcdefghij", 2, 0)],
        {0: 0},
        id="one-paired-claim-apart-at-most",
    ),
    pytest.param(
        [("abcdefghij", 0, None)],
        [("abcdefghij", 0, None), ("abcdefghij", 0, None)],
        {},
        id="no-offsets-and-a-tie",
    ),
]


@pytest.mark.parametrize(("claims", "items", "pairs"), PAIRINGS)
def test_pair_similar(claims, items, pairs):
    wordings = [[Wording(*entry) for entry in side] for side in (claims, items)]
    assert pair_similar(*wordings) == pairs


KEPT = """\
# Register kept by hand.
document:
  title: Zinc
  path: content/zinc.txt
claims:
  # the headline
  - id: mine
    text: Zinc lozenges shorten colds by 10% in adults. [2]
    location: {line: 1, start: 0, end: 49}
    kinds: [efficacy]
    citations:
      - key: hemila2017zinc
        marker: '[2]'
        ref: 2
        quote: 'shortened colds by a third'
    review:
      verdict: supported
      by: A. Reviewer
      at: '2026-11-20'
      fingerprint:
        text: aaaaaaaaaaaa
        sources: {hemila2017zinc: b-b-b-b-b}
    suppress:
      - {check: claims.single_source, reason: a meta-analysis}
    history:
      - {at: '2026-11-20', by: A. Reviewer, action: verdict, before: null, after: supported}
    ticket: MED-12   # unknown field
# end of register
"""


def test_an_edited_claim_keeps_everything_a_person_wrote_on_it():
    now = "Zinc lozenges shorten colds by 12% in adults. [2]"
    result = merge_register(KEPT, DOC, [extracted(now)], TODAY)
    history = (
        "      - {at: '2026-11-21', by: tracker extract, action: text, before: "
        "'Zinc lozenges shorten colds by 10% in adults. [2]', after: "
        "'Zinc lozenges shorten colds by 12% in adults. [2]'}\n"
    )
    expected = KEPT.replace("by 10% in adults. [2]\n", "by 12% in adults. [2]\n").replace(
        "    ticket:", history + "    ticket:"
    )
    assert result.text == expected
    again = merge_register(result.text, DOC, [extracted(now)], TODAY)
    assert not again.changed


def test_a_history_written_otherwise_is_left_alone():
    text = KEPT.replace(
        "    history:\n      - {at: '2026-11-20', by: A. Reviewer, action: verdict, before: null, after: supported}\n",
        "    history: see the ticket\n",
    )
    now = "Zinc lozenges shorten colds by 12% in adults. [2]"
    result = merge_register(text, DOC, [extracted(now)], TODAY)
    assert "    history: see the ticket\n" in result.text
    assert loaded(result.text)["mine"].text == now


# (wording reviewed, wording now, the changes named)
WORD_CHANGES = [
    (
        "Vitamin D reduces colds in winter.",
        "Vitamin D reduces most colds in winter.",
        '"reduces colds" became "reduces most colds"',
    ),
    ("Zinc shortens colds by 10%.", "Zinc shortens colds by 12%.", '"10%." became "12%."'),
    (
        "Zinc shortens colds by 10% in adults.",
        "Zinc shortens colds by 12% in adults.",
        '"10%" became "12%"',
    ),
    (
        "improves sleep quality in adults",
        "improves sleep in adults",
        '"sleep quality in" became "sleep in"',
    ),
    ("Reduces colds.", "Reduces colds. [1]", '"colds." became "colds. [1]"'),
    ("Proven to work.", "Shown to work.", '"Proven" became "Shown"'),
    (
        "vitamin c supports your immune system.",
        "Vitamin C supports your immune system!",
        '"vitamin c" became "Vitamin C", "system." became "system!"',
    ),
    (
        "a b c d e f g h",
        "a X c Y e Z g W",
        '"b" became "X", "d" became "Y", "f" became "Z", and 1 more change',
    ),
]


@pytest.mark.parametrize(("before", "after", "said"), WORD_CHANGES)
def test_word_changes(before, after, said):
    assert word_changes(before, after) == said


def stale_messages(root: Path) -> list[str]:
    project = load_project(root)
    findings = run_checks(Audit(project, build_graph(project)))
    return [f.message for f in findings if f.check == "claims.stale_review"]


def extract_write(root: Path) -> None:
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH})
    args = ["extract", str(root / "content/page.txt"), "--write", "-C", str(root)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_a_reviewed_claim_edited_by_a_word_keeps_its_review_and_says_what_changed(tmp_path):
    write_project(tmp_path, {})
    record_review(
        load_project(tmp_path), "p-000001", Verdict("supported", "A. Reviewer"), "2026-11-20"
    )
    reviewed = load_project(tmp_path).claim_index["p-000001"][1]
    page = tmp_path / "content/page.txt"
    page.write_text(DOCUMENT.replace("reduces colds", "reduces most colds"), encoding="utf-8")
    extract_write(tmp_path)
    [(_, claim)] = [*load_project(tmp_path).claims(include_vanished=True)]
    assert (claim.id, claim.text, claim.status) == (
        "p-000001",
        "Vitamin D reduces most colds in winter. [1]",
        "active",
    )
    assert (claim.review, claim.citations) == (reviewed.review, reviewed.citations)
    assert stale_messages(tmp_path) == [
        'the claim\'s text changed ("reduces colds" became "reduces most colds") since '
        'A. Reviewer\'s verdict "supported" of 2026-11-20 - review the claim again: '
        'tracker review p-000001 --verdict ... --by "..."'
    ]
    # Edited again: the change named is still the one since the review.
    page.write_text(
        DOCUMENT.replace("reduces colds in winter", "reduces most colds in January"),
        encoding="utf-8",
    )
    extract_write(tmp_path)
    [message] = stale_messages(tmp_path)
    assert '("reduces colds" became "reduces most colds", "winter." became "January.")' in message
    # Reviewed again: nothing is stale.
    record_review(
        load_project(tmp_path), "p-000001", Verdict("supported", "A. Reviewer"), "2026-11-21"
    )
    assert stale_messages(tmp_path) == []
