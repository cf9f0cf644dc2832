"""Examples for the checks of dependence and consistency: claims resting on one source, one
source carrying a page, the same claim cited differently, and retracted sources."""

from __future__ import annotations

import json

from .conftest import BIB, RETRACTIONS, Files

LEE = "@article{lee2021cohort,\n  title = {A Cohort Study of Vitamin D},\n  journal = {J Cohorts},\n  year = {2021},\n  doi = {10.1000/test.2}\n}\n"
CHEN = "@article{chen2022lab,\n  title = {Vitamin D in Cultured Cells},\n  journal = {J Cells},\n  year = {2022},\n  evidence = {in-vitro},\n  pmid = {99000042}\n}\n"
SOURCES = BIB + LEE + CHEN

Page = list[tuple[str, list[str]]]  # (claim text, cited keys) in document order


def page(name: str, claims: Page, status: dict[int, str] | None = None) -> Files:
    """Return a document and its register: each claim on its own line, ids "<name>-<n>"."""
    lines, entries, offset = [], [], 0
    for n, (text, keys) in enumerate(claims, 1):
        lines.append(text)
        cites = "[]" if not keys else "\n" + "".join(f"      - {{key: {k}}}\n" for k in keys)
        entry = (
            f"  - id: {name}-{n}\n    text: {json.dumps(text)}\n"
            f"    location: {{line: {2 * n - 1}, start: {offset}, end: {offset + len(text)}}}\n"
            f"    kinds: [efficacy]\n    citations: {cites.rstrip()}\n"
        )
        if status and n in status:
            entry += f"    status: {status[n]}\n    note: set aside\n"
        entries.append(entry)
        offset += len(text) + 2
    register = f"document:\n  title: {name}\n  path: content/{name}.txt\nclaims:\n" + "".join(
        entries
    )
    return {f"content/{name}.txt": "\n\n".join(lines) + "\n", f"claims/{name}.yaml": register}


def project(*pages: Files, bib: str = SOURCES) -> Files:
    """Return the files of a project made of these pages (the base page left out)."""
    files: Files = {"references.bib": bib, "content/page.txt": None, "claims/page.yaml": None}
    for files_of_page in pages:
        files.update(files_of_page)
    return files


HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,"
    "RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,"
    "OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n"
)


def notice(
    record: str,
    nature: str,
    doi: str = "10.1000/test.1",
    pmid: str = "0",
    date: str = "3/14/2024 0:00",
    notice_doi: str = "10.1000/notice.1",
    notice_pmid: str = "0",
) -> str:
    """Return one invented row of Retraction Watch data."""
    return (
        f"{record},An Invented Paper,(HSC) Medicine;,Nowhere University,J Test,Example Press,"
        f"Nowhere,A Author,,Research Article;,{date},{notice_doi},{notice_pmid},1/1/2020 0:00,"
        f"{doi},{pmid},{nature},+Error in Data;,No,\n"
    )


def data(*rows: str) -> str:
    return HEADER + "".join(rows)


COLDS = "Vitamin D reduces colds in winter."
COLDS_AGAIN = "Vitamin D reduces the colds of winter."
OTHER = "Zinc is a metal found in oysters."
# A claim citing one source, and the same claim citing two: what single_source tells apart.
ONE_SOURCE = project(page("page", [(COLDS, ["smith2020trial"])]))
TWO_SOURCES = project(page("page", [(COLDS, ["smith2020trial", "lee2021cohort"])]))


def concentrated(**carried: int) -> Files:
    """Return a page on which each source (by key) is the one source of so many claims."""
    claims = [
        (f"Claim {n} resting on {key} holds.", [key])
        for key, count in carried.items()
        for n in range(count)
    ]
    return project(page("page", claims))


EXAMPLES: dict[str, tuple[list[Files], list[Files]]] = {
    "claims.single_source": (
        [{}, ONE_SOURCE, project(page("page", [(COLDS, ["chen2022lab", "nobody1999"])]))],
        [
            TWO_SOURCES,
            project(page("page", [(COLDS, [])])),
            project(page("page", [(COLDS, ["smith2020trial"])], status={1: "dismissed"})),
        ],
    ),
    "sources.concentration": (
        [
            concentrated(smith2020trial=3),
            concentrated(smith2020trial=4, lee2021cohort=3, chen2022lab=3),
        ],
        [
            {},
            concentrated(smith2020trial=2),
            concentrated(smith2020trial=3, lee2021cohort=2, chen2022lab=3),
        ],
    ),
    "claims.inconsistent": (
        [
            # cited on one page, uncited on another
            project(page("a", [(COLDS, ["smith2020trial"])]), page("b", [(COLDS_AGAIN, [])])),
            # cited to different sources
            project(
                page("a", [(COLDS, ["smith2020trial"])]),
                page("b", [(COLDS + " [1]", ["lee2021cohort"])]),
            ),
            # twice on one page, cited once
            project(page("a", [(COLDS, ["smith2020trial"]), (OTHER, []), (COLDS_AGAIN, [])])),
        ],
        [
            {},
            project(
                page("a", [(COLDS, ["smith2020trial"])]), page("b", [(COLDS, ["smith2020trial"])])
            ),
            project(page("a", [(COLDS, ["smith2020trial"])]), page("b", [(OTHER, [])])),
            project(page("a", [(COLDS, [])]), page("b", [(COLDS_AGAIN, [])])),
            project(
                page("a", [(COLDS, ["smith2020trial"])]),
                page("b", [(COLDS_AGAIN, [])], status={1: "dismissed"}),
            ),
            # "subset" texts score 100 on token-set ratio; the length guard tells them apart
            project(
                page("a", [(COLDS, ["smith2020trial"])]),
                page("b", [("Vitamin D reduces colds in winter in adults over 70 years.", [])]),
            ),
        ],
    ),
    "sources.retracted": (
        [
            {RETRACTIONS: data(notice("1", "Retraction"))},
            {RETRACTIONS: data(notice("2", "Correction"))},
            {RETRACTIONS: data(notice("3", "Expression of concern"))},
            {RETRACTIONS: data(notice("4", "Retraction", doi="HTTPS://DOI.ORG/10.1000/TEST.1"))},
            {
                **project(page("page", [(COLDS, ["chen2022lab"])])),
                RETRACTIONS: data(notice("5", "Retraction", doi="unavailable", pmid="99000042")),
            },
            {
                RETRACTIONS: data(
                    notice("6", "Retraction", date="2/1/2022 0:00"),
                    notice("7", "Reinstatement", date="9/1/2023 0:00"),
                )
            },
        ],
        [
            {},
            {RETRACTIONS: data(notice("8", "Retraction", doi="10.1000/other.9"))},
            # the bibliography cites the notice itself, not a retracted paper
            {
                RETRACTIONS: data(
                    notice("9", "Retraction", doi="10.1000/x", notice_doi="10.1000/test.1")
                )
            },
            # PMID 0 means none: it matches nothing
            {RETRACTIONS: data(notice("10", "Retraction", doi="unavailable", pmid="0"))},
        ],
    ),
}
