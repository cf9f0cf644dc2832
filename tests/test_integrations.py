"""CI outputs: SARIF, GitHub workflow commands, JUnit XML, baselines, and the pre-commit hooks."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import tracker
from tracker.baseline import (
    BaselineError,
    fingerprint,
    load_baseline,
    new_findings,
    write_baseline,
)
from tracker.checks.registry import CHECKS, DOCUMENT_CHECKS
from tracker.config import ProjectError
from tracker.integrations import (
    escape_github_data,
    escape_github_property,
    findings_github,
    findings_junit,
    findings_sarif,
)
from tracker.model import Finding, Severity

REPO = Path(__file__).resolve().parents[1]
ALL_CHECKS = CHECKS + DOCUMENT_CHECKS

UNCITED = Finding(
    "claims.uncited",
    Severity.ERROR,
    "content/page.txt",
    12,
    1,
    'uncited claim (efficacy): "Vitamin D cures colds" - cite a source for it',
    claim_id="p-000001",
)
DUPLICATE = Finding(
    "sources.duplicate_work",
    Severity.WARNING,
    "references.bib",
    40,
    1,
    'source "b2020" is the same work as "a2020" (line 3): same DOI - keep one',
    source_key="b2020",
)
NOTE = Finding(
    "sources.missing_ids", Severity.INFO, "references.bib", 3, 1, 'source "a2020" has no DOI'
)
ODD = Finding(
    "document.uncited",
    Severity.ERROR,
    "drafts/a b,c:d%.md",
    0,
    0,
    "50% of users\r\nsay: it works, \x01 <b>&</b> ]]>",
)
FINDINGS = [UNCITED, DUPLICATE, NOTE, ODD]


def validate(log: dict[str, object], schema: dict[str, object]) -> None:
    from jsonschema import Draft4Validator

    errors = sorted(Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_is_valid_against_the_schema(sarif_schema: dict[str, object]) -> None:
    log = json.loads(findings_sarif(FINDINGS, ALL_CHECKS, REPO))
    validate(log, sarif_schema)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_sarif_of_the_bundled_project_is_valid(sarif_schema: dict[str, object]) -> None:
    from tracker.checks.base import Audit
    from tracker.checks.registry import run_checks
    from tracker.graph import build_graph
    from tracker.project import open_project

    project = open_project(REPO)
    findings = run_checks(Audit(project, build_graph(project), None))
    log = json.loads(findings_sarif(findings, ALL_CHECKS, REPO))
    validate(log, sarif_schema)
    assert len(log["runs"][0]["results"]) == len(findings)


def test_sarif_has_a_rule_for_every_check() -> None:
    driver = json.loads(findings_sarif([], ALL_CHECKS))["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tracker"
    assert driver["version"] == tracker.__version__
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == [m.ID for m in ALL_CHECKS]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for module in ALL_CHECKS:
        rule = rules[module.ID]
        assert rule["name"]
        assert rule["shortDescription"]["text"] == module.SUMMARY
        paragraph = " ".join(module.__doc__.strip().split("\n\n")[0].split())
        assert rule["fullDescription"]["text"] == paragraph
        assert rule["defaultConfiguration"]["level"] == levels[Severity(module.SEVERITY).value]


def test_sarif_results_point_at_the_rule_and_place() -> None:
    log = json.loads(findings_sarif(FINDINGS, ALL_CHECKS, REPO))
    run = log["runs"][0]
    results = run["results"]
    for finding, result in zip(FINDINGS, results, strict=True):
        assert result["ruleId"] == finding.check
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding.check
        assert result["message"]["text"] == finding.message
        place = result["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert place["region"]["startLine"] >= 1 and place["region"]["startColumn"] >= 1
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris[:3] == ["content/page.txt", "references.bib", "references.bib"]
    assert uris[3] == "drafts/a%20b%2Cc%3Ad%25.md"
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12,
        "startColumn": 1,
    }


def test_sarif_makes_absolute_paths_under_the_root_relative(tmp_path: Path) -> None:
    inside = replace(UNCITED, path=str(tmp_path / "content" / "page.txt"))
    outside = replace(UNCITED, path=str(tmp_path.parent / "elsewhere.txt"))
    results = json.loads(findings_sarif([inside, outside], ALL_CHECKS, tmp_path))["runs"][0][
        "results"
    ]
    first, second = (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results)
    assert first == {"uri": "content/page.txt", "uriBaseId": "%SRCROOT%"}
    assert second["uri"].startswith("file://") and "uriBaseId" not in second


def sarif_fingerprint(finding: Finding) -> str:
    result = json.loads(findings_sarif([finding], ALL_CHECKS))["runs"][0]["results"][0]
    return result["partialFingerprints"]["trackerFinding/v1"]


@pytest.mark.parametrize("finding", [UNCITED, DUPLICATE])
def test_fingerprints_do_not_change_when_the_text_moves(finding: Finding) -> None:
    moved = replace(
        finding,
        line=finding.line + 30,
        col=finding.col + 4,
        message=finding.message.replace("(line 3)", "(line 33)"),
    )
    assert sarif_fingerprint(moved) == sarif_fingerprint(finding) == fingerprint(finding)


@pytest.mark.parametrize(
    "change",
    [
        {"check": "claims.vanished"},
        {"path": "content/other.txt"},
        {"claim_id": "p-000002"},
        {"source_key": "x2020"},
        {"message": "uncited claim: something else"},
    ],
)
def test_fingerprints_change_with_what_the_finding_is(change: dict[str, str]) -> None:
    assert fingerprint(replace(UNCITED, **change)) != fingerprint(UNCITED)


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50%", "50%25", "50%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a: b, c", "a: b, c", "a%3A b%2C c"),
        ("%0A", "%250A", "%250A"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert escape_github_data(text) == data
    assert escape_github_property(text) == prop


def test_github_commands_one_per_finding() -> None:
    lines = findings_github(FINDINGS).splitlines()
    assert lines == [
        "::error file=content/page.txt,line=12,col=1,title=claims.uncited::" + UNCITED.message,
        "::warning file=references.bib,line=40,col=1,title=sources.duplicate_work::"
        + DUPLICATE.message,
        "::notice file=references.bib,line=3,col=1,title=sources.missing_ids::" + NOTE.message,
        "::error file=drafts/a b%2Cc%3Ad%25.md,line=1,col=1,title=document.uncited::"
        "50%25 of users%0D%0Asay: it works, \\x01 <b>&</b> ]]>",
    ]


def test_junit_has_a_testcase_per_check() -> None:
    suite = ET.fromstring(findings_junit(FINDINGS, ALL_CHECKS).encode("utf-8"))
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert suite.tag == "testsuite" and suite.get("name") == "tracker"
    assert list(cases) == [m.ID for m in ALL_CHECKS]
    assert suite.get("tests") == str(len(ALL_CHECKS))
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {"claims.uncited", "sources.duplicate_work", "document.uncited"}
    assert suite.get("failures") == "3"
    assert cases["claims.uncited"].get("classname") == "claims"
    assert cases["sources.missing_ids"].find("failure") is None
    assert NOTE.message in cases["sources.missing_ids"].findtext("system-out", "")
    failure = cases["document.uncited"].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "<b>&</b> ]]>" in (failure.text or "")


def test_junit_adds_checks_it_was_not_told_about() -> None:
    stray = replace(UNCITED, check="custom.rule")
    suite = ET.fromstring(findings_junit([stray], CHECKS[:2]))
    assert [c.get("name") for c in suite.iter("testcase")] == [m.ID for m in CHECKS[:2]] + [
        "custom.rule"
    ]
    assert suite.get("failures") == "1"


def test_baseline_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, FINDINGS)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["version"] == 1
    entries = payload["findings"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["check"], e["fingerprint"]))
    assert {e["check"] for e in entries} == {f.check for f in FINDINGS}
    assert new_findings(FINDINGS, load_baseline(path)) == []
    write_baseline(path, FINDINGS)
    assert json.loads(path.read_text(encoding="utf-8")) == payload


def test_baseline_lets_only_new_findings_through(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [UNCITED, DUPLICATE])
    baseline = load_baseline(path)
    moved = replace(UNCITED, line=99, col=3)
    fresh = replace(UNCITED, claim_id="p-000009", message="uncited claim: a new one")
    assert new_findings([moved, fresh, DUPLICATE, NOTE], baseline) == [fresh, NOTE]
    # One recorded finding excuses one finding, not every copy of it.
    assert new_findings([UNCITED, moved], baseline) == [moved]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read"),
        ("{not json", "is not JSON"),
        ('{"version": 7, "findings": []}', "version 7"),
        ('{"version": 1, "findings": [{"check": "x"}]}', '"fingerprint"'),
        ("[]", "version None"),
    ],
)
def test_unusable_baseline_is_an_error_naming_the_file(
    tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=re.escape(words)) as raised:
        load_baseline(path)
    assert str(path) in str(raised.value)
    assert isinstance(raised.value, ProjectError)


def test_pre_commit_hooks() -> None:
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"tracker-check", "tracker-audit"}
    for hook in hooks:
        assert hook["entry"] == "tracker check" and hook["language"] == "python"
    pages = re.compile(by_id["tracker-check"]["files"])
    assert by_id["tracker-check"]["pass_filenames"] is True
    assert all(pages.search(p) for p in ["a.md", "b/c.markdown", "d.txt", "e.htm", "f.docx"])
    assert not any(pages.search(p) for p in ["claims/a.yaml", "references.bib", "a.mdx"])
    project = re.compile(by_id["tracker-audit"]["files"])
    assert by_id["tracker-audit"]["pass_filenames"] is False
    assert all(
        project.search(p) for p in ["claims/page.yaml", "references.bib", "x/references.bib"]
    )
    assert not any(project.search(p) for p in ["content/page.txt", "references.bib.bak"])


def test_the_documented_workflow_is_the_example_file() -> None:
    docs = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    example = (REPO / "examples" / "github-workflow.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```" in docs
    workflow = YAML(typ="safe").load(example)
    steps = workflow["jobs"]["check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "tracker check --format sarif --output tracker.sarif" in runs
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    assert upload["with"]["sarif_file"] == "tracker.sarif"
    assert workflow["jobs"]["check"]["permissions"]["security-events"] == "write"
