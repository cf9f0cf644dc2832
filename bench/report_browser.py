"""Time the HTML evidence report of a generated 5,000-claim project in headless Chromium.

    python bench/report_browser.py [--claims 5000]

Writes a project (bibliography, content and registers) to a temporary folder, renders its
report as `tracker report` does, opens it from file:// in Debian's /usr/bin/chromium through
Playwright, and prints one line per measure: page load (DOMContentLoaded and load), the first
filter applied (change event to the next painted frame) and a search typed as three keystrokes
(first keystroke to the filtered frame, so the 150 ms debounce is included). Figures are
measured in the page with performance.now(). tests/test_browser.py uses the same project.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
LEVELS = ("meta-analysis", "rct", "cohort", "narrative-review", "animal", "in-vitro", None)
VERDICTS = ("supported", "partial", "unsupported", "contradicted", "needs-review")
KIND_CYCLE = (
    ["efficacy"],
    ["safety", "quantitative"],
    ["mechanism"],
    ["composition", "background"],
    ["comparative", "efficacy"],
)
# claims.inconsistent compares every pair of claims: on 5,000 look-alike generated claims it
# takes a minute and flags them all, which would time the check, not the report.
SETTINGS = '[tool.tracker]\n\n[tool.tracker.checks]\n"claims.inconsistent" = "off"\n'
WORDS = ("collagen", "zinc", "retinol", "peptide", "exosome", "secretome", "vitamin", "serum")

# Resolves when two frames have passed after a change: the filtered page has been painted.
NEXT_PAINT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
TIME_FILTER = """([name, value]) => new Promise(resolve => {
  const select = document.querySelector(`#filters select[name="${name}"]`);
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
})"""
TIME_SEARCH = """(text) => new Promise(resolve => {
  const input = document.querySelector('#filters input[name="q"]');
  const count = document.querySelector("#filters output.count");
  const before = count.textContent;
  const t0 = performance.now();
  for (const ch of text) {
    input.value += ch;
    input.dispatchEvent(new Event("input", {bubbles: true}));
  }
  const wait = () => count.textContent !== before
    ? requestAnimationFrame(() => resolve(performance.now() - t0))
    : setTimeout(wait, 5);
  wait();
})"""
LOAD_TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""


def bib_entry(number: int) -> str:
    level = LEVELS[number % len(LEVELS)]
    fields = [
        f"  title = {{Study {number} of {WORDS[number % len(WORDS)]} in skin}}",
        f"  author = {{Author{number}, Ann and Other, Bo}}",
        "  journal = {Journal of Generated Tests}",
        f"  year = {{{2000 + number % 25}}}",
        f"  doi = {{10.5555/gen.{number}}}",
    ]
    if level:
        fields.append(f"  evidence = {{{level}}}")
    if number % 10 == 9:
        fields.append("  verification = {unverifiable}")
    return f"@article{{gen{number},\n" + ",\n".join(fields) + "\n}\n"


def claim_text(number: int) -> str:
    first, second = WORDS[number % len(WORDS)], WORDS[(number // 3) % len(WORDS)]
    return f"Claim {number}: {first} improves {second} skin by {number % 97} percent."


def citations(number: int, sources: int) -> list[str]:
    shape = number % 5
    if shape == 0:
        return []
    if shape == 4 and number % 20 == 4:
        return [f"{{key: missing{number}, marker: '[99]'}}"]
    keys = [f"gen{number % sources}"] + ([f"gen{(number * 7) % sources}"] if shape == 2 else [])
    return [f"{{key: {key}, marker: '[{i + 1}]'}}" for i, key in enumerate(dict.fromkeys(keys))]


def register_entry(number: int, line: int, start: int, sources: int) -> str:
    text = claim_text(number)
    kinds = ", ".join(KIND_CYCLE[number % len(KIND_CYCLE)])
    cited = citations(number, sources)
    lines = [
        f"  - id: g-{number:06d}",
        f"    text: '{text}'",
        f"    location: {{line: {line}, start: {start}, end: {start + len(text)}}}",
        f"    kinds: [{kinds}]",
        "    citations:" + ("".join(f"\n      - {c}" for c in cited) if cited else " []"),
    ]
    if number % 7 == 3:
        lines.append(f"    review: {{verdict: {VERDICTS[number % len(VERDICTS)]}, by: Bench}}")
    return "\n".join(lines) + "\n"


def write_big_project(
    root: Path, claims: int = 5000, documents: int = 20, sources: int = 30
) -> Path:
    """Write a project of `claims` claims spread over `documents` documents citing `sources`."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "claims").mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    bib = "\n".join(bib_entry(n) for n in range(sources))
    (root / "references.bib").write_text(bib, encoding="utf-8")
    per_document = -(-claims // documents)
    for d in range(documents):
        numbers = range(d * per_document, min(claims, (d + 1) * per_document))
        texts = [claim_text(n) for n in numbers]
        (root / "content" / f"page{d}.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        entries, start = [], 0
        for line, (number, text) in enumerate(zip(numbers, texts, strict=True), start=1):
            entries.append(register_entry(number, line, start, sources))
            start += len(text) + 1
        header = f"document:\n  title: Generated page {d}\n  path: content/page{d}.txt\nclaims:\n"
        register = header + "".join(entries)
        (root / "claims" / f"page{d}.yaml").write_text(register, encoding="utf-8")
    return root


def report_view(root: Path) -> dict[str, Any]:
    """Return the report's view model of a project, built as `tracker report` builds it."""
    from tracker.checks.base import Audit
    from tracker.checks.registry import run_checks
    from tracker.graph import build_graph
    from tracker.project import load_project
    from tracker.report import build_view

    project = load_project(root)
    graph = build_graph(project)
    return build_view(project, graph, run_checks(Audit(project, graph)), "2026-01-01")


def write_report(view: dict[str, Any], folder: Path) -> Path:
    from tracker.render import render

    path = folder / "evidence.html"
    path.write_text(render("report.html.j2", view), encoding="utf-8")
    return path


def launch(playwright: Any) -> Any:
    """Launch Debian's Chromium headless, with no network side traffic."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def measure(report: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(report.as_uri(), wait_until="load")
        figures = page.evaluate(LOAD_TIMES)
        page.evaluate(NEXT_PAINT)
        figures["filter"] = page.evaluate(TIME_FILTER, ["status", "uncited"])
        figures["search"] = page.evaluate(TIME_SEARCH, "zin")
        browser.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"Error: {CHROMIUM} is missing - apt-get install -y chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        view = report_view(write_big_project(folder / "project", args.claims))
        report = write_report(view, folder)
        built = time.perf_counter() - started
        size = report.stat().st_size / 1e6
        print(f"claims                      {view['summary']['claims']}")
        print(f"project + render            {built * 1000:8.0f} ms ({size:.1f} MB of HTML)")
        figures = measure(report)
    print(f"DOMContentLoaded            {figures['dcl']:8.0f} ms")
    print(f"load                        {figures['load']:8.0f} ms")
    print(f"first filter (status)       {figures['filter']:8.0f} ms")
    print(f"search, 3 keystrokes        {figures['search']:8.0f} ms (150 ms of it is debounce)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
