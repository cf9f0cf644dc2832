"""A source was retracted, corrected or put under an expression of concern.

Two kinds of data say so: the Retraction Watch CSV given with --retractions, "as of" its
file's date; and the records `tracker verify` stored (Crossref's update relations, PubMed's
retraction and erratum links, OpenAlex's retraction flag), "as of" the day they were
retrieved. The CSV is read first; the stored records speak for the sources it does not
name. A standing retraction is an error; an expression of concern or a correction
is a warning; a retraction that a later reinstatement cancelled is reported as info, saying
so. The message lists every claim and document that depends on the source.
"""

from __future__ import annotations

from collections.abc import Iterator

from tracker.checks.base import Audit, at_source, verified
from tracker.graph import dependants
from tracker.model import Finding, Severity, Source
from tracker.retractions import (
    CONCERN,
    CORRECTION,
    REINSTATEMENT,
    RETRACTION,
    Notice,
    Retractions,
    headline,
    settle,
    weight,
)
from tracker.verification import FOUND, SourceResult

ID = "sources.retracted"
SEVERITY = Severity.ERROR
SUMMARY = "a source was retracted, corrected or put under an expression of concern"


def check(audit: Audit) -> Iterator[Finding]:
    named = set()
    if audit.retractions is not None:
        for source in audit.project.bibliography.sources.values():
            notices = audit.retractions.notices_for(source)
            if notices:
                named.add(source.key)
                yield finding(audit, audit.retractions, source, notices)
    for source, result in verified(audit, FOUND):
        stored = recorded_notices(result)
        if stored and source.key not in named:
            yield recorded_finding(audit, source, stored, result)


# The natures of tracker.verification, as the Retraction Watch data names them.
NATURES = {
    "retraction": RETRACTION,
    "correction": CORRECTION,
    "expression_of_concern": CONCERN,
    "reinstatement": REINSTATEMENT,
}


def recorded_notices(result: SourceResult) -> list[Notice]:
    """Return the notices the stored records give, one per notice, oldest first."""
    found: dict[tuple[str, str | None], Notice] = {}
    for record in result.records:
        for update in record.updates:
            doi = update.notice if update.notice and not update.notice.startswith("PMID") else None
            pmid = update.notice[5:] if update.notice and update.notice.startswith("PMID") else None
            nature = NATURES[update.nature]
            notice = Notice(nature, update.date, None, None, doi, pmid, None, update.service, 0)
            found.setdefault((nature, doi or pmid), notice)
        if record.retracted and not any(k[0] == RETRACTION for k in found):
            found[(RETRACTION, None)] = Notice(
                RETRACTION, None, None, None, None, None, None, record.service, 0
            )
    return settle(sorted(found.values(), key=lambda n: n.date or ""))


def recorded_finding(
    audit: Audit, source: Source, notices: list[Notice], result: SourceResult
) -> Finding:
    """Report a source's most serious stored notice, saying where and when it was found."""
    main = max(notices, key=lambda n: (weight(n), n.date or ""))
    named = f"notice doi {main.notice_doi}" if main.notice_doi else None
    named = named or (f"notice PMID {main.notice_pmid}" if main.notice_pmid else None)
    details = [f"{main.record}, as of {result.checked}", *([named] if named else [])]
    details += [f"also {headline(n)}, in {n.record}" for n in notices if n is not main]
    claims, documents = dependants(audit.graph, [source.key])
    message = (
        f"{headline(main)} ({'; '.join(details)}): {cited_by(claims, documents)} - "
        f"{advice(main, source.key, bool(claims))}"
    )
    return at_source(audit, source, ID, severity(main), message)


def finding(audit: Audit, data: Retractions, source: Source, notices: list[Notice]) -> Finding:
    """Report a source's most serious notice, mentioning the others."""
    main = max(notices, key=lambda n: (weight(n), n.date or "", n.line))
    details = [f"{records(main)}, as of {data.as_of}"]
    details += [f'reason: "{main.reason}"'] if main.reason else []
    details += [f"also {headline(n)}, record {n.record}" for n in notices if n is not main]
    claims, documents = dependants(audit.graph, [source.key])
    message = (
        f"{headline(main)} ({'; '.join(details)}): {cited_by(claims, documents)} - "
        f"{advice(main, source.key, bool(claims))}"
    )
    return at_source(audit, source, ID, severity(main), message)


def severity(notice: Notice) -> Severity:
    if notice.nature == RETRACTION and notice.stands:
        return Severity.ERROR
    return Severity.WARNING if notice.nature in (CONCERN, CORRECTION) else Severity.INFO


def records(notice: Notice) -> str:
    """Name the Retraction Watch record(s) behind a notice."""
    found = [n.record for n in (notice, notice.cancelled_by) if n and n.record]
    if not found:
        return "Retraction Watch"
    return f"Retraction Watch record{'s' if len(found) > 1 else ''} {' and '.join(found)}"


def cited_by(claims: list[str], documents: list[str]) -> str:
    """Name the claims and documents that depend on the source."""
    if not claims:
        return "cited by no claim"
    s = "s" if len(claims) > 1 else ""
    d = "s" if len(documents) > 1 else ""
    return f"cited by claim{s} {', '.join(claims)} in document{d} {', '.join(documents)}"


def advice(notice: Notice, key: str, cited: bool) -> str:
    """Say what to do about the notice."""
    read = f"read the notice (doi {notice.notice_doi})" if notice.notice_doi else "read the notice"
    if notice.nature == RETRACTION and notice.stands:
        if not cited:
            return f'remove "{key}" from the bibliography'
        return f'remove or replace "{key}" in every claim that cites it, and review them again'
    if notice.nature == CONCERN:
        return f'{read}, and back the claims citing "{key}" with other evidence or note the concern'
    if notice.nature == CORRECTION:
        return f'{read} and check that the claims citing "{key}" still hold for the corrected paper'
    undo = notice.cancelled_by or notice
    reinstated = f" (doi {undo.notice_doi})" if undo.notice_doi else ""
    return f'nothing to change: check the reinstatement notice{reinstated} and keep citing "{key}"'
