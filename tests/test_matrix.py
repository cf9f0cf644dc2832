"""The claims matrix: export to CSV and XLSX, and import of reviewers' edits as a round trip."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import BIB, REPO, write_project
from tracker.commands.export import export
from tracker.commands.import_matrix import import_matrix
from tracker.evidence import evidence_of
from tracker.matrix import COLUMNS, neutralize, normalize_kinds, read_matrix, restore
from tracker.matrix import import_matrix as import_rows
from tracker.model import Review
from tracker.project import load_project
from tracker.register_read import parse_register
from tracker.yamlio import load_yaml

BIB_TWO = (
    BIB
    + """
@article{jones2021cohort,
  title   = {Vitamin D and Influenza: a Cohort Study},
  author  = {Jones, Bo},
  journal = {Journal of Cohorts},
  year    = {2021},
  doi     = {10.1000/test.2}
}
"""
)

DOCUMENT = """\
Vitamin D reduces colds in winter. [1]

Vitamin D halves flu cases, says a study. [1, 2]

Sunlight on the skin makes vitamin D.

References

1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.
2. Jones B. Vitamin D and Influenza: a Cohort Study. Journal of Cohorts. 2021.
"""

REGISTER = """\
# Claims register for content/page.txt.
# Hand-edited: reviewers keep notes here.
document:
  title: Vitamin D
  path: content/page.txt
claims:
  # The opening claim.
  - id: p-000001
    text: Vitamin D reduces colds in winter. [1]
    location: {line: 1, start: 0, end: 38}
    kinds: [efficacy]   # checked by hand
    x-owner: team-a
    citations:
      - {key: smith2020trial, marker: '[1]', ref: 1}
  # Two sources, reviewed.
  - id: p-000002
    text: Vitamin D halves flu cases, says a study. [1, 2]
    location: {line: 3, start: 40, end: 88}
    kinds: [efficacy, quantitative]
    citations:
      - key: smith2020trial
        marker: '[1]'
        ref: 1
        locator: Table 2, p. 5
        quote: "=cases fell by half"
        x-checked: yes, against the PDF
      - {key: jones2021cohort, marker: '[2]', ref: 2}
    review:
      verdict: partial
      by: A. Reviewer
      at: '2026-11-20'
      note: "-only in winter, says the trial"
  - id: p-000003
    text: Sunlight on the skin makes vitamin D.
    location: {line: 5, start: 90, end: 127}
    kinds: [background]
    citations: []
  - id: p-000004
    text: Read more below.
    location: {line: 6, start: 128, end: 144}
    kinds: [background]
    citations: []
    status: dismissed
    note: navigation, no claim
  - id: p-000005
    text: Vitamin D cures everything.
    location: {line: 7, start: 145, end: 172}
    kinds: [efficacy]
    citations: []
    status: vanished
    vanished: '2026-01-01'
# End of register.
"""

REGISTER_PATH = "claims/page.yaml"


@click.group()
def tracker() -> None:
    """The two matrix commands, as cli.py adds them."""


tracker.add_command(export)
tracker.add_command(import_matrix)


def run(*args: str) -> Result:
    return CliRunner().invoke(tracker, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {"references.bib": BIB_TWO, "content/page.txt": DOCUMENT, REGISTER_PATH: REGISTER}
    return write_project(tmp_path / "project", files)


def export_to(project: Path, name: str) -> Path:
    output = project.parent / name
    result = run("export", "--output", str(output), "-C", str(project))
    assert result.exit_code == 0, result.output
    return output


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header or list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(("\ufeff" + stream.getvalue()).encode("utf-8"))


def edit_csv(path: Path, claim_id: str, key: str, /, **changes: str) -> None:
    rows = read_csv(path)
    row = next(r for r in rows if (r["claim_id"], r["source_key"]) == (claim_id, key))
    row.update(changes)
    write_csv(path, rows)


def register_text(project: Path) -> str:
    return (project / REGISTER_PATH).read_text(encoding="utf-8")


def history_of(project: Path, claim_id: str) -> list[tuple[Any, ...]]:
    """Return a claim's history entries as (action, by, before, after), checking each `at`."""
    root = load_yaml(register_text(project), round_trip=False)
    item = next(c for c in root["claims"] if c["id"] == claim_id)
    entries = item.get("history", [])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", e["at"]) for e in entries)
    return [(e["action"], e["by"], e["before"], e["after"]) for e in entries]


# ---------------------------------------------------------------------------------------------
# Export


def test_export_has_one_row_per_claim_and_cited_source(project: Path) -> None:
    rows = read_csv(export_to(project, "matrix.csv"))
    assert [(r["claim_id"], r["source_key"], r["marker"]) for r in rows] == [
        ("p-000001", "smith2020trial", "[1]"),
        ("p-000002", "smith2020trial", "[1]"),
        ("p-000002", "jones2021cohort", "[2]"),
        ("p-000003", "", ""),  # no citation: one row, source columns empty
    ]


def test_export_columns_and_values(project: Path) -> None:
    output = export_to(project, "matrix.csv")
    assert output.read_bytes().startswith(b"\xef\xbb\xbfclaim_id,document,line,")
    rows = read_csv(output)
    assert list(rows[0]) == list(COLUMNS)
    second, third, uncited = rows[1], rows[2], rows[3]
    assert second["claim"] == "Vitamin D halves flu cases, says a study. [1, 2]"
    assert (second["line"], second["start"], second["end"]) == ("3", "40", "88")
    assert second["kinds"] == "efficacy; quantitative"
    assert second["status"] == "cited"
    assert (
        second["source"]
        == "Anna Smith and Bo Jones. A randomised trial of vitamin d in winter. Journal of Testing, 2020."
    )
    assert second["locator"] == "Table 2, p. 5"
    sources = load_project(project).bibliography.sources
    assert second["evidence"] == evidence_of(sources["smith2020trial"]).label != "unknown"
    review = [second[c] for c in ("verdict", "reviewer", "reviewed_at")]
    assert review == ["partial", "A. Reviewer", "2026-11-20"]
    assert third["locator"] == "" and third["verdict"] == "partial"  # claim fields on each row
    assert uncited["status"] == "uncited" and uncited["source"] == uncited["evidence"] == ""
    assert all(len(r["row_fingerprint"]) == 12 for r in rows)


def test_export_lists_the_check_ids_of_each_claims_findings(project: Path) -> None:
    from tracker.commands.common import audit_outcome

    findings = audit_outcome(project, None)[2].findings
    rows = read_csv(export_to(project, "matrix.csv"))
    for row in rows:
        checks = sorted({f.check for f in findings if f.claim_id == row["claim_id"]})
        assert row["findings"] == "; ".join(checks)


def test_export_csv_is_rfc4180(project: Path) -> None:
    data = export_to(project, "matrix.csv").read_bytes().decode("utf-8-sig")
    assert data.endswith("\r\n") and "\n" not in data.replace("\r\n", "")
    assert '"Vitamin D halves flu cases, says a study. [1, 2]"' in data


def test_export_to_standard_output(project: Path) -> None:
    result = run("export", "-C", str(project))
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfclaim_id,")


def test_export_neutralizes_formulas(project: Path) -> None:
    rows = read_csv(export_to(project, "matrix.csv"))
    assert rows[1]["quote"] == "'=cases fell by half"
    assert rows[1]["note"] == "'-only in winter, says the trial"


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-5% fewer colds", "'-5% fewer colds"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),  # an apostrophe already there survives the round trip
        ("it's plain", "it's plain"),
        ("5 = 5", "5 = 5"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_neutralize_and_restore(value: str, exported: str) -> None:
    assert neutralize(value) == exported
    assert restore(exported) == value


@pytest.mark.parametrize(
    ("typed", "kinds"),
    [
        ("efficacy; safety", "efficacy; safety"),
        ("efficacy,safety", "efficacy; safety"),
        (" efficacy ;; ", "efficacy"),
        ("", ""),
    ],
)
def test_normalize_kinds(typed: str, kinds: str) -> None:
    assert normalize_kinds(typed) == kinds


def test_export_xlsx_layout(project: Path) -> None:
    sheet = openpyxl.load_workbook(export_to(project, "matrix.xlsx")).active
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:U5"
    assert sheet.column_dimensions["F"].width == 60  # claim
    claim, quote = sheet.cell(row=3, column=6), sheet.cell(row=3, column=13)
    assert claim.alignment.wrap_text and quote.alignment.wrap_text
    assert quote.value == "=cases fell by half" and quote.data_type == "s"  # text, no formula
    assert sheet.cell(row=3, column=3).value == 3  # line


# ---------------------------------------------------------------------------------------------
# Import


@pytest.mark.parametrize("name", ["matrix.csv", "matrix.xlsx"])
def test_unchanged_matrix_changes_no_file(project: Path, name: str) -> None:
    before = (project / REGISTER_PATH).read_bytes()
    matrix = export_to(project, name)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "4 rows read, 0 fields changed in 0 registers, 0 conflicts, 0 rows skipped" in (
        result.stderr
    )
    assert (project / REGISTER_PATH).read_bytes() == before


def test_edits_are_applied_and_comments_survive(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported", quote="cases fell by 50%")
    edit_csv(matrix, "p-000001", "smith2020trial", locator="Figure 3", reviewer="B. Checker")
    edit_csv(matrix, "p-000001", "smith2020trial", verdict="needs-review", kinds="efficacy, safety")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "claims/page.yaml: p-000002: verdict: 'partial' -> 'supported'" in result.stdout
    text = register_text(project)
    for kept in (
        "# Hand-edited: reviewers keep notes here.",
        "# The opening claim.",
        "# Two sources, reviewed.",
        "# checked by hand",
        "x-owner: team-a",
        "x-checked: yes, against the PDF",
        "# End of register.",
    ):
        assert kept in text
    register = parse_register(text, REGISTER_PATH)
    assert register.problems == []
    first, second = register.claims[0], register.claims[1]
    assert first.kinds == ["efficacy", "safety"]
    assert first.citations[0].locator == "Figure 3"
    assert first.review is not None and first.review.verdict == "needs-review"
    assert first.review.by == "B. Checker"
    assert second.citations[0].quote == "cases fell by 50%"
    assert second.review is not None and second.review.verdict == "supported"
    assert second.review.note == "-only in winter, says the trial"  # restored, not "'-only"


def test_new_locator_gets_its_own_lines_and_review_follows_citations(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000001", "smith2020trial", locator="p. 3", verdict="supported")
    edit_csv(matrix, "p-000001", "smith2020trial", reviewer="B. Checker", reviewed_at="2026-12-01")
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    expected = """\
    citations:
      - key: smith2020trial
        marker: '[1]'
        ref: 1
        locator: p. 3
    review:
      verdict: supported
      by: B. Checker
      at: '2026-12-01'
    history:
      - {at: AT, by: B. Checker, action: verdict, before: null, after: supported}
      - {at: AT, by: B. Checker, action: locator, before: null, after: p. 3}
      - {at: AT, by: B. Checker, action: import, before: null, after: B. Checker}
      - {at: AT, by: B. Checker, action: import, before: null, after: '2026-12-01'}
  # Two sources, reviewed.
"""
    assert expected in re.sub(r"at: '[0-9T:+-]+', by", "at: AT, by", register_text(project))


def test_xlsx_edits_are_applied(project: Path) -> None:
    matrix = export_to(project, "matrix.xlsx")
    workbook = openpyxl.load_workbook(matrix)
    sheet = workbook.active
    sheet.cell(row=2, column=COLUMNS.index("note") + 1).value = "checked\nin two passes"
    sheet.cell(row=2, column=COLUMNS.index("verdict") + 1).value = "supported"
    sheet.cell(row=2, column=COLUMNS.index("reviewer") + 1).value = "B. Checker"
    workbook.save(matrix)
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    review = parse_register(register_text(project), REGISTER_PATH).claims[0].review
    assert review is not None and review.note == "checked\nin two passes"


def test_cleared_review_is_removed(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    rows = read_csv(matrix)
    for row in rows[1:3]:
        row.update(verdict="", reviewer="", reviewed_at="", note="")
    write_csv(matrix, rows)
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    assert "review:" not in register_text(project)
    claim = parse_register(register_text(project), REGISTER_PATH).claims[1]
    assert [r.verdict for r in claim.history] == ["partial"]  # kept, not thrown away
    assert history_of(project, "p-000002")[0] == ("verdict", "matrix import", "partial", None)


def test_dry_run_writes_nothing(project: Path) -> None:
    before = register_text(project)
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported", quote="cases fell")
    result = run("import", str(matrix), "--dry-run", "-C", str(project))
    assert result.exit_code == 0
    # The new verdict is dated today: reviewed_at changes too.
    assert "claims/page.yaml: p-000002: reviewed_at: '2026-11-20' -> '" in result.stdout
    assert "3 fields would change in 1 registers" in result.stderr
    assert register_text(project) == before


# ---------------------------------------------------------------------------------------------
# History and earlier reviews


def test_a_verdict_and_a_quote_change_go_into_the_history(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    changes = {"verdict": "supported", "reviewer": "B. Checker", "quote": "cases fell by 50%"}
    edit_csv(matrix, "p-000002", "smith2020trial", **changes)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 0, result.output
    today = datetime.date.today().isoformat()
    assert history_of(project, "p-000002") == [
        ("verdict", "B. Checker", "partial", "supported"),
        ("quote", "B. Checker", "=cases fell by half", "cases fell by 50%"),
        ("import", "B. Checker", "A. Reviewer", "B. Checker"),
        ("import", "B. Checker", "2026-11-20", today),
    ]
    claim = parse_register(register_text(project), REGISTER_PATH).claims[1]
    note = "-only in winter, says the trial"
    assert claim.review == Review("supported", "B. Checker", today, note)
    assert claim.history == [Review("partial", "A. Reviewer", "2026-11-20", note)]


def test_each_new_verdict_keeps_the_one_before(project: Path) -> None:
    for number, verdict in enumerate(["supported", "unsupported"]):
        matrix = export_to(project, f"matrix{number}.csv")
        edit_csv(matrix, "p-000002", "jones2021cohort", verdict=verdict, reviewer=f"R{number}")
        assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    claim = parse_register(register_text(project), REGISTER_PATH).claims[1]
    assert claim.review is not None and (claim.review.verdict, claim.review.by) == (
        "unsupported",
        "R1",
    )
    assert [(r.verdict, r.by) for r in claim.history] == [
        ("partial", "A. Reviewer"),
        ("supported", "R0"),
    ]
    verdicts = [e for e in history_of(project, "p-000002") if e[0] == "verdict"]
    assert verdicts == [
        ("verdict", "R0", "partial", "supported"),
        ("verdict", "R1", "supported", "unsupported"),
    ]


def test_a_change_with_no_reviewer_is_entered_as_the_import(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000001", "smith2020trial", kinds="efficacy; safety", locator="p. 2")
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    assert history_of(project, "p-000001") == [
        ("import", "matrix import", "efficacy", "efficacy; safety"),
        ("locator", "matrix import", None, "p. 2"),
    ]


@pytest.mark.parametrize("reviewer", ["", "   "])
def test_a_verdict_change_without_a_reviewer_is_refused(project: Path, reviewer: str) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported", reviewer=reviewer)
    edit_csv(matrix, "p-000001", "smith2020trial", locator="Figure 3")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    assert (
        f"{matrix}:3: claim p-000002: the verdict changed to supported but the row names no "
        "reviewer - fill in reviewer\n"
    ) in result.stdout
    assert "1 rows skipped" in result.stderr
    register = parse_register(register_text(project), REGISTER_PATH)
    refused, applied = register.claims[1], register.claims[0]
    note = "-only in winter, says the trial"
    assert refused.review == Review("partial", "A. Reviewer", "2026-11-20", note)
    assert refused.history == [] and history_of(project, "p-000002") == []
    assert applied.citations[0].locator == "Figure 3"


@pytest.mark.parametrize(("given", "expected"), [("", "2027-01-15"), ("2026-12-24", "2026-12-24")])
def test_a_new_verdict_is_dated_today_unless_the_row_gives_a_date(
    project: Path, given: str, expected: str
) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported")
    if given:
        edit_csv(matrix, "p-000002", "smith2020trial", reviewed_at=given)
    result = import_rows(load_project(project), read_matrix(matrix), today="2027-01-15")
    assert not result.failed
    review = parse_register(register_text(project), REGISTER_PATH).claims[1].review
    assert review is not None and (review.by, review.at) == ("A. Reviewer", expected)
    assert ("import", "A. Reviewer", "2026-11-20", expected) in history_of(project, "p-000002")


def test_a_new_verdict_from_the_command_is_dated_today(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported")
    days = {datetime.date.today().isoformat()}
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    days.add(datetime.date.today().isoformat())  # in case midnight passed
    review = parse_register(register_text(project), REGISTER_PATH).claims[1].review
    assert review is not None and review.at in days


# ---------------------------------------------------------------------------------------------
# Conflicts


def change_register(project: Path, old: str, new: str) -> None:
    path = project / REGISTER_PATH
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_conflict_when_both_sides_changed_a_field(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    change_register(project, "verdict: partial", "verdict: supported")
    edited = register_text(project)
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="unsupported")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    assert (
        f"{matrix}:3: claim p-000002: the register changed since the export "
        "(verdict: register now 'supported', matrix says 'unsupported') "
        "- export again and redo the edit"
    ) in result.stdout
    assert "1 conflicts" in result.stderr
    assert register_text(project) == edited


def test_a_stale_matrix_does_not_undo_register_changes(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    change_register(project, "verdict: partial", "verdict: supported")
    edited = register_text(project)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert register_text(project) == edited


def test_edits_of_other_fields_merge_with_register_changes(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    change_register(project, "by: A. Reviewer", "by: C. Chief")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 0, result.output
    review = parse_register(register_text(project), REGISTER_PATH).claims[1].review
    assert review is not None and (review.verdict, review.by) == ("supported", "C. Chief")


def test_two_rows_of_one_claim_must_agree(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "smith2020trial", verdict="supported")
    edit_csv(matrix, "p-000002", "jones2021cohort", verdict="unsupported")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    assert "verdict 'unsupported' contradicts row 3 ('supported')" in result.stdout


# ---------------------------------------------------------------------------------------------
# Bad rows and bad files


@pytest.mark.parametrize(
    ("claim_id", "changes", "message"),
    [
        (
            "p-000002",
            {"verdict": "great"},
            "claim p-000002: verdict 'great' is not a verdict - use one of supported, partial",
        ),
        ("p-000001", {"kinds": "efficacy; hype"}, "claim p-000001: 'hype' is not a kind"),
        ("p-000001", {"reviewed_at": "20/11/2026"}, "reviewed_at '20/11/2026' is not a date"),
        ("p-000002", {"verdict": ""}, "a review needs a verdict"),
        ("p-000003", {"quote": "from nowhere"}, "but the row names no citation"),
        ("p-000002", {"row_fingerprint": "", "verdict": "supported"}, "row_fingerprint ''"),
    ],
)
def test_bad_rows_are_reported_and_skipped(
    project: Path, claim_id: str, changes: dict[str, str], message: str
) -> None:
    before = register_text(project)
    matrix = export_to(project, "matrix.csv")
    rows = read_csv(matrix)
    row = next(r for r in rows if r["claim_id"] == claim_id)
    row.update(changes)
    write_csv(matrix, rows)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    number = rows.index(row) + 2
    assert f"{matrix}:{number}: " in result.stdout and message in result.stdout
    assert "1 rows skipped" in result.stderr
    assert register_text(project) == before


def test_unknown_claim_id(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    rows = read_csv(matrix)
    rows[2]["claim_id"] = "p-999999"
    write_csv(matrix, rows)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    assert f"{matrix}:4: unknown claim id 'p-999999'" in result.stdout


def test_unknown_citation(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    edit_csv(matrix, "p-000002", "jones2021cohort", source_key="nobody2000", locator="p. 1")
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 1
    assert "claim p-000002: the register has no citation of 'nobody2000'" in result.stdout


def test_missing_column(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    rows = read_csv(matrix)
    header = [name for name in COLUMNS if name != "quote"]
    write_csv(matrix, [{k: v for k, v in r.items() if k != "quote"} for r in rows], header)
    result = run("import", str(matrix), "-C", str(project))
    assert result.exit_code == 2
    assert f"Error: {matrix}: row 1: the matrix has no column quote" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("matrix.csv", b"claim_id\xff\n", "not UTF-8"),
        ("matrix.csv", b"", "the file is empty"),
        ("matrix.xlsx", b"not a zip", "not a readable XLSX workbook"),
        ("matrix.ods", b"", "a matrix is a .csv or .xlsx file, not .ods"),
    ],
)
def test_bad_files(project: Path, name: str, content: bytes, message: str) -> None:
    path = project.parent / name
    path.write_bytes(content)
    result = run("import", str(path), "-C", str(project))
    assert result.exit_code == 2
    assert message in result.output


def test_semicolon_csv_from_excel_is_read(project: Path) -> None:
    matrix = export_to(project, "matrix.csv")
    rows = read_csv(matrix)
    rows[0].update(verdict="supported", reviewer="B. Checker")
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(COLUMNS), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    matrix.write_text(stream.getvalue(), encoding="utf-8")
    assert run("import", str(matrix), "-C", str(project)).exit_code == 0
    assert "verdict: supported" in register_text(project)


# ---------------------------------------------------------------------------------------------
# The bundled project


def test_bundled_project_has_one_row_per_claim_and_citation(tmp_path: Path) -> None:
    output = tmp_path / "bundled.csv"
    result = run("export", "--output", str(output), "-C", str(REPO))
    assert result.exit_code == 0, result.output
    project = load_project(REPO)
    expected = [
        (claim.id, citation.key or "", citation.marker or "")
        for _, claim in project.claims()
        for citation in claim.citations
    ]
    pairs = [(r["claim_id"], r["source_key"], r["marker"]) for r in read_csv(output)]
    cited = [pair for pair in pairs if pair[1] or pair[2]]
    assert cited == expected
    uncited = {claim.id for _, claim in project.claims() if not claim.citations}
    assert {pair[0] for pair in pairs if not (pair[1] or pair[2])} == uncited
    assert len(pairs) == sum(max(1, len(claim.citations)) for _, claim in project.claims())
    dry = run("import", str(output), "--dry-run", "-C", str(REPO))
    assert dry.exit_code == 0 and "0 fields would change" in dry.stderr
