"""Keep what a run computed, keyed on the exact content it came from, so the next run can skip it.

The cache is one SQLite file in the project's `.tracker-cache/` folder: SQLite gives atomic,
crash-safe updates and lets two runs share it. Each entry is named (a file's path), stamped
with a digest of everything it was computed from (the file's bytes, the tracker's version,
and for per-document findings the bibliography, registers and settings too), and holds JSON,
never pickles, so a cache file planted in a project cannot run code. Any change gives a new
digest, and a miss only means the work is done again: a broken or unwritable cache is
ignored, never an error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import sqlite3
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from tracker import __version__
from tracker.limits import open_regular

FOLDER = ".tracker-cache"
DATABASE = "cache.sqlite3"
# Bump when a cached record's shape or meaning changes without a version change (3: reader
# notes are findings, at their own line; 4: findings carry a risk grade; 5: a document's
# findings are kept as JSON output writes them).
SCHEMA = 5
# Marks the folder as a cache for backup tools (https://bford.info/cachedir/).
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# Claims tracker cache.\n"
# Seconds a run waits for another run that is writing the cache before giving up on it.
BUSY_TIMEOUT = 10.0
# Names asked for in one query: under SQLite's oldest limit on a statement's variables (999).
SQL_VARIABLES = 900

T = TypeVar("T")


def digest(*parts: bytes | str) -> str:
    """Return a short hex digest of the parts, each length-prefixed so that they cannot blur."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    """Return the digest of a file's bytes, read in blocks (a huge file costs no memory);
    one that cannot be read gets a digest of why, unlike that of any readable state."""
    try:
        with open_regular(path) as handle:
            return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
    except OSError as err:
        return digest("unreadable", str(err.strerror))


def stamp(*parts: bytes | str) -> str:
    """Return the digest of parts together with what the tracker's results depend on itself."""
    return digest(__version__, str(SCHEMA), *parts)


class Cache:
    """Named entries, each valid only for the digest it was stored with.

    A Cache made with folder None (caching turned off) misses every time and stores nothing.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._broken = folder is None

    @classmethod
    def for_project(cls, root: Path, enabled: bool = True) -> Cache:
        return cls(root / FOLDER if enabled else None)

    @property
    def enabled(self) -> bool:
        """False when nothing will be stored (turned off, or found unusable)."""
        return not self._broken

    def get(self, kind: str, name: str, wanted: str) -> Any | None:
        """Return the value stored for name if it was stored with the wanted digest."""
        row = self._query(
            "SELECT payload FROM entries WHERE kind = ? AND name = ? AND digest = ?",
            (kind, name, wanted),
        )
        return decode_payload(row[0][0]) if row else None

    def get_all(self, kind: str) -> dict[str, tuple[str, Any]]:
        """Return every entry of a kind as name -> (digest, still-encoded payload)."""
        rows = self._query("SELECT name, digest, payload FROM entries WHERE kind = ?", (kind,))
        return {name: (stored, payload) for name, stored, payload in rows or []}

    def digests(self, kind: str) -> dict[str, str]:
        """Return the digest of every entry of a kind, by name, leaving the payloads stored:
        a run over 10,000 documents reads each one's payload only when it comes to it."""
        rows = self._query("SELECT name, digest FROM entries WHERE kind = ?", (kind,))
        return dict(rows or [])

    def payloads(self, kind: str, names: list[str]) -> dict[str, bytes]:
        """Return the still-encoded payloads of some entries of a kind, by name."""
        found: dict[str, bytes] = {}
        for start in range(0, len(names), SQL_VARIABLES):
            batch = names[start : start + SQL_VARIABLES]
            marks = ", ".join("?" * len(batch))
            rows = self._query(
                f"SELECT name, payload FROM entries WHERE kind = ? AND name IN ({marks})",
                (kind, *batch),
            )
            found.update(rows or [])
        return found

    def put(self, kind: str, name: str, stored: str, value: Any) -> None:
        """Store value for name under a digest, replacing what was there."""
        self.put_many(kind, [(name, stored, value)])

    def put_many(self, kind: str, items: Iterable[tuple[str, str, Any]]) -> None:
        """Store several entries in one transaction."""
        self.put_encoded(kind, ((name, stored, encode_payload(v)) for name, stored, v in items))

    def put_encoded(self, kind: str, items: Iterable[tuple[str, str, bytes]]) -> None:
        """Store several entries already encoded with encode_payload, in one transaction."""
        rows = [(kind, name, stored, payload) for name, stored, payload in items]
        if rows:
            self._write(
                "INSERT OR REPLACE INTO entries (kind, name, digest, payload) VALUES (?, ?, ?, ?)",
                rows,
            )

    def forget(self, kind: str, keep: Iterable[str]) -> None:
        """Drop the entries of a kind whose names are not kept (files that are gone)."""
        kept = set(keep)
        names = [name for name in self.get_all(kind) if name not in kept]
        if names:
            self._write(
                "DELETE FROM entries WHERE kind = ? AND name = ?", [(kind, n) for n in names]
            )

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._broken or self.folder is None:
            return None
        if self._db is None:
            try:
                self._db = _open(self.folder)
            except (OSError, sqlite3.Error):
                self._broken = True
                return None
        return self._db

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[Any] | None:
        db = self._connection()
        if db is None:
            return None
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.Error:
            self._give_up()
            return None

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        db = self._connection()
        if db is None:
            return
        try:
            with db:
                db.executemany(sql, rows)
        except sqlite3.Error:
            self._give_up()

    def _give_up(self) -> None:
        # A corrupt, locked or read-only cache: run without it rather than fail the audit.
        self.close()
        self._broken = True


def _open(folder: Path) -> sqlite3.Connection:
    new = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if new:
        # Keep the cache out of version control and backups without touching the project's files.
        (folder / ".gitignore").write_text(
            "# Written by the claims tracker.\n*\n", encoding="utf-8"
        )
        (folder / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
    db = sqlite3.connect(folder / DATABASE, timeout=BUSY_TIMEOUT)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries (kind TEXT, name TEXT, digest TEXT, "
            "payload BLOB, PRIMARY KEY (kind, name))"
        )
    except sqlite3.DatabaseError:
        db.close()
        # Not a database (a stray or damaged file): start the cache afresh.
        (folder / DATABASE).unlink(missing_ok=True)
        db = sqlite3.connect(folder / DATABASE, timeout=BUSY_TIMEOUT)
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries (kind TEXT, name TEXT, digest TEXT, "
            "payload BLOB, PRIMARY KEY (kind, name))"
        )
    return db


def encode_payload(value: Any) -> bytes:
    """Encode a JSON-ready value (such as encode gives) as the cache stores it."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def decode_payload(payload: bytes) -> Any | None:
    """Decode a stored payload, such as Cache.get_all returns (None if it is damaged)."""
    try:
        return orjson.loads(payload)
    except (ValueError, TypeError):
        return None


# ---------------------------------------------------------------------------------------------
# Records to JSON and back: a dataclass becomes the list of its fields' values, in order.


_SCALARS = frozenset({str, int, float, bool, type(None)})


def encode(value: Any) -> Any:
    """Turn records (dataclasses, enums, lists, dicts, tuples) into JSON-ready values."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        if all(type(item) is str for item in value.values()):
            return value  # a bibliography entry's fields: the bulk of what is stored
        return {key: encode(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [encode(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value):
        return [encode(getattr(value, name)) for name in _field_names(kind)]
    return value


def decoder(kind: Any) -> Callable[[Any], Any]:
    """Return a function that rebuilds a value of the given type from what encode gave."""
    return _decoder(kind)


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


_DECODERS: dict[Any, Callable[[Any], Any]] = {}


def _decoder(kind: Any) -> Callable[[Any], Any]:
    found = _DECODERS.get(kind)
    if found is None:
        found = _DECODERS[kind] = _make_decoder(kind)
    return found


def _identity(value: Any) -> Any:
    return value


def _make_decoder(kind: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else _identity
        if inner is _identity:
            return _identity
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _decoder(args[0])
        return lambda value: [item(v) for v in value]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda value: tuple(item(v) for v in value)
        parts = [_decoder(a) for a in args]
        return lambda value: tuple(d(v) for d, v in zip(parts, value, strict=True))
    if origin is dict:
        item = _decoder(args[1])
        if item is _identity:
            return dict
        return lambda value: {k: item(v) for k, v in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        # A look-up, not kind(value): calling an enum costs more than the rest of a record.
        return {member.value: member for member in kind}.__getitem__
    return _identity


def _dataclass_decoder(cls: type[T]) -> Callable[[Any], T]:
    hints = typing.get_type_hints(cls)
    names = _field_names(cls)
    parts = [_decoder(hints[name]) for name in names]
    make = _maker(cls, names)
    if all(part is _identity for part in parts):
        return lambda value: make(*value)
    # Most fields are stored as they are: only the others are converted.
    converted = [(index, part) for index, part in enumerate(parts) if part is not _identity]

    def rebuild(value: Any) -> T:
        values = list(value)
        if len(values) != len(parts):
            raise ValueError(f"{cls.__name__} has {len(parts)} fields, not {len(values)}")
        for index, part in converted:
            values[index] = part(values[index])
        return make(*values)

    return rebuild


def _maker(cls: type[T], names: tuple[str, ...]) -> Callable[..., T]:
    """Return what builds a record from its fields' values in order: the class, or for a
    frozen dataclass that only stores them (no __post_init__, no slots, every field
    given), a filler of its attributes; its __init__ sets each field through
    object.__setattr__, a fifth of the time of reading 600,000 cached findings."""
    params = getattr(cls, "__dataclass_params__", None)
    plain = (
        params is not None
        and params.frozen
        and not hasattr(cls, "__post_init__")
        and "__slots__" not in vars(cls)
        and len(names) == len(dataclasses.fields(cls))  # type: ignore[arg-type]
    )
    if not plain:
        return cls

    def fill(*values: Any) -> T:
        record: T = object.__new__(cls)
        record.__dict__.update(zip(names, values, strict=True))  # ValueError if they differ
        return record

    return fill
