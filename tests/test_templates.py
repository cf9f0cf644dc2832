"""The report templates: what they show, that user text is escaped, that HTML stays offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markupsafe import escape

from bench.report_browser import report_view
from tests.conftest import REGISTER, write_project
from tracker.project import load_project
from tracker.render import render
from tracker.report import claim_status, interactive_view
from tracker.risk import RANKS

View = dict[str, Any]

DOI = "https://doi.org/10.3390/ijms22020845"
PMID = "https://pubmed.ncbi.nlm.nih.gov/33467726/"
PMC = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7829982/"
STATUS_LABELS = {
    "cited": "Cited",
    "unverifiable": "Cites an unverifiable source",
    "unresolved": "Citation not resolved",
    "uncited": "No citation",
    "refuted": "Reviewer: the cited source does not support it",
}


# check id -> (severity, risk)
CHECKS = {
    "claims.uncited": ("error", "medium"),
    "citations.unresolved": ("error", "medium"),
    "sources.unverifiable": ("warning", "high"),
    "sources.unused": ("info", "low"),
    "claims.single_source": ("info", "low"),
    "regulatory.disease_claim": ("error", "high"),
}


def finding(
    check: str, message: str, claim_id: str | None = None, source_key: str | None = None
) -> View:
    path, line, col = "claims/page.yaml", 7, 5
    severity, risk = CHECKS[check]
    return {
        "check": check,
        "severity": severity,
        "risk": risk,
        "path": path,
        "line": line,
        "col": col,
        "message": message,
        "claim_id": claim_id,
        "source_key": source_key,
        "location": f"{path}:{line}:{col}",
    }


def citation(key: str | None, **fields: Any) -> View:
    known = key in SOURCES
    source = SOURCES.get(key or "", {})
    return {
        "key": key,
        "marker": "[1]",
        "reference": None,
        "locator": None,
        "quote": None,
        "score": 1.0,
        "tentative": False,
        "proposed": None,
        "known": known,
        "unverifiable": bool(source.get("unverifiable")),
        "short": source.get("short"),
        "text": source.get("text"),
        "anchor": f"source-{key}" if known else None,
    } | fields


def claim(number: int, text: str, status: str, **fields: Any) -> View:
    claim_id = f"p-{number:06d}"
    return {
        "id": claim_id,
        "anchor": f"claim-{claim_id}",
        "text": text,
        "line": number * 2 + 1,
        "kinds": ["efficacy"],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "citations": [],
        "evidence": None,
        "review": None,
        "findings": [],
        "source_keys": [c["key"] for c in fields.get("citations", []) if c["key"]],
        "severities": [f["severity"] for f in fields.get("findings", [])],
        "checks": sorted({f["check"] for f in fields.get("findings", [])}),
        "risk": max(
            (f["risk"] for f in fields.get("findings", [])), key=RANKS.__getitem__, default="none"
        ),
        "evidence_level": "none",
        "evidence_rank": -2,
        "verdict": fields["review"]["verdict"] if fields.get("review") else "no verdict",
    } | fields


IN_VITRO = {
    "level": "in-vitro",
    "reason": "declared in the `evidence` field",
    "declared": True,
    "human": False,
}

SOURCES: dict[str, View] = {
    "shin2021comparative": {
        "short": "Shin et al. 2021",
        "text": "Shin S, Lee J, et al. Comparative Proteomic Analysis of the MSC Secretome. "
        "Int J Mol Sci. 2021;22(2):845.",
        "unverifiable": False,
    },
    "unidentified2023exosomes": {
        "short": "Exosomes in Biomedical Applications 2023",
        "text": "Exosomes in Biomedical Applications. Biomedicines. 2023.",
        "unverifiable": True,
    },
    "thakur2023therapeutic": {
        "short": "Thakur et al. 2023",
        "text": "Thakur A, et al. Therapeutic Values of Exosomes in Cosmetics. "
        "Cosmetics. 2023;10(2):65.",
        "unverifiable": False,
    },
}


def source(key: str, claims: list[View], **fields: Any) -> View:
    entry = SOURCES[key]
    return {
        "key": key,
        "anchor": f"source-{key}",
        "text": entry["text"],
        "short": entry["short"],
        "title": entry["text"].split(". ")[1],
        "doi_url": None,
        "pmid_url": None,
        "pmcid_url": None,
        "unverifiable": entry["unverifiable"],
        "verified": "found in Crossref and PubMed on 2026-12-01",
        "evidence": IN_VITRO,
        "note": None,
        "claims": [
            {
                "id": c["id"],
                "anchor": c["anchor"],
                "text": c["text"],
                "document": "content/page.txt",
            }
            for c in claims
        ],
        "findings": [],
    } | fields


def build_view() -> View:
    """Return a small view model shaped like tracker.report.build_view's."""
    uncited = claim(
        1,
        "Secretome therapy reverses skin ageing | in 4 weeks.",
        "uncited",
        kinds=["efficacy", "comparative"],
        # its findings are off the card (see findings below) but the filters still read them
        severities=["error"],
        checks=["claims.uncited", "regulatory.disease_claim"],
        risk="high",
    )
    cited = claim(
        2,
        "The secretome holds growth factors and cytokines.",
        "cited",
        citations=[
            citation(
                "shin2021comparative",
                locator="Figure 2",
                quote="Growth factors were abundant in all media.",
                score=0.68,
                reference="Comparative Proteomic Analysis of MSC Secretome - IJMS (2021)",
            ),
        ],
        review={
            "verdict": "supported",
            "by": "Dr A. Reviewer",
            "at": "2026-11-02",
            "note": "In vitro only; soften the wording.",
        },
    )
    unverifiable = claim(
        3,
        "Exosomes drive repair.",
        "unverifiable",
        kinds=[],
        citations=[citation("unidentified2023exosomes", marker="[2]")],
    )
    unresolved = claim(
        4,
        "Cells release healing factors.",
        "unresolved",
        kinds=["mechanism"],
        citations=[
            citation(
                None,
                marker="[9]",
                known=False,
                reference="Cell Secretome Strategies for Wound Healing - Polymers (2022)",
            ),
        ],
        findings=[finding("citations.unresolved", "Citation [9] matches no entry.", "p-000004")],
    )
    refuted = claim(
        5,
        "Secretome doubles collagen in a week.",
        "refuted",
        citations=[citation("shin2021comparative", marker="[3]")],
        review={
            "verdict": "unsupported",
            "by": "Dr A. Reviewer",
            "at": "2026-11-03",
            "note": "The study measured no collagen.",
        },
        findings=[finding("claims.single_source", "rests on one source.", "p-000005")],
    )
    claims = [uncited, cited, unverifiable, unresolved, refuted]
    # The view model leaves claims.uncited off the claim card: the badge already says it.
    findings = [
        finding("claims.uncited", "uncited claim - cite a source.", "p-000001"),
        *unresolved["findings"],
        *refuted["findings"],
        finding("sources.unverifiable", "No work matches.", source_key="unidentified2023exosomes"),
        finding(
            "sources.unused", "Source is cited by no claim.", source_key="thakur2023therapeutic"
        ),
    ]
    view = {
        "title": "Evidence report",
        "project": "secretome",
        "generated": "2026-11-21",
        "summary": {
            "documents": 1,
            "claims": 5,
            "cited": 1,
            "share_cited": "20%",
            "reviewed": 2,
            "verdicts": [
                {"verdict": "supported", "count": 1},
                {"verdict": "partial", "count": 0},
                {"verdict": "unsupported", "count": 1},
                {"verdict": "contradicted", "count": 0},
                {"verdict": "needs-review", "count": 0},
                {"verdict": "no verdict", "count": 3},
            ],
            "statuses": [
                {"status": s, "label": label, "count": 1} for s, label in STATUS_LABELS.items()
            ],
            "uncited_by_kind": [
                {"kind": "efficacy", "uncited": 1, "total": 2},
                {"kind": "comparative", "uncited": 1, "total": 1},
            ],
            "sources": 3,
            "findings": {"error": 2, "warning": 1, "info": 2},
            "risks": {"high": 1, "medium": 2, "low": 2},
            "evidence_levels": [{"level": "in-vitro", "count": 3}],
        },
        "high_risk": [
            {
                "document": "Secretome vs. Exosomes",
                "anchor": "claim-p-000001",
                "line": 3,
                "text": uncited["text"],
                "findings": [finding("regulatory.disease_claim", "disease claim.", "p-000001")],
            }
        ],
        "documents": [
            {
                "path": "content/page.txt",
                "title": "Secretome vs. Exosomes",
                "url": "https://clinic.example/secretome",
                "register": "claims/page.yaml",
                "anchor": "doc-content-page-txt",
                "approval": "Changed since approval by Dr Lead on 2026-11-20 (its text changed).",
                "total": 5,
                "cited": 1,
                "uncited": 1,
                "share_cited": "20%",
                "claims": claims,
            }
        ],
        "sources": [
            source(
                "shin2021comparative",
                [cited, refuted],
                doi_url=DOI,
                pmid_url=PMID,
                pmcid_url=PMC,
                note="Original research, in vitro.",
            ),
            source("unidentified2023exosomes", [unverifiable], findings=[findings[-2]]),
            source("thakur2023therapeutic", [], findings=[findings[-1]]),
        ],
        "findings": findings,
        "suppressed": [
            finding("claims.single_source", "rests on one source.", "p-000002")
            | {
                "reason": "Reviewed: one trial is enough here.",
                "suppression": "claims/page.yaml:12",
            }
        ],
    }
    return view | interactive_view(view["documents"], view["sources"])


def empty_view() -> View:
    """Return the view of a project with nothing in it."""
    view = build_view()
    view["summary"] |= {
        "documents": 0,
        "claims": 0,
        "cited": 0,
        "share_cited": "–",
        "reviewed": 0,
        "sources": 0,
        "uncited_by_kind": [],
        "findings": {"error": 0, "warning": 0, "info": 0},
        "risks": {"high": 0, "medium": 0, "low": 0},
    }
    view["summary"]["statuses"] = [s | {"count": 0} for s in view["summary"]["statuses"]]
    view["summary"]["verdicts"] = [v | {"count": 0} for v in view["summary"]["verdicts"]]
    view |= {"documents": [], "sources": [], "findings": [], "high_risk": []}
    return view | interactive_view([], [])


class Tags(HTMLParser):
    """Collect every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def html_report(view: View) -> str:
    return render("report.html.j2", view)


def md_report(view: View) -> str:
    return render("report.md.j2", view)


def markdown_to_html(text: str) -> str:
    """Render Markdown as GitHub would, raw HTML allowed, so that injected tags would show."""
    return MarkdownIt("commonmark").enable("table").render(text)


# --- HTML: content -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html() -> str:
    return html_report(build_view())


@pytest.fixture(scope="module")
def md() -> str:
    return md_report(build_view())


def test_html_is_one_html5_page_with_header(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Evidence report – secretome</title>" in html
    assert "<h1>Evidence report</h1>" in html
    assert "2026-11-21" in html


def test_html_sections_come_in_order(html: str) -> None:
    headings = [
        "At a glance",
        "Secretome vs. Exosomes</h2>",
        ">Cited sources</h2>",
        "All findings</h2>",
    ]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)


def test_html_summary_shows_counts_statuses_kinds_and_severities(html: str) -> None:
    glance = html[html.index('id="at-a-glance"') : html.index('id="doc-content-page-txt"')]
    assert "<dt>Claims</dt><dd>5</dd>" in glance
    assert "20%" in glance
    for label in STATUS_LABELS.values():
        assert label in glance
    assert "Uncited claims by kind" in glance
    assert '<td>comparative</td><td class="num">1</td><td class="num">1</td>' in glance
    for severity in ("Error", "Warning", "Info"):
        assert f">{severity}</span>" in glance


def test_html_gives_every_document_claim_and_source_its_anchor(html: str) -> None:
    ids = {attrs.get("id") for _, attrs in tags_of(html)}
    expected = {
        "doc-content-page-txt",
        "source-shin2021comparative",
        "source-unidentified2023exosomes",
        "source-thakur2023therapeutic",
    } | {f"claim-p-00000{n}" for n in range(1, 6)}
    assert expected <= ids


def test_html_claims_carry_status_badge_with_words(html: str) -> None:
    for status, label in STATUS_LABELS.items():
        assert re.search(
            rf'class="claim st-{status}".*?class="badge st-{status}">.*?</span> {label}</span>',
            html,
            re.S,
        )


def test_html_cited_claim_shows_source_locator_quote_score_and_review(html: str) -> None:
    card = html[html.index('id="claim-p-000002"') : html.index('id="claim-p-000003"')]
    assert '<span class="marker" title="Marker as written on the page">[1]</span>' in card
    assert '<a class="source-short" href="#source-shin2021comparative">Shin et al. 2021</a>' in card
    assert "Int J Mol Sci. 2021;22(2):845." in card
    assert "Figure 2" in card
    assert "<blockquote>Growth factors were abundant in all media.</blockquote>" in card
    assert "match score 0.68" in card
    assert "<strong>supported</strong> by Dr A. Reviewer on 2026-11-02" in card
    assert "In vitro only; soften the wording." in card


def test_html_exact_score_is_not_shown() -> None:
    view = build_view()
    view["documents"][0]["claims"][1]["citations"][0]["score"] = 1.0
    assert "match score" not in html_report(view)


def test_html_unverifiable_and_unresolved_citations_are_explained(html: str) -> None:
    unverifiable = html[html.index('id="claim-p-000003"') : html.index('id="claim-p-000004"')]
    assert "no published work matches this citation" in unverifiable
    unresolved = html[html.index('id="claim-p-000004"') : html.index('id="claim-p-000005"')]
    assert "No entry in the bibliography matches this citation." in unresolved
    assert "Cell Secretome Strategies for Wound Healing - Polymers (2022)" in unresolved
    assert 'href="#source-' not in unresolved
    assert "Citation [9] matches no entry." in unresolved


def test_html_sources_link_out_and_back(html: str) -> None:
    sources = html[html.index('id="sources"') : html.index('id="findings"')]
    for url in (DOI, PMID, PMC):
        assert f'<a class="ext" href="{url}" rel="noopener">' in sources
    assert (
        '<a href="#claim-p-000002">The secretome holds growth factors and cytokines.</a>' in sources
    )
    assert '<span class="badge bad-unverifiable">Unverifiable</span>' in sources
    assert "Original research, in vitro." in sources
    assert sources.count("Supports no claim.") == 1


def test_html_findings_table_lists_every_finding_with_a_way_there(html: str) -> None:
    table = html[html.index('id="findings"') : html.index('id="suppressed"')]
    assert table.count("<tr>") == 1 + 5
    assert "<code>claims/page.yaml:7:5</code>" in table
    assert "<code>citations.unresolved</code>" in table
    assert 'class="goto" href="#claim-p-000004">Go to claim</a>' in table
    assert 'class="goto" href="#source-thakur2023therapeutic">Go to source</a>' in table


def test_html_uncited_claim_is_one_row_and_its_finding_is_in_the_table(html: str) -> None:
    uncited = html[html.index('id="claim-p-000001"') : html.index('id="claim-p-000002"')]
    assert "uncited claim - cite a source." not in uncited
    assert "claim-detail" not in uncited
    table = html[html.index('id="findings"') :]
    assert "uncited claim - cite a source." in table
    source = html[html.index('id="source-unidentified2023exosomes"') : html.index('id="findings"')]
    assert (
        '<span class="sev sev-warning">Warning</span> <span class="tag risk-high">high risk</span> '
        "No work matches." in source
    )


def test_html_document_links_to_its_page(html: str) -> None:
    assert '<a class="ext" href="https://clinic.example/secretome" rel="noopener">' in html


def test_html_many_uncited_claims_stay_one_row_each() -> None:
    view = build_view()
    many = [claim(n, f"Claim number {n}.", "uncited") for n in range(10, 160)]
    view["documents"][0]["claims"] = many
    html = html_report(view)
    for item in many:
        row = html[html.index(f'id="{item["anchor"]}"') :]
        row = row[: row.index("</li>")]
        assert "claim-detail" not in row


def test_empty_project_renders_both_reports() -> None:
    html = html_report(empty_view())
    assert "No findings." in html
    assert "The bibliography has no entries." in html
    md = md_report(empty_view())
    assert "No findings." in md


# --- HTML: offline ---------------------------------------------------------------------------


def test_html_loads_nothing_from_the_network(html: str) -> None:
    lowered = html.lower()
    for needle in ("<link", "@import", "url(", "<img", "<iframe", "<object", "<embed"):
        assert needle not in lowered
    assert lowered.count("<script") == 1 and "<script>\n" in lowered  # inline, no src
    for needle in ("fetch(", "xmlhttprequest", "websocket", "import(", "eventsource", ".src"):
        assert needle not in script_of(html).lower()
    for tag, attrs in tags_of(html):
        assert "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert tag == "a"
            assert href.startswith(("#", "https://")), href
            if href.startswith("https://"):
                assert attrs.get("rel") == "noopener"


def script_of(html: str) -> str:
    return html[html.index("<script>") + len("<script>") : html.index("</script>")]


def test_html_inlines_the_report_script_verbatim(html: str) -> None:
    source = files("tracker").joinpath("templates/report.js").read_text(encoding="utf-8")
    assert source.strip() in script_of(html)
    # Jinja includes it as a template and HTML ends it at the first closing tag
    for delimiter in ("{{", "{%", "{#", "</script", "<!--"):
        assert delimiter not in source


def test_html_claims_carry_what_the_filters_read(html: str) -> None:
    attrs = next(a for tag, a in tags_of(html) if a.get("id") == "claim-p-000002")
    assert attrs["data-status"] == "cited"
    assert attrs["data-keys"] == "shin2021comparative"
    assert attrs["data-verdict"] == "supported"
    assert attrs["data-severities"] == "none"
    assert attrs["data-doc"] == "doc-content-page-txt"
    assert '<form class="filters" id="filters" role="search"' in html
    assert "Showing 5 of 5 claims" in html


def test_html_offers_filters_by_risk_and_by_check(html: str) -> None:
    selects = {a["name"]: a for tag, a in tags_of(html) if tag == "select"}
    assert selects["risk"]["data-field"] == "risk" and selects["risk"]["data-match"] == "is"
    assert selects["check"]["data-field"] == "checks" and selects["check"]["data-match"] == "has"
    form = html[html.index('<form class="filters"') : html.index("</form>")]
    risk = form[form.index('name="risk"') : form.index('name="check"')]
    assert re.findall(r'<option value="(\w*)">', risk) == ["", "high", "medium", "low", "none"]
    assert '<option value="high">high (1)</option>' in risk
    check = form[form.index('name="check"') :]
    assert '<option value="citations.unresolved">citations.unresolved (1)</option>' in check
    assert '<option value="none">none (2)</option>' in check


def test_html_claims_carry_their_highest_risk_and_checks(html: str) -> None:
    claims = {a["id"]: a for _, a in tags_of(html) if a.get("class", "").startswith("claim ")}
    uncited, cited = claims["claim-p-000001"], claims["claim-p-000002"]
    checks = "claims.uncited regulatory.disease_claim"
    assert (uncited["data-risk"], uncited["data-checks"]) == ("high", checks)
    assert (cited["data-risk"], cited["data-checks"]) == ("none", "none")


def test_findings_show_their_risk(html: str, md: str) -> None:
    table = html[html.index('id="findings"') : html.index('id="suppressed"')]
    assert '<th scope="col">Risk</th>' in table
    assert '<td class="risk"><span class="tag risk-high">high risk</span></td>' in table
    card = html[html.index('id="claim-p-000004"') : html.index('id="claim-p-000005"')]
    assert '<span class="tag risk-medium">medium risk</span> Citation [9] matches no entry.' in card
    assert "| Severity | Risk | Location | Check | Message |" in md


def test_verdict_counts_are_at_a_glance(html: str, md: str) -> None:
    glance = html[html.index('id="at-a-glance"') : html.index('id="citation-map"')]
    assert "<dt>Claims reviewed</dt><dd>2 <small>of 5</small></dd>" in glance
    verdicts = glance[glance.index("Claims by verdict") :]
    for verdict, count in [("supported", 1), ("unsupported", 1), ("contradicted", 0)]:
        assert f'verdict-{verdict}">{verdict}</span> <span class="n">{count}</span>' in verdicts
    assert 'verdict-no-verdict">no verdict</span> <span class="n">3</span>' in verdicts
    assert "| Verdict | Claims |" in md
    assert "| unsupported | 1 |" in md and "| no verdict | 3 |" in md


def test_html_refuted_claim_has_its_own_badge_and_legend(html: str) -> None:
    assert 'class="claim st-refuted" id="claim-p-000005"' in html
    card = html[html.index('id="claim-p-000005"') : html.index('id="sources"')]
    assert "Reviewer: the cited source does not support it</span>" in card
    assert "st-cited" not in card
    glance = html[html.index('id="at-a-glance"') : html.index('id="citation-map"')]
    assert '<span class="st-refuted" style="width: 20.0%">' in glance
    assert re.search(r'class="badge st-refuted">.*?</span> Reviewer: the cited', glance)
    assert ".st-refuted.badge {" in html and ".claim.st-refuted {" in html


@pytest.mark.parametrize("verdict", ["unsupported", "contradicted"])
@pytest.mark.parametrize("score", [None, 0.6], ids=["exact", "tentative"])
def test_a_refuted_claim_is_never_labelled_cited(
    tmp_path: Path, verdict: str, score: float | None
) -> None:
    citation = "{key: smith2020trial, marker: '[1]', ref: 1}"
    scored = citation if score is None else citation.replace("}", f", score: {score}}}")
    register = REGISTER.replace(citation, scored) + f"    review: {{verdict: {verdict}}}\n"
    root = write_project(tmp_path, {"claims/page.yaml": register})
    claim = next(c for _, c in load_project(root).claims())
    assert claim_status(claim, load_project(root)) == "refuted"
    view = report_view(root)
    shown = view["documents"][0]["claims"][0]
    assert shown["status"] == "refuted" and not shown["status_label"].startswith("Cited")
    assert view["summary"]["cited"] == 0
    assert [s["count"] for s in view["summary"]["statuses"] if s["status"] == "refuted"] == [1]
    html, md = html_report(view), md_report(view)
    card = html[html.index('id="claim-p-000001"') : html.index('id="sources"')]
    assert "st-cited" not in card and "st-tentative" not in card
    row = next(line for line in md.splitlines() if "| Vitamin D reduces colds" in line)
    assert row.startswith("| Reviewer: the cited source does not support it | 1 |")


@pytest.mark.parametrize(
    ("verdict", "score", "status"),
    [("supported", None, "cited"), ("partial", None, "cited"), ("supported", 0.6, "tentative")],
)
def test_other_verdicts_keep_the_citation_status(
    tmp_path: Path, verdict: str, score: float | None, status: str
) -> None:
    citation = "{key: smith2020trial, marker: '[1]', ref: 1}"
    scored = citation if score is None else citation.replace("}", f", score: {score}}}")
    register = REGISTER.replace(citation, scored) + f"    review: {{verdict: {verdict}}}\n"
    root = write_project(tmp_path, {"claims/page.yaml": register})
    assert report_view(root)["documents"][0]["claims"][0]["status"] == status


def test_links_that_are_not_web_addresses_are_not_linked() -> None:
    view = build_view()
    view["documents"][0]["url"] = "javascript:alert(1)"
    view["sources"][0]["doi_url"] = "javascript:alert(2)"
    html = html_report(view)
    assert "javascript:" not in "".join(str(attrs.get("href")) for _, attrs in tags_of(html))
    assert "javascript:alert(1)" in html  # shown as text so that the reviewer sees it
    assert "javascript" not in markdown_to_html(md_report(view)).split("href=")[-1].split(">")[0]
    assert "](<javascript" not in md_report(view)


# --- Escaping ------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
]


def set_claim_text(view: View, value: str) -> None:
    view["documents"][0]["claims"][0]["text"] = value


def set_quote(view: View, value: str) -> None:
    view["documents"][0]["claims"][1]["citations"][0]["quote"] = value


def set_message(view: View, value: str) -> None:
    view["findings"][0]["message"] = value


def set_title(view: View, value: str) -> None:
    view["documents"][0]["title"] = value
    view["title"] = value


def set_reference(view: View, value: str) -> None:
    view["documents"][0]["claims"][3]["citations"][0]["reference"] = value


def set_source_text(view: View, value: str) -> None:
    view["sources"][0]["text"] = value
    view["sources"][0]["note"] = value


def set_review_note(view: View, value: str) -> None:
    view["documents"][0]["claims"][1]["review"]["note"] = value


FIELDS = [
    set_claim_text,
    set_quote,
    set_message,
    set_title,
    set_reference,
    set_source_text,
    set_review_note,
]
INJECTED_TAGS = {"script", "img", "svg"}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("setter", FIELDS, ids=lambda f: f.__name__)
def test_html_escapes_user_text(setter: Any, payload: str) -> None:
    view = build_view()
    setter(view, payload)
    html = html_report(view)
    assert str(escape(payload)) in html
    # the report's own script and map are the only script and svg tags
    assert [tag for tag, _ in tags_of(html) if tag in INJECTED_TAGS] == ["svg", "script"]
    for _, attrs in tags_of(html):
        assert not any(name.startswith("on") for name in attrs)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("setter", FIELDS, ids=lambda f: f.__name__)
def test_markdown_escapes_user_text(setter: Any, payload: str) -> None:
    view = build_view()
    setter(view, payload)
    md = md_report(view)
    assert not re.search(r"(?<!\\)<(script|img|svg)", md)
    for tag, attrs in tags_of(markdown_to_html(md)):
        assert tag not in INJECTED_TAGS
        assert not any(name.startswith("on") for name in attrs)


# --- Markdown: content ---------------------------------------------------------------------


def test_markdown_has_the_sections_in_order(md: str) -> None:
    headings = [
        "# Evidence report",
        "## At a glance",
        "## Secretome vs. Exosomes",
        "## Cited sources",
        "## All findings",
    ]
    positions = [md.index(f"\n{h}\n") if i else md.index(h) for i, h in enumerate(headings)]
    assert positions == sorted(positions)


def test_markdown_tables_render_with_one_row_per_item(md: str) -> None:
    html = markdown_to_html(md)
    tables = html.split("<table>")[1:]
    summary, statuses, verdicts, kinds, claims, findings, suppressed = tables
    assert suppressed.count("<tr>") == 1 + 1
    assert summary.count("<tr>") == 2
    assert statuses.count("<tr>") == 1 + 5
    assert verdicts.count("<tr>") == 1 + 6
    assert kinds.count("<tr>") == 1 + 2
    assert claims.count("<tr>") == 1 + 5
    assert findings.count("<tr>") == 1 + 5
    # a | in a claim must not add a cell
    assert all(row.count("<td") == 6 for row in claims.split("<tr>")[2:])


def test_markdown_claims_table_rows(md: str) -> None:
    assert "| Status | Line | Claim | Sources | Strongest evidence | Review |" in md
    assert (
        "| No citation | 3 | Secretome therapy reverses skin ageing \\| in 4 weeks. | – | – | – |"
        in md
    )
    row = next(line for line in md.splitlines() if line.startswith("| Cited | 5 |"))
    assert (
        "\\[1\\] Shin et al. 2021 (match score 0.68), Figure 2: “Growth factors were abundant"
        in row
    )
    assert "supported by Dr A. Reviewer, 2026-11-02: In vitro only; soften the wording." in row
    assert "| Cites an unverifiable source | 7 | Exosomes drive repair. | \\[2\\] " in md
    assert "(unverifiable: no published work matches)" in md
    assert "not identified: “Cell Secretome Strategies for Wound Healing - Polymers (2022)”" in md


def test_markdown_review_column_only_when_a_claim_is_reviewed() -> None:
    view = build_view()
    for item in view["documents"][0]["claims"]:
        item["review"] = None
    md = md_report(view)
    assert (
        "| Status | Line | Claim | Sources | Strongest evidence |\n|---|---:|---|---|---|\n" in md
    )


def test_markdown_sources_list(md: str) -> None:
    assert f"  - Links: [DOI](<{DOI}>) · [PubMed](<{PMID}>) · [PubMed Central](<{PMC}>)" in md
    assert "  - **Unverifiable**: no published work matches this citation." in md
    assert (
        "    - The secretome holds growth factors and cytokines. (content/page.txt, p-000002)" in md
    )
    assert md.count("  - Supports no claim.") == 1
    html = markdown_to_html(md)
    assert f'<a href="{DOI}">DOI</a>' in html


def test_markdown_findings_table(md: str) -> None:
    assert (
        "| Error | Medium | claims/page.yaml:7:5 | citations.unresolved "
        "| Citation \\[9\\] matches no entry. |" in md
    )
    assert (
        "| Info | Low | claims/page.yaml:7:5 | sources.unused | Source is cited by no claim. |"
        in md
    )


def test_markdown_has_no_raw_html(md: str) -> None:
    assert not re.search(r"(?<![\\(])<[a-zA-Z/!]", md)


def test_evidence_levels_are_shown(html: str) -> None:
    source = html[html.index('id="source-shin2021comparative"') :]
    assert '<span class="tag evidence weak">in-vitro</span>' in source
    assert "declared in the `evidence` field" in source


def test_suppressed_findings_are_listed_with_their_reason(html: str, md: str) -> None:
    table = html[html.index('id="suppressed"') :]
    assert "Reviewed: one trial is enough here." in table and "claims/page.yaml:12" in table
    assert "| Reviewed: one trial is enough here. | claims/page.yaml:12 |" in md
