"""What `tracker verify` found about each source, kept in a file the project commits.

The look-ups themselves live in tracker.online and touch the network; this module does not.
It holds the records, reads and writes `sources/verification.json`, and derives from a
stored record what the checks and the report need: the level of evidence a PubMed record
gives, and how the record differs from the bibliography entry. So CI without network and
the report show the same "checked on DATE" facts as the run that looked them up.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tracker import warm
from tracker.model import Source

RESULTS_FILE = "sources/verification.json"
FORMAT = 1
FOUND, NOT_FOUND, FAILED = "found", "not_found", "failed"


@dataclass(frozen=True)
class Update:
    """A notice about a work: a retraction, correction or expression of concern."""

    nature: str  # retraction, correction, expression_of_concern, reinstatement
    notice: str | None  # the notice's DOI
    date: str | None  # YYYY-MM-DD
    service: str


@dataclass(frozen=True)
class Record:
    """What a service's record says of a work, in the fields the tracker compares."""

    service: str
    title: str | None = None
    year: str | None = None
    authors: tuple[str, ...] = ()  # family names, in order
    names: tuple[str, ...] = ()  # "Family, Given", in order, for a BibTeX entry
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    types: tuple[str, ...] = ()  # PubMed publication types, or the service's work type
    mesh: tuple[str, ...] = ()
    retracted: bool = False
    updates: tuple[Update, ...] = ()
    abstract: str | None = None


@dataclass
class SourceResult:
    """The outcome of verifying one source, as stored."""

    key: str
    status: str  # found, not_found, failed
    checked: str  # YYYY-MM-DD
    identifiers: dict[str, str] = field(default_factory=dict)  # what was looked up
    records: list[Record] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)  # what was asked of which service
    error: str | None = None
    proposed_doi: str | None = None  # found by a title search, for a source without one

    @property
    def services(self) -> list[str]:
        return sorted({record.service for record in self.records})

    def matches(self, source: Source) -> bool:
        """Tell whether the result is about the entry as it is now (same identifiers)."""
        return self.identifiers == identifiers_of(source)

    def record(self, service: str | None = None) -> Record | None:
        """Return the first record (of a service, if named)."""
        return next((r for r in self.records if service in (None, r.service)), None)


def identifiers_of(source: Source) -> dict[str, str]:
    """Return the identifiers a source is looked up by, or its title when it has none."""
    pairs = (("doi", source.doi), ("pmid", source.pmid), ("pmcid", source.pmcid))
    found = {name: value for name, value in pairs if value}
    if not found and source.get("title"):
        found["title"] = " ".join((source.get("title") or "").split())
    return found


# ---------------------------------------------------------------------------------------------
# The stored file


def load_results(root: Path) -> dict[str, SourceResult]:
    """Return the stored results by key; none when the file is absent or unreadable."""
    from tracker.limits import MAX_BASELINE_BYTES, TooLarge, read_bytes

    try:
        payload = json.loads(read_bytes(root / RESULTS_FILE, MAX_BASELINE_BYTES))
    except (OSError, TooLarge, ValueError):
        return {}
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return {}
    results = {}
    for key, item in (payload.get("sources") or {}).items():
        try:
            results[key] = _result(key, item)
        except (TypeError, KeyError, ValueError):
            continue  # a hand-edited entry that no longer fits is verified again
    return results


def save_results(root: Path, results: dict[str, SourceResult]) -> Path:
    """Write the results, sorted by key, so that a rerun that found the same writes the same."""
    from tracker.atomic import write_atomic

    payload = {
        "format": FORMAT,
        "sources": {key: _plain(results[key]) for key in sorted(results)},
    }
    path = root / RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def _plain(result: SourceResult) -> dict[str, Any]:
    data = asdict(result)
    data.pop("key")
    for record in data["records"]:
        for name in [n for n, v in record.items() if v in (None, (), [], False)]:
            del record[name]
    return {name: value for name, value in data.items() if value not in (None, [], {})}


def _result(key: str, item: dict[str, Any]) -> SourceResult:
    records = [
        Record(
            **{
                **record,
                "authors": tuple(record.get("authors", ())),
                "names": tuple(record.get("names", ())),
                "types": tuple(record.get("types", ())),
                "mesh": tuple(record.get("mesh", ())),
                "updates": tuple(Update(**u) for u in record.get("updates", ())),
            }
        )
        for record in item.get("records", [])
    ]
    return SourceResult(
        key,
        str(item["status"]),
        str(item["checked"]),
        dict(item.get("identifiers", {})),
        records,
        list(item.get("tried", [])),
        item.get("error"),
        item.get("proposed_doi"),
    )


# ---------------------------------------------------------------------------------------------
# What a record says


@cache
def _pubmed_levels() -> dict[str, Any]:
    from tracker.datafiles import load_data

    return load_data("pubmed_types.yaml")


def record_level(record: Record) -> tuple[str, str] | None:
    """Return the level of evidence a PubMed record gives, and why; None when it gives none."""
    data = _pubmed_levels()
    for row in data["types"]:
        if row["type"] in record.types:
            return row["level"], f"PubMed publication type: {row['type']}"
    mesh = set(record.mesh)
    if mesh & set(data["in_vitro_headings"]):
        heading = sorted(mesh & set(data["in_vitro_headings"]))[0]
        return "in-vitro", f"PubMed MeSH heading: {heading}"
    if mesh & set(data["animal_headings"]) and data["human_heading"] not in mesh:
        return "animal", "PubMed MeSH heading: Animals, without Humans"
    return None


def mismatches(source: Source, record: Record) -> list[tuple[str, str, str]]:
    """Return the fields in which the entry differs from the record: (field, entry, record)."""
    found = []
    title = source.get("title")
    if title and record.title and not same_title(title, record.title):
        found.append(("title", title, record.title))
    year = source.year
    if year and record.year and year[:4] != record.year[:4]:
        found.append(("year", year, record.year))
    author = source.get("author")
    if author and record.authors:
        from tracker.resolve import first_family_name

        if first_family_name(author) != fold(record.authors[0]):
            found.append(("first author", author.split(" and ")[0], record.authors[0]))
    journal = source.journal
    if journal and record.journal and not same_journal(journal, record.journal):
        found.append(("journal", journal, record.journal))
    return found


def fold(text: str) -> str:
    """Return text compared as equal across case, accents, LaTeX and punctuation."""
    from tracker.latex import latex_to_text

    plain = unicodedata.normalize("NFKD", latex_to_text(text))
    return "".join(ch for ch in plain if ch.isalnum()).lower()


# What a publisher puts before the title of a retracted or withdrawn work.
NOTICE_PREFIX = warm.pattern(
    r"^\s*(?:retracted|withdrawn|retraction|expression of concern)\s*:\s*", re.I
)


def same_title(a: str, b: str) -> bool:
    """Tell whether two titles are the same, setting aside case, markup, a subtitle and the
    "RETRACTED:" a publisher puts before a retracted work's title."""
    x, y = fold(NOTICE_PREFIX.sub("", a)), fold(NOTICE_PREFIX.sub("", b))
    return x == y or (min(len(x), len(y)) >= 20 and (x.startswith(y) or y.startswith(x)))


def same_journal(a: str, b: str) -> bool:
    from tracker.resolve import names_same_venue

    return fold(a) == fold(b) or names_same_venue(a, b)
