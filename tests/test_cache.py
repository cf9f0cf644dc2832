"""The project cache and incremental runs: what comes from the cache equals what a fresh load
gives, any change of the bytes it was made from is seen, and a broken cache is never an error."""

from __future__ import annotations

import heapq
import itertools
import json
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REGISTER, REPO, write_project
from tracker import audit, drafts
from tracker.cache import FOLDER, Cache, decoder, encode
from tracker.cli import cli
from tracker.commands.check import merged
from tracker.config import load_config
from tracker.drafts import Context, Result, stream_documents
from tracker.model import Finding, Register, Severity, place
from tracker.outputs import RenderedFindings, json_chunks
from tracker.project import load_project, open_bibliography
from tracker.readers import content_documents

PAGE = "Zinc cures colds in every patient.\n\nVitamin D cures colds in winter. [1]\n\nReferences\n\n1. Smith A. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.\n"


def pages(count: int) -> dict[str, str | bytes | None]:
    """Pages no register covers, each making a claim without a source."""
    return {
        f"content/drafts/page-{n:02d}.md": f"# Page {n}\n\nZinc shortens colds by {n} days in adults.\n"
        for n in range(count)
    }


def run(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["check", "-C", str(root), "--format", "json", *args])
    return result.exit_code, json.loads(result.output)["findings"]


# ---------------------------------------------------------------------------------------------
# The store


def test_entries_are_found_only_under_the_digest_they_were_stored_with(tmp_path: Path) -> None:
    cache = Cache(tmp_path / FOLDER)
    cache.put("register", "claims/a.yaml", "d1", {"claims": [1, 2]})
    assert cache.get("register", "claims/a.yaml", "d1") == {"claims": [1, 2]}
    assert cache.get("register", "claims/a.yaml", "d2") is None
    cache.put("register", "claims/a.yaml", "d2", [3])
    assert cache.get("register", "claims/a.yaml", "d1") is None  # one entry per name
    cache.forget("register", keep=[])
    assert cache.get_all("register") == {}


def test_the_cache_folder_keeps_itself_out_of_version_control(tmp_path: Path) -> None:
    Cache(tmp_path / FOLDER).put("x", "y", "z", 1)
    assert (tmp_path / FOLDER / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (
        (tmp_path / FOLDER / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


def test_a_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = Cache.for_project(tmp_path, enabled=False)
    cache.put("x", "y", "z", 1)
    assert cache.get("x", "y", "z") is None
    assert not (tmp_path / FOLDER).exists()


@pytest.mark.parametrize(
    "damage",
    [b"this is not a database", b"SQLite format 3\x00" + b"\xff" * 200, b""],
    ids=["text", "torn-header", "empty"],
)
def test_a_damaged_cache_file_is_replaced_not_an_error(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / "cache.sqlite3").write_bytes(damage)
    cache = Cache(tmp_path / FOLDER)
    assert cache.get("x", "y", "z") is None
    cache.put("x", "y", "z", [1])
    assert cache.get("x", "y", "z") in ([1], None)  # stored again, or run without a cache


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    load_project(root, cache=Cache.for_project(root))
    with sqlite3.connect(root / FOLDER / "cache.sqlite3") as db:
        db.execute("UPDATE entries SET payload = '[\"not a register\"' WHERE kind = 'register'")
    assert (
        load_project(root, cache=Cache.for_project(root)).registers == load_project(root).registers
    )


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    (root / FOLDER).write_text("a file where the cache folder should be", encoding="utf-8")
    assert (
        load_project(root, cache=Cache.for_project(root)).registers == load_project(root).registers
    )


# ---------------------------------------------------------------------------------------------
# Records through JSON


def test_the_bundled_project_comes_back_from_the_cache_unchanged(tmp_path: Path) -> None:
    fresh = load_project(REPO)
    for register in fresh.registers:
        assert decoder(Register)(json.loads(json.dumps(encode(register)))) == register
    assert (
        decoder(type(fresh.bibliography))(json.loads(json.dumps(encode(fresh.bibliography))))
        == fresh.bibliography
    )


def test_findings_come_back_from_json_with_their_severity_type() -> None:
    finding = Finding("document.uncited", "error", "a.md", 3, 1, "needs a source", "c-1", None)  # type: ignore[arg-type]
    back = decoder(list[Finding])(json.loads(json.dumps(encode([finding]))))
    assert back == [finding]
    assert back[0].severity.rank == 2


# ---------------------------------------------------------------------------------------------
# Loading a project


def test_a_warm_load_equals_a_cold_one_and_sees_every_change(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    cold = load_project(root, cache=Cache.for_project(root))
    warm = load_project(root, cache=Cache.for_project(root))
    assert (warm.bibliography, warm.registers, warm.digest) == (
        cold.bibliography,
        cold.registers,
        cold.digest,
    )
    register = root / "claims/page.yaml"
    register.write_text(register.read_text().replace("efficacy", "safety"), encoding="utf-8")
    changed = load_project(root, cache=Cache.for_project(root))
    assert changed.registers[0].claims[0].kinds == ["safety"]
    assert changed.digest != cold.digest
    bib = root / "references.bib"
    bib.write_text(bib.read_text().replace("Winter", "Summer"), encoding="utf-8")
    assert (
        "Summer"
        in load_project(root, cache=Cache.for_project(root))
        .bibliography.sources["smith2020trial"]
        .fields["title"]
    )


# ---------------------------------------------------------------------------------------------
# Documents: cached findings, workers


def context_for(root: Path) -> Context:
    project = load_project(root)
    config = load_config(root)
    return Context(
        root, config, open_bibliography(config).sources, config.path("claims"), project.digest
    )


@dataclass
class Checked:
    """What a stream of documents' checks gave, gathered."""

    results: list[Result]
    reused: int

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]


def check_documents(paths: list[Path], context: Context, *args: Any, **kwargs: Any) -> Checked:
    stream = stream_documents(paths, context, *args, **kwargs)
    return Checked(list(stream), stream.reused)


def test_only_changed_documents_are_checked_again(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(4))
    paths = content_documents(root / "content/drafts")
    cache = Cache.for_project(root)
    first = check_documents(paths, context_for(root), cache)
    assert first.reused == 0
    paths[2].write_text("# Page 2\n\nMagnesium improves sleep in everyone.\n", encoding="utf-8")
    second = check_documents(paths, context_for(root), cache)
    assert second.reused == 3
    fresh = check_documents(paths, context_for(root))
    assert second.findings == fresh.findings
    assert "Magnesium" in " ".join(f.message for f in second.results[2].findings)


def checksummed(text: bytes) -> bytes:
    """Return a document entry holding text as its findings, with a checksum that fits it."""
    return json.dumps([1, [0, 0, 1], ["a", 1, 1, "x"], zlib.crc32(text)]).encode() + b"\n" + text


# Ways a document's cache entry can be damaged; each must be a miss, checked again.
DAMAGED_ENTRIES = {
    "not an entry": lambda stored: b"[1, 2, 3]",
    "no header": lambda stored: stored.partition(b"\n")[2],
    "a byte changed": lambda stored: stored[:-3] + b"X" + stored[-2:],
    "cut short": lambda stored: stored[:-10],
    "not findings": lambda stored: checksummed(b'  {"check": "x"}'),
    "a header of another shape": lambda stored: b"[1, [0, 1], null, 0]\n",
    "counts that are not numbers": lambda stored: b'["1", ["0", "0", "1"], null, 0]\n',
    "an unknown severity": lambda stored: checksummed(
        stored.partition(b"\n")[2].replace(b'"severity": "', b'"severity": "fatal-')
    ),
}


@pytest.mark.parametrize("damage", DAMAGED_ENTRIES.values(), ids=list(DAMAGED_ENTRIES))
def test_a_damaged_document_entry_is_checked_again(tmp_path: Path, damage: Any) -> None:
    root = write_project(tmp_path, pages(3))
    paths = content_documents(root / "content/drafts")
    cache = Cache.for_project(root)
    first = check_documents(paths, context_for(root), cache)
    with sqlite3.connect(root / FOLDER / "cache.sqlite3") as db:
        name = "content/drafts/page-01.md"
        (stored,) = db.execute("SELECT payload FROM entries WHERE name = ?", (name,)).fetchone()
        db.execute("UPDATE entries SET payload = ? WHERE name = ?", (damage(stored), name))
    again = check_documents(paths, context_for(root), cache)
    assert again.reused == 2
    assert again.findings == first.findings
    assert check_documents(paths, context_for(root), cache).reused == 3


def test_a_bibliography_change_invalidates_every_document(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(3))
    paths = content_documents(root / "content/drafts")
    cache = Cache.for_project(root)
    check_documents(paths, context_for(root), cache)
    (root / "references.bib").write_text("", encoding="utf-8")
    assert check_documents(paths, context_for(root), cache).reused == 0


def test_workers_find_what_one_process_finds(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(12))
    paths = content_documents(root / "content")
    one = check_documents(paths, context_for(root), jobs=1)
    two = check_documents(paths, context_for(root), jobs=2)
    assert two.findings == one.findings
    assert [r.path for r in two.results] == [r.path for r in one.results]


def test_documents_stream_one_at_a_time_and_are_stored_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path, pages(5))
    paths = content_documents(root / "content/drafts")
    checked: list[Path] = []
    real_check = drafts.check_one

    def counting(path: Path, memo: Any = None, name: str | None = None) -> drafts.Result:
        checked.append(path)
        return real_check(path, memo, name)

    monkeypatch.setattr(drafts, "check_one", counting)
    monkeypatch.setattr(drafts, "STORE_BATCH", 2)
    cache = Cache.for_project(root)
    stream = drafts.stream_documents(paths, context_for(root), cache)
    seen = []
    for result in stream:
        # A result comes as soon as its document is checked, not after all of them are.
        seen.append((result.path, len(checked)))
        stored = cache.digests(drafts.CACHE_KIND)
        assert len(stored) >= 2 * ((len(seen) - 1) // 2), "a full batch is stored as it ends"
    assert [count for _, count in seen] == [1, 2, 3, 4, 5]
    assert stream.reused == 0 and stream.claims == 5
    again = drafts.stream_documents(paths, context_for(root), cache)
    fresh = check_documents(paths, context_for(root))
    assert [r.findings for r in again] == [r.findings for r in fresh.results]
    assert again.reused == 5


WORDY_PAGE = (
    "Our serum cures eczema in days.\n\n"
    "This cream is clinically proven to reverse ageing.\n\n"
    "It is completely safe for everyone.\n\n"
    "Vitamin D reduces colds in winter. [1]\n\n"
    "References\n\n"
    "1. Smith A, Jones B. A Randomised Trial of Vitamin D in Winter. Journal of Testing. 2020.\n"
)


def test_an_edited_page_judges_again_only_its_changed_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.checks.document import wording

    root = write_project(tmp_path, {"content/page.txt": WORDY_PAGE})
    page = root / "content/page.txt"
    judged: list[str] = []
    real_judged = wording.judged

    def recording(audit: Any, chosen: Any, claim: Any) -> Any:
        judged.append(claim.text)
        return real_judged(audit, chosen, claim)

    monkeypatch.setattr(wording, "judged", recording)

    def check_with_cache() -> list[Finding]:
        cache = Cache.for_project(root)
        try:
            return [
                f for r in stream_documents([page], context_for(root), cache) for f in r.findings
            ]
        finally:
            cache.close()

    first = check_with_cache()
    assert len(judged) == 4 and any(f.check == wording.ID for f in first)
    judged.clear()
    edited = WORDY_PAGE.replace("Our serum cures eczema", "Our serum soothes eczema")
    page.write_text(edited, encoding="utf-8")
    again = check_with_cache()
    assert judged == ["Our serum soothes eczema in days."]
    # The same findings, at the same places, as a check that remembers nothing.
    assert again == check_documents([page], context_for(root)).findings
    assert again != first
    # Settings the judgments read stamp the memo: changing them judges every sentence again.
    judged.clear()
    (root / "pyproject.toml").write_text('[tool.tracker]\nproduct = "cosmetic"\n', encoding="utf-8")
    check_with_cache()
    assert len(judged) == 4


def test_many_pages_checked_at_once_keep_no_memo(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(drafts.MIN_PARALLEL))
    paths = content_documents(root / "content/drafts")
    cache = Cache.for_project(root)
    try:
        check_documents(paths, context_for(root), cache, 1)
        assert len(cache.digests(drafts.CACHE_KIND)) == drafts.MIN_PARALLEL
        assert cache.digests(drafts.SENTENCES_KIND) == {}
        paths[0].write_text("# Page 0\n\nZinc cures colds in everyone.\n", encoding="utf-8")
        check_documents(paths, context_for(root), cache, 1)  # a writer's one page: a memo
        assert list(cache.digests(drafts.SENTENCES_KIND)) == ["content/drafts/page-00.md"]
    finally:
        cache.close()


def test_the_audit_streams_findings_in_order_of_place(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(12))
    code, findings = run(root, "-j", "2", "--no-exit")
    assert code == 0
    places = [(f["path"], f["line"], f["col"], f["check"]) for f in findings]
    assert places == sorted(places)
    assert {p for p, *_ in places} >= {f"content/drafts/page-{n:02d}.md" for n in range(12)}
    assert run(root, "-j", "1", "--no-exit", "--no-cache")[1] == findings


def test_json_of_a_warm_audit_is_byte_for_byte_that_of_a_cold_one(tmp_path: Path) -> None:
    odd = "Zinc cures colds in \u201cevery\u201d patient \u2014 ask\u202e us.\n"
    root = write_project(tmp_path, pages(3) | {"content/drafts/odd.md": odd})
    args = ["check", "-C", str(root), "--format", "json", "--no-exit"]
    cold = CliRunner().invoke(cli, [*args, "--no-cache"]).stdout_bytes
    CliRunner().invoke(cli, args)  # fills the cache: the next run reads every page from it
    assert CliRunner().invoke(cli, args).stdout_bytes == cold
    assert b"\\u202e" in cold and "\u2014".encode() in cold


BIDI = "\u202e"
# Findings as a document's check gives them, in order of place.
FINDINGS_TO_RENDER = {
    "none": [],
    "one": [Finding("document.uncited", Severity.ERROR, "a.md", 3, 1, "needs a source", "p-1")],
    "non-ASCII, a bidirectional control, escapes": [
        Finding("document.uncited", Severity.ERROR, "a.md", 3, 1, "\u201ccures\u201d", risk="low"),
        Finding("language.overclaim", Severity.WARNING, "a.md", 3, 9, f"b{BIDI}c", None, "s2020"),
        Finding("document.reader-note", Severity.INFO, "a.md", 7, 1, 'a "quote",\n\\ too'),
    ],
}


@pytest.mark.parametrize("findings", FINDINGS_TO_RENDER.values(), ids=list(FINDINGS_TO_RENDER))
def test_rendered_findings_read_back_and_go_out_as_the_findings_would(
    findings: list[Finding],
) -> None:
    rendered = RenderedFindings.of(findings)
    assert rendered.findings() == findings
    assert all(type(f.severity) is Severity for f in rendered.findings())
    assert rendered.counts == tuple(sum(f.severity is s for f in findings) for s in Severity)
    assert BIDI.encode() not in rendered.text
    as_found = b"".join(json_chunks(findings, dict))
    assert b"".join(json_chunks([rendered], dict)) == as_found
    mixed = [*findings[:1], RenderedFindings.of(findings[1:2]), *findings[2:]]
    assert b"".join(json_chunks(mixed, dict)) == as_found


PLACES = st.tuples(
    st.sampled_from(["a.md", "b.md", "c.md"]),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["x", "y"]),
)


def finding_at(where: tuple[str, int, int, str]) -> Finding:
    path, line, col, check = where
    return Finding(check, Severity.INFO, path, line, col, f"{path}:{line}:{col} {check}")


@given(st.lists(PLACES, max_size=6), st.lists(st.lists(PLACES, max_size=4), max_size=5))
def test_merged_findings_come_as_heapq_merge_gives_them(
    project: list[tuple[str, int, int, str]], documents: list[list[tuple[str, int, int, str]]]
) -> None:
    ours = sorted(map(finding_at, project), key=place)
    found = [sorted(map(finding_at, places), key=place) for places in documents]
    results = [Result(str(n), RenderedFindings.of(f), 0, read=f) for n, f in enumerate(found)]
    expected = list(heapq.merge(ours, itertools.chain(*found), key=place))
    assert list(merged(ours, results, rendered=False)) == expected
    whole = merged(ours, results, rendered=True)
    assert [
        finding
        for item in whole
        for finding in (item.findings() if isinstance(item, RenderedFindings) else [item])
    ] == expected


def test_content_documents_skips_hidden_folders_and_unknown_types(tmp_path: Path) -> None:
    for name in (
        "a.txt",
        "sub/b.md",
        "sub/c.html",
        ".git/d.txt",
        "sub/.e.md",
        "notes.pdf",
        "x.yaml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in content_documents(tmp_path)] == [
        "a.txt",
        "sub/b.md",
        "sub/c.html",
    ]


# ---------------------------------------------------------------------------------------------
# The command


def test_the_audit_checks_pages_no_register_covers(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"content/new.txt": PAGE})
    _, findings = run(root)
    on_new = [f for f in findings if f["path"] == "content/new.txt"]
    assert {f["check"] for f in on_new} == {"document.uncited", "document.wording"}
    assert not [
        f
        for f in findings
        if f["path"] == "content/page.txt" and str(f["check"]).startswith("document.")
    ]


def test_a_second_audit_reuses_the_cache_and_finds_the_same(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(3))
    first = run(root)
    assert (root / FOLDER / "cache.sqlite3").exists()
    assert run(root) == first == run(root, "--no-cache")


QUOTED = REGISTER.replace("ref: 1}", "ref: 1, quote: 'colds fell by half'}")


def replace_in(name: str, old: str, new: str):
    def change(root: Path) -> None:
        path = root / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return change


# Each changes something the project's own checks read; the first run after it must see it.
CHANGES = {
    "register": replace_in("claims/page.yaml", "efficacy", "safety"),
    "registered page": replace_in("content/page.txt", "winter.", "winter months."),
    "source text": replace_in("sources/smith2020trial.txt", "by half", "by a third"),
    "bibliography": replace_in("references.bib", "  year    = {2020},\n", ""),
    "settings": replace_in(
        "pyproject.toml", "[tool.tracker]", '[tool.tracker]\ncontent = "drafts"'
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
def test_project_findings_are_reused_until_what_they_read_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change
) -> None:
    root = write_project(
        tmp_path,
        {"claims/page.yaml": QUOTED, "sources/smith2020trial.txt": "In winter colds fell by half."},
    )
    audits = []
    real = audit.run_audit
    monkeypatch.setattr(audit, "run_audit", lambda *args: audits.append(1) or real(*args))
    first = run(root)
    assert run(root) == first and len(audits) == 1
    change(root)
    changed = run(root)
    assert len(audits) == 2
    assert changed == run(root, "--no-cache")


def test_a_changed_source_text_changes_the_reused_findings(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {"claims/page.yaml": QUOTED, "sources/smith2020trial.txt": "In winter colds fell by half."},
    )
    assert "quotes.not_found" not in {f["check"] for f in run(root)[1]}
    CHANGES["source text"](root)
    assert "quotes.not_found" in {f["check"] for f in run(root)[1]}


def test_no_cache_writes_no_cache_folder(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(2))
    run(root, "--no-cache")
    assert not (root / FOLDER).exists()


def test_a_folder_argument_stands_for_its_documents(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(3))
    _, findings = run(root, str(root / "content/drafts"))
    assert sorted({f["path"] for f in findings}) == [
        f"content/drafts/page-{n:02d}.md" for n in range(3)
    ]


def test_workers_on_the_command_line_change_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path, pages(10))
    assert run(root, "--no-cache", "-j", "2") == run(root, "--no-cache", "-j", "1")
