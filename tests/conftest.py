"""Shared fixtures: where the shared material lives, and tiny projects built on disk."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

# The tests and the commands they start keep the start-up cache (tracker.warm) in a folder
# of their own, never the user's; set before any tracker module compiles a pattern.
STARTUP_CACHE = tempfile.mkdtemp(prefix="tracker-startup-cache-")
os.environ["TRACKER_STARTUP_CACHE"] = STARTUP_CACHE

from tracker.checks.base import Audit  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

BIB = """\
@article{smith2020trial,
  title   = {A Randomised Trial of Vitamin D in Winter},
  author  = {Smith, Anna and Jones, Bo},
  journal = {Journal of Testing},
  year    = {2020},
  doi     = {10.1000/test.1}
}
"""

DOCUMENT = "Vitamin D reduces colds in winter. [1]\n\nReferences\n\n1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.\n"

REGISTER = """\
document:
  title: Vitamin D
  path: content/page.txt
claims:
  - id: p-000001
    text: Vitamin D reduces colds in winter. [1]
    location: {line: 1, start: 0, end: 38}
    kinds: [efficacy]
    citations:
      - {key: smith2020trial, marker: '[1]', ref: 1}
"""

BASE_FILES = {
    "pyproject.toml": "[tool.tracker]\n",
    "references.bib": BIB,
    "content/page.txt": DOCUMENT,
    "claims/page.yaml": REGISTER,
}


Files = dict[str, str | bytes | None]


def write_project(root: Path, files: Files) -> Path:
    """Write a project: the base files with the given ones replaced (None leaves one out)."""
    merged: Files = {**BASE_FILES, **files}
    for name, content in merged.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def shared() -> Path:
    """Return ../shared, or skip when this checkout has no shared material beside it."""
    if not SHARED.is_dir():
        pytest.skip(
            "../shared is absent: the shared seeds, references and gold files are not beside this repository"
        )
    return SHARED


RETRACTIONS = "@retractions"  # an example's retraction data, given to the audit as --retractions


def audit_for(root: Path, files: Files) -> Audit:
    """Write a project (base files with these replaced) and return its audit, as checks see it."""
    from tracker.graph import build_graph
    from tracker.project import load_project

    retraction_data = files.get(RETRACTIONS)
    write_project(root, {name: content for name, content in files.items() if name != RETRACTIONS})
    project = load_project(root)
    retractions = None
    if retraction_data is not None:
        from tracker.retractions import load_retractions

        data_file = root / "retractions.csv"
        data_file.write_text(str(retraction_data), encoding="utf-8")
        retractions = load_retractions(data_file)
    return Audit(project, build_graph(project), retractions)


@pytest.fixture(autouse=True)
def no_user_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Keep the user's own settings (allow-outside) out of every test and its commands."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "user-config"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(STARTUP_CACHE, ignore_errors=True)


# The bundled project's own files: what a copy of it needs.
BUNDLED = ("content", "claims", "references.bib", "pyproject.toml")


def copy_bundled(destination: Path) -> Path:
    """Copy the bundled project (pages, registers, bibliography, settings) into destination."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in BUNDLED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    return destination


@pytest.fixture
def sarif_schema(shared: Path) -> dict[str, object]:
    """The SARIF 2.1.0 JSON Schema of the shared material."""
    path = shared / "schemas" / "sarif-schema-2.1.0.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the SARIF schema is not in the shared material")
    return json.loads(path.read_text(encoding="utf-8"))
