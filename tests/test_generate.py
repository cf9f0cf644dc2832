"""The benchmark generator: same seed, same project; one edit touches one page; the library
register is what extraction writes and loads back."""

from __future__ import annotations

import re
from pathlib import Path

from bench.generate import change_document, generate_project
from tracker.bibliography import load_bibliography
from tracker.extract import extract
from tracker.register_read import load_register

ENTRIES = 300


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_same_project(shared: Path, tmp_path: Path) -> None:
    first = generate_project(tmp_path / "a", 6, seed=1, bib_entries=ENTRIES)
    second = generate_project(tmp_path / "b", 6, seed=1, bib_entries=ENTRIES)
    assert first == second
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    pages = sorted((tmp_path / "a" / "content").glob("section-*/page-*.*"))
    assert len(pages) == first["documents"] == 6
    assert first["bytes"] == sum(len(p.read_bytes()) for p in pages)
    bib = (tmp_path / "a" / "references.bib").read_text(encoding="utf-8")
    assert len(re.findall(r"^@(?:inproceedings|article)\{", bib, re.M | re.I)) == ENTRIES
    assert "[tool.tracker]" in (tmp_path / "a" / "pyproject.toml").read_text(encoding="utf-8")


def test_pages_cite_works_of_the_bibliography(shared: Path, tmp_path: Path) -> None:
    stats = generate_project(tmp_path, 6, seed=2, bib_entries=ENTRIES)
    sources = load_bibliography(tmp_path / "references.bib").sources
    results = [extract(p, sources, tmp_path) for p in sorted(tmp_path.glob("content/*/*"))]
    references = [r for result in results for r in result.references]
    resolved = [r for r in references if r.resolution.key]
    assert len(references) == stats["references"]
    assert len(resolved) >= 0.6 * len(references)
    assert sum(len(c.citations) for result in results for c in result.claims) >= stats["markers"]


def test_change_document_edits_one_page_reproducibly(shared: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate_project(tmp_path / name, 4, seed=3, bib_entries=ENTRIES)
    before = snapshot(tmp_path / "a")
    path = change_document(tmp_path / "a", 2, seed=7)
    change_document(tmp_path / "b", 2, seed=7)
    after = snapshot(tmp_path / "a")
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [path.relative_to(tmp_path / "a").as_posix()]
    assert after == snapshot(tmp_path / "b")


def test_library_register_loads_back(shared: Path, tmp_path: Path) -> None:
    stats = generate_project(tmp_path, 1, seed=4, bib_entries=ENTRIES, register_claims=12)
    register = load_register(tmp_path / "claims" / "library.yaml", "claims/library.yaml")
    assert not register.problems
    assert len(register.claims) == stats["register_claims"] == 12
    assert all(claim.citations for claim in register.claims)
