"""Score claim extraction against gold files and print a table.

    python bench/score_gold.py [--show] [--seeds | --pages]

Gold files: the seeds' (../shared/eval/gold, documents in content/ or ../shared/seeds) and
the development set of real pages (tests/data/pages/gold, documents beside it). Extraction
runs as a user runs it (`python -m tracker extract DOC --format json`, from the repository
root so that references.bib resolves the seeds' references). For each document:

- precision and recall of claim detection (LABELLING.md: borderline units count for
  neither), and resolution (cited gold claims whose citations resolve to exactly the gold
  keys), as ../shared/eval/score.py scores them;
- cited right: gold claims found whose cited/uncited state the extraction has right;
- link right: cited gold claims found whose markers point to exactly the gold entries of
  the page's own reference list (`ref`).

Markers are written differently by pages and readers (`[^1]`, `¹`, `<sup>1</sup>` shown as
"1"), so units are matched with marker syntax left out of both texts. Goals: recall 0.95,
precision 0.85, cited right 0.95, link right 0.95 on every document; resolution 1.0 on the
seeds. Exits 1 when a document misses a goal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PAGES = REPO / "tests" / "data" / "pages"
GOALS = {"recall": 0.95, "precision": 0.85, "cited": 0.95, "link": 0.95}
SEED_GOALS = {**GOALS, "resolution": 1.0}
MARKER_SYNTAX = re.compile(r"\[\^?([\w\s,\-–]+)\]|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


def norm(text: str) -> str:
    """Collapse whitespace, lower the case and drop marker brackets, as both sides differ."""
    text = MARKER_SYNTAX.sub(lambda m: m.group(1) or "", text.replace("\u00a0", " "))
    text = text.replace(" | ", " ")  # table cells: the tool joins them with bars
    return re.sub(r"\s+", " ", text).strip().lower()


def overlaps(a: str, b: str) -> bool:
    """Equal, or one holds the other and is at least 80 % of its length (score.py's rule)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.8 * len(long_)


def extracted(document: Path) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "tracker", "extract", str(document), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out), time.perf_counter() - started


def score(gold: dict[str, Any], got: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """Return the scores of one document and the lines that explain its misses."""
    claims = got["claims"]
    texts = [norm(c["text"]) for c in claims]
    used: set[int] = set()
    tp = fn = cited_ok = link_ok = links = resolved_ok = resolvable = 0
    misses: list[str] = []
    for unit in gold["units"]:
        wanted = norm(unit["text"])
        hits = [i for i, t in enumerate(texts) if overlaps(wanted, t)]
        if unit["label"] != "claim":
            used.update(hits)
            continue
        if not hits:
            fn += 1
            misses.append(f"missed: {unit['text'][:90]}")
            continue
        tp += 1
        used.update(hits)
        citations = [c for i in hits for c in claims[i]["citations"]]
        if bool(citations) == bool(unit.get("cited")):
            cited_ok += 1
        else:
            misses.append(f"cited {bool(citations)}, gold {unit.get('cited')}: {unit['text'][:70]}")
        if unit.get("cited"):
            links += 1
            refs = sorted({c["ref"] for c in citations if c.get("ref") is not None})
            if refs == sorted(set(unit.get("refs", []))):
                link_ok += 1
            else:
                misses.append(f"refs {refs}, gold {unit.get('refs')}: {unit['text'][:70]}")
            resolvable += 1
            keys = sorted(str(c.get("key")) for c in citations)
            resolved_ok += keys == sorted(str(k) for k in unit.get("keys", []))
    fp = [c["text"] for i, c in enumerate(claims) if i not in used]
    misses += [f"not a gold claim: {text[:90]}" for text in fp]
    scores = {
        "precision": tp / (tp + len(fp)) if tp + len(fp) else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "cited": cited_ok / tp if tp else 1.0,
        "link": link_ok / links if links else 1.0,
        "resolution": resolved_ok / resolvable if resolvable else 1.0,
    }
    return scores, misses


def golds(which: str) -> list[tuple[Path, Path | None, dict[str, float]]]:
    """Return (gold file, document, goals) for the seeds and the development pages."""
    found: list[tuple[Path, Path | None, dict[str, float]]] = []
    if which in ("all", "seeds"):
        for gold in sorted((SHARED / "eval" / "gold").glob("*.json")):
            name = json.loads(gold.read_text(encoding="utf-8"))["document"]
            places = [REPO / "content" / name, SHARED / "seeds" / name]
            found.append((gold, next((p for p in places if p.is_file()), None), SEED_GOALS))
    if which in ("all", "pages"):
        for gold in sorted((PAGES / "gold").glob("*.json")):
            name = json.loads(gold.read_text(encoding="utf-8"))["document"]
            document = PAGES / name
            found.append((gold, document if document.is_file() else None, GOALS))
    return found


def main(argv: list[str]) -> int:
    which = "seeds" if "--seeds" in argv else "pages" if "--pages" in argv else "all"
    columns = ("precision", "recall", "cited", "link", "resolution")
    print(f"{'document':30} " + " ".join(f"{c:>10}" for c in columns) + "  seconds  verdict")
    failed = False
    totals: dict[str, list[float]] = {c: [] for c in columns}
    for gold_file, document, goals in golds(which):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if document is None:
            print(f"{gold['document']:30} document not found")
            failed = True
            continue
        got, elapsed = extracted(document)
        scores, misses = score(gold, got)
        ok = all(scores[k] >= goal for k, goal in goals.items())
        failed |= not ok
        for column in columns:
            totals[column].append(scores[column])
        cells = " ".join(f"{scores[c]:10.3f}" for c in columns)
        print(f"{gold['document'][:30]:30} {cells} {elapsed:8.2f}  {'PASS' if ok else 'FAIL'}")
        if "--show" in argv:
            print("\n".join("    " + line for line in misses))
    means = " ".join(f"{sum(v) / len(v):10.3f}" if v else f"{'-':>10}" for v in totals.values())
    print(f"{'mean':30} {means}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
