"""Remember the findings a project already has, so CI fails only on new ones.

A finding's fingerprint leaves out its line and column (and line numbers quoted in its
message), so moving text up or down a page does not make an old finding new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.atomic import write_atomic
from tracker.config import ProjectError
from tracker.limits import MAX_BASELINE_BYTES, TooLarge, read_bytes, size_text
from tracker.model import Finding

VERSION = 1

# "line 12", "lines 3-5", and "file.bib:12:4" locations quoted inside a message.
LINE_MENTION = re.compile(r"\b(lines?) \d+(?:\s*[-–]\s*\d+)?")
PATH_LOCATION = re.compile(r"(\.\w+):\d+(?::\d+)?\b")


class BaselineError(ProjectError):
    """The baseline file cannot be read; the CLI shows it as `Error: ...`."""


@dataclass(frozen=True)
class Baseline:
    """The fingerprints a baseline file holds, each with how many findings share it."""

    path: Path
    counts: Counter[str] = field(default_factory=Counter)


def stable_message(message: str) -> str:
    """Return the message without the line numbers it quotes."""
    return PATH_LOCATION.sub(r"\1", LINE_MENTION.sub(r"\1 N", message))


def fingerprint(finding: Finding) -> str:
    """Return a hash that names a finding across runs, whatever line it moves to."""
    parts = (
        finding.check,
        finding.path,
        finding.claim_id or "",
        finding.source_key or "",
        stable_message(finding.message),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def baseline_entry(finding: Finding) -> dict[str, str]:
    return {
        "fingerprint": fingerprint(finding),
        "check": finding.check,
        "path": finding.path,
        "message": finding.message,
    }


def baseline_text(findings: list[Finding]) -> str:
    """Return the baseline JSON: a version and the findings, sorted so diffs stay small."""
    entries = sorted(
        (baseline_entry(f) for f in findings),
        key=lambda e: (e["path"], e["check"], e["fingerprint"], e["message"]),
    )
    payload = {"version": VERSION, "findings": entries}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, findings: list[Finding]) -> None:
    """Write the findings as the project's baseline, replacing the file in one step."""
    write_atomic(path, baseline_text(findings))


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; raise BaselineError naming the file when it cannot be used."""
    try:
        payload = json.loads(read_bytes(path, MAX_BASELINE_BYTES).decode("utf-8-sig"))
    except TooLarge as err:
        raise BaselineError(
            f"the baseline {path} is more than {size_text(MAX_BASELINE_BYTES)} - write it again "
            "with --update-baseline"
        ) from err
    except OSError as err:
        reason = err.strerror or str(err)
        raise BaselineError(
            f"cannot read the baseline {path}: {reason} - write one with --update-baseline"
        ) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BaselineError(
            f"the baseline {path} is not JSON ({err}) - write it again with --update-baseline"
        ) from err
    return Baseline(path, Counter(baseline_fingerprints(path, payload)))


def baseline_fingerprints(path: Path, payload: Any) -> list[str]:
    """Return the fingerprints of a parsed baseline, checking its shape."""
    version = payload.get("version") if isinstance(payload, dict) else None
    if version != VERSION:
        raise BaselineError(
            f"the baseline {path} has version {version!r}, not {VERSION} - "
            "write it again with --update-baseline"
        )
    entries = payload.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(
            f'the baseline {path} needs a "findings" list of objects with a "fingerprint" - '
            "write it again with --update-baseline"
        )
    return [e["fingerprint"] for e in entries]


def new_findings(findings: Iterable[Finding], baseline: Baseline) -> list[Finding]:
    """Return the findings the baseline does not account for, in their original order.

    A fingerprint the baseline holds twice excuses two findings, not a third.
    """
    return list(Unexcused(findings, baseline))


class Unexcused:
    """The findings a baseline does not account for, as they come; `hidden` counts the
    others once iterated."""

    def __init__(self, findings: Iterable[Finding], baseline: Baseline) -> None:
        self._findings = findings
        self._left = Counter(baseline.counts)
        self.hidden = 0

    def __iter__(self) -> Iterator[Finding]:
        for finding in self._findings:
            key = fingerprint(finding)
            if self._left[key] > 0:
                self._left[key] -= 1
                self.hidden += 1
            else:
                yield finding
