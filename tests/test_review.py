"""The reviewer workflow: verdicts recorded in the registers as a round trip, stale verdicts,
and suppressions written beside what they concern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.checks.registry import run_checks, run_checks_with_suppressions
from tracker.commands.review import review as review_command
from tracker.model import Fingerprint, Review, Severity
from tracker.project import load_project
from tracker.register_merge import merge_register
from tracker.register_read import parse_register
from tracker.review import ReviewError, Verdict, record_review

from .conftest import BIB, REGISTER, audit_for, write_project

TODAY = "2026-11-20"
SECOND = (
    "\n@article{lee2022cohort,\n  title = {Vitamin D and Colds: A Cohort},\n"
    "  author = {Lee, Kim},\n  journal = {Journal of Cohorts},\n  year = {2022},\n"
    "  doi = {10.1000/test.3}\n}\n"
)
COMMENTED = """\
# Register kept by hand.
document:
  title: Vitamin D   # as published
  path: content/page.txt
  owner: team-b
claims:
  # the headline
  - id: p-000001
    text: Vitamin D reduces colds in winter. [1]
    location: {line: 1, start: 0, end: 38}
    kinds: [efficacy]
    citations:
      - {key: smith2020trial, marker: '[1]', ref: 1}
    ticket: MED-12   # unknown field
  # a second claim
  - id: p-000002
    text: 'Winter is cold.'
    citations: []
    status: dismissed
    note: a truism
# end of register
"""
TWO_CITATIONS = REGISTER + "      - {key: lee2022cohort, marker: '[2]', ref: 2}\n"


def project_with(tmp_path: Path, register: str, bib: str = BIB):
    write_project(tmp_path, {"claims/page.yaml": register, "references.bib": bib})
    return load_project(tmp_path)


def review(tmp_path: Path, claim_id: str = "p-000001", today: str = TODAY, **asked) -> str:
    verdict = Verdict(**{"verdict": "supported", "by": "A. Reviewer", **asked})
    record_review(load_project(tmp_path), claim_id, verdict, today)
    return (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")


def loaded_claim(tmp_path: Path, claim_id: str = "p-000001"):
    return load_project(tmp_path).claim_index[claim_id][1]


def test_a_review_is_added_and_nothing_else_changes(tmp_path: Path) -> None:
    project_with(tmp_path, COMMENTED)
    text = review(tmp_path, note="matches Table 2")
    fingerprint = loaded_claim(tmp_path).review.fingerprint
    block = (
        "    review:\n      verdict: supported\n      by: A. Reviewer\n      at: '2026-11-20'\n"
        "      note: matches Table 2\n      fingerprint:\n"
        f"        text: {fingerprint.text}\n"
        f"        sources: {{smith2020trial: {fingerprint.sources['smith2020trial']}}}\n"
    )
    anchor = "      - {key: smith2020trial, marker: '[1]', ref: 1}\n"
    history = re.findall(r"\n      - \{at: '[0-9T:+-]+', (.*)\}", text)
    assert history == [
        "by: A. Reviewer, action: verdict, before: null, after: supported",
        "by: A. Reviewer, action: note, before: null, after: matches Table 2",
    ]
    without_history = re.sub(r"    history:\n(?:      - .*\n)+", "", text)
    assert without_history == COMMENTED.replace(anchor, anchor + block)


def test_three_reviews_keep_the_history_oldest_first(tmp_path: Path) -> None:
    project_with(tmp_path, COMMENTED)
    review(tmp_path, verdict="needs-review", by="B", today="2026-01-01")
    review(tmp_path, verdict="partial", by="C", today="2026-02-01", note="weak")
    text = review(tmp_path, verdict="supported", by="D", today="2026-03-01")
    claim = loaded_claim(tmp_path)
    assert (claim.review.verdict, claim.review.by, claim.review.at) == (
        "supported",
        "D",
        "2026-03-01",
    )
    assert [(r.verdict, r.by, r.at, r.note) for r in claim.history] == [
        ("needs-review", "B", "2026-01-01", None),
        ("partial", "C", "2026-02-01", "weak"),
    ]
    assert all(r.fingerprint is not None for r in claim.history)
    assert "    ticket: MED-12   # unknown field\n" in text and "# end of register" in text
    assert parse_register(text, "claims/page.yaml").problems == []


def test_source_quote_and_locator_go_on_that_citation(tmp_path: Path) -> None:
    project_with(tmp_path, TWO_CITATIONS, BIB + SECOND)
    review(tmp_path, source="lee2022cohort", quote="fewer colds", locator="Table 2")
    claim = loaded_claim(tmp_path)
    assert claim.review.source == "lee2022cohort"
    assert sorted(claim.review.fingerprint.sources) == ["lee2022cohort", "smith2020trial"]
    smith, lee = claim.citations
    assert (smith.quote, smith.locator) == (None, None)
    assert (lee.quote, lee.locator, lee.marker) == ("fewer colds", "Table 2", "[2]")


def test_a_quote_goes_on_the_only_citation(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER)
    review(tmp_path, quote="reduced colds by 40%")
    assert loaded_claim(tmp_path).citations[0].quote == "reduced colds by 40%"
    assert loaded_claim(tmp_path).review.source is None


@pytest.mark.parametrize(
    ("register", "claim_id", "asked", "says"),
    [
        (REGISTER, "p-00001", {}, 'no claim "p-00001" in the registers - did you mean p-000001?'),
        (REGISTER, "zzz", {}, "`tracker check` lists the claims"),
        (
            TWO_CITATIONS,
            "p-000001",
            {"quote": "q"},
            "has 2 citations (smith2020trial, lee2022cohort)",
        ),
        (REGISTER, "p-000001", {"source": "lee2022cohort"}, "it cites smith2020trial; pass one"),
        (REGISTER, "p-000001", {"verdict": "fine"}, 'unknown verdict "fine"'),
    ],
)
def test_reviews_that_cannot_be_recorded(tmp_path, register, claim_id, asked, says) -> None:
    project_with(tmp_path, register, BIB + SECOND)
    before = (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")
    with pytest.raises(ReviewError) as raised:
        review(tmp_path, claim_id, **asked)
    assert says in str(raised.value)
    assert (tmp_path / "claims/page.yaml").read_text(encoding="utf-8") == before


def test_the_command_records_a_verdict_with_todays_date(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER)
    args = [
        "p-000001",
        "--verdict",
        "partial",
        "--by",
        "A. Reviewer",
        "--note",
        "n",
        "--locator",
        "p. 4",
    ]
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "1795132800"}).invoke(
        review_command, [*args, "-C", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    claim = loaded_claim(tmp_path)
    assert claim.review == Review(
        "partial", "A. Reviewer", "2026-11-20", "n", None, claim.review.fingerprint
    )
    assert claim.citations[0].locator == "p. 4"


def test_the_command_turns_a_bad_request_into_an_error(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER)
    args = ["p-00001", "--verdict", "supported", "--by", "X", "-C", str(tmp_path)]
    result = CliRunner().invoke(review_command, args)
    assert result.exit_code == 2
    assert 'Error: no claim "p-00001"' in result.output and "p-000001" in result.output


def stale(tmp_path: Path) -> list:
    return [f for f in run_checks(audit_for(tmp_path, {})) if f.check == "claims.stale_review"]


def test_a_changed_claim_text_makes_the_verdict_stale(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER)
    text = review(tmp_path)
    assert stale(tmp_path) == []
    edited = text.replace("reduces colds in winter", "prevents colds")
    [finding] = [
        f
        for f in run_checks(audit_for(tmp_path, {"claims/page.yaml": edited}))
        if f.check == "claims.stale_review"
    ]
    assert finding.message.startswith(
        "the claim's text changed since A. Reviewer's verdict \"supported\" of 2026-11-20 - "
    )
    assert (finding.path, finding.line, finding.claim_id) == ("content/page.txt", 1, "p-000001")


def test_a_changed_doi_makes_the_verdict_stale(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER)
    text = review(tmp_path)
    files = {"claims/page.yaml": text, "references.bib": BIB.replace("test.1", "test.9")}
    [finding] = [
        f for f in run_checks(audit_for(tmp_path, files)) if f.check == "claims.stale_review"
    ]
    assert "the cited entries changed (smith2020trial: its doi changed)" in finding.message


def test_an_added_source_makes_the_verdict_stale(tmp_path: Path) -> None:
    project_with(tmp_path, REGISTER, BIB + SECOND)
    cited = review(tmp_path).replace("ref: 1}\n", "ref: 1}\n" + TWO_CITATIONS[len(REGISTER) :])
    files = {"claims/page.yaml": cited, "references.bib": BIB + SECOND}
    findings = run_checks(audit_for(tmp_path, files))
    [finding] = [f for f in findings if f.check == "claims.stale_review"]
    assert "the cited entries changed (lee2022cohort added)" in finding.message


def test_a_review_survives_extraction_merges(tmp_path: Path) -> None:
    project = project_with(tmp_path, REGISTER)
    review(tmp_path)
    review(tmp_path, verdict="partial")
    text = (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")
    claim = load_project(tmp_path).claim_index["p-000001"][1]
    merged = merge_register(text, project.registers[0].document, [claim], TODAY)
    assert merged.text == text


UNCITED = REGISTER.replace(
    "    citations:\n      - {key: smith2020trial, marker: '[1]', ref: 1}\n", "    citations: []\n"
)


def test_a_suppression_silences_the_finding_and_is_reported(tmp_path: Path) -> None:
    register = UNCITED + "    suppress:\n      - check: claims.uncited\n        reason: a heading\n"
    outcome = run_checks_with_suppressions(audit_for(tmp_path, {"claims/page.yaml": register}))
    assert [f.check for f in outcome.findings] == ["sources.unused"]
    [(finding, suppression)] = outcome.suppressed
    assert (finding.check, finding.claim_id) == ("claims.uncited", "p-000001")
    assert (suppression.reason, suppression.path, suppression.line) == (
        "a heading",
        "claims/page.yaml",
        11,
    )
    assert suppression.as_dict()["check"] == "claims.uncited"


def test_a_source_suppression_silences_that_source_only(tmp_path: Path) -> None:
    lonely = (
        "@misc{lonely2019note,\n  title = {A Note},\n  author = {Nobody, N},\n  year = {2019}\n}\n"
    )
    register = (
        REGISTER
        + "sources:\n  lonely2019note:\n    suppress:\n      - {check: sources, reason: kept for the next page}\n"
    )
    files = {"claims/page.yaml": register, "references.bib": BIB + lonely}
    outcome = run_checks_with_suppressions(audit_for(tmp_path, files))
    assert {f.check for f, _ in outcome.suppressed} == {"sources.unused", "sources.missing_ids"}
    assert all(f.source_key != "lonely2019note" for f in outcome.findings)


def test_a_suppression_without_a_reason_is_malformed_and_silences_nothing(tmp_path: Path) -> None:
    register = UNCITED + "    suppress:\n      - {check: claims.uncited, reason: '  '}\n"
    findings = run_checks(audit_for(tmp_path, {"claims/page.yaml": register}))
    checks = {f.check: f for f in findings}
    assert "claims.uncited" in checks
    malformed = checks["register.malformed"]
    assert malformed.line == 11 and "gives no reason" in malformed.message


def test_an_unused_suppression_is_an_info_finding(tmp_path: Path) -> None:
    register = REGISTER + "    suppress:\n      - {check: claims.uncited, reason: old}\n"
    findings = run_checks(audit_for(tmp_path, {"claims/page.yaml": register}))
    [unused] = [f for f in findings if f.check == "register.unused_suppression"]
    assert unused.severity is Severity.INFO
    assert (unused.path, unused.line) == ("claims/page.yaml", 12)
    assert (
        'the suppression of "claims.uncited" on claim "p-000001" silences nothing' in unused.message
    )


def test_register_findings_cannot_be_suppressed(tmp_path: Path) -> None:
    register = (
        REGISTER.replace("line: 1,", "line: one,")
        + "    suppress:\n      - {check: register, reason: x}\n"
    )
    findings = run_checks(audit_for(tmp_path, {"claims/page.yaml": register}))
    assert {"register.malformed", "register.unused_suppression"} <= {f.check for f in findings}


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("    review: {verdict: supported, fingerprint: abc}\n", "`fingerprint` is not"),
        ("    review: {verdict: supported, source: 3}\n", "`source` is 3, not text"),
        ("    reviews: {verdict: partial}\n", "`reviews` is a mapping, not a list"),
        (
            "    reviews:\n      - {verdict: maybe}\n",
            'earlier review 1: verdict is the text "maybe"',
        ),
        ("    suppress: claims.uncited\n", "`suppress` is the text"),
        ("    suppress:\n      - {reason: x}\n", "names no `check`"),
        ("sources: [a]\n", "`sources` is a list, not a mapping"),
        ("sources:\n  foo: 1\n", 'source "foo": 1, not a mapping'),
    ],
)
def test_malformed_review_fields_are_problems(extra: str, says: str) -> None:
    register = parse_register(REGISTER + extra, "claims/page.yaml")
    assert [says in p.message for p in register.problems] == [True], register.problems
    assert register.suppressions == []


def test_fingerprint_and_history_are_read() -> None:
    extra = (
        "    review:\n      verdict: partial\n      source: smith2020trial\n"
        "      fingerprint: {text: abc, sources: {smith2020trial: d-e}}\n"
        "    reviews:\n      - {verdict: supported, by: X, at: 2026-01-02}\n"
    )
    register = parse_register(REGISTER + extra, "claims/page.yaml")
    claim = register.claims[0]
    assert register.problems == []
    assert claim.review == Review(
        "partial",
        source="smith2020trial",
        fingerprint=Fingerprint("abc", {"smith2020trial": "d-e"}),
    )
    assert claim.history == [Review("supported", "X", "2026-01-02")]
