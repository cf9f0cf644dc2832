"""Examples for the checks that read what `tracker verify` stored (sources/verification.json):
for each, projects that must trigger it and projects that must not."""

from __future__ import annotations

import json

from .conftest import Files
from .examples_hygiene import bib_with

RESULTS = "sources/verification.json"
# The base entry's identifiers, as verify records what it looked up by.
LOOKED_UP = {"doi": "10.1000/test.1"}
RECORD = {
    "service": "Crossref",
    "title": "A Randomised Trial of Vitamin D in Winter",
    "year": "2020",
    "authors": ["Smith", "Jones"],
    "journal": "Journal of Testing",
    "doi": "10.1000/test.1",
}


def stored(status: str = "found", identifiers=None, error=None, **record: object) -> Files:
    """Return a project file holding one stored result for the base entry."""
    result = {
        "status": status,
        "checked": "2026-12-01",
        "identifiers": identifiers if identifiers is not None else LOOKED_UP,
        "records": [{**RECORD, **record}] if status == "found" else [],
        "tried": ["Crossref works/10.1000/test.1", "OpenAlex works/doi:10.1000/test.1"],
    }
    if error:
        result["error"] = error
    return {RESULTS: json.dumps({"format": 1, "sources": {"smith2020trial": result}})}


NOT_FOUND = "the DOI 10.1000/test.1 resolves to no record in Crossref or OpenAlex"

EXAMPLES = {
    "sources.not_found": (
        [stored("not_found", error=NOT_FOUND)],
        [
            {},
            stored(),
            stored("failed", error="Crossref answered 503"),
            # The entry changed since: the stored result is about another DOI.
            stored("not_found", identifiers={"doi": "10.1000/old"}, error=NOT_FOUND),
        ],
    ),
    "sources.lookup_failed": (
        [stored("failed", error="Crossref did not answer in 10 s")],
        [{}, stored(), stored("not_found", error=NOT_FOUND)],
    ),
    "sources.metadata_mismatch": (
        [
            stored(title="Zinc Lozenges for the Common Cold"),
            stored(year="2017"),
            stored(authors=["Doe", "Smith"]),
            stored(journal="Annals of Unrelated Results"),
        ],
        [
            {},
            stored(),
            stored(title="A randomised trial of vitamin D in winter."),  # case and full stop
            stored(journal="J Test"),  # an abbreviation of the journal
            stored("not_found", error=NOT_FOUND),
        ],
    ),
    "sources.evidence_conflict": (
        [
            {
                "references.bib": bib_with(evidence="rct"),
                **stored(service="PubMed", types=["Journal Article", "Review"]),
            },
            {
                "references.bib": bib_with(evidence="rct"),
                **stored(service="PubMed", mesh=["Animals", "Mice"]),
            },
        ],
        [
            {"references.bib": bib_with(evidence="rct")},
            {
                "references.bib": bib_with(evidence="rct"),
                **stored(service="PubMed", types=["Randomized Controlled Trial"]),
            },
            # Nothing declared: the record gives the level, nothing disagrees.
            stored(service="PubMed", types=["Review"]),
        ],
    ),
}
