"""Read the Retraction Watch data (a CSV from Crossref) and tell which notices concern a source.

The data is one CSV row per notice (retraction, correction, expression of concern or
reinstatement) about an original paper, known by its DOI and PubMed ID. Columns are found by
name, ignoring case and spaces; others are ignored. A row that cannot be read becomes a
problem with its line, and the rest is still used; only a file that cannot be used at all
raises ProjectError. A reinstatement dated after a retraction cancels it: the retraction is
kept, marked with the reinstatement, so that a report can say so.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from tracker.config import ProjectError
from tracker.identifiers import normalize_doi, normalize_pmid
from tracker.limits import MAX_RETRACTIONS_BYTES, TooLarge, read_bytes, size_text
from tracker.model import Source

RETRACTION = "Retraction"
CORRECTION = "Correction"
CONCERN = "Expression of concern"
REINSTATEMENT = "Reinstatement"
NATURES = (RETRACTION, CORRECTION, CONCERN, REINSTATEMENT)

# The column each field is read from, as Crossref names it.
COLUMNS = {
    "record": "Record ID",
    "date": "RetractionDate",
    "notice_doi": "RetractionDOI",
    "notice_pmid": "RetractionPubMedID",
    "doi": "OriginalPaperDOI",
    "pmid": "OriginalPaperPubMedID",
    "nature": "RetractionNature",
    "reason": "Reason",
}
# Values the data uses for "no identifier" (a PubMed ID of 0 among them).
NO_ID = {"", "0", "unavailable", "na", "n/a", "none", "null"}
# Crossref writes dates as M/D/YYYY H:MM; ISO dates (YYYY-MM-DD, maybe with a time) are read too.
DATE = re.compile(r"(?:(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))(?:[ T]|$)")
DOWNLOAD = "https://gitlab.com/crossref/retraction-watch-data"


@dataclass(frozen=True)
class Notice:
    """One notice about an original paper; `cancelled_by` is the reinstatement that undid it."""

    nature: str
    date: str | None
    doi: str | None
    pmid: str | None
    notice_doi: str | None
    notice_pmid: str | None
    reason: str | None
    record: str | None
    line: int
    cancelled_by: Notice | None = None

    @property
    def stands(self) -> bool:
        """False for a retraction that a later reinstatement cancelled."""
        return self.cancelled_by is None


@dataclass
class Retractions:
    """The notices of one Retraction Watch file, indexed by the original paper's DOI and PMID.

    `as_of` is the date of the data (the file's modification date, ISO); `problems` are the
    rows that could not be read, each as "path:line: message".
    """

    path: str
    as_of: str
    problems: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    _by_id: dict[str, list[Notice]] = field(init=False, repr=False)
    _notice_ids: set[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = defaultdict(list)
        for notice in self.notices:
            for key in identifiers(notice.doi, notice.pmid):
                self._by_id[key].append(notice)
        self._notice_ids = {
            key
            for n in self.notices
            for key in identifiers(n.notice_doi, n.notice_pmid)
            if key not in identifiers(n.doi, n.pmid)  # a notice stamped on the paper itself
        }

    def notices_for(self, source: Source) -> list[Notice]:
        """Return the notices about a source, oldest first, reinstated retractions marked."""
        keys = identifiers(source.doi, source.pmid)
        if keys & self._notice_ids:
            return []  # the source is itself a notice, not a retracted paper
        found = {n.line: n for key in keys for n in self._by_id.get(key, [])}
        return settle(sorted(found.values(), key=lambda n: (n.date or "", n.line)))

    def status(self, source: Source) -> str:
        """Say in a few words what the data holds about a source, as of its date."""
        notices = self.notices_for(source)
        if not notices:
            return f"no notice as of {self.as_of}"
        main = max(notices, key=lambda n: (weight(n), n.date or "", n.line))
        return f"{headline(main)} (as of {self.as_of})"


def weight(notice: Notice) -> int:
    """Rank a notice by how much it undermines the paper."""
    if notice.nature == RETRACTION:
        return 4 if notice.stands else 1
    return {CONCERN: 3, CORRECTION: 2}.get(notice.nature, 0)


def headline(notice: Notice) -> str:
    """Say what happened to the paper, and when."""
    if notice.nature == RETRACTION and notice.cancelled_by:
        return f"retracted {on(notice)}, then reinstated {on(notice.cancelled_by)}"
    if notice.nature == CONCERN:
        since = f"since {notice.date}" if notice.date else "(date not given)"
        return f"under an expression of concern {since}"
    verb = {RETRACTION: "retracted", CORRECTION: "corrected"}.get(notice.nature, "reinstated")
    return f"{verb} {on(notice)}"


def on(notice: Notice) -> str:
    return f"on {notice.date}" if notice.date else "on a date the data does not give"


def identifiers(doi: str | None, pmid: str | None) -> set[str]:
    """Return the lookup keys of a paper: "doi:..." and "pmid:..." for those it has."""
    keys = set()
    if doi:
        keys.add(f"doi:{doi}")
    if pmid:
        keys.add(f"pmid:{pmid}")
    return keys


def settle(notices: list[Notice]) -> list[Notice]:
    """Mark each retraction that a later reinstatement cancelled; drop the reinstatements used."""
    reinstatements = [n for n in notices if n.nature == REINSTATEMENT]
    used: set[int] = set()
    settled = []
    for notice in notices:
        if notice.nature == RETRACTION:
            undo = next((r for r in reinstatements if later(r, notice)), None)
            if undo:
                notice = replace(notice, cancelled_by=undo)
                used.add(undo.line)
        settled.append(notice)
    return [n for n in settled if n.line not in used]


def later(a: Notice, b: Notice) -> bool:
    """Tell whether notice a is dated after notice b (unknown when either has no date)."""
    return a.date is not None and b.date is not None and a.date > b.date


def load_retractions(path: Path) -> Retractions:
    """Read a Retraction Watch CSV file; raise ProjectError when it cannot be used at all."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(reader, None) or []
    columns = locate(header, path)
    notices, problems = read_rows(reader, columns, len(header), str(path))
    return Retractions(str(path), modified(path), problems, notices)


def read_text(path: Path) -> str:
    """Return the file's text: UTF-8 (with or without BOM), else Latin-1."""
    try:
        data = read_bytes(path, MAX_RETRACTIONS_BYTES)
    except TooLarge as err:
        raise ProjectError(
            f"{path}: more than the {size_text(MAX_RETRACTIONS_BYTES)} retraction data may be "
            "- give the Retraction Watch CSV file itself"
        ) from err
    except FileNotFoundError as err:
        raise ProjectError(
            f"{path}: retraction data not found - download retraction_watch.csv from "
            f"{DOWNLOAD} and give its path to --retractions"
        ) from err
    except OSError as err:
        raise ProjectError(
            f"{path}: cannot read the retraction data ({err.strerror}) - "
            "give the path of a readable CSV file to --retractions"
        ) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1").removeprefix("ï»¿")


def locate(header: list[str], path: Path) -> dict[str, int]:
    """Return the index of each known column in the header."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        found.setdefault(column_key(name), index)
    columns = {f: found[column_key(n)] for f, n in COLUMNS.items() if column_key(n) in found}
    if "doi" not in columns and "pmid" not in columns:
        shown = ", ".join(f'"{name}"' for name in header[:8]) or "nothing"
        raise ProjectError(
            f"{path}: no OriginalPaperDOI or OriginalPaperPubMedID column (the header has "
            f"{shown}) - give the Retraction Watch CSV as Crossref publishes it ({DOWNLOAD})"
        )
    return columns


def column_key(name: str) -> str:
    return re.sub(r"[\s_]+", "", name).lower()


def read_rows(
    reader: Iterator[list[str]], columns: dict[str, int], width: int, name: str
) -> tuple[list[Notice], list[str]]:
    """Return the notices of the data rows and the problems of the rows that are unusable."""
    notices: list[Notice] = []
    problems: list[str] = []
    for line, row, error in numbered(reader):
        if error is None and any(cell.strip() for cell in row):
            notice, error = read_row(row, columns, width, line)
            if notice:
                notices.append(notice)
        if error:
            problems.append(f"{name}:{line}: {error}")
    return notices, problems


def numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str], str | None]]:
    """Yield each row with the line it starts on, or the csv module's error for it."""
    line = getattr(reader, "line_num", 0) + 1
    while True:
        try:
            row, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as err:
            row, error = [], f"cannot split the row ({err}) - fix its quoting"
        yield line, row, error
        line = getattr(reader, "line_num", line) + 1


def read_row(
    row: list[str], columns: dict[str, int], width: int, line: int
) -> tuple[Notice | None, str | None]:
    """Return one row's notice (None when it names no paper), and what is wrong with it."""
    error = shape_error(row, width)
    if error:
        return None, error
    value = cells(row, columns)
    nature = canonical_nature(value("nature")) if "nature" in columns else RETRACTION
    if nature is None:
        expected = ", ".join(f'"{n}"' for n in NATURES)
        return None, f'RetractionNature "{value("nature")}" is unknown - use one of {expected}'
    notice = read_notice(value, nature, line)
    if notice and value("date") and notice.date is None:
        return notice, f'RetractionDate "{value("date")}" is not a date - write it as M/D/YYYY'
    return notice, None


def shape_error(row: list[str], width: int) -> str | None:
    """Describe a row whose fields do not line up with the header (extra empty ones are fine)."""
    if len(row) == width or (len(row) > width and not any(c.strip() for c in row[width:])):
        return None
    if any("\n" in cell for cell in row):
        hint = "a quote left open?"
    else:
        hint = "a comma in an unquoted value?" if len(row) > width else "the row cut short?"
    return (
        f"{len(row)} fields where the header has {width} ({hint}) - fix the row, or download "
        "the data again"
    )


def read_notice(value: Callable[[str], str], nature: str, line: int) -> Notice | None:
    """Return the notice of one row, or None when it names no original paper."""
    doi, pmid = clean_doi(value("doi")), clean_pmid(value("pmid"))
    if not (doi or pmid):
        return None  # common in the data (papers without DOI or PMID); nothing can match it
    return Notice(
        nature=nature,
        date=parse_date(value("date")),
        doi=doi,
        pmid=pmid,
        notice_doi=clean_doi(value("notice_doi")),
        notice_pmid=clean_pmid(value("notice_pmid")),
        reason=clean_reason(value("reason")),
        record=value("record") or None,
        line=line,
    )


def cells(row: list[str], columns: dict[str, int]) -> Callable[[str], str]:
    """Return a function giving a row's stripped value of a field ("" when absent)."""

    def value(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    return value


def canonical_nature(raw: str) -> str | None:
    """Return the nature as the data spells it, matched ignoring case; None when unknown."""
    return next((n for n in NATURES if n.lower() == " ".join(raw.lower().split())), None)


def clean_doi(raw: str) -> str | None:
    return normalize_doi(raw)


def clean_pmid(raw: str) -> str | None:
    # A spreadsheet round trip writes a PMID as "123.0".
    return normalize_pmid(raw.strip().removesuffix(".0"))


def clean_reason(raw: str) -> str | None:
    """Return the reasons as "a; b", without the data's "+" prefixes and trailing ";"."""
    reasons = [part.strip().lstrip("+").strip() for part in raw.split(";")]
    return "; ".join(r for r in reasons if r) or None


def parse_date(raw: str) -> str | None:
    """Return a date of the data (M/D/YYYY H:MM, or ISO) as YYYY-MM-DD; None if unreadable."""
    found = DATE.match(raw.strip())
    if not found:
        return None
    us_month, us_day, us_year, year, month, day = found.groups()
    try:
        if us_year:
            return date(int(us_year), int(us_month), int(us_day)).isoformat()
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def modified(path: Path) -> str:
    """Return the file's modification date (UTC), the date the data stands as of."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()
