"""The HTML report in a real browser: filters, search, sorting, the citation map, escaping,
no network, JavaScript off, print, and 5,000 claims.

Runs Debian's /usr/bin/chromium through Playwright (never `playwright install`). Each test
opens a report rendered from a project written to tmp_path, through file://.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.report_browser import CHROMIUM, launch, report_view, write_big_project, write_report
from tests.conftest import write_project

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed - pip install playwright"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing - apt-get install -y chromium"
)

View = dict[str, Any]
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_TEXT = f"Zinc {XSS_SCRIPT} heals {XSS_IMG} every wound."
FILTER_MS = 2000

BIB = """\
@article{smith2020trial,
  title   = {A Randomised Trial of Vitamin D in Winter},
  author  = {Smith, Anna and Jones, Bo},
  journal = {Journal of Testing},
  year    = {2020},
  doi     = {10.1000/test.1}
}

@article{lee2019mice,
  title   = {Zinc and Wound Closure in Mice},
  author  = {Lee, Kim},
  journal = {Journal of Animal Tests},
  year    = {2019},
  doi     = {10.1000/test.2}
}

@misc{ghost2021leaflet,
  title        = {Vitamin D Safety Leaflet},
  year         = {2021},
  verification = {unverifiable}
}
"""

# (id, text, kinds, citations as YAML flow maps, review) per document
PAGES: dict[str, tuple[str, list[tuple[str, str, str, list[str], str | None]]]] = {
    "vitamin": (
        "Vitamin D",
        [
            (
                "v-000001",
                "Vitamin D reduces colds in winter. [1]",
                "efficacy",
                ["smith2020trial"],
                "supported",
            ),
            ("v-000002", "Vitamin D cures every infection.", "efficacy", [], None),
            (
                "v-000003",
                "Vitamin D is safe at 4000 IU a day. [2]",
                "safety, quantitative",
                ["ghost2021leaflet"],
                None,
            ),
            (
                "v-000004",
                "Zinc lozenges shorten colds by half. [3]",
                "efficacy, quantitative",
                ["missing2020zinc"],
                "unsupported",
            ),
        ],
    ),
    "zinc": (
        "Zinc & <b>wounds</b>",
        [
            (
                "z-000001",
                "Zinc speeds wound closure in mice. [1]",
                "mechanism",
                ["lee2019mice"],
                "contradicted",
            ),
            ("z-000002", XSS_TEXT, "efficacy", [], None),
            (
                "z-000003",
                "Zinc and vitamin D together protect skin. [1][2]",
                "comparative",
                ["lee2019mice", "smith2020trial"],
                "partial",
            ),
        ],
    ),
}


def page_files(name: str) -> dict[str, str]:
    """Return the content file and register of one document of PAGES, claims on odd lines."""
    title, claims = PAGES[name]
    lines, entries, start = [], [], 0
    for number, (cid, text, kinds, keys, verdict) in enumerate(claims):
        cited = "".join(f"\n      - {{key: {k}, marker: '[{i + 1}]'}}" for i, k in enumerate(keys))
        review = f"\n    review: {{verdict: {verdict}, by: Tester}}" if verdict else ""
        entries.append(
            f"  - id: {cid}\n    text: {json.dumps(text)}\n"
            f"    location: {{line: {2 * number + 1}, start: {start}, end: {start + len(text)}}}\n"
            f"    kinds: [{kinds}]\n    citations:{cited or ' []'}{review}\n"
        )
        lines += [text, ""]
        start += len(text) + 2
    register = f"document:\n  title: {json.dumps(title)}\n  path: content/{name}.txt\nclaims:\n"
    return {
        f"content/{name}.txt": "\n".join(lines),
        f"claims/{name}.yaml": register + "".join(entries),
    }


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[View, Path]:
    """Return the view model and rendered report of a small project with every status."""
    root = tmp_path_factory.mktemp("small")
    files: dict[str, str | bytes | None] = {"references.bib": BIB, "content/page.txt": None}
    files |= {"claims/page.yaml": None} | page_files("vitamin") | page_files("zinc")
    view = report_view(write_project(root, files))
    return view, write_report(view, root)


class Page:
    """A browser page on a report, recording console messages, errors and requests."""

    def __init__(self, browser: Any, report: Path, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.url = report.as_uri()
        self.page.goto(self.url, wait_until="load")

    def run(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def choose(self, name: str, value: str) -> None:
        self.page.select_option(f'#filters select[name="{name}"]', value)

    def shown(self) -> list[str]:
        """Return the ids of the claims on screen (displayed, their document too), in order."""
        return self.run(
            "() => [...document.querySelectorAll('li.claim')]"
            ".filter(el => el.getClientRects().length > 0).map(el => el.dataset.id)"
        )

    def count(self) -> str:
        return self.page.inner_text("#filters output.count")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Any) -> Iterator[Callable[..., Page]]:
    pages: list[Page] = []

    def open_page(report: Path, javascript: bool = True) -> Page:
        pages.append(Page(browser, report, javascript))
        return pages[-1]

    yield open_page
    for page in pages:
        assert not page.errors, page.errors
        page.close()


def claims_of(view: View) -> list[View]:
    return [c for d in view["documents"] for c in d["claims"]]


def ids(view: View, keep: Callable[[View], bool]) -> list[str]:
    return [c["id"] for c in claims_of(view) if keep(c)]


# The claims each filter keeps, as the view model says: select name -> predicate(claim, value).
SELECTS: dict[str, Callable[[View, str], bool]] = {
    "status": lambda c, v: c["status"] == v,
    "kind": lambda c, v: v in c["kinds"],
    "severity": lambda c, v: v in (c["severities"] or ["none"]),
    "evidence": lambda c, v: c["evidence_level"] == v,
    "verdict": lambda c, v: c["verdict"] == v,
    "source": lambda c, v: v in c["source_keys"],
    "risk": lambda c, v: c["risk"] == v,
    "check": lambda c, v: v in (c["checks"] or ["none"]),
}
FILTER_CHOICES = {
    "status": "statuses",
    "kind": "kinds",
    "severity": "severities",
    "evidence": "evidence",
    "verdict": "verdicts",
    "source": "sources",
    "risk": "risks",
    "check": "checks",
}


# --- Loading -------------------------------------------------------------------------------


def test_report_loads_offline_without_errors(small: tuple[View, Path], opened: Any) -> None:
    view, report = small
    page = opened(report)
    total = view["summary"]["claims"]
    assert page.requests == [page.url]
    assert page.failed == []
    assert [m for m in page.console if m.startswith(("error", "warning"))] == []
    assert page.run("() => document.getElementById('filters').hidden") is False
    assert page.count() == f"Showing {total} of {total} claims"
    assert len(page.shown()) == total == 7


def test_without_javascript_every_claim_shows_and_no_control(
    small: tuple[View, Path], opened: Any
) -> None:
    view, report = small
    page = opened(report, javascript=False)
    assert page.shown() == ids(view, lambda c: True)
    assert page.run("() => document.getElementById('filters').getClientRects().length") == 0
    assert page.run("() => document.querySelector('svg.graph').getClientRects().length") == 1


# --- Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SELECTS)
def test_each_filter_shows_the_claims_the_view_model_selects(
    small: tuple[View, Path], opened: Any, name: str
) -> None:
    view, report = small
    page = opened(report)
    choices = view["filters"][FILTER_CHOICES[name]]
    assert len(choices) >= 2, f"the small project should offer two {name} choices at least"
    for choice in choices:
        page.choose(name, choice["value"])
        expected = ids(view, lambda c, v=choice["value"]: SELECTS[name](c, v))
        assert page.shown() == expected, (name, choice["value"])
        assert len(expected) == choice["count"]
        assert page.count() == f"Showing {len(expected)} of 7 claims"


def test_status_uncited_shows_exactly_the_uncited_claims(
    small: tuple[View, Path], opened: Any
) -> None:
    view, report = small
    page = opened(report)
    page.choose("status", "uncited")
    assert page.shown() == ids(view, lambda c: c["status"] == "uncited") == ["v-000002", "z-000002"]


def test_risk_and_check_filters_narrow_the_claims_and_the_count(
    small: tuple[View, Path], opened: Any
) -> None:
    view, report = small
    page = opened(report)
    page.choose("risk", "high")
    high = ids(view, lambda c: c["risk"] == "high")
    assert 0 < len(high) < 7 and page.shown() == high
    assert page.count() == f"Showing {len(high)} of 7 claims"
    page.choose("risk", "")
    page.choose("check", "claims.uncited")
    assert page.shown() == ["v-000002", "z-000002"]
    assert page.count() == "Showing 2 of 7 claims"
    page.choose("risk", "high")
    both = [i for i in high if i in ("v-000002", "z-000002")]
    assert page.shown() == both and page.count() == f"Showing {len(both)} of 7 claims"


def test_a_refuted_claim_shows_its_own_badge(small: tuple[View, Path], opened: Any) -> None:
    view, report = small
    page = opened(report)
    assert ids(view, lambda c: c["status"] == "refuted") == ["z-000001"]
    page.choose("status", "refuted")
    assert page.shown() == ["z-000001"]
    badge = page.page.locator("#claim-z-000001 .status .badge")
    assert "st-refuted" in (badge.get_attribute("class") or "")
    text = badge.text_content() or ""  # not inner_text: off-screen cards are not rendered
    assert "does not support" in text and "Cited" not in text


def test_document_filter_hides_the_other_documents(small: tuple[View, Path], opened: Any) -> None:
    view, report = small
    page = opened(report)
    zinc = view["documents"][1]
    page.choose("doc", zinc["anchor"])
    assert page.shown() == [c["id"] for c in zinc["claims"]]
    hidden = view["documents"][0]["anchor"]
    assert page.run(f"() => document.getElementById('{hidden}').getClientRects().length") == 0


def test_filters_combine_and_reset_restores(small: tuple[View, Path], opened: Any) -> None:
    view, report = small
    page = opened(report)
    page.choose("kind", "efficacy")
    page.choose("status", "cited")
    assert page.shown() == ["v-000001"]
    page.choose("sort", "evidence")
    page.page.fill('#filters input[name="q"]', "winter")
    page.page.click('#filters button[type="reset"]')
    assert page.shown() == ids(view, lambda c: True)
    assert page.count() == "Showing 7 of 7 claims"
    values = page.run(
        "() => [...document.querySelectorAll('#filters select, #filters input')].map(e => e.value)"
    )
    assert values == [""] * 10 + ["reading"]


# --- Search and sorting --------------------------------------------------------------------


def search(page: Page, text: str) -> list[str]:
    before = page.count()
    page.page.fill('#filters input[name="q"]', text)
    page.page.wait_for_function(
        "before => document.querySelector('#filters output.count').textContent !== before",
        arg=before,
    )
    return page.shown()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ZINC", ["v-000004", "z-000001", "z-000002", "z-000003"]),
        ("zinc closure", ["z-000001"]),
        ("v-000003", ["v-000003"]),
        ("lee2019", ["z-000001", "z-000003"]),
        ("<script>", ["z-000002"]),
    ],
)
def test_search_narrows_over_text_id_and_source_keys(
    small: tuple[View, Path], opened: Any, text: str, expected: list[str]
) -> None:
    _, report = small
    page = opened(report)
    assert search(page, text) == expected
    assert page.count() == f"Showing {len(expected)} of 7 claims"


def test_search_waits_for_typing_to_pause(small: tuple[View, Path], opened: Any) -> None:
    _, report = small
    page = opened(report)
    page.page.type('#filters input[name="q"]', "closure", delay=20)
    assert page.count() == "Showing 7 of 7 claims"  # still debounced
    page.page.wait_for_function(
        "() => document.querySelector('#filters output.count').textContent.startsWith('Showing 1 ')"
    )
    assert page.shown() == ["z-000001"]


STATUS_ORDER = ["refuted", "uncited", "unresolved", "unverifiable", "tentative", "cited"]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("status", lambda c: STATUS_ORDER.index(c["status"])),
        ("evidence", lambda c: -c["evidence_rank"]),
        ("line", lambda c: c["line"]),
    ],
)
def test_sorting_reorders_each_documents_claims(
    small: tuple[View, Path], opened: Any, sort: str, key: Callable[[View], Any]
) -> None:
    view, report = small
    page = opened(report)
    page.choose("sort", sort)
    expected = [c["id"] for d in view["documents"] for c in sorted(d["claims"], key=key)]
    assert page.shown() == expected
    if sort != "line":
        assert expected != ids(view, lambda c: True)
    page.choose("sort", "reading")
    assert page.shown() == ids(view, lambda c: True)


# --- Citation map --------------------------------------------------------------------------


def test_map_draws_sources_documents_and_counted_edges(small: tuple[View, Path]) -> None:
    view, _ = small
    graph = view["graph"]
    assert [n["key"] for n in graph["sources"]] == [s["key"] for s in view["sources"]]
    edges = {(e["key"], e["document"]): e["count"] for e in graph["edges"]}
    vitamin, zinc = (d["anchor"] for d in view["documents"])
    assert edges == {
        ("smith2020trial", vitamin): 1,
        ("ghost2021leaflet", vitamin): 1,
        ("lee2019mice", zinc): 2,
        ("smith2020trial", zinc): 1,
    }


def test_clicking_a_source_shows_and_highlights_its_claims(
    small: tuple[View, Path], opened: Any
) -> None:
    view, report = small
    page = opened(report)
    page.page.click('svg.graph a.g-source[data-key="lee2019mice"]')
    assert page.shown() == ids(view, lambda c: "lee2019mice" in c["source_keys"])
    lit = page.run("() => [...document.querySelectorAll('svg.graph .on')].map(e => e.dataset.key)")
    assert set(lit) == {"lee2019mice"} and len(lit) == 3  # the node, its edge and its count
    assert page.page.url == page.url  # the click filtered instead of jumping
    page.page.click('svg.graph a.g-source[data-key="lee2019mice"]')
    assert len(page.shown()) == 7


def test_a_link_to_a_hidden_claim_shows_it(small: tuple[View, Path], opened: Any) -> None:
    _, report = small
    page = opened(report)
    page.choose("status", "uncited")
    page.page.click('#source-lee2019mice .supports a[href="#claim-z-000001"]')
    assert "z-000001" in page.shown()


# --- Escaping and print --------------------------------------------------------------------


def test_claim_text_with_markup_shows_as_text_and_runs_nothing(
    small: tuple[View, Path], opened: Any
) -> None:
    _, report = small
    page = opened(report)
    assert page.run("() => typeof window.__xss") == "undefined"
    claim = page.page.locator("#claim-z-000002 .claim-text")
    claim.scroll_into_view_if_needed()  # off-screen cards are not rendered (content-visibility)
    for shown in (XSS_SCRIPT, XSS_IMG):
        sync_api.expect(claim).to_contain_text(shown, use_inner_text=True)
    assert page.run("() => document.querySelectorAll('main img, main script').length") == 0
    assert "Zinc & <b>wounds</b>" in page.page.inner_text("#doc-content-zinc-txt h2")
    page.choose("status", "uncited")
    search(page, "onerror")
    assert page.run("() => typeof window.__xss") == "undefined"
    assert page.requests == [page.url]


def test_print_hides_controls_and_shows_every_claim(small: tuple[View, Path], opened: Any) -> None:
    view, report = small
    page = opened(report)
    page.choose("status", "cited")
    page.page.click('svg.graph a.g-source[data-key="smith2020trial"]')
    page.page.emulate_media(media="print")
    assert page.shown() == ids(view, lambda c: True)
    for selector in ("#filters", ".graph-controls"):
        assert page.run(f"() => document.querySelector('{selector}').getClientRects().length") == 0
    page.page.emulate_media(media="screen")
    assert len(page.shown()) < 7


# --- Scale ---------------------------------------------------------------------------------

TIME_FILTER = """([name, value]) => new Promise(resolve => {
  const select = document.querySelector(`#filters select[name="${name}"]`);
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
})"""


def test_five_thousand_claims_filter_within_bound(
    tmp_path: Path, opened: Any, browser: Any
) -> None:
    view = report_view(write_big_project(tmp_path / "big", claims=5000))
    report = write_report(view, tmp_path)
    uncited = ids(view, lambda c: c["status"] == "uncited")
    assert view["summary"]["claims"] == 5000 and uncited
    page = opened(report)
    page.page.set_default_timeout(60_000)
    assert page.requests == [page.url]
    elapsed = page.run(TIME_FILTER, ["status", "uncited"])
    assert page.count() == f"Showing {len(uncited)} of 5000 claims"
    assert elapsed < FILTER_MS, f"filtering 5,000 claims took {elapsed:.0f} ms"
    elapsed = page.run(TIME_FILTER, ["status", ""])
    assert page.count() == "Showing 5000 of 5000 claims"
    assert elapsed < FILTER_MS, f"showing 5,000 claims again took {elapsed:.0f} ms"
