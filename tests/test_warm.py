"""The start-up cache (tracker.warm): a pattern or a data file read back from it is the one
compiling or parsing would give, and a missing, damaged or unwritable cache changes nothing."""

from __future__ import annotations

import marshal
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker import warm
from tracker.datafiles import data_names, data_text
from tracker.yamlio import load_yaml

# Patterns with what the engine keeps besides its code: flags, named groups, look-arounds,
# classes beyond ASCII, backreferences, and texts to search them in.
PATTERNS = [
    (r"(?<![\w-])(?:cure[sd]?|heal(?:s|ed|ing)?)(?![\w-])", re.I, "It cures; it HEALED."),
    (r"(?P<year>(?:19|20)\d\d)[a-z]?", 0, "Smith 2019a, Jones 1999"),
    (r"(\w+) \1", 0, "very very good good"),
    (r"^\s*- (?P<key>[^:]+):", re.M, "a:\n  - x: 1\n  - y: 2"),
    (r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[–,][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*", 0, "repair.¹²–⁴ and ⁵"),
    (r"(?s:.)\ufeff|[\t\x85]", 0, "a\ufeffb\tc"),
    (r"(?i:fda) approved(?=\.)", 0, "FDA approved. fda approved."),
]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A start-up cache of its own in an empty folder, forgotten after the test."""
    monkeypatch.setenv(warm.ENVIRONMENT, str(tmp_path / "startup"))
    warm.forget()
    yield tmp_path / "startup"
    warm.forget()


def next_run() -> None:
    """Write what this run kept and start as a new process would: from the file alone."""
    warm.save()
    warm.forget()


def same_pattern(found: re.Pattern[str], source: str, flags: int, text: str) -> None:
    expected = re.compile(source, flags)
    assert (found.pattern, found.flags, found.groups) == (source, expected.flags, expected.groups)
    assert found.groupindex == expected.groupindex
    assert [m.span() for m in found.finditer(text)] == [m.span() for m in expected.finditer(text)]
    assert [m.groups() for m in found.finditer(text)] == [
        m.groups() for m in expected.finditer(text)
    ]


@pytest.mark.parametrize(("source", "flags", "text"), PATTERNS)
def test_a_pattern_from_the_cache_is_the_one_compiled(
    store: Path, source: str, flags: int, text: str
) -> None:
    same_pattern(warm.pattern(source, flags), source, flags, text)
    next_run()
    assert warm.kept_patterns() == 1
    same_pattern(warm.pattern(source, flags), source, flags, text)


def test_every_shipped_data_file_reads_back_as_parsed(store: Path) -> None:
    from tracker.datafiles import load_data

    names = [name for folder in ("", "rules") for name in data_names(folder or ".")]
    names = [name.removeprefix("./") for name in names]
    assert len(names) > 10
    first = {name: load_data(name) for name in names}
    next_run()
    for name in names:
        parsed = load_yaml(data_text(name), round_trip=False)
        assert first[name] == parsed
        assert load_data(name) == parsed


def test_a_value_is_built_again_when_its_source_changes(store: Path) -> None:
    built: list[str] = []

    def build(text: str) -> list[str]:
        built.append(text)
        return text.split()

    assert warm.value("words", ("a b",), lambda: build("a b")) == ["a", "b"]
    next_run()
    assert warm.value("words", ("a b",), lambda: build("a b")) == ["a", "b"]
    assert warm.value("words", ("a c",), lambda: build("a c")) == ["a", "c"]
    assert built == ["a b", "a c"]


def test_each_call_gets_its_own_copy(store: Path) -> None:
    first = warm.value("list", ("x",), lambda: [1, 2])
    next_run()
    again = warm.value("list", ("x",), lambda: [1, 2])
    again.append(3)
    assert warm.value("list", ("x",), lambda: [1, 2]) == [1, 2] == first


def test_a_value_that_cannot_be_kept_is_built_every_run(store: Path) -> None:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return {"pattern": re.compile("x")}

    warm.value("odd", ("x",), build)
    next_run()
    warm.value("odd", ("x",), build)
    assert len(calls) == 2


@pytest.mark.parametrize(
    "content",
    [
        b"not marshal data at all",
        marshal.dumps(["a list, not the cache"]),
        marshal.dumps({"version": "0", "values": {}, "patterns": {}}),
        # A pattern filed with code the engine refuses: compiled again from its source.
        None,
    ],
)
def test_a_damaged_cache_only_means_the_work_is_done_again(
    store: Path, content: bytes | None
) -> None:
    source, flags, text = PATTERNS[0]
    if content is None:
        from tracker import __version__

        damaged = (int(re.I | re.U), [99, 99, 99], 0, {}, ())
        content = marshal.dumps(
            {"version": __version__, "values": {}, "patterns": {(source, int(flags)): damaged}}
        )
    path = warm.store_path()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    warm.forget()
    same_pattern(warm.pattern(source, flags), source, flags, text)
    next_run()
    same_pattern(warm.pattern(source, flags), source, flags, text)
    assert warm.kept_patterns() == 1


def test_turned_off_nothing_is_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(warm.ENVIRONMENT, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    warm.forget()
    source, flags, text = PATTERNS[1]
    try:
        assert warm.store_path() is None
        same_pattern(warm.pattern(source, flags), source, flags, text)
        assert warm.value("v", ("x",), lambda: [1]) == [1]
        warm.save()
    finally:
        warm.forget()
    assert not list(tmp_path.iterdir())


def test_an_unwritable_folder_is_no_error(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv(warm.ENVIRONMENT, str(blocker / "startup"))
    warm.forget()
    assert warm.value("v", ("x",), lambda: [1]) == [1]
    warm.save()  # the folder cannot be made under a file: nothing happens
    assert blocker.read_text(encoding="utf-8") == "in the way"


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(warm.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    monkeypatch.setattr(warm.sys, "platform", "linux")
    assert warm.store_folder() == Path("/somewhere/cache/claims-tracker")
