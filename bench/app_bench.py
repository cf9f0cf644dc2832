"""The review app as a reviewer meets it: `tracker serve` started as a user starts it, on a
project whose one document has 5,000 claims (bench/report_browser.py generates it); the
time to open the document's page and to save a verdict, over HTTP from another process.

    python bench/app_bench.py [--claims N] [--repeat N] [--work DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from app_server import free_port  # noqa: E402
from report_browser import write_big_project  # noqa: E402

DOCUMENT = "/document/claims/page0.yaml"
HIDDEN = re.compile(r'type="hidden" name="(\w+)" value="([^"]*)"')


def measure(root: Path, repeat: int) -> dict[str, float]:
    """Start the app on root, then time opening the document and saving verdicts."""
    import httpx

    port = free_port()
    command = [sys.executable, "-m", "tracker", "-C", str(root), "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            started = time.perf_counter()
            first = wait_for(client, DOCUMENT, started)
            opens = [timed(lambda: client.get(DOCUMENT)) for _ in range(repeat)]
            saves, after = [], []
            for number in range(repeat):
                claim = f"/claim/g-{number * 7:06d}"
                fields = dict(HIDDEN.findall(form_of(client.get(claim).text, f"{claim}/verdict")))
                data = {**fields, "verdict": "supported", "reviewer": "Bench Reviewer"}
                saves.append(timed(lambda c=claim, d=data: client.post(f"{c}/verdict", data=d)))
                after.append(timed(lambda: client.get(DOCUMENT)))
    finally:
        server.terminate()
        server.wait(10)
    return {
        "first_open": first,
        "open": statistics.median(opens),
        "save": statistics.median(saves),
        "open_after_save": statistics.median(after),
    }


def wait_for(client: object, path: str, started: float) -> float:
    """Wait until the app answers a page; return the seconds from its start."""
    import httpx

    while True:
        try:
            if client.get(path).status_code == 200:  # type: ignore[attr-defined]
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.05)
        if time.perf_counter() - started > 300:
            raise RuntimeError("the review app did not answer within 300 s")


def timed(request: object) -> float:
    started = time.perf_counter()
    response = request()  # type: ignore[operator]
    took = time.perf_counter() - started
    if response.status_code not in (200, 303):
        raise RuntimeError(f"the app answered {response.status_code}")
    return took


def form_of(html: str, action: str) -> str:
    start = html.index(f'action="{action}"')
    return html[start : html.index("</form>", start)]


def prepare(work: Path, claims: int) -> Path:
    root = work / f"app-{claims}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return write_big_project(root, claims=claims, documents=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=REPO / "bench" / ".work")
    args = parser.parse_args()
    figures = measure(prepare(args.work, args.claims), args.repeat)
    for name, seconds in figures.items():
        print(f"{name:<16} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
