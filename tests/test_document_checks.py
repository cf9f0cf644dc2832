"""Writers' checks on one document: examples that must trigger each check and examples that
must not, plus the suggestion of the source the team already cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.checks.document.base import DocumentAudit
from tracker.checks.registry import DOCUMENT_CHECKS, run_document_checks
from tracker.extract import extract
from tracker.model import Source
from tracker.readers import ReaderError
from tracker.similar import ClaimMatcher, KnownClaim, cited_claims, comparable

SOURCES = {
    "smith2020trial": Source(
        "smith2020trial",
        "article",
        {"title": "Zinc and Wounds", "journal": "J Test", "year": "2020", "doi": "10.1000/z"},
        1,
    )
}
REGISTERED = [
    KnownClaim(
        "p-1",
        "Zinc speeds up wound healing in older adults. [1]",
        ("smith2020trial",),
        "content/page.txt",
    )
]

CITED = "Zinc speeds healing. [1]\n\nReferences\n\n1. Smith A. Zinc and wounds. J Test. 2020. doi:10.1000/z\n"
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "document.uncited": (["Zinc speeds up wound healing.\n"], [CITED, "Book a visit today.\n"]),
    "document.missing_reference": (
        ["Zinc heals. [4]\n\nReferences\n\n1. Smith A. Zinc. J Test. 2020.\n"],
        [CITED],
    ),
    "document.unresolved_reference": (
        [
            "Zinc heals. [1]\n\nReferences\n\n1. Brown B. Copper facts. Metal Rev. 2011.\n",
            "Zinc heals [@nobody2000].\n",
        ],
        [CITED, "Zinc heals [@smith2020trial].\n"],
    ),
    "document.wording": (
        ["Our exosome serum is FDA approved.\n", "Stem cell therapy cures arthritis. [1]\n"],
        [CITED, "Exosomes are small vesicles that cells release.\n"],
    ),
    "document.unreadable": ([b"\x00\x01\x02 binary \xff\xfe"], [CITED]),
    "document.reader_note": (["Caf\xe9 patrons catch fewer colds.\n".encode("cp1252")], [CITED]),
}


def audit_of(tmp_path: Path, content: str | bytes) -> DocumentAudit:
    path = tmp_path / "draft.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    audit = DocumentAudit("draft.md", None, SOURCES, ClaimMatcher(REGISTERED))
    try:
        audit.extraction = extract(path, SOURCES)
    except ReaderError as err:
        audit.error = str(err)
    return audit


def test_every_document_check_has_examples() -> None:
    assert {m.ID for m in DOCUMENT_CHECKS} == set(EXAMPLES)
    for module in DOCUMENT_CHECKS:
        assert module.__name__ == f"tracker.checks.{module.ID}" and module.SUMMARY


CASES = [(i, c, True) for i, (yes, _) in EXAMPLES.items() for c in yes] + [
    (i, c, False) for i, (_, no) in EXAMPLES.items() for c in no
]


@pytest.mark.parametrize(("check_id", "content", "should_fire"), CASES)
def test_examples(tmp_path: Path, check_id: str, content: str | bytes, should_fire: bool) -> None:
    findings = [
        f for f in run_document_checks(audit_of(tmp_path, content), None) if f.check == check_id
    ]
    assert bool(findings) == should_fire, findings


def test_uncited_sentence_names_the_source_the_team_already_cites(tmp_path: Path) -> None:
    findings = run_document_checks(
        audit_of(tmp_path, "Zinc speeds up wound healing in older adults.\n"), None
    )
    (finding,) = [f for f in findings if f.check == "document.uncited"]
    assert (
        "the team already cites smith2020trial for this (p-1 in content/page.txt" in finding.message
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zinc speeds up wound healing in older adults.", "p-1"),
        ("In older adults, zinc speeds up wound healing!", "p-1"),
        ("Zinc is a metal.", None),
        ("Copper slows wound healing in young adults who smoke and drink coffee.", None),
    ],
)
def test_closest_registered_claim(sentence: str, expected: str | None) -> None:
    match = ClaimMatcher(REGISTERED).closest(sentence)
    assert (match.claim.id if match else None) == expected


def test_comparable_text_drops_markers_case_and_typography() -> None:
    assert comparable("Wharton’s jelly “works”. [2]") == 'wharton\'s jelly "works".'


def test_register_reading_skips_what_is_broken() -> None:
    data = {
        "document": {"path": "content/a.txt"},
        "claims": [
            {"id": "a-1", "text": "Cited.", "citations": [{"key": "k"}]},
            {"id": "a-2", "text": "Uncited.", "citations": []},
            {"id": "a-3", "text": "Gone.", "citations": [{"key": "k"}], "status": "vanished"},
            "not a mapping",
            {"text": "No id.", "citations": [{"key": "k"}]},
        ],
    }
    assert [c.id for c in cited_claims(data)] == ["a-1"]
    assert cited_claims(["not", "a", "register"]) == []
