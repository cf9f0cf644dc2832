"""The project as the review app holds it between pages.

Reading a register of thousands of claims and auditing it takes seconds, too long to do on
every page. The workspace keeps the project and its findings while the files they come from
are unchanged (their sizes and modification times), and reloads them when anything changed
outside the app (the command line, Git, an editor). A decision made in the app is applied
to what the workspace holds at once, as the register now says, and a reload in the
background brings the findings up to date.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tracker.audit import cached_findings
from tracker.cache import Cache
from tracker.config import SOURCES_DIR
from tracker.model import Claim, Finding, Review, Suppression
from tracker.project import Project, open_project
from tracker.review import fingerprint
from tracker.suppress import covers

Stamp = tuple[tuple[str, int, int], ...]


@dataclass
class Workspace:
    """The project folder the app serves, and what it last read from it."""

    root: Path
    token: str
    project: Project | None = None
    findings: list[Finding] = field(default_factory=list)
    stamp: Stamp = ()
    refreshing: bool = False
    again: bool = False
    pool: ProcessPoolExecutor | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    def snapshot(self) -> tuple[Project, list[Finding]]:
        """Return the project and its findings, read again if a file changed outside the app."""
        with self.lock:
            stamp = files_stamp(self.root, self.project)
            if self.project is None or (stamp != self.stamp and not self.refreshing):
                self.project, self.findings = load(self.root)
                self.stamp = files_stamp(self.root, self.project)
            return self.project, list(self.findings)

    def decided(self, claim_id: str, change: str, values: dict[str, str], today: str) -> None:
        """Apply a decision the app just wrote to what the workspace holds, then bring the
        findings up to date in the background."""
        with self.lock:
            if self.project is None:
                return
            found = self.project.claim_index.get(claim_id)
            if found is not None:
                apply_decision(self, found[1], change, values, today)
            self.stamp = files_stamp(self.root, self.project)
            self.again = self.refreshing
            if self.refreshing:
                return  # the refresh under way reads the files again when it is done
            self.refreshing = True
        threading.Thread(target=self._refresh, daemon=True).start()

    def _refresh(self) -> None:
        """Read the project and its findings again, until they match the files: a decision
        made meanwhile sends the refresh round once more."""
        try:
            while True:
                before = files_stamp(self.root, self.project)
                # The audit runs in another process, so the pages and saves of this one
                # never wait for it; it leaves its results in the project's cache, from
                # which this process then reads them in a moment.
                self._executor().submit(fill_cache, str(self.root)).result()
                project, findings = load(self.root)
                with self.lock:
                    if before == self.stamp == files_stamp(self.root, project):
                        self.project, self.findings = project, findings
                    if not self.again:
                        return
                    self.again = False
        finally:
            with self.lock:
                self.refreshing = False

    def _executor(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return self.pool


def fill_cache(root: str) -> None:
    """Read the project and audit it, leaving both in its cache (in a worker process)."""
    load(Path(root))


def load(root: Path) -> tuple[Project, list[Finding]]:
    project = open_project(root, cached=True)
    cache = Cache.for_project(project.root)
    try:
        return project, cached_findings(project, cache)
    finally:
        cache.close()


def apply_decision(
    workspace: Workspace, claim: Claim, change: str, values: dict[str, str], today: str
) -> None:
    """Change the held claim (and its findings) as the decision changed its register."""
    project = workspace.project
    assert project is not None
    by = " ".join(values.get("reviewer", "").split())
    if change == "verdict":
        if claim.review is not None:
            claim.history.append(claim.review)
        note = values.get("note") or None
        claim.review = Review(
            values["verdict"],
            by,
            today,
            note,
            None,
            fingerprint(claim, project.bibliography.sources),
        )
        workspace.findings = [
            f
            for f in workspace.findings
            if not (f.claim_id == claim.id and f.check == "claims.stale_review")
        ]
    elif change == "quote":
        key = values.get("key") or None
        for citation in claim.citations:
            if citation.key == key or (key is None and len(claim.citations) == 1):
                citation.quote = values.get("quote", "").strip() or citation.quote
                citation.locator = values.get("locator", "").strip() or citation.locator
    elif change == "dismissal":
        register = project.claim_index[claim.id][0]
        check = values.get("check", "")
        suppression = Suppression(check, values.get("reason", ""), register.path, 0, claim.id)
        register.suppressions.append(suppression)
        workspace.findings = [f for f in workspace.findings if not covers(suppression, f)]


def files_stamp(root: Path, project: Project | None) -> Stamp:
    """Return the size and modification time of every file the project is read from."""
    folders = [root / "claims", root / "content", root / SOURCES_DIR]
    files = [root / "pyproject.toml", root / "tracker.toml"]
    if project is not None:
        config = project.config
        folders = [config.path("claims"), config.path("content"), root / SOURCES_DIR]
        files.append(config.path("bibliography"))
    stamp = []
    for path in files + [p for folder in folders if folder.is_dir() for p in folder.rglob("*")]:
        try:
            status = path.stat()
        except OSError:
            continue
        if path.is_file():
            stamp.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(sorted(stamp))
