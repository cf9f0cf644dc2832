"""Build the evidence report's view model and render it as HTML and Markdown.

Templates get a plain view model of dicts, lists and strings - never graph or project
objects - so what a template shows is decided here and tested here.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from tracker.evidence import Evidence, evidence_of, strongest, vocabulary
from tracker.formatting import FormattedSource, format_sources
from tracker.graph import claims_supported_by
from tracker.limits import MAX_SETTINGS_BYTES, TooLarge, read_bytes
from tracker.model import (
    KINDS,
    VERDICTS,
    Citation,
    Claim,
    Finding,
    Register,
    Severity,
    Source,
    Suppression,
)
from tracker.passages import best_passage, source_text
from tracker.project import Project
from tracker.render import render
from tracker.resolve import tentative
from tracker.risk import HIGH, RANKS
from tracker.verification import FOUND, NOT_FOUND, SourceResult

STATUS_LABELS = {
    "cited": "Cited",
    "tentative": "Cited, match to be confirmed",
    "unverifiable": "Cites an unverifiable source",
    "unresolved": "Citation not resolved",
    "uncited": "No citation",
    "refuted": "Reviewer: the cited source does not support it",
}
# Verdicts that take a claim's "cited" away: its source was read and does not back it.
REFUTING_VERDICTS = frozenset({"unsupported", "contradicted"})
REPORT_FILES = {"html": "evidence.html", "md": "evidence.md"}
# Findings a claim's status badge already states; repeating them on every card would double
# the length of a page with a hundred uncited claims. They stay in the list of all findings.
STATED_BY_STATUS = frozenset({"claims.uncited"})
# Filter values for a claim without cited evidence and without a review.
NO_EVIDENCE = "none"
NO_FINDING = "none"
NO_VERDICT = "no verdict"
NO_RISK = "none"
NO_EVIDENCE_RANK = -2
# The claim-source graph: one row per node in the longer column, in SVG user units.
GRAPH_ROW = 46
GRAPH_WIDTH = 760
GRAPH_NODE_WIDTH = 250
GRAPH_LABELS_UP_TO = 40
GRAPH_TEXT = 34

View = dict[str, Any]


def claim_status(claim: Claim, project: Project) -> str:
    """Return uncited, unresolved, refuted, unverifiable, tentative or cited: the worst state of
    a claim's citations, where a reviewer's unsupported or contradicted verdict is refuted."""
    if not claim.citations:
        return "uncited"
    sources = project.bibliography.sources
    if any(not c.key or c.key not in sources for c in claim.citations):
        return "unresolved"
    if claim.review is not None and claim.review.verdict in REFUTING_VERDICTS:
        return "refuted"
    if all(sources[c.key].unverifiable for c in claim.citations if c.key):
        return "unverifiable"
    if any(tentative(c) for c in claim.citations):
        return "tentative"
    return "cited"


def build_view(
    project: Project,
    graph: nx.DiGraph,
    findings: list[Finding],
    generated: str,
    suppressed: Sequence[tuple[Finding, Suppression]] = (),
    watch: Callable[[list[Source]], Iterable[Source]] = iter,
) -> View:
    """Return the report's view model; suppressed findings are listed with their reasons.

    The sources shown are those the claims cite: a shared bibliography of thousands of
    entries is not formatted for pages that cite six of them; findings about the others
    are listed with the rest.
    """
    by_claim: dict[str, list[Finding]] = defaultdict(list)
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.claim_id:
            by_claim[finding.claim_id].append(finding)
        if finding.source_key:
            by_source[finding.source_key].append(finding)
    entries = project.bibliography.sources
    cited = {key for _, claim in project.claims() for key in claim.cited_keys}
    shown = [entries[key] for key in entries if key in cited]
    formatted = format_sources(shown, entries.values(), watch)
    evidence = {s.key: evidence_of(s, project.verification.get(s.key)) for s in shown}
    documents = [
        document_view(r, project, formatted, evidence, by_claim) for r in project.registers
    ]
    sources = [
        source_view(key, project, graph, formatted, evidence, by_source) for key in formatted
    ]
    return {
        "title": "Evidence report",
        "project": project_name(project.root),
        "generated": generated,
        "summary": summary_view(project, documents, findings)
        | {"evidence_levels": levels_view(evidence)},
        "high_risk": high_risk_view(documents, by_claim),
        "documents": documents,
        "sources": sources,
        "findings": [finding_view(f) for f in findings],
        "suppressed": [
            finding_view(f) | {"reason": s.reason, "suppression": f"{s.path}:{s.line}"}
            for f, s in suppressed
        ],
    } | interactive_view(documents, sources)


def high_risk_view(documents: list[View], by_claim: dict[str, list[Finding]]) -> list[View]:
    """Return the claims with a high-risk finding, in document order, with those findings:
    what a regulatory reviewer reads first."""
    rows = []
    for document in documents:
        for claim in document["claims"]:
            high = [f for f in by_claim.get(claim["id"], []) if f.risk == HIGH]
            if high:
                rows.append(
                    {
                        "document": document["title"],
                        "anchor": claim["anchor"],
                        "line": claim["line"],
                        "text": claim["text"],
                        "findings": [finding_view(f) for f in high],
                    }
                )
    return rows


def interactive_view(documents: list[View], sources: list[View]) -> View:
    """Return what the report's filters and claim-source graph need, from the built views."""
    return {"filters": filters_view(documents, sources), "graph": graph_view(documents, sources)}


def summary_view(project: Project, documents: list[View], findings: list[Finding]) -> View:
    claims = [c for d in documents for c in d["claims"]]
    statuses = Counter(c["status"] for c in claims)
    kinds_total: Counter[str] = Counter()
    kinds_uncited: Counter[str] = Counter()
    for claim in claims:
        kinds_total.update(claim["kinds"])
        if claim["status"] == "uncited":
            kinds_uncited.update(claim["kinds"])
    severities = Counter(f.severity.value for f in findings)
    cited = statuses["cited"]
    verdicts = verdicts_view(claims)
    return {
        "documents": len(documents),
        "claims": len(claims),
        "cited": cited,
        "share_cited": percent(cited, len(claims)),
        "reviewed": len(claims) - verdicts[-1]["count"],
        "verdicts": verdicts,
        "statuses": [
            {"status": s, "label": STATUS_LABELS[s], "count": statuses[s]} for s in STATUS_LABELS
        ],
        "uncited_by_kind": [
            {"kind": k, "uncited": kinds_uncited[k], "total": kinds_total[k]}
            for k in KINDS
            if kinds_total[k]
        ],
        "sources": len(project.bibliography.sources),
        "findings": {s.value: severities[s.value] for s in Severity},
        "risks": {grade: sum(1 for f in findings if f.risk == grade) for grade in RANKS},
    }


def verdicts_view(claims: list[View]) -> list[View]:
    """Count the claims with each verdict, every verdict shown, the claims with none last."""
    counts = Counter(c["verdict"] for c in claims if c["verdict"] != NO_VERDICT)
    order = [*dict.fromkeys([*VERDICTS, *sorted(counts)])]
    unreviewed = {"verdict": NO_VERDICT, "count": len(claims) - counts.total()}
    return [*({"verdict": v, "count": counts[v]} for v in order), unreviewed]


def evidence_view(evidence: Evidence) -> View:
    return {
        "level": evidence.label,
        "reason": evidence.reason,
        "declared": evidence.declared,
        "human": evidence.human,
    }


def levels_view(evidence: dict[str, Evidence]) -> list[View]:
    """Count the sources at each level of evidence, strongest level first."""
    counts = Counter(e.label for e in evidence.values())
    order = [*vocabulary(), "unknown"]
    return [{"level": level, "count": counts[level]} for level in order if counts[level]]


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def document_view(
    register: Register,
    project: Project,
    formatted: dict[str, FormattedSource],
    evidence: dict[str, Evidence],
    by_claim: dict[str, list[Finding]],
) -> View:
    claims = [
        claim_view(c, project, formatted, evidence, by_claim) for c in register.claims if c.active
    ]
    statuses = Counter(c["status"] for c in claims)
    return {
        "path": register.document.path,
        "title": register.document.title or register.document.path,
        "url": register.document.url,
        "register": register.path,
        "anchor": anchor("doc", register.document.path),
        "claims": claims,
        "approval": approval_line(project, register),
        "total": len(claims),
        "cited": statuses["cited"],
        "uncited": statuses["uncited"],
        "share_cited": percent(statuses["cited"], len(claims)),
    }


def approval_line(project: Project, register: Register) -> str | None:
    """Say whether a document is approved, by whom and when, or changed since approval."""
    from tracker.decisions import approval_state

    state = approval_state(project, register)
    if state.approval is None:
        return None
    who = f"{state.approval.by} on {state.approval.at[:10]}"
    if not state.lapsed:
        return f"Approved by {who}."
    changed = f"; claims changed: {', '.join(state.changed_claims)}" if state.changed_claims else ""
    text = "its text changed" if state.text_changed else "its text is the same"
    return f"Changed since approval by {who} ({text}{changed})."


def claim_view(
    claim: Claim,
    project: Project,
    formatted: dict[str, FormattedSource],
    evidence: dict[str, Evidence],
    by_claim: dict[str, list[Finding]],
) -> View:
    status = claim_status(claim, project)
    review = claim.review
    known = [evidence[k] for k in claim.cited_keys if k in evidence]
    findings = by_claim.get(claim.id, [])
    best = strongest(known) if known else None
    return {
        "id": claim.id,
        "anchor": anchor("claim", claim.id),
        "text": claim.text,
        "line": claim.span.line,
        "kinds": list(claim.kinds),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "citations": [citation_view(c, project, formatted, claim.text) for c in claim.citations],
        "evidence": evidence_view(best) if best else None,
        "review": None
        if review is None
        else {"verdict": review.verdict, "by": review.by, "at": review.at, "note": review.note},
        "findings": [finding_view(f) for f in findings if f.check not in STATED_BY_STATUS],
        # for the report's filters and sorting
        "source_keys": list(dict.fromkeys(claim.cited_keys)),
        "severities": [s.value for s in Severity if any(f.severity == s for f in findings)],
        "checks": sorted({f.check for f in findings}),
        "risk": highest_risk(findings),
        "evidence_level": best.label if best else NO_EVIDENCE,
        "evidence_rank": best.rank if best else NO_EVIDENCE_RANK,
        "verdict": review.verdict if review else NO_VERDICT,
    }


def highest_risk(findings: list[Finding]) -> str:
    """Return the highest risk among findings, or none when no finding is graded."""
    grades = [f.risk for f in findings if f.risk in RANKS]
    return max(grades, key=RANKS.__getitem__) if grades else NO_RISK


def citation_view(
    citation: Citation, project: Project, formatted: dict[str, FormattedSource], claim: str
) -> View:
    source = formatted.get(citation.key or "")
    entry = project.bibliography.sources.get(citation.key or "")
    return {
        "proposed": proposed_quote(citation, project, claim),
        "key": citation.key,
        "marker": citation.marker,
        "reference": citation.reference,
        "locator": citation.locator,
        "quote": citation.quote,
        "score": citation.score,
        "tentative": tentative(citation),
        "known": source is not None,
        "unverifiable": bool(entry and entry.unverifiable),
        "short": source.short if source else None,
        "text": source.text if source else None,
        "anchor": anchor("source", source.key) if source else None,
    }


def proposed_quote(citation: Citation, project: Project, claim: str) -> str | None:
    """Return the sentence of the cited source that best matches the claim, when the citation
    records no quote and the source's text is at hand."""
    if citation.quote or not citation.key:
        return None
    text = source_text(project, citation.key)
    passage = best_passage(claim, text) if text else None
    return passage.text if passage else None


def source_view(
    key: str,
    project: Project,
    graph: nx.DiGraph,
    formatted: dict[str, FormattedSource],
    evidence: dict[str, Evidence],
    by_source: dict[str, list[Finding]],
) -> View:
    source = formatted[key]
    entry = project.bibliography.sources[key]
    index = project.claim_index
    supported = [index[c] for c in claims_supported_by(graph, key) if c in index]
    return {
        "key": key,
        "anchor": anchor("source", key),
        "text": source.text,
        "short": source.short,
        "title": source.title,
        "doi_url": source.doi_url,
        "pmid_url": source.pmid_url,
        "pmcid_url": source.pmcid_url,
        "unverifiable": entry.unverifiable,
        "verified": verification_text(entry, project.verification.get(key)),
        "evidence": evidence_view(evidence[key]),
        "note": entry.get("note"),
        "claims": [
            {
                "id": c.id,
                "anchor": anchor("claim", c.id),
                "text": c.text,
                "document": r.document.path,
            }
            for r, c in supported
        ],
        "findings": [finding_view(f) for f in by_source.get(key, [])],
    }


def verification_text(source: Source, result: SourceResult | None) -> str:
    """Say whether and when `tracker verify` checked a source, and what it found."""
    if result is None:
        return "not verified yet: tracker verify looks it up"
    if not result.matches(source):
        return f"not verified since its entry changed (last verified on {result.checked})"
    if result.status == FOUND:
        services = result.services
        names = (
            services[0] if len(services) == 1 else ", ".join(services[:-1]) + " and " + services[-1]
        )
        return f"found in {names} on {result.checked}"
    if result.status == NOT_FOUND:
        return f"no record found on {result.checked}: {result.error}"
    return f"could not be verified on {result.checked}: {result.error}"


def finding_view(finding: Finding) -> View:
    return finding.as_dict() | {"location": f"{finding.path}:{finding.line}:{finding.col}"}


def anchor(kind: str, name: str) -> str:
    """Return an HTML id for a document, claim or source, safe in a URL fragment."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"{kind}-{safe}"


def write_reports(view: View, folder: Path) -> list[Path]:
    """Render the HTML and Markdown reports into folder and return their paths."""
    from tracker.atomic import write_atomic

    written = []
    for fmt, name in REPORT_FILES.items():
        path = folder / name
        write_atomic(path, render(f"report.{fmt}.j2", view))
        written.append(path)
    return written


def filters_view(documents: list[View], sources: list[View]) -> View:
    """Return the choices of each filter of the HTML report, with how many claims each selects."""
    claims = [c for d in documents for c in d["claims"]]
    return {
        "documents": [
            {"value": d["anchor"], "label": d["title"], "count": d["total"]} for d in documents
        ],
        "statuses": options(
            [[c["status"]] for c in claims], STATUS_LABELS, lambda s: STATUS_LABELS[s]
        ),
        "kinds": options([c["kinds"] for c in claims], KINDS),
        "severities": options(
            [c["severities"] or [NO_FINDING] for c in claims],
            [*(s.value for s in Severity), NO_FINDING],
        ),
        "risks": options([[c["risk"]] for c in claims], [*RANKS, NO_RISK]),
        "checks": options(
            [c["checks"] or [NO_FINDING] for c in claims],
            [*sorted({k for c in claims for k in c["checks"]}), NO_FINDING],
        ),
        "evidence": options(
            [[c["evidence_level"]] for c in claims], [*vocabulary(), "unknown", NO_EVIDENCE]
        ),
        "verdicts": options([[c["verdict"]] for c in claims], [*VERDICTS, NO_VERDICT]),
        "sources": [
            {"value": s["key"], "label": s["short"], "count": len(s["claims"])} for s in sources
        ],
    }


def options(values: list[list[str]], order: Iterable[str], label: Any = None) -> list[View]:
    """Count the claims holding each value, in the given order then any other value's."""
    counts = Counter(v for held in values for v in set(held))
    ordered = [*dict.fromkeys([*order, *sorted(counts)])]
    return [
        {"value": v, "label": label(v) if label else v, "count": counts[v]}
        for v in ordered
        if counts[v]
    ]


def graph_view(documents: list[View], sources: list[View]) -> View:
    """Lay out the claim-source graph: sources on the left, documents on the right, one edge
    per source and document weighted by how many of the document's claims cite the source."""
    rows = max(len(sources), len(documents), 1)
    height = rows * GRAPH_ROW + 16
    left = [column_y(i, len(sources), height) for i in range(len(sources))]
    right = [column_y(i, len(documents), height) for i in range(len(documents))]
    source_y = {s["key"]: y for s, y in zip(sources, left, strict=True)}
    doc_y = {d["anchor"]: y for d, y in zip(documents, right, strict=True)}
    counts = {pair: n for pair, n in citation_counts(documents).items() if pair[0] in source_y}
    fans = Counter(key for key, _ in counts) + Counter(anchor for _, anchor in counts)
    edges = [
        edge_view(key, anchor, n, (source_y[key], doc_y[anchor]), fans[key] <= fans[anchor])
        for (key, anchor), n in counts.items()
    ]
    return {
        "width": GRAPH_WIDTH,
        "height": height,
        "node_width": GRAPH_NODE_WIDTH,
        "right_x": GRAPH_WIDTH - GRAPH_NODE_WIDTH,
        "labels": len(edges) <= GRAPH_LABELS_UP_TO,
        "sources": [
            {
                "key": s["key"],
                "anchor": s["anchor"],
                "label": shorten(s["short"]),
                "title": s["short"],
                "count": len(s["claims"]),
                "y": y,
            }
            for s, y in zip(sources, left, strict=True)
        ],
        "documents": [doc_node(d, y) for d, y in zip(documents, right, strict=True)],
        "edges": edges,
    }


def column_y(index: int, count: int, height: int) -> float:
    """Return the top of a node, the column's nodes spread evenly over the graph's height."""
    slot = (height - 16) / count
    return round(8 + slot * index + (slot - GRAPH_ROW) / 2 + 4, 1)


def citation_counts(documents: list[View]) -> Counter[tuple[str, str]]:
    return Counter(
        (key, d["anchor"]) for d in documents for c in d["claims"] for key in c["source_keys"]
    )


def edge_view(
    key: str, anchor: str, count: int, ys: tuple[float, float], near_source: bool
) -> View:
    """Draw an edge as a cubic from a source to a document; its count goes near the end where
    fewer edges meet, so that labels of a fan do not overlap."""
    x1, x2 = GRAPH_NODE_WIDTH, GRAPH_WIDTH - GRAPH_NODE_WIDTH
    mid = (x1 + x2) / 2
    a, b = (y + (GRAPH_ROW - 8) / 2 for y in ys)
    t = 0.25 if near_source else 0.75
    return {
        "key": key,
        "document": anchor,
        "count": count,
        "path": f"M{x1} {a} C{mid} {a} {mid} {b} {x2} {b}",
        "stroke": round(1 + math.log2(count), 1),
        "label_x": round(cubic(t, x1, mid, mid, x2), 1),
        "label_y": round(cubic(t, a, a, b, b) + 4, 1),
    }


def cubic(t: float, p0: float, p1: float, p2: float, p3: float) -> float:
    u = 1 - t
    return u**3 * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t**3 * p3


def doc_node(document: View, y: float) -> View:
    total = document["total"]
    statuses = Counter(c["status"] for c in document["claims"])
    x, bar = 8, GRAPH_NODE_WIDTH - 16
    segments = []
    for status in STATUS_LABELS:
        width = round(bar * statuses[status] / total, 1) if total else 0
        if width:
            segments.append({"status": status, "x": x, "width": width, "count": statuses[status]})
            x = round(x + width, 1)
    return {
        "anchor": document["anchor"],
        "label": shorten(document["title"]),
        "title": document["title"],
        "total": total,
        "cited": document["cited"],
        "y": y,
        "segments": segments,
    }


def shorten(text: str) -> str:
    """Cut a label to fit a node of the graph; the full text goes in the node's tooltip."""
    return text if len(text) <= GRAPH_TEXT else text[: GRAPH_TEXT - 1].rstrip() + "…"


def project_name(root: Path) -> str:
    """Name the project by its pyproject.toml [project] name, else by its folder, so that
    the report does not change with the folder a checkout happens to be in."""
    import tomllib

    try:
        text = read_bytes(root / "pyproject.toml", MAX_SETTINGS_BYTES).decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TooLarge, RecursionError):
        return root.name
    name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    return name if isinstance(name, str) and name else root.name
