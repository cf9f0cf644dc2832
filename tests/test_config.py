"""Project discovery and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import Config, ProjectError, find_root, load_config
from tracker.model import Severity
from tracker.project import load_project, open_project

from .conftest import write_project


@pytest.mark.parametrize(
    ("files", "found"),
    [
        ({"pyproject.toml": "[tool.tracker]\n"}, True),
        ({"tracker.toml": ""}, True),
        ({"references.bib": "", "claims/.keep": ""}, True),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, False),
        ({"references.bib": ""}, False),
    ],
)
def test_find_root_from_a_subfolder(tmp_path: Path, files: dict[str, str], found: bool) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    sub = tmp_path / "content" / "deep"
    sub.mkdir(parents=True)
    root = find_root(sub)
    assert (root == tmp_path.resolve()) if found else (root is None or root != tmp_path.resolve())


@pytest.mark.parametrize(
    ("settings", "check", "level"),
    [
        ({}, "sources.unused", Severity.WARNING),
        ({"sources": "info"}, "sources.unused", Severity.INFO),
        ({"sources": "info", "sources.unused": "error"}, "sources.unused", Severity.ERROR),
        ({"sources.unused": "off"}, "sources.unused", None),
    ],
)
def test_most_specific_prefix_wins(
    tmp_path: Path, settings: dict, check: str, level: Severity | None
) -> None:
    lines = "".join(f'"{k}" = "{v}"\n' for k, v in settings.items())
    (tmp_path / "tracker.toml").write_text(f'claims = "regs"\n[checks]\n{lines}')
    config = load_config(tmp_path)
    assert config.claims == "regs"
    assert config.level(check, Severity.WARNING) == level


def test_a_prefix_matches_whole_parts_of_an_id_only(tmp_path: Path) -> None:
    config = Config(tmp_path, checks={"source": "off"})
    assert config.level("sources.unused", Severity.WARNING) == Severity.WARNING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.tracker.checks]\n'sources.unsued' = 'off'\n", "did you mean 'sources.unused'?"),
        ("[tool.tracker.checks]\n'source' = 'off'\n", "did you mean 'sources'?"),
        ("[tool.tracker.checks]\n'zzz.qqq' = 'off'\n", "names no check or family"),
        ("[tool.tracker]\ncolour = 'red'\n", "unknown setting"),
        ("[tool.tracker.checks]\n'sources' = 'loud'\n", "use one of off, info, warning, error"),
        ("[tool.tracker\n", "fix the TOML syntax"),
    ],
)
def test_bad_settings_are_user_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ProjectError, match=message):
        load_config(tmp_path)


def test_project_without_bibliography_is_unusable(tmp_path: Path) -> None:
    write_project(tmp_path, {"references.bib": None})
    with pytest.raises(ProjectError, match="bibliography not found"):
        load_project(tmp_path)


def test_no_project_at_all(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no claims project"):
        open_project(tmp_path)


def test_columns_come_from_the_document(tmp_path: Path) -> None:
    write_project(tmp_path, {"content/page.txt": "first line\n  second line\n"})
    project = load_project(tmp_path)
    assert project.column("content/page.txt", 2, 13) == 3
    assert project.column("content/missing.txt", 1, 5) == 1
