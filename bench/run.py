"""Benchmarks of the tracker against its peers: one table of ratio, goal and verdict.

    python bench/run.py [--quick] [--only NAME ...] [--repeat N] [--work DIR] [--json FILE]

Every benchmark times the tracker and its peer in the same run, in turns (peer, tracker,
peer, tracker...) so that a machine that slows down slows both alike, several times, and
reports the medians, their ratio and the verdict against a goal set for the size it runs at.
Lines print as they are measured; the whole table follows at the end and is written as JSON
(default: bench/history/<UTC time>.json, with the commit and the machine) for history.

- bibliography: loading ../shared/bench's 45,006-entry ACL file, cold (parse, model,
  validation) and warm (from the cache), against bibtexparser's parse_file alone; the
  regular-expression scan of the file is printed as the floor.
- audit: `tracker check` on generated projects (bench/generate.py: 1k, 5k and 10k pages and
  a bibliography of 20k entries; --quick: 1k) from a cold cache, against proselint on the
  same pages; one worker process against two; the peak memory at 1k and at the largest size.
- incremental: `tracker check` again after one page changed, against the cold run, with the
  findings compared to those of a run without the cache (10k pages; --quick: 1k).
- latency: `tracker check` on a copy of the seed page, whole process, against proselint on
  it: after a one-word edit (what a writer runs), unchanged (from the cache) and --no-cache.
- readers: the HTML reader on a 200 KB page and the Word reader on a 50-page document
  (bench/documents.py), and the duplicate-work check on the 45,006-entry ACL file.
- registers: the register loader on ordinary, pathological and hostile YAML shapes
  (bench/shapes.py) at 16 KB, 128 KB and 1 MB, and how its time grows with the size.
- pathological: extraction of pathological pages (bench/pathological.py: footnotes,
  reference lists, line breaks, one long line, runs of markers, tables, headings, nesting)
  at 1 MB against an ordinary page of the same format and size.
- verify: `tracker verify` of 1,000 sources against a local server answering as the
  services do (bench/verify_server.py), 50 ms a request, at the services' rate limits; then
  again with the results stored.
- app: the review app started as `tracker serve` on a document of 5,000 claims: opening the
  document's page and saving a verdict, over HTTP (bench/app_bench.py).
- matching: the closest registered claim for 10k new sentences among 5k (--quick: 2k among
  1k), against rapidfuzz's all-pairs cdist with the same scorer, and whether the top hits
  agree.

Needs the bench extra (`pip install -e ".[bench]"`: proselint, psutil). Generated projects
are kept in --work (default: bench/.work) and reused by later runs.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ACL = SHARED / "bench" / "acl-anthology-1965-2019.bib.gz"
SEED_PAGE = REPO / "content" / "secretome-therapy.txt"
for folder in (REPO, REPO / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

BIN = Path(sys.executable).parent
TRACKER = [sys.executable, "-m", "tracker"]
PROSELINT = [str(BIN / "proselint")] if (BIN / "proselint").exists() else ["proselint"]
MIB = 2**20
# How often the memory of a measured command is sampled: each sample walks the process table,
# which costs the command time if done too often.
SAMPLE_SECONDS = 0.05
# The size the audit's goals are set for (issue 16): a team's whole site.
GOAL_SIZE = 10000
# Of proselint's time on the same pages, at GOAL_SIZE (issue 16). Smaller sizes are shown: the
# tracker's fixed part (reading and indexing the 20,000-entry bibliography, about 2 s, which
# proselint has no counterpart of) weighs a third of its time at 1k and a twentieth at 10k.
AUDIT_RATIO = 0.25
WORKERS_SPEEDUP = 1.7  # two workers against one, at GOAL_SIZE
MEMORY_LIMIT = 400 * MIB  # peak at GOAL_SIZE ...
MEMORY_GROWTH = 0.10  # ... and at most this much above the peak at 1k: memory is flat
# One changed page re-checked in this share of a cold run at GOAL_SIZE; the fixed part of a
# run (start, bibliography, cache) weighs more in smaller projects, so the share scales.
INCREMENTAL_SHARE = 0.05


@dataclass
class Line:
    """One measured comparison and its verdict."""

    name: str
    ours: float
    peer: float | None
    goal: str
    passed: bool | None
    note: str = ""
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return self.ours / self.peer if self.peer else None

    def as_json(self) -> dict[str, Any]:
        verdict = {True: "pass", False: "fail", None: "info"}[self.passed]
        return {
            "name": self.name,
            "tracker": round(self.ours, 4),
            "peer": None if self.peer is None else round(self.peer, 4),
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "unit": self.unit,
            "goal": self.goal,
            "verdict": verdict,
            "note": self.note,
        }

    def __str__(self) -> str:
        peer = f"peer {self.peer:9.3f} {self.unit:<2}" if self.peer is not None else " " * 17
        ratio = f"ratio {self.ours / self.peer:6.3f}" if self.peer else " " * 12
        verdict = {True: "PASS", False: "FAIL", None: "info"}[self.passed]
        return (
            f"{self.name:<26} tracker {self.ours:9.3f} {self.unit:<2}  {peer}  {ratio}  "
            f"{self.goal:<18} {verdict}  {self.note}"
        ).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run these only")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measure (median)")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / ".work")
    parser.add_argument("--json", type=Path, default=None, help="where to write the table")
    args = parser.parse_args()
    if not ACL.is_file():
        sys.exit(f"Error: {ACL} is missing - the benchmarks need ../shared/bench")
    repeat = args.repeat or (3 if args.quick else 5)
    args.work.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    lines: list[Line] = []
    for name in args.only or BENCHMARKS:
        for line in BENCHMARKS[name](args.work, repeat, args.quick):
            print(line, flush=True)
            lines.append(line)
    print("\n" + table(lines))
    stamp = started.strftime("%Y-%m-%dT%H%M%SZ")
    path = args.json or REPO / "bench" / "history" / f"{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"started": started.isoformat(timespec="seconds"), **machine(), "quick": args.quick}
    record["lines"] = [line.as_json() for line in lines]
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {path}")
    sys.exit(1 if any(line.passed is False for line in lines) else 0)


def table(lines: list[Line]) -> str:
    """Return the lines as one table: measure, tracker, peer, ratio, goal, verdict."""
    rows = [("benchmark", "tracker", "peer", "ratio", "goal", "verdict")]
    for line in lines:
        row = line.as_json()
        rows.append(
            (
                line.name,
                f"{line.ours:.3f} {line.unit}",
                "" if line.peer is None else f"{line.peer:.3f} {line.unit}",
                "" if line.ratio is None else f"{line.ratio:.3f}",
                line.goal,
                row["verdict"].upper(),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def machine() -> dict[str, Any]:
    """Describe what the figures were measured on: the commit, cores, Python."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "tracker"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "commit": commit + ("+changes" if dirty else ""),
        "cores": available_cores(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# ---------------------------------------------------------------------------------------------
# Measuring


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the median wall time of repeat runs of a function, and what it returned."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def paired_medians(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[float, float]:
    """Time two functions in turns, so that a machine that slows down slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, kept in ((first, times[0]), (second, times[1])):
            gc.collect()
            started = time.perf_counter()
            run()
            kept.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


@dataclass
class Process:
    """What one command took: wall seconds, the largest resident size, what it printed."""

    seconds: float
    peak: int
    stdout: bytes


def run_process(command: list[str], cwd: Path, keep_output: bool = False) -> Process:
    """Run a command; its peak memory is that of its largest process (workers included).

    The wall time ends when the process does: memory is sampled by a thread, so the time is
    not rounded up to the sampling interval."""
    import psutil

    started = time.perf_counter()
    out = subprocess.PIPE if keep_output else subprocess.DEVNULL
    child = psutil.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
    peak = 0
    chunks: list[bytes] = []
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(SAMPLE_SECONDS):
            peak = max(peak, _resident(child))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # The output is read while the command runs: a full pipe would stop it.
    if keep_output:
        chunks.append(child.stdout.read())
    child.wait()
    seconds = time.perf_counter() - started
    finished.set()
    sampler.join()
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode} in {cwd}")
    return Process(seconds, peak, b"".join(chunks))


def _resident(process: Any) -> int:
    import psutil

    try:
        tree = [process, *process.children(recursive=True)]
        return max(p.memory_info().rss for p in tree)
    except psutil.Error:
        return 0


@dataclass
class Command:
    """A command to time, where it runs, and what to do before each run (a cache to empty,
    a page to edit)."""

    argv: list[str]
    cwd: Path
    before: Callable[[], Any] = lambda: None


def alternating(commands: list[Command], repeat: int) -> list[Process]:
    """Run the commands in turns, repeat rounds; return each one's median run, so that noise
    on the machine lands on every side alike instead of on whichever ran last."""
    runs: list[list[Process]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, kept in zip(commands, runs, strict=True):
            command.before()
            kept.append(run_process(command.argv, command.cwd))
    return [median(kept) for kept in runs]


def median(runs: list[Process]) -> Process:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


# ---------------------------------------------------------------------------------------------
# Bibliography load


def bibliography(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    import bibtexparser

    from tracker.bibliography import load_bibliography
    from tracker.cache import Cache
    from tracker.config import Config
    from tracker.project import bibliography_and_digest

    path = work / "acl.bib"
    if not path.exists():
        path.write_bytes(gzip.decompress(ACL.read_bytes()))
    peer, cold = paired_medians(
        lambda: bibtexparser.parse_file(str(path)),
        lambda: load_bibliography(path, "acl.bib"),
        repeat,
    )
    config = Config(root=work, bibliography="acl.bib")
    shutil.rmtree(work / ".tracker-cache", ignore_errors=True)
    cache = Cache.for_project(work)
    started = time.perf_counter()
    entries = len(bibliography_and_digest(config, cache)[0].sources)
    first = time.perf_counter() - started
    warm, _ = timed(lambda: bibliography_and_digest(config, cache), repeat)
    cache.close()
    head = re.compile(rb"@\w+\s*\{\s*[^,\s]+\s*,")
    floor, _ = timed(lambda: len(head.findall(path.read_bytes())), repeat)
    yield Line(
        "bibliography.cold",
        cold,
        peer,
        "ratio <= 1.10",
        cold <= 1.10 * peer,
        f"{entries:,} entries; parse, model and validation",
    )
    yield Line(
        "bibliography.warm",
        warm,
        peer,
        "ratio <= 0.15",
        warm <= 0.15 * peer,
        f"from the cache; the first load, storing it, took {first:.2f} s",
    )
    yield Line("bibliography.floor", floor, peer, "", None, "regular-expression scan of the keys")


# ---------------------------------------------------------------------------------------------
# Whole audit, workers, memory, incremental runs


def project(work: Path, documents: int) -> Path:
    """Return a generated project of that many pages, generating it on first use."""
    from generate import generate_project

    folder = work / f"project-{documents}"
    done = folder / ".generated"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate_project(folder, documents)
        done.write_text("complete\n", encoding="utf-8")
    return folder


def forget_cache(folder: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(folder / ".tracker-cache", ignore_errors=True)


def audit(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    sizes = (1000,) if quick else (1000, 5000, 10000)
    peaks: dict[int, int] = {}
    for size in sizes:
        folder = project(work, size)
        # A 10k-page run of each takes minutes: the larger sizes are measured once.
        runs = repeat if size <= 1000 else 1
        check = [*TRACKER, "check", "--no-exit"]
        peer, one, two = alternating(
            [
                Command([*PROSELINT, "check", "content"], folder),
                Command([*check, "-j", "1"], folder, forget_cache(folder)),
                Command([*check, "-j", "2"], folder, forget_cache(folder)),
            ],
            runs,
        )
        peaks[size] = one.peak
        yield Line(
            f"audit.{size // 1000}k",
            two.seconds,
            peer.seconds,
            f"ratio <= {AUDIT_RATIO:.2f} at {GOAL_SIZE // 1000}k",
            two.seconds <= AUDIT_RATIO * peer.seconds if size == GOAL_SIZE else None,
            f"cold cache, 2 workers; {runs} run(s) each",
        )
        speedup = one.seconds / two.seconds
        yield Line(
            f"audit.{size // 1000}k.workers",
            two.seconds,
            one.seconds,
            f"speed-up >= {WORKERS_SPEEDUP} at {GOAL_SIZE // 1000}k",
            speedup >= WORKERS_SPEEDUP if size == GOAL_SIZE else None,
            f"peer = 1 worker; 2 workers are {speedup:.2f}x faster",
        )
    yield memory_line(peaks)


def memory_line(peaks: dict[int, int]) -> Line:
    """Judge peak memory: under the limit at the largest size and flat from 1k pages on."""
    sizes = sorted(peaks)
    largest = peaks[sizes[-1]]
    note = "peak, 1 worker (" + ", ".join(f"{s // 1000}k: {peaks[s] / MIB:.0f} MB" for s in sizes)
    growth = largest / peaks[sizes[0]] - 1
    note += f"); {growth:+.1%} from {sizes[0] // 1000}k to {sizes[-1] // 1000}k"
    flat = growth <= MEMORY_GROWTH
    return Line(
        f"audit.memory.{sizes[-1] // 1000}k",
        largest / MIB,
        None,
        f"< {MEMORY_LIMIT // MIB} MB, <= +{MEMORY_GROWTH:.0%}",
        largest < MEMORY_LIMIT and flat,
        note,
        "MB",
    )


def incremental(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    from generate import change_document

    size = 1000 if quick else GOAL_SIZE
    folder = project(work, size)
    check = [*TRACKER, "check", "--no-exit", "--format", "json"]
    # The cold run leaves a filled cache behind; then one page changes before each timed run.
    cold = median(alternating([Command(check, folder, forget_cache(folder))], 1))
    times = []
    for attempt in range(repeat):
        change_document(folder, (attempt * 7919) % size, attempt)
        warm = run_process(check, folder, keep_output=True)
        times.append(warm.seconds)
    fresh = run_process([*check, "--no-cache"], folder, keep_output=True)
    same = json.loads(warm.stdout) == json.loads(fresh.stdout)
    took = statistics.median(times)
    share = incremental_share(size)
    yield Line(
        f"incremental.{size // 1000}k",
        took,
        cold.seconds,
        f"ratio <= {share:.2f}",
        took <= share * cold.seconds and same,
        f"one page changed, {repeat} times; the last run's findings "
        f"{'equal' if same else 'DIFFER from'} those of a run without the cache",
    )


def incremental_share(size: int) -> float:
    """Return the share of a cold run that re-checking one changed page may take, at a size."""
    return INCREMENTAL_SHARE * GOAL_SIZE / size


# ---------------------------------------------------------------------------------------------
# Writer's latency


def latency(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    """`tracker check PAGE` as a writer runs it, on a copy of the bundled project: after a
    one-word edit of the page (every run a different word), on the unchanged page (its
    findings from the cache) and with --no-cache; proselint on the same page in turns."""
    import compileall

    # An installed tracker has its modules compiled; a process that may not write bytecode
    # (PYTHONDONTWRITEBYTECODE) would compile every module changed since on each start.
    compileall.compile_dir(REPO / "tracker", quiet=1)
    folder = work / "latency"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("pyproject.toml", "references.bib"):
        shutil.copy(REPO / name, folder / name)
    for name in ("claims", "content", "sources"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, folder / name)
    page = folder / "content" / SEED_PAGE.name
    original = page.read_text(encoding="utf-8")
    edits = iter(range(1, 10**6))

    def edit() -> None:
        page.write_text(one_word_edit(original, next(edits)), encoding="utf-8")

    tracker = [str(BIN / "tracker"), "check", "--no-exit", str(page)]
    run_process(tracker, folder)  # the first run fills the cache, as a writer's first save does
    runs = max(repeat, 10)
    peer = Command([*PROSELINT, "check", str(page)], folder)
    edited_peer, edited = alternating([peer, Command(tracker, folder, edit)], runs)
    page.write_text(original, encoding="utf-8")
    run_process(tracker, folder)
    same_peer, unchanged, no_cache = alternating(
        [peer, Command(tracker, folder), Command([*tracker, "--no-cache"], folder)], runs
    )
    size = f"{page.name} ({page.stat().st_size:,} bytes)"
    yield Line(
        "latency.edited-page",
        edited.seconds,
        edited_peer.seconds,
        "ratio <= 1.00, < 0.30 s",
        edited.seconds <= edited_peer.seconds and edited.seconds < 0.3,
        f"whole process on {size}, one word changed before each run",
    )
    yield Line(
        "latency.unchanged-page",
        unchanged.seconds,
        same_peer.seconds,
        "",
        None,
        "the page's findings from the cache",
    )
    yield Line("latency.no-cache", no_cache.seconds, same_peer.seconds, "", None, "--no-cache")


def one_word_edit(text: str, number: int) -> str:
    """Replace one word of the text's body, a different one for each number, as a writer's
    edit does: the page must be checked again, the rest of the project has not changed."""
    words = list(re.finditer(r"(?<=\s)[a-z]{4,}(?=[\s,.])", text))
    chosen = words[(number * 37) % len(words)]
    return text[: chosen.start()] + f"edit{number}" + text[chosen.end() :]


# ---------------------------------------------------------------------------------------------
# Readers and the largest bibliography check


def readers(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    import networkx as nx
    from documents import big_html_page, long_docx

    from tracker.bibliography import load_bibliography
    from tracker.checks.base import Audit
    from tracker.checks.sources import duplicate_work
    from tracker.config import load_config
    from tracker.project import Project
    from tracker.readers.docx import read_docx
    from tracker.readers.html import read_html

    page = big_html_page(200_000)
    took, doc = timed(lambda: read_html(Path("big.html"), page), max(repeat, 5))
    yield Line(
        "readers.html-200kb",
        took,
        None,
        "<= 0.20 s",
        took <= 0.2,
        f"{len(page):,} bytes, {len(doc.blocks)} blocks",
    )
    document = long_docx(600)
    took, doc = timed(lambda: read_docx(Path("long.docx"), document), max(repeat, 5))
    yield Line(
        "readers.docx-50-pages",
        took,
        None,
        "<= 1.00 s",
        took <= 1.0,
        f"{len(document):,} bytes, {len(doc.blocks)} blocks",
    )
    path = work / "acl.bib"
    if not path.exists():
        path.write_bytes(gzip.decompress(ACL.read_bytes()))
    audit = Audit(Project(load_config(REPO), load_bibliography(path, "acl.bib"), []), nx.DiGraph())
    took, fired = timed(lambda: list(duplicate_work.check(audit)), repeat)
    yield Line(
        "checks.duplicate-work-45k",
        took,
        None,
        "",
        None,
        f"{len(audit.project.bibliography.sources):,} entries, {len(fired)} findings",
    )


# ---------------------------------------------------------------------------------------------
# Register loader on every shape


def registers(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    """Time the register loader on each shape of bench/shapes.py at sizes eight times apart.

    Linear growth gives about 8x the time for 8x the bytes; the goal is under 24x (as in the
    suite's complexity tests) between the two largest sizes, for every shape.
    """
    from shapes import SHAPES

    from tracker.register_read import parse_register

    sizes = (16_000, 128_000) if quick else (16_000, 128_000, 1_024_000)
    for name, make in SHAPES.items():
        seconds = []
        for size in sizes:
            text = make(size)
            runs = repeat if len(text) < 500_000 else 1
            took, _ = timed(lambda text=text: parse_register(text, "claims/shape.yaml"), runs)
            seconds.append((len(text), took))
        (small, before), (large, after) = seconds[-2:]
        growth = after / max(before, 1e-4)
        speeds = ", ".join(f"{size // 1000} KB {took:.3f} s" for size, took in seconds)
        yield Line(
            f"registers.{name.replace(' ', '-')}",
            after,
            None,
            "growth < 24x",
            growth < 24,
            f"{speeds}; {large / small:.0f}x the bytes took {growth:.1f}x the time",
        )


# ---------------------------------------------------------------------------------------------
# Pathological pages against ordinary ones


def pathological(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    """Extract each pathological page of bench/pathological.py and an ordinary page of the
    same format and size; the goal is at least a quarter of the ordinary page's speed."""
    from pathological import PATHOLOGICAL, ordinary

    from tracker.extract import extract

    size = 250_000 if quick else 1_000_000
    folder = work / "pathological"
    folder.mkdir(parents=True, exist_ok=True)

    def page(name: str, suffix: str, text: str) -> Path:
        path = folder / f"{name.replace(' ', '-')}{suffix}"
        path.write_text(text, encoding="utf-8")
        return path

    baseline: dict[str, float] = {}
    for name, (suffix, make) in PATHOLOGICAL.items():
        if suffix not in baseline:
            normal = page("ordinary", suffix, ordinary(suffix, size))
            baseline[suffix], _ = timed(lambda normal=normal: extract(normal, {}), repeat)
        path = page(name, suffix, make(size))
        took, result = timed(lambda path=path: extract(path, {}), max(1, repeat // 2))
        speed = path.stat().st_size / took / 1e6
        share = baseline[suffix] / took * path.stat().st_size / size
        yield Line(
            f"pathological.{name.replace(' ', '-')}",
            took,
            baseline[suffix],
            ">= 0.25 of ordinary",
            share >= 0.25,
            f"{suffix}, {path.stat().st_size / 1e6:.2f} MB at {speed:.2f} MB/s, "
            f"{share:.2f} of an ordinary page's speed; {len(result.claims)} claims",
        )


# ---------------------------------------------------------------------------------------------
# Verification against a local server


def verify(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    """`tracker verify` of 1,000 sources (--quick: 100) against a local server that answers
    as Crossref, OpenAlex and PubMed do, 50 ms late, at the services' real rate limits; then
    again with the results stored, which must make no request and take under 2 s."""
    from verify_server import serve

    from tracker.online.http import Client
    from tracker.online.verify import verify_project
    from tracker.project import load_project

    count = 100 if quick else 1000
    root = work / f"verify-{count}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "claims").mkdir(parents=True)
    entries = "".join(
        f"@article{{work{n},\n  author = {{Author{n}, Ann}},\n  title = {{Trial number {n} of"
        f" zinc}},\n  journal = {{Journal of Tests}},\n  year = {{2020}},\n"
        f"  doi = {{10.5555/bench.{n}}}\n}}\n"
        for n in range(count)
    )
    (root / "references.bib").write_text(entries, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.tracker]\n", encoding="utf-8")
    with serve(latency=0.05) as base:
        for name in ("CROSSREF", "PUBMED", "OPENALEX"):
            os.environ[f"TRACKER_{name}_URL"] = f"{base}/{name.lower()}"
        started = time.perf_counter()
        first = verify_project(load_project(root), "2026-12-06", client=Client())
        took = time.perf_counter() - started
        started = time.perf_counter()
        again = verify_project(load_project(root), "2026-12-06", client=Client())
        rerun = time.perf_counter() - started
    found = sum(r.status == "found" for r in first.results.values())
    yield Line(
        f"verify.{count}",
        took,
        None,
        "all found",
        found == count,
        f"{first.requests} requests, {found} of {count} found, 50 ms a request",
    )
    yield Line(
        f"verify.{count}.stored",
        rerun,
        took,
        "0 requests, < 2 s",
        again.requests == 0 and rerun < 2.0,
        f"{again.requests} requests",
    )


# ---------------------------------------------------------------------------------------------
# Library matching


def matching(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    import random

    import numpy
    from generate import claim_sentences, load_pool
    from rapidfuzz import fuzz, process

    from tracker.similar import (
        CANDIDATES,
        MIN_SCORE,
        ClaimMatcher,
        KnownClaim,
        comparable,
        similar_length,
    )

    registered, new = (1000, 2000) if quick else (5000, 10000)
    rng = random.Random(0)
    pool = load_pool()
    texts = claim_sentences(rng, pool, registered + new // 2)
    claims = [
        KnownClaim(f"c{i}", text, ("key",), "page") for i, text in enumerate(texts[:registered])
    ]
    # Half the new sentences restate a registered claim with an edit, half are unrelated.
    sentences = [edited(rng, rng.choice(texts[:registered])) for _ in range(new // 2)]
    sentences += texts[registered : registered + new - len(sentences)]
    matcher = ClaimMatcher(claims)

    def ours() -> list[Any]:
        return [matcher.closest(s) for s in sentences]

    queries = [comparable(s) for s in sentences]

    def peer() -> Any:
        return process.cdist(
            queries, matcher.choices, scorer=fuzz.token_set_ratio, dtype=numpy.float32, workers=2
        )

    took, found = timed(ours, max(1, repeat // 2))
    all_pairs, matrix = timed(peer, 1 if not quick else max(1, repeat // 2))
    agree = 0
    for row, query, match in zip(matrix, queries, found, strict=True):
        best = None
        for index in numpy.argsort(-row, kind="stable")[:CANDIDATES]:
            if row[index] < MIN_SCORE:
                break
            if similar_length(query, matcher.choices[index]):
                best = float(row[index])
                break
        agree += (best is None and match is None) or (
            best is not None and match is not None and abs(best - match.score) < 1e-3
        )
    hits = sum(m is not None for m in found)
    yield Line(
        f"matching.{new // 1000}k-vs-{registered // 1000}k",
        took,
        all_pairs,
        "ratio <= 0.10, same hits",
        took <= 0.1 * all_pairs and agree == len(found),
        f"top hits agree for {agree:,} of {len(found):,} sentences ({hits:,} matched)",
    )


def edited(rng: Any, text: str) -> str:
    """Restate a sentence as a writer might: a word dropped or added, a marker appended."""
    words = text.split()
    if len(words) > 6 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(["also", "clearly", "often", "new"]))
    return " ".join(words) + (f" [{rng.randint(1, 9)}]" if rng.random() < 0.4 else "")


def app(work: Path, repeat: int, quick: bool) -> Iterator[Line]:
    """The review app started as `tracker serve`, on a document of 5,000 claims (--quick:
    1,000): opening the document's page (goal 1 s) and saving a verdict (goal 200 ms)."""
    from app_bench import measure, prepare

    claims = 1000 if quick else 5000
    figures = measure(prepare(work, claims), max(repeat, 5))
    note = (
        f"first page after start {figures['first_open']:.1f} s, "
        f"page after a save {figures['open_after_save']:.3f} s"
    )
    yield Line(f"app.open.{claims}", figures["open"], None, "< 1.00 s", figures["open"] < 1.0, note)
    yield Line(f"app.save.{claims}", figures["save"], None, "< 0.20 s", figures["save"] < 0.2)


BENCHMARKS: dict[str, Callable[[Path, int, bool], Iterator[Line]]] = {
    "bibliography": bibliography,
    "latency": latency,
    "matching": matching,
    "audit": audit,
    "incremental": incremental,
    "readers": readers,
    "registers": registers,
    "pathological": pathological,
    "verify": verify,
    "app": app,
}


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
