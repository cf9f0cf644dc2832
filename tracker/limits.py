"""The size limits the loaders apply, so that no input file can take minutes or gigabytes.

Each limit sits well above what real files need (docs/robustness.md gives the figures measured
on two cores): a project's pages are tens of kilobytes, its registers a few hundred, and the
ACL Anthology's 45,000 BibTeX entries make a 20 MB file. A file over its limit is reported as
a problem of that file, with its size, and never read past the limit.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

MIB = 1024 * 1024

# A page: plain text, Markdown or HTML as saved, or the XML of a Word document's text parts.
# Extraction runs at about 5 s per MB of dense prose.
MAX_DOCUMENT_BYTES = 10 * MIB
# All the parts of a Word package unpacked, images included (a ZIP bomb stops here).
MAX_PACKAGE_BYTES = 256 * MIB
# A claims register: about 16,000 claims as the tracker writes them. The YAML reader takes
# about 12 s per MB, and four times that for a register written in flow style.
MAX_REGISTER_BYTES = 4 * MIB
# The bibliography: the 20 MB ACL Anthology file loads in about 11 s.
MAX_BIBLIOGRAPHY_BYTES = 32 * MIB
# pyproject.toml or tracker.toml.
MAX_SETTINGS_BYTES = 1 * MIB
# How deep YAML collections may nest in a register; the tracker writes six levels at most.
MAX_YAML_DEPTH = 50
# How many values (scalars and collections) a YAML file may hold. A register the tracker
# writes holds one per 13 bytes or so: about 300,000 at the register's size limit.
MAX_YAML_NODES = 1_000_000
# Retraction Watch data as Crossref publishes it: about 60 MB in 2026.
MAX_RETRACTIONS_BYTES = 512 * MIB
# A baseline of findings: 100 MB for the 280,000 findings of a 10,000-page project.
MAX_BASELINE_BYTES = 512 * MIB
# A claims matrix (CSV or XLSX) brought back by `tracker import`.
MAX_MATRIX_BYTES = 256 * MIB
# Past what a file reports of its size, it is read in parts of this size.
READ_PART = MIB


class TooLarge(Exception):
    """A file larger than the limit for its kind; it was not read past the limit."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path}: more than {size_text(limit)}")
        self.path = path
        self.limit = limit


class NotARegularFile(OSError):
    """A device, FIFO, socket or folder where a file was expected: never read.

    /dev/zero would be read until memory ran out, a FIFO would wait for a writer for ever.
    An OSError, so that every loader reports it as it reports a file it cannot read.
    """

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", str(path))


KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_regular(path: Path | str) -> io.BufferedReader:
    """Open a regular file for reading, or raise NotARegularFile without reading anything.

    The file is opened without blocking (a FIFO would wait for a writer) and checked on the
    descriptor itself, so a path swapped for a device between a check and the open is caught.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = next((name for test, name in KINDS if test(mode)), "a special file")
        raise NotARegularFile(path, kind)
    return io.BufferedReader(io.FileIO(descriptor, "rb"))


def read_bytes(path: Path, limit: int) -> bytes:
    """Return a file's bytes, or raise TooLarge without reading more than limit + 1 of them.

    Reading, not the size the file system reports, decides: a device or a growing file
    reports a size that may be wrong.
    """
    with open_regular(path) as handle:
        # A read of n bytes sets n bytes aside at once (256 MB for a Word document's limit):
        # ask for what the file says it holds, one more to see its end, then read on in parts.
        reported = os.fstat(handle.fileno()).st_size
        parts = [handle.read(min(reported, limit) + 1)]
        read = len(parts[0])
        while read <= limit:
            part = handle.read(min(READ_PART, limit + 1 - read))
            if not part:
                break
            parts.append(part)
            read += len(part)
    if read > limit:
        raise TooLarge(path, limit)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def size_text(size: int) -> str:
    """Return a byte count the way the messages say it: "10 MB", "1.5 MB", "512 KB"."""
    if size >= MIB:
        return f"{size / MIB:.1f}".removesuffix(".0") + " MB"
    return f"{max(size // 1024, 1)} KB"


def file_size(path: Path) -> str:
    """Return a file's size for a message, or "" when it cannot be had."""
    try:
        return size_text(path.stat().st_size)
    except OSError:
        return ""
