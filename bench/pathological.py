"""Pathological pages, and ordinary ones of the same size to compare their speed with.

Each maker takes a size in bytes and returns page text of about that size. The pathological
shapes are those that were found slow, or could be: tens of thousands of footnotes (a
minute for 1 MB, in time growing faster than the page), a reference list of 100,000
entries, 300,000 `<br>`s, one 8 MB line, runs of markers, tables of thousands of rows,
thousands of headings, elements nested thousands deep. `python bench/run.py --only
pathological` reads each at 1 MB beside an ordinary page in the same format and asks for at
least a quarter of its speed; tests/test_readers.py checks that each grows linearly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "content" / "secretome-therapy.txt"


def prose(size: int) -> str:
    """Return a real page's prose repeated to about size characters, in paragraphs."""
    text = SEED.read_text(encoding="utf-8")
    return (text * (size // len(text) + 1))[:size].rsplit("\n", 1)[0] + "\n"


def ordinary(suffix: str, size: int) -> str:
    """Return an ordinary page of about size bytes in a format: prose in paragraphs."""
    text = prose(size)
    if suffix == ".html":
        paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
        return f"<html><body><main>{paragraphs}</main></body></html>\n"
    return text


def repeat(unit: Callable[[int], str], size: int, head: str = "", tail: str = "") -> str:
    parts, used, number = [head], len(head) + len(tail), 1
    while used < size:
        part = unit(number)
        parts.append(part)
        used += len(part)
        number += 1
    return "".join(parts) + tail


# name: (suffix, maker)
PATHOLOGICAL: dict[str, tuple[str, Callable[[int], str]]] = {
    "footnotes": (
        ".md",
        lambda size: (
            repeat(lambda n: f"Zinc shortens colds by {n} hours.[^{n}]\n\n", size // 2)
            + repeat(lambda n: f"[^{n}]: Smith J. Zinc trial {n}. J Test. 2020.\n", size // 2)
        ),
    ),
    "numbered references": (
        ".txt",
        lambda size: repeat(
            lambda n: f"{n}. Smith J, Lee K. Zinc lozenges and colds, trial {n}. J Test. 2020.\n",
            size,
            "Zinc shortens colds [1].\n\nReferences\n\n",
        ),
    ),
    "line breaks": (
        ".html",
        lambda size: "<p>Zinc shortens colds." + "<br>" * (size // 4) + "</p>\n",
    ),
    "one line": (".txt", lambda size: prose(size).replace("\n", " ") + "\n"),
    "runs of markers": (
        ".txt",
        lambda size: repeat(
            lambda n: "[1] ",
            size,
            "Zinc shortens colds ",
            ".\n\nReferences\n\n1. Smith J. Zinc. J Test. 2020.\n",
        ),
    ),
    "table rows": (
        ".md",
        lambda size: repeat(
            lambda n: f"| Zinc | {n} mg |\n", size, "| Ingredient | Dose |\n|---|---|\n"
        ),
    ),
    "headings": (".md", lambda size: repeat(lambda n: f"## Benefit {n}\n\n", size)),
    "nested elements": (
        ".html",
        lambda size: "<div>" * (size // 11) + "Zinc shortens colds." + "</div>" * (size // 11),
    ),
    "reference links": (
        ".html",
        lambda size: repeat(
            lambda n: f'Zinc shortens colds.<sup><a href="#ref-{n % 50}">{n % 50}</a></sup> ',
            size,
            "<p>",
            "</p>\n",
        ),
    ),
    "author-year run": (
        ".txt",
        lambda size: repeat(
            lambda n: f"Smith et al., {1950 + n % 70}; ", size, "Zinc shortens colds (", ").\n"
        ),
    ),
}
