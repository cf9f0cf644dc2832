"""Build the evidence report's view model and render it as HTML and Markdown.

Templates get a plain view model of dicts, lists and strings - never graph or project
objects - so what a template shows is decided here and tested here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from tracker.evidence import Evidence, evidence_of, strongest, vocabulary
from tracker.formatting import FormattedSource, format_sources
from tracker.graph import claims_supported_by
from tracker.model import KINDS, Citation, Claim, Finding, Register, Severity
from tracker.project import Project
from tracker.render import render

STATUS_LABELS = {
    "cited": "Cited",
    "unverifiable": "Cites an unverifiable source",
    "unresolved": "Citation not resolved",
    "uncited": "No citation",
}
REPORT_FILES = {"html": "evidence.html", "md": "evidence.md"}
# Findings a claim's status badge already states; repeating them on every card would double
# the length of a page with a hundred uncited claims. They stay in the list of all findings.
STATED_BY_STATUS = frozenset({"claims.uncited"})

View = dict[str, Any]


def claim_status(claim: Claim, project: Project) -> str:
    """Return uncited, unresolved, unverifiable or cited: the worst state of a claim's citations."""
    if not claim.citations:
        return "uncited"
    sources = project.bibliography.sources
    if any(not c.key or c.key not in sources for c in claim.citations):
        return "unresolved"
    if all(sources[c.key].unverifiable for c in claim.citations if c.key):
        return "unverifiable"
    return "cited"


def build_view(
    project: Project, graph: nx.DiGraph, findings: list[Finding], generated: str
) -> View:
    """Return the report's view model."""
    formatted = format_sources(project.bibliography.sources.values())
    evidence = {key: evidence_of(s) for key, s in project.bibliography.sources.items()}
    by_claim: dict[str, list[Finding]] = defaultdict(list)
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.claim_id and finding.check not in STATED_BY_STATUS:
            by_claim[finding.claim_id].append(finding)
        if finding.source_key:
            by_source[finding.source_key].append(finding)
    documents = [
        document_view(r, project, formatted, evidence, by_claim) for r in project.registers
    ]
    return {
        "title": "Evidence report",
        "project": project.root.name,
        "generated": generated,
        "summary": summary_view(project, documents, findings)
        | {"evidence_levels": levels_view(evidence)},
        "documents": documents,
        "sources": [
            source_view(key, project, graph, formatted, evidence, by_source) for key in formatted
        ],
        "findings": [finding_view(f) for f in findings],
    }


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
    return {
        "documents": len(documents),
        "claims": len(claims),
        "cited": cited,
        "share_cited": percent(cited, len(claims)),
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
    }


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
        "total": len(claims),
        "cited": statuses["cited"],
        "uncited": statuses["uncited"],
        "share_cited": percent(statuses["cited"], len(claims)),
    }


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
    return {
        "id": claim.id,
        "anchor": anchor("claim", claim.id),
        "text": claim.text,
        "line": claim.span.line,
        "kinds": list(claim.kinds),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "citations": [citation_view(c, project, formatted) for c in claim.citations],
        "evidence": evidence_view(strongest(known)) if known else None,
        "review": None
        if review is None
        else {"verdict": review.verdict, "by": review.by, "at": review.at, "note": review.note},
        "findings": [finding_view(f) for f in by_claim.get(claim.id, [])],
    }


def citation_view(
    citation: Citation, project: Project, formatted: dict[str, FormattedSource]
) -> View:
    source = formatted.get(citation.key or "")
    entry = project.bibliography.sources.get(citation.key or "")
    return {
        "key": citation.key,
        "marker": citation.marker,
        "reference": citation.reference,
        "locator": citation.locator,
        "quote": citation.quote,
        "score": citation.score,
        "known": source is not None,
        "unverifiable": bool(entry and entry.unverifiable),
        "short": source.short if source else None,
        "text": source.text if source else None,
        "anchor": anchor("source", source.key) if source else None,
    }


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
