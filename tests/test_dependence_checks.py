"""The checks of dependence and consistency, run module by module on their examples, and the
reader of the Retraction Watch data they rely on."""

from __future__ import annotations

import importlib
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from tracker.checks.base import Audit
from tracker.checks.claims import inconsistent, single_source
from tracker.checks.sources import retracted
from tracker.config import ProjectError
from tracker.graph import build_graph
from tracker.model import Severity, Source
from tracker.near_duplicates import near_duplicates
from tracker.project import load_project
from tracker.retractions import load_retractions
from tracker.similar import comparable, similar_length

from .conftest import REPO, RETRACTIONS, Files, audit_for, write_project
from .examples_dependence import (
    COLDS,
    COLDS_AGAIN,
    EXAMPLES,
    OTHER,
    data,
    notice,
    page,
    project,
)

SAMPLE = REPO / "tests" / "data" / "retractions" / "sample.csv"

CASES = [
    (check_id, files, should_fire)
    for check_id, (triggers, passes) in EXAMPLES.items()
    for files, should_fire in [*((t, True) for t in triggers), *((p, False) for p in passes)]
]


@pytest.mark.parametrize(("check_id", "files", "should_fire"), CASES)
def test_examples(tmp_path: Path, check_id: str, files: Files, should_fire: bool) -> None:
    module = importlib.import_module(f"tracker.checks.{check_id}")
    fired = list(module.check(audit_for(tmp_path, files)))
    assert bool(fired) == should_fire, fired
    for finding in fired:
        assert finding.check == check_id
        assert finding.line >= 1 and finding.col >= 1 and " - " in finding.message


@pytest.mark.parametrize("check_id", sorted(EXAMPLES))
def test_modules_describe_themselves(check_id: str) -> None:
    module = importlib.import_module(f"tracker.checks.{check_id}")
    assert check_id == module.ID and isinstance(module.SEVERITY, Severity) and module.SUMMARY


# --- the Retraction Watch data ---------------------------------------------------------


def source(doi: str | None = None, pmid: str | None = None) -> Source:
    fields = {name: value for name, value in (("doi", doi), ("pmid", pmid)) if value}
    return Source("k", "article", fields, 1)


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "rw.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_sample_file() -> None:
    data = load_retractions(SAMPLE)
    assert data.path == str(SAMPLE)
    assert [p.split(": ")[0] for p in data.problems] == [f"{SAMPLE}:9"]
    [first] = data.notices_for(source(doi="10.5555/tracker.retracted.1"))
    assert (first.nature, first.date, first.record, first.line) == (
        "Retraction",
        "2024-03-14",
        "900001",
        2,
    )
    assert first.reason == "Falsification/Fabrication of Data; Investigation by Journal/Publisher"
    assert first.notice_doi == "10.5555/tracker.notice.900001" and first.notice_pmid == "99100001"
    [by_pmid] = data.notices_for(source(pmid="99000002"))
    assert by_pmid.doi is None and by_pmid.notice_doi is None and by_pmid.notice_pmid is None
    assert [n.nature for n in data.notices_for(source(doi="10.5555/tracker.corrected.3"))] == [
        "Correction"
    ]
    concern = data.notices_for(source(doi="10.5555/tracker.concern.4"))
    assert [n.nature for n in concern] == ["Expression of concern"]


def test_doi_and_pmid_of_one_paper_give_its_notice_once() -> None:
    data = load_retractions(SAMPLE)
    found = data.notices_for(source(doi="10.5555/tracker.corrected.3", pmid="99000003"))
    assert [n.record for n in found] == ["900003"]


def test_reinstatement_cancels_an_earlier_retraction() -> None:
    [notice_] = load_retractions(SAMPLE).notices_for(source(doi="10.5555/tracker.reinstated.5"))
    assert notice_.nature == "Retraction" and not notice_.stands
    assert notice_.cancelled_by is not None
    assert (notice_.cancelled_by.record, notice_.cancelled_by.date) == ("900006", "2023-09-01")


def test_retraction_after_a_reinstatement_stands(tmp_path: Path) -> None:
    rows = (
        notice("1", "Retraction", date="1/1/2020 0:00"),
        notice("2", "Reinstatement", date="1/1/2021 0:00"),
        notice("3", "Retraction", date="1/1/2022 0:00"),
    )
    found = load_retractions(write(tmp_path, data(*rows))).notices_for(source("10.1000/test.1"))
    assert [(n.record, n.stands) for n in found] == [("1", False), ("3", True)]


def test_a_source_that_is_itself_a_notice_gets_none() -> None:
    data = load_retractions(SAMPLE)
    assert data.notices_for(source(doi="10.5555/tracker.notice.900007")) == []
    assert data.notices_for(source(pmid="99100007")) == []
    assert data.notices_for(source(doi="10.5555/tracker.original.7"))
    # a notice stamped on the paper itself (same DOI) does not hide the paper's retraction
    assert data.notices_for(source(doi="10.5555/tracker.stamped.9"))


def test_dois_are_normalised_and_empty_identifiers_match_nothing(tmp_path: Path) -> None:
    rows = (
        notice("1", "Retraction", doi="https://doi.org/10.1000/ABC"),
        notice("2", "Retraction", doi="unavailable", pmid="0"),
    )
    data_ = load_retractions(write(tmp_path, data(*rows)))
    assert [n.record for n in data_.notices_for(source(doi="doi:10.1000/abc"))] == ["1"]
    assert data_.notices_for(source(pmid="0")) == [] and data_.problems == []


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff".encode() + data(notice("77", "Retraction")).encode())
    [found] = load_retractions(path).notices_for(source("10.1000/test.1"))
    assert found.record == "77"


def test_latin1_fallback(tmp_path: Path) -> None:
    text = data(notice("5", "Retraction")).replace("+Error in Data;", "+Données falsifiées;")
    path = write(tmp_path, text.encode("latin-1"))
    [found] = load_retractions(path).notices_for(source("10.1000/test.1"))
    assert found.reason == "Données falsifiées"


def test_columns_are_matched_ignoring_case_and_order(tmp_path: Path) -> None:
    text = "retractionnature,originalpaperdoi,Extra\nretraction,10.1000/test.1,x\n"
    [found] = load_retractions(write(tmp_path, text)).notices_for(source("10.1000/test.1"))
    assert (found.nature, found.date, found.record) == ("Retraction", None, None)


@pytest.mark.parametrize(
    "content",
    ["Record ID,Title,RetractionNature\n1,A,Retraction\n", "", b"\x00\x01"],
    ids=["no-identifier-columns", "empty", "binary"],
)
def test_unusable_data_raises(tmp_path: Path, content: str | bytes) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ProjectError, match=r"rw\.csv: no OriginalPaperDOI .* - give"):
        load_retractions(path)


def test_missing_or_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"absent\.csv: retraction data not found - download"):
        load_retractions(tmp_path / "absent.csv")
    with pytest.raises(ProjectError, match=r"cannot read the retraction data .* - give"):
        load_retractions(tmp_path)


def test_malformed_rows_become_problems_with_their_line(tmp_path: Path) -> None:
    multiline = notice("2", "Correction").replace("Nowhere University", '"Nowhere\nUniversity"')
    rows = (
        notice("1", "Retraction"),
        multiline,  # lines 3-4
        "3,cut short,Biology\n",  # line 5
        notice("4", "Retracted"),  # line 6
        notice("5", "Retraction", date="the ides of March"),  # line 7
        "\n",
        notice("6", "Retraction").rstrip("\n") + ",extra,values\n",  # line 9
    )
    path = write(tmp_path, data(*rows))
    problems = load_retractions(path).problems
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["5", "6", "7", "9"]
    assert "3 fields where the header has 20 (the row cut short?)" in problems[0]
    assert 'RetractionNature "Retracted" is unknown' in problems[1]
    assert 'RetractionDate "the ides of March" is not a date' in problems[2]
    assert all(" - " in p for p in problems)
    found = load_retractions(path).notices_for(source("10.1000/test.1"))
    assert [n.record for n in found] == ["5", "1", "2"]  # dateless first, then by date


def test_as_of_is_the_file_date(tmp_path: Path) -> None:
    path = write(tmp_path, data(notice("1", "Retraction")))
    moment = datetime(2025, 6, 1, 12, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))
    assert load_retractions(path).as_of == "2025-06-01"


# --- sources.retracted ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "severity", "opening"),
    [
        ([notice("1", "Retraction")], Severity.ERROR, "retracted on 2024-03-14"),
        ([notice("1", "Correction")], Severity.WARNING, "corrected on 2024-03-14"),
        (
            [notice("1", "Expression of concern")],
            Severity.WARNING,
            "under an expression of concern since 2024-03-14",
        ),
        (
            [
                notice("1", "Retraction", date="2/1/2022 0:00"),
                notice("2", "Reinstatement", date="9/1/2023 0:00"),
            ],
            Severity.INFO,
            "retracted on 2022-02-01, then reinstated on 2023-09-01",
        ),
        ([notice("1", "Reinstatement")], Severity.INFO, "reinstated on 2024-03-14"),
    ],
)
def test_severity_follows_the_nature(
    tmp_path: Path, rows: list[str], severity: Severity, opening: str
) -> None:
    audit = audit_for(tmp_path, {RETRACTIONS: data(*rows)})
    [finding] = retracted.check(audit)
    assert finding.severity == severity and finding.message.startswith(opening)
    assert finding.source_key == "smith2020trial" and finding.path == "references.bib"


def test_message_dates_the_data_and_lists_dependants(tmp_path: Path) -> None:
    files = project(
        page("a", [(COLDS, ["smith2020trial"]), (OTHER, ["smith2020trial", "lee2021cohort"])]),
        page("b", [(COLDS_AGAIN, ["smith2020trial"]), (OTHER, ["lee2021cohort"])]),
    )
    audit = audit_for(tmp_path, {**files, RETRACTIONS: data(notice("41", "Retraction"))})
    assert audit.retractions is not None
    [finding] = retracted.check(audit)
    assert finding.message.startswith(
        f"retracted on 2024-03-14 (Retraction Watch record 41, as of {audit.retractions.as_of}; "
        'reason: "Error in Data"): cited by claims a-1, a-2, b-1 in documents '
        'content/a.txt, content/b.txt - remove or replace "smith2020trial" in every claim'
    )


def test_other_notices_are_mentioned(tmp_path: Path) -> None:
    rows = (notice("1", "Expression of concern", date="1/1/2023 0:00"), notice("2", "Retraction"))
    [finding] = retracted.check(audit_for(tmp_path, {RETRACTIONS: data(*rows)}))
    assert finding.severity == Severity.ERROR
    assert "; also under an expression of concern since 2023-01-01, record 1)" in finding.message


def test_uncited_retracted_source(tmp_path: Path) -> None:
    files = {**project(page("page", [(COLDS, [])])), RETRACTIONS: data(notice("1", "Retraction"))}
    [finding] = retracted.check(audit_for(tmp_path, files))
    assert 'cited by no claim - remove "smith2020trial" from the bibliography' in finding.message


def test_no_data_no_findings(tmp_path: Path) -> None:
    assert list(retracted.check(audit_for(tmp_path, {}))) == []


# --- claims.single_source and claims.inconsistent -------------------------------------


def test_single_source_names_the_evidence_level(tmp_path: Path) -> None:
    files = project(page("page", [(COLDS, ["chen2022lab"])]))
    [finding] = single_source.check(audit_for(tmp_path, files))
    assert finding.message.startswith(
        'rests on one source, "chen2022lab" (in-vitro, declared in the `evidence` field)'
    )
    assert finding.claim_id == "page-1" and finding.path == "content/page.txt"


def test_bundled_wharton_claim_rests_on_one_in_vitro_study() -> None:
    loaded = load_project(REPO)
    findings = single_source.check(Audit(loaded, build_graph(loaded)))
    [finding] = [f for f in findings if f.claim_id == "sve-45f462"]
    assert finding.message.startswith('rests on one source, "shin2021comparative" (in-vitro, ')
    assert '"Studies have reported that secretomes from Wharton’s jelly–derived' in finding.message


def test_inconsistent_stands_at_the_uncited_claim(tmp_path: Path) -> None:
    files = project(page("a", [(COLDS, ["smith2020trial"])]), page("b", [(COLDS_AGAIN, [])]))
    [finding] = inconsistent.check(audit_for(tmp_path, files))
    assert (finding.claim_id, finding.path, finding.line) == ("b-1", "content/b.txt", 1)
    assert finding.message == (
        'cites nothing, but nearly the same claim a-1 in content/a.txt ("Vitamin D reduces '
        'colds in winter.") cites "smith2020trial" - cite "smith2020trial" here too if it '
        "supports this wording"
    )


def test_inconsistent_sources_are_reported_at_both_claims(tmp_path: Path) -> None:
    files = project(
        page("a", [(COLDS, ["smith2020trial"]), (COLDS_AGAIN, ["lee2021cohort", "smith2020trial"])])
    )
    findings = list(inconsistent.check(audit_for(tmp_path, files)))
    assert [f.claim_id for f in findings] == ["a-1", "a-2"]
    assert findings[0].message.startswith(
        'cites "smith2020trial", but nearly the same claim a-2 elsewhere in this document'
    )
    assert 'cites "lee2021cohort", "smith2020trial" - cite the same sources' in findings[0].message


def test_inconsistent_names_at_most_three_others(tmp_path: Path) -> None:
    cited = [page(name, [(COLDS, ["smith2020trial"])]) for name in "abcd"]
    files = project(*cited, page("e", [(COLDS_AGAIN, [])]))
    [finding] = inconsistent.check(audit_for(tmp_path, files))
    assert finding.claim_id == "e-1" and "; and 1 more - cite" in finding.message


def sentences(seed: int, count: int) -> list[str]:
    """Return random sentences, a tenth of them edited copies of earlier ones."""
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(400)] + "the of and in to a is that for with".split() * 20
    texts: list[str] = []
    while len(texts) < count:
        if texts and rng.random() < 0.15:
            copy = rng.choice(texts).split()
            copy[rng.randrange(len(copy))] += rng.choice(["s", "ed", ""])
            texts.append(" ".join(copy[: rng.choice([len(copy), -1])]))
        else:
            texts.append(" ".join(rng.choices(words, k=rng.randint(6, 25))))
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_finds_what_comparing_every_pair_finds(seed: int) -> None:
    texts = [comparable(t) for t in sentences(seed, 400)]
    every_pair = {
        (i, j)
        for j in range(len(texts))
        for i in range(j)
        if fuzz.token_set_ratio(texts[i], texts[j]) >= 90 and similar_length(texts[i], texts[j])
    }
    blocked = {(i, j) for i, j, _ in near_duplicates(texts, 90)}
    assert blocked == every_pair and len(every_pair) > 20


def test_iso_dates_are_read_and_a_missing_date_is_said(tmp_path: Path) -> None:
    rows = (
        notice("1", "Correction", date="2023-05-06T00:00:00"),
        notice("2", "Retraction", date=""),
    )
    audit = audit_for(tmp_path, {RETRACTIONS: data(*rows)})
    assert audit.retractions is not None and audit.retractions.problems == []
    [finding] = retracted.check(audit)
    assert finding.message.startswith("retracted on a date the data does not give (")
    assert "; also corrected on 2023-05-06, record 1)" in finding.message


@pytest.mark.parametrize(
    "written",
    [
        "http://dx.doi.org/10.5555/tracker.retracted.1",
        "https://doi.org/10.5555/TRACKER.RETRACTED.1",
        "10.5555/tracker.retracted.1.",
        "doi: 10.5555/tracker.retracted.1",
        "https://doi.org/10.5555%2Ftracker.retracted.1",
    ],
)
def test_a_retracted_paper_is_found_however_its_doi_is_written(written: str) -> None:
    [notice_] = load_retractions(SAMPLE).notices_for(source(doi=written))
    assert notice_.record == "900001"


def test_the_matrix_says_what_the_retraction_data_holds(tmp_path: Path) -> None:
    from tracker.matrix import build_matrix
    from tracker.project import load_project

    # One claim cites a retracted paper (its DOI written as a link with a period) and a clean one.
    project = write_project(
        tmp_path,
        {
            "references.bib": (
                "@article{paper, author = {Doe, Jan}, title = {Vitamin Q Shortens Winter Colds},"
                " journal = {J}, year = {2020},"
                " doi = {http://dx.doi.org/10.5555/tracker.retracted.1.}}\n"
                "@article{smith2020trial, author = {Smith, Anna}, title = {A Trial}, journal = {J},"
                " year = {2020}, doi = {10.1000/test.1}}\n"
            ),
            "claims/page.yaml": (
                "document:\n  title: V\n  path: content/page.txt\nclaims:\n"
                "  - id: p-000001\n    text: Vitamin D reduces colds in winter. [1]\n"
                "    location: {line: 1, start: 0, end: 38}\n    kinds: [efficacy]\n"
                "    citations:\n      - {key: paper, marker: '[1]', ref: 1}\n"
                "      - {key: smith2020trial, marker: '[1]', ref: 1}\n"
            ),
        },
    )
    data = load_retractions(SAMPLE)
    rows = build_matrix(load_project(project), [], data)
    by_key = {row["source_key"]: row["retraction"] for row in rows}
    assert by_key["paper"] == f"retracted on 2024-03-14 (as of {data.as_of})"
    assert by_key["smith2020trial"] == f"no notice as of {data.as_of}"
    assert {row["retraction"] for row in build_matrix(load_project(project), [])} == {""}
