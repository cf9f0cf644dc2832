"""The records that flow through the tracker: documents, claims, citations, sources, findings.

Every stage reads and returns these plain dataclasses; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from tracker.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

# The kinds of claim reviewers tell apart (docs/claims.md says what each means).
KINDS = (
    "efficacy",
    "safety",
    "mechanism",
    "comparative",
    "quantitative",
    "composition",
    "evidence-appeal",
    "regulatory",
    "background",
)

# What a reviewer may conclude of a claim and its source (docs/evidence.md).
VERDICTS = ("supported", "partial", "unsupported", "contradicted", "needs-review")


class Severity(StrEnum):
    """How bad a finding is; only errors fail a run by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One problem found by a check, located in a file of the project."""

    check: str
    severity: Severity
    path: str
    line: int
    col: int
    message: str
    claim_id: str | None = None
    source_key: str | None = None
    risk: str = ""  # high, medium or low (tracker.risk); "" until graded

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "severity": self.severity.value,
            "risk": self.risk,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "claim_id": self.claim_id,
            "source_key": self.source_key,
        }


def place(finding: Finding) -> tuple[str, int, int, str]:
    """Return where a finding stands, as output orders findings: file, line, column, check."""
    return (finding.path, finding.line, finding.col, finding.check)


@dataclass(frozen=True)
class Span:
    """Where a piece of text stands in its document: 1-based line, 0-based character offsets."""

    line: int
    start: int
    end: int


@dataclass
class Citation:
    """A link from a claim to a bibliography entry; key is None when the reference is unknown."""

    key: str | None
    marker: str | None = None
    ref: int | None = None
    reference: str | None = None
    score: float | None = None
    locator: str | None = None
    quote: str | None = None


@dataclass
class Fingerprint:
    """What a reviewer saw: a hash of the claim's text and one of each cited entry, by key."""

    text: str
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class Review:
    """A reviewer's verdict on a claim; `source` names the one cited source it is about."""

    verdict: str
    by: str | None = None
    at: str | None = None
    note: str | None = None
    source: str | None = None
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True)
class Suppression:
    """A reviewer's decision, with its reason, that findings of a check about a claim or source
    are not to be reported; `check` is a check id or id prefix."""

    check: str
    reason: str
    path: str
    line: int
    claim_id: str | None = None
    source_key: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "reason": self.reason,
            "path": self.path,
            "line": self.line,
            "claim_id": self.claim_id,
            "source_key": self.source_key,
        }


@dataclass
class Claim:
    """A statement in a document that needs substantiation."""

    id: str
    text: str
    span: Span
    kinds: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    review: Review | None = None
    status: str = "active"
    reasons: list[str] = field(default_factory=list)
    register_line: int = 0
    history: list[Review] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """False for a claim gone from its document or dismissed by a reviewer."""
        return self.status == "active"

    @property
    def cited_keys(self) -> list[str]:
        return [c.key for c in self.citations if c.key]


@dataclass
class DocumentInfo:
    """What a register says about the document it covers."""

    title: str
    path: str
    url: str | None = None


@dataclass
class Register:
    """The claims of one document as recorded in claims/<document>.yaml."""

    path: str
    document: DocumentInfo
    claims: list[Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Bad input found while loading a file; a check turns it into a finding."""

    kind: str
    path: str
    line: int
    message: str
    col: int = 1
    key: str | None = None


@dataclass
class Source:
    """One bibliography entry, with the fields as written (LaTeX not decoded)."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int

    def get(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if value else None

    @property
    def year(self) -> str | None:
        """The year of publication: BibTeX's `year`, else the year of biblatex's `date`."""
        year = self.get("year")
        if year:
            return year.strip()
        date = (self.get("date") or "").strip()
        return date[:4] if date[:4].isdigit() else None

    @property
    def journal(self) -> str | None:
        """The journal: BibTeX's `journal`, else biblatex's `journaltitle`."""
        return self.get("journal") or self.get("journaltitle")

    @property
    def doi(self) -> str | None:
        """The DOI, normalised; None when there is none or it is not a valid DOI."""
        return normalize_doi(self.get("doi"))

    @property
    def pmid(self) -> str | None:
        """The PubMed id, as digits; None when there is none or it is not a valid PMID."""
        return normalize_pmid(self.get("pmid"))

    @property
    def pmcid(self) -> str | None:
        """The PubMed Central id ("PMC" and digits); None when there is none or it is invalid."""
        return normalize_pmcid(self.get("pmcid"))

    @property
    def unverifiable(self) -> bool:
        """True for a placeholder entry that records a citation no search could trace."""
        return (self.get("verification") or "").strip().lower() == "unverifiable"


@dataclass
class Bibliography:
    """The sources of one BibTeX file, and the problems found while loading it."""

    path: str
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _by_doi: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _by_pmid: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def by_doi(self) -> dict[str, str]:
        """Map each normalized DOI to the key of the first source that has it."""
        if self._by_doi is None:
            self._by_doi = _first_with(self.sources.values(), lambda s: s.doi)
        return self._by_doi

    def by_pmid(self) -> dict[str, str]:
        """Map each PMID to the key of the first source that has it."""
        if self._by_pmid is None:
            self._by_pmid = _first_with(self.sources.values(), lambda s: s.pmid)
        return self._by_pmid


def _first_with(
    sources: Iterable[Source], identifier: Callable[[Source], str | None]
) -> dict[str, str]:
    index: dict[str, str] = {}
    for source in sources:
        value = identifier(source)
        if value:
            index.setdefault(value, source.key)
    return index
