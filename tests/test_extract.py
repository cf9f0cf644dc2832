"""Extraction end to end: stable ids, citations, problems, and the scores on the gold pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.bibliography import load_bibliography
from tracker.extract import extract
from tracker.outputs import extraction_dict

from .conftest import REPO


def test_ids_are_stable_and_unique(tmp_path: Path) -> None:
    page = tmp_path / "my-page.txt"
    page.write_text(
        "Zinc heals wounds.\n\nZinc heals wounds.\n\nIron boosts energy.\n", encoding="utf-8"
    )
    first = [c.id for c in extract(page).claims]
    assert first == [c.id for c in extract(page).claims]
    assert len(set(first)) == 3 and all(i.startswith("mp-") for i in first)
    assert first[1] == first[0] + "-2"


def test_an_entry_of_the_reference_list_is_one_unit_and_no_claim(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Zinc heals wounds. [1]\n\nReferences\n\n"
        "1. Lin CY, Jang JSR, Chen KT. Automatic segmentation. Int J Comput Linguist. 2005.\n"
        "\nThe trial enrolled 40 adults. It found faster healing.\n",
        encoding="utf-8",
    )
    extracted = extraction_dict(extract(page), {})
    assert [c["text"] for c in extracted["claims"]] == ["Zinc heals wounds. [1]"]
    # The entry and the note after it stand whole, not cut at each full stop.
    assert [u["text"] for u in extracted["non_claims"]] == [
        "References",
        "Lin CY, Jang JSR, Chen KT. Automatic segmentation. Int J Comput Linguist. 2005.",
        "The trial enrolled 40 adults. It found faster healing.",
    ]


def test_marker_without_reference_is_a_problem(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Zinc heals wounds. [3]\n\nReferences\n\n1. Smith A. Zinc. J Test. 2020.\n",
        encoding="utf-8",
    )
    result = extract(page)
    (problem,) = result.problems
    assert problem.kind == "missing-reference" and problem.line == 1 and problem.col == 20
    assert result.claims[0].citations[0].key is None


def score(shared: Path, name: str, tmp_path: Path) -> dict[str, float]:
    sources = load_bibliography(REPO / "references.bib").sources
    result = extract(REPO / "content" / f"{name}.txt", sources, REPO)
    out = tmp_path / f"{name}.json"
    out.write_text(json.dumps(extraction_dict(result, sources)), encoding="utf-8")
    scorer = shared / "eval" / "score.py"
    gold = shared / "eval" / "gold" / f"{name}.json"
    last = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    return {k: float(v) for k, v in (pair.split("=") for pair in last.split())}


@pytest.mark.parametrize("name", ["secretome-therapy", "secretome-vs-exosomes"])
def test_gold_scores(shared: Path, name: str, tmp_path: Path) -> None:
    scores = score(shared, name, tmp_path)
    assert scores["recall"] >= 0.95
    assert scores["precision"] >= 0.85
    assert scores["resolution"] == 1.0
