"""Examples for the reviewer workflow checks: stale verdicts and unused suppressions. For each
check, projects that must trigger it and projects that must not (each the base project of
conftest with these files replaced)."""

from __future__ import annotations

import hashlib

from tracker.bibliography import parse_bibliography
from tracker.model import Citation, Claim, Span
from tracker.review import fingerprint

from .conftest import BIB, DOCUMENT, REGISTER, Files

UNUSED_ENTRY = "@misc{lonely2019note,\n  title = {A Note Nobody Cites},\n  year = {2019}\n}\n"

CLAIM = "Vitamin D reduces colds in winter. [1]"
NEW_DOI = BIB.replace("10.1000/test.1", "10.1000/test.2")


def reviewed(text: str = CLAIM, bib: str = BIB, keys: tuple[str, ...] = ("smith2020trial",)) -> str:
    """Return the base register with a review whose fingerprint is of this text and bibliography."""
    claim = Claim("p-000001", text, Span(1, 0, 38), citations=[Citation(key) for key in keys])
    seen = fingerprint(claim, parse_bibliography(bib, "references.bib").sources)
    sources = ", ".join(f"{key}: {value}" for key, value in seen.sources.items())
    return REGISTER + (
        "    review:\n      verdict: supported\n      by: A. Reviewer\n      at: '2026-11-20'\n"
        f"      fingerprint:\n        text: '{seen.text}'\n        sources: {{{sources}}}\n"
    )


def approved(document: str = DOCUMENT, claim: str = CLAIM) -> str:
    """Return the base register approved when the page read `document` and its claim `claim`."""
    text_hash = hashlib.sha256(document.encode("utf-8")).hexdigest()
    claim_hash = hashlib.sha256(" ".join(claim.split()).encode("utf-8")).hexdigest()[:12]
    approval = (
        "  approval:\n    by: Dr Lead\n    at: '2026-11-20T10:00:00+00:00'\n"
        f"    text_sha256: {text_hash}\n    claims: {{p-000001: {claim_hash}}}\n"
    )
    return REGISTER.replace("  path: content/page.txt\n", "  path: content/page.txt\n" + approval)


def suppressed(check: str, reason: str = "reviewed: see ticket 12") -> str:
    return REGISTER + f"    suppress:\n      - {{check: {check}, reason: '{reason}'}}\n"


def source_suppressed(key: str, check: str) -> str:
    return (
        REGISTER + f"sources:\n  {key}:\n    suppress:\n      - {{check: {check}, reason: why}}\n"
    )


EXAMPLES: dict[str, tuple[list[Files], list[Files]]] = {
    "review.changed_since_approval": (
        [
            {"claims/page.yaml": approved(document=DOCUMENT.replace("winter", "summer"))},
            {"claims/page.yaml": approved(claim="Vitamin D prevents colds. [1]")},
        ],
        [{}, {"claims/page.yaml": approved()}],
    ),
    "claims.stale_review": (
        [
            {"claims/page.yaml": reviewed(text="Vitamin D prevents colds. [1]")},
            {"claims/page.yaml": reviewed(), "references.bib": NEW_DOI},
            {"claims/page.yaml": reviewed(keys=())},
        ],
        [
            {},
            {"claims/page.yaml": reviewed()},
            {"claims/page.yaml": reviewed(text="Vitamin  D reduces colds\nin winter. [1]")},
            {"claims/page.yaml": REGISTER + "    review: {verdict: supported, by: A. Reviewer}\n"},
        ],
    ),
    "register.unused_suppression": (
        [
            {"claims/page.yaml": suppressed("claims.uncited")},
            {"claims/page.yaml": suppressed("claims.no_such_check")},
            {"claims/page.yaml": source_suppressed("smith2020trial", "sources.unused")},
        ],
        [
            {},
            {"claims/page.yaml": suppressed("claims.single_source")},
            {"claims/page.yaml": suppressed("claims")},
            {
                "claims/page.yaml": source_suppressed("lonely2019note", "sources.unused"),
                "references.bib": BIB + UNUSED_ENTRY,
            },
        ],
    ),
}
