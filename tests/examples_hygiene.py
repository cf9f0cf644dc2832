"""Examples for the quote checks and the bibliography hygiene checks: for each check, projects
that must trigger it and projects that must not (each the base project of conftest with these
files replaced)."""

from __future__ import annotations

import json

from .conftest import BIB, Files

CLAIM = "Vitamin D reduces colds in winter. [1]"


def yaml_text(value: object) -> str:
    # A JSON string or number is also a YAML one, with every character escaped as needed.
    return json.dumps(value, ensure_ascii=False)


def register(text: str = CLAIM, **extra: object) -> str:
    """Return the base register with one claim of this text, citing smith2020trial with extras."""
    citation = {"marker": "[1]", "ref": 1, **extra}
    fields = "".join(f"        {name}: {yaml_text(value)}\n" for name, value in citation.items())
    return (
        "document:\n  title: Vitamin D\n  path: content/page.txt\nclaims:\n"
        f"  - id: p-000001\n    text: {yaml_text(text)}\n"
        "    location: {line: 1, start: 0, end: 38}\n    kinds: [efficacy]\n"
        f"    citations:\n      - key: smith2020trial\n{fields}"
    )


def quoted(text: str, quote: str) -> Files:
    return {"claims/page.yaml": register(text, quote=quote)}


def bib_with(**changes: str | None) -> str:
    """Return the base entry with fields changed (a value) or left out (None)."""
    fields = {
        "title": "A Randomised Trial of Vitamin D in Winter",
        "author": "Smith, Anna and Jones, Bo",
        "journal": "Journal of Testing",
        "year": "2020",
        "doi": "10.1000/test.1",
    }
    fields.update(changes)
    body = ",\n".join(
        f"  {name} = {{{value}}}" for name, value in fields.items() if value is not None
    )
    return f"@article{{smith2020trial,\n{body}\n}}\n"


def entry(key: str, **fields: str) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"\n@article{{{key},\n{body}\n}}\n"


SOURCE_TEXT = (
    "Abstract. In this randomised trial, vitamin D reduced the number of colds by 40 per cent\n"
    "over 12 weeks of winter. The eﬀect was strongest in “older” adults, whose regen-\n"
    "erative capacity is low; long-\nterm data are lacking.\n"
)
SOURCE = "sources/smith2020trial.txt"
PLACEHOLDER = entry(
    "ghost2023", title="Ghost Study", journal="Nowhere", year="2023", verification="unverifiable"
)
REFERENCE = "A Randomised Trial of Vitamin D in Winter – {venue} (2020)"


def referenced(venue: str) -> Files:
    return {"claims/page.yaml": register(reference=REFERENCE.format(venue=venue))}


EXAMPLES: dict[str, tuple[list[Files], list[Files]]] = {
    "quotes.numbers": (
        [
            quoted(
                "Vitamin D cuts colds by 40% in 12 weeks. [1]", "Colds fell by 25% over 12 weeks."
            ),
            quoted("In 1,000 adults, colds fell. [1]", "In 100 adults, colds fell."),
            quoted("Colds fell by 10–20 mg. [1]", "Colds fell by 10-20%."),
        ],
        [
            {},
            quoted(
                "Vitamin D cut colds by 40% in 12 weeks in 1,000 adults [1].",
                "colds fell by 40 per cent over 12 weeks among 1000 adults",
            ),
            quoted("Colds fell by 10–20 percent. [1]", "colds fell by 10-20%"),
            quoted("Vitamin D beats COVID-19 and IL-6. [1]", "vitamin D lowered IL-6 in COVID-19"),
            {"claims/page.yaml": register("Vitamin D cut colds by 40%. [1]")},
        ],
    ),
    "quotes.hedges": (
        [
            quoted(CLAIM, "Vitamin D may reduce colds in winter."),
            quoted(CLAIM, "Vitamin D reduced colds in mice."),
            quoted("Vitamin D dramatically reduces colds. [1]", "Vitamin D reduced colds."),
        ],
        [
            {},
            quoted("Vitamin D might reduce colds in winter. [1]", "Vitamin D may reduce colds."),
            quoted(
                "Vitamin D significantly reduces colds. [1]",
                "Vitamin D led to a significant reduction in colds.",
            ),
            quoted("Trial results appeared in May 2021. [1]", "Published in May 2021."),
        ],
    ),
    "quotes.not_found": (
        [{**quoted(CLAIM, "Vitamin D cured every cold."), SOURCE: SOURCE_TEXT}],
        [
            {},
            quoted(CLAIM, "Vitamin D cured every cold."),  # no source text: nothing to compare
            {**quoted(CLAIM, "vitamin D reduced the number of colds"), SOURCE: SOURCE_TEXT},
            {
                **quoted(
                    CLAIM,
                    'The effect was strongest in "older" adults, whose regenerative capacity is low; long-term data',
                ),
                SOURCE: SOURCE_TEXT,
            },
            {**quoted(CLAIM, "In this randomised trial … over 12 weeks"), SOURCE: SOURCE_TEXT},
        ],
    ),
    "sources.missing_ids": (
        [{"references.bib": bib_with(doi=None)}],
        [
            {},
            {"references.bib": bib_with(doi=None, pmid="12345678")},
            {"references.bib": BIB + PLACEHOLDER},
        ],
    ),
    "sources.invalid_ids": (
        [
            {"references.bib": bib_with(doi='10.1000/x"><script>alert(1)</script>')},
            {"references.bib": bib_with(pmid='123"><script>alert(1)</script>')},
            {"references.bib": bib_with(pmcid="PMC-not-an-id")},
            {"references.bib": bib_with(doi="10.1/short.registrant")},
        ],
        [
            {},
            {"references.bib": bib_with(doi="https://dx.doi.org/10.1000/TEST.1.")},
            {"references.bib": bib_with(pmid="PMID: 33467726", pmcid="PMC7829982")},
        ],
    ),
    "sources.missing_authors": (
        [{"references.bib": bib_with(author=None).replace("@article", "@misc")}],
        [
            {},
            # an article's missing author is already bibliography.missing_fields' finding
            {"references.bib": bib_with(author=None)},
            {"references.bib": bib_with(author=None, organization="World Health Organization")},
            {"references.bib": BIB + PLACEHOLDER},
        ],
    ),
    "citations.publisher_as_journal": (
        [
            referenced("MDPI"),
            referenced("Frontiers"),
            {
                "references.bib": bib_with(publisher="Testing House Ltd"),
                **referenced("Testing House"),
            },
        ],
        [
            {},
            referenced("Journal of Testing"),
            referenced("J. Test."),
            {"references.bib": bib_with(journal="BMJ"), **referenced("BMJ")},
            {"references.bib": bib_with(journal=None), **referenced("MDPI")},
        ],
    ),
    "sources.implausible_year": (
        [
            {"references.bib": bib_with(year="202")},
            {"references.bib": bib_with(year="n.d.")},
            {"references.bib": bib_with(year="1700")},
            {"references.bib": bib_with(year="2999")},
        ],
        [
            {},
            {"references.bib": bib_with(year="2020a")},
            {"references.bib": bib_with(year=None, date="2020-05-01")},
            {"references.bib": bib_with(year="1850")},
        ],
    ),
    "sources.duplicate_work": (
        [
            {
                "references.bib": BIB
                + entry("smith2020again", title="Other", doi="https://doi.org/10.1000/TEST.1")
            },
            {
                "references.bib": BIB
                + entry(
                    "smith2020copy", title="A randomised trial of vitamin D in winter.", year="2020"
                )
            },
            {
                "references.bib": bib_with(pmid="123")
                + entry("copy", title="Something else", pmid="123")
            },
        ],
        [
            {},
            {
                "references.bib": BIB
                + entry(
                    "smith2021trial", title="A Randomised Trial of Vitamin D in Winter", year="2021"
                )
            },
            {
                "references.bib": bib_with(title="Vitamin D in Winter, Part 1")
                + entry("smith2020part2", title="Vitamin D in Winter, Part 2", year="2020")
            },
            {
                "references.bib": BIB
                + entry(
                    "lee2020trial",
                    title="A Randomised Trial of Vitamin D in Winter",
                    author="Lee, Kim",
                    year="2020",
                )
            },
        ],
    ),
}
