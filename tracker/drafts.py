"""The writers' check over many documents: drafts named on the command line, or the project's
pages that no register covers yet.

Each document is extracted and its document checks run, as `tracker check DOCUMENT` does.
The findings of a document are cached under a digest of its bytes and of everything else
they depend on (bibliography, registers, settings, tracker version), so an unchanged
document costs a hash and a look-up; the documents that do need the work are shared among
worker processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tracker.cache import Cache, decode_payload, decoder, encode, file_digest, stamp
from tracker.config import Config
from tracker.model import Finding, Source
from tracker.readers import SUFFIXES, ReaderError
from tracker.resolve import Resolver
from tracker.similar import ClaimMatcher, known_claims

CACHE_KIND = "document"
# Below this many documents to work on, starting worker processes costs more than it saves.
MIN_PARALLEL = 8
# Documents handed to a worker at a time: small enough to balance, large enough to batch.
CHUNKS_PER_WORKER = 8

_FINDINGS = decoder(list[Finding])


@dataclass
class Context:
    """What every document's check needs, the same for the whole run."""

    root: Path | None
    config: Config | None
    sources: dict[str, Source]
    # The registers' folder, read for the claims the team already cites.
    claims: Path | None
    # A digest of the bibliography, registers and settings the findings depend on.
    digest: str = ""

    @property
    def bibliography(self) -> str:
        return self.config.bibliography if self.config else "the bibliography (no project found)"

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.sources)

    @cached_property
    def matcher(self) -> ClaimMatcher:
        return ClaimMatcher(known_claims(self.claims) if self.claims else [])


@dataclass
class Result:
    """What the check of one document found, and how many claims it holds."""

    path: str
    findings: list[Finding]
    claims: int


@dataclass
class Run:
    """The results of a run over many documents, in the order they were given."""

    results: list[Result] = field(default_factory=list)
    reused: int = 0

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]

    @property
    def claims(self) -> int:
        return sum(result.claims for result in self.results)


def check_documents(
    paths: list[Path],
    context: Context,
    cache: Cache | None = None,
    jobs: int = 1,
    watch: Callable[[list[Path]], Iterable[Path]] = iter,
    alongside: Callable[[], object] = lambda: None,
) -> Run:
    """Check documents, reusing the cached findings of those that have not changed.

    jobs is the number of worker processes (0: one per available core); watch sees the
    documents that need the work, as they are done (the CLI passes a progress bar);
    alongside is other work for this process, done while the workers check documents.
    """
    cache = cache or Cache(None)
    from tracker.extract import display_paths

    shown = display_paths(paths, context.root)
    stored = cache.get_all(CACHE_KIND)
    results: dict[int, Result] = {}
    todo: list[tuple[int, Path, str]] = []
    for index, (path, name) in enumerate(zip(paths, shown, strict=True)):
        wanted = stamp(context.digest, name, file_digest(path))
        hit = stored.get(name)
        cached = _cached_result(name, hit[1]) if hit and hit[0] == wanted else None
        if cached is None:
            todo.append((index, path, wanted))
        else:
            results[index] = cached
    run = Run(reused=len(results))
    fresh = list(_work(context, [path for _, path, _ in todo], jobs, watch, alongside))
    for (index, _, _), result in zip(todo, fresh, strict=True):
        results[index] = result
    if cache.enabled:
        cache.put_many(
            CACHE_KIND,
            (
                (result.path, wanted, [encode(result.findings), result.claims])
                for (_, _, wanted), result in zip(todo, fresh, strict=True)
            ),
        )
    run.results = [results[index] for index in range(len(paths))]
    return run


def _cached_result(name: str, payload: bytes) -> Result | None:
    data = decode_payload(payload)
    try:
        findings, claims = data  # type: ignore[misc]
        return Result(name, _FINDINGS(findings), int(claims))
    except (TypeError, ValueError, KeyError):
        return None  # a damaged entry is a miss


def _display(path: Path, root: Path | None) -> str:
    from tracker.extract import display_path

    return display_path(path, root)


def _work(
    context: Context,
    paths: list[Path],
    jobs: int,
    watch: Callable[[list[Path]], Iterable[Path]],
    alongside: Callable[[], object],
) -> Iterator[Result]:
    workers = min(available_cores() if jobs <= 0 else jobs, len(paths))
    if workers <= 1 or len(paths) < MIN_PARALLEL:
        global _CONTEXT
        _CONTEXT = context
        alongside()
        yield from (check_one(path) for path in watch(paths))
        return
    from concurrent.futures import ProcessPoolExecutor  # only for runs worth the workers

    # Built before the workers start, so that forked workers share them instead of each
    # building its own.
    _ = context.resolver, context.matcher
    chunk = max(1, len(paths) // (workers * CHUNKS_PER_WORKER))
    with ProcessPoolExecutor(
        workers, mp_context=_start_method(), initializer=_adopt, initargs=(context,)
    ) as pool:
        done = pool.map(check_one, paths, chunksize=chunk)
        alongside()
        # The progress bar advances as results come back, in order.
        for _, result in zip(watch(paths), done, strict=True):
            yield result


def _start_method() -> Any:
    from multiprocessing import get_context

    # fork shares the loaded bibliography with the workers at no cost; where it is missing
    # or unsafe (Windows, macOS), workers receive the context by pickling instead.
    return get_context("fork" if sys.platform == "linux" else "spawn")


def available_cores() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


_CONTEXT: Context | None = None


def _adopt(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context


def check_one(path: Path) -> Result:
    """Extract one document and run the document checks on it (in this process)."""
    from tracker.checks import run_document_checks
    from tracker.checks.document.base import DocumentAudit
    from tracker.extract import extract

    context = _CONTEXT
    assert context is not None, "check_documents sets the context first"
    name = _display(path, context.root)
    audit = DocumentAudit(name, None, context.sources, context.matcher, context.bibliography)
    claims = 0
    try:
        audit.extraction = extract(path, context.sources, context.root, context.resolver)
        claims = len(audit.extraction.claims)
    except ReaderError as err:
        audit.error = str(err)
    return Result(name, run_document_checks(audit, context.config), claims)


def content_documents(folder: Path) -> list[Path]:
    """Return the documents of a folder and its subfolders that a reader can read, sorted."""
    found: list[Path] = []
    for base, folders, names in os.walk(folder):
        # Hidden folders (.git, editors' backups) hold no pages.
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            Path(base) / name
            for name in names
            if Path(name).suffix.lower() in SUFFIXES and not name.startswith(".")
        )
    return sorted(found)
