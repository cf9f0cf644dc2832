"""A figure of a claim that the quoted passage of its sources does not give.

Numbers are compared after normalising the ways papers and pages write them: thousands
separators (1,000, or 1 000 with a thin space), dashes in ranges (10–20), a decimal middle
dot (1·5) or comma (1,5), "per cent" and "percent" for %, spelled and hyphenated units
(12 weeks, 12-week), leading and trailing zeros. A claim's figure without a unit matches
the number with any unit, and a range is given by a quote that gives both its ends.
Citation markers and numbers inside words (COVID-19, IL-6, B12, 3D) are no figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.checks.base import Audit, at_claim, excerpt
from tracker.markers import find_markers
from tracker.model import Claim, Finding, Severity

ID = "quotes.numbers"
SEVERITY = Severity.WARNING
SUMMARY = "a claim states a figure that the quotes of its sources do not give"

# Each unit's canonical name and the ways it is written (matched case-insensitively).
UNITS: dict[str, str] = {
    "%": r"%|per\s?cent|percent",
    "fold": r"fold|x|×",
    "million": r"million",
    "billion": r"billion",
    "mg": r"mg|milligrams?",
    "µg": r"[µμu]g|mcg|micrograms?",
    "ng": r"ng|nanograms?",
    "kg": r"kg|kilograms?",
    "g": r"g|grams?",
    "ml": r"ml|millilit(?:er|re)s?",
    "l": r"l|lit(?:er|re)s?",
    "iu": r"iu|international units?",
    "mm": r"mm|millimet(?:er|re)s?",
    "cm": r"cm|centimet(?:er|re)s?",
    # Case is ignored, so µM (micromolar) reads as µm; the comparison only needs equal forms.
    "µm": r"[µμu]m|microns?|micromet(?:er|re)s?",
    "nm": r"nm|nanomet(?:er|re)s?",
    "mmol": r"mmol",
    "kda": r"kda|kilodaltons?",
    "°c": r"°\s?c",
    "kcal": r"kcal",
    "second": r"sec(?:ond)?s?",
    "minute": r"min(?:ute)?s?",
    "hour": r"h|hrs?|hours?",
    "day": r"days?",
    "week": r"w(?:ee)?ks?",
    "month": r"months?",
    "year": r"y(?:ea)?rs?",
}
UNIT_PATTERNS = {name: re.compile(rf"(?:{forms})", re.I) for name, forms in UNITS.items()}
ONE_UNIT = "|".join(f"(?:{forms})" for forms in UNITS.values())
UNIT = rf"(?:{ONE_UNIT})(?:\s?/\s?(?:{ONE_UNIT}))?"
# 1,000 or 1 000 (thin space) is a thousand; 1.5, 1·5 (Lancet style) or 1,5 a decimal.
NUMBER = (
    r"(?:[0-9]{1,3}(?:[,\u2009\u202f][0-9]{3})+(?![0-9])|[0-9]+)"
    r"(?:[.·][0-9]+|,[0-9]{1,2}(?![0-9]))?"
)
DASH = r"\s?[-\u2010-\u2014\u2212]\s?"
# A figure: a number or range, then perhaps a unit; never glued to a word on either side.
FIGURE = re.compile(
    rf"(?<![\w.·,])(?<![^\W\d_][-\u2010\u2011])(?P<low>{NUMBER})(?:{DASH}(?P<high>{NUMBER}))?"
    rf"(?:(?:\s?|[-\u2010\u2011])(?P<unit>{UNIT})(?![^\W\d_]))?"
    rf"(?![.·,]?\w)(?![-\u2010\u2011][^\W\d_])",
    re.I,
)


# Numbers papers spell out; a quote's "twelve weeks" gives a claim's "12 weeks".
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"}
SPELLED = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})(?=\b|fold)", re.I)


@dataclass(frozen=True)
class Figure:
    """A number or range with its unit, as written and in comparable form."""

    text: str
    low: str
    high: str | None
    unit: str | None


def check(audit: Audit) -> Iterator[Finding]:
    for register, claim in audit.project.claims():
        quotes = [c.quote for c in claim.citations if c.quote]
        if not quotes:
            continue
        missing = missing_figures(claim_body(claim), quotes)
        if missing:
            yield at_claim(audit, register, claim, ID, SEVERITY, message(claim, missing))


def message(claim: Claim, missing: list[Figure]) -> str:
    named = ", ".join(f'"{figure.text}"' for figure in missing)
    return (
        f'the claim "{excerpt(claim.text)}" states {named}, which no quote of its citations '
        "gives - quote the passage of the source that gives the figure, or correct the claim"
    )


def claim_body(claim: Claim) -> str:
    """Return the claim's text with its citation markers blanked out."""
    cited = {c.marker for c in claim.citations if c.marker}
    text = claim.text
    for marker in reversed(find_markers(text)):
        if not marker.loose or marker.text in cited:
            text = text[: marker.start] + " " + text[marker.end :]
    return text


def missing_figures(claim_text: str, quotes: list[str]) -> list[Figure]:
    """Return the figures of a claim that none of the quotes gives, in the claim's order."""
    given = {
        key
        for quote in quotes
        for figure in figures(in_digits(quote))
        for key in given_keys(figure)
    }
    missing: list[Figure] = []
    for figure in figures(claim_text):
        if not is_given(figure, given) and figure not in missing:
            missing.append(figure)
    return missing


def figures(text: str) -> list[Figure]:
    """Return the figures written in a text."""
    return [figure_of(match) for match in FIGURE.finditer(text)]


def in_digits(text: str) -> str:
    """Return text with its spelled-out numbers in digits (only quotes are read this way: a
    claim's "one of the best" states no figure)."""
    return SPELLED.sub(lambda match: NUMBER_WORDS[match.group(1).lower()], text)


def figure_of(match: re.Match[str]) -> Figure:
    high = match.group("high")
    unit = match.group("unit")
    return Figure(
        match.group(0).strip(),
        number(match.group("low")),
        number(high) if high else None,
        canonical_unit(unit) if unit else None,
    )


def number(written: str) -> str:
    """Return a number in one form: no separators or leading zeros, no trailing decimal zeros."""
    digits = re.sub(r"[,\u2009\u202f](?=[0-9]{3})", "", written)
    digits = digits.replace("·", ".").replace(",", ".")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def canonical_unit(written: str) -> str:
    """Return a unit's canonical name; mg/kg stays a compound of two."""
    parts = re.split(r"\s?/\s?", written)
    return "/".join(one_unit(part) for part in parts)


def one_unit(written: str) -> str:
    return next(name for name, form in UNIT_PATTERNS.items() if form.fullmatch(written))


Key = tuple[str, str | None, str | None]
ANY_UNIT = "*"


def given_keys(figure: Figure) -> list[Key]:
    """Return the keys under which a quote gives a figure: with and without its unit, and for a
    range each of its ends too (a claim may cite the upper bound of a range)."""
    keys: list[Key] = [(figure.low, figure.high, figure.unit)]
    if figure.high:
        keys += [(figure.low, None, figure.unit), (figure.high, None, figure.unit)]
    return [*keys, *((low, high, ANY_UNIT) for low, high, _ in keys)]


def is_given(figure: Figure, given: set[Key]) -> bool:
    """Tell whether quotes give a claim's figure; one without a unit matches any unit, and a
    range is given when both its ends are."""
    unit = figure.unit or ANY_UNIT
    if (figure.low, figure.high, unit) in given:
        return True
    ends = [(figure.low, None, unit), (figure.high, None, unit)]
    return figure.high is not None and all(end in given for end in ends)
