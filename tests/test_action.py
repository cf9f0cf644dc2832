"""The GitHub Action (action.yml): its inputs and outputs, and its scripts run as a runner would.

The steps' shell scripts run here with bash, with the environment the runner gives them, against
a copy of the bundled project; setup-python is stood in for by this Python, the install step
(pip and the network) by the tracker installed here, and the upload is recorded, not done.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tracker.yamlio import load_yaml

from .conftest import BUNDLED, REPO, copy_bundled, write_project

ACTION: dict[str, Any] = load_yaml(
    (REPO / "action.yml").read_text(encoding="utf-8"), round_trip=False
)
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
BY_ID = {step["id"]: step for step in STEPS}
# The steps that run the tracker, whose flags must be real ones.
TRACKER_STEPS = ("check", "sarif")

# How the runner starts a `shell: bash` step (GitHub's documented default).
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail")
REFERENCE = re.compile(r"\$\{\{ *(?:inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+)) *\}\}")
ANNOTATION = re.compile(
    r"::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=\d+,col=\d+,"
    r"title=(?P<check>[\w.]+)::.+"
)

# The inputs the actions used document (their action.yml files, as published).
DOCUMENTED_INPUTS = {
    "actions/setup-python": {
        "python-version",
        "python-version-file",
        "cache",
        "architecture",
        "check-latest",
        "token",
        "cache-dependency-path",
        "update-environment",
        "allow-prereleases",
    },
    "github/codeql-action/upload-sarif": {
        "sarif_file",
        "checkout_path",
        "ref",
        "sha",
        "token",
        "matrix",
        "category",
        "wait-for-processing",
    },
}


# ---------------------------------------------------------------------------------------------
# A local runner for the composite action


@dataclass
class ActionRun:
    """What running the action's steps did: each step's outcome, outputs and process."""

    inputs: dict[str, str]
    outcomes: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    results: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    uploads: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # more variables for the scripts

    def resolve(self, value: str) -> str:
        """Return the value of an env or with entry: one input or one step's output."""
        match = REFERENCE.fullmatch(value)
        assert match, f"{value!r} is not a single input or step output"
        if match[1]:
            return self.inputs[match[1]]
        return self.outputs.get(match[2], {}).get(match[3], "")

    def holds(self, condition: str) -> bool:
        """Evaluate a step's `if:` the way the runner does, for the clauses the action uses."""
        clauses = [c.strip() for c in condition.split("&&")] if condition else []
        if "always()" not in clauses and "failure" in self.outcomes.values():
            return False
        return all(self.clause(clause) for clause in clauses)

    def clause(self, clause: str) -> bool:
        if clause == "always()":
            return True
        wanted = re.fullmatch(r"inputs\.([\w-]+) == '(\w*)'", clause)
        if wanted:  # GitHub compares strings ignoring case
            return self.inputs[wanted[1]].lower() == wanted[2].lower()
        outcome = re.fullmatch(r"steps\.([\w-]+)\.outcome == '(\w+)'", clause)
        assert outcome, f"the test runner does not know the condition {clause!r}"
        return self.outcomes.get(outcome[1]) == outcome[2]

    def output(self, name: str) -> str:
        """Return one of the action's own outputs."""
        return self.resolve(ACTION["outputs"][name]["value"])


def run_action(
    tmp: Path,
    inputs: dict[str, str] | None = None,
    *,
    setup_python: str = sys.executable,
    installed: str | None = sys.executable,
    env: dict[str, str] | None = None,
) -> ActionRun:
    """Run the action's steps in order in tmp/workspace, honouring their conditions.

    `installed` is the Python the tracker is installed in, standing for the install step;
    None runs the install step's own script.
    """
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    run = ActionRun(defaults | (inputs or {}), env=env or {})
    for step in STEPS:
        if not run.holds(step.get("if", "")):
            run.outcomes[step["id"]] = "skipped"
        elif step["id"] == "install" and installed is not None:
            run.outputs["install"] = {"python": installed}
            run.outcomes["install"] = "success"
        elif "uses" in step:
            stand_in(step, run, setup_python)
        else:
            execute(step, run, tmp)
    return run


def stand_in(step: dict[str, Any], run: ActionRun, setup_python: str) -> None:
    """Do what a `uses:` step would, as far as the later steps can tell."""
    action = step["uses"].split("@")[0]
    if action == "actions/setup-python":
        run.outputs[step["id"]] = {"python-path": setup_python}
    else:
        run.uploads.append(run.resolve(step["with"]["sarif_file"]))
    run.outcomes[step["id"]] = "success"


def execute(step: dict[str, Any], run: ActionRun, tmp: Path) -> None:
    """Run one `run:` step with bash, with the environment the runner would give it."""
    scripts, runner_temp = tmp / "steps", tmp / "runner-temp"
    scripts.mkdir(exist_ok=True)
    runner_temp.mkdir(exist_ok=True)
    script, output = scripts / f"{step['id']}.sh", scripts / f"{step['id']}.output"
    script.write_text(step["run"], encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(tmp / "workspace"),
        "RUNNER_TEMP": str(runner_temp),
    } | run.env
    env |= {name: run.resolve(value) for name, value in step.get("env", {}).items()}
    result = subprocess.run(
        [*BASH, str(script)],
        cwd=tmp / "workspace",
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    lines = output.read_text(encoding="utf-8").splitlines()
    run.outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
    run.results[step["id"]] = result
    run.outcomes[step["id"]] = "success" if result.returncode == 0 else "failure"


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """Copy the bundled project into tmp_path/workspace, the checkout the action runs in."""
    copy_bundled(tmp_path / "workspace")
    return tmp_path


def annotations(result: subprocess.CompletedProcess[str]) -> list[re.Match[str]]:
    """Return the workflow commands a step printed; every line must be one."""
    lines = result.stdout.splitlines()
    matches = [ANNOTATION.fullmatch(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m][:3]
    return [m for m in matches if m]


def tracker_check_help() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "check", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# ---------------------------------------------------------------------------------------------
# The file


def test_inputs_are_described_and_have_defaults() -> None:
    defaults = {name: spec.get("default") for name, spec in ACTION["inputs"].items()}
    assert defaults == {
        "path": ".",
        "documents": "",
        "fail-on": "error",
        "python-version": "3.11",
        "version": "",
        "sarif": "true",
        "retractions": "",
    }
    for name, spec in ACTION["inputs"].items():
        assert isinstance(spec["description"], str) and len(spec["description"]) > 20, name
        assert spec.get("required") is False, name


def test_every_input_is_used_and_every_use_is_declared() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\binputs\.([\w-]+)", text))
    assert used == set(ACTION["inputs"])


def test_fail_on_offers_the_levels_tracker_check_takes() -> None:
    choices = re.search(r"--fail-on \[([\w|]+)\]", tracker_check_help())
    assert choices, "tracker check --help shows no --fail-on choices"
    description = ACTION["inputs"]["fail-on"]["description"]
    assert set(re.findall(r"\b(error|warning|info)\b", description)) == set(choices[1].split("|"))


def test_outputs_come_from_the_steps_that_write_them() -> None:
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}
    for name, spec in ACTION["outputs"].items():
        assert spec["description"], name
        match = REFERENCE.fullmatch(spec["value"])
        assert match and match[2] in BY_ID, spec["value"]
        assert f'echo "{match[3]}=' in BY_ID[match[2]]["run"], name


def test_steps_are_well_formed() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    assert len(BY_ID) == len(STEPS), "every step has an id, and no two the same"
    seen: set[str] = set()
    for step in STEPS:
        assert step["name"], step["id"]
        assert ("uses" in step) != ("run" in step), step["id"]
        if "run" in step:
            assert step["shell"] == "bash", step["id"]
        for _, earlier, _ in REFERENCE.findall(json.dumps(step)):
            assert not earlier or earlier in seen, f"{step['id']} reads {earlier} before it runs"
        seen.add(step["id"])


def test_actions_are_pinned_to_a_major_version_and_given_documented_inputs() -> None:
    used = [step for step in STEPS if "uses" in step]
    assert [step["uses"] for step in used] == [
        "actions/setup-python@v6",
        "github/codeql-action/upload-sarif@v4",
    ]
    for step in used:
        assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", step["uses"])
        assert set(step["with"]) <= DOCUMENTED_INPUTS[step["uses"].split("@")[0]], step["id"]


def test_the_upload_runs_even_when_the_check_failed() -> None:
    for name in ("sarif", "upload"):
        assert "always()" in BY_ID[name]["if"]
        assert "inputs.sarif == 'true'" in BY_ID[name]["if"]
    assert BY_ID["upload"]["with"]["sarif_file"] == "${{ steps.sarif.outputs.sarif-file }}"


def test_scripts_read_inputs_from_the_environment_only() -> None:
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['id']} interpolates an expression"
            for name, value in step.get("env", {}).items():
                assert REFERENCE.fullmatch(value), f"{step['id']}: {name}: {value}"
                assert not name.startswith(("GITHUB_", "RUNNER_", "INPUT_")), name


def test_every_flag_the_scripts_give_tracker_check_exists() -> None:
    help_text = tracker_check_help()
    for name in TRACKER_STEPS:
        script = BY_ID[name]["run"]
        assert "args=(check " in script and '-m tracker "${args[@]}"' in script, name
        flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", script))
        assert flags, name
        for flag in flags:
            assert re.search(rf"(?<![\w-]){flag}\b", help_text), f"{name}: {flag} is no flag"


# ---------------------------------------------------------------------------------------------
# The scripts, run


def test_the_audit_annotates_fails_and_still_uploads_sarif(
    bundled: Path, sarif_schema: dict[str, object]
) -> None:
    from jsonschema import Draft4Validator

    run = run_action(bundled)
    check = run.results["check"]
    assert check.returncode == 1, check.stderr
    assert run.output("exit-code") == "1"
    found = annotations(check)
    assert any(m["level"] == "error" and m["check"] == "claims.uncited" for m in found)
    assert "content/secretome-therapy.txt" in {m["file"] for m in found}
    assert run.outcomes["sarif"] == "success", run.results["sarif"].stderr
    sarif = Path(run.output("sarif-file"))
    assert sarif == bundled / "runner-temp" / "tracker.sarif"
    assert run.uploads == [str(sarif)]
    log = json.loads(sarif.read_text(encoding="utf-8"))
    errors = [e.message for e in Draft4Validator(sarif_schema).iter_errors(log)]
    assert not errors, errors[:3]
    assert len(log["runs"][0]["results"]) == len(found)
    assert not (bundled / "workspace" / "tracker.sarif").exists(), "the checkout stays clean"


@pytest.mark.parametrize(("fail_on", "status"), [("error", 0), ("warning", 0), ("info", 1)])
def test_fail_on_decides_whether_the_job_fails(tmp_path: Path, fail_on: str, status: int) -> None:
    write_project(tmp_path / "workspace", {})  # its one finding is at info level
    run = run_action(tmp_path, {"fail-on": fail_on, "sarif": "false"})
    assert run.results["check"].returncode == status
    assert run.output("exit-code") == str(status)
    assert [m["level"] for m in annotations(run.results["check"])] == ["notice"]
    assert run.outcomes["sarif"] == run.outcomes["upload"] == "skipped"
    assert run.output("sarif-file") == ""


def test_documents_get_the_writers_check(bundled: Path) -> None:
    pages = "content/secretome-therapy.txt \n  content/secretome-vs-exosomes.txt"
    run = run_action(bundled, {"documents": pages})
    found = annotations(run.results["check"])
    assert found and {m["check"].split(".")[0] for m in found} == {"document"}
    assert "content/secretome-therapy.txt" in {m["file"] for m in found}
    log = json.loads(Path(run.output("sarif-file")).read_text(encoding="utf-8"))
    assert len(log["runs"][0]["results"]) == len(found)


def test_a_project_folder_with_spaces_in_its_name(bundled: Path) -> None:
    workspace = bundled / "workspace"
    (workspace / "claims site").mkdir()
    for name in BUNDLED:
        shutil.move(workspace / name, workspace / "claims site" / name)
    run = run_action(bundled, {"path": "claims site"})
    assert run.output("exit-code") == "1"
    assert annotations(run.results["check"])
    assert run.outcomes["sarif"] == "success"


def test_retraction_data_is_passed_on(bundled: Path) -> None:
    shutil.copy2(REPO / "tests/data/retractions/sample.csv", bundled / "workspace" / "rw.csv")
    run = run_action(bundled, {"retractions": "rw.csv"})
    assert run.output("exit-code") == "1" and "Error" not in run.results["check"].stderr
    missing = run_action(bundled, {"retractions": "missing.csv"})
    assert missing.output("exit-code") == "2"
    assert "retraction data not found" in missing.results["check"].stderr


@pytest.mark.parametrize(
    "inputs",
    [
        {"path": "$(touch pwned)"},
        {"documents": "content/*.txt; touch pwned"},
        {"documents": "`touch pwned` $(touch pwned) --help"},
        {"fail-on": "error; touch pwned"},
        {"retractions": 'x"; touch pwned; "'},
    ],
)
def test_inputs_are_never_run_as_commands(bundled: Path, inputs: dict[str, str]) -> None:
    run = run_action(bundled, inputs)
    assert run.output("exit-code") == "2", run.results["check"].stdout
    assert "Error" in run.results["check"].stderr
    assert not list(bundled.rglob("pwned"))


# ---------------------------------------------------------------------------------------------
# The install step, with a stand-in for the Python that setup-python provides

STAND_IN_PYTHON = """\
#!/bin/bash
# `python -m venv DIR`: make DIR/bin/python, which logs how it is called.
mkdir -p "$3/bin"
printf '#!/bin/bash\\necho "$*" >> "$CALLS"\\n' > "$3/bin/python"
chmod +x "$3/bin/python"
"""


def install(tmp_path: Path, version: str) -> tuple[ActionRun, list[str]]:
    (tmp_path / "workspace").mkdir()
    python = tmp_path / "python"
    python.write_text(STAND_IN_PYTHON, encoding="utf-8")
    python.chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()
    run = run_action(
        tmp_path,
        {"version": version},
        setup_python=str(python),
        installed=None,
        env={"CALLS": str(calls)},
    )
    return run, calls.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("version", "requirement"), [("", str(REPO)), ("0.1.*", "claims-tracker==0.1.*")]
)
def test_install_takes_the_action_checkout_or_a_release(
    tmp_path: Path, version: str, requirement: str
) -> None:
    run, calls = install(tmp_path, version)
    venv_python = tmp_path / "runner-temp" / "claims-tracker" / "bin" / "python"
    assert run.outputs["install"] == {"python": str(venv_python)}
    assert calls[0] == f"-m pip install --disable-pip-version-check --quiet {requirement}"
    assert calls[1] == "-m tracker --version"


@pytest.mark.parametrize("version", ["0.1; touch pwned", "--index-url=https://x", "0.1.0\n"])
def test_install_refuses_a_version_that_is_no_release(tmp_path: Path, version: str) -> None:
    run, calls = install(tmp_path, version)
    result = run.results["install"]
    assert result.returncode == 2 and result.stdout.startswith("::error ")
    assert calls == [] and run.outputs["install"] == {}
    assert run.outcomes["check"] == run.outcomes["sarif"] == "skipped"
    assert not list(tmp_path.rglob("pwned"))
