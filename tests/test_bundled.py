"""The bundled project end to end: registers up to date, markers linked to the right works,
the report committed in reports/ current, and the audit showing what a reviewer must see."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.checks.base import Audit
from tracker.checks.registry import run_checks
from tracker.extract import extract
from tracker.graph import build_graph, claims_supported_by
from tracker.project import Project, load_project
from tracker.register_merge import merge_register
from tracker.render import render
from tracker.report import build_view

from .conftest import REPO

# The page's reference labels and the works they point to (see references.bib).
MARKER_KEYS = {
    "[1]": "shin2021comparative",
    "[2]": "unidentified2023exosomes",
    "[3]": "drobiova2023wharton",
    "[4]": "foo2021comparing",
    "[5]": "polymers2022polymeric",
    "[6]": "thakur2023therapeutic",
    "[7]": "shin2021comparative",
    "[8]": "shin2021comparative",
    "[9]": "polymers2022polymeric",
}


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(REPO)


def test_registers_load_cleanly(project: Project) -> None:
    assert [r.path for r in project.registers] == [
        "claims/secretome-therapy.yaml",
        "claims/secretome-vs-exosomes.yaml",
    ]
    assert all(not r.problems for r in project.registers)
    assert not [p for p in project.bibliography.problems if p.kind != "missing-fields"]


@pytest.mark.parametrize("name", ["secretome-therapy", "secretome-vs-exosomes"])
def test_registers_match_the_documents(project: Project, name: str) -> None:
    register = REPO / "claims" / f"{name}.yaml"
    result = extract(REPO / "content" / f"{name}.txt", project.bibliography.sources, REPO)
    text = register.read_text(encoding="utf-8")
    merged = merge_register(text, result.document, result.claims, "2026-01-01")
    assert merged.text == text, "run `tracker extract content/*.txt --write` and review the change"


def test_the_nine_markers_point_to_the_right_works(project: Project) -> None:
    linked = {
        citation.marker: citation.key
        for register, claim in project.claims()
        if register.path.endswith("secretome-vs-exosomes.yaml")
        for citation in claim.citations
    }
    assert linked == MARKER_KEYS


def test_the_uncited_page_cites_nothing(project: Project) -> None:
    claims = [c for r, c in project.claims() if r.path.endswith("secretome-therapy.yaml")]
    assert len(claims) >= 100 and not any(c.citations for c in claims)


def findings_about(project: Project, findings: list, check: str, words: str) -> list:
    """Return the findings of one check on the claims whose text holds some words."""
    texts = {claim_id: claim.text for claim_id, (_, claim) in project.claim_index.items()}
    return [f for f in findings if f.check == check and words in texts.get(f.claim_id or "", "")]


@pytest.fixture(scope="module")
def findings(project: Project) -> list:
    return run_checks(Audit(project, build_graph(project)))


def test_audit_shows_what_a_reviewer_must_see(project: Project, findings: list) -> None:
    graph = build_graph(project)
    unverifiable = [f for f in findings if f.check == "sources.unverifiable"]
    assert [f.source_key for f in unverifiable] == ["unidentified2023exosomes"]
    assert len(claims_supported_by(graph, "shin2021comparative")) == 3
    (publisher,) = [f for f in findings if f.check == "citations.publisher_as_journal"]
    assert "MDPI" in publisher.message and "Cosmetics" in publisher.message
    (single,) = findings_about(
        project, findings, "claims.single_source", "markedly greater diversity"
    )
    assert "shin2021comparative" in single.message and "in-vitro" in single.message
    assert findings_about(project, findings, "claims.unnamed_evidence", "In animal studies")
    (overgrowth,) = findings_about(
        project, findings, "language.overclaim", "unintended cellular overgrowth"
    )
    assert "uncited" in overgrowth.message and "absolute safety" in overgrowth.message


def test_committed_reports_are_current(project: Project) -> None:
    html = (REPO / "reports" / "evidence.html").read_text(encoding="utf-8")
    stamp = re.search(r"generated (?:<[^>]+>)?(\d{4}-\d{2}-\d{2})", html)
    assert stamp, "the committed report carries its date"
    graph = build_graph(project)
    view = build_view(project, graph, run_checks(Audit(project, graph)), stamp.group(1))
    for fmt, name in (("html", "evidence.html"), ("md", "evidence.md")):
        committed = (REPO / "reports" / name).read_text(encoding="utf-8")
        assert render(f"report.{fmt}.j2", view) == committed, (
            f"run `tracker report` and commit reports/{name}"
        )


def test_reports_do_not_reach_the_network() -> None:
    html = (REPO / "reports" / "evidence.html").read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"https?:", html)


def test_paths_in_registers_exist(project: Project) -> None:
    for register in project.registers:
        assert (REPO / register.document.path).is_file()
        assert Path(register.document.path).stem == Path(register.path).stem
