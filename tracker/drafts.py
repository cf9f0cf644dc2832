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
# Below this many documents to work on, starting worker processes costs more than it saves,
# unless this process has this many unchanged documents' findings to decode meanwhile.
MIN_PARALLEL = 8
MIN_REUSED_FOR_WORKERS = 500
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
    from tracker.extract import display_paths

    cache = cache or Cache(None)
    shown = display_paths(paths, context.root)
    stored = cache.get_all(CACHE_KIND)
    wanted = [
        stamp(context.digest, name, file_digest(path))
        for path, name in zip(paths, shown, strict=True)
    ]
    hits = {
        index: entry[1]
        for index, entry in ((i, stored.get(name)) for i, name in enumerate(shown))
        if entry is not None and entry[0] == wanted[index]
    }
    todo = [index for index in range(len(paths)) if index not in hits]
    results: dict[int, Result | None] = {}

    def reuse_then_alongside() -> None:
        # Done while workers check the changed documents: with thousands unchanged, decoding
        # their findings takes as long as checking a few documents.
        results.update((i, _cached_result(shown[i], payload)) for i, payload in hits.items())
        alongside()

    worth_workers = len(todo) >= MIN_PARALLEL or len(hits) >= MIN_REUSED_FOR_WORKERS
    fresh = _work(
        context, [paths[i] for i in todo], jobs, watch, reuse_then_alongside, worth_workers
    )
    results.update(zip(todo, fresh, strict=True))
    damaged = [index for index, result in results.items() if result is None]
    if damaged:  # a damaged entry is a miss, found only once decoded
        results.update(
            zip(damaged, _work(context, [paths[i] for i in damaged], 1, iter), strict=True)
        )
    redone = todo + damaged
    if cache.enabled:
        cache.put_many(
            CACHE_KIND,
            (
                (shown[i], wanted[i], [encode(result.findings), result.claims])
                for i in redone
                if (result := results[i]) is not None
            ),
        )
    run = Run(reused=len(hits) - len(damaged))
    run.results = [result for index in range(len(paths)) if (result := results[index])]
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
    alongside: Callable[[], object] = lambda: None,
    worth_workers: bool = False,
) -> Iterator[Result]:
    allowed = available_cores() if jobs <= 0 else jobs
    workers = min(allowed, len(paths))
    # One process when asked for, or when workers would not pay; else even one worker, so
    # that this process does the work alongside meanwhile.
    if allowed <= 1 or workers == 0 or not worth_workers:
        global _CONTEXT
        _CONTEXT = context
        alongside()
        yield from (check_one(path) for path in watch(paths))
        return
    from concurrent.futures import ProcessPoolExecutor  # only for runs worth the workers

    if workers > 1:
        # Built before the workers start, so that forked workers share them instead of each
        # building its own; a lone worker builds them while this process does other work.
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
    audit.config = context.config
    claims = 0
    try:
        audit.extraction = extract(path, context.sources, context.root, context.resolver)
        claims = len(audit.extraction.claims)
    except ReaderError as err:
        audit.error = str(err)
    return Result(name, run_document_checks(audit, context.config), claims)


def content_documents(folder: Path) -> list[Path]:
    """Return the documents of a folder and its subfolders that a reader can read, sorted."""
    found: list[str] = []
    for base, folders, names in os.walk(folder):
        # Hidden folders (.git, editors' backups) hold no pages.
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            os.path.join(base, name)
            for name in names
            if os.path.splitext(name)[1].lower() in SUFFIXES and not name.startswith(".")
        )
    # Sorted as paths are, folder by folder; strings are cheaper to walk and sort by the 10,000.
    return [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]
