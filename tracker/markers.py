"""Find citation markers in a unit of text: numbers, superscripts, author-year, keys, ids, notes.

Kinds of marker, and what each names:
- numeric: `[2]`, `[1, 3]`, `[2-4]`, `[1][2]`; only digits, commas and dashes may stand inside,
  so `[19%]` or `[RR 2.8, 95% CI 1.9–4.0]` are never taken for a citation;
- superscript: Unicode `¹²³`, `¹⁻³`, but not after a digit or a unit (`m²`, `10⁶`);
- flattened: digits a copy-paste glued to a word or full stop (`tissues1-4`, `fast.1`) and
  numbers in parentheses (`(2)`): *loose* markers, counted only when the reference list has
  every number they name, so `COVID-19` or `(3 sessions)` never become citations;
- author-year: `(Shin et al., 2021)`, `(Shin & Lee 2021; Foo 2021)`, `Shin et al. (2021)`;
- key: pandoc `[@key]`, `[@a; @b, p. 4]`, `@key says` (loose: only known keys), LaTeX `\\cite{a,b}`;
- identifier: an inline DOI, doi.org link, PMID or PubMed link;
- footnote: `[^1]`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from tracker import warm
from tracker.datafiles import may_hold

MAX_RANGE = 100
# Markers that may close a sentence after its full stop: [2], [1, 3], [^1], [@key], ¹²³.
# A run of superscripts is taken whole (an atomic group): split anywhere, it would let a
# pattern that repeats markers try exponentially many ways to read "¹²³⁴⁵⁶⁷⁸⁹..." and fail.
CLOSING_MARKER = (
    r"(?:\[\d[\d,\s\-–—]*\]|\[\^[^\[\]\s]+\]|\[-?@[^\[\]]+\]"
    r"|(?>[¹²³⁴⁵⁶⁷⁸⁹⁰][¹²³⁴⁵⁶⁷⁸⁹⁰⁻,]*))"
)
MARKER_RUN = rf"(?:{CLOSING_MARKER}[ \t]*)+"
TRAILING_MARKERS = warm.pattern(rf"(?:\s*{CLOSING_MARKER})+\s*$")
# The same markers written backwards, to read the run that ends a text from its end: searching
# forwards, every marker of a long run is tried as its start, in time the square of its length.
CLOSING_BACKWARDS = (
    r"(?:\][\d,\s\-–—]*\d\[|\][^\[\]\s]+\^\[|\][^\[\]]+@-?\[|[¹²³⁴⁵⁶⁷⁸⁹⁰⁻,]*[¹²³⁴⁵⁶⁷⁸⁹⁰])"
)
TRAILING_BACKWARDS = warm.pattern(rf"\s*(?:{CLOSING_BACKWARDS}\s*)+")
NUMBER_LIST = r"\d{1,6}(?:\s*[-–—]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*"
NUMERIC = warm.pattern(rf"\[\s*({NUMBER_LIST})\s*\]")
# These three open with what they take first (a bracket, a digit) and look behind it after, so
# that the engine skips in C to the places they can match instead of trying each place.
PARENTHESIZED = warm.pattern(
    r"\((?<![\w(]\()\s*(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*\)(?=[\s.,;:]|$)"
)
RANGE = warm.pattern(r"(\d+)\s*[-–—]\s*(\d+)")
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT = warm.pattern(r"(?<![\d⁰¹²³⁴⁵⁶⁷⁸⁹])[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[⁻–,‐-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
UNIT_BEFORE = warm.pattern(r"(?:\b(?:m|cm|mm|km|µm|nm|ft|in|s|kg|g|l)|\d|[)\]])$")
GLUED_TO_WORD = warm.pattern(
    r"(\d(?<=[a-z]{3}\d)(?<![A-Z]\w\w\d)\d{0,2}(?:[-–,]\d{1,3})*)(?=[\s.,;:)\]]|$)"
)
AFTER_STOP = warm.pattern(
    r"(\d(?<=[a-z)”\"’][.,;:]\d)\d{0,2}(?:[-–,]\d{1,3})*)(?=\s+[A-Z“\"(]|\s*$)"
)
NAME = r"(?:[A-Z][\w'’\-]+(?:\s(?:van|von|de|der|da|del|di|le|la)\s[A-Z][\w'’\-]+)?)"
AUTHORS = rf"{NAME}(?:\s+et\s+al\.?|,?\s+(?:&|and)\s+{NAME})?"
YEAR = r"(?:19|20)\d{2}[a-z]?"
AUTHOR_YEAR_ITEM = warm.pattern(rf"({AUTHORS}),?\s+({YEAR})")
# The lookahead makes sure the bracket is closed before each ";" in it is tried as the place
# where the names start: an unclosed one would take time in the square of its length.
PARENTHETICAL = warm.pattern(rf"\((?=[^()]*\))(?:[^()]*?;\s*)?{AUTHORS},?\s+{YEAR}(?:[^()]*)\)")
NARRATIVE = warm.pattern(rf"\b({AUTHORS})\s+\(({YEAR})\)")
NOT_NAMES = frozenset(
    "In The This That These Since From Until By On At For Between After Before During Of And"
    " January February March April May June July August September October November December"
    " Spring Summer Autumn Fall Winter Figure Table Version".split()
)
# Likewise, each "@" is tried only in a closed bracket.
PANDOC_GROUP = warm.pattern(r"\[(?=[^\[\]]*\])([^\[\]]*?-?@[\w][^\[\]]*)\]")
PANDOC_ITEM = warm.pattern(r"-?@([\w][\w:.#$%&\-+?<>~/]*[\w])(?:,\s*([^;]+))?")
PANDOC_BARE = warm.pattern(r"(?<![\w@.\[-])@([A-Za-z_][\w:.#$%&\-+?<>~/]*[\w])")
LATEX_CITE = warm.pattern(
    r"\\(?:cite|citep|citet|parencite|textcite|autocite|footcite|supercite)\*?"
    r"(?:\[([^\[\]]*)\])?(?:\[([^\[\]]*)\])?\{([^{}]*)\}"
)
DOI_LINK = warm.pattern(
    r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:\s*)(10\.\d{4,9}/[^\s\"<>\]]+)", re.I
)
PMID_LINK = warm.pattern(r"(?:\bPMID:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)(\d{4,9})/?", re.I)
FOOTNOTE = warm.pattern(r"\[\^([^\[\]\s]+)\]")
DIGIT = warm.pattern(r"\d")
YEAR_DIGITS = warm.pattern(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Marker:
    """A citation marker as written, where it stands, and what it names."""

    text: str
    start: int
    end: int
    kind: str = "numeric"
    numbers: tuple[int, ...] = ()
    keys: tuple[str, ...] = ()
    authors: tuple[tuple[str, str], ...] = ()
    identifier: str | None = None
    label: str | None = None
    locator: str | None = None
    loose: bool = False


def find_markers(text: str, offset: int = 0) -> list[Marker]:
    """Return the citation markers in text, in order, spans shifted by offset."""
    found: list[Marker] = []
    for finder in FINDERS:
        found.extend(finder(text))
    kept: list[Marker] = []  # apart from one another, in text order
    for marker in sorted(found, key=lambda m: (m.loose, m.start, -(m.end - m.start))):
        # Only the neighbours can overlap, so a page of markers is not compared pair by pair;
        # most markers come after all those kept (the loose ones are sorted last).
        if not kept or kept[-1].start <= marker.start:
            index = len(kept)
        else:
            index = bisect.bisect_right(kept, marker.start, key=lambda m: m.start)
        if index and kept[index - 1].end > marker.start:
            continue
        if index < len(kept) and kept[index].start < marker.end:
            continue
        kept.insert(index, marker)
    return [shifted(m, offset) for m in kept]


def strip_trailing_markers(text: str) -> str:
    """Return text without the markers and spaces that end it, as TRAILING_MARKERS.sub("", text).

    Unlike that pattern, which tries each marker of a long run as the run's start, this takes
    time in proportion to the length of the text.
    """
    run = TRAILING_BACKWARDS.match(text[::-1])
    return text[: len(text) - run.end()] if run else text


def shifted(marker: Marker, offset: int) -> Marker:
    if not offset:
        return marker
    fields = {**marker.__dict__, "start": marker.start + offset, "end": marker.end + offset}
    return Marker(**fields)


def expand(inner: str) -> tuple[int, ...]:
    """Expand "1, 3-5" to (1, 3, 4, 5); return () for a list that cannot be a citation."""
    inner = inner.strip()
    if len(inner) <= 3 and inner.isdecimal():  # one number, as most markers hold
        return (int(inner),) if int(inner) > 0 else ()
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", inner):
        span = RANGE.fullmatch(part)
        if span:
            low, high = int(span.group(1)), int(span.group(2))
            if not 0 < low <= high or high - low > MAX_RANGE:
                return ()
            numbers.extend(range(low, high + 1))
        elif part.isdigit():
            numbers.extend(concatenated(part) if len(part) > 3 else [int(part)])
        else:
            return ()
    return tuple(numbers) if numbers and all(n > 0 for n in numbers) else ()


def concatenated(digits: str) -> list[int]:
    """Split digits a copy-paste ran together ("283031" -> 28, 30, 31); [0] when they do not."""
    for width in (2, 3):
        if len(digits) % width:
            continue
        parts = [int(digits[i : i + width]) for i in range(0, len(digits), width)]
        if all(a < b for a, b in itertools.pairwise(parts)) and parts[0] > 0:
            return parts
    return [0]


def numeric(text: str) -> list[Marker]:
    if "[" not in text:  # each finder first asks for what all its markers hold: most hold none
        return []
    markers = []
    for match in NUMERIC.finditer(text):
        numbers = expand(match.group(1))
        if numbers:
            markers.append(Marker(match.group(0), match.start(), match.end(), "numeric", numbers))
    return markers


def superscripts(text: str) -> list[Marker]:
    if not SUPERSCRIPT_DIGIT.search(text):
        return []
    markers = []
    for match in SUPERSCRIPT.finditer(text):
        # The longest unit is two letters, and \b needs the character before it.
        if UNIT_BEFORE.search(text[max(0, match.start() - 3) : match.start()]):
            continue
        plain = match.group(0).translate(SUPERSCRIPT_TO_PLAIN)
        numbers = expand(plain)
        if numbers:
            markers.append(
                Marker(match.group(0), match.start(), match.end(), "superscript", numbers)
            )
    return markers


SUPERSCRIPT_DIGIT = warm.pattern(f"[{SUPERSCRIPT_DIGITS}]")
SUPERSCRIPT_TO_PLAIN = str.maketrans(
    {**{s: str(i) for i, s in enumerate(SUPERSCRIPT_DIGITS)}, "⁻": "-", "‐": "-"}
)


def flattened(text: str) -> list[Marker]:
    if not DIGIT.search(text):
        return []
    markers = []
    for pattern in (GLUED_TO_WORD, AFTER_STOP, PARENTHESIZED):
        for match in pattern.finditer(text):
            numbers = expand(match.group(1))
            if numbers:
                markers.append(
                    Marker(
                        match.group(0), match.start(), match.end(), "flattened", numbers, loose=True
                    )
                )
    return markers


def author_year(text: str) -> list[Marker]:
    if not YEAR_DIGITS.search(text):
        return []
    narrative = NARRATIVE.finditer(text) if "(19" in text or "(20" in text else ()
    markers = []
    for match in PARENTHETICAL.finditer(text):
        pairs = tuple(
            (surname(item.group(1)), item.group(2))
            for item in AUTHOR_YEAR_ITEM.finditer(match.group(0))
            if surname(item.group(1)) not in NOT_NAMES
        )
        if pairs:
            markers.append(
                Marker(match.group(0), match.start(), match.end(), "author-year", authors=pairs)
            )
    for match in narrative:
        name = surname(match.group(1))
        if name not in NOT_NAMES:
            pair = ((name, match.group(2)),)
            markers.append(
                Marker(match.group(0), match.start(), match.end(), "author-year", authors=pair)
            )
    return markers


def surname(authors: str) -> str:
    """Return the first author's surname from "Shin et al." or "Shin & Lee"."""
    return re.split(r"\s+(?:et\s+al\b|&|and\b)|,", authors, maxsplit=1)[0].strip()


def pandoc(text: str) -> list[Marker]:
    if "@" not in text:
        return []
    markers = []
    for match in PANDOC_GROUP.finditer(text):
        items = list(PANDOC_ITEM.finditer(match.group(1)))
        if items:
            keys = tuple(item.group(1) for item in items)
            locator = next((item.group(2).strip() for item in items if item.group(2)), None)
            markers.append(
                Marker(
                    match.group(0), match.start(), match.end(), "key", keys=keys, locator=locator
                )
            )
    for match in PANDOC_BARE.finditer(text):
        markers.append(
            Marker(
                match.group(0),
                match.start(),
                match.end(),
                "key",
                keys=(match.group(1),),
                loose=True,
            )
        )
    return markers


def latex(text: str) -> list[Marker]:
    if "\\" not in text:
        return []
    markers = []
    for match in LATEX_CITE.finditer(text):
        keys = tuple(k.strip() for k in match.group(3).split(",") if k.strip())
        locator = (match.group(2) if match.group(2) is not None else match.group(1)) or None
        if keys:
            markers.append(
                Marker(
                    match.group(0), match.start(), match.end(), "key", keys=keys, locator=locator
                )
            )
    return markers


def identifiers(text: str) -> list[Marker]:
    if not DIGIT.search(text):
        return []
    markers = []
    for match in DOI_LINK.finditer(text) if may_hold(text, "doi") else ():
        doi = match.group(1).rstrip(".,;:)")
        end = match.start(1) + len(doi)
        markers.append(
            Marker(
                text[match.start() : end], match.start(), end, "identifier", identifier=f"doi:{doi}"
            )
        )
    for match in PMID_LINK.finditer(text) if may_hold(text, "pmid", "pubmed") else ():
        pmid = f"pmid:{match.group(1)}"
        markers.append(
            Marker(match.group(0), match.start(), match.end(), "identifier", identifier=pmid)
        )
    return markers


def footnotes(text: str) -> list[Marker]:
    if "[^" not in text:
        return []
    return [
        Marker(m.group(0), m.start(), m.end(), "footnote", label=m.group(1))
        for m in FOOTNOTE.finditer(text)
    ]


FINDERS = (footnotes, numeric, superscripts, pandoc, latex, identifiers, author_year, flattened)
