"""The review app in a real browser (Debian's Chromium through Playwright, as the report's
browser tests run): record a verdict, anchor a quote by selecting text, dismiss a finding
with a reason, approve a document and see the approval lapse after an edit, the same with
JavaScript off, and two reviewers saving one claim."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.app_server import running_app
from bench.report_browser import CHROMIUM, launch
from tracker.project import load_project

from .app_pages import write_review_project

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed - pip install playwright"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing - apt-get install -y chromium"
)

SELECT_PARAGRAPH = """(text) => {
  const p = [...document.querySelectorAll('.pane p')].find(p => p.textContent.includes(text));
  const node = p.firstChild;
  const start = node.textContent.indexOf(text);
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, start + text.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  p.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    write_review_project(tmp_path)
    with running_app(tmp_path) as address:
        yield tmp_path, address


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def record_verdict(page: Any, address: str, claim: str, verdict: str, who: str) -> None:
    page.goto(f"{address}/claim/{claim}")
    page.get_by_label("Verdict").select_option(verdict)
    page.get_by_role("region", name="Decision").get_by_label("Reviewer").fill(who)
    page.get_by_role("button", name="Save verdict").click()
    page.wait_for_url("**saved=verdict")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verdict_is_recorded(served: tuple[Path, str], browser: Any, javascript: bool) -> None:
    root, address = served
    page = browser.new_context(java_script_enabled=javascript).new_page()
    record_verdict(page, address, "p-000001", "partial", "Dr A")
    assert "Verdict saved." in page.content()
    claim = load_project(root).claim_index["p-000001"][1]
    assert claim.review is not None and (claim.review.verdict, claim.review.by) == (
        "partial",
        "Dr A",
    )


def test_selecting_text_in_the_source_anchors_the_quote(
    served: tuple[Path, str], browser: Any
) -> None:
    root, address = served
    page = browser.new_page()
    page.goto(f"{address}/claim/p-000001")
    page.evaluate(SELECT_PARAGRAPH, "adults who took vitamin D had fewer colds")
    assert page.get_by_label("Quote").input_value() == "adults who took vitamin D had fewer colds"
    assert page.get_by_label("Locator").input_value() == "paragraph 2"
    page.locator(".quote-form").get_by_label("Reviewer").fill("Dr A")
    page.get_by_role("button", name="Save quote").click()
    page.wait_for_url("**saved=quote")
    citation = load_project(root).claim_index["p-000001"][1].citations[0]
    assert (citation.quote, citation.locator) == (
        "adults who took vitamin D had fewer colds",
        "paragraph 2",
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_finding_is_dismissed_with_a_reason(
    served: tuple[Path, str], browser: Any, javascript: bool
) -> None:
    root, address = served
    page = browser.new_context(java_script_enabled=javascript).new_page()
    page.goto(f"{address}/claim/p-000002")
    form = page.locator("form", has=page.locator('input[value="claims.single_source"]'))
    form.get_by_label("Reason").fill("one trial is enough for this wording")
    form.get_by_label("Reviewer").fill("Dr A")
    form.get_by_role("button", name="Dismiss finding").click()
    page.wait_for_url("**saved=dismissal")
    (suppression,) = [s for r in load_project(root).registers for s in r.suppressions]
    assert suppression.reason == "one trial is enough for this wording"


def test_an_approval_lapses_after_an_edit(served: tuple[Path, str], browser: Any) -> None:
    root, address = served
    page = browser.new_page()
    for claim in ("p-000001", "p-000002"):
        record_verdict(page, address, claim, "supported", "Dr A")
    page.goto(f"{address}/document/claims/page.yaml")
    page.get_by_label("Reviewer").fill("Dr Lead")
    page.get_by_role("button", name="Approve document").click()
    page.wait_for_url("**saved=approval")
    assert "Approved by Dr Lead" in page.content()
    document = root / "content/page.txt"
    document.write_text(document.read_text().replace("two days", "three days"), encoding="utf-8")
    page.reload()
    assert "Changed since approval by Dr Lead" in page.content()


def test_two_reviewers_saving_one_claim(served: tuple[Path, str], browser: Any) -> None:
    root, address = served
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (first, second):
        page.goto(f"{address}/claim/p-000001")
    first.get_by_label("Verdict").select_option("supported")
    first.get_by_role("region", name="Decision").get_by_label("Reviewer").fill("Dr A")
    first.get_by_role("button", name="Save verdict").click()
    first.wait_for_url("**saved=verdict")
    second.get_by_label("Verdict").select_option("contradicted")
    second.get_by_role("region", name="Decision").get_by_label("Reviewer").fill("Dr B")
    second.get_by_label("Note").fill("Table 3 says otherwise")
    second.get_by_role("button", name="Save verdict").click()
    second.wait_for_load_state()
    content = second.content()
    assert "Someone saved a decision" in content and "Table 3 says otherwise" in content
    assert load_project(root).claim_index["p-000001"][1].review.verdict == "supported"
    second.get_by_role("button", name="Save verdict").click()  # saved again, knowingly
    second.wait_for_url("**saved=verdict")
    assert load_project(root).claim_index["p-000001"][1].review.verdict == "contradicted"
