"""Every check has examples that must trigger it and examples that must not (a meta-test
fails when one lacks them); the runner applies the project's severity settings."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tracker.checks.registry import CHECKS, run_checks
from tracker.model import Severity

from .conftest import BIB, REGISTER, Files, audit_for

UNUSED_ENTRY = "@misc{lonely2019note,\n  title = {A Note Nobody Cites},\n  year = {2019}\n}\n"
PLACEHOLDER = (
    "@article{ghost2023,\n  title = {Ghost Study},\n  journal = {Nowhere},\n  year = {2023},\n"
    "  verification = {unverifiable}\n}\n"
)
UNCITED_REGISTER = REGISTER.replace(
    "    citations:\n      - {key: smith2020trial, marker: '[1]', ref: 1}\n", "    citations: []\n"
)

# check id -> (projects that must trigger it, projects that must not); each project is the
# base project of conftest with these files replaced.
EXAMPLES: dict[str, tuple[list[Files], list[Files]]] = {
    "claims.uncited": (
        [{"claims/page.yaml": UNCITED_REGISTER}],
        [
            {},
            {"claims/page.yaml": UNCITED_REGISTER + "    status: dismissed\n    note: a heading\n"},
        ],
    ),
    "claims.vanished": (
        [{"claims/page.yaml": REGISTER + "    status: vanished\n    vanished: '2026-01-01'\n"}],
        [{}],
    ),
    "citations.unknown_key": (
        [{"claims/page.yaml": REGISTER.replace("key: smith2020trial", "key: nobody1999")}],
        [{}],
    ),
    "citations.unresolved": (
        [{"claims/page.yaml": REGISTER.replace("key: smith2020trial", "key: null")}],
        [{}],
    ),
    "sources.unused": ([{"references.bib": BIB + UNUSED_ENTRY}], [{}]),
    "sources.unverifiable": (
        [
            {
                "references.bib": BIB + PLACEHOLDER,
                "claims/page.yaml": REGISTER.replace("smith2020trial", "ghost2023"),
            }
        ],
        [{}],
    ),
    "bibliography.duplicate_key": ([{"references.bib": BIB + BIB}], [{}]),
    "bibliography.unparsable": (
        [{"references.bib": BIB + "@article{broken,\n  title = {Open\n"}],
        [{}],
    ),
    "bibliography.missing_fields": (
        [{"references.bib": BIB.replace("  journal = {Journal of Testing},\n", "")}],
        [{}],
    ),
    "bibliography.suspicious_field": (
        [{"references.bib": BIB.replace("Jones, Bo},", "Jones, Bo}\n  note = {merged},")}],
        [{}],
    ),
    "bibliography.unreadable": ([{"references.bib": BIB.encode() + b"% caf\xe9\n"}], [{}]),
    "register.malformed": (
        [{"claims/page.yaml": REGISTER.replace("line: 1,", "line: one,")}],
        [{}],
    ),
}


def gathered_examples() -> dict[str, tuple[list[Files], list[Files]]]:
    """Return EXAMPLES with those of every tests/examples_*.py module (one per check area)."""
    merged = dict(EXAMPLES)
    for path in sorted(Path(__file__).parent.glob("examples_*.py")):
        merged.update(importlib.import_module(f"tests.{path.stem}").EXAMPLES)
    return merged


ALL_EXAMPLES = gathered_examples()


def findings_for(root: Path, files: Files) -> list:
    return run_checks(audit_for(root, files))


def test_every_check_has_examples() -> None:
    ids = {module.ID for module in CHECKS}
    assert ids == set(ALL_EXAMPLES), "add examples for every check to EXAMPLES"
    for check_id, (triggers, passes) in ALL_EXAMPLES.items():
        assert triggers and passes, check_id


def test_check_ids_match_module_paths() -> None:
    for module in CHECKS:
        assert module.__name__ == f"tracker.checks.{module.ID}"
        assert isinstance(module.SEVERITY, Severity) and module.SUMMARY


CASES = [
    (check_id, files, should_fire)
    for check_id, (triggers, passes) in ALL_EXAMPLES.items()
    for files, should_fire in [*((t, True) for t in triggers), *((p, False) for p in passes)]
]


@pytest.mark.parametrize(("check_id", "files", "should_fire"), CASES)
def test_examples(tmp_path: Path, check_id: str, files: Files, should_fire: bool) -> None:
    fired = [f for f in findings_for(tmp_path, files) if f.check == check_id]
    assert bool(fired) == should_fire, fired
    for finding in fired:
        assert finding.line >= 1 and finding.col >= 1 and " - " in finding.message


def test_base_project_is_clean(tmp_path: Path) -> None:
    findings = findings_for(tmp_path, {})
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    assert {f.check for f in findings} <= {"claims.single_source"}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('"sources" = "info"', Severity.INFO),
        ('"sources" = "info"\n"sources.unused" = "error"', Severity.ERROR),
        ('"sources.unused" = "off"', None),
        ('"claims" = "off"', Severity.WARNING),
    ],
)
def test_settings_change_severity(tmp_path: Path, settings: str, expected: Severity | None) -> None:
    files = {
        "references.bib": BIB + UNUSED_ENTRY,
        "pyproject.toml": f"[tool.tracker.checks]\n{settings}\n",
    }
    fired = [f.severity for f in findings_for(tmp_path, files) if f.check == "sources.unused"]
    assert fired == ([] if expected is None else [expected])
