"""The command line: help for every command, the README's reference, exit statuses, outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.checks import CHECKS, DOCUMENT_CHECKS
from tracker.cli import cli

from .conftest import REGISTER, REPO, write_project

COMMANDS = sorted(cli.commands)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, as a user would."""
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True)


@pytest.mark.parametrize("name", COMMANDS)
def test_commands_have_help_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and "Example:" in command.help
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_readme_documents_every_command_and_check() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"### `tracker {name}" in readme, name
    for module in CHECKS + DOCUMENT_CHECKS:
        assert f"| `{module.ID}` | {module.SEVERITY.value} | {module.SUMMARY} |" in readme, (
            module.ID
        )


def test_check_text_json_and_exit_status(tmp_path: Path) -> None:
    write_project(
        tmp_path, {"claims/page.yaml": REGISTER.replace("key: smith2020trial", "key: nobody1999")}
    )
    text = run("check", "-C", str(tmp_path), "--min-level", "error")
    assert text.returncode == 1
    assert re.fullmatch(r"claims/page\.yaml:\d+:1: citations\.unknown_key: .+\n", text.stdout)
    assert "1 errors" in text.stderr
    assert run("check", "-C", str(tmp_path), "--no-exit").returncode == 0
    assert (
        run("check", "-C", str(tmp_path), "--min-level", "error", "--fail-on", "error").returncode
        == 1
    )
    assert (
        run(
            "check", "-C", str(tmp_path), "--fail-on", "warning", "--min-level", "warning"
        ).returncode
        == 1
    )
    payload = json.loads(
        run("check", "-C", str(tmp_path), "--format", "json", "--min-level", "error").stdout
    )
    (finding,) = payload["findings"]
    assert set(finding) >= {"check", "severity", "path", "line", "col", "message"}
    assert payload["summary"]["error"] == 1 and payload["summary"]["claims"] == 1


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    result = run("check", "-C", str(tmp_path), "--min-level", "warning")
    assert (result.returncode, result.stdout) == (0, "")


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    result = run("check", "-C", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("Error: no claims project") and "Traceback" not in result.stderr
    missing = run("extract", str(tmp_path / "nothing.txt"))
    assert missing.returncode == 2 and "cannot read the document" in missing.stderr


def test_extract_write_is_idempotent_and_keeps_reviews(tmp_path: Path) -> None:
    write_project(tmp_path, {"claims/page.yaml": None})
    page = str(tmp_path / "content" / "page.txt")
    assert run("extract", page, "--write", "-C", str(tmp_path)).returncode == 0
    register = tmp_path / "claims" / "page.yaml"
    first = register.read_text(encoding="utf-8")
    assert "key: smith2020trial" in first or "{key: smith2020trial" in first
    reviewed = first.replace(
        "    citations:", "    review: {verdict: supported, by: Ann}\n    citations:", 1
    )
    register.write_text("# kept comment\n" + reviewed, encoding="utf-8")
    run("extract", page, "--write", "-C", str(tmp_path))
    again = register.read_text(encoding="utf-8")
    assert again == "# kept comment\n" + reviewed


def test_extract_json_shape(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    result = run(
        "extract", str(tmp_path / "content" / "page.txt"), "--format", "json", "-C", str(tmp_path)
    )
    payload = json.loads(result.stdout)
    (claim,) = payload["claims"]
    assert set(claim) >= {"id", "text", "start", "end", "line", "kinds", "reasons", "citations"}
    (citation,) = claim["citations"]
    assert citation["marker"] == "[1]" and citation["ref"] == 1
    assert (
        citation["key"] == citation["entry"] == "smith2020trial"
        and citation["status"] == "resolved"
    )
    assert citation["score"] >= 0.9


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_graph_export(tmp_path: Path, fmt: str) -> None:
    write_project(tmp_path, {})
    result = run("graph", "--format", fmt, "-C", str(tmp_path))
    assert result.returncode == 0
    assert "claim:p-000001" in result.stdout and "source:smith2020trial" in result.stdout


def test_report_writes_both_files(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    result = run("report", "-C", str(tmp_path))
    assert result.returncode == 0
    assert (tmp_path / "reports" / "evidence.html").is_file()
    assert (tmp_path / "reports" / "evidence.md").is_file()


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and "0.1.0" in result.stdout


def test_writers_check_on_a_draft(tmp_path: Path) -> None:
    draft = "# New page\n\nVitamin D reduces colds in winter.\n\nBook a visit.\n"
    write_project(tmp_path, {"drafts/new.md": draft})
    new, missing = tmp_path / "drafts" / "new.md", tmp_path / "missing.md"
    result = run("check", "-C", str(tmp_path), str(new), str(missing))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("missing.md:1:1: document.unreadable: " in line for line in lines)
    (uncited,) = [line for line in lines if "document.uncited" in line]
    assert uncited.startswith("drafts/new.md:3:1: document.uncited: needs a source")
    assert "the team already cites smith2020trial for this (p-000001" in uncited


def test_extract_goes_on_after_an_unreadable_document(tmp_path: Path) -> None:
    write_project(tmp_path, {"content/bad.txt": b"\x00\x01\x02 binary"})
    bad, good = tmp_path / "content" / "bad.txt", tmp_path / "content" / "page.txt"
    result = run("extract", str(bad), str(good), "-C", str(tmp_path))
    assert result.returncode == 2
    assert "Vitamin D reduces colds in winter." in result.stdout
    assert "bad.txt: a binary file, not text" in result.stderr
    assert "Extracting" not in result.stderr  # no progress bar when stderr is piped


def test_check_with_retraction_data(tmp_path: Path) -> None:
    bib = (
        "@article{zinc2019serum,\n  title = {Serum Zinc in Fictional Patients},\n"
        "  author = {Other, Ann},\n  journal = {Invented Medicine},\n  year = {2019},\n"
        "  pmid = {99000002}\n}\n"
    )
    register = REGISTER.replace("smith2020trial", "zinc2019serum")
    write_project(tmp_path, {"references.bib": bib, "claims/page.yaml": register})
    data = REPO / "tests" / "data" / "retractions" / "sample.csv"
    result = run("check", "-C", str(tmp_path), "--retractions", str(data), "--format", "json")
    assert result.returncode == 1
    (retracted,) = [
        f for f in json.loads(result.stdout)["findings"] if f["check"] == "sources.retracted"
    ]
    assert retracted["severity"] == "error" and retracted["source_key"] == "zinc2019serum"
    assert "as of" in retracted["message"] and "p-000001" in retracted["message"]
    missing = run("check", "-C", str(tmp_path), "--retractions", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and missing.stderr.startswith("Error: ")


def test_report_stays_quiet_when_piped(tmp_path: Path) -> None:
    write_project(tmp_path, {"claims/other.yaml": REGISTER.replace("p-000001", "p-000002")})
    result = run("report", "-C", str(tmp_path))
    assert result.returncode == 0 and "Loading registers" not in result.stderr
