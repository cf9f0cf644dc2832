"""Verify every source of a project against Crossref, PubMed and OpenAlex, and store the results.

What was found is stored by tracker.verification, with the abstracts as the sources' texts.

A source is looked up by its DOI (Crossref and OpenAlex) and its PMID (PubMed, many at a
time); one with neither, by a Crossref search of its title, accepted only when title,
first author and year agree. A source is "not found" only when every service asked answered
that it has no such work; a service that failed makes the result "failed", never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tracker.config import SOURCES_DIR
from tracker.model import Source
from tracker.online import crossref, openalex, pubmed
from tracker.online.http import Client, LookupFailed
from tracker.project import Project
from tracker.verification import (
    FAILED,
    FOUND,
    NOT_FOUND,
    Record,
    SourceResult,
    identifiers_of,
    load_results,
    same_title,
    save_results,
)

WORKERS = 8
ABSTRACT_MARK = "# abstract from "


@dataclass
class Lookup:
    """What the look-ups of one source gave so far."""

    source: Source
    records: list[Record] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    proposed_doi: str | None = None

    def ask(self, what: str, call: Callable[[], Record | None]) -> Record | None:
        """Run one look-up, noting what was tried and what failed."""
        self.tried.append(what)
        try:
            record = call()
        except LookupFailed as error:
            self.errors.append(str(error))
            return None
        if record is not None:
            self.records.append(record)
        return record


@dataclass
class Run:
    """The outcome of `tracker verify`: every source's result, and the requests it took."""

    results: dict[str, SourceResult]
    looked_up: list[str]
    requests: int


def verify_project(
    project: Project,
    today: str,
    refresh: bool = False,
    offline: bool = False,
    client: Client | None = None,
    watch: Callable[[list[Source]], Iterable[Source]] = iter,
) -> Run:
    """Look up the sources not verified yet (all with refresh; none offline) and store all."""
    stored = load_results(project.root)
    sources = list(project.bibliography.sources.values())
    todo = [s for s in sources if refresh or _needs_lookup(stored.get(s.key), s)]
    if offline or not todo:
        return Run({s.key: stored[s.key] for s in sources if s.key in stored}, [], 0)
    client = client or Client(contact=project.config.contact)
    try:
        lookups = _look_up(client, todo, watch)
    finally:
        client.close()
    results = {s.key: stored[s.key] for s in sources if s.key in stored}
    for lookup in lookups:
        results[lookup.source.key] = _result(lookup, today)
        _store_abstract(project.root, lookup, today)
    save_results(project.root, results)
    return Run(results, [s.key for s in todo], client.requests)


def _needs_lookup(result: SourceResult | None, source: Source) -> bool:
    """Look up a source never verified, one whose identifiers changed, or one a service
    failed on (in part or whole)."""
    if result is None or not result.matches(source):
        return True
    return result.status == FAILED or (result.error is not None and result.status == FOUND)


def _look_up(
    client: Client, sources: list[Source], watch: Callable[[list[Source]], Iterable[Source]]
) -> list[Lookup]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        lookups = list(pool.map(lambda s: _first_pass(client, s), watch(sources)))
    _pubmed_pass(client, lookups)
    return lookups


def _first_pass(client: Client, source: Source) -> Lookup:
    """Crossref and OpenAlex by DOI (OpenAlex by PMID without one), or a title search."""
    lookup = Lookup(source)
    doi, pmid = source.doi, source.pmid
    if doi:
        found = [
            lookup.ask(f"Crossref works/{doi}", lambda: crossref.work(client, doi)),
            lookup.ask(f"OpenAlex works/doi:{doi}", lambda: openalex.work(client, doi=doi)),
        ]
        if not any(found) and not lookup.errors:
            lookup.missing.append(f"the DOI {doi} resolves to no record in Crossref or OpenAlex")
    elif pmid:
        lookup.ask(f"OpenAlex works/pmid:{pmid}", lambda: openalex.work(client, pmid=pmid))
    elif source.pmcid:
        pmcid = source.pmcid
        record = lookup.ask(
            f"OpenAlex works/pmcid:{pmcid}", lambda: openalex.work(client, pmcid=pmcid)
        )
        if record is None and not lookup.errors:
            lookup.missing.append(f"the PMCID {pmcid} resolves to no record in OpenAlex")
    elif source.get("title"):
        _search_title(client, lookup)
    return lookup


def _search_title(client: Client, lookup: Lookup) -> None:
    """Find a source without identifiers by its title; accept only a work that agrees on
    title, first author and year, and propose its DOI."""
    from tracker.resolve import first_family_name
    from tracker.verification import fold

    source = lookup.source
    title = " ".join((source.get("title") or "").split())
    author = first_family_name(source.get("author") or "") or None
    lookup.tried.append(f'Crossref bibliographic search for "{title}"')
    try:
        candidates = crossref.search(client, title, author, source.year)
    except LookupFailed as error:
        lookup.errors.append(str(error))
        return
    for record in candidates[:5]:
        same_year = not source.year or not record.year or source.year[:4] == record.year
        same_author = not author or not record.authors or fold(record.authors[0]) == author
        if record.title and same_title(title, record.title) and same_year and same_author:
            lookup.records.append(record)
            lookup.proposed_doi = record.doi
            return
    closest = f' (closest: "{candidates[0].title}")' if candidates and candidates[0].title else ""
    lookup.missing.append(f"no work matches the title in a Crossref search{closest}")


def _pubmed_pass(client: Client, lookups: list[Lookup]) -> None:
    """Fetch the PubMed records of every PMID given or learnt from OpenAlex, in batches."""
    wanted = {lookup.source.key: pmid for lookup in lookups if (pmid := _pmid_of(lookup))}
    if not wanted:
        return
    failure: str | None = None
    try:
        found = pubmed.records(client, wanted.values())
    except LookupFailed as error:
        found, failure = {}, str(error)
    for lookup in lookups:
        pmid = wanted.get(lookup.source.key)
        if pmid is None:
            continue
        lookup.tried.append(f"PubMed {pmid}")
        if failure:
            lookup.errors.append(failure)
        elif pmid in found:
            lookup.records.append(found[pmid])
        elif pmid == lookup.source.pmid:
            lookup.missing.append(f"the PMID {pmid} resolves to no record in PubMed")


def _pmid_of(lookup: Lookup) -> str | None:
    return lookup.source.pmid or next((r.pmid for r in lookup.records if r.pmid), None)


def _result(lookup: Lookup, today: str) -> SourceResult:
    error: str | None = None
    if lookup.errors and (lookup.missing or not lookup.records):
        status, error = FAILED, "; ".join(dict.fromkeys(lookup.errors))
    elif lookup.missing:
        status, error = NOT_FOUND, "; ".join(lookup.missing)
    elif lookup.records:
        # Found, though a service may have failed: its part (a retraction it would have
        # told) is missing, and the error is kept so that it is said and asked again.
        status = FOUND
        error = "; ".join(dict.fromkeys(lookup.errors)) or None
    else:
        status, error = NOT_FOUND, "it has no DOI, PMID or title to look up by"
    return SourceResult(
        lookup.source.key,
        status,
        today,
        identifiers_of(lookup.source),
        lookup.records,
        lookup.tried,
        error,
        lookup.proposed_doi,
    )


def _store_abstract(root: Path, lookup: Lookup, today: str) -> None:
    """Keep the abstract a service gave as the source's text, where quotes are looked up.

    A text a person put there is never replaced: only one this wrote before."""
    key = lookup.source.key
    record = next((r for r in _by_preference(lookup.records) if r.abstract), None)
    if record is None or Path(key).name != key or key.startswith("."):
        return
    path = root / SOURCES_DIR / f"{key}.txt"
    if path.exists() and not _written_here(path):
        return
    from tracker.atomic import write_atomic

    named = f"PMID {record.pmid}" if record.pmid else f"DOI {record.doi}"
    header = f"{ABSTRACT_MARK}{record.service} ({named}), retrieved {today} by tracker verify\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, header + (record.abstract or "") + "\n")


def _written_here(path: Path) -> bool:
    """Tell whether a source's text is an abstract this wrote (its first line says so)."""
    from tracker.limits import open_regular

    try:
        with open_regular(path) as handle:
            return handle.read(len(ABSTRACT_MARK)) == ABSTRACT_MARK.encode()
    except OSError:
        return False


def _by_preference(records: list[Record]) -> list[Record]:
    order = {"PubMed": 0, "Crossref": 1, "OpenAlex": 2}
    return sorted(records, key=lambda r: order.get(r.service, 3))
