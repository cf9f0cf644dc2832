"""Examples for the checks of wording and evidence: language.overclaim,
claims.unnamed_evidence, evidence.mismatch and claims.suggestions.

check id -> (projects that must trigger it, projects that must not); each project is the
base project of conftest with these files replaced. `page` writes a one-page project whose
claims stand one per line of content/page.txt.
"""

from __future__ import annotations

import json

from .conftest import BIB, Files

# Works of every kind of evidence the examples cite, by declared level.
WORKS = """\
@article{rct2020,
  title    = {Secretome Injections for Knee Osteoarthritis},
  author   = {Park, Min},
  journal  = {Journal of Joints},
  year     = {2020},
  evidence = {rct}
}
@article{review2021,
  title    = {The Secretome in Regenerative Medicine},
  author   = {Lee, Ana},
  journal  = {Reviews in Repair},
  year     = {2021},
  evidence = {narrative-review}
}
@article{mouse2019,
  title    = {Secretome and Motor Function in a Mouse Model of Parkinson's Disease},
  author   = {Kim, Jo},
  journal  = {Animal Neurology},
  year     = {2019},
  evidence = {animal}
}
@article{cells2018,
  title    = {Growth Factors in Conditioned Media},
  author   = {Ito, Ren},
  journal  = {Cell Biology Letters},
  year     = {2018},
  evidence = {in-vitro}
}
@article{vague2022,
  title    = {Secretome Notes},
  author   = {Roe, Sam},
  journal  = {Notes},
  year     = {2022}
}
@article{lee2019zinc,
  title    = {Oral Zinc Supplements and Wound Healing in Older Adults},
  author   = {Lee, Ana},
  journal  = {Wound Care},
  year     = {2019},
  keywords = {zinc, wound healing, older adults, supplements},
  abstract = {Older adults who took oral zinc supplements for eight weeks healed pressure wounds faster than those who took a placebo.}
}
"""

REFERENCES = BIB + WORKS


def page(*claims: tuple[str, list[str]], kinds: str = "efficacy") -> Files:
    """Return the document and register of a page whose claims cite the given keys."""
    lines, entries, start = [], [], 0
    for number, (text, keys) in enumerate(claims, 1):
        citations = "".join(f"\n      - {{key: {key}}}" for key in keys) or " []"
        entries.append(
            f"  - id: p-{number:06d}\n    text: {json.dumps(text)}\n"
            f"    location: {{line: {number}, start: {start}, end: {start + len(text)}}}\n"
            f"    kinds: [{kinds}]\n    citations:{citations}\n"
        )
        lines.append(text)
        start += len(text) + 1
    register = "document:\n  title: Page\n  path: content/page.txt\nclaims:\n" + "".join(entries)
    return {
        "content/page.txt": "\n".join(lines) + "\n",
        "claims/page.yaml": register,
        "references.bib": REFERENCES,
    }


NO_RISK = (
    "Because whole cells are not transplanted, there is no risk of unintended cellular overgrowth."
)
SUPERLATIVE = "Secretome therapy is the best treatment for knee osteoarthritis."
ANIMAL_STUDIES = "In animal studies, secretome administration has been reported to improve motor function in Parkinson’s disease models."
WOUNDS = "Secretome therapy accelerates wound healing in burns."

EXAMPLES: dict[str, tuple[list[Files], list[Files]]] = {
    "language.overclaim": (
        [
            page((NO_RISK, []), kinds="safety"),
            page((SUPERLATIVE, ["review2021"])),
            page(("Secretome therapy cures knee osteoarthritis.", ["rct2020"])),
            page(("Our serum is clinically proven to reduce wrinkles.", ["cells2018"])),
        ],
        [
            {},
            page((SUPERLATIVE, ["rct2020"])),
            page(("The risk of immune rejection is lower.", []), kinds="safety"),
            page(("While it does not directly “cure” cancer, it may aid recovery.", [])),
        ],
    ),
    "claims.unnamed_evidence": (
        [
            page((ANIMAL_STUDIES, [])),
            page(("Studies show that exosomes improve skin elasticity.", [])),
            page(("Experts agree that the secretome is safe and effective.", [])),
        ],
        [
            {},
            page((ANIMAL_STUDIES, ["mouse2019"])),
            page(("Studies show that exosomes improve skin elasticity (Thakur, 2023).", [])),
            page(("Secretome therapy is under active study for many conditions.", [])),
        ],
    ),
    "evidence.mismatch": (
        [
            page((WOUNDS, ["review2021"])),
            page((WOUNDS, ["mouse2019", "cells2018"])),
            page((WOUNDS, ["vague2022"])),
            page(("Secretome therapy has fewer side effects.", ["review2021"]), kinds="safety"),
        ],
        [
            {},
            page((WOUNDS, ["review2021", "rct2020"])),
            page((WOUNDS, [])),
            page(("In mice, the secretome sped up wound closure.", ["mouse2019"])),
            page(("Exosomes carry messages between cells.", ["review2021"]), kinds="mechanism"),
        ],
    ),
    "claims.suggestions": (
        [
            page(("Zinc supplements speed up wound healing in older adults.", [])),
            page(
                ("Vitamin D reduces colds in winter.", ["smith2020trial"]),
                ("Vitamin D reduces the number of colds in winter.", []),
            ),
        ],
        [
            {},
            page(("Zinc supplements speed up wound healing in older adults.", ["lee2019zinc"])),
            page(("Exosomes are tiny vesicles released by cells.", [])),
        ],
    ),
}
