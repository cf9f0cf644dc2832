"""`tracker add`: a BibTeX entry built from the record of a DOI or PMID, added to the bibliography.

The entry is appended as an edit that keeps everything already there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from tracker.identifiers import normalize_doi, normalize_pmid
from tracker.model import Bibliography
from tracker.online import crossref, openalex, pubmed
from tracker.online.http import Client, LookupFailed
from tracker.verification import Record

FIELD_ORDER = ("author", "title", "journal", "year", "volume", "number", "pages", "doi", "pmid")
STOP_WORDS = frozenset("a an the of on in and for to with from by at is are".split())


class AddError(Exception):
    """An identifier that cannot be added: not an identifier, unknown, or there already."""


def identify(text: str) -> tuple[str, str]:
    """Return ("doi", DOI) or ("pmid", PMID) for what a person typed or pasted."""
    doi = normalize_doi(text)
    if doi:
        return "doi", doi
    pmid = normalize_pmid(text)
    if pmid:
        return "pmid", pmid
    raise AddError(
        f'"{text}" is neither a DOI nor a PMID - give one such as 10.3390/ijms22052551, '
        "https://doi.org/10.3390/ijms22052551, PMID: 33807701 or a PubMed link"
    )


def fetch(client: Client, kind: str, value: str) -> Record:
    """Return the record of an identifier: Crossref's for a DOI (with the PMID OpenAlex gives
    for it), PubMed's for a PMID (which gives its DOI)."""
    try:
        if kind == "pmid":
            record = pubmed.records(client, [value]).get(value)
        else:
            record = crossref.work(client, value)
            if record is not None and not record.pmid:
                other = openalex.work(client, doi=value)
                record = replace(record, pmid=other.pmid) if other and other.pmid else record
    except LookupFailed as error:
        raise AddError(f"{kind.upper()} {value}: {error} - try again later") from error
    if record is None:
        raise AddError(f"{kind.upper()} {value} resolves to no record - check it")
    return record


def already_there(bibliography: Bibliography, record: Record) -> str | None:
    """Return the key of the entry that already has the record's DOI or PMID, if one does."""
    by_doi, by_pmid = bibliography.by_doi(), bibliography.by_pmid()
    return (record.doi and by_doi.get(record.doi)) or (record.pmid and by_pmid.get(record.pmid))


def entry_text(record: Record, taken: set[str]) -> tuple[str, str]:
    """Return a new key and the BibTeX entry of a record."""
    key = new_key(record, taken)
    fields = {
        "author": " and ".join(record.names),
        "title": record.title,
        "journal": record.journal,
        "year": record.year,
        "volume": record.volume,
        "number": record.issue,
        "pages": (record.pages or "").replace("-", "--") or None,
        "doi": record.doi,
        "pmid": record.pmid,
    }
    if record.pmcid:
        fields["pmcid"] = record.pmcid
    body = ",\n".join(
        f"  {name} = {{{_field_value(name, value)}}}" for name, value in fields.items() if value
    )
    return key, f"@article{{{key},\n{body}\n}}\n"


def new_key(record: Record, taken: set[str]) -> str:
    """Return a key as the bundled project writes them: family name, year, first title word
    (shin2021comparative), with a letter added when it is taken."""
    family = _ascii(record.authors[0] if record.authors else "anon")
    words = [_ascii(w) for w in (record.title or "").split()]
    word = next((w for w in words if w and w not in STOP_WORDS), "")
    base = f"{family}{record.year or ''}{word}" or "entry"
    key, suffix = base, ord("a")
    while key.lower() in {t.lower() for t in taken}:
        key = f"{base}{chr(suffix)}"
        suffix += 1
    return key


def append_entry(path: Path, entry: str) -> None:
    """Append an entry to a BibTeX file under its lock, leaving all it holds as it was."""
    from tracker.atomic import update_file

    def edit(text: str | None) -> str:
        before = text or ""
        gap = (
            ""
            if not before or before.endswith("\n\n")
            else ("\n" if before.endswith("\n") else "\n\n")
        )
        return before + gap + entry

    update_file(path, edit, str(path))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", plain.encode("ascii", "ignore").decode().lower())


def _field_value(name: str, value: str) -> str:
    """Return a value as BibTeX holds it: text escaped, identifiers and numbers as they are."""
    if name not in ("author", "title", "journal"):
        return value.replace("{", "").replace("}", "")
    return _escaped(value, keep_braces=name == "author")


def _escaped(value: str, keep_braces: bool = False) -> str:
    """Escape what LaTeX reads as markup (% starts a comment, & splits a table)."""
    value = value.replace("\\", "")
    if not keep_braces:  # a stray brace would end the field
        value = value.replace("{", "").replace("}", "")
    return re.sub(r"([%&#_$])", r"\\\1", value)
