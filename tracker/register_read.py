"""Read a claims register (claims/<document>.yaml) from its bytes into a `Register`.

The bytes are decoded and the YAML parsed here; tracker.register_validate turns the data into
the model. Every content problem becomes a `Problem` record, never an exception.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from tracker.limits import MAX_REGISTER_BYTES, TooLarge, file_size, read_bytes, size_text
from tracker.model import DocumentInfo, Problem, Register
from tracker.register_validate import PROBLEM_KIND, validate
from tracker.yamlio import YamlProblem, load_yaml

NOT_READ = "nothing in this register was read"


def too_large_message(size: str, outcome: str = "is {size}, {more}, and was not read") -> str:
    """Say that a register is too large (or would be: outcome) to be read back."""
    more = f"more than the {size_text(MAX_REGISTER_BYTES)} a register may be"
    said = outcome.format(size=size or "too large", more=more)
    return f"the register {said} - split its document into smaller pages"


def read_yaml(text: str, fast: bool = False) -> tuple[Any, tuple[int, int, str] | None]:
    """Load YAML text; return the data, or the 0-based line, column and message of the error.

    fast reads with libyaml's parser where it can, which keeps no comments: for loading only.
    """
    if len(text) > MAX_REGISTER_BYTES:
        return None, (0, 0, too_large_message(size_text(len(text.encode("utf-8")))))
    try:
        return load_yaml(text, fast=fast), None
    except YamlProblem as problem:
        return None, (problem.line, problem.col, f"{problem.message}; {NOT_READ}")


def load_register(path: Path, display_path: str) -> Register:
    """Load one register file; content problems become `Problem` records, never exceptions."""
    try:
        data = read_bytes(path, MAX_REGISTER_BYTES)
    except TooLarge:
        return _unread(display_path, 1, 1, too_large_message(file_size(path)))
    except OSError as error:
        reason = error.strerror or str(error)
        return _unread(display_path, 1, 1, f"cannot read the register ({reason})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _unread(display_path, *_undecodable(data, error.start))
    return parse_register(text, display_path)


def _undecodable(data: bytes, offset: int) -> tuple[int, int, str]:
    """Return where and why register bytes are not UTF-8 text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return 1, 1, "the register is saved as UTF-16 and was not read - save it as UTF-8"
    line, col = _byte_position(data, offset)
    binary = b"\x00" in data
    what = "a binary file, not YAML" if binary else "not valid UTF-8"
    todo = "restore it from version control" if binary else "save it as UTF-8"
    byte = f"byte 0x{data[offset]:02x} on line {line}"
    return line, col, f"the register is {what} ({byte}) and was not read - {todo}"


def _unread(display_path: str, line: int, col: int, message: str) -> Register:
    problem = Problem(PROBLEM_KIND, display_path, line, message, col=col)
    return Register(display_path, DocumentInfo("", ""), problems=[problem])


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a byte offset."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def parse_register(text: str, display_path: str) -> Register:
    """Parse register text; content problems become `Problem` records, never exceptions.

    libyaml's parser is tried first, as it is four times faster than ruamel's; a register it
    reads without a problem is taken. Any other is read again by ruamel's parser, whose
    messages and positions are the ones the tracker reports.
    """
    data, error = read_yaml(text, fast=True)
    if isinstance(data, CommentedMap):
        register = validate(data, display_path)
        if not register.problems:
            return register
    if error is None:
        # Any problem is reported as ruamel's parser reads the text, at its lines and columns.
        data, error = read_yaml(text)
    if error is not None:
        line, col, message = error
        return _unread(display_path, line + 1, col + 1, message)
    return validate(data, display_path)
