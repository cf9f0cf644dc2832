"""Read and write YAML: the one place where YAML text meets a constructor.

Every YAML the tracker reads goes through `load_yaml`: registers (audit, merge, review,
import), the writers' check's quick look at registers, and the data files in tracker/data.
Any of them may be hostile. A 75-byte register of nested mapping keys costs ruamel's
round-trip constructor hours, as it hashes every key again at each level; an alias can
repeat a value a billion times. So nothing is built from YAML text until its nodes have been
checked: mapping keys are scalars, no value is an alias, tags are YAML's own, collections
nest at most MAX_YAML_DEPTH deep and there are at most MAX_YAML_NODES values. Anything else
is a `YamlProblem` with its line and column, found in time proportional to the text.

libyaml's parser (C, four times faster) is tried first where the two parsers read text
alike; ruamel's reads the rest, checking each event before it composes a node, and its
messages and positions are the ones reported.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import MappingNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarfloat import ScalarFloat

from tracker import warm
from tracker.limits import MAX_YAML_DEPTH, MAX_YAML_NODES


class YamlProblem(Exception):
    """YAML that was not read: where (0-based line and column) and what to do about it."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(f"{line + 1}:{col + 1}: {message}")
        self.line = line
        self.col = col
        self.message = message


# The tags a file may spell out or resolve to: YAML's own types. Any other tag
# (`!!python/...`, `!x`, the merge key `<<`) is refused before anything is built from it.
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
DEEP_MESSAGE = (
    f"values nested more than {MAX_YAML_DEPTH} levels deep (a register needs fewer than ten) "
    "- fix the YAML by hand"
)
# A run of flow brackets deeper than the limit. ruamel's scanner looks ahead across such a
# run in time the square of its length before the depth limit can stop it, so it is refused
# before parsing. Claim texts never hold fifty-odd brackets in a row.
_DEEP_FLOW = warm.pattern(rf"(?:[\[{{][ \t\r\n]*){{{MAX_YAML_DEPTH + 1}}}")
# Text the two parsers are known to read differently goes to ruamel's: a "!" where a tag could
# start (libyaml's nodes do not tell a tag written out from one resolved, and ruamel keeps
# written tags), tabs, which libyaml takes in more places, the line breaks of YAML 1.1
# that YAML 1.2 reads as text, and a byte-order mark after the first character (libyaml
# passes over a second one at the start; ruamel reads it as text).
_LIBYAML_DIFFERS = warm.pattern(r"(?:^|[\s\[{,])!|[\t\x85\u2028\u2029]|(?s:.)\ufeff", re.M)


def load_yaml(text: str, *, round_trip: bool = True, fast: bool = False) -> Any:
    """Return the value of YAML text, or raise YamlProblem; nothing unchecked is built.

    round_trip keeps key order, quoting and positions (ruamel's Commented types), and
    comments too when read by ruamel's parser; without it the values are plain dicts and
    lists. fast tries libyaml's parser first, which keeps no comments: text that will be
    edited and written back is read without it.
    """
    deep = _deep_flow(text)
    if deep is not None:
        raise YamlProblem(*deep, DEEP_MESSAGE)
    if fast and _FastComposer is not None and not _LIBYAML_DIFFERS.search(text):
        try:
            return _load_with_libyaml(text, round_trip)
        except YamlProblem:
            raise
        except Exception:  # refused or a syntax error: ruamel's parser will say what is wrong
            pass
    loader = _loader(round_trip, pure=True)
    try:
        return loader.load(text)
    except Exception as error:
        # ruamel raises KeyError, ValueError and others besides YAMLError for bad tagged values;
        # RecursionError is caught too, though the depth limit should stop nesting first.
        raise YamlProblem(*_error_position(error, text), _error_message(error)) from None


def dump_yaml(data: Any) -> str:
    """Return round-trip data as YAML text in the register layout."""
    stream = io.StringIO()
    _loader(round_trip=True).dump(data, stream)
    return stream.getvalue()


def _deep_flow(text: str) -> tuple[int, int] | None:
    """Return the 0-based line and column where flow brackets pass the depth limit, if any."""
    match = _DEEP_FLOW.search(text)
    if match is None:
        return None
    last = max(text.rfind("[", 0, match.end()), text.rfind("{", 0, match.end()))
    before = text[:last]
    return before.count("\n"), last - (before.rfind("\n") + 1)


# ---------------------------------------------------------------------------------------------
# Checking nodes before they are built


class _Refused(ComposerError):
    """YAML the tracker's files have no use for; its message says what to write instead."""


def _refusal(event: Any, is_key: bool, depth: int, count: int) -> str | None:
    """Return why the node an event starts is refused, or None when it may be composed."""
    if isinstance(event, AliasEvent):
        return (
            f"the alias *{event.anchor} repeats a value marked &{event.anchor}, and a "
            "register may not use aliases - write the value out in full"
        )
    tag = getattr(event, "tag", None)  # aliases have none
    if tag is not None and tag not in CORE_TAGS:
        return (
            f"the tag {_written_tag(tag)} is not part of the register format - remove it, "
            "and quote the value if it is text"
        )
    if is_key and (refused := _key_refusal(event)):
        return refused
    if depth > MAX_YAML_DEPTH:
        return DEEP_MESSAGE
    if count > MAX_YAML_NODES:
        return (
            f"more than {MAX_YAML_NODES:,} values (a register at its size limit holds about "
            "300,000) - split its document into smaller pages"
        )
    return None


def _key_refusal(event: Any) -> str | None:
    """Return why a mapping key is refused: the tracker's keys are names, never collections."""
    if not isinstance(event, ScalarEvent):
        what = "a mapping" if isinstance(event, MappingStartEvent) else "a list"
        return (
            f"a key here is {what}, and the register format's keys are names such as "
            "`text` - write the key as plain text"
        )
    if event.value == "<<" and not event.style:  # plain: libyaml says '', ruamel None
        return "the merge key << is not part of the register format - write the values out"
    return None


class _Composer(Composer):
    """Compose nodes as ruamel does, after checking each event of the stream.

    An alias is refused before it is resolved, a foreign tag before any constructor sees it,
    and a mapping or list used as a key before it is composed: ruamel's round-trip
    constructor hashes such keys again at every level, in time exponential in their nesting.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        self.nesting = getattr(self, "nesting", 0) + 1
        self.count = getattr(self, "count", 0) + 1
        try:
            is_key = isinstance(parent, MappingNode) and index is None
            refusal = _refusal(event, is_key, self.nesting, self.count)
            if refusal is not None:
                raise _Refused(None, None, refusal, event.start_mark)
            # With aliases refused, no anchor is ever looked up; one used twice is valid YAML,
            # and ruamel would print a warning about it into the writer's terminal.
            self.anchors.pop(getattr(event, "anchor", None), None)
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1


def _load_with_libyaml(text: str, round_trip: bool) -> Any:
    """Load YAML whose libyaml events pass the checks of `_Composer`, or raise.

    libyaml composes nodes recursively, in C: 64,000 nested brackets overflow its stack and
    end the process. So its events are checked first, and what they refuse is left to
    ruamel's parser, which refuses it too, at the same node, in its own words. The
    constructor then builds the same values, lines and columns as ruamel's parser would.
    """
    assert _FastComposer is not None
    _check_events(_FastComposer(text))
    root = _FastComposer(text).get_single_node()
    if root is None:
        return None
    pending = [root]
    while pending:
        node = pending.pop()
        if node.tag not in CORE_TAGS:  # resolved from plain text, e.g. under %YAML 1.1
            raise ValueError("read by ruamel's parser, which says what is wrong")
        if isinstance(node, MappingNode):
            pending.extend(child for pair in node.value for child in pair)
        elif isinstance(node.value, list):
            pending.extend(node.value)
    return _loader(round_trip).constructor.construct_document(root)


def _check_events(parser: Any) -> None:
    """Walk a parser's events and raise at the first node `_refusal` refuses."""
    # Per open collection: whether it is a mapping, and how many nodes it holds so far.
    open_collections: list[list[Any]] = []
    count = 0
    while not isinstance(event := parser.get_event(), StreamEndEvent):
        if isinstance(event, CollectionEndEvent):
            open_collections.pop()
            continue
        if not isinstance(event, NodeEvent):
            continue
        count += 1
        is_key = False
        if open_collections:
            inside = open_collections[-1]
            is_key = inside[0] and inside[1] % 2 == 0
            inside[1] += 1
        refusal = _refusal(event, is_key, len(open_collections) + 1, count)
        if refusal is not None and count > MAX_YAML_NODES:
            # ruamel would read it all again, at 35 KB/s, to say the same.
            raise YamlProblem(event.start_mark.line, event.start_mark.column, refusal)
        if refusal is not None:  # ruamel refuses it too, in its words (alias `*a:` is `a:` there)
            raise ValueError(refusal)
        if isinstance(event, CollectionStartEvent):
            open_collections.append([isinstance(event, MappingStartEvent), 0])


try:
    from ruamel.yaml.cyaml import CParser
    from ruamel.yaml.resolver import VersionedResolver

    class _FastComposer(CParser, VersionedResolver):  # type: ignore[misc]
        """libyaml's composer with the loaders' resolver (YAML 1.2 types)."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            self._parser = self._composer = self
            VersionedResolver.__init__(self, loadumper=self)

except ImportError:  # ruamel.yaml.clib is optional: without it, all YAML goes the slow way
    _FastComposer = None  # type: ignore[assignment, misc]


# ---------------------------------------------------------------------------------------------
# The loaders and the register layout


class _Representer(RoundTripRepresenter):
    """Write values so that they read back exactly, and null as `null`."""

    def represent_none(self, data: Any) -> Any:
        # An empty value reads like a field someone forgot to fill.
        return self.represent_scalar("tag:yaml.org,2002:null", "null")

    def represent_str(self, data: str) -> Any:
        if any(char in "\x85\u2028\u2029" for char in data):
            # ruamel would write these raw inside single quotes, where they read back as breaks.
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        if data[:1] in ("?", ":"):
            # ruamel leaves `?x` and `: x` unquoted inside {...} and [...], and cannot read them.
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)

    def represent_scalar_float(self, data: Any) -> Any:
        node = super().represent_scalar_float(data)
        with contextlib.suppress(ValueError):
            if float(node.value.replace("_", "")) == data:
                return node
        # ruamel keeps a float's written digits but can lose the last one of a long mantissa.
        return self.represent_float(float(data))


_Representer.add_representer(type(None), _Representer.represent_none)
_Representer.add_representer(ScalarFloat, _Representer.represent_scalar_float)
_Representer.add_representer(str, _Representer.represent_str)


class _Constructor(RoundTripConstructor):
    """Read an impossible date such as 2026-13-45 as text, instead of failing the whole file."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _loader(round_trip: bool, pure: bool = False) -> YAML:
    """Return a YAML instance (one per use, as it holds state) whose composer checks events."""
    if not round_trip:
        safe = YAML(typ="safe", pure=pure)
        safe.Composer = _Composer
        return safe
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    # Claim texts are long; folding them over several lines would make diffs hard to read.
    yaml.width = 1_000_000
    return yaml


# ---------------------------------------------------------------------------------------------
# Messages


def _written_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!", 1) if tag.startswith("tag:") else tag


def _error_position(error: Exception, text: str) -> tuple[int, int]:
    """Return the 0-based line and column a YAML error points at."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return mark.line, mark.column
    position = getattr(error, "position", None)
    if isinstance(position, int):
        before = text[:position]
        return before.count("\n"), position - (before.rfind("\n") + 1)
    return 0, 0


def _error_message(error: Exception) -> str:
    if isinstance(error, _Refused):
        return str(error.problem)
    if isinstance(error, DuplicateKeyError):
        return _duplicate_key_message(error)
    first_line = (str(error).splitlines() or [""])[0]
    if isinstance(error, YAMLError):
        problem = getattr(error, "problem", None) or first_line
    else:
        problem = f"a value cannot be read ({type(error).__name__}: {first_line})"
    context, mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and mark is not None:
        # The problem is often found far below its cause, e.g. an unclosed [ at the file's end.
        problem = f"{problem} {context} from line {mark.line + 1}"
    hint = "indent with spaces, not tabs" if "\\t" in problem else "fix the YAML by hand"
    return f"unreadable YAML: {problem} - {hint}"


def _duplicate_key_message(error: DuplicateKeyError) -> str:
    # ruamel's own message quotes both values whole, which for a claim is the whole claim.
    problem = str(getattr(error, "problem", "") or "")
    key = problem.split('"')[1] if problem.count('"') >= 2 else "a key"
    first = getattr(error, "context_mark", None)
    where = f" in the mapping that starts on line {first.line + 1}" if first is not None else ""
    return f"unreadable YAML: duplicate key `{key}`{where} - keep one of the two"
