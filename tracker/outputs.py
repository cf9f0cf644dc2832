"""Turn findings and extractions into text for terminals and JSON for programs.

Text findings are one per line, `path:line:col: severity check.id: message`, the shape
editors, CI annotators and linters' problem matchers parse.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import orjson

from tracker import warm
from tracker.model import Citation, Finding, Severity, Source, place

if TYPE_CHECKING:  # extraction pulls in the readers and lexicons, which findings do not need
    from tracker.extract import Extraction, ResolvedReference


class ExitStatus(IntEnum):
    """What the process exit code tells CI."""

    SUCCESS = 0
    ERRORS_FOUND = 1
    USER_ERROR = 2
    BUG = 3


# What a terminal or a CI log would act on rather than show: C0 and C1 control characters
# (an escape sequence can retitle a terminal or hide a line; tab and line feed are kept) and
# the bidirectional controls, which reorder what is shown (CVE-2021-42574, "Trojan Source").
INVISIBLE = warm.pattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def visible(text: str) -> str:
    """Return text with control and bidirectional characters written out: `\x1b`, `U+202E`."""
    # Every character INVISIBLE matches is unprintable, and nearly every text is printable.
    return text if text.isprintable() else INVISIBLE.sub(_written_out, text)


def _written_out(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"U+{code:04X}"


# In JSON, the bidirectional controls as \u escapes: JSON allows them raw, but a terminal
# showing the JSON would reorder the text around them.
BIDI_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def json_safe(text: str) -> str:
    """Return JSON text with the bidirectional controls in its strings escaped."""
    # ASCII text, which Python tells without reading it, holds none.
    return text if text.isascii() else json_safe_bytes(text.encode("utf-8")).decode("utf-8")


def json_safe_bytes(data: bytes) -> bytes:
    """Return json_safe of UTF-8 JSON text, as bytes: output of many findings is written as
    orjson encodes it, without decoding it to look for the controls."""
    # Deleting the ASCII bytes (in C, a tenth of the time of decoding) leaves whole UTF-8
    # characters, among which a control's bytes are that control; most text holds none.
    rest = data.translate(None, _ASCII)
    for control, escape in _BIDI_BYTES:
        if control in rest:
            data = data.replace(control, escape)
    return data


_ASCII = bytes(range(128))
_BIDI_BYTES = [(chr(code).encode("utf-8"), bytes(e, "ascii")) for code, e in BIDI_ESCAPES.items()]


# ANSI colours of the severity word on a terminal: red, yellow, cyan, as linters show them.
COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
RESET = "\x1b[0m"


def finding_line(finding: Finding, colour: bool = False) -> str:
    """Return `path:line:col: severity check.id: [risk] message`, the severity coloured if asked."""
    severity = finding.severity.value
    if colour:
        severity = f"{COLOURS[finding.severity]}{severity}{RESET}"
    where = f"{visible(finding.path)}:{finding.line}:{finding.col}"
    risk = f"[{finding.risk}] " if finding.risk else ""
    return f"{where}: {severity} {finding.check}: {risk}{visible(finding.message)}"


def findings_text(findings: Iterable[Finding], colour: bool = False) -> str:
    """Return one line per finding."""
    return "".join(text_chunks(findings, colour))


def text_chunks(findings: Iterable[Finding], colour: bool = False) -> Iterator[str]:
    """Yield findings_text a thousand lines at a time, as the findings come."""
    lines: list[str] = []
    for finding in findings:
        lines.append(finding_line(finding, colour) + "\n")
        if len(lines) == CHUNK_LINES:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


CHUNK_LINES = 1000


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts[s.value] for s in Severity}


class Tally:
    """Counts the findings that pass through it by severity, for the summary at the end."""

    def __init__(self, findings: Iterable[Any]) -> None:  # Findings, or RenderedFindings too
        self._findings = findings
        self.counts = dict.fromkeys((s.value for s in Severity), 0)

    def __iter__(self) -> Iterator[Any]:
        counts = self.counts
        for finding in self._findings:
            if isinstance(finding, RenderedFindings):
                for severity, count in zip(Severity, finding.counts, strict=True):
                    counts[severity] += count
            else:
                counts[finding.severity] += 1  # a StrEnum finds its value's key
            yield finding

    def at_least(self, severity: Severity) -> bool:
        """Tell whether any finding passed at that severity or above."""
        return any(self.counts[s.value] for s in Severity if s.rank >= severity.rank)


def summary_line(findings: Iterable[Finding] | Tally, hidden: int = 0) -> str:
    """Return "2 errors, 1 warning, 0 info", and how many a baseline hid, if any."""
    counts = findings.counts if isinstance(findings, Tally) else severity_counts(findings)
    line = (
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{counts['info']} info"
    )
    return f"{line} ({plural(hidden, 'finding')} hidden by the baseline)" if hidden else line


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def findings_json(findings: list[Finding], summary: dict[str, Any]) -> str:
    """Return the findings and a summary as one JSON object."""
    chunks = json_chunks(findings, lambda: summary | severity_counts(findings))
    return b"".join(chunks).decode("utf-8")


def json_chunks(
    findings: Iterable[Finding | RenderedFindings], summary: Callable[[], dict[str, Any]]
) -> Iterator[bytes]:
    """Yield findings_json's text, UTF-8 encoded, a part at a time, as the findings come: the
    summary, asked for once they are all written, follows them (it counts what the run
    found). Findings already rendered go out as they are."""
    # orjson: the json module's indenting encoder took 4 s for a 10k-page project's findings.
    # Its bytes go out as they are (decoding the 140 MB of a 10k-page project took 0.15 s).
    yield b'{\n  "findings": ['
    items: list[Finding] = []
    written = False
    for finding in findings:
        if isinstance(finding, RenderedFindings):
            if items:
                yield (b"," if written else b"") + b"\n" + _json_items(items)
                items, written = [], True
            if finding.text:
                yield (b"," if written else b"") + b"\n" + finding.text
                written = True
            continue
        items.append(finding)
        if len(items) == CHUNK_LINES:
            yield (b"," if written else b"") + b"\n" + _json_items(items)
            items, written = [], True
    if items:
        yield (b"," if written else b"") + b"\n" + _json_items(items)
        written = True
    closing = b"\n  ]" if written else b"]"
    totals = _nested(orjson.dumps(summary(), option=orjson.OPT_INDENT_2))
    yield closing + b',\n  "summary": ' + json_safe_bytes(totals) + b"\n}\n"


def _json_items(items: list[Finding]) -> bytes:
    """Return items as the elements of a JSON list two levels deep, as OPT_INDENT_2 writes
    them: one orjson call for many items, the list's own brackets left off."""
    text = orjson.dumps([item.as_dict() for item in items], option=orjson.OPT_INDENT_2)
    return json_safe_bytes(b"  " + _nested(text[2:-2]))


def _nested(text: bytes) -> bytes:
    """Return indented JSON indented one level more, but for its first line."""
    return text.replace(b"\n", b"\n  ")


@dataclass(frozen=True)
class RenderedFindings:
    """One document's findings as `--format json` writes them (in order of place, two levels
    deep, joined by commas), with what the output needs to know of them without reading them
    back: how many there are of each severity, and where the last one stands.

    The cache stores a document's findings so: those of an unchanged document go from the
    cache to JSON output as they are, and are read back only for the other formats.
    """

    text: bytes
    counts: tuple[int, ...]  # in the order of Severity
    last: tuple[str, int, int, str] | None

    @classmethod
    def of(cls, findings: list[Finding]) -> RenderedFindings:
        """Render findings that are in order of place."""
        if not findings:
            return cls(b"", (0,) * len(Severity), None)
        counts = Counter(finding.severity for finding in findings)
        return cls(
            _json_items(findings),
            tuple(counts[severity] for severity in Severity),
            place(findings[-1]),
        )

    def findings(self) -> list[Finding]:
        """Read the findings back; ValueError if the text holds anything else."""
        if not self.text:
            return []
        return [_finding(item) for item in orjson.loads(b"[" + self.text + b"]")]


_FINDING_FIELDS = frozenset(Finding("", Severity.INFO, "", 0, 0, "").as_dict())
_SEVERITIES = {severity.value: severity for severity in Severity}


def _finding(item: Any) -> Finding:
    # Filled as the cache fills records (tracker.cache._maker): Finding.__init__ sets each
    # field through object.__setattr__, as it is frozen, at several times the cost.
    if type(item) is not dict or item.keys() != _FINDING_FIELDS:
        raise ValueError(f"not a finding: {str(item)[:80]}")
    try:
        item["severity"] = _SEVERITIES[item["severity"]]
    except (KeyError, TypeError):
        raise ValueError(f"not a severity: {item['severity']!r}") from None
    finding: Finding = object.__new__(Finding)
    object.__setattr__(finding, "__dict__", item)
    return finding


def reference_status(item: ResolvedReference) -> str:
    if item.resolution.key is None:
        return "unresolved"
    return "unverifiable" if item.resolution.unverifiable else "resolved"


def citation_json(citation: Citation, sources: dict[str, Source]) -> dict[str, Any]:
    """Describe a citation; key is null unless it names a known, verifiable work."""
    entry = sources.get(citation.key or "")
    status = (
        "unresolved" if entry is None else ("unverifiable" if entry.unverifiable else "resolved")
    )
    return {
        "marker": citation.marker,
        "ref": citation.ref,
        "key": citation.key if status == "resolved" else None,
        "entry": citation.key,
        "status": status,
        "score": citation.score,
    }


def extraction_dict(extraction: Extraction, sources: dict[str, Source]) -> dict[str, Any]:
    """Return the extraction in the JSON shape `tracker extract --format json` prints."""
    return {
        "document": extraction.document.path,
        "title": extraction.document.title,
        "claims": [
            {
                "id": c.id,
                "text": c.text,
                "start": c.span.start,
                "end": c.span.end,
                "line": c.span.line,
                "kinds": c.kinds,
                "reasons": c.reasons,
                "citations": [citation_json(ci, sources) for ci in c.citations],
            }
            for c in extraction.claims
        ],
        # What was left out and by which rule, so a reviewer can see why.
        "non_claims": [
            {
                "text": u.text,
                "line": extraction.text.line_of(u.unit.start),
                "claim": False,
                "reasons": list(u.decision.reasons),
            }
            for u in extraction.units
            if not u.decision.is_claim
        ],
        "references": [reference_json(r) for r in extraction.references],
        "problems": [
            {"kind": p.kind, "line": p.line, "col": p.col, "message": p.message}
            for p in extraction.problems
        ],
    }


def reference_json(item: ResolvedReference) -> dict[str, Any]:
    resolution = item.resolution
    return {
        "number": item.entry.number if item.label is None else None,
        "footnote": item.label,
        "text": item.entry.text,
        "line": item.entry.line,
        "key": resolution.key if not resolution.unverifiable else None,
        "entry": resolution.key,
        "status": reference_status(item),
        "method": resolution.method,
        "score": resolution.score,
        "publisher_as_journal": resolution.publisher_as_journal,
        "candidates": [{"key": k, "score": s} for k, s in resolution.candidates],
        "stub": stub_of(item) if resolution.key is None else None,
    }


def extraction_text(extraction: Extraction, sources: dict[str, Source]) -> str:
    """Return a terminal listing: one line per claim, its reasons and citations, then references."""
    path = extraction.document.path
    lines = []
    for claim in extraction.claims:
        col = extraction.text.col_of(claim.span.start)
        kinds = ",".join(claim.kinds)
        lines.append(
            f"{path}:{claim.span.line}:{col}: {claim.id} [{kinds}] {' '.join(claim.text.split())}"
        )
        lines.append(f"    why: {'; '.join(claim.reasons)}")
        lines.extend(f"    cites {describe_citation(c, sources)}" for c in claim.citations)
    for item in extraction.references:
        lines.extend(reference_lines(path, item))
    for problem in extraction.problems:
        lines.append(f"{path}:{problem.line}:{problem.col}: {problem.message}")
    cited = sum(1 for c in extraction.claims if c.citations)
    lines.append(
        f"{len(extraction.claims)} claims ({cited} cited) in {len(extraction.units)} units"
    )
    return visible("\n".join(lines)) + "\n"


def reference_lines(path: str, item: ResolvedReference) -> list[str]:
    """Describe one reference; an unresolved one comes with a BibTeX stub to paste."""
    name = f"footnote {item.label}" if item.label else f"reference {item.entry.number}"
    lines = [f"{path}:{item.entry.line}:1: {name}: {describe_reference(item)}"]
    if item.resolution.key is None:
        parsed = item.entry.parsed
        identifier = f"doi:{parsed.doi}" if parsed.doi else (parsed.pmid and f"PMID:{parsed.pmid}")
        if identifier:
            lines.append(f"    add it from its record with: tracker add {identifier}")
        stub = stub_of(item)
        lines.append("    a stub to check and paste into the bibliography:")
        lines.extend(f"    {line}" for line in stub.splitlines())
    return lines


def describe_citation(citation: Citation, sources: dict[str, Source]) -> str:
    status = citation_json(citation, sources)["status"]
    target = citation.key or "nothing"
    return f"{citation.marker} -> {target} ({status})"


def describe_reference(item: ResolvedReference) -> str:
    resolution = item.resolution
    text = f'"{item.entry.text}"'
    if resolution.key is None:
        near = ", ".join(f"{k} {s:.2f}" for k, s in resolution.candidates if s > 0) or "none"
        return f"{text} matches no entry ({resolution.method}; nearest: {near})"
    how = f"{resolution.method}, score {resolution.score:.2f}"
    if resolution.unverifiable:
        return f"{text} -> {resolution.key}, a placeholder for an unverifiable work ({how})"
    if resolution.publisher_as_journal:
        how += "; the reference names the publisher where the journal belongs"
    return f"{text} -> {resolution.key} ({how})"


def stub_of(item: ResolvedReference) -> str:
    """Return a BibTeX stub made from an unresolved reference's own fields."""
    from tracker.stubs import bibtex_stub  # reference parsing: only needed for extractions

    return bibtex_stub(item.entry.parsed, item.entry.text)
