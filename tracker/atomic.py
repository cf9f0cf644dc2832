"""Write files safely: atomically, durably, and one writer at a time.

A reader or a crash sees the old file or the new one, never half of it (`write_atomic`).
Commands that read a file, change it and write it back (a review, an import, a merge) do so
under a lock (`update_file`, `locked`), so two reviewers at work at once lose neither edit.
Where no lock can be taken, the edit checks just before it replaces the file that nobody
changed it meanwhile, and refuses with a clear message if somebody did.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from tracker.limits import open_regular

try:
    import fcntl
except ImportError:  # Windows: edits fall back to detecting a conflict.
    fcntl = None  # type: ignore[assignment]

# Seconds to wait for another command's lock before giving up; read when a lock is taken.
LOCK_TIMEOUT = 30.0
# Temporary files are `.<name>.<8 random characters>.tmp`: hidden, and never *.yaml, so a
# leftover one (the writer was killed) is not read as a register.
TEMP_SUFFIX = ".tmp"
TEMP_RANDOM_CHARS = 8


class WriteRefused(Exception):
    """A write that would not land where the user expects it."""


class ConcurrentEditError(Exception):
    """Another writer held the file too long, or changed it while this edit was running."""


def write_atomic(path: Path, text: str | bytes | Iterable[str] | Iterable[bytes]) -> None:
    """Replace a file with text (or its parts, as they come, or bytes) in one step, so no
    reader or crash ever sees half of it."""
    _write(_target(path), text, check=None)


def write_if_unchanged(path: Path, text: str, expected: str | None, display: str = "") -> None:
    """Replace a file with text unless it no longer holds `expected` (None: did not exist)."""

    def check(target: Path) -> None:
        if read_text(target, strict=False) != expected:
            raise ConcurrentEditError(
                f"{display or path} changed while this edit was running (another reviewer?) "
                "- run the command again"
            )

    _write(_target(path), text, check)


def update_file(
    path: Path,
    edit: Callable[[str | None], str],
    display: str = "",
    timeout: float | None = None,
) -> bool:
    """Read a file under its lock, apply `edit` to its text and write the result atomically.

    `edit` gets the text (None when the file does not exist yet) and returns the new text;
    whatever it raises leaves the file as it was. Return whether the file was written.
    """
    with locked({path: display or str(path)}, timeout):
        before = read_text(path)
        after = edit(before)
        if after == before:
            return False
        write_if_unchanged(path, after, before, display)
        return True


def read_text(path: Path, strict: bool = True) -> str | None:
    """Return a file's text as the tracker reads it (UTF-8, BOM dropped); None when missing.

    Not strict, a file that is not UTF-8 reads as an empty string (to compare, not to use).
    """
    try:
        with open_regular(path) as handle:
            return handle.read().decode("utf-8-sig")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        if strict:
            raise
        return ""


def _target(path: Path) -> Path:
    """Return the file a write really replaces: the file a symbolic link points to.

    A link to a file that does not exist is refused: writing would create a file wherever
    the link points, outside the project perhaps.
    """
    if not path.is_symlink():
        return path
    target = path.resolve()
    if not target.is_file():
        raise WriteRefused(
            f"{path} is a link to {target}, which is not a file - remove the link, or create "
            "the file it points to if the register is meant to live there"
        )
    return target


def _write(
    path: Path,
    text: str | bytes | Iterable[str] | Iterable[bytes],
    check: Callable[[Path], None] | None,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    prefix = f".{path.name}."
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in [text] if isinstance(text, str | bytes) else text:
                handle.write(part if isinstance(part, bytes) else part.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if check is not None:
            check(path)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_directory(path.parent)


def _mode_for(path: Path) -> int:
    """Return the existing file's mode, or what a plain open() would give a new file."""
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(path.stat().st_mode)
    # mkstemp creates files 0600; the umask can only be read by setting it.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Flush the directory entry, so the rename survives a crash; not possible everywhere."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------------------------
# Locks
#
# What is locked is the folder that holds the file, opened read-only, with flock. The file
# itself cannot be the lock: os.replace puts a new inode at its name, so a second writer
# would lock the new file while the first still holds the old one. The folder stays the same
# object across replaces. A sidecar `x.yaml.lock` file would work too, but it stays behind
# (in `git status`, in backups), and removing it safely is its own race; the folder needs no
# file at all. One lock per folder also lets an import that writes several registers of
# the claims folder take a single lock, with no order to get wrong. The cost, that writes of
# two registers of one folder wait for each other, is a fraction of a second.
# flock locks are released by the kernel when the holder dies, even by SIGKILL.


@contextlib.contextmanager
def locked(files: Mapping[Path, str], timeout: float | None = None) -> Iterator[bool]:
    """Hold the write lock of files (by path, with the names messages give them).

    Yield whether every lock was taken; False where locks are unavailable (no fcntl, a
    file system without flock), and the writes must then rely on `write_if_unchanged`.
    Not reentrant: a process that takes a lock it holds waits for itself.
    """
    folders: dict[Path, dict[str, str]] = {}
    for path, display in files.items():
        target = _target(path).absolute()
        folders.setdefault(target.parent, {})[target.name] = display or str(path)
    with contextlib.ExitStack() as stack:
        # In sorted order, so that two commands that lock the same folders cannot deadlock.
        held = [
            stack.enter_context(_folder_lock(folder, ", ".join(names.values()), timeout))
            for folder, names in sorted(folders.items())
        ]
        if all(held):
            for folder, names in folders.items():
                remove_leftovers(folder, set(names))
        yield all(held)


@contextlib.contextmanager
def _folder_lock(folder: Path, names: str, timeout: float | None) -> Iterator[bool]:
    folder.mkdir(parents=True, exist_ok=True)
    fd = _open_folder(folder)
    if fd is None:
        yield False
        return
    try:
        held = _acquire(fd, names, LOCK_TIMEOUT if timeout is None else timeout)
        yield held
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _open_folder(folder: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        return os.open(folder, os.O_RDONLY)
    except OSError:
        return None


def _acquire(fd: int, names: str, timeout: float) -> bool:
    """Take the lock on fd, polling until timeout; False when the file system has no flock."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        except OSError:
            return False  # e.g. ENOLCK on some network file systems
        if time.monotonic() >= deadline:
            raise ConcurrentEditError(
                f"{names} is being written by another tracker command (waited {timeout:g} s "
                "for its lock) - run the command again when that one has finished"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def remove_leftovers(folder: Path, names: set[str]) -> list[Path]:
    """Remove the temporary files that writers of the named files left when they were killed.

    Call only under the folder's lock: then no live writer of these files has one open.
    """
    removed = []
    for entry in folder.iterdir():
        if _written_for(entry.name) in names:
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def _written_for(name: str) -> str | None:
    """Return the name of the file a temporary file of `_write` was for; None for others."""
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
        return None
    owner, _, random_part = name[1 : -len(TEMP_SUFFIX)].rpartition(".")
    return owner if owner and len(random_part) == TEMP_RANDOM_CHARS else None
