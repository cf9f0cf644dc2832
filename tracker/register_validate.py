"""Turn a register's loaded YAML into model records, each misfit value a located `Problem`.

A value of the wrong type, a claim without an id, an unknown kind or verdict: each is reported
at its line and column with how to fix it, and the rest of the register is still read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

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

# dismissed: a reviewer decided the unit is no claim (a `note` says why); extraction keeps it so.
STATUSES = ("active", "vanished", "dismissed")
PROBLEM_KIND = "malformed-register"
LOCATION_FIELDS = ("line", "start", "end")
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


def validate(data: Any, display_path: str) -> Register:
    """Return the register that loaded data holds, with a problem for each value that misfits."""
    reader = _Reader(display_path)
    if not isinstance(data, CommentedMap):
        reader.report((0, 0), top_level_message(data))
        return reader.register(DocumentInfo("", ""), [])
    document, claims = reader.document(data), reader.claims(data)
    reader.source_suppressions(data)
    return reader.register(document, claims)


def top_level_message(data: Any) -> str:
    """Say why loaded data that is not a mapping is no register."""
    if data is None:
        return "the register is empty - write `document:` and `claims:` (see `tracker extract`)"
    return f"the register is {describe(data)}, not a mapping - start it with `document:`"


def describe(value: Any) -> str:
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


def position(node: Any, key: Any = None) -> tuple[int, int]:
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
            message = f"{owner}: `{key}` is {describe(raw)}, not {expected} - {prescription}"
            self.report(position(node, key), message, cid)
        return converted

    def document(self, data: CommentedMap) -> DocumentInfo:
        node = data.get("document")
        if not isinstance(node, CommentedMap):
            found = "no `document`" if node is None else f"`document` {describe(node)}"
            message = f"the register has {found} - write `document:` with `title` and `path`"
            self.report(position(data, "document"), message)
            return DocumentInfo("", "")
        title = self.required_text(node, "title", "document")
        path = self.required_text(node, "path", "document")
        return DocumentInfo(title, path, self.value(node, "url", "text", "document", None))

    def required_text(self, node: CommentedMap, key: str, owner: str) -> str:
        text = self.value(node, key, "text", owner, None)
        if key not in node or node[key] is None:
            self.report(position(node), f"{owner} has no `{key}` - add `{key}: ...`")
        return text or ""

    def claims(self, data: CommentedMap) -> list[Claim]:
        node = data.get("claims")
        if isinstance(node, CommentedSeq):
            return self.claim_list(node)
        if "claims" not in data:
            self.report(position(data), "the register has no `claims` - add `claims: []`")
        elif node is not None:
            message = f"`claims` is {describe(node)}, not a list - write each claim as `- id: ...`"
            self.report(position(data, "claims"), message)
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
        item, where = seq[index], position(seq, index)
        if not isinstance(item, CommentedMap):
            message = f"claim {index + 1} is {describe(item)}, not a mapping - write `- id: ...`"
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
            found = "no `id`" if cid is None else f"the id {describe(cid)}"
            message = f"claim {index + 1} has {found} and was skipped - add a unique `id: ...`"
            self.report(position(item, "id"), message)
            return None
        if cid in seen:
            message = f'claim id "{cid}" is used twice; this one was skipped - give it a new id'
            self.report(position(item, "id"), message, cid)
            return None
        seen.add(cid)
        return str(cid)

    def claim_text(self, item: CommentedMap, cid: str) -> str | None:
        text = item.get("text")
        if not isinstance(text, str) or not text:
            found = "no `text`" if text is None else f"the text {describe(text)}"
            message = f'claim "{cid}" has {found} and was skipped - copy the sentence it records'
            self.report(position(item, "text"), message, cid)
            return None
        return str(text)

    def span(self, item: CommentedMap, owner: str, cid: str) -> Span:
        node = item.get("location")
        if node is None:
            return Span(0, 0, 0)
        if not isinstance(node, CommentedMap):
            message = f"{owner}: `location` is {describe(node)}, not a mapping - {_RESTORE}"
            self.report(position(item, "location"), message, cid)
            return Span(0, 0, 0)
        reported = len(self.problems)
        line, start, end = (self.value(node, k, "int", owner, cid) for k in LOCATION_FIELDS)
        if line is None or start is None or end is None or line < 1 or not 0 <= start <= end:
            if len(self.problems) == reported:  # a wrong type was reported already
                message = f"{owner}: `location` needs line >= 1 and 0 <= start <= end"
                self.report(position(item, "location"), f"{message} - {_RESTORE}", cid)
            return Span(0, 0, 0)
        return Span(line, start, end)

    def kinds(self, item: CommentedMap, owner: str, cid: str) -> list[str]:
        node = item.get("kinds")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = f"{owner}: `kinds` is {describe(node)}, not a list - write [efficacy, ...]"
            self.report(position(item, "kinds"), message, cid)
            return []
        return [kind for index, kind in enumerate(node) if self.known_kind(node, index, owner, cid)]

    def known_kind(self, node: CommentedSeq, index: int, owner: str, cid: str) -> bool:
        kind = node[index]
        if isinstance(kind, str) and kind in KINDS:
            return True
        message = f"{owner}: unknown kind {describe(kind)} - use one of {', '.join(KINDS)}"
        self.report(position(node, index), message, cid)
        return False

    def citations(self, item: CommentedMap, owner: str, cid: str) -> list[Citation]:
        node = item.get("citations")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = f"{owner}: `citations` is {describe(node)}, not a list - write `- key: ...`"
            self.report(position(item, "citations"), message, cid)
            return []
        found = (self.citation(node, index, owner, cid) for index in range(len(node)))
        return [citation for citation in found if citation is not None]

    def citation(self, seq: CommentedSeq, index: int, owner: str, cid: str) -> Citation | None:
        node = seq[index]
        if not isinstance(node, CommentedMap):
            message = f"{owner}: citation {index + 1} is {describe(node)}, not a mapping"
            self.report(position(seq, index), message + " - write {key: ..., marker: ...}", cid)
            return None
        if "key" not in node:
            message = f"{owner}: citation {index + 1} has no `key` - add `key: null` if unknown"
            self.report(position(seq, index), message, cid)
        values = {k: self.value(node, k, t, owner, cid) for k, t in CITATION_FIELDS.items()}
        return Citation(**values)

    def review(self, item: CommentedMap, owner: str, cid: str) -> Review | None:
        node = item.get("review")
        if node is None:
            return None
        return self.review_node(node, position(item, "review"), owner, cid)

    def history(self, item: CommentedMap, owner: str, cid: str) -> list[Review]:
        """Read `reviews`, the earlier verdicts on a claim, oldest first."""
        node = item.get("reviews")
        if node is None:
            return []
        if not isinstance(node, CommentedSeq):
            message = f"{owner}: `reviews` is {describe(node)}, not a list - write `- verdict: ...`"
            self.report(position(item, "reviews"), message, cid)
            return []
        found = (
            self.review_node(node[i], position(node, i), f"{owner}, earlier review {i + 1}", cid)
            for i in range(len(node))
        )
        return [review for review in found if review is not None]

    def review_node(self, node: Any, where: tuple[int, int], owner: str, cid: str) -> Review | None:
        if not isinstance(node, CommentedMap):
            message = f"{owner}: `review` is {describe(node)}, not a mapping - write `verdict:`"
            self.report(where, message, cid)
            return None
        verdict = node.get("verdict")
        if verdict not in VERDICTS:
            message = f"{owner}: verdict is {describe(verdict)} - use one of {', '.join(VERDICTS)}"
            self.report(position(node, "verdict"), message, cid)
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
            self.report(position(review, "fingerprint"), message, cid)
            return None
        return Fingerprint(text, {str(k): str(v) for k, v in sources.items()})

    def source_suppressions(self, data: CommentedMap) -> None:
        """Read the top-level `sources: {KEY: {suppress: [...]}}` of a register."""
        node = data.get("sources")
        if node is None:
            return
        if not isinstance(node, CommentedMap):
            message = (
                f"`sources` is {describe(node)}, not a mapping - write `KEY: {{suppress: [...]}}`"
            )
            self.report(position(data, "sources"), message)
            return
        for key, entry in node.items():
            owner = f'source "{key}"'
            if not isinstance(entry, CommentedMap):
                message = f"{owner}: {describe(entry)}, not a mapping - write `suppress: [...]`"
                self.report(position(node, key), message)
                continue
            self.suppress_list(entry, owner, Suppression("", "", self.path, 0, source_key=str(key)))

    def suppress_list(self, owner_node: CommentedMap, owner: str, subject: Suppression) -> None:
        """Read a `suppress` list; an entry needs a check id and a reason, else it is ignored."""
        node = owner_node.get("suppress")
        if node is None:
            return
        if not isinstance(node, CommentedSeq):
            message = (
                f"{owner}: `suppress` is {describe(node)}, not a list - "
                "write `- {check: CHECK.ID, reason: ...}`"
            )
            self.report(position(owner_node, "suppress"), message, subject.claim_id)
            return
        for index in range(len(node)):
            self.suppression(node, index, owner, subject)

    def suppression(self, seq: CommentedSeq, index: int, owner: str, subject: Suppression) -> None:
        item, where, cid = seq[index], position(seq, index), subject.claim_id
        if not isinstance(item, CommentedMap):
            message = f"{owner}: suppression {index + 1} is {describe(item)}, not a mapping"
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
            f"{owner}: status is {describe(status)} - "
            "use `dismissed` (with a note), `vanished`, or remove the line"
        )
        self.report(position(item, "status"), message, cid)
        return "active"
