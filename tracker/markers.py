"""Find citation markers in a unit of text and expand them to reference numbers.

Numeric markers in square brackets: `[2]`, `[1, 3]`, `[2-4]`, `[2–4, 7]`. Only digits,
commas and dashes may stand inside, so bracketed statistics such as `[19%]` or
`[RR 2.8, 95% CI 1.9-4.0]` are never taken for a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMERIC = re.compile(
    r"\[\s*(\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)\s*\]"
)
RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)")
MAX_RANGE = 100


@dataclass(frozen=True)
class Marker:
    """A citation marker as written, where it stands, and the reference numbers it names."""

    text: str
    start: int
    end: int
    numbers: tuple[int, ...]


def find_markers(text: str, offset: int = 0) -> list[Marker]:
    """Return the numeric citation markers in text; spans are shifted by offset."""
    markers = []
    for match in NUMERIC.finditer(text):
        numbers = expand(match.group(1))
        if numbers:
            markers.append(
                Marker(match.group(0), offset + match.start(), offset + match.end(), numbers)
            )
    return markers


def expand(inner: str) -> tuple[int, ...]:
    """Expand "1, 3-5" to (1, 3, 4, 5); return () for a list that cannot be a citation."""
    numbers: list[int] = []
    for part in inner.split(","):
        span = RANGE.fullmatch(part.strip())
        if span:
            low, high = int(span.group(1)), int(span.group(2))
            if not 0 < low <= high or high - low > MAX_RANGE:
                return ()
            numbers.extend(range(low, high + 1))
        else:
            value = int(part)
            if value == 0:
                return ()
            numbers.append(value)
    return tuple(numbers)
