"""Concurrent edits: two reviewers writing one register at the same moment lose neither write.

Commands take a lock before they read a register and keep it until they have written it; a
second command waits for the first, then edits what the first wrote. Where no lock can be
taken (no fcntl, a file system without flock), an edit that finds the register changed
since it read it is refused with a message, never written over the other one.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import tracker.atomic as atomic
import tracker.matrix as matrix
import tracker.review as review_module
from tests.conftest import write_project
from tests.processes import wait_for
from tracker.atomic import ConcurrentEditError, locked, update_file, write_atomic
from tracker.commands.import_matrix import import_matrix as import_command
from tracker.commands.review import review as review_command
from tracker.extract import extract
from tracker.matrix import build_matrix, import_matrix, read_matrix, to_csv
from tracker.model import Review
from tracker.project import Project, load_project
from tracker.register_edits import record_review_in_text
from tracker.register_read import parse_register
from tracker.register_write import render_new_register
from tracker.review import Verdict, record_review

fcntl = pytest.importorskip("fcntl", reason="locks and forked reviewers need POSIX")

TODAY = "2026-11-20"
REGISTER = "claims/page.yaml"
ROUNDS = 20
CONFLICT = (
    "claims/page.yaml changed while this edit was running (another reviewer?) "
    "- run the command again"
)


def make_project(root: Path, count: int) -> Project:
    """Write a project whose page makes count claims, registered, and return it loaded."""
    sentences = [
        f"Vitamin D reduces colds in winter by {n} percent in adults aged {n + 20}. [1]"
        for n in range(count)
    ]
    references = "References\n\n1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.\n"
    document = "\n\n".join([*sentences, references])
    write_project(root, {"content/page.txt": document, REGISTER: None})
    result = extract(root / "content/page.txt", load_project(root).bibliography.sources, root)
    write_atomic(root / REGISTER, render_new_register(result.document, result.claims))
    return load_project(root)


def reviews_of(root: Path) -> dict[str, set[tuple[str, str | None, str | None]]]:
    """Return every verdict of each claim (current and earlier) as (verdict, by, note)."""
    register = parse_register((root / REGISTER).read_text(encoding="utf-8"), REGISTER)
    assert register.problems == []
    found: dict[str, set[tuple[str, str | None, str | None]]] = {}
    for claim in register.claims:
        reviews = [*claim.history, *([claim.review] if claim.review else [])]
        found[claim.id] = {(r.verdict, r.by, r.note) for r in reviews}
    return found


def temporary_files(root: Path) -> list[str]:
    return [path.name for path in (root / "claims").iterdir() if path.name.endswith(".tmp")]


# ---------------------------------------------------------------------------------------------
# Two reviewers at once


def fork_reviewer(work: Callable[[], object], go: int, times: Path) -> int:
    """Fork a process that waits for a byte on go, runs work, and writes when it ran."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.read(go, 1)
        begun = time.monotonic()
        work()
        times.write_text(f"{begun} {time.monotonic()}", encoding="utf-8")
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def race(project: Project, rounds: int, tmp_path: Path) -> tuple[list[set[str]], int]:
    """Have two processes review at the same moment, rounds times.

    Even rounds they review the same claim, odd rounds two different ones. Return, per
    round, the notes lost, and the number of rounds in which the two reviews overlapped.
    """
    ids = [claim.id for claim in project.registers[0].claims]
    asked: list[list[tuple[str, Verdict]]] = []
    overlapping = 0
    go, start = os.pipe()
    for number in range(rounds):
        targets = [ids[number % len(ids)], ids[(number + number % 2) % len(ids)]]
        verdicts = [
            Verdict(verdict, by, f"round {number} by {by}")
            for verdict, by in (("supported", "A"), ("unsupported", "B"))
        ]
        asked.append(list(zip(targets, verdicts, strict=True)))
        times = [tmp_path / f"times-{number}-{who}" for who in "AB"]
        pids = [
            fork_reviewer(lambda t=t, v=v: record_review(project, t, v, TODAY), go, when)
            for (t, v), when in zip(asked[-1], times, strict=True)
        ]
        os.write(start, b"go")  # both at once
        assert [wait_for(pid) for pid in pids] == [0, 0]
        spans = [tuple(map(float, when.read_text(encoding="utf-8").split())) for when in times]
        overlapping += max(b for b, _ in spans) < min(e for _, e in spans)
    # Reviews are never removed (an earlier one goes to `reviews`), so a verdict missing at
    # the end is one its round lost.
    found = reviews_of(project.root)
    lost = [
        {v.note for t, v in pairs if (v.verdict, v.by, v.note) not in found[t]} for pairs in asked
    ]
    return lost, overlapping


def test_two_reviewers_at_the_same_moment_lose_neither_verdict(tmp_path: Path) -> None:
    project = make_project(tmp_path, 8)
    lost, overlapping = race(project, ROUNDS, tmp_path)
    assert lost == [set()] * ROUNDS
    # The reviews ran at the same time (the lock made the second wait), so this was a race.
    assert overlapping >= ROUNDS // 2, overlapping
    assert temporary_files(tmp_path) == []


def test_without_the_lock_the_same_race_loses_verdicts(tmp_path: Path, monkeypatch) -> None:
    """The control: with the lock and the check taken out, the race above loses verdicts."""

    @contextmanager
    def no_lock(files: object, timeout: object = None) -> Iterator[bool]:
        yield True

    monkeypatch.setattr(atomic, "locked", no_lock)
    monkeypatch.setattr(
        atomic, "write_if_unchanged", lambda path, text, *_: write_atomic(path, text)
    )
    project = make_project(tmp_path, 8)
    lost, _ = race(project, 4, tmp_path)
    assert any(lost), "the race never lost a verdict, so the test above proves nothing"


def test_two_tracker_review_commands_at_once(tmp_path: Path) -> None:
    """The same, with two `tracker review` processes started together, as two reviewers would."""
    project = make_project(tmp_path, 20)
    ids = [claim.id for claim in project.registers[0].claims]
    for number in range(2):
        targets = [ids[number], ids[number + number * 10]]  # the same claim, then two
        tracker = [sys.executable, "-m", "tracker", "review", "-C", str(tmp_path)]
        commands = [
            [
                *tracker,
                target,
                "--verdict",
                verdict,
                "--by",
                by,
                "--note",
                f"round {number} by {by}",
            ]
            for target, verdict, by in zip(
                targets, ("supported", "partial"), ("A", "B"), strict=True
            )
        ]
        processes = [subprocess.Popen(c, stderr=subprocess.PIPE, text=True) for c in commands]
        errors = [process.communicate(timeout=120)[1] for process in processes]
        assert [p.returncode for p in processes] == [0, 0], errors
        found = reviews_of(tmp_path)
        assert ("supported", "A", f"round {number} by A") in found[targets[0]]
        assert ("partial", "B", f"round {number} by B") in found[targets[1]]


def test_an_import_waits_for_the_lock_and_reads_the_register_after(tmp_path: Path) -> None:
    """An import started while a review holds the lock checks its rows against that review."""
    project = make_project(tmp_path, 3)
    claim_id = project.registers[0].claims[0].id
    rows = build_matrix(project, [])
    rows[0].update(verdict="supported", reviewer="M. Matrix", reviewed_at=TODAY)
    (tmp_path / "matrix.csv").write_bytes(to_csv(rows))
    ready, holding = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with locked({tmp_path / REGISTER: REGISTER}):
                os.write(holding, b"x")
                time.sleep(0.3)
                # What a slow review does while it holds the lock.
                review = Review("unsupported", "R. Reviewer", TODAY, "from the review")
                text = (tmp_path / REGISTER).read_text(encoding="utf-8")
                edited = record_review_in_text(text, REGISTER, claim_id, review, {})
                write_atomic(tmp_path / REGISTER, edited)
            code = 0
        finally:
            os._exit(code)
    os.read(ready, 1)
    result = import_matrix(project, read_matrix(tmp_path / "matrix.csv"))
    assert wait_for(pid) == 0
    assert len(result.conflicts) == 1 and "changed since the export" in result.conflicts[0][1]
    assert reviews_of(tmp_path)[claim_id] == {("unsupported", "R. Reviewer", "from the review")}


def test_a_writer_waits_for_the_lock_rather_than_fail(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    path = tmp_path / REGISTER
    ready, holding = os.pipe()
    pid = os.fork()
    if pid == 0:
        with locked({path: REGISTER}):
            os.write(holding, b"x")
            time.sleep(0.3)
        os._exit(0)
    os.read(ready, 1)
    begun = time.monotonic()
    assert update_file(path, lambda text: (text or "") + "# second\n", REGISTER, timeout=10)
    assert time.monotonic() - begun >= 0.2
    assert wait_for(pid) == 0
    assert path.read_text(encoding="utf-8").endswith("# second\n")


# ---------------------------------------------------------------------------------------------
# Where no lock can be taken: a conflict detected, with a clear message


def review(root: Path, verdict: str = "supported") -> Result:
    arguments = ["p-000001", "--verdict", verdict, "--by", "A. Reviewer", "-C", str(root)]
    return CliRunner().invoke(review_command, arguments)


def change_during_review(root: Path, monkeypatch) -> None:
    """Make another reviewer write the register while this review is editing it."""
    real = review_module.record_review_in_text

    def meanwhile(text: str, *args: object) -> str:
        theirs = Review("partial", "B. Other", TODAY, "theirs")
        (root / REGISTER).write_text(real(text, REGISTER, "p-000001", theirs, {}), encoding="utf-8")
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(review_module, "record_review_in_text", meanwhile)


@pytest.mark.parametrize("unavailable", ["no fcntl", "no flock"])
def test_without_a_lock_a_review_still_works(tmp_path: Path, monkeypatch, unavailable) -> None:
    make_unlockable(monkeypatch, unavailable)
    write_project(tmp_path, {})
    result = review(tmp_path)
    assert result.exit_code == 0, result.output
    assert reviews_of(tmp_path)["p-000001"] == {("supported", "A. Reviewer", None)}


@pytest.mark.parametrize("unavailable", ["no fcntl", "no flock"])
def test_without_a_lock_a_concurrent_review_is_refused(
    tmp_path: Path, monkeypatch, unavailable
) -> None:
    make_unlockable(monkeypatch, unavailable)
    write_project(tmp_path, {})
    change_during_review(tmp_path, monkeypatch)
    result = review(tmp_path)
    assert result.exit_code == 2
    assert result.output == f"Error: {CONFLICT}\n"
    # The other reviewer's verdict stands, and this one can be recorded by running again.
    assert reviews_of(tmp_path)["p-000001"] == {("partial", "B. Other", "theirs")}
    assert temporary_files(tmp_path) == []


def make_unlockable(monkeypatch, unavailable: str) -> None:
    if unavailable == "no fcntl":
        monkeypatch.setattr(atomic, "fcntl", None)  # as on Windows
    else:

        def flock(fd: int, operation: int) -> None:
            raise OSError(errno.ENOLCK, "No locks available")  # some network file systems

        monkeypatch.setattr(fcntl, "flock", flock)


def test_without_a_lock_a_concurrent_change_stops_an_import(tmp_path: Path, monkeypatch) -> None:
    make_unlockable(monkeypatch, "no fcntl")
    project = make_project(tmp_path, 3)
    rows = build_matrix(project, [])
    rows[0].update(verdict="supported", reviewer="M. Matrix", reviewed_at=TODAY)
    (tmp_path / "matrix.csv").write_bytes(to_csv(rows))
    real = matrix.load_trees
    claim_id = rows[1]["claim_id"]

    def meanwhile(*args: object) -> list[matrix.RegisterTree]:
        trees = real(*args)  # type: ignore[arg-type]
        theirs = Review("partial", "B. Other", TODAY, "theirs")
        text = record_review_in_text(trees[0].text, REGISTER, claim_id, theirs, {})
        (tmp_path / REGISTER).write_text(text, encoding="utf-8")
        return trees

    monkeypatch.setattr(matrix, "load_trees", meanwhile)
    arguments = [str(tmp_path / "matrix.csv"), "-C", str(tmp_path)]
    result = CliRunner().invoke(import_command, arguments)
    assert result.exit_code == 2
    assert result.output == f"Error: {CONFLICT}\n"
    assert reviews_of(tmp_path)[claim_id] == {("partial", "B. Other", "theirs")}
    assert reviews_of(tmp_path)[rows[0]["claim_id"]] == set()


def test_update_file_detects_a_change_made_while_it_edits(tmp_path: Path, monkeypatch) -> None:
    make_unlockable(monkeypatch, "no fcntl")
    path = tmp_path / "claims" / "page.yaml"
    write_atomic(path, "before\n")

    def edit(text: str | None) -> str:
        path.write_text("someone else's\n", encoding="utf-8")
        return f"{text}mine\n"

    with pytest.raises(ConcurrentEditError) as caught:
        update_file(path, edit, REGISTER)
    assert str(caught.value) == CONFLICT
    assert path.read_text(encoding="utf-8") == "someone else's\n"
    # A file created meanwhile is a conflict too.
    path.unlink()
    with pytest.raises(ConcurrentEditError):
        update_file(path, edit, REGISTER)


# ---------------------------------------------------------------------------------------------
# Waiting too long


@pytest.fixture
def held(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """A project whose register another command keeps locked; the wait is cut to 0.2 s."""
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.2)
    write_project(tmp_path, {})
    with locked({tmp_path / REGISTER: REGISTER}):
        yield tmp_path


TIMEOUT = (
    "Error: claims/page.yaml is being written by another tracker command (waited 0.2 s for "
    "its lock) - run the command again when that one has finished\n"
)


def test_a_review_that_waits_too_long_for_the_lock_says_so(held: Path) -> None:
    before = (held / REGISTER).read_bytes()
    result = review(held)
    assert (result.exit_code, result.output) == (2, TIMEOUT)
    assert (held / REGISTER).read_bytes() == before


def test_an_import_that_waits_too_long_for_the_lock_says_so(held: Path) -> None:
    rows = build_matrix(load_project(held), [])
    rows[0].update(verdict="supported", reviewer="M. Matrix", reviewed_at=TODAY)
    (held / "matrix.csv").write_bytes(to_csv(rows))
    result = CliRunner().invoke(import_command, [str(held / "matrix.csv"), "-C", str(held)])
    assert (result.exit_code, result.output) == (2, TIMEOUT)


def test_the_timeout_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / REGISTER
    with locked({path: REGISTER}):
        begun = time.monotonic()
        with pytest.raises(ConcurrentEditError, match=r"waited 0\.05 s"):
            update_file(path, lambda text: "x", REGISTER, timeout=0.05)
        assert time.monotonic() - begun < 1
