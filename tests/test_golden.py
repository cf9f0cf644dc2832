"""Golden files: whole outputs of `check` and `report` on the case projects in tests/cases/.

A case folder holds an input project and expected/ outputs. A missing expected file is
written from the current output and the test fails, so that a person reviews it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.checks.base import Audit
from tracker.checks.registry import run_checks, run_checks_with_suppressions
from tracker.graph import build_graph
from tracker.outputs import findings_json, findings_text
from tracker.project import load_project
from tracker.render import render
from tracker.report import build_view

CASES = Path(__file__).parent / "cases"
GENERATED = "2026-01-01"


def outputs(root: Path) -> dict[str, str]:
    project = load_project(root)
    graph = build_graph(project)
    outcome = run_checks_with_suppressions(Audit(project, graph))
    findings = outcome.findings
    view = build_view(project, graph, findings, GENERATED, outcome.suppressed)
    return {
        "check.txt": findings_text(findings),
        "check.json": findings_json(findings, {"claims": len(list(project.claims()))}),
        "evidence.md": render("report.md.j2", view),
        "evidence.html": render("report.html.j2", view),
    }


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str) -> None:
    root = CASES / case
    expected_dir = root / "expected"
    written = []
    for name, actual in outputs(root).items():
        expected = expected_dir / name
        if not expected.exists():
            expected_dir.mkdir(exist_ok=True)
            expected.write_text(actual, encoding="utf-8")
            written.append(name)
            continue
        assert actual == expected.read_text(encoding="utf-8"), (
            f"{case}/{name} differs from the golden file"
        )
    assert not written, (
        f"wrote new golden files for {case}: {written} - review them, then run again"
    )


def test_mixed_case_finds_every_planted_problem() -> None:
    payload = json.loads(outputs(CASES / "mixed")["check.json"])
    checks = {f["check"] for f in payload["findings"]}
    assert checks >= {
        "claims.uncited",
        "claims.vanished",
        "citations.unknown_key",
        "sources.unverifiable",
        "sources.unused",
        "bibliography.duplicate_key",
        "bibliography.unparsable",
        "register.malformed",
    }


def test_uncited_findings_stay_off_claim_cards() -> None:
    root = CASES / "mixed"
    project = load_project(root)
    graph = build_graph(project)
    findings = run_checks(Audit(project, graph))
    view = build_view(project, graph, findings, GENERATED)
    cards = [f["check"] for d in view["documents"] for c in d["claims"] for f in c["findings"]]
    assert "claims.uncited" not in cards and "citations.unknown_key" in cards
    assert "claims.uncited" in {f["check"] for f in view["findings"]}
