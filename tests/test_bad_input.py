"""Malformed input (tests/data/bad/) becomes a located finding, and the rest is still audited.

Each case puts one broken file where it belongs in a project and runs it through the real
loader and through `tracker check` on a project that also has a good register and a good
page. The README in tests/data/bad/ says what is wrong with each file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracker.bibliography import load_bibliography
from tracker.cli import cli
from tracker.config import ProjectError, load_config
from tracker.limits import MAX_PACKAGE_BYTES, READ_PART, TooLarge, read_bytes
from tracker.model import Claim, DocumentInfo, Span
from tracker.outputs import visible
from tracker.readers import Note, ReaderError, read_document
from tracker.readers.plain import read_plain
from tracker.register_merge import merge_register
from tracker.register_read import load_register
from tracker.register_roundtrip import RegisterError

from .conftest import write_project

BAD = Path(__file__).parent / "data" / "bad"
HUGE = "50 MB on one line"  # written by the `huge` fixture, not committed
HUGE_BYTES = 50 * 1024 * 1024

GOOD_REGISTER = """\
document:
  title: Zinc
  path: content/good.txt
claims:
  - id: good-000001
    text: Zinc shortens colds by two days.
    location: {line: 1, start: 0, end: 32}
    kinds: [efficacy]
    citations: []
"""
GOOD_FILES = {
    "claims/good.yaml": GOOD_REGISTER,
    "content/good.txt": "Zinc shortens colds by two days.\n",
    "content/draft.txt": "Echinacea prevents colds in children.\n",
}
# Where each place puts the file in the project; {name} is the case's file name.
PLACES = {
    "bibliography": "references.bib",
    "register": "claims/{name}",
    "document": "content/{name}",
    "settings": "pyproject.toml",
}


@dataclass(frozen=True)
class Case:
    """A broken file, where it goes, and what the tracker must say about it."""

    file: str  # in tests/data/bad/, or HUGE
    place: str  # a key of PLACES
    check: str | None  # the finding's check id; "error" when the project cannot be used
    line: int | None  # the line the finding or its message names
    says: str  # words of the message
    name: str = ""  # its name in the project, when not the file's (a page's suffix)

    @property
    def target(self) -> str:
        return PLACES[self.place].format(name=self.name or self.file)

    @property
    def id(self) -> str:
        return f"{self.place}-{self.name or self.file}".replace(" ", "-")


CASES = [
    Case("truncated.bib", "bibliography", "bibliography.unparsable", 8, "the file ends"),
    Case("unbalanced.bib", "bibliography", "bibliography.unparsable", 8, "starts on line 15"),
    Case("duplicate-keys.bib", "bibliography", "bibliography.duplicate_key", 15, "on line 8"),
    Case("invalid-utf8.bib", "bibliography", "bibliography.unreadable", 9, "not valid UTF-8"),
    Case("deep-braces.bib", "bibliography", None, None, ""),
    Case("junk-identifiers.bib", "bibliography", "sources.invalid_ids", 1, 'pmid = "123"><script>'),
    Case("binary-garbage.bin", "bibliography", "bibliography.unreadable", 3, "binary file"),
    Case(HUGE, "bibliography", "bibliography.unreadable", 1, "more than the 32 MB"),
    Case("tabs.yaml", "register", "register.malformed", 6, "not tabs"),
    Case("unknown-tag.yaml", "register", "register.malformed", 6, "the tag !sentence"),
    Case("python-tag.yaml", "register", "register.malformed", 7, "!!python/object/apply"),
    Case("anchors.yaml", "register", "register.malformed", 10, "may not use aliases"),
    Case("billion-laughs.yaml", "register", "register.malformed", 3, "may not use aliases"),
    Case("deep-nesting.yaml", "register", "register.malformed", 7, "nested more than 50"),
    Case("nested-keys.yaml", "register", "register.malformed", 10, "a key here is a mapping"),
    Case("nested-explicit-keys.yaml", "register", "register.malformed", 8, "a key here is"),
    Case("deep-flow.yaml", "register", "register.malformed", 8, "nested more than 50"),
    Case("alias-heavy.yaml", "register", "register.malformed", 9, "may not use aliases"),
    Case("duplicate-keys.yaml", "register", "register.malformed", 8, "duplicate key `text`"),
    Case("invalid-utf8.yaml", "register", "register.malformed", 9, "not valid UTF-8"),
    Case("binary-garbage.bin", "register", "register.malformed", 1, "binary file", "bin.yaml"),
    Case(HUGE, "register", "register.malformed", 1, "more than the 4 MB", "huge.yaml"),
    Case("deep-nesting.md", "document", "document.unreadable", 5, "nested too deep"),
    Case("deep-nesting.html", "document", "document.uncited", 7, "Zinc shortens colds by two"),
    Case("deep-nesting.html", "document", "document.reader_note", 6, "more than 200 deep"),
    Case("invalid-utf8.txt", "document", "document.uncited", 5, "Café patrons"),
    Case("html-in-markdown.md", "document", "document.reader_note", 3, "nest more than 200 deep"),
    Case("html-in-markdown.md", "document", "document.uncited", 3, "Zinc cures colds in a week"),
    Case("html-in-markdown.md", "document", "document.uncited", 5, "Vitamin C prevents colds"),
    Case("terminal-escapes.txt", "document", "document.uncited", 1, "Zinc\\x1b]0;pwned\\x07"),
    Case("entity.docx", "document", "document.reader_note", 1, "entities &claim;, &xxe;"),
    Case("entity.docx", "document", "document.uncited", 2, "Vitamin C prevents colds in runners"),
    Case("invalid-utf8.txt", "document", "document.reader_note", 5, "decoded as cp1252"),
    Case("truncated.docx", "document", "document.unreadable", None, "not a ZIP package"),
    Case("deep-nesting.docx", "document", "document.unreadable", None, "256 levels deep"),
    Case("zip-bomb.docx", "document", "document.unreadable", None, "unpacks to 11 MB"),
    Case("binary-garbage.bin", "document", "document.unreadable", None, "binary", "bin.txt"),
    Case("binary-garbage.bin", "document", "document.unreadable", None, "not text", "bin.html"),
    Case("binary-garbage.bin", "document", "document.unreadable", None, "not a ZIP", "bin.docx"),
    Case(HUGE, "document", "document.unreadable", None, "more than the 10 MB", "huge.txt"),
    Case(HUGE, "document", "document.unreadable", None, "more than the 10 MB", "huge.md"),
    Case(HUGE, "document", "document.unreadable", None, "more than the 10 MB", "huge.html"),
    Case("settings-syntax.toml", "settings", "error", 3, "fix the TOML syntax"),
    Case("settings-deep.toml", "settings", "error", None, "nested too deep"),
    Case("settings-invalid-utf8.toml", "settings", "error", 2, "not valid UTF-8"),
    Case("settings-outside.toml", "settings", "error", 3, "lies outside the project"),
    Case("settings-wrong-types.toml", "settings", "error", 3, "not a table"),
    Case("settings-read-outside.toml", "settings", "error", 3, "lies outside the project"),
    Case(HUGE, "settings", "error", None, "more than the 1 MB"),
]


def test_every_committed_file_has_a_case_and_a_readme_line() -> None:
    committed = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert committed == {case.file for case in CASES if case.file != HUGE}
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert [name for name in sorted(committed) if f"`{name}`" not in readme] == []


def test_committed_files_are_small() -> None:
    assert max(p.stat().st_size for p in BAD.iterdir()) < 64 * 1024


# ---------------------------------------------------------------------------------------------
# The 50 MB single-line files, one per kind


def huge_text(kind: str) -> bytes:
    """Return 50 MB of one kind of input, on one line (settings: one string value)."""
    units = {
        ".bib": "@article{k, title={Vitamin D reduces colds}, journal={J}, year={2020}} ",
        ".yaml": "{id: c, text: Vitamin D reduces colds in winter.}, ",
        ".txt": "Vitamin D reduces colds in winter by 40% [1]. ",
        ".md": "Vitamin D reduces colds in winter by *40%* [1]. ",
        ".html": "<p>Vitamin D reduces colds in winter by 40% [1].</p>",
        ".toml": "a",
    }
    heads = {
        ".yaml": "{document: {title: Huge, path: content/huge.txt}, claims: [",
        ".toml": '[tool.tracker]\n\n[tool.other]\nvalue = "',
    }
    head = heads.get(kind, "")
    unit = units[kind]
    body = unit * ((HUGE_BYTES - len(head)) // len(unit) + 1)
    return (head + body)[:HUGE_BYTES].encode("utf-8")


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Return the 50 MB file of a kind (by suffix), writing it on first use."""
    folder = tmp_path_factory.mktemp("huge")

    def get(suffix: str) -> Path:
        path = folder / f"huge{suffix}"
        if not path.exists():
            path.write_bytes(huge_text(suffix))
        return path

    return get


def source_of(case: Case, huge: Callable[[str], Path]) -> Path:
    if case.file != HUGE:
        return BAD / case.file
    return huge(".toml" if case.place == "settings" else Path(case.target).suffix)


# ---------------------------------------------------------------------------------------------
# Through the real loaders


def loader_message(case: Case, path: Path, root: Path) -> tuple[int | None, str]:
    """Load the file as its place does; return the line and message of what was reported."""
    if case.place == "bibliography":
        bibliography = load_bibliography(path, "references.bib")
        problems = [p for p in bibliography.problems if p.kind != "missing-fields"]
        return (problems[0].line, problems[0].message) if problems else (None, "")
    if case.place == "register":
        register = load_register(path, case.target)
        assert len(register.problems) == 1, register.problems
        return register.problems[0].line, register.problems[0].message
    if case.place == "document":
        try:
            document = read_document(path)
        except ReaderError as error:
            return None, str(error)
        lines = [note.line for note in document.notes]
        messages = [note.message for note in document.notes]
        return (lines[0] if lines else None), " ".join([document.text, *messages])
    with pytest.raises(ProjectError) as raised:
        load_config(root)
    return None, str(raised.value)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_loader_reports_where_and_what(
    case: Case, tmp_path: Path, huge: Callable[[str], Path]
) -> None:
    path = tmp_path / Path(case.target).name
    place(source_of(case, huge), path)
    if case.check is not None and case.check.startswith("sources."):
        # Judged by a check of the loaded entries: the loader reads the entry as written.
        bibliography = load_bibliography(path, "references.bib")
        assert bibliography.problems == [] and len(bibliography.sources) == 1
        return
    line, message = loader_message(case, path, tmp_path)
    if case.file == "terminal-escapes.txt":
        message = visible(message)  # the loader keeps the text; outputs write it out
    assert case.says in message
    if case.place in ("bibliography", "register") or case.check == "document.reader_note":
        assert line == case.line
    elif case.line is not None and case.check != "document.uncited":
        assert names_line(message, case.line), message


def names_line(message: str, line: int) -> bool:
    """Tell whether a message names a line, as `FILE:LINE:` or in words."""
    return f".toml:{line}:" in message or f"line {line}" in message


def test_deep_braces_load_both_entries() -> None:
    bibliography = load_bibliography(BAD / "deep-braces.bib", "references.bib")
    assert list(bibliography.sources) == ["good2020", "deep2021"]
    assert bibliography.problems == []


def test_utf16_is_named_as_such(tmp_path: Path) -> None:
    text = (BAD / "duplicate-keys.bib").read_text(encoding="utf-8")
    (tmp_path / "references.bib").write_bytes(text.encode("utf-16"))
    bibliography = load_bibliography(tmp_path / "references.bib", "references.bib")
    assert list(bibliography.sources) == ["good2020", "twice2021"]  # read all the same
    assert "saved as UTF-16" in bibliography.problems[0].message
    (tmp_path / "page.yaml").write_bytes(GOOD_REGISTER.encode("utf-16"))
    register = load_register(tmp_path / "page.yaml", "claims/page.yaml")
    assert "saved as UTF-16" in register.problems[0].message


def test_extract_never_writes_a_register_too_large_to_read_back(monkeypatch) -> None:
    # The merge refuses the text; the reader's message names the limit.
    monkeypatch.setattr("tracker.register_merge.MAX_REGISTER_BYTES", 2000)
    monkeypatch.setattr("tracker.register_read.MAX_REGISTER_BYTES", 2000)
    claims = [
        Claim(f"c-{n:06d}", f"Zinc shortens colds by {n} days.", Span(1, 0, 30)) for n in range(40)
    ]
    with pytest.raises(
        RegisterError,
        match="would be 5 KB, more than the 1 KB a register may be, and was not written",
    ):
        merge_register(None, DocumentInfo("Zinc", "content/zinc.txt"), claims, "2026-01-01")


def test_a_python_tag_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    load_register(BAD / "python-tag.yaml", "claims/python-tag.yaml")
    assert not (tmp_path / "PWNED").exists()


def test_an_invalid_utf8_page_is_decoded_with_a_located_note() -> None:
    document = read_document(BAD / "invalid-utf8.txt")
    assert "Café patrons" in document.text
    assert document.notes == [
        Note(
            "not valid UTF-8 at line 5 (byte 0xe9): decoded as cp1252 (detected) - save it as "
            "UTF-8 to be sure",
            5,
        )
    ]


class CountingBlocks(list):
    """A block list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingBlocks.walks += 1
        return super().__iter__()


def test_locating_every_claim_walks_the_blocks_once() -> None:
    """Asking each claim's line once scanned every block: quadratic in a page's length."""
    text = "".join(f"Zinc shortens colds by {n} days.\n\n" for n in range(200))
    document = read_plain(Path("page.txt"), text)
    document.blocks = CountingBlocks(document.blocks)
    lines = [document.line_of(block.start) for block in list.__iter__(document.blocks)]
    assert lines == list(range(1, 400, 2))
    assert CountingBlocks.walks <= 1


# ---------------------------------------------------------------------------------------------
# Through `tracker check`: the finding is located, and the good parts are still audited


def tracker(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def project_with(case: Case, root: Path, huge: Callable[[str], Path]) -> Path:
    write_project(root, GOOD_FILES)
    target = root / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    place(source_of(case, huge), target)
    return root


def place(source: Path, target: Path) -> None:
    """Put a copy of source at target; a 50 MB file as a hard link, to save the copying."""
    target.unlink(missing_ok=True)
    if BAD not in source.parents:  # never link a committed file: a write would change it
        with contextlib.suppress(OSError):
            os.link(source, target)
            return
    target.write_bytes(source.read_bytes())


def audit_json(root: Path) -> tuple[Result, list[dict]]:
    result = tracker("check", "--format", "json", "--no-cache", "-j", "1", "-C", root)
    findings = json.loads(result.output)["findings"] if result.exit_code in (0, 1) else []
    return result, findings


def assert_good_parts_audited(findings: list[dict]) -> None:
    seen = {(f["check"], f["path"]) for f in findings}
    assert ("claims.uncited", "content/good.txt") in seen
    assert ("document.uncited", "content/draft.txt") in seen


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_reports_it_and_audits_the_rest(
    case: Case, tmp_path: Path, huge: Callable[[str], Path]
) -> None:
    root = project_with(case, tmp_path / "project", huge)
    result, findings = audit_json(root)
    if case.check == "error":
        assert result.exit_code == 2
        assert result.output.startswith("Error: ")
        assert case.says in result.output
        if case.line is not None:
            assert names_line(result.output, case.line)
        return
    assert result.exit_code == 1, result.output
    assert_good_parts_audited(findings)
    if case.check is None:
        family = case.place if case.place != "document" else "document.unreadable"
        assert [f for f in findings if f["check"].startswith(family)] == []
        return
    about = [f for f in findings if f["check"] == case.check and f["path"] == case.target]
    assert about, findings
    assert any(case.says in visible(f["message"]) for f in about), about
    if case.place != "document":
        assert {f["line"] for f in about} == {case.line}
    elif case.check in ("document.uncited", "document.reader_note"):
        assert case.line in [f["line"] for f in about if case.says in visible(f["message"])]


# ---------------------------------------------------------------------------------------------
# The other commands on a project full of bad input


@pytest.fixture
def bad_project(tmp_path: Path) -> Path:
    """A project holding every bad register and page beside the good ones."""
    root = write_project(tmp_path / "project", GOOD_FILES)
    for case in CASES:
        if case.place in ("register", "document") and case.file != HUGE:
            (root / case.target).write_bytes((BAD / case.file).read_bytes())
    return root


def test_report_is_written_with_every_finding(bad_project: Path) -> None:
    result = tracker("report", "-C", bad_project)
    assert result.exit_code == 0, result.output
    html = (bad_project / "reports" / "evidence.html").read_text(encoding="utf-8")
    for case in CASES:
        if case.place == "register" and case.file != HUGE:
            assert case.target in html, case.target
    assert "Zinc shortens colds by two days." in html


def test_extract_reads_the_good_pages_and_names_the_bad_ones(bad_project: Path) -> None:
    pages = list(dict.fromkeys(c.target for c in CASES if c.place == "document" and c.file != HUGE))
    paths = [bad_project / page for page in ["content/good.txt", *pages]]
    result = tracker("extract", "--format", "json", "-C", bad_project, *paths)
    assert result.exit_code == 2  # some pages could not be read
    uncited = [c.target for c in CASES if c.target in pages and c.check == "document.uncited"]
    readable = list(dict.fromkeys(uncited))
    extracted = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["document"] for e in extracted] == ["content/good.txt", *readable]
    for case in CASES:
        if case.target in pages and case.check == "document.unreadable":
            assert case.says in result.stderr, case


def test_export_skips_a_malformed_register(bad_project: Path, tmp_path: Path) -> None:
    result = tracker("export", "--output", tmp_path / "matrix.csv", "-C", bad_project)
    assert result.exit_code == 0, result.output
    assert "good-000001" in (tmp_path / "matrix.csv").read_text(encoding="utf-8-sig")


# --- reading within a limit -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limit", "refused"),
    [(0, 10, False), (10, 10, False), (11, 10, True), (3 * READ_PART + 5, 4 * READ_PART, False)],
)
def test_a_file_is_read_whole_or_refused_past_its_limit(
    tmp_path: Path, size: int, limit: int, refused: bool
) -> None:
    path = tmp_path / "file"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    if refused:
        with pytest.raises(TooLarge):
            read_bytes(path, limit)
    else:
        assert read_bytes(path, limit) == path.read_bytes()


def test_a_file_that_reports_no_size_is_still_read_to_its_end() -> None:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc on this system")
    assert b"Name:" in read_bytes(status, MAX_PACKAGE_BYTES)


def test_a_small_file_under_a_large_limit_takes_little_memory(tmp_path: Path) -> None:
    """read(n) set n bytes aside at once: every Word document cost 256 MB for a moment."""
    path = tmp_path / "page.docx"
    path.write_bytes(b"x" * 1000)
    tracemalloc.start()
    try:
        read_bytes(path, MAX_PACKAGE_BYTES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * READ_PART  # the part read to find the end, not the limit
