"""The benchmark runner measures what users do and says so plainly: the latency edit changes
one word, peer and tracker runs alternate, the goals are scaled, and the table is JSON too."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from bench import run
from bench.run import Command, Line, alternating, one_word_edit, table

PAGE = (
    "Secretome therapy is a regenerative approach.\n\n"
    "Growth factors reduce inflammation in several trials [1].\n"
)


@pytest.mark.parametrize("number", [1, 2, 3, 17])
def test_a_latency_edit_changes_one_word_and_each_edit_is_new(number: int) -> None:
    edited = one_word_edit(PAGE, number)
    before, after = PAGE.split(), edited.split()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith(f"edit{number}")
    assert edited != one_word_edit(PAGE, number + 1)


def test_commands_run_in_turns(tmp_path: Path) -> None:
    log = tmp_path / "log"

    def command(name: str) -> Command:
        argv = [sys.executable, "-c", f"open({str(log)!r}, 'a').write({name!r})"]
        return Command(argv, tmp_path)

    medians = alternating([command("p"), command("t")], 3)
    assert log.read_text() == "ptptpt"
    assert len(medians) == 2 and all(m.seconds > 0 for m in medians)


def test_the_table_and_its_json_agree() -> None:
    lines = [
        Line("audit.1k", 2.0, 8.0, "ratio <= 0.25", True, "2 workers"),
        Line("audit.memory.10k", 230.0, None, "< 400 MB", True, "peak", "MB"),
        Line("latency.edited-page", 0.26, 0.14, "ratio <= 1.00", False),
    ]
    printed = table(lines).splitlines()
    assert printed[0].split() == ["benchmark", "tracker", "peer", "ratio", "goal", "verdict"]
    assert re.search(
        r"audit\.1k\s+2\.000 s\s+8\.000 s\s+0\.250\s+ratio <= 0\.25\s+PASS", printed[1]
    )
    assert printed[3].endswith("FAIL")
    record = json.loads(json.dumps([line.as_json() for line in lines]))
    assert record[0] == {
        "name": "audit.1k",
        "tracker": 2.0,
        "peer": 8.0,
        "ratio": 0.25,
        "unit": "s",
        "goal": "ratio <= 0.25",
        "verdict": "pass",
        "note": "2 workers",
    }
    assert record[1]["ratio"] is None and record[2]["verdict"] == "fail"


def test_goals_are_set_for_the_size_they_run_at() -> None:
    # One changed page costs the fixed part of a run, which weighs ten times as much at 1k.
    assert run.incremental_share(10_000) == pytest.approx(0.05)
    assert run.incremental_share(1_000) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("peaks_mb", "passed"),
    [
        ({1000: 205, 5000: 211, 10000: 215}, True),
        ({1000: 242, 5000: 502, 10000: 872}, False),  # grows with the pages
        ({1000: 380, 10000: 405}, False),  # flat, but over the limit
        ({1000: 200, 10000: 225}, False),  # under the limit, but 12.5% above 1k
    ],
)
def test_memory_must_stay_under_the_limit_and_flat(peaks_mb: dict[int, int], passed: bool) -> None:
    line = run.memory_line({size: mb * 2**20 for size, mb in peaks_mb.items()})
    assert line.passed is passed
    assert line.name == "audit.memory.10k" and line.unit == "MB"
