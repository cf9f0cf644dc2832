"""Score claim extraction against every gold file in ../shared/eval/gold and print a table.

    python bench/score_gold.py [--show]

Each gold file names its document; it is looked for in content/, then in ../shared/seeds.
Extraction runs as a user runs it (`python -m tracker extract DOC --format json`, from the
repository root so that references.bib resolves references) and ../shared/eval/score.py
scores it. Goals (issue: extraction on real-world copy): recall >= 0.95, precision >= 0.85,
resolution 1.000 on each document. Exits 1 when a document misses a goal.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOALS = {"recall": 0.95, "precision": 0.85, "resolution": 1.0}


def find_document(name: str) -> Path | None:
    for folder in (REPO / "content", SHARED / "seeds"):
        if (folder / name).is_file():
            return folder / name
    return None


def score(gold: Path, document: Path, show: bool) -> tuple[dict[str, float], float, str]:
    started = time.perf_counter()
    extracted = subprocess.run(
        [sys.executable, "-m", "tracker", "extract", str(document), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - started
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        out.write(extracted)
    args = [sys.executable, str(SHARED / "eval" / "score.py"), str(gold), out.name]
    report = subprocess.run(
        args + (["--show"] if show else []), capture_output=True, text=True, check=True
    ).stdout
    Path(out.name).unlink()
    last = report.strip().splitlines()[-1]
    return {k: float(v) for k, v in (pair.split("=") for pair in last.split())}, elapsed, report


def main(argv: list[str]) -> int:
    golds = sorted((SHARED / "eval" / "gold").glob("*.json"))
    if not golds:
        print(f"no gold files under {SHARED / 'eval' / 'gold'}")
        return 2
    columns = ("precision", 9), ("recall", 7), ("f1", 6), ("resolution", 10), ("seconds", 8)
    print(
        f"{'document':32} " + " ".join(f"{name:>{width}}" for name, width in columns) + "  verdict"
    )
    failed = False
    for gold in golds:
        name = json.loads(gold.read_text(encoding="utf-8"))["document"]
        document = find_document(name)
        if document is None:
            print(f"{name:32} document not found in content/ or ../shared/seeds")
            failed = True
            continue
        scores, elapsed, report = score(gold, document, "--show" in argv)
        ok = all(scores[k] >= goal for k, goal in GOALS.items())
        failed |= not ok
        print(
            f"{name:32} {scores['precision']:9.3f} {scores['recall']:7.3f} {scores['f1']:6.3f} "
            f"{scores['resolution']:10.3f} {elapsed:8.2f}  {'PASS' if ok else 'FAIL'}"
        )
        if "--show" in argv:
            print("\n".join("    " + line for line in report.splitlines()[:-3]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
