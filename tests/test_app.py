"""The review app through its HTTP interface (Starlette's test client): pages, verdicts,
quotes, dismissals, approval and its lapse, history, CSRF, conflicts, escaping, and what is
never served."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tracker.app.server import create_app
from tracker.app.source_pane import source_pane
from tracker.checks.base import Audit
from tracker.checks.registry import run_checks
from tracker.cli import cli
from tracker.commands.serve import is_loopback
from tracker.graph import build_graph
from tracker.project import load_project
from tracker.register_read import parse_register

from .app_pages import form_fields, minimal_pdf, write_review_project

CLAIM = "/claim/p-000001"


def review_findings(root: Path) -> list:
    """Return the audit's findings about approvals, as `tracker check` reports them."""
    project = load_project(root)
    findings = run_checks(Audit(project, build_graph(project)))
    return [f for f in findings if f.check.startswith("review.")]


@pytest.fixture
def app(tmp_path: Path) -> TestClient:
    write_review_project(tmp_path)
    return TestClient(create_app(tmp_path))


def save(client: TestClient, page: str, action: str, **fields: str):
    html = client.get(page).text
    hidden = form_fields(html, action)
    return client.post(action, data={**hidden, **fields}, follow_redirects=False)


def test_pages_show_documents_claims_and_sources(app: TestClient) -> None:
    overview = app.get("/")
    assert overview.status_code == 200 and "Vitamin D" in overview.text
    assert "/document/claims/page.yaml" in overview.text
    document = app.get("/document/claims/page.yaml").text
    assert document.index("Vitamin D reduces colds") < document.index("Zinc lozenges")
    claim = app.get(CLAIM).text
    for label in ("Verdict", "Reviewer", "Note", "Save verdict", "Save quote"):
        assert label in claim
    assert "fewer colds than those given placebo" in claim
    assert 'data-locator="paragraph 2"' in claim
    assert "Zinc lozenges shorten colds" in claim  # the claim after it, as context


def test_a_verdict_is_recorded_with_history(tmp_path: Path, app: TestClient) -> None:
    response = save(app, CLAIM, f"{CLAIM}/verdict", verdict="supported", reviewer="Dr A", note="ok")
    assert response.status_code == 303 and response.headers["location"].endswith("saved=verdict")
    text = (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")
    assert "verdict: supported" in text and "by: Dr A" in text and "# kept by hand" in text
    assert "action: verdict, before: null, after: supported" in text
    assert "ticket: MED-7   # a field the tracker does not know" in text
    page = app.get(response.headers["location"]).text
    assert "Verdict saved." in page and "Current verdict: <strong>supported</strong>" in page
    assert "<td>verdict</td>" in page  # the history table


@pytest.mark.parametrize("reviewer", ["", "   "])
def test_a_verdict_without_a_reviewer_is_refused(
    tmp_path: Path, app: TestClient, reviewer: str
) -> None:
    before = (tmp_path / "claims/page.yaml").read_bytes()
    response = save(app, CLAIM, f"{CLAIM}/verdict", verdict="supported", reviewer=reviewer)
    assert response.status_code == 400 and "fill in Reviewer" in response.text
    assert (tmp_path / "claims/page.yaml").read_bytes() == before


def test_a_quote_is_anchored_with_its_locator(tmp_path: Path, app: TestClient) -> None:
    response = save(
        app,
        CLAIM,
        f"{CLAIM}/quote",
        quote="adults who took vitamin D had fewer colds",
        locator="paragraph 2",
        reviewer="Dr A",
    )
    assert response.status_code == 303
    claim = load_project(tmp_path).claim_index["p-000001"][1]
    assert claim.citations[0].quote == "adults who took vitamin D had fewer colds"
    assert claim.citations[0].locator == "paragraph 2" and claim.review is None
    assert "action: quote" in (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")


def test_a_finding_is_dismissed_only_with_a_reason(tmp_path: Path, app: TestClient) -> None:
    findings = app.get("/claim/p-000002").text
    assert "claims.single_source" in findings
    hidden = form_fields(findings, "/claim/p-000002/dismissal")
    fields = {**hidden, "check": "claims.single_source", "reviewer": "Dr A"}
    refused = app.post("/claim/p-000002/dismissal", data={**fields, "reason": " "})
    assert refused.status_code == 400 and "only with a reason" in refused.text
    done = app.post(
        "/claim/p-000002/dismissal",
        data={**fields, "reason": "one trial is enough here"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    project = load_project(tmp_path)
    (suppression,) = [s for r in project.registers for s in r.suppressions]
    assert (suppression.check, suppression.reason) == (
        "claims.single_source",
        "one trial is enough here",
    )
    assert "claims.single_source" not in app.get("/claim/p-000002").text.split("History")[0]


def test_forms_without_the_token_or_from_elsewhere_are_refused(app: TestClient) -> None:
    app.get(CLAIM)
    hidden = form_fields(app.get(CLAIM).text, f"{CLAIM}/verdict")
    data = {**hidden, "verdict": "supported", "reviewer": "Dr A"}
    assert app.post(f"{CLAIM}/verdict", data={**data, "csrf": "forged"}).status_code == 403
    elsewhere = app.post(f"{CLAIM}/verdict", data=data, headers={"origin": "http://evil.example"})
    assert elsewhere.status_code == 403
    fresh = TestClient(app.app)  # no cookie: a page of another site posting here
    assert fresh.post(f"{CLAIM}/verdict", data=data).status_code == 403


def test_a_second_reviewer_is_told_of_the_conflict_and_loses_nothing(
    tmp_path: Path, app: TestClient
) -> None:
    page = app.get(CLAIM).text
    hidden = form_fields(page, f"{CLAIM}/verdict")
    first = app.post(
        f"{CLAIM}/verdict",
        data={**hidden, "verdict": "supported", "reviewer": "Dr A"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = app.post(
        f"{CLAIM}/verdict",
        data={**hidden, "verdict": "contradicted", "reviewer": "Dr B", "note": "see table 3"},
    )
    assert second.status_code == 409 and "Someone saved a decision" in second.text
    assert "see table 3" in second.text and 'value="Dr B"' in second.text
    assert "Current verdict: <strong>supported</strong> by Dr A" in second.text
    claim = load_project(tmp_path).claim_index["p-000001"][1]
    assert claim.review is not None and claim.review.verdict == "supported"


def test_approval_needs_every_verdict_and_lapses_after_an_edit(
    tmp_path: Path, app: TestClient
) -> None:
    document = "/document/claims/page.yaml"
    assert "Approve document" not in app.get(document).text
    assert "2 claim(s) have no verdict" in app.get(document).text
    for claim in ("p-000001", "p-000002"):
        response = save(
            app, f"/claim/{claim}", f"/claim/{claim}/verdict", verdict="supported", reviewer="Dr A"
        )
        assert response.status_code == 303
    page = app.get(document).text
    assert "Approve document" in page
    approved = app.post(
        "/approve/claims/page.yaml",
        data={**form_fields(page, "/approve/claims/page.yaml"), "reviewer": "Dr Lead"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    register = parse_register(
        (tmp_path / "claims/page.yaml").read_text(encoding="utf-8"), "claims/page.yaml"
    )
    assert register.problems == []
    assert "Approved by Dr Lead" in app.get(document).text
    assert review_findings(tmp_path) == []
    # An edit to the page and to one claim's words: the approval lapses and names the claim.
    text = (tmp_path / "claims/page.yaml").read_text(encoding="utf-8")
    edited = text.replace("shorten colds by two days", "shorten colds by three days")
    (tmp_path / "claims/page.yaml").write_text(edited, encoding="utf-8")
    page_file = tmp_path / "content/page.txt"
    page_file.write_text(page_file.read_text().replace("two days", "three days"), encoding="utf-8")
    lapsed = app.get(document).text
    assert "Changed since approval by Dr Lead" in lapsed and "p-000002" in lapsed
    (finding,) = review_findings(tmp_path)
    assert "changed since approval by Dr Lead" in finding.message and "p-000002" in finding.message
    report = CliRunner().invoke(cli, ["-C", str(tmp_path), "report", "--no-cache"])
    assert report.exit_code == 0, report.output
    markdown = (tmp_path / "reports/evidence.md").read_text(encoding="utf-8")
    assert "Changed since approval by Dr Lead" in markdown and "p-000002" in markdown


def test_user_text_is_escaped(tmp_path: Path) -> None:
    write_review_project(tmp_path)
    path = tmp_path / "claims/page.yaml"
    path.write_text(
        path.read_text().replace("Vitamin D reduces colds", "<script>alert(1)</script> reduces"),
        encoding="utf-8",
    )
    html = TestClient(create_app(tmp_path)).get("/document/claims/page.yaml").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "url",
    ["/document/../../etc/passwd", "/claim/..%2F..%2Fetc%2Fpasswd", "/sources/smith2020trial.txt"],
)
def test_nothing_outside_the_project_is_served(app: TestClient, url: str) -> None:
    response = app.get(url)
    assert response.status_code == 404 and "root:" not in response.text


def test_pages_forbid_foreign_scripts_and_framing(app: TestClient) -> None:
    policy = app.get(CLAIM).headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'nonce-" in policy


def test_pdf_sources_are_read_page_by_page(tmp_path: Path) -> None:
    write_review_project(tmp_path)
    (tmp_path / "sources/smith2020trial.txt").unlink()
    (tmp_path / "sources/smith2020trial.pdf").write_bytes(
        minimal_pdf(["Colds in winter", "Fewer colds with vitamin D"])
    )
    pane = source_pane(load_project(tmp_path), "smith2020trial")
    assert pane.kind == "pdf" and [p.locator for p in pane.parts] == ["p. 1", "p. 2"]
    assert pane.parts[1].paragraphs == ("Fewer colds with vitamin D",)
    (tmp_path / "sources/smith2020trial.pdf").write_bytes(b"%PDF-1.4 not really")
    broken = source_pane(load_project(tmp_path), "smith2020trial")
    assert broken.kind == "pdf" and broken.problem and not broken.parts


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
    ],
)
def test_only_loopback_hosts_are_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_warns_when_reachable_from_the_network(tmp_path: Path, monkeypatch) -> None:
    write_review_project(tmp_path)
    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.update(kwargs))
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "Warning: listening on 0.0.0.0" in result.output and started["host"] == "0.0.0.0"
    quiet = CliRunner().invoke(cli, ["-C", str(tmp_path), "serve"])
    assert "Warning" not in quiet.output and started["host"] == "127.0.0.1"
