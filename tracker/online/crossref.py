"""Crossref's REST API: a work by its DOI, a bibliographic search, and the notices about a work.

The notices are a work's `updated-by` relations.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from tracker.identifiers import normalize_doi
from tracker.online.http import Client, Service
from tracker.verification import Record, Update

CROSSREF = Service("Crossref", "TRACKER_CROSSREF_URL", "https://api.crossref.org", 10.0)
# Crossref's update types, as the natures the tracker reports.
NATURES = {
    "retraction": "retraction",
    "withdrawal": "retraction",
    "removal": "retraction",
    "partial_retraction": "retraction",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
    "expression_of_concern": "expression_of_concern",
    "expression-of-concern": "expression_of_concern",
    "reinstatement": "reinstatement",
}
MARKUP = re.compile(r"<[^<>]+>")


def work(client: Client, doi: str) -> Record | None:
    """Return Crossref's record of a DOI, or None when it has none."""
    payload = client.json(CROSSREF, f"works/{quote(doi, safe='/:;()')}", _polite(client))
    if payload is None:
        return None
    return record_of(payload.get("message") or {})


def search(client: Client, title: str, author: str | None, year: str | None) -> list[Record]:
    """Return the works Crossref finds for a title (with author and year), best first."""
    params = {"query.bibliographic": title, "rows": 5, **_polite(client)}
    if author:
        params["query.author"] = author
    payload = client.json(CROSSREF, "works", params)
    items = ((payload or {}).get("message") or {}).get("items") or []
    return [record_of(item) for item in items if isinstance(item, dict)]


def record_of(message: dict[str, Any]) -> Record:
    """Turn a Crossref work into a Record."""
    # `updated-by` lists the notices about this work (Crossref fills it from publishers'
    # deposits and from the Retraction Watch data); `update-to` is on a notice itself and
    # names the work it updates, so a cited notice is not itself retracted.
    updates = [_update(item) for item in message.get("updated-by") or []]
    abstract = message.get("abstract")
    return Record(
        service="Crossref",
        title=_first(message.get("title")),
        year=_year(message),
        authors=tuple(
            str(a.get("family") or a.get("name") or "")
            for a in message.get("author") or []
            if isinstance(a, dict) and (a.get("family") or a.get("name"))
        ),
        names=tuple(_name(a) for a in message.get("author") or [] if _name(a)),
        journal=_first(message.get("container-title")),
        volume=_plain_text(message.get("volume")),
        issue=_plain_text(message.get("issue")),
        pages=_plain_text(message.get("page")),
        doi=normalize_doi(message.get("DOI")),
        types=(str(message["type"]),) if message.get("type") else (),
        updates=tuple(u for u in updates if u is not None),
        abstract=" ".join(MARKUP.sub(" ", abstract).split()) if isinstance(abstract, str) else None,
    )


def _name(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    family, given = author.get("family"), author.get("given")
    if isinstance(family, str) and family.strip():
        return f"{family.strip()}, {given.strip()}" if isinstance(given, str) else family.strip()
    name = author.get("name")
    return f"{{{name.strip()}}}" if isinstance(name, str) and name.strip() else ""


def _plain_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _update(item: Any) -> Update | None:
    if not isinstance(item, dict):
        return None
    nature = NATURES.get(str(item.get("type", "")).lower().replace(" ", "_"))
    if nature is None:
        return None
    return Update(nature, normalize_doi(item.get("DOI")), _date(item.get("updated")), "Crossref")


def _first(value: Any) -> str | None:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return " ".join(value[0].split())
    return " ".join(value.split()) if isinstance(value, str) else None


def _year(message: dict[str, Any]) -> str | None:
    for name in ("issued", "published-print", "published-online", "published", "created"):
        date = _date(message.get(name))
        if date:
            return date[:4]
    return None


def _date(value: Any) -> str | None:
    """Return a Crossref date ({"date-parts": [[2020, 3, 4]]}) as 2020-03-04, as far as given."""
    try:
        parts = [int(p) for p in value["date-parts"][0] if p is not None]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
    if not parts:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])


def _polite(client: Client) -> dict[str, str]:
    return {"mailto": client.contact} if client.contact else {}
