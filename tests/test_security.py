"""Security: YAML is loaded safely, nothing is written outside the project unless asked, no
command touches the network, and the reports show every user text as text.

The report's escaping is checked statically here, over a corpus of classic XSS payloads
(tests/data/xss_payloads.txt) put into every user-controlled field; tests/test_browser.py runs
a few of them in a real browser.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import socket
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from tracker.cli import cli
from tracker.model import DocumentInfo, Review
from tracker.register_edits import record_review_in_text
from tracker.register_merge import merge_register
from tracker.register_read import parse_register
from tracker.register_roundtrip import RegisterError
from tracker.similar import known_claims

from .conftest import BASE_FILES, REPO, write_project

DATA = Path(__file__).parent / "data"
PAYLOADS_FILE = DATA / "xss_payloads.txt"
PYTHON_TAG_REGISTER = DATA / "bad" / "python-tag.yaml"


def tracker(*args: str | Path) -> Result:
    """Run the tracker's command line in this process."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


# ---------------------------------------------------------------------------------------------
# YAML: tags are refused, never constructed, let alone run

# Each writes a marker file if anything constructs it; {marker} is that file's path.
EXPLOITS = (
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    '!!python/object/apply:builtins.exec [\'open("{marker}", "w").close()\']',
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.object {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
)


def exploit_register(exploit: str, marker: Path) -> str:
    value = exploit.format(marker=marker)
    return (
        "document:\n  title: Vitamin D\n  path: content/page.txt\nclaims:\n"
        "  - id: p-000001\n"
        f"    text: {value}\n"
        "    kinds: [efficacy]\n"
    )


@pytest.mark.parametrize("exploit", EXPLOITS)
def test_python_tags_are_refused_by_every_loader(tmp_path: Path, exploit: str) -> None:
    marker = tmp_path / "PWNED"
    text = exploit_register(exploit, marker)
    register = parse_register(text, "claims/page.yaml")
    assert [(p.line, p.col) for p in register.problems] == [(6, 11)]
    assert "is not part of the register format" in register.problems[0].message
    with pytest.raises(RegisterError, match="is not part of the register format"):
        merge_register(text, DocumentInfo("Vitamin D", "content/page.txt"), [], "2026-01-01")
    with pytest.raises(RegisterError, match="is not part of the register format"):
        record_review_in_text(text, "claims/page.yaml", "p-000001", Review("supported"), {})
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "page.yaml").write_text(text, encoding="utf-8")
    assert known_claims(tmp_path / "claims") == []
    assert not marker.exists()


def test_python_tags_in_a_project_run_nothing(tmp_path: Path, monkeypatch) -> None:
    """The committed exploit register, through every command that reads registers."""
    project = write_project(tmp_path / "project", {})
    monkeypatch.chdir(project)  # the payload writes PWNED into the current folder
    matrix = tmp_path / "matrix.csv"
    assert tracker("export", "--output", matrix).exit_code == 0
    (project / "claims" / "evil.yaml").write_bytes(PYTHON_TAG_REGISTER.read_bytes())
    runs = [
        tracker("check", "--no-cache", "-j", "1"),
        tracker("check", "--no-cache", "-j", "1", "content/page.txt"),
        tracker("report"),
        tracker("import", matrix),
        tracker("graph"),
        tracker("review", "p-000001", "--verdict", "supported", "--by", "R"),
        tracker("extract", "--write", "content/page.txt"),
        # The matrix leaves out a register it cannot read (the audit reports it).
        tracker("export", "--output", matrix),
    ]
    assert [r.exit_code for r in runs] == [1, 0, 0, 0, 0, 0, 0, 0], [r.output for r in runs]
    assert (
        "claims/evil.yaml:7:11: error register.malformed: [low] the tag !!python" in runs[0].output
    )
    assert not list(tmp_path.rglob("PWNED"))


# ---------------------------------------------------------------------------------------------
# No file is written outside the project unless asked (--output)

ESCAPING_REGISTER = """\
document:
  title: A register that names paths outside the project
  path: ../../x.txt
claims:
  - id: ../../x
    text: Zinc shortens colds by two days.
    location: {line: 1, start: 0, end: 32}
    kinds: [efficacy]
    citations: []
"""


def snapshot(folder: Path, skip: Path) -> dict[str, str]:
    """Return every file and folder under folder (but not under skip) with a digest."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"link to {path.readlink()}"
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Layout:
    """A project inside an outer folder, with a working folder and a page beside it."""

    outer: Path
    project: Path
    cwd: Path
    outside_page: Path


@pytest.fixture
def layout(tmp_path: Path, monkeypatch) -> Layout:
    outer = tmp_path / "outer"
    project = write_project(
        outer / "project",
        {
            "claims/escape.yaml": ESCAPING_REGISTER,
            "content/zinc.txt": "Zinc shortens colds by two days.\n",
        },
    )
    cwd = outer / "cwd"
    cwd.mkdir()
    outside_page = outer / "elsewhere" / "outside.txt"
    outside_page.parent.mkdir()
    outside_page.write_text("Echinacea prevents colds in children.\n", encoding="utf-8")
    monkeypatch.chdir(cwd)
    return Layout(outer, project, cwd, outside_page)


def edit_matrix(path: Path) -> None:
    """Turn every row's document into ../../x and give one row a path-like claim id."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["document"] = "../../x"
        row["note"] = "edited"
    rows.append({**rows[0], "claim_id": "../../../y", "note": "unknown claim"})
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(("\ufeff" + stream.getvalue()).encode("utf-8"))


def test_nothing_is_written_outside_the_project_unless_asked(layout: Layout) -> None:
    base = layout.outer.parent
    before = snapshot(base, layout.project)
    matrix, findings = layout.outer / "matrix.csv", layout.outer / "findings.json"
    project = ("-C", layout.project)
    runs = {
        "extract": tracker(
            "extract", "--write", *project, layout.project / "content/zinc.txt", layout.outside_page
        ),
        "review": tracker("review", "p-000001", "--verdict", "partial", "--by", "R", *project),
        "review ../../x": tracker(
            "review", "../../x", "--verdict", "supported", "--by", "../../y", *project
        ),
        "export": tracker("export", "--output", matrix, *project),
    }
    edit_matrix(matrix)
    runs["import"] = tracker("import", matrix, *project)
    runs["report"] = tracker("report", *project)
    runs["check"] = tracker("check", "--no-cache", "-j", "1", *project)
    runs["check --output"] = tracker("check", "-j", "1", "--output", findings, *project)
    runs["check drafts"] = tracker("check", "-j", "1", *project, layout.outside_page)
    runs["graph"] = tracker("graph", *project)
    assert {name: r.exit_code for name, r in runs.items()} == {
        "extract": 0,
        "review": 0,
        "review ../../x": 0,
        "export": 0,
        "import": 1,  # the row with the unknown claim id
        "report": 0,
        "check": 1,
        "check --output": 1,
        "check drafts": 1,
        "graph": 0,
    }, {name: r.output for name, r in runs.items()}
    after = snapshot(base, layout.project)
    # Only the files named by --output appeared; nothing else outside the project changed.
    assert set(after) - set(before) == {"outer/matrix.csv", "outer/findings.json"}
    assert {name for name in before if after.get(name) != before[name]} == set()
    # What extract --write wrote went into the project's claims folder.
    assert (layout.project / "claims" / "outside.yaml").is_file()
    assert "by: ../../y" in (layout.project / "claims" / "escape.yaml").read_text(encoding="utf-8")
    assert (layout.project / "reports" / "evidence.html").is_file()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("claims", "../claims"),
        ("reports", "../../reports"),
        ("reports", "/tmp/reports"),
        ("claims", "sub/../../claims"),
    ],
)
def test_settings_cannot_point_written_folders_outside_the_project(
    layout: Layout, setting: str, value: str
) -> None:
    (layout.project / "pyproject.toml").write_text(
        f'[tool.tracker]\n{setting} = "{value}"\n', encoding="utf-8"
    )
    before = snapshot(layout.outer.parent, layout.project)
    result = tracker("report", "-C", layout.project)
    assert result.exit_code == 2
    assert f"{setting} = '{value}' lies outside the project" in result.output
    assert snapshot(layout.outer.parent, layout.project) == before


def test_settings_may_share_a_bibliography_outside_the_project(layout: Layout) -> None:
    shared = layout.outer / "shared.bib"
    shared.write_text(BASE_FILES["references.bib"] or "", encoding="utf-8")
    (layout.project / "references.bib").unlink()
    (layout.project / "pyproject.toml").write_text(
        '[tool.tracker]\nbibliography = "../shared.bib"\n', encoding="utf-8"
    )
    refused = CliRunner().invoke(cli, ["check", "--no-cache", "-C", str(layout.project)])
    assert refused.exit_code == 2 and "lies outside the project" in refused.output
    assert f"--allow-outside {shared.resolve()}" in refused.output
    for allowing in (["--allow-outside", str(shared)], ["--allow-outside", str(layout.outer)]):
        result = tracker("check", "--no-cache", "-j", "1", "-C", layout.project, *allowing)
        assert result.exit_code in (0, 1) and "citations.unknown_key" not in result.output
    # The same place allowed in the user's own settings, not the project's.
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "claims-tracker" / "config.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(f"allow-outside = [{str(layout.outer)!r}]\n", encoding="utf-8")
    try:
        result = tracker("check", "--no-cache", "-j", "1", "-C", layout.project)
        assert result.exit_code in (0, 1) and "citations.unknown_key" not in result.output
    finally:
        user.unlink()


@pytest.mark.parametrize(
    ("setting", "target"),
    [
        ('bibliography = "/etc/passwd"', None),
        ('content = "/"', None),
        ('bibliography = "refs.bib"', "symlink"),  # a link inside pointing outside
    ],
)
def test_settings_cannot_make_the_tracker_read_outside(layout: Layout, setting, target) -> None:
    if target == "symlink":
        (layout.project / "refs.bib").symlink_to(layout.outer / "secret.bib")
        (layout.outer / "secret.bib").write_text("@misc{s, title = {Secret}}\n")
    (layout.project / "pyproject.toml").write_text(f"[tool.tracker]\n{setting}\n")
    for command in (["check"], ["report"], ["export"], ["graph"]):
        result = CliRunner().invoke(cli, [*command, "-C", str(layout.project)])
        assert result.exit_code == 2 and "lies outside the project" in result.output, command


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_devices_and_fifos_are_refused_by_name(layout: Layout, device: str) -> None:
    if device == "fifo":
        device = str(layout.project / "refs.fifo")
        os.mkfifo(device)
    (layout.project / "pyproject.toml").write_text(f'[tool.tracker]\nbibliography = "{device}"\n')
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "-C", str(layout.project), "--allow-outside", "/dev"]
    )
    assert "not a regular file" in result.output


def test_a_dangling_register_link_does_not_make_extract_write_outside(layout: Layout) -> None:
    target = layout.outer / "planted.yaml"
    (layout.project / "claims" / "zinc.yaml").symlink_to(target)
    tracker("extract", "--write", "-C", layout.project, layout.project / "content/zinc.txt")
    assert not target.exists()


# ---------------------------------------------------------------------------------------------
# No network


@pytest.fixture
def offline(monkeypatch) -> list[str]:
    """Forbid every way out to the network; return the attempts made."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network access in a test: {name}")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("socket.sendto"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("gethostbyname"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts


def test_the_commands_work_offline(tmp_path: Path, offline: list[str]) -> None:
    project = write_project(
        tmp_path / "project",
        {
            "content/zinc.txt": "Zinc shortens colds by two days.\n",
            "content/page.html": "<p>Vitamin D reduces colds in winter.</p>\n",
        },
    )
    matrix = tmp_path / "matrix.xlsx"
    retractions = tmp_path / "retractions.csv"
    retractions.write_text("Record ID,Title,OriginalPaperDOI\n", encoding="utf-8")
    where = ("-C", project)
    runs = {
        "extract": tracker("extract", "--write", *where, project / "content/zinc.txt"),
        "extract html": tracker(
            "extract", "--format", "json", *where, project / "content/page.html"
        ),
        "check": tracker("check", "-j", "1", "--retractions", retractions, *where),
        "check drafts": tracker("check", "-j", "1", *where, project / "content"),
        "report": tracker("report", *where),
        "export": tracker("export", "--output", matrix, *where),
        "import": tracker("import", matrix, *where),
        "review": tracker("review", "p-000001", "--verdict", "supported", "--by", "R", *where),
        "graph": tracker("graph", "--format", "graphml", *where),
    }
    assert {name: r.exit_code for name, r in runs.items()} == {
        "extract": 0,
        "extract html": 0,
        "check": 1,
        "check drafts": 1,
        "report": 0,
        "export": 0,
        "import": 0,
        "review": 0,
        "graph": 0,
    }, {name: r.output for name, r in runs.items()}
    assert offline == []
    assert (project / "reports" / "evidence.html").is_file()


def test_the_offline_fixture_does_refuse(offline: list[str]) -> None:
    with pytest.raises(OSError, match="network access"):
        socket.create_connection(("localhost", 9))
    assert offline


# ---------------------------------------------------------------------------------------------
# The reports show every payload as text


def load_payloads() -> list[str]:
    """Read the payload corpus: one a line, {U+XXXX} standing for that code point."""
    payloads = []
    for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        payloads.append(re.sub(r"\{U\+([0-9A-F]{4,6})\}", lambda m: chr(int(m[1], 16)), line))
    return payloads


PAYLOADS = load_payloads()


def test_the_payload_corpus_is_large_and_varied() -> None:
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for needle in ("<script", "onerror", "javascript:", "<svg", "<math", "{{7*7}}", "\u202e"):
        assert any(needle in p for p in PAYLOADS), needle


def bibtex_safe(text: str, key: str) -> bool:
    """Tell whether text can stand in a braced BibTeX field (or as the key, if key is True)."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    if key:
        return depth == 0 and not re.search(r"[\s,{}()=\"#%\\]", text)
    return depth == 0 and "\\" not in text


def entry(key: str, payload: str) -> str:
    value = payload if bibtex_safe(payload, False) else "Payload"
    return (
        f"@article{{{key},\n  title = {{{value}}},\n  author = {{{value} and Smith, Anna}},\n"
        f"  journal = {{{value}}},\n  year = {{2020}},\n  note = {{{value}}}\n}}\n"
    )


def filename_safe(text: str) -> bool:
    return "/" not in text and "\x00" not in text and len(text.encode()) < 200


def register_data(index: int, payload: str, key: str) -> dict[str, Any]:
    """A register whose every person-written field holds the payload."""
    citation = {"key": key, "marker": payload, "locator": payload, "quote": payload}
    claim = {
        "id": payload,
        "text": f"Zinc heals wounds {payload} in adults.",
        "location": {"line": 1, "start": 0, "end": 10},
        "kinds": ["efficacy"],
        "citations": [citation],
        "review": {"verdict": "partial", "by": payload, "at": "2026-01-01", "note": payload},
        "suppress": [{"check": "claims.single_source", "reason": payload}],
    }
    uncited = {
        "id": f"u-{index}",
        "text": payload,
        "location": {"line": 2, "start": 11, "end": 20},
        "kinds": ["efficacy"],
        "citations": [{"key": f"missing-{index}", "marker": payload}],
    }
    return {
        "document": {"title": payload, "path": f"content/{payload}.txt", "url": payload},
        "claims": [claim, uncited],
    }


def write_payload_project(root: Path, payloads: list[str]) -> Path:
    """Write a project with one register and one BibTeX entry per payload."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.tracker]\n", encoding="utf-8")
    (root / "claims").mkdir()
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000
    entries = []
    for index, payload in enumerate(payloads):
        key = payload if bibtex_safe(payload, True) else f"k{index}"
        entries.append(entry(key, payload))
        name = f"{payload}.yaml" if filename_safe(payload) else f"r{index}.yaml"
        stream = io.StringIO()
        yaml.dump(register_data(index, payload, key), stream)
        (root / "claims" / name).write_text(stream.getvalue(), encoding="utf-8")
    (root / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    return root


def render_reports(root: Path) -> tuple[str, str]:
    out = root.parent / f"{root.name}-reports"
    result = tracker("report", "--output", out, "-C", root)
    assert result.exit_code == 0, result.output
    html = (out / "evidence.html").read_text(encoding="utf-8")
    return html, (out / "evidence.md").read_text(encoding="utf-8")


class Markup(HTMLParser):
    """What a page is made of: its elements, attributes, links, scripts, comments and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: set[tuple[str, str]] = set()
        self.links: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self._in_script = tag in ("script", "style")
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name in URL_ATTRIBUTES:
                self.links.append((tag, name, value or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.comments.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.comments.append(data)

    @property
    def plain_text(self) -> str:
        return " ".join("".join(self.text).split())


URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"})
SAFE_URL = re.compile(r"(?:#|https?://)", re.I)


def parsed(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    markup.close()
    return markup


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """The reports of the payload project, and of the same project with harmless texts."""
    base = tmp_path_factory.mktemp("xss")
    # The project folder's name reaches the report too.
    harmless = [f"placeholder {i}" for i in range(len(PAYLOADS))]
    return {
        "payloads": render_reports(write_payload_project(base / "<svg onload=alert(1)>", PAYLOADS)),
        "harmless": render_reports(write_payload_project(base / "project", harmless)),
    }


def test_html_report_has_no_markup_from_payloads(reports: dict[str, tuple[str, str]]) -> None:
    page, baseline = parsed(reports["payloads"][0]), parsed(reports["harmless"][0])
    # Escaping adds no element and no attribute: the page is built like the harmless one.
    assert set(page.tags) == set(baseline.tags)
    for tag in ("script", "style", "svg", "iframe", "img", "object", "embed", "form", "base"):
        assert page.tags[tag] == baseline.tags[tag], tag
    assert page.attributes == baseline.attributes
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert page.scripts == baseline.scripts
    assert page.comments == baseline.comments
    assert [link for link in page.links if not SAFE_URL.match(link[2].strip())] == []


def test_html_report_shows_every_payload_as_text(reports: dict[str, tuple[str, str]]) -> None:
    html = reports["payloads"][0]
    text = parsed(html).plain_text
    for payload in PAYLOADS:
        shown = " ".join(payload.split())
        assert f"Zinc heals wounds {shown} in adults." in text, payload
        if "<" in payload:
            assert payload not in html, payload  # only its escaped form is in the page


def markdown_html(markdown: str) -> tuple[str, list[str]]:
    """Render Markdown as a forge would (raw HTML allowed); return the HTML and raw HTML seen."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    tokens = md.parse(markdown)
    raw = [t.content for t in tokens if t.type == "html_block"]
    raw += [c.content for t in tokens if t.children for c in t.children if c.type == "html_inline"]
    return md.render(markdown), raw


def test_markdown_report_has_no_markup_from_payloads(reports: dict[str, tuple[str, str]]) -> None:
    markdown = reports["payloads"][1]
    (html, raw), (baseline_html, _) = markdown_html(markdown), markdown_html(reports["harmless"][1])
    assert raw == []
    page, baseline = parsed(html), parsed(baseline_html)
    assert set(page.tags) <= set(baseline.tags)
    assert page.attributes == baseline.attributes
    assert [link for link in page.links if not SAFE_URL.match(link[2].strip())] == []
    for table in tables(markdown):
        # A payload's | stays inside its cell: every row has as many cells as the header.
        assert {cells(row) for row in table} == {cells(table[0])}, table


def tables(markdown: str) -> list[list[str]]:
    """Return the tables of a Markdown text, each as its lines."""
    found: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        row = line.startswith("|")
        if row and not previous:
            found.append([])
        if row:
            found[-1].append(line)
        previous = row
    return found


def cells(row: str) -> int:
    """Count the unescaped pipes of a table row (a pipe after an odd run of \\ is escaped)."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", row))


# Named entities included: "&lt;" written in a claim reads "&lt;" in the rendered report.
@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_report_shows_every_claim_text(
    reports: dict[str, tuple[str, str]], payload: str
) -> None:
    text = markdown_text(reports["payloads"][1])
    assert f"Zinc heals wounds {' '.join(payload.split())} in adults." in text


_TEXTS: dict[int, str] = {}


def markdown_text(markdown: str) -> str:
    """Return the text a reader sees of the rendered Markdown (rendered once per report)."""
    if id(markdown) not in _TEXTS:
        _TEXTS[id(markdown)] = parsed(markdown_html(markdown)[0]).plain_text
    return _TEXTS[id(markdown)]


# ---------------------------------------------------------------------------------------------
# Terminal escapes and bidirectional overrides are shown, never acted on

ESCAPES = "Zinc\x1b]0;pwned\x07 cures colds \u202eyllaer\u202c in a week\x1b[2K.\n"


@pytest.mark.parametrize(
    ("args", "raw_allowed"),
    [
        (["check", "--format", "text"], False),
        (["check", "--format", "github"], False),
        (["check", "--format", "junit"], False),
        (["check", "--format", "json"], False),
        (["check", "--format", "sarif"], False),
        (["extract"], False),
    ],
    ids=["text", "github", "junit", "json", "sarif", "extract"],
)
def test_control_characters_of_a_page_are_written_out(tmp_path: Path, args, raw_allowed) -> None:
    project = write_project(tmp_path, {"content/evil.txt": ESCAPES})
    page = str(project / "content" / "evil.txt")
    result = tracker(*args, "-C", project, page)
    out = result.output
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    if args[-1] in ("text", "github", "junit") or args == ["extract"]:
        assert "\\x1b" in out and "U+202E" in out
    if args[-1] in ("json", "sarif"):
        assert "\\u001b" in out or "\\u001B" in out  # escaped as JSON requires


def test_every_character_written_out_is_unprintable() -> None:
    # visible() passes printable text on untouched: nothing it must write out may be printable.
    from tracker.outputs import INVISIBLE

    acted_on = [chr(c) for c in range(0x3000) if INVISIBLE.match(chr(c))]
    assert len(acted_on) > 60
    assert not [c for c in acted_on if c.isprintable()]


# ---------------------------------------------------------------------------------------------
# Every file is read through one guarded path: regular files only, within a size limit

TRACKER = REPO / "tracker"
# Where a file may be opened other than through tracker.limits.read_bytes: the guard itself,
# the atomic writer (folders and the temporary file it writes), and the packaged data.
RAW_OPENS = {
    ("tracker/limits.py", "open_regular"),
    ("tracker/atomic.py", "_write"),
    ("tracker/atomic.py", "_sync_directory"),
    ("tracker/atomic.py", "_open_folder"),
    ("tracker/datafiles.py", "data_text"),
    ("tracker/readers/docx.py", "open_document"),  # opens the package from bytes read
}
# The parsers of settings and bibliographies, and the functions that may call them (after
# reading the file with its size limit).
PARSERS = {
    "tomllib.loads": {("tracker/config.py", "_read_toml"), ("tracker/report.py", "project_name")},
    "tomllib.load": set(),
    "bibtexparser.parse_string": {("tracker/bibliography.py", "parse_bibliography")},
    "bibtexparser.parse_file": set(),
}


def calls_in_functions():
    """Yield (file, function, call text) for every call inside a function of tracker/."""
    import ast

    for path in sorted(TRACKER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(REPO).as_posix()
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Call):
                        yield name, function.name, ast.unparse(node.func)


def test_files_are_opened_only_through_the_guard():
    raw = {
        (path, function)
        for path, function, call in calls_in_functions()
        if call in ("open", "os.open", "io.FileIO", "os.fdopen")
        or call.endswith((".read_text", ".read_bytes", ".open"))
    }
    assert raw == RAW_OPENS


def test_bare_read_bytes_is_the_guarded_one():
    for path in sorted(TRACKER.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "read_bytes(" in text and path.name != "limits.py":
            assert (
                "from tracker.limits import" in text
                and "read_bytes" in text.split("from tracker.limits import", 1)[1].split(")")[0]
            ), path


@pytest.mark.parametrize("parser", list(PARSERS))
def test_settings_and_bibliographies_are_parsed_in_the_guarded_places(parser):
    found = {(path, function) for path, function, call in calls_in_functions() if call == parser}
    assert found == PARSERS[parser]
