"""NCBI E-utilities for PubMed: records by PMID, many at a time.

esummary says whether each exists; efetch gives publication types, MeSH headings, abstract
and retraction notices.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from lxml import etree

from tracker.identifiers import normalize_doi, normalize_pmcid
from tracker.online.http import Client, LookupFailed, Service
from tracker.verification import Record, Update

# Three requests a second without an API key, ten with one (NCBI's published limits).
PUBMED = Service(
    "PubMed",
    "TRACKER_PUBMED_URL",
    "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    10.0 if os.environ.get("NCBI_API_KEY") else 3.0,
)
BATCH = 200
# PubMed's comment-correction links that are notices about the article (MEDLINE's RefType).
NOTICES = {
    "RetractionIn": "retraction",
    "ErratumIn": "correction",
    "ExpressionOfConcernIn": "expression_of_concern",
}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def records(client: Client, pmids: Iterable[str]) -> dict[str, Record]:
    """Return PubMed's records of the PMIDs it has, by PMID (absent: no such record)."""
    wanted = sorted(set(pmids))
    found: dict[str, Record] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        result = summaries(client, batch)
        existing = [pmid for pmid in batch if _exists(result, pmid)]
        found.update(fetch(client, existing))
    return found


def summaries(client: Client, pmids: list[str]) -> dict[str, Any]:
    payload = client.json(PUBMED, "esummary.fcgi", _params(client, pmids, retmode="json"))
    result = (payload or {}).get("result") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        raise LookupFailed("PubMed answered without a result")
    return result


def _exists(result: dict[str, Any], pmid: str) -> bool:
    item = result.get(pmid)
    return isinstance(item, dict) and "error" not in item and bool(item.get("uid"))


def fetch(client: Client, pmids: list[str]) -> dict[str, Record]:
    """Return the efetch records of PMIDs known to exist."""
    if not pmids:
        return {}
    response = client.get(PUBMED, "efetch.fcgi", _params(client, pmids, retmode="xml"))
    try:
        root = etree.fromstring(response.content, PARSER)
    except etree.XMLSyntaxError as error:
        raise LookupFailed("PubMed answered with malformed XML") from error
    found = {}
    for article in root.iter("PubmedArticle"):
        record = record_of(article)
        if record.pmid:
            found[record.pmid] = record
    return found


def record_of(article: Any) -> Record:
    """Turn a PubmedArticle element into a Record."""
    citation = article.find("MedlineCitation")
    pmid = citation.findtext("PMID") if citation is not None else None
    art = citation.find("Article") if citation is not None else None
    abstract = [
        (part.get("Label") + ": " if part.get("Label") else "") + "".join(part.itertext())
        for part in (art.iterfind("Abstract/AbstractText") if art is not None else [])
    ]
    # The article's own ids: those in its reference list are other papers'.
    ids = {
        i.get("IdType"): (i.text or "").strip()
        for i in article.iterfind("PubmedData/ArticleIdList/ArticleId")
    }
    if "doi" not in ids and art is not None:
        ids["doi"] = art.findtext("ELocationID[@EIdType='doi']") or ""
    return Record(
        service="PubMed",
        title=_text(art.find("ArticleTitle")) if art is not None else None,
        year=_year(art),
        authors=tuple(_authors(art)),
        names=tuple(_names(art)),
        journal=(art.findtext("Journal/Title") or None) if art is not None else None,
        volume=(art.findtext("Journal/JournalIssue/Volume") or None) if art is not None else None,
        issue=(art.findtext("Journal/JournalIssue/Issue") or None) if art is not None else None,
        pages=(art.findtext("Pagination/MedlinePgn") or None) if art is not None else None,
        doi=normalize_doi(ids.get("doi")),
        pmid=(pmid or "").strip() or None,
        pmcid=normalize_pmcid(ids.get("pmc")),
        types=tuple(
            " ".join(t.itertext()).strip()
            for t in article.iterfind(".//PublicationTypeList/PublicationType")
        ),
        mesh=tuple(
            " ".join(d.itertext()).strip()
            for d in article.iterfind(".//MeshHeading/DescriptorName")
        ),
        updates=tuple(_notices(citation)),
        abstract=" ".join(" ".join(abstract).split()) or None,
    )


def _authors(article: Any) -> list[str]:
    names = []
    for author in article.iterfind("AuthorList/Author") if article is not None else []:
        name = author.findtext("LastName") or author.findtext("CollectiveName")
        if name:
            names.append(name.strip())
    return names


def _names(article: Any) -> list[str]:
    """Return "Family, Given" names (an organisation in braces), as a BibTeX entry wants."""
    names = []
    for author in article.iterfind("AuthorList/Author") if article is not None else []:
        family = author.findtext("LastName")
        given = author.findtext("ForeName") or author.findtext("Initials")
        group = author.findtext("CollectiveName")
        if family:
            names.append(f"{family.strip()}, {given.strip()}" if given else family.strip())
        elif group:
            names.append(f"{{{group.strip()}}}")
    return names


def _year(article: Any) -> str | None:
    if article is None:
        return None
    for path in ("Journal/JournalIssue/PubDate/Year", "ArticleDate/Year"):
        year = article.findtext(path)
        if year and year.strip()[:4].isdigit():
            return year.strip()[:4]
    medline = article.findtext("Journal/JournalIssue/PubDate/MedlineDate") or ""
    return medline[:4] if medline[:4].isdigit() else None


def _notices(citation: Any) -> list[Update]:
    found = []
    for link in citation.iterfind(".//CommentsCorrections") if citation is not None else []:
        nature = NOTICES.get(link.get("RefType", ""))
        if nature:
            pmid = (link.findtext("PMID") or "").strip()
            found.append(Update(nature, f"PMID {pmid}" if pmid else None, None, "PubMed"))
    return found


def _text(element: Any) -> str | None:
    if element is None:
        return None
    return " ".join("".join(element.itertext()).split()) or None


def _params(client: Client, pmids: list[str], **extra: str) -> dict[str, str]:
    params = {"db": "pubmed", "id": ",".join(pmids), **extra, "tool": "claims-tracker"}
    if client.contact:
        params["email"] = client.contact
    if os.environ.get("NCBI_API_KEY"):
        params["api_key"] = os.environ["NCBI_API_KEY"]
    return params
