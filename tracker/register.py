"""Read, write and merge the claims registers (claims/<document>.yaml), keeping what people wrote.

Loading turns every content problem into a `Problem` record; merging edits the existing YAML
in place (ruamel round trip), so comments, key order, quoting and unknown fields survive.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from tracker.claim_matching import pair_edited
from tracker.limits import (
    MAX_REGISTER_BYTES,
    TooLarge,
    file_size,
    read_bytes,
    size_text,
)
from tracker.model import (
    KINDS,
    VERDICTS,
    Citation,
    Claim,
    DocumentInfo,
    Fingerprint,
    Problem,
    Register,
    Review,
    Span,
    Suppression,
)
from tracker.yamlio import YamlProblem, dump_yaml, load_yaml

# dismissed: a reviewer decided the unit is no claim (a `note` says why); extraction keeps it so.
STATUSES = ("active", "vanished", "dismissed")
PROBLEM_KIND = "malformed-register"
NOT_READ = "nothing in this register was read"
LOCATION_FIELDS = ("line", "start", "end")
HEADER = (
    "Claims register for {path}.\n"
    "Written by `tracker extract --write`; "
    "edit kinds, citations (locator, quote) and review by hand."
)
# Citation fields in the order they are written, with the type each must hold.
CITATION_FIELDS = {
    "key": "text",
    "marker": "text",
    "ref": "int",
    "reference": "text",
    "score": "number",
    "locator": "text",
    "quote": "text",
}
FLOW_CITATION_FIELDS = frozenset({"key", "marker", "ref", "score"})


class RegisterError(Exception):
    """A register that cannot be merged without losing what a person wrote."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass
class MergeResult:
    """The merged register text and what the merge did, by claim id."""

    text: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    previous: str | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        """Whether the text differs from the register as it was read."""
        return self.text != self.previous


def _too_large_message(size: str, outcome: str = "is {size}, {more}, and was not read") -> str:
    more = f"more than the {size_text(MAX_REGISTER_BYTES)} a register may be"
    said = outcome.format(size=size or "too large", more=more)
    return f"the register {said} - split its document into smaller pages"


def _read_yaml(text: str, fast: bool = False) -> tuple[Any, tuple[int, int, str] | None]:
    """Load YAML text; return the data, or the 0-based line, column and message of the error.

    fast reads with libyaml's parser where it can, which keeps no comments: for loading only.
    """
    if len(text) > MAX_REGISTER_BYTES:
        return None, (0, 0, _too_large_message(size_text(len(text.encode("utf-8")))))
    try:
        return load_yaml(text, fast=fast), None
    except YamlProblem as problem:
        return None, (problem.line, problem.col, f"{problem.message}; {NOT_READ}")


def _flow_map(**values: Any) -> CommentedMap:
    node = CommentedMap(values)
    node.fa.set_flow_style()
    return node


def _flow_seq(values: Iterable[Any]) -> CommentedSeq:
    node = CommentedSeq(values)
    node.fa.set_flow_style()
    return node


# ---------------------------------------------------------------------------------------------
# Loading


def load_register(path: Path, display_path: str) -> Register:
    """Load one register file; content problems become `Problem` records, never exceptions."""
    try:
        data = read_bytes(path, MAX_REGISTER_BYTES)
    except TooLarge:
        return _unread(display_path, 1, 1, _too_large_message(file_size(path)))
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
    data, error = _read_yaml(text, fast=True)
    if isinstance(data, CommentedMap):
        register = _register_of(data, _Reader(display_path))
        if not register.problems:
            return register
    if error is None:
        # Any problem is reported as ruamel's parser reads the text, at its lines and columns.
        data, error = _read_yaml(text)
    reader = _Reader(display_path)
    if error is not None:
        line, col, message = error
        reader.report((line, col), message)
        return reader.register(DocumentInfo("", ""), [])
    if not isinstance(data, CommentedMap):
        reader.report((0, 0), _top_level_message(data))
        return reader.register(DocumentInfo("", ""), [])
    return _register_of(data, reader)


def _register_of(data: CommentedMap, reader: _Reader) -> Register:
    document, claims = reader.document(data), reader.claims(data)
    reader.source_suppressions(data)
    return reader.register(document, claims)


def _top_level_message(data: Any) -> str:
    if data is None:
        return "the register is empty - write `document:` and `claims:` (see `tracker extract`)"
    return f"the register is {_describe(data)}, not a mapping - start it with `document:`"


def _describe(value: Any) -> str:
    """Name a YAML value's type for a message, quoting short scalars."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'the text "{value}"' if len(value) <= 40 else "a text"
    return f"{value!r}"


def _position(node: Any, key: Any = None) -> tuple[int, int]:
    """Return the 0-based line and column of a node, or of one of its values or items."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return 0, 0
    found = None
    with contextlib.suppress(KeyError, IndexError, TypeError):
        if isinstance(node, CommentedSeq) and key is not None:
            found = lc.item(key)
        elif key is not None and key in node:
            found = lc.value(key)
    return found if found else (lc.line, lc.col)


# What a field must hold: a converter that returns None when the value doesn't fit, what to call
# the expected type, and how to write it instead.
def _as_text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) else None


def _all_text(mapping: dict[Any, Any]) -> bool:
    return all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())


def _as_date(value: Any) -> str | None:
    if isinstance(value, datetime.date):
        # An unquoted 2026-11-20 reads as a date; that is what the person meant.
        return value.isoformat()
    return _as_text(value)


def _as_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _as_number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


# The location is the machine's; a merge rewrites it.
_RESTORE = "rerun `tracker extract --write` to restore it"

_TYPES: dict[str, tuple[Any, str, str]] = {
    "text": (_as_text, "text", "put the value in quotes"),
    "date": (_as_date, "a date", "write a date such as '2026-11-20'"),
    "int": (_as_int, "a whole number", "write a whole number such as 3"),
    "number": (_as_number, "a number", "write a number such as 0.9"),
}


@dataclass
class _Reader:
    """Turn a loaded register into model records, collecting problems on the way."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)

    def report(self, where: tuple[int, int], message: str, claim_id: str | None = None) -> None:
        line, col = where
        problem = Problem(PROBLEM_KIND, self.path, line + 1, message, col=col + 1, key=claim_id)
        self.problems.append(problem)

    def register(self, document: DocumentInfo, claims: list[Claim]) -> Register:
        return Register(self.path, document, claims, self.problems, self.suppressions)

    def value(self, node: CommentedMap, key: str, kind: str, owner: str, cid: str | None) -> Any:
        """Return node[key] as `kind`, or None (with a problem) when it holds something else."""
        raw = node.get(key)
        if raw is None:
            return None
        convert, expected, prescription = _TYPES[kind]
        converted = convert(raw)
        if converted is None:
            message = f"{owner}: `{key}` is {_describe(raw)}, not {expected} - {prescription}"
            self.report(_position(node, key), message, cid)
        return converted

    def document(self, data: CommentedMap) -> DocumentInfo:
        node = data.get("document")
        if not isinstance(node, CommentedMap):
            found = "no `document`" if node is None else f"`document` {_describe(node)}"
            message = f"the register has {found} - write `document:` with `title` and `path`"
            self.report(_position(data, "document"), message)
            return DocumentInfo("", "")
        title = self.required_text(node, "title", "document")
        path = self.required_text(node, "path", "document")
        return DocumentInfo(title, path, self.value(node, "url", "text", "document", None))

    def required_text(self, node: CommentedMap, key: str, owner: str) -> str:
        text = self.value(node, key, "text", owner, None)
        if key not in node or node[key] is None:
            self.report(_position(node), f"{owner} has no `{key}` - add `{key}: ...`")
        return text or ""

    def claims(self, data: CommentedMap) -> list[Claim]:
        node = data.get("claims")
        if isinstance(node, CommentedSeq):
            return self.claim_list(node)
        if "claims" not in data:
            self.report(_position(data), "the register has no `claims` - add `claims: []`")
        elif node is not None:
            message = f"`claims` is {_describe(node)}, not a list - write each claim as `- id: ...`"
            self.report(_position(data, "claims"), message)
        return []

    def claim_list(self, node: CommentedSeq) -> list[Claim]:
        claims: list[Claim] = []
        seen: set[str] = set()
        for index in range(len(node)):
            claim = self.claim(node, index, seen)
            if claim is not None:
                claims.append(claim)
        return claims

    def claim(self, seq: CommentedSeq, index: int, seen: set[str]) -> Claim | None:
        item, where = seq[index], _position(seq, index)
        if not isinstance(item, CommentedMap):
            message = f"claim {index + 1} is {_describe(item)}, not a mapping - write `- id: ...`"
            self.report(where, message)
            return None
        cid = self.claim_id(item, index, seen)
        text = self.claim_text(item, cid) if cid is not None else None
        if cid is None or text is None:
            return None
        owner = f'claim "{cid}"'
        self.value(item, "vanished", "date", owner, cid)
        self.suppress_list(item, owner, Suppression("", "", self.path, 0, claim_id=cid))
        return Claim(
            id=cid,
            text=text,
            span=self.span(item, owner, cid),
            kinds=self.kinds(item, owner, cid),
            citations=self.citations(item, owner, cid),
            review=self.review(item, owner, cid),
            status=self.status(item, owner, cid),
            register_line=where[0] + 1,
            history=self.history(item, owner, cid),
        )

    def claim_id(self, item: CommentedMap, index: int, seen: set[str]) -> str | None:
        cid = item.get("id")
        if not isinstance(cid, str) or not cid:
            found = "no `id`" if cid is None else f"the id {_describe(cid)}"
            message = f"claim {index + 1} has {found} and was skipped - add a unique `id: ...`"
            self.report(_position(item, "id"), message)
            return None
        if cid in seen:
            message = f'claim id "{cid}" is used twice; this one was skipped - give it a new id'
            self.report(_position(item, "id"), message, cid)
            return None
        seen.add(cid)
        return str(cid)

    def claim_text(self, item: CommentedMap, cid: str) -> str | None:
        text = item.get("text")
        if not isinstance(text, str) or not text:
            found = "no `text`" if text is None else f"the text {_describe(text)}"
            message = f'claim "{cid}" has {found} and was skipped - copy the sentence it records'
            self.report(_position(item, "text"), message, cid)
            return None
        return str(text)

    def span(self, item: CommentedMap, owner: str, cid: str) -> Span:
        node = item.get("location")
        if node is None:
            return Span(0, 0, 0)
        if not isinstance(node, CommentedMap):
            message = f"{owner}: `location` is {_describe(node)}, not a mapping - {_RESTORE}"
            self.report(_position(item, "location"), message, cid)
            return Span(0, 0, 0)
        reported = len(self.problems)
        line, start, end = (self.value(node, k, "int", owner, cid) for k in LOCATION_FIELDS)
        if line is None or start is None or end is None or line < 1 or not 0 <= start <= end:
            if len(self.problems) == reported:  # a wrong type was reported already
                message = f"{owner}: `location` needs line >= 1 and 0 <= start <= end"
                self.report(_position(item, "location"), f"{message} - {_RESTORE}", cid)
            return Span(0, 0, 0)
        return Span(line, start, end)

    def kinds(self, item: CommentedMap, owner: str, cid: str) -> list[str]:
        node = item.get("kinds")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = f"{owner}: `kinds` is {_describe(node)}, not a list - write [efficacy, ...]"
            self.report(_position(item, "kinds"), message, cid)
            return []
        return [kind for index, kind in enumerate(node) if self.known_kind(node, index, owner, cid)]

    def known_kind(self, node: CommentedSeq, index: int, owner: str, cid: str) -> bool:
        kind = node[index]
        if isinstance(kind, str) and kind in KINDS:
            return True
        message = f"{owner}: unknown kind {_describe(kind)} - use one of {', '.join(KINDS)}"
        self.report(_position(node, index), message, cid)
        return False

    def citations(self, item: CommentedMap, owner: str, cid: str) -> list[Citation]:
        node = item.get("citations")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = f"{owner}: `citations` is {_describe(node)}, not a list - write `- key: ...`"
            self.report(_position(item, "citations"), message, cid)
            return []
        found = (self.citation(node, index, owner, cid) for index in range(len(node)))
        return [citation for citation in found if citation is not None]

    def citation(self, seq: CommentedSeq, index: int, owner: str, cid: str) -> Citation | None:
        node = seq[index]
        if not isinstance(node, CommentedMap):
            message = f"{owner}: citation {index + 1} is {_describe(node)}, not a mapping"
            self.report(_position(seq, index), message + " - write {key: ..., marker: ...}", cid)
            return None
        if "key" not in node:
            message = f"{owner}: citation {index + 1} has no `key` - add `key: null` if unknown"
            self.report(_position(seq, index), message, cid)
        values = {k: self.value(node, k, t, owner, cid) for k, t in CITATION_FIELDS.items()}
        return Citation(**values)

    def review(self, item: CommentedMap, owner: str, cid: str) -> Review | None:
        node = item.get("review")
        if node is None:
            return None
        return self.review_node(node, _position(item, "review"), owner, cid)

    def history(self, item: CommentedMap, owner: str, cid: str) -> list[Review]:
        """Read `reviews`, the earlier verdicts on a claim, oldest first."""
        node = item.get("reviews")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = (
                f"{owner}: `reviews` is {_describe(node)}, not a list - write `- verdict: ...`"
            )
            self.report(_position(item, "reviews"), message, cid)
            return []
        found = (
            self.review_node(node[i], _position(node, i), f"{owner}, earlier review {i + 1}", cid)
            for i in range(len(node))
        )
        return [review for review in found if review is not None]

    def review_node(self, node: Any, where: tuple[int, int], owner: str, cid: str) -> Review | None:
        if not isinstance(node, CommentedMap):
            message = f"{owner}: `review` is {_describe(node)}, not a mapping - write `verdict:`"
            self.report(where, message, cid)
            return None
        verdict = node.get("verdict")
        if verdict not in VERDICTS:
            message = f"{owner}: verdict is {_describe(verdict)} - use one of {', '.join(VERDICTS)}"
            self.report(_position(node, "verdict"), message, cid)
            return None
        by, note, source = (
            self.value(node, k, "text", owner, cid) for k in ("by", "note", "source")
        )
        at = self.value(node, "at", "date", owner, cid)
        return Review(str(verdict), by, at, note, source, self.fingerprint(node, owner, cid))

    def fingerprint(self, review: CommentedMap, owner: str, cid: str) -> Fingerprint | None:
        """Read `fingerprint: {text: HASH, sources: {KEY: HASH}}`, written by `tracker review`."""
        node = review.get("fingerprint")
        if node is None:
            return None
        text = node.get("text") if isinstance(node, dict) else None
        sources = node.get("sources") if isinstance(node, dict) else None
        if not isinstance(text, str) or not isinstance(sources, dict) or not _all_text(sources):
            message = (
                f"{owner}: `fingerprint` is not {{text: HASH, sources: {{KEY: HASH}}}} - "
                "remove it and record the verdict again with `tracker review`"
            )
            self.report(_position(review, "fingerprint"), message, cid)
            return None
        return Fingerprint(text, {str(k): str(v) for k, v in sources.items()})

    def source_suppressions(self, data: CommentedMap) -> None:
        """Read the top-level `sources: {KEY: {suppress: [...]}}` of a register."""
        node = data.get("sources")
        if node is None:
            return
        if not isinstance(node, CommentedMap):
            message = (
                f"`sources` is {_describe(node)}, not a mapping - write `KEY: {{suppress: [...]}}`"
            )
            self.report(_position(data, "sources"), message)
            return
        for key, entry in node.items():
            owner = f'source "{key}"'
            if not isinstance(entry, CommentedMap):
                message = f"{owner}: {_describe(entry)}, not a mapping - write `suppress: [...]`"
                self.report(_position(node, key), message)
                continue
            self.suppress_list(entry, owner, Suppression("", "", self.path, 0, source_key=str(key)))

    def suppress_list(self, owner_node: CommentedMap, owner: str, subject: Suppression) -> None:
        """Read a `suppress` list; an entry needs a check id and a reason, else it is ignored."""
        node = owner_node.get("suppress")
        if node is None:
            return
        if not isinstance(node, CommentedSeq):
            message = (
                f"{owner}: `suppress` is {_describe(node)}, not a list - "
                "write `- {check: CHECK.ID, reason: ...}`"
            )
            self.report(_position(owner_node, "suppress"), message, subject.claim_id)
            return
        for index in range(len(node)):
            self.suppression(node, index, owner, subject)

    def suppression(self, seq: CommentedSeq, index: int, owner: str, subject: Suppression) -> None:
        item, where, cid = seq[index], _position(seq, index), subject.claim_id
        if not isinstance(item, CommentedMap):
            message = f"{owner}: suppression {index + 1} is {_describe(item)}, not a mapping"
            self.report(where, f"{message} - write {{check: CHECK.ID, reason: ...}}", cid)
            return
        check, reason = (self.value(item, k, "text", owner, cid) for k in ("check", "reason"))
        if not check or not check.strip():
            message = f"{owner}: suppression {index + 1} names no `check` - add `check: CHECK.ID`"
            self.report(where, message + "; until then it suppresses nothing", cid)
        elif not reason or not reason.strip():
            message = (
                f'{owner}: the suppression of "{check}" gives no reason - add `reason: ...` '
                "saying why the finding does not apply; until then it suppresses nothing"
            )
            self.report(where, message, cid)
        else:
            line = where[0] + 1
            suppression = dataclasses.replace(
                subject, check=check.strip(), reason=reason, line=line
            )
            self.suppressions.append(suppression)

    def status(self, item: CommentedMap, owner: str, cid: str) -> str:
        status = item.get("status")
        if status is None or status in STATUSES:
            return str(status or "active")
        message = (
            f"{owner}: status is {_describe(status)} - "
            "use `dismissed` (with a note), `vanished`, or remove the line"
        )
        self.report(_position(item, "status"), message, cid)
        return "active"


# ---------------------------------------------------------------------------------------------
# Rendering


def render_new_register(document: DocumentInfo, claims: list[Claim]) -> str:
    """Write a fresh register for a document's claims, with the explanatory header."""
    root = CommentedMap()
    root["document"] = document_to_node(document)
    root["claims"] = CommentedSeq(claim_to_node(claim) for claim in claims)
    root.yaml_set_start_comment(HEADER.format(path=_printable(document.path)))
    return dump_yaml(root)


def _printable(text: str) -> str:
    # A comment cannot escape characters, and YAML refuses control characters anywhere.
    return "".join(char if char.isprintable() else "?" for char in text)


def document_to_node(document: DocumentInfo) -> CommentedMap:
    """Return the `document` mapping of a register."""
    node = CommentedMap(title=document.title, path=document.path)
    if document.url is not None:
        node["url"] = document.url
    return node


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """Return a claim as plain data, with the register's field names in its order."""
    data: dict[str, Any] = {
        "id": claim.id,
        "text": claim.text,
        "location": {"line": claim.span.line, "start": claim.span.start, "end": claim.span.end},
        "kinds": list(claim.kinds),
        "citations": [citation_to_dict(citation) for citation in claim.citations],
    }
    if claim.review is not None:
        data["review"] = review_to_dict(claim.review)
    if claim.history:
        data["reviews"] = [review_to_dict(review) for review in claim.history]
    if claim.status != "active":
        data["status"] = claim.status
    return data


def review_to_dict(review: Review) -> dict[str, Any]:
    """Return a review as plain data, with only the fields that are set."""
    return _without_none(dataclasses.asdict(review))


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """Return a citation as plain data; `key` is always there, other fields only when set."""
    return {"key": citation.key, **_without_none(dataclasses.asdict(citation))}


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if value is not None}


def claim_to_node(claim: Claim) -> CommentedMap:
    """Return a claim as a register item, laid out as the register format shows it."""
    data = claim_to_dict(claim)
    node = CommentedMap(data)
    node["location"] = _flow_map(**data["location"])
    node["kinds"] = _flow_seq(data["kinds"])
    node["citations"] = CommentedSeq(_citation_node(c) for c in data["citations"])
    if "review" in data:
        node["review"] = CommentedMap(data["review"])
    return node


def _location_node(span: Span) -> CommentedMap:
    return _flow_map(line=span.line, start=span.start, end=span.end)


def _citation_node(data: dict[str, Any]) -> CommentedMap:
    node = CommentedMap(data)
    # Only the machine's own link fits on one line; a person's locator or quote gets room.
    if set(data) <= FLOW_CITATION_FIELDS:
        node.fa.set_flow_style()
    return node


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


def _normalize_tails(node: Any) -> None:
    """Move every comment tail to the item it precedes, or to the end of its collection."""
    if not _is_block(node):
        return
    keys = _keys(node)
    for key, following in zip(keys, [*keys[1:], None], strict=True):
        _normalize_tails(node[key])
        tail = _detach_tail(node[key])
        if following is None:
            _attach_end(node, tail)
        else:
            _attach_before(node, following, tail)


# ---------------------------------------------------------------------------------------------
# Merging


def _collapse(text: Any) -> str | None:
    return " ".join(text.split()) if isinstance(text, str) else None


@dataclass
class _Merge:
    """What one merge changed, for the report and for deciding whether to rewrite the file."""

    today: str
    result: MergeResult
    document_changed: bool = False

    @property
    def touched(self) -> bool:
        r = self.result
        lists = (r.added, r.updated, r.vanished, r.restored, r.filled)
        return self.document_changed or any(lists)


def merge_register(
    existing_text: str | None,
    document: DocumentInfo,
    claims: list[Claim],
    today: str,
    *,
    display_path: str | None = None,
) -> MergeResult:
    """Merge extracted claims into a register's text, keeping everything a person wrote."""
    if display_path is None:
        display_path = f"claims/{PurePosixPath(document.path).stem}.yaml"
    if existing_text is None or not existing_text.strip():
        text = _within_limit(render_new_register(document, claims), display_path)
        return MergeResult(text, added=[c.id for c in claims], previous=existing_text)
    root = _load_for_merge(existing_text, display_path)
    merge = _Merge(today, MergeResult(existing_text, previous=existing_text))
    _normalize_tails(root)
    _merge_document(root, document, merge)
    _merge_claims(root["claims"], claims, merge)
    if merge.touched:
        # Untouched registers are returned as read, so a rerun never reformats a person's file.
        merge.result.text = _within_limit(dump_yaml(root), display_path)
    return merge.result


def _within_limit(text: str, display_path: str) -> str:
    """Return register text, or refuse text the loader would refuse to read back."""
    if len(text) > MAX_REGISTER_BYTES:
        size = size_text(len(text.encode("utf-8")))
        message = _too_large_message(size, "would be {size}, {more}, and was not written")
        raise RegisterError(display_path, 1, message)
    return text


def _load_for_merge(text: str, display_path: str) -> CommentedMap:
    root, error = _read_yaml(text)
    if error is not None:
        line, _, message = error
        raise RegisterError(display_path, line + 1, message)
    if not isinstance(root, CommentedMap):
        raise RegisterError(display_path, 1, _top_level_message(root))
    _check_shape(root, "document", CommentedMap, display_path)
    _check_shape(root, "claims", CommentedSeq, display_path)
    if root.get("claims") is None:
        root["claims"] = CommentedSeq()
    return root


def _check_shape(root: CommentedMap, key: str, kind: type, display_path: str) -> None:
    value = root.get(key)
    if value is not None and not isinstance(value, kind):
        expected = "a mapping" if kind is CommentedMap else "a list"
        message = f"`{key}` is {_describe(value)}, not {expected} - fix it by hand, then rerun"
        raise RegisterError(display_path, _position(root, key)[0] + 1, message)


def _merge_document(root: CommentedMap, document: DocumentInfo, merge: _Merge) -> None:
    node = root.get("document")
    if node is None:
        root.insert(0, "document", document_to_node(document))
        merge.document_changed = True
        return
    # Title and path come from the document itself; a url given by hand is kept when unknown.
    wanted = {"title": document.title, "path": document.path, "url": document.url}
    for key, value in wanted.items():
        if value is not None and node.get(key) != value:
            node[key] = value
            merge.document_changed = True


def _merge_claims(seq: CommentedSeq, claims: list[Claim], merge: _Merge) -> None:
    before = _identified(seq)
    matches = _match(before, claims)
    anchor = -1
    for index, claim in enumerate(claims):
        item = matches.get(index)
        if item is None:
            anchor += 1
            seq.insert(anchor, claim_to_node(claim))
            merge.result.added.append(claim.id)
        else:
            anchor = next(i for i, other in enumerate(seq) if other is item)
            _merge_claim(item, claim, merge)
    matched = {id(item) for item in matches.values()}
    for item in before:
        if id(item) not in matched:
            _vanish(item, merge)


def _identified(seq: CommentedSeq) -> list[CommentedMap]:
    """Return the register items with a usable id; the others are left for a person to fix."""
    return [item for item in _mappings(seq) if isinstance(item.get("id"), str)]


def _match(items: list[CommentedMap], claims: list[Claim]) -> dict[int, CommentedMap]:
    """Pair extracted claims (by index) with register items: by id, by text, then by similar
    text near the same place (a claim edited a little keeps its id and review)."""
    by_id: dict[str, CommentedMap] = {}
    by_text: dict[str | None, CommentedMap] = {}
    for item in reversed(items):  # reversed, so the first of any duplicates wins
        by_id[item["id"]] = item
        by_text[_collapse(item.get("text"))] = item
    matches: dict[int, CommentedMap] = {}
    for index, claim in enumerate(claims):
        _pair(matches, index, by_id.get(claim.id))
    for index, claim in enumerate(claims):
        if index not in matches:
            _pair(matches, index, by_text.get(_collapse(claim.text)))
    matches.update(pair_edited(items, claims, matches))
    return matches


def _pair(matches: dict[int, CommentedMap], index: int, item: CommentedMap | None) -> None:
    if item is not None and all(item is not other for other in matches.values()):
        matches[index] = item


def _merge_claim(item: CommentedMap, claim: Claim, merge: _Merge) -> None:
    cid = item["id"]
    relocated = _set_location(item, claim.span)
    reworded = _reword(item, claim, merge.today) or _refresh_text(item, claim.text)
    if reworded or relocated:
        merge.result.updated.append(cid)
    if _fill_citations(item, claim.citations):
        merge.result.filled.append(cid)
    if item.get("status") == "vanished":
        item.pop("status")
        item.pop("vanished", None)
        merge.result.restored.append(cid)


def _same_int(value: Any, wanted: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == wanted


def _set_location(item: CommentedMap, span: Span) -> bool:
    """Update the machine-owned location in place, so its layout and comments stay."""
    wanted = {"line": span.line, "start": span.start, "end": span.end}
    node = item.get("location")
    if not isinstance(node, CommentedMap):
        _put(item, "location", _location_node(span), after="text")
        return True
    if all(_same_int(node.get(key), value) for key, value in wanted.items()):
        return False
    node.update(wanted)
    return True


def _put(item: CommentedMap, key: str, value: Any, after: str) -> None:
    if key in item or after not in item:
        item[key] = value
    else:
        item.insert(list(item).index(after) + 1, key, value)


def _reword(item: CommentedMap, claim: Claim, today: str) -> bool:
    """Take the new wording of a claim paired by similar text, noting the old in its history
    (claims.stale_review quotes it); a claim paired by id or text is not reworded here."""
    old, new = item.get("text"), claim.text
    if item["id"] == claim.id or not isinstance(old, str) or _collapse(old) == _collapse(new):
        return False
    item["text"] = new
    if item.get("history") is None:
        item["history"] = CommentedSeq()
    if isinstance(item["history"], CommentedSeq):  # a history written otherwise is left alone
        edit = _flow_map(at=today, by="tracker extract", action="text", before=old, after=new)
        item["history"].append(edit)
    return True


def _refresh_text(item: CommentedMap, text: str) -> bool:
    """Take the document's text when it differs only in whitespace; a person's rewording stays."""
    old = item.get("text")
    if old is None:
        _put(item, "text", text, after="id")
        return True
    if old == text or _collapse(old) != _collapse(text):
        return False
    item["text"] = text
    return True


def _fill_citations(item: CommentedMap, citations: list[Citation]) -> bool:
    """Add what the register lacks: unknown keys found since, and markers not yet listed."""
    node = item.get("citations")
    if node is None and citations:
        node = item["citations"] = CommentedSeq()
    if not isinstance(node, CommentedSeq):
        return False
    changed = False
    for citation in citations:
        same = [c for c in _mappings(node) if c.get("marker") == citation.marker]
        if not same:
            _append_citation(node, citation)
            changed = True
        elif _fill_key(same, citation):
            changed = True
    return changed


def _mappings(node: CommentedSeq) -> list[CommentedMap]:
    return [item for item in node if isinstance(item, CommentedMap)]


def _append_citation(node: CommentedSeq, citation: Citation) -> None:
    if not node:
        # An empty list is written `[]`; a flow list would force its new items onto one line.
        node.fa.set_block_style()
    node.append(_citation_node(citation_to_dict(citation)))


def _fill_key(same_marker: list[CommentedMap], citation: Citation) -> bool:
    """Give the extracted key to a keyless citation with the same marker and ref, if none has it."""
    same_ref = [c for c in same_marker if c.get("ref") == citation.ref]
    if citation.key is None or any(c.get("key") == citation.key for c in same_ref):
        return False
    keyless = [c for c in same_ref if c.get("key") is None]
    if not keyless:
        return False
    keyless[0]["key"] = citation.key
    if citation.score is not None:
        keyless[0]["score"] = citation.score
    return True


def _vanish(item: CommentedMap, merge: _Merge) -> None:
    """Mark a claim the document no longer has; it stays, as people may have reviewed it."""
    if item.get("status") == "vanished":
        return
    item["status"] = "vanished"
    if item.get("vanished") is None:
        item["vanished"] = merge.today
    merge.result.vanished.append(item["id"])
