"""Read the identifiers of works (DOI, PMID, PMCID) in every form people paste them.

One normaliser per identifier for the whole tool: the bibliography, the references of a
page, retraction data and links all compare identifiers through these functions, so a DOI
written `https://dx.doi.org/10.1000/ABC.` matches `doi:10.1000/abc`. Text that is not a
valid identifier gives None; digits are never picked out of junk.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from tracker import warm

# A DOI: "10.", a registrant code of four to nine digits (with sub-codes), "/" and a suffix
# of printable characters (the DOI Handbook, section 2.2; Crossref's recommended pattern).
# Quotes, braces, backslashes and the like never stand in one: they mark junk pasted with it.
DOI = warm.pattern(r"10\.\d{4,9}(?:\.\d+)*/[^\s\"'{}\\^`|]+")
# What may stand before a DOI: resolver links (any scheme, www., dx.), "doi:" and "DOI ".
DOI_PREFIX = warm.pattern(
    r"^(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|doi\s*:\s*|doi\s+)", re.IGNORECASE
)
# Punctuation a sentence or a reference list puts after a DOI; a closing bracket only when
# the DOI does not open it (10.1016/0006-2952(76)90226-8 keeps its own).
TRAILING = ".,;:'\"”’>"
PMID = warm.pattern(r"[1-9]\d{0,8}")
PUBMED_LINK = warm.pattern(
    r"^(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)"
    r"(\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
PMID_LABEL = warm.pattern(r"^pmid\s*:?\s*", re.IGNORECASE)
PMCID = warm.pattern(r"(?:PMC)?([1-9]\d{0,8})", re.IGNORECASE)
PMC_LINK = warm.pattern(
    r"^(?:https?://)?(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/"
    r"articles/)(PMC\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)


def normalize_doi(text: str | None) -> str | None:
    """Return a DOI in lower case without resolver, label or trailing punctuation, or None.

    DOIs are case-insensitive (the DOI Handbook, 2.4): lower case makes equal ones compare
    equal."""
    doi = clean_doi(text)
    return doi.lower() if doi else None


def clean_doi(text: str | None) -> str | None:
    """Return a DOI as written, without resolver, label or trailing punctuation, or None."""
    if not text:
        return None
    doi = text.strip().replace("\\_", "_")  # LaTeX-escaped underscores in .bib files
    if "%" in doi:
        doi = unquote(doi)
    doi = DOI_PREFIX.sub("", doi).strip()
    doi = _trim(doi)
    return doi if DOI.fullmatch(doi) else None


def _trim(doi: str) -> str:
    while doi and (
        doi[-1] in TRAILING
        or (doi[-1] == ")" and doi.count("(") < doi.count(")"))
        or (doi[-1] == "]" and doi.count("[") < doi.count("]"))
    ):
        doi = doi[:-1]
    return doi


def normalize_pmid(text: str | None) -> str | None:
    """Return a PubMed id as digits, from "123", "PMID: 123" or a PubMed link, or None."""
    if not text:
        return None
    value = text.strip().rstrip(".")
    link = PUBMED_LINK.match(value)
    if link:
        value = link.group(1)
    value = PMID_LABEL.sub("", value)
    return value if PMID.fullmatch(value) else None


def normalize_pmcid(text: str | None) -> str | None:
    """Return a PubMed Central id as "PMC" and digits, from "PMC123", "123" or a link, or None."""
    if not text:
        return None
    value = text.strip().rstrip(".")
    link = PMC_LINK.match(value)
    if link:
        value = link.group(1)
    found = PMCID.fullmatch(value)
    return f"PMC{found.group(1)}" if found else None
