"""Which register a document's claims go to: one per document, mirroring its folders.

Two documents once shared a register when their file names were alike (blog/page.md and
news/page.md, or page.html and page.md), and the second extraction marked the first one's
claims vanished. A register is now known by the document's path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.config import Config, register_paths
from tracker.model import DocumentInfo, Register
from tracker.project import load_project, register_file

from .conftest import write_project

PAGE_A = "Zinc shortens colds by two days in adults.\n"
PAGE_B = "Vitamin C prevents colds in marathon runners.\n"


def page(name: str, text: str) -> str:
    return f"<html><body><p>{text}</p></body></html>\n" if name.endswith(".html") else text


def extract_write(project: Path, *documents: str) -> None:
    paths = [str(project / d) for d in documents]
    result = CliRunner().invoke(cli, ["extract", "--write", "-C", str(project), *paths])
    assert result.exit_code == 0, result.output


def claim_texts(project: Path) -> dict[str, list[str]]:
    loaded = load_project(project)
    return {r.document.path: [c.text for c in r.claims if c.active] for r in loaded.registers}


@pytest.mark.parametrize(
    ("first", "second", "registers"),
    [
        (
            "content/blog/page.md",
            "content/news/page.md",
            ["claims/blog/page.yaml", "claims/news/page.yaml"],
        ),
        (
            "content/page.html",
            "content/page.md",
            ["claims/page.md.yaml", "claims/page.yaml"],
        ),
        ("drafts/page.txt", "content/page.txt", ["claims/drafts/page.yaml", "claims/page.yaml"]),
    ],
    ids=["same name, two folders", "same stem, two formats", "outside the content folder"],
)
def test_two_documents_never_share_a_register(tmp_path: Path, first, second, registers):
    files = {"claims/page.yaml": None, first: page(first, PAGE_A), second: page(second, PAGE_B)}
    project = write_project(tmp_path, files)
    extract_write(project, first)
    extract_write(project, second)
    extract_write(project, first)  # again: the first keeps its own register
    found = sorted(p.relative_to(project).as_posix() for p in register_paths(project / "claims"))
    assert found == registers
    texts = claim_texts(project)
    assert texts[first] == [PAGE_A.strip()] and texts[second] == [PAGE_B.strip()]


def test_a_flat_register_of_a_document_in_a_folder_keeps_working(tmp_path: Path):
    """Registers written before they mirrored folders stay where they are."""
    flat = "document:\n  title: ''\n  path: content/blog/page.md\nclaims: []\n"
    project = write_project(tmp_path, {"claims/page.yaml": flat, "content/blog/page.md": PAGE_A})
    extract_write(project, "content/blog/page.md")
    assert not (project / "claims" / "blog").exists()
    assert claim_texts(project)["content/blog/page.md"] == [PAGE_A.strip()]


def test_registers_in_subfolders_are_audited(tmp_path: Path):
    project = write_project(tmp_path, {"content/blog/page.md": PAGE_A})
    extract_write(project, "content/blog/page.md")
    result = CliRunner().invoke(cli, ["check", "-C", str(project), "--no-cache"])
    assert "claims/blog/page.yaml" in result.output and "claims.uncited" in result.output


def test_a_document_outside_the_project_is_named_from_it(tmp_path: Path):
    project = write_project(tmp_path / "project", {})
    outside = tmp_path / "shared" / "page.txt"
    outside.parent.mkdir()
    outside.write_text(PAGE_A, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--write", "-C", str(project), str(outside)])
    assert result.exit_code == 0, result.output
    assert claim_texts(project)["../shared/page.txt"] == [PAGE_A.strip()]
    # The project moves with what it reads beside it: nothing names the old place.
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(project, moved / "project")
    shutil.move(tmp_path / "shared", moved / "shared")
    assert str(tmp_path) not in (moved / "project" / "claims" / "page.yaml").read_text()


@pytest.mark.parametrize(
    ("document", "taken", "expected"),
    [
        ("content/a/b/page.md", {}, "claims/a/b/page.yaml"),
        ("content/page.md", {"claims/page.yaml": "content/page.html"}, "claims/page.md.yaml"),
        # A register naming no document may be its own: the merge reports what is wrong.
        ("content/page.md", {"claims/page.yaml": ""}, "claims/page.yaml"),
        ("content/page.md", {"claims/old.yaml": "content/page.md"}, "claims/old.yaml"),
        ("../elsewhere/page.md", {}, "claims/page.yaml"),
        ("notes/page.md", {}, "claims/notes/page.yaml"),
    ],
)
def test_register_file_table(tmp_path: Path, document, taken, expected):
    registers = []
    for name, owner in taken.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("claims: []\n", encoding="utf-8")
        registers.append(Register(name, DocumentInfo("", owner)))
    found = register_file(document, Config(tmp_path), registers)
    assert found.relative_to(tmp_path).as_posix() == expected
