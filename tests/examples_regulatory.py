"""Examples for the regulatory checks (regulatory.disease_claim, regulatory.status_claim) and
the checks of a citation against its source (citations.tentative, citations.off_topic).

check id -> (projects that must trigger it, projects that must not), as in
examples_language.py; `settings` writes the [tool.tracker] table that says what the copy
promotes, where, and what it is approved for.
"""

from __future__ import annotations

from .conftest import Files
from .examples_language import page


def settings(*lines: str) -> Files:
    return {"pyproject.toml": "[tool.tracker]\n" + "".join(f"{line}\n" for line in lines)}


DRUG_FOR_KNEES = settings('product = "drug"', 'approved-for = ["knee osteoarthritis"]')
SERVICE = settings('product = "service"')
MOUSE_TEXT = (
    "Secretome injections improved joint scores in mice with collagen-induced arthritis. "
    "Treated mice showed less cartilage loss than untreated controls."
)
TRIAL_TEXT = (
    "In this randomised trial, 120 adults with knee osteoarthritis received secretome "
    "injections or saline. Pain scores fell more in patients given the secretome."
)


def tentative_page(score: float) -> Files:
    """Return a page whose one claim cites rct2020 through a reference matched at a score."""
    text = "Secretome injections ease knee pain. [1]"
    register = (
        "document:\n  title: Page\n  path: content/page.txt\nclaims:\n"
        f"  - id: p-000001\n    text: {text!r}\n"
        f"    location: {{line: 1, start: 0, end: {len(text)}}}\n"
        "    kinds: [efficacy]\n    citations:\n"
        "      - {key: rct2020, marker: '[1]', ref: 1, "
        f"reference: 'Park M. Secretome for knees. 2020', score: {score}}}\n"
    )
    return {**page((text, ["rct2020"])), "claims/page.yaml": register}


EXAMPLES = {
    "regulatory.disease_claim": (
        [
            page(("Our stem cell therapy treats arthritis, COPD and MS.", [])),
            page(("Patients find relief from neuropathy after two infusions.", [])),
            page(("Exosome therapy can reverse Parkinson's disease.", ["rct2020"])),
            {**page(("Secretome injections treat rheumatoid arthritis.", [])), **DRUG_FOR_KNEES},
            {**page(("Our sessions cure migraine.", ["review2021"])), **SERVICE},
        ],
        [
            {},
            page(("Vitamin C contributes to the normal function of the immune system.", [])),
            page(
                (
                    "This product is not intended to diagnose, treat, cure or prevent any disease.",
                    [],
                )
            ),
            {**page(("Secretome injections treat knee osteoarthritis.", [])), **DRUG_FOR_KNEES},
            {**page(("Our sessions ease knee osteoarthritis pain.", ["rct2020"])), **SERVICE},
        ],
    ),
    "regulatory.status_claim": (
        [
            page(("Our exosomes come from an FDA-registered laboratory.", [])),
            page(("Our stem cell therapy is FDA approved.", [])),
            {**page(("Secretome injections are FDA registered.", [])), **DRUG_FOR_KNEES},
        ],
        [
            {},
            page(("Exosome products are not FDA-approved for any use.", [])),
            {**page(("Secretome injections are FDA approved.", [])), **DRUG_FOR_KNEES},
        ],
    ),
    "citations.tentative": ([tentative_page(0.6)], [{}, tentative_page(0.95)]),
    "citations.off_topic": (
        [
            {
                **page(("Secretome injections ease knee pain in patients.", ["rct2020"])),
                "sources/rct2020.txt": MOUSE_TEXT,
            },
            {
                **page(("Secretome injections regrow hair in alopecia.", ["rct2020"])),
                "sources/rct2020.txt": TRIAL_TEXT,
            },
        ],
        [
            {},
            {
                **page(("Secretome injections ease pain in knee osteoarthritis.", ["rct2020"])),
                "sources/rct2020.txt": TRIAL_TEXT,
            },
            page(("Secretome injections regrow hair in alopecia.", ["rct2020"])),
        ],
    ),
}
