"""An entry whose year cannot be the year the work appeared: digits missing, not a year at all,
before 1800, or after next year."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from tracker.checks.base import Audit, at_source
from tracker.model import Finding, Severity, Source
from tracker.resolve import LATEX

ID = "sources.implausible_year"
SEVERITY = Severity.WARNING
SUMMARY = "a source's year is not a plausible year of publication"

EARLIEST = 1800
# A year, perhaps with the letter that tells apart two works of an author in one year (2020a).
YEAR = re.compile(r"([0-9]{4})[a-z]?")
# biblatex's date: 2020, 2020-05, 2020-05-01, or a range of them.
DATE = re.compile(r"([0-9]{4})(?:-[0-9]{2}){0,2}(?:/.*)?")
DIGITS = re.compile(r"[0-9]+")


def check(audit: Audit) -> Iterator[Finding]:
    latest = datetime.date.today().year + 1
    for key, source in audit.project.bibliography.sources.items():
        field, value = year_field(source)
        if value is None:
            continue
        problem = implausible(value, field, latest)
        if problem:
            message = (
                f'{field} "{value}" of source "{key}" {problem} - '
                "write the year the work was published, e.g. year = {2021}"
            )
            yield at_source(audit, source, ID, SEVERITY, message)


def year_field(source: Source) -> tuple[str, str | None]:
    """Return the field that gives the year (year, else biblatex's date) and its plain value."""
    for field in ("year", "date"):
        raw = source.get(field)
        if raw is not None:
            return field, " ".join(LATEX.sub("", raw).split())
    return "year", None


def implausible(value: str, field: str, latest: int) -> str | None:
    """Say what is wrong with a year, or return None when it is plausible."""
    match = (YEAR if field == "year" else DATE).fullmatch(value)
    if match is None:
        digits = DIGITS.fullmatch(value)
        if digits and len(value) < 4:
            return f"has {len(value)} digit{'s' if len(value) > 1 else ''}, not 4"
        return "is not a year"
    year = int(match.group(1))
    if year < EARLIEST:
        return f"is before {EARLIEST}"
    if year > latest:
        return f"is after {latest}"
    return None
