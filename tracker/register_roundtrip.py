"""Open a register's text for an edit in place: loaded round trip, its comment tails moved.

Merging extracted claims, recording decisions and importing a matrix all edit the YAML that
people wrote, keeping its comments, key order, quoting and unknown fields; a register that
cannot be edited so raises `RegisterError`.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from tracker.register_read import read_yaml
from tracker.register_validate import describe, position, top_level_message


class RegisterError(Exception):
    """A register that cannot be edited without losing what a person wrote."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def load_for_edit(text: str, display_path: str) -> CommentedMap:
    """Load register text round trip; raise RegisterError when it holds no register to edit."""
    root, error = read_yaml(text)
    if error is not None:
        line, _, message = error
        raise RegisterError(display_path, line + 1, message)
    if not isinstance(root, CommentedMap):
        raise RegisterError(display_path, 1, top_level_message(root))
    _check_shape(root, "document", CommentedMap, display_path)
    _check_shape(root, "claims", CommentedSeq, display_path)
    if root.get("claims") is None:
        root["claims"] = CommentedSeq()
    return root


def _check_shape(root: CommentedMap, key: str, kind: type, display_path: str) -> None:
    value = root.get(key)
    if value is not None and not isinstance(value, kind):
        expected = "a mapping" if kind is CommentedMap else "a list"
        message = f"`{key}` is {describe(value)}, not {expected} - fix it by hand, then rerun"
        raise RegisterError(display_path, position(root, key)[0] + 1, message)


def identified(seq: CommentedSeq) -> list[CommentedMap]:
    """Return the register items with a usable id; the others are left for a person to fix."""
    return [item for item in mappings(seq) if isinstance(item.get("id"), str)]


def put(item: CommentedMap, key: str, value: Any, after: str) -> None:
    """Set item[key], placing a new key just after another, if the item has it."""
    if key in item or after not in item:
        item[key] = value
    else:
        item.insert(list(item).index(after) + 1, key, value)


def mappings(node: CommentedSeq) -> list[CommentedMap]:
    """Return the items of a list that are mappings."""
    return [item for item in node if isinstance(item, CommentedMap)]


# ---------------------------------------------------------------------------------------------
# Comment tails
#
# ruamel attaches the comment lines that stand between two items to the deepest last value of the
# first one. Anything appended after that item would then appear below a comment written about
# the next one. Before editing, each such tail is moved to the item it precedes.


def _is_block(node: Any) -> bool:
    is_collection = isinstance(node, (CommentedMap, CommentedSeq))
    return is_collection and len(node) > 0 and not node.fa.flow_style()


def _keys(node: CommentedMap | CommentedSeq) -> list[Any]:
    return list(node) if isinstance(node, CommentedMap) else list(range(len(node)))


def _detach_tail(node: Any) -> str:
    """Remove and return the whole comment lines that follow a block collection's last line."""
    if not _is_block(node):
        return ""
    last = _keys(node)[-1]
    slot = 2 if isinstance(node, CommentedMap) else 0
    entry = node.ca.items.get(last)
    if entry and entry[slot] is not None:
        # The token holds the end of the last line (an end-of-line comment or nothing), then the
        # whole lines after it.
        eol, _, tail = entry[slot].value.partition("\n")
        entry[slot].value = eol + "\n"
    else:
        tail = _detach_tail(node[last])
    ends = node.ca.end or []
    node.ca.end = []
    return tail + "".join(" " * token.column + token.value for token in ends)


def _comment(text: str) -> CommentToken:
    return CommentToken(text, CommentMark(0))


def _attach_before(node: CommentedMap | CommentedSeq, key: Any, text: str) -> None:
    if text:
        entry = node.ca.items.setdefault(key, [None, None, None, None])
        entry[1] = [_comment(text), *(entry[1] or [])]


def _attach_end(node: CommentedMap | CommentedSeq, text: str) -> None:
    if text:
        node.ca.end = [_comment(text), *(node.ca.end or [])]
        # The representer only emits end comments of a node that has a comment slot.
        if node.ca.comment is None:
            node.ca.comment = [None, None]


def normalize_tails(node: Any) -> None:
    """Move every comment tail to the item it precedes, or to the end of its collection."""
    if not _is_block(node):
        return
    keys = _keys(node)
    for key, following in zip(keys, [*keys[1:], None], strict=True):
        normalize_tails(node[key])
        tail = _detach_tail(node[key])
        if following is None:
            _attach_end(node, tail)
        else:
            _attach_before(node, following, tail)
