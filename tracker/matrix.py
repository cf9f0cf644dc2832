"""The claims matrix: the table reviewers hand on, one row per claim and cited source.

Export turns a project into rows and writes them as CSV or XLSX. Import reads an edited
matrix back and applies the reviewers' edits to the registers as a round trip (comments,
order and unknown fields kept), refusing to overwrite a value that changed since the export:
each row carries a fingerprint of the editable values it was exported with. Every change goes
into the claim's `history`, and a new verdict keeps the earlier review in `reviews`.
"""

from __future__ import annotations

import copy
import csv
import datetime
import hashlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from tracker.atomic import locked, write_atomic, write_if_unchanged
from tracker.evidence import evidence_of
from tracker.formatting import format_sources
from tracker.limits import MAX_MATRIX_BYTES, MAX_REGISTER_BYTES, TooLarge, read_bytes, size_text
from tracker.model import KINDS, VERDICTS, Claim, Finding, Register, Review, Source
from tracker.project import Project
from tracker.register_edits import Change as Entry
from tracker.register_edits import _replace_review, append_history, now
from tracker.register_roundtrip import RegisterError, load_for_edit, normalize_tails
from tracker.report import claim_status
from tracker.retractions import Retractions
from tracker.yamlio import dump_yaml

COLUMNS = (
    "claim_id",
    "document",
    "line",
    "start",
    "end",
    "claim",
    "kinds",
    "status",
    "marker",
    "source_key",
    "source",
    "locator",
    "quote",
    "evidence",
    "retraction",
    "verdict",
    "reviewer",
    "reviewed_at",
    "note",
    "findings",
    "row_fingerprint",
)
# What reviewers may edit, in the order the fingerprint hashes them.
EDITABLE = ("kinds", "locator", "quote", "verdict", "reviewer", "reviewed_at", "note")
REQUIRED = ("claim_id", "marker", "source_key", *EDITABLE, "row_fingerprint")
CITATION_EDITABLE = ("locator", "quote")
# Matrix column -> key of the claim's `review` mapping.
REVIEW_KEYS = {"verdict": "verdict", "reviewer": "by", "reviewed_at": "at", "note": "note"}
REVIEW_ORDER = ("verdict", "by", "at", "note")
# What a new verdict's review takes over from the earlier one until the row gives its own.
REVIEW_CARRIED = ("by", "at", "note", "source", "fingerprint")
# Fields whose history entries are named after them, as `tracker review` names them; the
# others are entered as "import".
REVIEW_ACTIONS = ("verdict", "note", "quote", "locator")
# Who a history entry names when the row names no reviewer.
NO_REVIEWER = "matrix import"
CITATION_ORDER = ("key", "marker", "ref", "reference", "score", "locator", "quote")
FORMATS = ("csv", "xlsx")
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FINGERPRINT = re.compile(r"[0-9a-f]{12}")
# Excel's widths, in characters; columns not named get the default.
WIDTHS = {
    "claim_id": 12,
    "document": 24,
    "claim": 60,
    "kinds": 18,
    "status": 12,
    "marker": 8,
    "source_key": 22,
    "source": 60,
    "locator": 16,
    "quote": 50,
    "evidence": 18,
    "retraction": 24,
    "verdict": 14,
    "reviewer": 16,
    "reviewed_at": 12,
    "note": 40,
    "findings": 30,
    "row_fingerprint": 14,
}
WRAPPED = ("claim", "source", "quote")
SHEET = "claims"

Row = dict[str, Any]


class MatrixError(Exception):
    """A matrix file that cannot be read at all: wrong format, not UTF-8, columns missing."""


# ---------------------------------------------------------------------------------------------
# Cells


def cell_text(value: Any) -> str:
    """Return a register or spreadsheet value as the matrix shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell_text(item) for item in value)
    return str(value).replace("\r\n", "\n")


def neutralize(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    return "'" + text if text.lstrip("'")[:1] in FORMULA_STARTS else text


def restore(text: str) -> str:
    """Undo `neutralize`: drop the apostrophe it put before a formula-like text."""
    neutralized = text.startswith("'") and text.lstrip("'")[:1] in FORMULA_STARTS
    return text[1:] if neutralized else text


def normalize_kinds(text: str) -> str:
    """Return kinds typed as `a; b` or `a, b` in the matrix's own spelling."""
    return LIST_SEPARATOR.join(kind.strip() for kind in re.split(r"[;,]", text) if kind.strip())


def editable_values(item: CommentedMap, citation: CommentedMap | None) -> dict[str, str]:
    """Return the register's values of a row's editable fields, as matrix cells."""
    review = item.get("review")
    reviewed = review if isinstance(review, CommentedMap) else {}
    cited = citation if citation is not None else {}
    values = {name: cell_text(cited.get(name)) for name in CITATION_EDITABLE}
    values |= {name: cell_text(reviewed.get(key)) for name, key in REVIEW_KEYS.items()}
    values["kinds"] = cell_text(item.get("kinds"))
    return {name: values[name] for name in EDITABLE}


def fingerprint(values: dict[str, str]) -> str:
    """Return the short hash of a row's editable values, to tell later what was exported."""
    data = json.dumps([values[name] for name in EDITABLE], ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# Register trees: the registers as ruamel reads them, edited in place


@dataclass
class RegisterTree:
    """One register file as a round-trip tree, with its claims by id."""

    path: Path
    display: str
    text: str
    root: CommentedMap

    @property
    def items(self) -> list[CommentedMap]:
        return mappings(self.root.get("claims"))

    def by_id(self) -> dict[str, CommentedMap]:
        found: dict[str, CommentedMap] = {}
        for item in self.items:
            if isinstance(item.get("id"), str):
                found.setdefault(item["id"], item)
        return found


def mappings(node: Any) -> list[CommentedMap]:
    """Return the mapping items of a YAML list (none when it is not a list)."""
    if not isinstance(node, list):
        return []
    return [item for item in node if isinstance(item, CommentedMap)]


def load_tree(path: Path, display: str) -> RegisterTree:
    """Read a register for editing; raise RegisterError when it cannot be read."""
    try:
        text = read_bytes(path, MAX_REGISTER_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, TooLarge) as error:
        raise RegisterError(display, 1, f"cannot read the register: {error}") from error
    return RegisterTree(path, display, text, load_for_edit(text, display))


# ---------------------------------------------------------------------------------------------
# Export


@dataclass
class _Export:
    """What building the rows needs besides the register: sources formatted, findings by claim."""

    project: Project
    findings: dict[str, list[str]]
    retractions: Retractions | None = None

    def __post_init__(self) -> None:
        entries = self.project.bibliography.sources
        cited = {key for _, claim in self.project.claims() for key in claim.cited_keys}
        shown = [entries[key] for key in entries if key in cited]
        self.formatted = format_sources(shown, entries.values())

    def evidence(self, source: Source) -> str:
        return evidence_of(source, self.project.verification.get(source.key)).label

    def register_rows(self, register: Register) -> list[Row]:
        if not register.claims:
            # Nothing to export, perhaps because it cannot be read: the audit reports why.
            return []
        items = load_tree(self.project.root / register.path, register.path).by_id()
        rows: list[Row] = []
        for claim in register.claims:
            if claim.active and claim.id in items:
                rows.extend(self.claim_rows(register, claim, items[claim.id]))
        return rows

    def claim_rows(self, register: Register, claim: Claim, item: CommentedMap) -> list[Row]:
        base: Row = {
            "claim_id": claim.id,
            "document": register.document.path,
            "line": claim.span.line,
            "start": claim.span.start,
            "end": claim.span.end,
            "claim": claim.text,
            "status": claim_status(claim, self.project),
            "findings": LIST_SEPARATOR.join(self.findings.get(claim.id, [])),
        }
        citations = mappings(item.get("citations"))
        return [self.row(base, item, c) for c in citations] or [self.row(base, item, None)]

    def row(self, base: Row, item: CommentedMap, citation: CommentedMap | None) -> Row:
        values = editable_values(item, citation)
        key = cell_text(citation.get("key")) if citation is not None else ""
        source = self.project.bibliography.sources.get(key)
        return {
            **base,
            **values,
            "marker": cell_text(citation.get("marker")) if citation is not None else "",
            "source_key": key,
            "source": self.formatted[key].text if source else "",
            "evidence": self.evidence(source) if source else "",
            "retraction": self.retractions.status(source) if source and self.retractions else "",
            "row_fingerprint": fingerprint(values),
        }


def build_matrix(
    project: Project, findings: Iterable[Finding], retractions: Retractions | None = None
) -> list[Row]:
    """Return the matrix rows: one per active claim and cited source, in register order.

    With retraction data, each row says what it holds about the row's source."""
    by_claim: dict[str, set[str]] = {}
    for finding in findings:
        if finding.claim_id:
            by_claim.setdefault(finding.claim_id, set()).add(finding.check)
    export = _Export(
        project, {cid: sorted(checks) for cid, checks in by_claim.items()}, retractions
    )
    return [row for register in project.registers for row in export.register_rows(register)]


def render_matrix(rows: list[Row], fmt: str) -> bytes:
    """Return the matrix as the bytes of a CSV or XLSX file."""
    return to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)


def to_csv(rows: list[Row]) -> bytes:
    """Return the rows as CSV: UTF-8 with a BOM (so Excel reads it right), RFC 4180 quoting."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralize(cell_text(row[name])) for name in COLUMNS])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def to_xlsx(rows: list[Row]) -> bytes:
    """Return the rows as an XLSX workbook: bold frozen header, filter, widths, wrapped text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(COLUMNS, start=1):
            _put_cell(sheet.cell(row=number, column=column), row[name])
    _lay_out(sheet, len(rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put_cell(cell: Any, value: Any) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, int) or value is None or value == "":
        cell.value = value if value != "" else None
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell_text(value))
    if cell.value[:1] in FORMULA_STARTS:
        # Text, never a formula: stored as a string, and kept text when a reviewer edits it.
        cell.data_type = "s"
        cell.quotePrefix = True


def _lay_out(sheet: Any, count: int) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = WIDTHS.get(name, 8)
        if name in WRAPPED:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_matrix(path: Path, data: bytes) -> None:
    """Write a matrix file in one step."""
    # write_atomic writes text; CSV bytes are UTF-8 text, a workbook is not.
    if path.suffix.lower() == ".csv" or data.startswith(b"\xef\xbb\xbf"):
        write_atomic(path, data.decode("utf-8"))
    else:
        path.write_bytes(data)


# ---------------------------------------------------------------------------------------------
# Reading an edited matrix


@dataclass(frozen=True)
class MatrixRow:
    """One data row of an edited matrix; number is the spreadsheet's row number."""

    number: int
    cells: dict[str, str]


def read_matrix(path: Path) -> list[MatrixRow]:
    """Read an edited matrix (.csv or .xlsx); raise MatrixError when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        records = _read_xlsx(path)
    else:
        found = suffix or "a file without suffix"
        message = f"{path}: a matrix is a .csv or .xlsx file, not {found}"
        raise MatrixError(f"{message} - give the file `tracker export` wrote")
    if not records:
        raise MatrixError(f"{path}: the file is empty - export the matrix with `tracker export`")
    return _rows(path, records)


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = read_bytes(path, MAX_MATRIX_BYTES).decode("utf-8-sig")
    except TooLarge as error:
        raise MatrixError(f"{path}: more than {size_text(MAX_MATRIX_BYTES)}") from error
    except OSError as error:
        raise MatrixError(f"{path}: cannot read the file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        message = f"{path}: not UTF-8 (byte {error.start + 1} is not) - save it as 'CSV UTF-8'"
        raise MatrixError(message) from error
    first = text.partition("\n")[0]
    # Excel saves CSV with semicolons where the comma is the decimal separator.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [[restore(cell_text(cell)) for cell in record] for record in reader]
    except csv.Error as error:
        raise MatrixError(f"{path}: row {reader.line_num}: not valid CSV ({error})") from error


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        data = read_bytes(path, MAX_MATRIX_BYTES)
    except TooLarge as error:
        raise MatrixError(f"{path}: more than {size_text(MAX_MATRIX_BYTES)}") from error
    except OSError as error:
        raise MatrixError(f"{path}: cannot read the file ({error.strerror})") from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        message = f"{path}: not a readable XLSX workbook ({type(error).__name__}: {error})"
        raise MatrixError(f"{message} - save it from Excel as .xlsx") from error
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.active
        return [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _rows(path: Path, records: list[list[str]]) -> list[MatrixRow]:
    header = [name.strip() for name in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        names = ", ".join(missing)
        message = f"{path}: row 1: the matrix has no column {names}"
        raise MatrixError(f"{message} - export it again with `tracker export` and edit that")
    where = {name: header.index(name) for name in REQUIRED}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record):
            cells = {n: record[i] if i < len(record) else "" for n, i in where.items()}
            rows.append(MatrixRow(number, cells))
    return rows


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class Change:
    """One field of a register that an import changes."""

    register: str
    claim_id: str
    field: str
    old: str
    new: str
    row: int


@dataclass
class ImportResult:
    """What an import read, changed, and refused, with the row of each problem."""

    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    conflicts: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.conflicts or self.skipped)

    def problem_lines(self, matrix: str) -> list[str]:
        """Return one `matrix:row: message` line per conflict and skipped row, by row."""
        problems = sorted(self.conflicts + self.skipped)
        return [f"{matrix}:{row}: {message}" for row, message in problems]

    def change_lines(self) -> list[str]:
        return [
            f"{c.register}: {c.claim_id}: {c.field}: {_short(c.old)} -> {_short(c.new)}"
            for c in self.changes
        ]

    def summary(self, dry_run: bool) -> str:
        registers = len({c.register for c in self.changes})
        verb = "would change" if dry_run else "changed"
        return (
            f"{self.rows} rows read, {len(self.changes)} fields {verb} in {registers} "
            f"registers, {len(self.conflicts)} conflicts, {len(self.skipped)} rows skipped"
        )


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass(frozen=True)
class _Target:
    """Where one row's values live: the claim's register item and the citation it names."""

    tree: RegisterTree
    item: CommentedMap
    citation: CommentedMap | None


@dataclass(frozen=True)
class _Edit:
    """One field a row sets, what it held before, and who set it (the row's reviewer)."""

    target: _Target
    name: str
    value: str
    before: str
    by: str

    def entry(self, at: str) -> Entry:
        """Return the edit as the claim's history records it."""
        action = self.name if self.name in REVIEW_ACTIONS else "import"
        return Entry(action, self.by, at, self.before or None, self.value or None)


class _RowError(Exception):
    """A row that cannot be applied; the message says why, and what to do."""


@dataclass
class _Import:
    """Plan the edits of every row against the registers as read, then apply them."""

    trees: list[RegisterTree]
    result: ImportResult
    today: str
    index: dict[str, tuple[RegisterTree, CommentedMap]] = field(default_factory=dict)
    planned: dict[tuple[int, int, str], tuple[str, int]] = field(default_factory=dict)
    edits: list[_Edit] = field(default_factory=list)
    seen: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tree in self.trees:
            for cid, item in tree.by_id().items():
                self.index.setdefault(cid, (tree, item))

    def plan(self, row: MatrixRow) -> None:
        try:
            target = self.target(row)
            matrix = _matrix_values(row, target)
            current = editable_values(target.item, target.citation)
            fields = self.reconcile(row, target, matrix, current)
            if fields:
                _check_values(row, matrix, current, fields)
                values = _with_review_date(matrix, current, fields, self.today)
                self.schedule(row, target, values, current)
        except _RowError as error:
            self.result.skipped.append((row.number, str(error)))

    def target(self, row: MatrixRow) -> _Target:
        cid = row.cells["claim_id"].strip()
        if cid not in self.index:
            raise _RowError(
                f"unknown claim id {cid!r} - no readable register has it; "
                "check the claim_id column, or export the matrix again"
            )
        tree, item = self.index[cid]
        key, marker = row.cells["source_key"].strip(), row.cells["marker"].strip()
        if not key and not marker:
            return _Target(tree, item, None)
        nth = self.seen.get((cid, key, marker), 0)
        self.seen[(cid, key, marker)] = nth + 1
        found = _find_citation(mappings(item.get("citations")), key, marker)
        if nth >= len(found):
            named = f"{key!r}" if key else f"marker {marker!r}"
            raise _RowError(
                f"claim {cid}: the register has no citation of {named} - "
                "it was removed since the export, or the row's source_key was edited"
            )
        return _Target(tree, item, found[nth])

    def reconcile(
        self, row: MatrixRow, target: _Target, matrix: dict[str, str], current: dict[str, str]
    ) -> list[str]:
        exported = row.cells["row_fingerprint"].strip()
        differing = [name for name in EDITABLE if matrix[name] != current[name]]
        if not differing:
            return []
        if not FINGERPRINT.fullmatch(exported):
            raise _RowError(
                f"claim {target.item['id']}: the row_fingerprint {exported!r} is missing or "
                "altered - export the matrix again and redo the edit"
            )
        applied = changed_by_matrix(matrix, current, differing, exported)
        if applied is None:
            message = _conflict(target, matrix, current, differing)
            self.result.conflicts.append((row.number, message))
            return []
        return applied

    def schedule(
        self, row: MatrixRow, target: _Target, values: dict[str, str], current: dict[str, str]
    ) -> None:
        for name, value in values.items():
            owner = target.citation if name in CITATION_EDITABLE else None
            slot = (id(target.item), id(owner), name)
            earlier = self.planned.get(slot)
            if earlier is not None and earlier[0] != value:
                raise _RowError(
                    f"claim {target.item['id']}: {name} {value!r} contradicts row {earlier[1]} "
                    f"({earlier[0]!r}) - give the claim one {name}"
                )
        reviewer = values["reviewer"] if "reviewer" in values else current["reviewer"]
        by = reviewer.strip() or NO_REVIEWER
        for name, value in values.items():
            owner = target.citation if name in CITATION_EDITABLE else None
            slot = (id(target.item), id(owner), name)
            if slot not in self.planned:
                self.planned[slot] = (value, row.number)
                self.edits.append(_Edit(target, name, value, current[name], by))
                change = Change(
                    target.tree.display, target.item["id"], name, current[name], value, row.number
                )
                self.result.changes.append(change)

    def apply(self, write: bool) -> None:
        touched = {id(edit.target.tree): edit.target.tree for edit in self.edits}
        for tree in touched.values():
            normalize_tails(tree.root)
        # A new verdict goes first: it moves the earlier review to `reviews`, and the row's
        # reviewer, date and note then go on the new review, not the kept one.
        edits = sorted(self.edits, key=lambda edit: edit.name != "verdict")
        for edit in edits:
            apply_edit(edit.target, edit.name, edit.value)
        for item, entries in _history(edits, now()):
            append_history(item, entries, after="reviews" if "reviews" in item else "review")
        for tree in touched.values():
            text = dump_yaml(tree.root)
            if text != tree.text and write:
                # Under the lock nobody else changes it; without one (no flock), refuse if
                # somebody did, rather than overwrite their edit.
                write_if_unchanged(tree.path, text, tree.text, tree.display)
                self.result.written.append(tree.display)


def _history(edits: list[_Edit], at: str) -> list[tuple[CommentedMap, list[Entry]]]:
    """Return the history entries of the edits, claim by claim."""
    found: dict[int, tuple[CommentedMap, list[Entry]]] = {}
    for edit in edits:
        item = edit.target.item
        found.setdefault(id(item), (item, []))[1].append(edit.entry(at))
    return list(found.values())


def _find_citation(citations: list[CommentedMap], key: str, marker: str) -> list[CommentedMap]:
    """Return the citations a row names: by key (and marker, when that narrows it), else marker."""
    if not key:
        return [c for c in citations if cell_text(c.get("marker")) == marker]
    same_key = [c for c in citations if cell_text(c.get("key")) == key]
    same_marker = [c for c in same_key if cell_text(c.get("marker")) == marker]
    return same_marker or same_key


def _matrix_values(row: MatrixRow, target: _Target) -> dict[str, str]:
    values = {name: row.cells[name] for name in EDITABLE}
    values["kinds"] = normalize_kinds(values["kinds"])
    for name in ("verdict", "reviewed_at"):
        values[name] = values[name].strip()
    if target.citation is None:
        cid = target.item["id"]
        for name in CITATION_EDITABLE:
            if values[name]:
                raise _RowError(
                    f"claim {cid}: {name} {_short(values[name])} but the row names no citation - "
                    "add the citation to the register first"
                )
    return values


def changed_by_matrix(
    matrix: dict[str, str], current: dict[str, str], differing: list[str], exported: str
) -> list[str] | None:
    """Return the differing fields the matrix changed, or None when both sides changed one.

    A differing field was changed either by the reviewer (the export held the register's
    value) or in the register since (the export held the matrix's value); the fingerprint
    tells which combination was exported. None matches when a field changed on both sides.
    """
    for register_changed in itertools.product((False, True), repeat=len(differing)):
        chosen = dict(zip(differing, register_changed, strict=True))
        was = {name: matrix[name] if chosen.get(name) else current[name] for name in EDITABLE}
        if fingerprint(was) == exported:
            return [name for name in differing if not chosen[name]]
    return None


def _conflict(
    target: _Target, matrix: dict[str, str], current: dict[str, str], differing: list[str]
) -> str:
    details = "; ".join(
        f"{name}: register now {_short(current[name])}, matrix says {_short(matrix[name])}"
        for name in differing
    )
    return (
        f"claim {target.item['id']}: the register changed since the export ({details}) - "
        "export again and redo the edit"
    )


def _check_values(
    row: MatrixRow, matrix: dict[str, str], current: dict[str, str], fields: list[str]
) -> None:
    """Refuse values the register format does not allow, for the fields a row changes."""
    cid = row.cells["claim_id"].strip()
    if "kinds" in fields:
        unknown = [k for k in matrix["kinds"].split(LIST_SEPARATOR) if k and k not in KINDS]
        if unknown:
            raise _RowError(
                f"claim {cid}: {', '.join(map(repr, unknown))} is not a kind - "
                f"use {', '.join(KINDS)}"
            )
    if "verdict" in fields and matrix["verdict"] and matrix["verdict"] not in VERDICTS:
        raise _RowError(
            f"claim {cid}: verdict {matrix['verdict']!r} is not a verdict - "
            f"use one of {', '.join(VERDICTS)}"
        )
    if "reviewed_at" in fields and matrix["reviewed_at"]:
        try:
            datetime.date.fromisoformat(matrix["reviewed_at"])
        except ValueError:
            raise _RowError(
                f"claim {cid}: reviewed_at {matrix['reviewed_at']!r} is not a date - "
                "write it as 2026-11-20"
            ) from None
    review = {n: matrix[n] if n in fields else current[n] for n in REVIEW_KEYS}
    if any(n in fields for n in REVIEW_KEYS) and not review["verdict"] and any(review.values()):
        raise _RowError(
            f"claim {cid}: a review needs a verdict - give one of {', '.join(VERDICTS)}, "
            "or clear reviewer, reviewed_at and note too"
        )
    if "verdict" in fields and review["verdict"] and not review["reviewer"].strip():
        raise _RowError(
            f"claim {cid}: the verdict changed to {review['verdict']} but the row names no "
            "reviewer - fill in reviewer"
        )


def _with_review_date(
    matrix: dict[str, str], current: dict[str, str], fields: list[str], today: str
) -> dict[str, str]:
    """Return the values a row sets: its changed fields, and today's date for a new verdict
    whose row gives no date of its own."""
    values = {name: matrix[name] for name in fields}
    dated = "reviewed_at" in fields or current["reviewed_at"] == today
    if "verdict" in fields and matrix["verdict"] and not dated:
        values["reviewed_at"] = today
    return values


def apply_edit(target: _Target, name: str, value: str) -> None:
    """Set one editable field in the register tree, in place; an empty value removes it."""
    if name == "kinds":
        _set_kinds(target.item, value)
    elif name in CITATION_EDITABLE and target.citation is not None:
        _set_key(target.citation, name, value, CITATION_ORDER)
        if value and target.citation.fa.flow_style():
            # A person's locator or quote gets its own line, as the register format shows.
            target.citation.fa.set_block_style()
    elif name == "verdict":
        _new_review(target.item, value)
    else:
        _set_review(target.item, REVIEW_KEYS[name], value)


def _set_kinds(item: CommentedMap, value: str) -> None:
    kinds = value.split(LIST_SEPARATOR) if value else []
    node = item.get("kinds")
    if isinstance(node, CommentedSeq):
        del node[:]
        node.extend(kinds)
        return
    node = CommentedSeq(kinds)
    node.fa.set_flow_style()
    item["kinds"] = node


def _new_review(item: CommentedMap, verdict: str) -> None:
    """Start a review with the verdict (none when it is empty), keeping the earlier one at
    the end of `reviews` as `tracker review` does; the new one takes over the earlier one's
    reviewer, date, note, source and fingerprint until the row's own values replace them."""
    previous = item.get("review")
    _replace_review(item, Review(verdict))
    if not verdict:
        item.pop("review")
        return
    if isinstance(previous, CommentedMap):
        node = item["review"]
        for key in REVIEW_CARRIED:
            if key in previous:
                node[key] = copy.deepcopy(previous[key])


def _set_review(item: CommentedMap, key: str, value: str) -> None:
    review = item.get("review")
    if not isinstance(review, CommentedMap):
        if not value:
            return
        review = CommentedMap()
        _set_key(item, "review", review, ("id", "text", "location", "kinds", "citations"))
    _set_key(review, key, value, REVIEW_ORDER)
    if not review:
        item.pop("review")


def _set_key(node: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set, add (after the keys that come before it in order) or, when empty, remove a key."""
    if isinstance(value, str) and not value:
        node.pop(key, None)
        return
    if isinstance(value, str) and "\n" in value and not value[:1].isspace():
        value = LiteralScalarString(value)
    if key in node:
        node[key] = value
        return
    before = order[: order.index(key)] if key in order else order
    keys = list(node)
    position = max((keys.index(k) + 1 for k in before if k in node), default=len(keys))
    node.insert(position, key, value)


def load_trees(project: Project, result: ImportResult) -> list[RegisterTree]:
    """Read every register of the project for editing; one that cannot be read is left out."""
    trees = []
    for register in project.registers:
        try:
            trees.append(load_tree(project.root / register.path, register.path))
        except RegisterError as error:
            result.warnings.append(f"{error} - its claims cannot take edits until it is fixed")
    return trees


def import_matrix(
    project: Project, rows: list[MatrixRow], write: bool = True, today: str | None = None
) -> ImportResult:
    """Apply the edits of an exported matrix's rows to the registers; write unless told not to.

    Each change is added to its claim's history; a new verdict without a date of its own is
    dated `today` (by default the local date).

    Raise ConcurrentEditError when another command holds the registers too long, or (where
    no lock can be taken) changed one during the import; running the import again is safe.
    """
    result = ImportResult(rows=len(rows))
    paths = {project.root / register.path: register.path for register in project.registers}
    # The registers are read under the lock, so each row's fingerprint is checked against
    # the register as it is when the edit is written, not as an earlier reader saw it.
    with locked(paths):
        date = today or datetime.date.today().isoformat()
        run = _Import(load_trees(project, result), result, date)
        for row in rows:
            run.plan(row)
        run.apply(write)
    return result
