"""The writers' check over many documents, each checked as `tracker check DOCUMENT` does.

The documents are drafts named on the command line, or the project's pages that no register
covers yet.

Each document is extracted and its document checks run, as `tracker check DOCUMENT` does.
The findings of a document are cached under a digest of its bytes and of everything else
they depend on (bibliography, registers, settings, tracker version), so an unchanged
document costs a hash and a look-up; the documents that do need the work are shared among
worker processes.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tracker.cache import Cache, decoder, encode, file_digest, stamp
from tracker.config import Config
from tracker.model import Finding, Severity, Source, place
from tracker.outputs import RenderedFindings
from tracker.paths import display_path, display_paths

if TYPE_CHECKING:  # extraction's modules are imported when a document needs checking:
    # a run whose documents' findings all come from the cache starts faster without them
    from tracker.checks.document.base import Memo
    from tracker.evidence import Evidence
    from tracker.resolve import Resolver
    from tracker.similar import ClaimMatcher

CACHE_KIND = "document"
KNOWN_CLAIMS_KIND = "known-claims"
# What the checks judged of each page's sentences, kept for the writer's next edit of it.
SENTENCES_KIND = "sentences"
# Below this many documents to work on, starting worker processes costs more than it saves,
# unless this process has this many unchanged documents' findings to read meanwhile.
MIN_PARALLEL = 8
MIN_REUSED_FOR_WORKERS = 500
# Documents handed to a worker at a time: small enough to balance, large enough to batch,
# and few enough that results waiting to be read stay small.
CHUNKS_PER_WORKER = 8
MAX_CHUNK = 50
# Fresh results stored in the cache per transaction, and cached ones read per query.
STORE_BATCH = 500


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
    def evidence(self) -> dict[str, Evidence]:
        """The sources' levels of evidence, shared by the documents' checks."""
        return {}

    @cached_property
    def resolver(self) -> Resolver:
        from tracker.resolve import Resolver

        return Resolver(self.sources)

    @cached_property
    def matcher(self) -> ClaimMatcher:
        from tracker.similar import ClaimMatcher, known_claims

        return ClaimMatcher(known_claims(self.claims) if self.claims else [])


@dataclass
class Result:
    """What the check of one document found, and how many claims it holds.

    The findings are rendered as JSON output writes them, which is also what the cache
    stores and what a worker sends: they are read back when something asks for them.
    """

    path: str
    rendered: RenderedFindings
    claims: int
    memo: dict[str, Any] | None = None  # the sentences' judgments, when a memo was kept
    read: list[Finding] | None = field(default=None, repr=False)  # in order of place

    @property
    def findings(self) -> list[Finding]:
        if self.read is None:
            self.read = self.rendered.findings()
        return self.read

    def payload(self) -> bytes:
        """Return what the cache stores: a line of what the output needs to know of the
        findings (and a checksum of their text, as damaged text would go out as it is), then
        the findings' text."""
        rendered = self.rendered
        header = [self.claims, rendered.counts, rendered.last, zlib.crc32(rendered.text)]
        return orjson.dumps(header) + b"\n" + rendered.text


class DocumentStream:
    """The results of documents' checks, one document at a time in the order given, as they
    are found: a run over 10,000 documents holds one document's findings, not all of them.

    An unchanged document's findings come from the cache; the others are checked by worker
    processes meanwhile, and stored in the cache in batches as they come. Iterate once.
    Cached findings are read back at once, unless only their rendering is wanted (`rendered`),
    as JSON output wants it.
    """

    def __init__(
        self,
        paths: list[Path],
        context: Context,
        cache: Cache,
        jobs: int,
        watch: Callable[[list[Path]], Iterable[Path]],
        alongside: Callable[[], object],
        names: list[str] | None = None,
        rendered: bool = False,
    ) -> None:
        self.paths, self.cache, self.context = paths, cache, context
        self.rendered = rendered
        self.shown = names if names is not None else display_paths(paths, context.root)
        stored = cache.digests(CACHE_KIND)
        self.wanted = [
            stamp(context.digest, name, file_digest(path))
            for path, name in zip(paths, self.shown, strict=True)
        ]
        self.hits = {
            index for index, name in enumerate(self.shown) if stored.get(name) == self.wanted[index]
        }
        self.todo = [index for index in range(len(paths)) if index not in self.hits]
        self.reused = 0  # counted as the cached findings are read
        self.claims = 0
        self._jobs, self._watch, self._alongside = jobs, watch, alongside

    def __iter__(self) -> Iterator[Result]:
        if self.todo:
            self._read_known_claims()
        # With thousands unchanged, even one changed document is worth a worker: this process
        # reads their findings from the cache while it is checked.
        worth_workers = len(self.todo) >= MIN_PARALLEL or len(self.hits) >= MIN_REUSED_FOR_WORKERS
        fresh = _work(
            self.context,
            [self.paths[i] for i in self.todo],
            [self.shown[i] for i in self.todo],
            self._jobs,
            self._watch,
            self._alongside,
            worth_workers,
            # A memo pays for a writer's few pages, not for an audit's thousands.
            self._memo_of if self.cache.enabled and len(self.todo) < MIN_PARALLEL else None,
        )
        for start in range(0, len(self.paths), STORE_BATCH):
            indexes = range(start, min(start + STORE_BATCH, len(self.paths)))
            cached = self._cached([i for i in indexes if i in self.hits])
            checked: list[tuple[int, Result]] = []
            for index in indexes:
                result = cached.get(index)
                if result is None:
                    # A miss, or a damaged entry (found only once decoded): checked here.
                    result = next(fresh) if index not in self.hits else self._again(index)
                    checked.append((index, result))
                else:
                    self.reused += 1
                self.claims += result.claims
                yield result
            self._store(checked)

    def _read_known_claims(self) -> None:
        """Give the context the claims the team already cites, from the cache when no register
        changed: parsing the registers is most of the work of checking one edited page."""
        from tracker.similar import ClaimMatcher, KnownClaim, known_claims

        context = self.context
        if context.claims is None or not context.digest or "matcher" in vars(context):
            return
        name, wanted = context.claims.as_posix(), stamp(context.digest)
        stored = self.cache.get(KNOWN_CLAIMS_KIND, name, wanted)
        try:
            claims = decoder(list[KnownClaim])(stored[0]) if stored else None
        except (TypeError, ValueError, IndexError):
            claims = None  # a damaged entry is a miss
        if claims is None:
            claims = known_claims(context.claims)
            self.cache.put(KNOWN_CLAIMS_KIND, name, wanted, [encode(claims)])
        context.matcher = ClaimMatcher(claims)

    def _cached(self, indexes: list[int]) -> dict[int, Result]:
        payloads = self.cache.payloads(CACHE_KIND, [self.shown[i] for i in indexes])
        found = {}
        for index in indexes:
            payload = payloads.get(self.shown[index])
            result = _cached_result(self.shown[index], payload, self.rendered)
            if result is not None:
                found[index] = result
        return found

    def _again(self, index: int) -> Result:
        return next(_work(self.context, [self.paths[index]], [self.shown[index]], 1, iter))

    def _store(self, checked: list[tuple[int, Result]]) -> None:
        if self.cache.enabled and checked:
            self.cache.put_encoded(
                CACHE_KIND, ((self.shown[i], self.wanted[i], r.payload()) for i, r in checked)
            )
            memos = [(self.shown[i], self._memo_stamp, r.memo) for i, r in checked if r.memo]
            self.cache.put_many(SENTENCES_KIND, memos)

    @cached_property
    def _memo_stamp(self) -> str:
        return stamp(self.context.digest)

    def _memo_of(self, path: Path) -> Memo:
        """Return what the checks judged of a page's sentences when it was last checked here."""
        from tracker.checks.document.base import Memo

        name = display_path(path, self.context.root)
        before = self.cache.get(SENTENCES_KIND, name, self._memo_stamp)
        return Memo(before if isinstance(before, dict) else {})


def stream_documents(
    paths: list[Path],
    context: Context,
    cache: Cache | None = None,
    jobs: int = 1,
    watch: Callable[[list[Path]], Iterable[Path]] = iter,
    alongside: Callable[[], object] = lambda: None,
    names: list[str] | None = None,
    rendered: bool = False,
) -> DocumentStream:
    """Check documents, reusing the cached findings of those that have not changed.

    jobs is the number of worker processes (0: one per available core); watch sees the
    documents that need the work, as they are done (the CLI passes a progress bar);
    alongside is other work for this process, done while the workers check documents, before
    the first result comes; names are the paths' display names, when the caller has them;
    rendered leaves cached findings as JSON output writes them until they are asked for.
    """
    cache = cache or Cache(None)
    return DocumentStream(paths, context, cache, jobs, watch, alongside, names, rendered)


def _cached_result(name: str, payload: bytes | None, rendered: bool) -> Result | None:
    """Return a document's result from what the cache stores (Result.payload), None if it is
    damaged: then the document is checked again."""
    if payload is None:
        return None
    header, _, text = payload.partition(b"\n")
    try:
        claims, counts, last, checksum = orjson.loads(header)
        if checksum != zlib.crc32(text) or not _header_fits(claims, counts, last):
            return None
        result = Result(name, RenderedFindings(text, tuple(counts), last and tuple(last)), claims)
        if not rendered:
            result.read = result.rendered.findings()
        return result
    except (TypeError, ValueError):
        return None


def _header_fits(claims: Any, counts: Any, last: Any) -> bool:
    """Tell whether a cache entry's header has the shape Result.payload writes."""
    numbers = [claims, *counts] if isinstance(counts, list) else []
    return (
        len(numbers) == 1 + len(Severity)
        and all(type(number) is int for number in numbers)
        and (last is None or (isinstance(last, list) and len(last) == 4))
    )


def _work(
    context: Context,
    paths: list[Path],
    names: list[str],
    jobs: int,
    watch: Callable[[list[Path]], Iterable[Path]],
    alongside: Callable[[], object] = lambda: None,
    worth_workers: bool = False,
    memo_of: Callable[[Path], Memo] | None = None,
) -> Iterator[Result]:
    """Start checking documents, do the work alongside, and return the results to come, in
    order: the workers run while this process reads what the cache holds. A page checked in
    this process reuses its sentences' judgments of the last check (memo_of); workers, which
    check many pages at once, judge every sentence."""
    allowed = available_cores() if jobs <= 0 else jobs
    workers = min(allowed, len(paths))
    # One process when asked for, or when workers would not pay; else even one worker, so
    # that this process does the work alongside meanwhile.
    if allowed <= 1 or workers == 0 or not worth_workers:
        global _CONTEXT
        _CONTEXT = context
        alongside()
        return (
            check_one(path, memo_of(path) if memo_of else None, name)
            for path, name in zip(watch(paths), names, strict=True)
        )
    from concurrent.futures import ProcessPoolExecutor  # only for runs worth the workers

    if workers > 1:
        # Built before the workers start, so that forked workers share them instead of each
        # building its own; a lone worker builds them while this process does other work.
        _ = context.resolver, context.matcher
    chunk = max(1, min(MAX_CHUNK, len(paths) // (workers * CHUNKS_PER_WORKER)))
    pool = ProcessPoolExecutor(
        workers, mp_context=_start_method(), initializer=_adopt, initargs=(context,)
    )
    done = pool.map(_check_in_worker, paths, names, chunksize=chunk)
    alongside()
    return _collected(pool, zip(watch(paths), done, strict=True))


def _collected(pool: Any, done: Iterator[tuple[Path, Result]]) -> Iterator[Result]:
    # The progress bar advances as results come back, in order; the pool ends with them.
    with pool:
        for _, result in done:
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


def check_one(path: Path, memo: Memo | None = None, name: str | None = None) -> Result:
    """Extract one document and run the document checks on it (in this process), with what
    its last check judged of its sentences when a memo is given (name: the document as
    findings name it, when the caller has it already)."""
    from tracker.checks.document.base import DocumentAudit
    from tracker.checks.document.registry import run_document_checks
    from tracker.extract import extract
    from tracker.readers import ReaderError

    context = _CONTEXT
    assert context is not None, "check_documents sets the context first"
    name = display_path(path, context.root) if name is None else name
    audit = DocumentAudit(name, None, context.sources, context.matcher, context.bibliography)
    audit.config = context.config
    audit.evidence = context.evidence
    if memo is not None:
        audit.memo = memo
    claims = 0
    try:
        audit.extraction = extract(path, context.sources, context.root, context.resolver, name)
        claims = len(audit.extraction.claims)
    except ReaderError as err:
        audit.error = str(err)
    findings = sorted(run_document_checks(audit, context.config), key=place)
    memo_now = memo.now if memo is not None else None
    return Result(name, RenderedFindings.of(findings), claims, memo_now, findings)


def _check_in_worker(path: Path, name: str) -> Result:
    """check_one in a worker process: the result goes back without the findings themselves,
    whose rendering is read back in less time than they would take to send."""
    result = check_one(path, name=name)
    result.read = None
    return result
