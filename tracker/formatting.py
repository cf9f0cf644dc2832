"""Turn Sources into readable references: styled text, short labels, decoded titles, links.

pybtex's "plain" style does the styling. Field values reach here as written in the .bib
file, LaTeX and all; only the fields shown are decoded. A source pybtex cannot format
(a required field missing, a name it cannot split, LaTeX it cannot parse) still gets a
simple "Authors. Title. Journal, Year." text: formatting never fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote

from pybtex.backends import BaseBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin
from pybtex.style.formatting import BaseStyle

from tracker.identifiers import clean_doi, normalize_doi, normalize_pmcid, normalize_pmid
from tracker.latex import latex_to_styled, latex_to_text
from tracker.model import Source

STYLE = "plain"

# Fields the style would print that are shown another way (links) or not at all:
# in our bibliographies "note" holds the curator's remarks, not part of the reference.
# A URL stays in the text unless it merely points at the DOI.
HIDDEN_FIELDS = frozenset({"doi", "pmid", "pmcid", "pubmed", "note", "crossref"})

# Where a work appeared, in the order a label falls back to when there is no author.
VENUE_FIELDS = (
    "journal",
    "booktitle",
    "publisher",
    "howpublished",
    "institution",
    "school",
    "organization",
)

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

_SPACES = re.compile(r"\s+")
# A word with a capital after its first letter (IL-6, mRNA, COVID-19) is an acronym or a
# name; "plain" would lower-case it, so it gets the braces careful authors put around it.
_ACRONYM = re.compile(r"(?<![\\\w{])([A-Za-z][\w-]*?[A-Z][\w-]*)")
_OTHERS = re.compile(r",? and others\b\.?")


@dataclass(frozen=True)
class FormattedSource:
    """One source as a reader sees it: a styled reference, its links, title and label."""

    key: str
    text: str
    doi_url: str | None
    pmid_url: str | None
    pmcid_url: str | None
    title: str
    short: str


def format_sources(
    sources: Iterable[Source],
    bibliography: Iterable[Source] | None = None,
    watch: Callable[[list[Source]], Iterable[Source]] = iter,
) -> dict[str, FormattedSource]:
    """Format each source, by key; never raise.

    `bibliography` (default: the sources themselves) is where a crossref is looked up;
    `watch` sees the sources as they are formatted (the CLI passes a progress bar).
    """
    listed = list(sources)
    by_key = {source.key.lower(): source for source in bibliography or listed}
    return {source.key: format_source(source, by_key) for source in watch(listed)}


def format_source(source: Source, by_key: dict[str, Source] | None = None) -> FormattedSource:
    """Format one source; by_key (lower-case key -> source) resolves its crossref."""
    fields = _bibtex_names(_with_crossref(source, by_key or {}))
    return FormattedSource(
        key=source.key,
        text=_styled_text(source, fields) or _plain_text(fields) or source.key,
        doi_url=doi_url(fields.get("doi")),
        pmid_url=pmid_url(fields.get("pmid")),
        pmcid_url=pmcid_url(fields.get("pmcid")),
        title=decode_latex(fields.get("title", "")),
        short=short_label(fields) or source.key,
    )


def decode_latex(value: str) -> str:
    """Return a LaTeX field value as plain Unicode text: accents decoded, braces dropped."""
    return latex_to_text(value)


def doi_url(doi: str | None) -> str | None:
    """Return the https://doi.org link of a DOI, in whatever form written, if it is one."""
    bare = clean_doi(doi)
    # A lone surrogate (from a JSON "\\ud800") cannot be encoded: it becomes "?" in the link.
    return "https://doi.org/" + quote(bare, safe="/:;()[]", errors="replace") if bare else None


def pmid_url(pmid: str | None) -> str | None:
    """Return the PubMed link of a PMID such as "33467726" or "PMID: 33467726", if valid."""
    digits = normalize_pmid(pmid)
    return f"https://pubmed.ncbi.nlm.nih.gov/{digits}/" if digits else None


def pmcid_url(pmcid: str | None) -> str | None:
    """Return the PubMed Central link of a PMCID such as "PMC7829982", if valid."""
    found = normalize_pmcid(pmcid)
    return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{found}/" if found else None


def short_label(fields: dict[str, str]) -> str:
    """Return an author-year label: "Shin 2021", "Shin & Lee 2021", "Shin et al. 2021"."""
    names = _family_names(fields.get("author") or fields.get("editor") or "")
    if len(names) >= 3 or (len(names) == 2 and names[1] == "others"):
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    elif names:
        who = names[0]
    else:
        venue = next((fields[f] for f in VENUE_FIELDS if fields.get(f)), "")
        who = decode_latex(venue)
    if not who:
        return ""  # a year alone labels nothing; the caller falls back to the key
    return f"{who} {decode_latex(fields.get('year', ''))}".strip()


def _family_names(value: str) -> list[str]:
    return [_family_name(name) for name in _split_names(value)]


def _split_names(value: str) -> list[str]:
    try:
        return [name for name in split_name_list(value) if name.strip()]
    except Exception:  # pybtex rejects some malformed lists; fall back to the plain split
        return [name for name in re.split(r"\s+and\s+", value) if name.strip()]


def _family_name(name: str) -> str:
    if name.strip().lower() == "others":
        return "others"
    try:
        person = Person(name)
        family = " ".join(person.prelast_names + person.last_names)
    except Exception:  # e.g. "Too many commas"; take the last word as BibTeX would
        family = name.split(",")[0] if "," in name else name.split()[-1]
    return decode_latex(family) or decode_latex(name)


# biblatex's names of fields BibTeX's styles know by other names (biblatex manual, 2.2.5).
BIBLATEX_NAMES = {
    "journaltitle": "journal",
    "location": "address",
    "institution": "school",
}
# biblatex entry types, as the nearest type of BibTeX's styles.
BIBLATEX_TYPES = {
    "online": "misc",
    "report": "techreport",
    "thesis": "phdthesis",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "bookinbook": "inbook",
    "suppbook": "inbook",
    "suppcollection": "incollection",
    "mvproceedings": "proceedings",
    "dataset": "misc",
    "software": "misc",
    "periodical": "misc",
    "patent": "misc",
}


THESIS_TYPES = {
    "phdthesis": "phdthesis",
    "mathesis": "mastersthesis",
    "mastersthesis": "mastersthesis",
}


def _bibtex_names(fields: dict[str, str]) -> dict[str, str]:
    """Give biblatex's fields the names BibTeX's styles read, where BibTeX's are not given."""
    named = dict(fields)
    for biblatex, bibtex in BIBLATEX_NAMES.items():
        if biblatex in fields and bibtex not in fields:
            named[bibtex] = fields[biblatex]
    date = fields.get("date", "").strip()
    if date[:4].isdigit() and "year" not in fields:
        named["year"] = date[:4]
        if len(date) >= 7 and date[5:7].isdigit() and "month" not in fields:
            named["month"] = list(MONTHS)[int(date[5:7]) - 1] if 1 <= int(date[5:7]) <= 12 else ""
    return named


def _with_crossref(source: Source, by_key: dict[str, Source]) -> dict[str, str]:
    fields = {name: value for name, value in source.fields.items() if value}
    parent = by_key.get(fields.get("crossref", "").strip().lower())
    if parent is None or parent is source:
        return fields
    inherited = {**{n: v for n, v in parent.fields.items() if v}, **fields}
    # A part inherits the whole's title as the title of the book it appears in.
    if "booktitle" not in fields and "title" in parent.fields:
        inherited["booktitle"] = parent.fields["title"]
    return inherited


@cache
def _style() -> BaseStyle:
    return find_plugin("pybtex.style.formatting", STYLE)()


@cache
def _text_backend() -> BaseBackend:
    # render_as("text") would look the plugin up again, scanning entry points every time.
    return find_plugin("pybtex.backends", "text")()


def _styled_text(source: Source, fields: dict[str, str]) -> str | None:
    try:
        entry = _pybtex_entry(source, fields)
        text = _style().format_entry("", entry).text.render(_text_backend())
        # BibTeX prints "and others" as "et al."; pybtex prints it verbatim.
        return _SPACES.sub(" ", _OTHERS.sub(" et al.", text)).strip()
    except Exception:  # FieldIsMissing and whatever else pybtex rejects: use the plain text
        return None


def _pybtex_entry(source: Source, fields: dict[str, str]) -> Entry:
    style = _style()
    fields = dict(fields)
    kind = BIBLATEX_TYPES.get(source.entry_type, source.entry_type)
    # biblatex's type keys ("mathesis") are names of kinds, not words to print.
    thesis_type = THESIS_TYPES.get(fields.get("type", "").strip().lower())
    if thesis_type:
        kind, _ = thesis_type, fields.pop("type")
    kind = kind if hasattr(style, f"get_{kind}_template") else "misc"
    hidden = HIDDEN_FIELDS - {"note"} if kind == "unpublished" else HIDDEN_FIELDS
    if _url_is_doi(fields):
        hidden = hidden | {"url"}
    shown = {name: _prepare(name, value) for name, value in fields.items() if name not in hidden}
    persons = {
        role: [Person(_prepare(role, name)) for name in _split_names(shown.pop(role))]
        for role in ("author", "editor")
        if role in shown
    }
    entry = Entry(kind, fields=shown, persons=persons)
    entry.key = source.key
    return entry


def _url_is_doi(fields: dict[str, str]) -> bool:
    url, doi = fields.get("url", "").lower(), normalize_doi(fields.get("doi"))
    return "doi.org/" in url or bool(doi and doi in unquote(url))


def _prepare(name: str, value: str) -> str:
    if name == "month":
        return MONTHS.get(value.strip().lower()[:3], value)
    if name == "title":
        value = _ACRONYM.sub(r"{\1}", value)
    return latex_to_styled(value)


def _plain_text(fields: dict[str, str]) -> str:
    names = [_display_name(name) for name in _split_names(fields.get("author", ""))]
    authors = (
        " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + ", and " + names[-1]
    )
    venue = next((fields[f] for f in VENUE_FIELDS if fields.get(f)), "")
    places = (venue, _volume_and_pages(fields), fields.get("year", ""))
    where = ", ".join(decode_latex(part) for part in places if part)
    parts = [authors, decode_latex(fields.get("title", "")), where]
    return " ".join(f"{part.rstrip('.')}." for part in parts if part)


def _display_name(name: str) -> str:
    # "Family, Given" reads better as "Given Family" in running text.
    family, comma, given = name.partition(",")
    return decode_latex(f"{given.strip()} {family.strip()}" if comma else name)


def _volume_and_pages(fields: dict[str, str]) -> str:
    volume, number, pages = (fields.get(name, "") for name in ("volume", "number", "pages"))
    issue = f"{volume}({number})" if volume and number else volume
    return f"{issue}:{pages}" if issue and pages else issue or (f"pages {pages}" if pages else "")
