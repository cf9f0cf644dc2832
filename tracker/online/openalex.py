"""OpenAlex: a work by its DOI or PMID, whether it is retracted, its type and abstract."""

from __future__ import annotations

from typing import Any

from tracker.identifiers import normalize_doi, normalize_pmid
from tracker.online.http import Client, Service
from tracker.verification import Record

OPENALEX = Service("OpenAlex", "TRACKER_OPENALEX_URL", "https://api.openalex.org", 10.0)


def work(
    client: Client, doi: str | None = None, pmid: str | None = None, pmcid: str | None = None
) -> Record | None:
    """Return OpenAlex's record of a work named by DOI, PMID or PMCID (the first given), or
    None when it has none."""
    name = f"doi:{doi}" if doi else (f"pmid:{pmid}" if pmid else f"pmcid:{pmcid}")
    params = {"mailto": client.contact} if client.contact else None
    payload = client.json(OPENALEX, f"works/{name}", params)
    return record_of(payload) if isinstance(payload, dict) else None


def record_of(work: dict[str, Any]) -> Record:
    ids = work.get("ids")
    ids = ids if isinstance(ids, dict) else {}
    location = work.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    source = source if isinstance(source, dict) else {}
    year = work.get("publication_year")
    return Record(
        service="OpenAlex",
        title=_text(work.get("title") or work.get("display_name")),
        year=str(year) if isinstance(year, int) else None,
        authors=tuple(_family(a) for a in work.get("authorships") or [] if _family(a)),
        journal=_text(source.get("display_name")),
        doi=normalize_doi(ids.get("doi") or work.get("doi")),
        pmid=normalize_pmid(ids.get("pmid")),
        types=(str(work["type"]),) if work.get("type") else (),
        retracted=bool(work.get("is_retracted")),
        abstract=abstract_of(work.get("abstract_inverted_index")),
    )


def abstract_of(index: Any) -> str | None:
    """Rebuild an abstract from OpenAlex's inverted index (word: [positions])."""
    if not isinstance(index, dict) or not index:
        return None
    placed = [
        (p, word)
        for word, positions in index.items()
        for p in positions or []
        if isinstance(p, int)
    ]
    return " ".join(word for _, word in sorted(placed)) or None


def _family(authorship: Any) -> str:
    """Return an author's family name: OpenAlex gives display names ("Sungho Shin")."""
    name = (
        ((authorship or {}).get("author") or {}).get("display_name")
        if isinstance(authorship, dict)
        else None
    )
    return str(name).split()[-1] if isinstance(name, str) and name.split() else ""


def _text(value: Any) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None
