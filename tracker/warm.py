"""Keep the shipped data parsed and its patterns compiled from one run to the next.

A writer's check of one edited page spent more time starting than checking: parsing the
YAML rule packs and cue lists, building the 27,000-name condition vocabulary and compiling
some 150 regular expressions (Python's compiler is written in Python) cost more than the
page itself. Python keeps compiled modules in __pycache__; this keeps our start-up work in
one file per tracker version, Python version and regular-expression engine, in the user's
cache folder.

The file is never in a project: a project's files are input that anybody may have written,
while this file, like __pycache__, is only ever written by the tracker for the user who
runs it. Each value is stamped with a digest of the texts it was built from, and a pattern
is filed under its own source and flags, so an edited data file is simply built again. The
file is marshal data (no code runs when it is read); one that cannot be read, or a folder
that cannot be written, only means the work is done as if there were no file.

TRACKER_STARTUP_CACHE names another folder, or `off` to keep nothing.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tracker import __version__
from tracker.limits import TooLarge, read_bytes

ENVIRONMENT = "TRACKER_STARTUP_CACHE"
APPLICATION = "claims-tracker"
# Past this many values or patterns the file starts again from what the last run used, so
# rules a user tried once and dropped do not pile up in it.
MAX_ENTRIES = 2000
# Far more than the shipped data makes (about 1 MB): a larger file is not ours to read.
MAX_STORE_BYTES = 64 * 1024 * 1024

T = TypeVar("T")

try:  # The compiled form of a pattern is CPython's; elsewhere patterns are compiled each run.
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    ENGINE = f"{sys.implementation.cache_tag}-sre{_sre.MAGIC}"
except (ImportError, AttributeError):  # pragma: no cover - other Python implementations
    ENGINE = ""


class _Store:
    """The values and compiled patterns read from the file, and those added by this run."""

    def __init__(self) -> None:
        self.loaded = False
        self.values: dict[str, tuple[str, bytes]] = {}
        self.patterns: dict[tuple[str, int], tuple[Any, ...]] = {}
        self.used_values: set[str] = set()
        self.used_patterns: set[tuple[str, int]] = set()
        self.changed = False
        self.compiled: dict[tuple[str, int], re.Pattern[str]] = {}

    def load(self) -> None:
        self.loaded = True
        path = store_path()
        if path is None:
            return
        try:
            data = marshal.loads(read_bytes(path, MAX_STORE_BYTES))
        except (OSError, TooLarge, ValueError, EOFError, TypeError):
            return  # no file yet, or a damaged one: built again and written anew
        if isinstance(data, dict) and data.get("version") == __version__:
            values, patterns = data.get("values"), data.get("patterns")
            self.values = values if isinstance(values, dict) else {}
            self.patterns = patterns if isinstance(patterns, dict) else {}

    def save(self) -> None:
        path = store_path()
        if path is None or not self.changed:
            return
        values, patterns = self.values, self.patterns
        if len(values) + len(patterns) > MAX_ENTRIES:
            values = {k: v for k, v in values.items() if k in self.used_values}
            patterns = {k: v for k, v in patterns.items() if k in self.used_patterns}
        data = {"version": __version__, "values": values, "patterns": patterns}
        from tracker.atomic import write_atomic  # only when there is something to write

        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(path, marshal.dumps(data))
        except (OSError, ValueError):
            pass  # an unwritable folder only means the next run builds them again

    def mark_changed(self) -> None:
        if not self.changed:
            self.changed = True
            atexit.register(self.save)


_STORE = _Store()


def store_folder() -> Path | None:
    """Return the folder the start-up cache is kept in, or None when it is turned off."""
    chosen = os.environ.get(ENVIRONMENT, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APPLICATION / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APPLICATION
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APPLICATION


def store_path() -> Path | None:
    """Return the start-up cache's file for this tracker and Python, or None when off."""
    folder = store_folder()
    if folder is None:
        return None
    return folder / f"startup-{__version__}-{ENGINE or sys.implementation.cache_tag}.marshal"


def value(name: str, sources: tuple[str, ...], build: Callable[[], T]) -> T:
    """Return what build() makes of the source texts, from the last run when they are the same.

    Every call returns a new copy, as building it again would. The value must be plain data
    (str, numbers, lists, tuples, dicts, sets) to be kept; anything else is built every run.
    """
    store = _loaded()
    stamp = _digest(sources)
    kept = store.values.get(name)
    store.used_values.add(name)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        try:
            return marshal.loads(kept[1])  # type: ignore[no-any-return]
        except (ValueError, EOFError, TypeError):
            pass  # damaged: built again
    built = build()
    try:
        encoded = marshal.dumps(built)  # type: ignore[arg-type]
    except ValueError:
        return built
    store.values[name] = (stamp, encoded)
    store.mark_changed()
    return built


def pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a regular expression, from its compiled form of the last run when there is one."""
    store = _loaded()
    key = (source, int(flags))  # a plain int: re's flags are an enum the file cannot keep
    found = store.compiled.get(key)
    if found is not None:
        return found
    store.used_patterns.add(key)
    kept = store.patterns.get(key)
    compiled = _from_parts(source, kept) if kept is not None else None
    if compiled is None:
        parts = _parts(source, flags)
        compiled = _from_parts(source, parts) if parts is not None else None
        if parts is None or compiled is None:
            compiled = re.compile(source, flags)
        else:
            store.patterns[key] = parts
            store.mark_changed()
    store.compiled[key] = compiled
    return compiled


def _parts(source: str, flags: int) -> tuple[Any, ...] | None:
    """Compile a pattern as re.compile does, returning the engine's arguments for it."""
    if not ENGINE:
        return None
    try:
        parsed = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for group_name, index in groupindex.items():
            indexgroup[index] = group_name
        # Opcodes and flags are int subclasses; the file keeps plain ints.
        return (
            int(flags | parsed.state.flags),
            [int(op) for op in code],
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except Exception:  # an engine unlike the one this was written for: compile as usual
        return None


def _from_parts(source: str, parts: tuple[Any, ...]) -> re.Pattern[str] | None:
    """Build a pattern from its compiled form; the engine validates the code it is given, and
    anything it refuses is compiled again from the source."""
    try:
        flags, code, groups, groupindex, indexgroup = parts
        return _sre.compile(source, flags, code, groups, groupindex, indexgroup)  # type: ignore[no-any-return]
    except Exception:
        return None


def _loaded() -> _Store:
    if not _STORE.loaded:
        _STORE.load()
    return _STORE


def _digest(sources: tuple[str, ...]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for text in sources:
        data = text.encode("utf-8")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def save() -> None:
    """Write what this run added now, rather than at exit."""
    _STORE.save()


def kept_patterns() -> int:
    """Return how many compiled patterns the cache holds."""
    return len(_loaded().patterns)


def forget() -> None:
    """Drop what this process read or built (for tests that change the folder)."""
    global _STORE
    _STORE = _Store()
