"""Crash safety: a register whose writer is killed is the old version or the new one, never half.

Each kind of register write (`extract --write`, `review`, `import`) runs in a forked process
on a register of a few hundred claims that reviewers have worked on. When that process
starts writing the register, it forks the rest of the command again and again, and each
copy is killed (SIGKILL) at a random moment, up to twice the time an uninterrupted copy
takes from the start of its write to the rename that puts the new version in place. After
every kill the register must be byte for byte the old version or the new one, and the
folder must hold no file the tracker would read as a register. The two versions are
parsed once each: no problems, and every field a reviewer wrote is there.

Forking at the write, rather than starting the whole command for every kill, keeps 100
kills per kind to about a second: the YAML round trip before the write takes far longer
than the write. A separate test kills whole commands (lock, read, edit, write) at random.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import stat
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_project
from tests.processes import wait_for
from tracker.atomic import ConcurrentEditError, locked, update_file, write_atomic
from tracker.config import load_config
from tracker.extract import extract
from tracker.matrix import build_matrix, import_matrix, read_matrix, to_csv
from tracker.model import Register, Review, Source
from tracker.project import Project, load_project, load_registers, open_bibliography
from tracker.register_read import load_register
from tracker.register_write import render_new_register
from tracker.review import Verdict, record_review

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

CLAIMS = 200  # big enough that the write takes measurable time
KILLS = 100  # per kind of write
TODAY = "2026-11-20"
EPOCH = "1795132800"  # 2026-11-20, so `tracker extract --write` dates its changes TODAY
REGISTER = "claims/page.yaml"
# How far past an uninterrupted command's duration kills are spread, so some land after it.
SPREAD = 1.25
REFERENCES = (
    "\nReferences\n\n"
    "1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.\n"
)


# ---------------------------------------------------------------------------------------------
# A project with a big register that reviewers have worked on


def sentence(number: int, wording: str = "reduces") -> str:
    return (
        f"Vitamin D {wording} colds in winter by {number} percent in adults aged {number + 20}. [1]"
    )


def page(sentences: list[str]) -> str:
    return "\n\n".join(sentences) + "\n" + REFERENCES


def reviewed(claim: Any, number: int) -> Any:
    """Return a claim as a reviewer left it: a verdict with a note, a quote and a locator."""
    if number % 3:
        return claim
    note = f"note {number}: checked against Table {number % 7}"
    if number % 6 == 0:
        note += f"\nsecond line of note {number}"
    verdict = ("supported", "partial", "unsupported")[number % 9 // 3]
    review = Review(verdict, "A. Reviewer", TODAY, note)
    quote = f"colds fell by {number} percent"
    citation = dataclasses.replace(claim.citations[0], quote=quote, locator=f"p. {number}")
    return dataclasses.replace(claim, review=review, citations=[citation])


Fields = dict[str, set[tuple[str, ...]]]


@dataclasses.dataclass(frozen=True)
class Seed:
    """The project before any write: its document, its register, what reviewers wrote."""

    document: str
    register: str
    fields: Fields
    project: Project

    def copy(self, root: Path) -> Project:
        """Write the project into root and return it loaded (the register is parsed once)."""
        write_project(root, {"content/page.txt": self.document, REGISTER: self.register})
        return dataclasses.replace(self.project, config=load_config(root))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    root = tmp_path_factory.mktemp("seed")
    document = page([sentence(number) for number in range(CLAIMS)])
    write_project(root, {"content/page.txt": document, REGISTER: None})
    result = extract(root / "content/page.txt", bibliography(root), root)
    assert len(result.claims) == CLAIMS
    claims = [reviewed(claim, number) for number, claim in enumerate(result.claims)]
    write_project(root, {REGISTER: render_new_register(result.document, claims)})
    project = load_project(root)
    fields = reviewer_fields(project.registers[0])
    assert sum(map(len, fields.values())) == 2 * len(range(0, CLAIMS, 3))
    return Seed(document, (root / REGISTER).read_text(encoding="utf-8"), fields, project)


def bibliography(root: Path) -> dict[str, Source]:
    return open_bibliography(load_config(root)).sources


def reviewer_fields(register: Register) -> Fields:
    """Return what reviewers wrote on each claim: verdicts with notes, quotes with locators."""
    assert register.problems == []
    fields: Fields = {}
    for claim in register.claims:
        found = fields.setdefault(claim.id, set())
        for review in [*claim.history, *([claim.review] if claim.review else [])]:
            found.add(("review", review.verdict, review.by or "", review.note or ""))
        for citation in claim.citations:
            if citation.quote or citation.locator:
                found.add(("quote", citation.quote or "", citation.locator or ""))
    return fields


def assert_intact(before: Fields, version: bytes, folder: Path) -> Register:
    """Assert a version of the register loads cleanly and keeps all that reviewers wrote."""
    (folder / "version.yaml").write_bytes(version)
    register = load_register(folder / "version.yaml", REGISTER)
    after = reviewer_fields(register)
    for claim_id, fields in before.items():
        kept = after.get(claim_id, set())
        assert fields <= kept, f"{claim_id} lost {fields - kept}"
    return register


# ---------------------------------------------------------------------------------------------
# Killing a write, many times


@dataclasses.dataclass
class Kills:
    """What the kills of one kind of write found; times are in seconds."""

    new: bytes
    compute: float  # from the command's start to the start of its register write
    renamed: float  # from the start of the write to the rename, uninterrupted
    finished: float  # from the start of the write to the exit of the process, uninterrupted
    outcomes: Counter[str]
    mid_write: int  # kills that left a temporary file: they hit between its creation and rename
    registers_seen: list[list[str]]


def kill_during_writes(op: Callable[[], object], register: Path, kills: int) -> Kills:
    """Run op in a forked process and kill copies of its register write; return the findings."""
    report = register.parent.parent / "kills.json"
    pid = os.fork()
    if pid == 0:
        _drive(op, register, kills, report)  # never returns
    assert wait_for(pid, timeout=120) == 0, "the forked command failed (its traceback is above)"
    assert report.exists(), "the command wrote no register, so no write was killed"
    data = json.loads(report.read_text(encoding="utf-8"))
    data["new"], data["outcomes"] = bytes.fromhex(data["new"]), Counter(data["outcomes"])
    return Kills(**data)


def _drive(op: Callable[[], object], register: Path, kills: int, report: Path) -> None:
    """In a forked process: run op; where it starts writing the register, fork and kill."""
    real_mkstemp = tempfile.mkstemp
    started = time.monotonic()

    def fork_at_write(*args: Any, **kwargs: Any) -> Any:
        if Path(kwargs.get("dir", "")) != register.parent:
            return real_mkstemp(*args, **kwargs)
        tempfile.mkstemp = real_mkstemp
        killer = _Killer(register, time.monotonic() - started)
        for trial in range(kills + 1):  # trial 0 runs to the end: the new version, its timing
            pid = killer.fork(timed=trial == 0)
            if pid == 0:
                return real_mkstemp(*args, **kwargs)  # this copy goes on with the write
            killer.finish(pid, kill=trial > 0)
        report.write_text(json.dumps(killer.findings()), encoding="utf-8")
        os._exit(0)

    code = 1
    try:
        tempfile.mkstemp = fork_at_write
        op()
        code = 0  # a copy that was not killed: it wrote the register and returned
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


@dataclasses.dataclass
class _Killer:
    """Fork the rest of a register write, kill the copy at a random moment, see what is left."""

    register: Path
    compute: float
    renamed: float = 0.0
    finished: float = 0.0
    new: bytes = b""
    outcomes: list[str] = dataclasses.field(default_factory=list)
    mid_write: int = 0
    seen: set[tuple[str, ...]] = dataclasses.field(default_factory=set)

    def __post_init__(self) -> None:
        self.old = self.register.read_bytes()
        self.rng = random.Random()
        self.clock, self.clock_input = os.pipe()
        self.begun, self.leftovers = 0.0, set[str]()

    def fork(self, timed: bool) -> int:
        """Fork; a timed copy tells when it renamed its temporary file onto the register."""
        self.leftovers = _temporary_files(self.register.parent)
        real_replace = os.replace
        if timed:

            def replace(*args: Any) -> None:
                real_replace(*args)
                os.write(self.clock_input, f"{time.monotonic()}\n".encode())

            os.replace = replace  # type: ignore[assignment]
        self.begun = time.monotonic()
        pid = os.fork()
        if pid:
            os.replace = real_replace
        return pid

    def finish(self, pid: int, kill: bool) -> None:
        """Kill the copy (at a random moment up to twice the rename's time) or let it finish."""
        if kill:
            time.sleep(self.rng.uniform(0, 2 * self.renamed))
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        now = self.register.read_bytes()
        if kill:
            self.outcomes.append("old" if now == self.old else "new" if now == self.new else "torn")
            self.mid_write += bool(_temporary_files(self.register.parent) - self.leftovers)
            self.seen.add(tuple(_register_names(self.register.parent)))
        else:
            assert os.waitstatus_to_exitcode(status) == 0, "the uninterrupted write failed"
            self.finished, self.new = time.monotonic() - self.begun, now
            self.renamed = float(os.read(self.clock, 64).split()[0]) - self.begun
        self.register.write_bytes(self.old)

    def findings(self) -> dict[str, Any]:
        return {
            "new": self.new.hex(),
            "compute": self.compute,
            "renamed": self.renamed,
            "finished": self.finished,
            "outcomes": self.outcomes,
            "mid_write": self.mid_write,
            "registers_seen": sorted(map(list, self.seen)),
        }


def _temporary_files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.name.endswith(".tmp")}


def _register_names(folder: Path) -> list[str]:
    """Return the files of a folder the tracker would read as registers."""
    return sorted(path.name for path in folder.iterdir() if path.suffix in (".yaml", ".yml"))


def check_kills(kills: Kills, root: Path, seed: Seed) -> Register:
    """Assert every kill left the old register or the new one, and only it; return the new."""
    assert sum(kills.outcomes.values()) == KILLS
    assert set(kills.outcomes) <= {"old", "new"}, f"torn registers: {set(kills.outcomes)}"
    # Kills before the rename, after it, and between the temporary file's creation and its
    # rename all happened: the kills spanned the write.
    assert kills.outcomes["old"] and kills.outcomes["new"] and kills.mid_write, kills
    assert kills.registers_seen == [["page.yaml"]]
    check_leftovers(root / REGISTER)
    assert kills.new != seed.register.encode()
    # Every kill left one of two versions, so checking those two checks every outcome
    # (the old one is the seed, checked when it was made).
    return assert_intact(seed.fields, kills.new, root)


def check_leftovers(register: Path) -> None:
    """Leftover temporary files are not read as registers, and the next write removes them."""
    assert _register_names(register.parent) == [register.name]
    with locked({register: REGISTER}):
        pass
    assert _temporary_files(register.parent) == set()


def figures(kind: str, kills: Kills) -> str:
    return (
        f"{kind}: {KILLS} kills, {dict(kills.outcomes)}, {kills.mid_write} mid-write; "
        f"{kills.compute * 1000:.0f} ms before the write, rename after "
        f"{kills.renamed * 1000:.1f} ms, exit after {kills.finished * 1000:.1f} ms"
    )


# ---------------------------------------------------------------------------------------------
# The three kinds of register write


def test_kills_during_extract_write(tmp_path: Path, seed: Seed, monkeypatch) -> None:
    from tracker.cli import write_register

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = seed.copy(tmp_path).root
    # The page changes: one claim reworded, one gone, two new; the register must follow.
    sentences = [sentence(number) for number in range(CLAIMS) if number != 4]
    sentences[1] = sentence(1, "lowers")
    sentences += [sentence(number) for number in (1000, 1001)]
    (root / "content/page.txt").write_text(page(sentences), encoding="utf-8")
    result = extract(root / "content/page.txt", bibliography(root), root)

    kills = kill_during_writes(
        lambda: write_register(root / REGISTER, result), root / REGISTER, KILLS
    )
    print(figures("extract --write", kills))
    merged = check_kills(kills, root, seed)
    assert {c.id: c.status for c in merged.claims}[result.claims[-1].id] == "active"
    assert sum(c.status == "vanished" for c in merged.claims) >= 1


def test_kills_during_review_write(tmp_path: Path, seed: Seed) -> None:
    project = seed.copy(tmp_path)
    root = project.root
    claim_id = project.registers[0].claims[3].id  # reviewed before: its verdict goes to history
    asked = Verdict("contradicted", "B. Reviewer", "the trial says otherwise")

    kills = kill_during_writes(
        lambda: record_review(project, claim_id, asked, TODAY), root / REGISTER, KILLS
    )
    print(figures("review", kills))
    claim = check_kills(kills, root, seed).claims[3]
    assert (claim.review.verdict, claim.review.note) == ("contradicted", asked.note)
    assert [r.by for r in claim.history] == ["A. Reviewer"]


def test_kills_during_import_write(tmp_path: Path, seed: Seed) -> None:
    project = seed.copy(tmp_path)
    root = project.root
    rows = build_matrix(project, [])
    edited_rows = [row for number, row in enumerate(rows[:30]) if number % 3]  # not reviewed
    for row in edited_rows:
        row.update(verdict="needs-review", reviewer="C. Reviewer", reviewed_at=TODAY)
        row.update(note=f"imported note on {row['claim_id']}", quote="imported quote")
    matrix = tmp_path / "matrix.csv"
    matrix.write_bytes(to_csv(rows))
    edited = read_matrix(matrix)

    kills = kill_during_writes(lambda: import_matrix(project, edited), root / REGISTER, KILLS)
    print(figures("import", kills))
    claims = {c.id: c for c in check_kills(kills, root, seed).claims}
    imported = [claims[row["claim_id"]] for row in edited_rows]
    assert {(c.review.verdict, c.citations[0].quote) for c in imported} == {
        ("needs-review", "imported quote")
    }


# ---------------------------------------------------------------------------------------------
# Whole commands killed at random, and what a killed writer leaves


def test_kills_at_any_moment_of_a_review(tmp_path: Path) -> None:
    """Killed anywhere (waiting for the lock, holding it, writing), a review leaves old or new."""
    document = page([sentence(number) for number in range(12)])
    write_project(tmp_path, {"content/page.txt": document, REGISTER: None})
    result = extract(tmp_path / "content/page.txt", bibliography(tmp_path), tmp_path)
    claims = [reviewed(claim, number) for number, claim in enumerate(result.claims)]
    path = tmp_path / REGISTER
    write_atomic(path, render_new_register(result.document, claims))
    old = path.read_bytes()
    project = load_project(tmp_path)
    asked = Verdict("partial", "D. Reviewer", "only in adults")

    def review() -> None:
        record_review(project, claims[0].id, asked, TODAY)

    begun = time.monotonic()
    review()
    duration, new = time.monotonic() - begun, path.read_bytes()
    rng, outcomes = random.Random(), Counter[str]()
    for _ in range(20):
        path.write_bytes(old)
        pid = os.fork()
        if pid == 0:
            _run_and_exit(review)
        time.sleep(rng.uniform(0, SPREAD * duration))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        now = path.read_bytes()
        outcomes["old" if now == old else "new" if now == new else "torn"] += 1
    assert set(outcomes) <= {"old", "new"}, outcomes
    assert_intact(reviewer_fields(project.registers[0]), new, tmp_path)
    # A writer killed while it held the lock does not hold up the next one.
    path.write_bytes(old)
    assert update_file(path, lambda text: (text or "") + "# later\n", REGISTER, timeout=5)


def _run_and_exit(work: Callable[[], object]) -> None:
    code = 1
    try:
        work()
        code = 0
    finally:
        os._exit(code)


def test_a_writer_killed_while_holding_the_lock_releases_it(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    path = tmp_path / REGISTER
    ready, signal_ready = os.pipe()
    pid = os.fork()
    if pid == 0:

        def hold() -> None:
            with locked({path: REGISTER}):
                os.write(signal_ready, b"x")
                time.sleep(60)

        _run_and_exit(hold)
    os.read(ready, 1)
    with pytest.raises(ConcurrentEditError, match="is being written by another"):
        update_file(path, lambda text: text or "", REGISTER, timeout=0.1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert update_file(path, lambda text: (text or "") + "# mine\n", REGISTER, timeout=1)


def test_leftover_temporary_files_are_ignored_then_removed(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    folder = tmp_path / "claims"
    leftover = folder / ".page.yaml.k3_x9a2b.tmp"  # what a writer killed mid-write leaves
    others = [folder / ".page.yaml.notes.tmp", folder / ".other.yaml.abcdefgh.tmp"]
    for path in [leftover, *others]:
        path.write_text("document: {title: half", encoding="utf-8")
    registers = load_registers(folder, tmp_path)
    assert [(r.path, r.problems) for r in registers] == [(REGISTER, [])]
    update_file(folder / "page.yaml", lambda text: (text or "") + "# edited\n", REGISTER)
    assert not leftover.exists()
    assert all(path.exists() for path in others)  # not this file's, or not the tracker's


def test_write_is_flushed_to_disk_before_and_after_the_rename(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "claims" / "page.yaml"
    path.parent.mkdir()
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        events.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(path, "new\n")
    assert events == ["fsync file", "replace", "fsync folder"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(path.parent) == ["page.yaml"]
