"""Load a bibliography into Sources, turning every fault found in it into a Problem.

BibTeX is read here; CSL-JSON and RIS, the other formats reference managers export, are read
by tracker.bibformats into the same Sources, and checked here for missing fields alike.

bibtexparser v2 splits the file; this module then does what its default middlewares would
(string references resolved, outer delimiters removed) in its own single pass; field values
keep their LaTeX as written. On top of
what bibtexparser reports (broken blocks, repeated keys) this module looks for the
faults it lets through silently: entries lacking the fields their type needs, and a
missing comma that merges two fields into one value.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from tracker.limits import MAX_BIBLIOGRAPHY_BYTES, TooLarge, file_size, read_bytes, size_text
from tracker.model import Bibliography, Problem, Source

# The fields each entry type needs, as BibTeX's standard styles define them;
# "a|b" means either will do. A type not listed needs a title only. Dates may be written the
# biblatex way (`date`, `journaltitle`) in BibTeX entries too, as Zotero exports them.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "proceedings": ("title", "year|date"),
    "techreport": ("author", "title", "institution", "year|date"),
    "unpublished": ("author", "title", "note"),
    "misc": ("title",),
}
# What biblatex needs (its manual, section 2.1.1), for entries written for biblatex: of a
# biblatex type, or using its fields. A publisher is not among them; biblatex's aliases
# (journal, school, address) are accepted for its names. Web pages and data sets often name
# no author, and Zotero exports them so: only a title and a way to find them are asked.
BIBLATEX_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journaltitle|journal", "date|year"),
    "book": ("author|editor", "title", "date|year"),
    "mvbook": ("author|editor", "title", "date|year"),
    "inbook": ("author", "title", "booktitle", "date|year"),
    "bookinbook": ("author", "title", "booktitle", "date|year"),
    "suppbook": ("author", "title", "booktitle", "date|year"),
    "booklet": ("author|editor", "title", "date|year"),
    "collection": ("editor", "title", "date|year"),
    "mvcollection": ("editor", "title", "date|year"),
    "incollection": ("author", "title", "booktitle", "date|year"),
    "suppcollection": ("author", "title", "booktitle", "date|year"),
    "manual": ("title", "date|year"),
    "misc": ("title",),
    "online": ("title", "url|doi|eprint"),
    "dataset": ("title",),
    "software": ("title",),
    "patent": ("author", "title", "number", "date|year"),
    "periodical": ("editor", "title", "date|year"),
    "proceedings": ("title", "date|year"),
    "mvproceedings": ("title", "date|year"),
    "inproceedings": ("author", "title", "booktitle", "date|year"),
    "conference": ("author", "title", "booktitle", "date|year"),
    "report": ("author", "title", "institution", "date|year"),
    "techreport": ("author", "title", "institution", "date|year"),
    "thesis": ("author", "title", "institution|school", "date|year"),
    "mastersthesis": ("author", "title", "institution|school", "date|year"),
    "phdthesis": ("author", "title", "institution|school", "date|year"),
    "unpublished": ("author", "title", "date|year"),
}
# Fields only biblatex knows: an entry with one of them was written for biblatex.
BIBLATEX_FIELDS = frozenset(
    {
        "date",
        "journaltitle",
        "location",
        "urldate",
        "eprinttype",
        "eprintclass",
        "langid",
        "shortjournal",
        "maintitle",
        "subtitle",
        "titleaddon",
        "origdate",
        "eventdate",
        "venue",
        "pagetotal",
    }
)
DEFAULT_REQUIRED_FIELDS: tuple[str, ...] = ("title",)
# Names BibTeX and biblatex give one field.
_ALIASES = {
    "journal": {"journaltitle"},
    "journaltitle": {"journal"},
    "year": {"date"},
    "date": {"year"},
    "school": {"institution"},
    "institution": {"school"},
}

# Field names whose appearance as "name =" inside another value betrays a missing comma.
KNOWN_FIELDS: frozenset[str] = frozenset(
    [
        "abstract",
        "address",
        "annote",
        "author",
        "booktitle",
        "chapter",
        "crossref",
        "date",
        "doi",
        "edition",
        "editor",
        "eprint",
        "howpublished",
        "institution",
        "isbn",
        "issn",
        "issue",
        "journal",
        "journaltitle",
        "keywords",
        "language",
        "location",
        "month",
        "note",
        "number",
        "organization",
        "pages",
        "pmcid",
        "pmid",
        "publisher",
        "school",
        "series",
        "title",
        "type",
        "url",
        "urldate",
        "volume",
        "year",
    ]
)

_MERGED_FIELD = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(KNOWN_FIELDS)) + r")\s*=", re.IGNORECASE
)
_BLOCK_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()=]*)")

# What bibtexparser's abort reasons mean, in the user's words, and what to do about them.
_ABORT_ADVICE: dict[str, tuple[str, str]] = {
    "Unexpected block start": (
        "a new entry starts on line {next} before this one is closed",
        "check {span} for an unbalanced brace or quote",
    ),
    "Unexpectedly reached end of file": (
        "the file ends before it is closed",
        "check from line {start} on for an unbalanced brace or quote",
    ),
    "Expected comma after entry key": (
        "the key is not followed by a comma",
        "put a comma after the key",
    ),
    "Expected a `=`": (
        "a field name is not followed by '='",
        "check {span} for a missing '=' or a stray word",
    ),
}
_DEFAULT_ADVICE = "check {span} for an unbalanced brace, a missing comma or '='"

# Zero bytes mark a binary file, except in UTF-16 text, which has a byte-order mark.
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Braces and quotes that count, as BibTeX counts them: a backslash escapes one.
_BRACE = re.compile(r"(?<!\\)[{}]")
_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')

# bibtexparser logs each broken block as a warning with 0-based lines; we report it as a
# problem instead. Without this handler, Python would print its warnings to stderr
# whenever the application has not configured logging.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())


def load_bibliography(path: Path, display_path: str | None = None) -> Bibliography:
    """Read and parse a BibTeX file; raise FileNotFoundError only if it does not exist."""
    shown = display_path if display_path is not None else str(path)
    try:
        data = read_bytes(Path(path), MAX_BIBLIOGRAPHY_BYTES)
    except FileNotFoundError:
        raise
    except OSError as error:
        reason = error.strerror or str(error)
        message = f'"{shown}" cannot be read ({reason}) - check that it is a readable file'
        return _unreadable(shown, 1, message)
    except TooLarge:
        message = (
            f'"{shown}" is {file_size(Path(path)) or "too large"}, more than the '
            f"{size_text(MAX_BIBLIOGRAPHY_BYTES)} a bibliography may be, and was not read "
            "- keep only the entries the project cites"
        )
        return _unreadable(shown, 1, message)
    binary = -1 if data.startswith(UTF16_BOMS) else data.find(b"\x00")
    if binary >= 0:
        line = data.count(b"\n", 0, binary) + 1
        message = (
            f'"{shown}" is a binary file, not a bibliography (a zero byte on line {line}) and '
            "was not read - export the bibliography again as BibTeX, CSL-JSON or RIS text"
        )
        return _unreadable(shown, line, message)
    text, problem = _decode(data, shown)
    bibliography = parse_any(text, shown, Path(path).suffix.lower())
    if problem is not None:
        bibliography.problems.insert(0, problem)
    return bibliography


def parse_any(text: str, display_path: str, suffix: str) -> Bibliography:
    """Parse a bibliography in the format its file's suffix names: CSL-JSON (.json), RIS
    (.ris), else BibTeX; the entries of each lack no field their type needs unnoticed."""
    if suffix not in (".json", ".ris"):
        return parse_bibliography(text, display_path)
    from tracker.bibformats import parse_csl_json, parse_ris

    parse = parse_csl_json if suffix == ".json" else parse_ris
    bibliography = parse(text, display_path)
    for source in bibliography.sources.values():
        missing = [] if _has_required_fields(source) else _missing_fields(source, source.fields)
        if missing:
            message = _missing_message(source, missing, None)
            problem = Problem("missing-fields", display_path, source.line, message, key=source.key)
            bibliography.problems.append(problem)
    bibliography.problems.sort(key=lambda p: p.line)
    return bibliography


def _unreadable(shown: str, line: int, message: str) -> Bibliography:
    return Bibliography(shown, {}, [Problem("unreadable", shown, line, message)])


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    if data.startswith(UTF16_BOMS):
        message = f'"{shown}" is saved as UTF-16, and was read as such - save it as UTF-8'
        return data.decode("utf-16", errors="replace"), Problem("unreadable", shown, 1, message)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        # Decode anyway so the rest of the file loads; bad bytes become U+FFFD.
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        bad = data[error.start : error.end].hex()
        message = (
            f'"{shown}" is not valid UTF-8: byte 0x{bad} on line {line} cannot be decoded '
            "- save the file as UTF-8 (until then the bad bytes read as \ufffd)"
        )
        text = data.decode("utf-8-sig", errors="replace")
        return text, Problem("unreadable", shown, line, message, col=col)


def parse_bibliography(text: str, display_path: str) -> Bibliography:
    """Parse BibTeX text into a Bibliography; content faults become problems, never errors."""
    try:
        # No middlewares: _Loader does their work (string references, outer delimiters) in
        # its own pass over the fields, which is cheaper than two more passes.
        library = bibtexparser.parse_string(text, parse_stack=[])
    except Exception as error:  # a bibtexparser bug must not stop the audit
        message = (
            f"bibtexparser failed on this file ({type(error).__name__}: {error}) "
            "- check it with bibtex, or report the file to the tracker's maintainers"
        )
        return Bibliography(display_path, {}, [Problem("unparsable", display_path, 1, message)])
    bibliography = Bibliography(display_path)
    _Loader(bibliography, library).load()
    bibliography.problems.sort(key=lambda p: p.line)
    return bibliography


class _Loader:
    """Walk the blocks of a parsed library in file order, filling one Bibliography."""

    def __init__(self, bibliography: Bibliography, library: Library) -> None:
        self.bib = bibliography
        self.library = library
        self.merged: dict[str, set[str]] = {}
        self.incomplete: list[Source] = []
        # BibTeX's @string names are case-insensitive; a later definition wins.
        self.strings = {key.lower(): s.value for key, s in library.strings_dict.items()}

    def load(self) -> None:
        for block in self.library.blocks:
            if isinstance(block, Entry):
                self.add_entry(block)
            elif isinstance(block, ParsingFailedBlock):
                self.add_failed(block)
        for source in self.incomplete:
            self.check_required_fields(source)

    def problem(self, kind: str, line: int, message: str, key: str | None = None) -> None:
        self.bib.problems.append(Problem(kind, self.bib.path, line, message, key=key))

    def add_entry(self, entry: Entry) -> None:
        key, line = entry.key, _line(entry)
        if not key:
            kind = entry.entry_type
            message = f"@{kind} entry has no key - add one after '@{kind}{{' so it can be cited"
            self.problem("unparsable", line, message)
            return
        previous = self.bib.sources.get(key)
        if previous is not None:
            self.problem("duplicate-key", line, _duplicate_message(key, previous.line), key)
            return
        _resolve_values(entry, self.strings)
        source = self.bib.sources[key] = _source(entry, line)
        # Cheap screens first: this runs for every entry of files with tens of thousands.
        if "=" in "".join(source.fields.values()):
            self.check_merged_fields(entry, line)
        if not _has_required_fields(source):
            self.incomplete.append(source)

    def check_merged_fields(self, entry: Entry, line: int) -> None:
        for name, swallowed in _merged_fields(entry):
            self.merged.setdefault(entry.key, set()).add(swallowed.lower())
            message = (
                f"entry \"{entry.key}\": the value of '{name}' holds '{swallowed} =' "
                f"- a comma is probably missing before '{swallowed} ='"
            )
            self.problem("suspicious-field", line, message, entry.key)

    def add_failed(self, block: ParsingFailedBlock) -> None:
        if isinstance(block, DuplicateBlockKeyBlock):
            self.add_duplicate_block(block)
        elif isinstance(block, DuplicateFieldKeyBlock):
            self.add_repeated_fields(block)
        else:
            key, message = _unparsable_message(block)
            self.problem("unparsable", _line(block), message, key)

    def add_duplicate_block(self, block: DuplicateBlockKeyBlock) -> None:
        if not block.key and isinstance(block.ignore_error_block, Entry):
            self.add_entry(block.ignore_error_block)  # reports the missing key
            return
        first = _line(block.previous_block)
        if isinstance(block.previous_block, String):
            message = (
                f'@string "{block.key}" repeats the one on line {first} '
                "- delete one of them or give it a new name"
            )
        else:
            message = _duplicate_message(block.key, first)
        self.problem("duplicate-key", _line(block), message, block.key)

    def add_repeated_fields(self, block: DuplicateFieldKeyBlock) -> None:
        entry = block.ignore_error_block
        if not isinstance(entry, Entry):
            return
        names = ", ".join(f"'{name}'" for name in sorted(block.duplicate_keys))
        message = (
            f'entry "{entry.key}" gives {names} more than once - the first value is used; '
            "delete or rename the others"
        )
        # Reported as a suspicious field: the entry loads, but one of its values is dropped.
        self.problem("suspicious-field", _line(block), message, entry.key)
        self.add_entry(entry)

    def check_required_fields(self, source: Source) -> None:
        missing, parent = _missing_fields(source, source.fields), None
        if missing and source.get("crossref"):
            parent = self.crossref_target(source)
            if parent is not None:
                missing = _missing_fields(source, _inherited_fields(source, parent))
        merged = self.merged.get(source.key, set())
        # A field swallowed by a missing comma is already reported as suspicious.
        missing = [names for names in missing if not merged.intersection(names)]
        if missing:
            message = _missing_message(source, missing, parent)
            self.problem("missing-fields", source.line, message, source.key)

    def crossref_target(self, source: Source) -> Source | None:
        target = source.fields["crossref"].strip()
        found = self.bib.sources.get(target)
        if found is None:  # BibTeX compares keys case-insensitively
            lowered = target.lower()
            found = next((s for k, s in self.bib.sources.items() if k.lower() == lowered), None)
        return found


def _inherited_fields(source: Source, parent: Source) -> dict[str, str]:
    inherited = {**parent.fields, **source.fields}
    # biblatex fills a missing booktitle from the parent's title; BibTeX styles differ.
    if not inherited.get("booktitle"):
        inherited["booktitle"] = parent.fields.get("title", "")
    return inherited


def _line(block: Block) -> int:
    # bibtexparser counts lines from 0; editors and our problems count from 1.
    return (block.start_line or 0) + 1


def _source(entry: Entry, line: int) -> Source:
    fields = {f.key.lower(): f.value for f in entry.fields}
    if len(fields) < len(entry.fields):
        # Names differing only in case collide; BibTeX keeps the first.
        fields = {}
        for f in entry.fields:
            fields.setdefault(f.key.lower(), f.value)
    return Source(entry.key, entry.entry_type.lower(), fields, line)


def _merged_fields(entry: Entry) -> Iterator[tuple[str, str]]:
    for f in entry.fields:
        # A merged value never has enclosing delimiters around the whole of it, so only
        # unenclosed values (rare: numbers, macros, concatenations) need a look.
        if f.enclosing == "no-enclosing" and "=" in f.value:
            swallowed = _top_level_field_name(f.value)
            if swallowed:
                yield f.key, swallowed


def _top_level_field_name(value: str) -> str | None:
    for match in _MERGED_FIELD.finditer(value):
        before = value[: match.start()]
        if before.count("{") == before.count("}") and before.count('"') % 2 == 0:
            return match.group(1)
    return None


def _has_required_fields(source: Source) -> bool:
    """Tell, cheaply, whether an entry surely has what its type needs (False: look closer)."""
    fields = source.fields
    if "" in fields.values():
        return False
    return any(
        fields.keys() >= first.get(source.entry_type, _DEFAULT_FIRST_CHOICE)
        for first in _FIRST_CHOICES[_for_biblatex(source), source.entry_type in _REQUIRED]
    )


def _missing_fields(source: Source, fields: dict[str, str]) -> list[tuple[str, ...]]:
    """Return what an entry lacks. An entry written for BibTeX needs what BibTeX's styles
    need; one written for biblatex (its type or fields) may mix the two, and lacks nothing
    when either has all it needs for its type; else what biblatex needs."""
    missing = []
    for table in _TABLES[_for_biblatex(source), source.entry_type in _REQUIRED]:
        needed = table.get(source.entry_type, _DEFAULT_REQUIRED)
        missing.append([names for names in needed if not any(fields.get(n) for n in names)])
    return missing[0] if all(missing) else []


def _for_biblatex(source: Source) -> bool:
    """Tell whether an entry was written for biblatex: a type or a field only it knows."""
    kind = source.entry_type
    return (kind in _BIBLATEX_REQUIRED and kind not in _REQUIRED) or not BIBLATEX_FIELDS.isdisjoint(
        source.fields
    )


def _compile_required(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    return {kind: tuple(tuple(n.split("|")) for n in needs) for kind, needs in table.items()}


_REQUIRED = _compile_required(REQUIRED_FIELDS)
_BIBLATEX_REQUIRED = _compile_required(BIBLATEX_REQUIRED_FIELDS)
_DEFAULT_REQUIRED = _compile_required({"": DEFAULT_REQUIRED_FIELDS})[""]
_REQUIRED_FIRST_CHOICE = {
    kind: frozenset(names[0] for names in needs) for kind, needs in _REQUIRED.items()
}
_BIBLATEX_FIRST_CHOICE = {
    kind: frozenset(names[0] for names in needs) for kind, needs in _BIBLATEX_REQUIRED.items()
}
_DEFAULT_FIRST_CHOICE = frozenset(names[0] for names in _DEFAULT_REQUIRED)
# The tables an entry is held to, by (written for biblatex, a type BibTeX's styles know).
_TABLES = {
    (False, True): (_REQUIRED,),
    (False, False): (_REQUIRED,),
    (True, True): (_BIBLATEX_REQUIRED, _REQUIRED),
    (True, False): (_BIBLATEX_REQUIRED,),
}
_FIRST_CHOICES = {
    key: tuple(
        _BIBLATEX_FIRST_CHOICE if table is _BIBLATEX_REQUIRED else _REQUIRED_FIRST_CHOICE
        for table in tables
    )
    for key, tables in _TABLES.items()
}


def _missing_message(source: Source, missing: list[tuple[str, ...]], parent: Source | None) -> str:
    # One name for a field and its biblatex alias: "journal", not "journal or journaltitle".
    names = [
        " or ".join(n for n in alternatives if n not in _ALIASES.get(alternatives[0], ()))
        for alternatives in missing
    ]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    kind = source.entry_type
    crossref = source.get("crossref")
    if crossref and parent is None:
        where = f' (its crossref "{crossref}" is not in this file)'
    elif parent is not None:
        where = f' (not even from its crossref "{parent.key}")'
    else:
        where = ""
    return (
        f'entry "{source.key}" (@{kind}) lacks {listed}{where} '
        f"- add {'it' if len(names) == 1 else 'them'}, "
        f"or choose an entry type that does not need {'it' if len(names) == 1 else 'them'}"
    )


def _duplicate_message(key: str, first_line: int) -> str:
    return (
        f'entry "{key}" repeats the key of the entry on line {first_line} '
        "- give one of them a new key (this one is ignored until then)"
    )


def _unparsable_message(block: ParsingFailedBlock) -> tuple[str | None, str]:
    raw = block.raw or ""
    head = _BLOCK_HEAD.match(raw.lstrip())
    key = head.group(2) if head and head.group(2) else None
    start = _line(block)
    # The raw text runs up to the line before the next block, blank lines included.
    end, following = start + raw.strip().count("\n"), start + raw.count("\n") + 1
    span = f"lines {start}-{end}" if end > start else f"line {start}"
    lines = {"start": start, "next": following, "span": span}
    reason = (getattr(block.error, "abort_reason", None) or str(block.error)).strip()
    known = [advice for prefix, advice in _ABORT_ADVICE.items() if reason.startswith(prefix)]
    # Only our own templates are formatted: the library's reasons may hold braces.
    meaning, todo = known[0] if known else (reason.replace("`", "'"), _DEFAULT_ADVICE)
    what = f'entry "{key}"' if key else "this block"
    return key, (
        f"{what} could not be parsed: {meaning.format(**lines) if known else meaning} "
        f"- {todo.format(**lines)}; it is left out until then"
    )


def _resolve_values(entry: Entry, strings: dict[str, str]) -> None:
    """Do what bibtexparser's default middlewares do, in one pass: replace a bare @string
    name by its value, then take off the outer braces or quotes."""
    for f in entry.fields:
        raw = f.value
        if not (raw[:1] == raw[-1:] == '"' or (raw[:1] == "{" and raw[-1:] == "}")):
            raw = strings.get(raw.lower(), raw)
        value, enclosing = _strip_enclosing(raw)
        f.value = value
        if enclosing == "no-enclosing" and not value.isdigit():
            # Marks a value that merged fields can hide in (see _merged_fields).
            f.enclosing = "no-enclosing"


def _strip_enclosing(value: str) -> tuple[str, str]:
    """Return a value without the braces or quotes around the whole of it, and which they were.

    `{a} # {b}` and `"a" # "b"` start and end with them without being enclosed by them.
    """
    value = value.strip()
    if len(value) >= 2:
        if value[0] == "{" and value[-1] == "}" and _first_brace_closes_last(value):
            return value[1:-1], "{"
        if value[0] == '"' and value[-1] == '"' and _no_bare_quote_inside(value):
            return value[1:-1], '"'
    return value, "no-enclosing"


def _first_brace_closes_last(value: str) -> bool:
    depth = 0
    for match in _BRACE.finditer(value):
        depth += 1 if match.group() == "{" else -1
        if depth <= 0:
            return depth == 0 and match.end() == len(value)
    return False


def _no_bare_quote_inside(value: str) -> bool:
    depth = 0
    for match in _BRACE_OR_QUOTE.finditer(value, 1, len(value) - 1):
        char = match.group()
        if char == '"' and depth == 0:
            return False
        if char != '"':
            depth = depth + 1 if char == "{" else max(depth - 1, 0)
    return True
