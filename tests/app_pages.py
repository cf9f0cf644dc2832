"""Helpers for the review app's tests: a two-claim project, reading a page's forms, and a
minimal PDF with a text layer."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import BIB, write_project

DOCUMENT = (
    "Vitamin D reduces colds in winter. [1]\n\n"
    "Zinc lozenges shorten colds by two days. [1]\n\n"
    "References\n\n1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. "
    "Journal of Testing. 2020.\n"
)
REGISTER = """\
# kept by hand
document:
  title: Vitamin D
  path: content/page.txt
claims:
  - id: p-000001
    text: Vitamin D reduces colds in winter. [1]
    location: {line: 1, start: 0, end: 38}
    kinds: [efficacy]
    citations:
      - {key: smith2020trial, marker: '[1]', ref: 1}
  - id: p-000002
    text: Zinc lozenges shorten colds by two days. [1]
    location: {line: 3, start: 40, end: 84}
    kinds: [efficacy]
    citations:
      - {key: smith2020trial, marker: '[1]', ref: 1}
    ticket: MED-7   # a field the tracker does not know
"""
SOURCE_TEXT = (
    "Background. Colds are common in winter.\n\n"
    "In this randomised trial, adults who took vitamin D had fewer colds than those given "
    "placebo (rate ratio 0.8).\n"
)


def write_review_project(root: Path) -> Path:
    return write_project(
        root,
        {
            "content/page.txt": DOCUMENT,
            "claims/page.yaml": REGISTER,
            "references.bib": BIB,
            "sources/smith2020trial.txt": SOURCE_TEXT,
        },
    )


def form_fields(html: str, action: str) -> dict[str, str]:
    """Return the hidden fields of the form posting to an action."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


def minimal_pdf(pages: list[str]) -> bytes:
    """Return a small valid PDF whose pages hold these lines of text (Helvetica)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    font = 3 + 2 * len(pages)
    for index, text in enumerate(pages):
        page, content = 3 + 2 * index, 4 + 2 * index
        kids.append(f"{page} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
        )
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out
