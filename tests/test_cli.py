"""The command line: help for every command, the README's reference, exit statuses, outputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.checks.registry import CHECKS, DOCUMENT_CHECKS
from tracker.cli import cli

from .conftest import BIB, REGISTER, REPO, write_project

COMMANDS = sorted(cli.commands)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, as a user would (env: variables to add)."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env} if env else None,
    )


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
    assert re.fullmatch(r"claims/page\.yaml:\d+:1: error citations\.unknown_key: .+\n", text.stdout)
    assert "1 error, 0 warnings, 0 info" in text.stderr
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
    # A file that is not there is the same mistake, with the same status, in every command.
    for command in ("extract", "check"):
        missing = run(command, str(tmp_path / "nothing.txt"))
        assert missing.returncode == 2 and "nothing.txt' does not exist" in missing.stderr


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
    (line,) = result.stdout.splitlines()  # one object per document, one per line
    payload = json.loads(line)
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
    (tmp_path / "drafts" / "bad.md").write_bytes(b"\x00\x01 binary")
    new, bad = tmp_path / "drafts" / "new.md", tmp_path / "drafts" / "bad.md"
    result = run("check", "-C", str(tmp_path), str(new), str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("bad.md:1:1: error document.unreadable: " in line for line in lines)
    (uncited,) = [line for line in lines if "document.uncited" in line]
    assert uncited.startswith("drafts/new.md:3:1: error document.uncited: [medium] needs a source")
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


def test_extract_json_is_one_object_per_document_whatever_their_number(tmp_path: Path) -> None:
    write_project(tmp_path, {"content/other.txt": "Zinc shortens colds by two days.\n"})
    pages = [str(tmp_path / "content" / name) for name in ("page.txt", "other.txt")]
    for chosen in (pages[:1], pages):
        result = run("extract", *chosen, "--format", "json", "-C", str(tmp_path))
        objects = [json.loads(line) for line in result.stdout.splitlines()]
        assert [o["document"] for o in objects] == [f"content/{Path(p).name}" for p in chosen]


@pytest.mark.parametrize(
    ("command", "output", "first_bytes"),
    [
        (["check"], "findings.sarif", b"{"),
        (["check"], "findings.json", b"{"),
        (["check"], "findings.xml", b"<?xml"),
        (["export"], "matrix.xlsx", b"PK"),
        (["export"], "matrix.csv", b"\xef\xbb\xbf"),
        (["graph"], "graph.graphml", b"<?xml"),
    ],
)
def test_the_output_suffix_names_the_format(tmp_path: Path, command, output, first_bytes):
    write_project(tmp_path, {})
    run(*command, "--output", str(tmp_path / output), "-C", str(tmp_path))
    assert (tmp_path / output).read_bytes().startswith(first_bytes)


@pytest.mark.parametrize("command", ["check", "export", "graph"])
def test_an_output_suffix_no_format_has_is_refused(tmp_path: Path, command):
    write_project(tmp_path, {})
    result = run(command, "--output", str(tmp_path / "report.ods"), "-C", str(tmp_path))
    assert result.returncode == 2 and "the suffix .ods names no format" in result.stderr
    assert not (tmp_path / "report.ods").exists()


def test_project_option_before_the_command(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    before = run("-C", str(tmp_path), "check")
    after = run("check", "-C", str(tmp_path))
    assert before.returncode == after.returncode and before.stdout == after.stdout
    missing = run("-C", str(tmp_path / "nowhere"), "check")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    from tracker.model import Finding, Severity
    from tracker.outputs import finding_line

    finding = Finding("claims.uncited", Severity.ERROR, "a.txt", 1, 1, "uncited")
    assert finding_line(finding) == "a.txt:1:1: error claims.uncited: uncited"
    assert finding_line(finding, colour=True) == (
        "a.txt:1:1: \x1b[1;31merror\x1b[0m claims.uncited: uncited"
    )
    write_project(tmp_path, {})
    piped = run("check", "-C", str(tmp_path))  # stdout is a pipe here
    assert "\x1b[" not in piped.stdout


def test_a_baseline_says_how_many_findings_it_hid(tmp_path: Path) -> None:
    write_project(tmp_path, {"content/new.txt": "Echinacea prevents colds in children.\n"})
    baseline = tmp_path / "baseline.json"
    run("check", "-C", str(tmp_path), "--baseline", str(baseline), "--update-baseline")
    again = run("check", "-C", str(tmp_path), "--baseline", str(baseline))
    assert re.search(r"\(\d+ findings? hidden by the baseline\)", again.stderr)


def test_a_report_whose_inputs_did_not_change_is_byte_identical(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    outputs = []
    for seed in ("1", "2"):
        folder = tmp_path / f"out{seed}"
        env = {"SOURCE_DATE_EPOCH": "1764979200", "PYTHONHASHSEED": seed}
        result = run("report", "-C", str(tmp_path), "--output", str(folder), env=env)
        assert result.returncode == 0, result.stderr
        outputs.append([(folder / n).read_bytes() for n in ("evidence.html", "evidence.md")])
    assert outputs[0] == outputs[1]


def test_the_report_formats_only_the_sources_claims_cite(tmp_path: Path, monkeypatch) -> None:
    from tracker import formatting
    from tracker.commands.common import audit_outcome
    from tracker.report import build_view

    extra = "".join(
        f"@article{{spare{n}, author = {{A, B}}, title = {{Spare {n}}}, journal = {{J}},"
        f" year = {{2020}}}}\n"
        for n in range(50)
    )
    project_dir = write_project(tmp_path, {"references.bib": BIB + extra})
    formatted: list[str] = []
    original = formatting.format_source
    monkeypatch.setattr(
        formatting, "format_source", lambda s, *a: formatted.append(s.key) or original(s, *a)
    )
    project, graph, outcome = audit_outcome(project_dir, None, cached=False)
    view = build_view(project, graph, outcome.findings, "2026-01-01")
    assert formatted == ["smith2020trial"]
    assert [s["key"] for s in view["sources"]] == ["smith2020trial"]
    assert any(f["source_key"] == "spare3" for f in view["findings"])  # still reported


def test_retraction_data_with_documents_is_refused_not_ignored(tmp_path: Path) -> None:
    write_project(tmp_path, {})
    page, data = tmp_path / "content" / "page.txt", REPO / "tests/data/retractions/sample.csv"
    result = run("check", "-C", str(tmp_path), str(page), "--retractions", str(data))
    assert result.returncode == 2 and "--retractions applies to the audit" in result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_as_the_readme_says(shell: str) -> None:
    # The console script, as installed: completion is keyed on the program's name.
    script = Path(sys.executable).with_name("tracker")
    if not script.exists():
        pytest.skip(f"{script} is not installed beside this Python")
    env = {**os.environ, "_TRACKER_COMPLETE": f"{shell}_source"}
    result = subprocess.run([str(script)], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "_TRACKER_COMPLETE" in result.stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"_TRACKER_COMPLETE={shell}_source tracker" in readme
