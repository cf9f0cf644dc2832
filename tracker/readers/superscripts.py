"""Decide whether raised text is a citation marker or a raised character, and render it.

Raised text is an HTML `<sup>` or a Word superscript run; it is rendered for the text the
tracker reads.

A raised number is a citation ("tissues²⁻⁴" -> "tissues[2-4]") unless it is a power: after
10 (10⁶), or 2 and 3 after a length unit (m², cm³), or 2 after a statistic's symbol (R², I²,
χ²). After anything else - a word, a full stop, a year - it cites. Other raised text keeps
its look in Unicode superscript characters (™ for TM), where they exist.
"""

from __future__ import annotations

import re

CITATION_LIST = r"\d{1,4}(?:\s*[,\-‐‑‒–—−]\s*\d{1,4})*"
CITATION = re.compile(rf"\[\s*({CITATION_LIST})\s*\]|\(\s*({CITATION_LIST})\s*\)|({CITATION_LIST})")
ODD_DASHES = str.maketrans("‐‑‒−", "----")
POWER_BASE = re.compile(r"(?<![\d.,])10$")
LENGTH_UNIT = re.compile(r"(?<![^\W\d_])(?:[kcmdnµμ]?m|ft|yd|mi)$")
STATISTIC = re.compile(r"(?<![^\W\d_])[RrIχ]$")
RAISED = str.maketrans(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
)
RAISED_WORDS = {"TM": "™", "SM": "℠"}
ORDINALS = frozenset({"st", "nd", "rd", "th"})


def citation_numbers(text: str) -> str | None:
    """Return the number list of citation-like raised text ("2-4", "[3]", "(1,2)"), else None."""
    found = CITATION.fullmatch(text.strip())
    if not found:
        return None
    return next(group for group in found.groups() if group).translate(ODD_DASHES)


def is_power(core: str, before: str) -> bool:
    """Tell whether a raised number is a power (10⁶, m², R²) rather than a citation."""
    if not core.isdecimal():
        return False
    if POWER_BASE.search(before):
        return True
    return (core in ("2", "3") and bool(LENGTH_UNIT.search(before))) or (
        core == "2" and bool(STATISTIC.search(before))
    )


def render(text: str, before: str, cites: bool = False) -> str:
    """Render raised text that follows `before`: "[2-4]" for a citation, else raised characters.

    `cites` says the markup already marks it as a citation (a link into the reference list).
    """
    core = text.strip()
    numbers = citation_numbers(core)
    if numbers is not None and (cites or not is_power(core, before)):
        return f"[{numbers}]" + text[len(text.rstrip()) :]
    return text.replace(core, raised(core, before), 1) if core else text


def raised(core: str, before: str) -> str:
    """Return Unicode superscript characters for core, or core itself when some have none."""
    if core in RAISED_WORDS:
        return RAISED_WORDS[core]
    if before[-1:].isdigit() and core.lower() in ORDINALS:
        return core  # "1st" reads better than "1ˢᵗ" and is what a search would type
    lifted = core.translate(RAISED)
    return lifted if all(a != b for a, b in zip(core, lifted, strict=True)) else core
