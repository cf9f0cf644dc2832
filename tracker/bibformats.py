"""Load CSL-JSON and RIS bibliographies into the same Sources the BibTeX loader makes.

Each record gets a BibTeX entry type, field names and values ("Family, Given and ...", pages
"12--19", LaTeX specials escaped), so that everything downstream treats every format alike.
Faults of the format (text that is not JSON, an RIS record without TY or ER, a repeated key, a
value that cannot be right) become Problems on the record's line; missing fields are left to
the caller's check, which runs on every format.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from tracker.model import Bibliography, Problem, Source


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """Read rows "name: word word" (split by lines or ";") into a dict, as tables below are."""
    table: dict[str, tuple[str, ...]] = {}
    for name, _, words in (row.partition(":") for row in re.split(r"[;\n]", text)):
        if name.strip():
            table[name.strip()] = table.get(name.strip(), ()) + tuple(words.split())
    return table


# BibTeX entry types and the CSL types and RIS TY codes that map to them; others are "misc".
_TYPES = _table("""
    article: article-journal article article-magazine article-newspaper review review-book
    article: JOUR JFULL ABST INPR EJOUR MGZN NEWS
    book: book classic BOOK EBOOK EDBOOK CLSWK
    incollection: chapter entry-dictionary entry-encyclopedia CHAP ECHAP ENCYC DICT
    inproceedings: paper-conference CONF CPAPER
    phdthesis: thesis THES
    techreport: report standard RPRT STAND GOVDOC
    online: webpage post-weblog post ELEC WEB BLOG
    unpublished: manuscript UNPB MANSCPT
    booklet: pamphlet PAMP
    misc: dataset GEN DATA
""")
ENTRY_TYPES: dict[str, str] = {code: kind for kind, codes in _TYPES.items() for code in codes}

# The CSL variables that give a BibTeX field, most trusted first. "container" (the journal,
# book or site a work is part of) and "publisher" are named by entry type below.
CSL_FIELDS = _table("""
    title: title; container: container-title; publisher: publisher; edition: edition
    address: publisher-place event-place; volume: volume; number: issue number; pages: page
    series: collection-title; abstract: abstract; keywords: keyword; language: language
    note: note; doi: doi; url: url; pmid: pmid; pmcid: pmcid; issn: issn; isbn: isbn
""")
# The RIS tags likewise. JF is always the full journal name; JO and the J-tags may be
# abbreviations; T2 is where Zotero and EndNote write the journal, book or proceedings.
RIS_FIELDS = _table("""
    title: TI T1 CT; publisher: PB; address: CY PP; volume: VL; number: IS; edition: ET
    series: T3; abstract: AB N2; language: LA
""")
RIS_CONTAINER = _table("""
    article: JF T2 JO JA J2 J1; incollection: T2 BT; inproceedings: T2 BT C3; online: T2; misc: T2
""")
_CONTAINER = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle"}
# BibTeX's standard styles want the publisher of a thesis or a report under another name.
_PUBLISHER = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
# Fields kept as written: names are BibTeX already, identifiers are never LaTeX.
_VERBATIM = frozenset("author editor year month doi url pmid pmcid issn isbn".split())

# Word lists. "known": the tags a malformed tag line ("ti  - x", "PY   - 2020") is read as
# (another word before a hyphen is text); "many": the tags holding one value a line, as
# EndNote writes keywords and ISSNs; "skip": the words a generated key skips to reach the
# first meaningful word of the title (the English part of Better BibTeX's skip-words).
_WORDS = _table("""
    known: TY ER ID AU A1 A2 A3 A4 ED TI T1 T2 T3 BT CT ST JO JF JA J1 J2 PY Y1 Y2 DA VL IS SP
    known: EP PB CY PP SN DO UR L1 L2 L3 L4 AB N1 N2 KW LA AN DB DP M1 M2 M3 ET AD C1 C2 C3 CN
    many: KW SN UR L1 L2 L3 L4
    skip: a an the of on in at to for from by with without within and or nor but as is are was
    skip: be via vs versus into onto upon over under about among between after before during
    skip: than that this these those its their our your his her
""")
_KNOWN_TAGS, _LIST_TAGS, _SKIP_WORDS = (
    frozenset(_WORDS[name]) for name in ("known", "many", "skip")
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Letters NFKD does not take apart into an ASCII letter and an accent.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})

# Characters pybtex would misread, and pairs latexcodec would join into one character
# ("--" into an en dash, "''" into a quote): such a pair gets an empty group between.
# No escape of a brace survives pybtex's reading (it decodes \{ before it matches braces),
# and a lone one makes it reject the whole value: braces are dropped.
_ESCAPES: dict[int, str | None] = {ord("{"): None, ord("}"): None, ord("\\"): r"\textbackslash{}"}
_ESCAPES |= {ord(c): "\\" + c for c in "%&#_"} | {ord("~"): r"\textasciitilde{}"}
_PAIR = re.compile(r"([-`',])(?=\1)|[?!](?=`)")
_PAIR_BUT_DASHES = re.compile(r"([`',])(?=\1)|[?!](?=`)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_PAGE_DASH = re.compile(r"(?<=\w)\s*(?:-{1,3}|[\u2010-\u2015\u2212])\s*(?=\w)")
# CSL rich text: a nocase span keeps its case (BibTeX's braces do that); other markup goes.
_NOCASE = re.compile(r'<span class="nocase">([^<]*)</span>')
_MARKUP = re.compile(
    r'</?(?:i|b|sup|sub|sc)>|<span (?:class="nodecor"|style="[^"<>]{0,80}")>|</span>'
)
_YEAR = re.compile(r"\d{4}")
_NUMERIC_MONTH = re.compile(r"\s*\d{4}[-/](\d{1,2})(?!\d)")
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\b", re.IGNORECASE)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})")
_PMID_LABEL = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\bPMC\d{1,9}\b")
_USABLE_KEY = re.compile(r"[^\s,{}]+")

_JSON = json.JSONDecoder()
_JSON_KINDS = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*))?")
_NEAR_TAG = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9])(?:[ \t]+-|-(?=[ \t]|$))[ \t]?(.*)")


@dataclass
class _Draft:
    """One record on its way to becoming a Source: plain values, and the faults found in it."""

    noun: str
    line: int
    entry_type: str = "misc"
    plain: dict[str, str] = field(default_factory=dict)
    key: str | None = None
    loaded: bool = True
    family: str = ""
    issues: list[tuple[str, int, str, str]] = field(default_factory=list)

    def title(self) -> str:
        return _clean(_MARKUP.sub("", _NOCASE.sub(r"\1", self.plain.get("title", ""))))


# --- CSL-JSON ---------------------------------------------------------------------------------


def parse_csl_json(text: str, display_path: str) -> Bibliography:
    """Parse CSL-JSON text into a Bibliography; faults become problems, never errors."""
    text = text.removeprefix("\ufeff")
    located, problem = _csl_items(text, display_path)
    if problem is not None:
        return Bibliography(display_path, {}, [problem])
    return _finish(display_path, [_csl_draft(item, line) for item, line in located])


def _csl_items(text: str, path: str) -> tuple[list[tuple[object, int]], Problem | None]:
    """Return each item with the line its value starts on, or the problem with the file."""
    todo = "export the bibliography again as CSL JSON"
    if not text.strip():
        return [], Problem("unreadable", path, 1, f'"{path}" is empty - {todo}')
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        message = f'"{path}" is not valid JSON: {error.msg} at {where} - fix it there, or {todo}'
        return [], Problem("unreadable", path, error.lineno, message, col=error.colno)
    except (ValueError, RecursionError) as error:  # a number too long, nesting too deep
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return [], Problem("unreadable", path, 1, f'"{path}" cannot be read ({reason}) - {todo}')
    start = _skip_space(text, 0)
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        # json.loads keeps the last of repeated names, and so does this.
        value, start = value["items"], [i for n, i, _ in _starts(text, start) if n == "items"][-1]
    if isinstance(value, dict):
        return [(value, text.count("\n", 0, start) + 1)], None
    if not isinstance(value, list):
        kind = _JSON_KINDS.get(type(value), "number")
        message = f'"{path}" holds a JSON {kind}, not a list of CSL items - {todo}'
        return [], Problem("unreadable", path, 1, message)
    return [(item, at[2]) for item, at in zip(value, _starts(text, start), strict=True)], None


def _starts(text: str, start: int) -> list[tuple[object, int, int]]:
    """Return the name (None in an array), offset and line of each value in the JSON at start."""
    # json.loads has read the text, so every value decodes from where it starts. Lines are
    # counted on from the last value, so that many items take linear time.
    found: list[tuple[object, int, int]] = []
    close, i = "]" if text[start] == "[" else "}", _skip_space(text, start + 1)
    line, counted = text.count("\n", 0, start) + 1, start
    while text[i] != close:
        name = None
        if close == "}":
            name, i = _JSON.raw_decode(text, i)
            i = _skip_space(text, _skip_space(text, i) + 1)  # past the colon
        line, counted = line + text.count("\n", counted, i), i
        found.append((name, i, line))
        i = _skip_space(text, _JSON.raw_decode(text, i)[1])
        i = _skip_space(text, i + 1) if text[i] == "," else i
    return found


def _skip_space(text: str, i: int) -> int:
    found = _JSON_SPACE.match(text, i)
    return found.end() if found else i


def _csl_draft(item: object, line: int) -> _Draft:
    draft = _Draft("item", line)
    if not isinstance(item, dict):
        draft.loaded = False
        kind = _JSON_KINDS.get(type(item), "number")
        todo = "make it an object of CSL fields or delete it; it is left out until then"
        draft.issues.append(("unparsable", line, f"is a JSON {kind}, not an object", todo))
        return draft
    data: dict[str, object] = {}
    for name, value in item.items():  # variable names in any case: "DOI" or "doi"
        data.setdefault(str(name).lower(), value)
    draft.entry_type = ENTRY_TYPES.get(_scalar(data.get("type")).strip().lower(), "misc")
    if draft.entry_type == "phdthesis" and "master" in _scalar(data.get("genre")).lower():
        draft.entry_type = "mastersthesis"
    for name, variables in CSL_FIELDS.items():
        draft.plain[name] = next(filter(str.strip, map(_scalar, map(data.get, variables))), "")
    for role in ("author", "editor"):
        people = data.get(role)
        _people(draft, role, [_csl_name(p) for p in people] if isinstance(people, list) else [])
    _csl_issued(draft, data.get("issued"))
    note, url = draft.plain["note"], draft.plain["url"]
    draft.plain["pmid"] = draft.plain["pmid"] or _pmid_in([url], [note])
    draft.plain["pmcid"] = draft.plain["pmcid"] or _pmcid_in([note, url])
    key = _scalar(data.get("citation-key")) or _scalar(data.get("id"))
    draft.key = key if _USABLE_KEY.fullmatch(key) else None
    return draft


def _people(draft: _Draft, role: str, names: list[tuple[str, str]]) -> None:
    """Set the names of a role, and the family name a key is made from if none is yet."""
    draft.plain[role] = " and ".join(bib for bib, _ in names if bib)
    draft.family = draft.family or next((family for _, family in names if family), "")


def _csl_name(person: object) -> tuple[str, str]:
    """Return a CSL name as BibTeX writes it, and the family name a key is made from."""
    if not isinstance(person, dict):  # a name as a bare string is taken as a literal one
        person = {"literal": person}
    literal = _scalar(person.get("literal"))
    if literal:
        return _bib_name(literal, literal=True), literal
    family, given = _scalar(person.get("family")), _scalar(person.get("given"))
    particles = [_scalar(person.get(p)) for p in ("dropping-particle", "non-dropping-particle")]
    full = " ".join(part for part in (*particles, family) if part)
    suffix = _scalar(person.get("suffix"))
    return _bib_name(full or given, given if full else "", suffix), family or given


def _csl_issued(draft: _Draft, issued: object) -> None:
    year, month, readable = _csl_date(issued)
    draft.plain |= {"year": year, "month": month}
    if not readable:
        what = f"has an issued date that cannot be read ({_shown(json.dumps(issued))})"
        todo = 'write it as "issued": {"date-parts": [[2021, 3, 5]]}; until then it has no year'
        draft.issues.append(("suspicious-field", draft.line, what, todo))


def _csl_date(value: object) -> tuple[str, str, bool]:
    """Return the year and month of a CSL date, and whether it could be read at all."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            parts = parts[0]  # [[2021, 3, 5]] reads as "2021/3/5"; a bare [2021, 3] alike
        if "date-parts" in value:
            return _text_date("/".join(map(_scalar, parts)) if isinstance(parts, list) else "")
        if _scalar(value.get("literal")):  # free text by definition: "in press" is no fault
            return *_text_date(_scalar(value["literal"]))[:2], True
        value = value.get("raw")
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return _text_date(_scalar(value))
    return "", "", False


def _text_date(text: str) -> tuple[str, str, bool]:
    found = _YEAR.search(text)
    if found is None or found.group() == "0000":  # Scopus writes 0000 for no year
        return "", "", not text.strip()
    numeric, name = _NUMERIC_MONTH.match(text), _MONTH_NAME.search(text)
    month = _MONTHS.index(name.group(1).lower()) + 1 if name else 0
    month = int(numeric.group(1)) if numeric else month
    # Months 13-16 and 21-24 are seasons (Better BibTeX's pseudo-months): no month, no fault.
    return found.group(), _MONTHS[month - 1] if 1 <= month <= 12 else "", True


# --- RIS --------------------------------------------------------------------------------------


@dataclass
class _RisRecord:
    """The tags of one RIS record as read, each value a list of its lines."""

    line: int
    headless: bool = False
    closed: bool = False
    end: str = "the end of the file"
    last: str = ""
    tags: dict[str, list[list[str]]] = field(default_factory=dict)
    odd: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, tag: str, value: str) -> None:
        self.tags.setdefault(tag, []).append([value])
        self.last = tag

    def values(self, tag: str) -> list[str]:
        return [text for text in (_clean(" ".join(v)) for v in self.tags.get(tag, ())) if text]

    def first(self, *tags: str) -> str:
        for tag in tags:
            for text in self.values(tag) if tag in self.tags else ():
                return text
        return ""


@dataclass
class _RisScanner:
    """Split RIS lines into records: TY opens one, ER closes it, other lines add to it."""

    records: list[_RisRecord] = field(default_factory=list)
    current: _RisRecord | None = None

    def scan(self, text: str) -> list[_RisRecord]:
        # Lines end in LF or CRLF, or CR alone in an old Mac export. Files joined from several
        # exports may carry a byte-order mark at the start of any record.
        separator = "\r" if "\r" in text and "\n" not in text else "\n"
        for number, line in enumerate(text.split(separator), 1):
            line = line.lstrip("\ufeff").rstrip()
            found = _TAG_LINE.fullmatch(line) or _NEAR_TAG.fullmatch(line)
            tag = found.group(1).upper() if found else ""
            if found and (found.re is _TAG_LINE or tag in _KNOWN_TAGS):
                # A malformed tag line is read as the tag it was meant to be, and reported:
                # read as text, it would spoil the value before it.
                self.tag(number, tag, found.group(2) or "", "" if found.re is _TAG_LINE else line)
            elif self.current is not None and line:
                self.text(self.current, number, line.strip())
        return self.records

    def tag(self, number: int, tag: str, value: str, malformed: str) -> None:
        record = self.current
        if tag == "TY" or (record is None and tag != "ER"):  # a tag outside has lost its TY
            if record is not None:
                record.end = f"the next record on line {number}"
            record = self.current = _RisRecord(number, headless=tag != "TY")
            self.records.append(record)
        if record is None:
            return  # an ER outside any record closes nothing
        if malformed:
            record.odd.append((number, malformed, tag))
        if tag == "ER":
            record.closed, self.current = True, None
        else:
            record.add(tag, value.strip())

    def text(self, record: _RisRecord, number: int, text: str) -> None:
        # A line without a tag continues the value before it (EndNote and Zotero wrap long
        # abstracts so); in the tags EndNote writes one value a line, it is the next value.
        if record.last == "TY":
            record.odd.append((number, text, ""))
        elif record.last in _LIST_TAGS:
            record.tags[record.last].append([text])
        else:
            record.tags[record.last][-1].append(text)


def parse_ris(text: str, display_path: str) -> Bibliography:
    """Parse RIS text into a Bibliography; faults become problems, never errors."""
    text = text if text.isascii() else _SURROGATE.sub("\ufffd", text)  # see _scalar
    records = _RisScanner().scan(text)
    if text.strip() and all(record.headless for record in records):
        message = f'"{display_path}" holds no RIS record (no "TY  - " line) - export it again'
        return Bibliography(display_path, {}, [Problem("unreadable", display_path, 1, message)])
    return _finish(display_path, [_ris_draft(record) for record in records])


def _ris_draft(record: _RisRecord) -> _Draft:
    kind = ENTRY_TYPES.get(record.first("TY").upper(), "misc")
    if kind == "phdthesis" and "master" in record.first("M3").lower():
        kind = "mastersthesis"
    draft = _Draft("record", record.line, kind)
    draft.plain = {name: record.first(*tags) for name, tags in RIS_FIELDS.items()}
    draft.plain["title"] = draft.plain["title"] or (record.first("BT") if kind == "book" else "")
    draft.plain["container"] = record.first(*RIS_CONTAINER.get(kind, ()))
    start, end = record.first("SP"), record.first("EP")
    draft.plain["pages"] = f"{start}-{end}" if start and end and start != end else start
    dates = [_text_date(record.first(tag)) for tag in ("PY", "Y1", "DA")]
    year = next((year for year, _, _ in dates if year), "")
    draft.plain["year"] = year
    draft.plain["month"] = next((m for y, m, _ in dates if y == year and m), "")
    draft.plain["keywords"] = ", ".join(record.values("KW"))
    draft.plain["note"] = "; ".join(record.values("N1"))
    for role, tags in (("author", ("AU", "A1")), ("editor", ("ED", "A2"))):
        _people(draft, role, [_ris_name(value) for tag in tags for value in record.values(tag)])
    _ris_identifiers(draft, record)
    key = record.first("ID")
    draft.key = key if _USABLE_KEY.fullmatch(key) else None
    _ris_faults(draft, record)
    return draft


def _ris_name(value: str) -> tuple[str, str]:
    """Return an RIS name ("Family, Given, Suffix") as BibTeX writes it, and its family."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) < 2 or not parts[1]:  # no given name: an organisation, as RIS has it
        return _bib_name(parts[0] or value, literal=True), parts[0] or value
    return _bib_name(parts[0], parts[1], ", ".join(p for p in parts[2:] if p)), parts[0]


def _ris_identifiers(draft: _Draft, record: _RisRecord) -> None:
    urls = [value for tag in ("UR", "L2", "L1") for value in record.values(tag)]
    notes = [record.first(tag) for tag in ("AN", "N1", "M1", "C2")]
    doi_texts = [record.first("DO"), *(t for t in urls + notes if "doi" in t.lower())]
    draft.plain["doi"] = next((t for t in doi_texts if _DOI.search(t)), record.first("DO"))
    # An accession number is a PMID only where the record says it comes from PubMed.
    database = f"{record.first('DB')} {record.first('DP')}".lower()
    pubmed = record.first("AN") if "pubmed" in database or "medline" in database else ""
    draft.plain["pmid"] = _pmid_in(urls, notes) or (pubmed if pubmed.isdigit() else "")
    draft.plain["pmcid"] = _pmcid_in(notes + urls)
    draft.plain["url"] = urls[0] if urls else ""
    for value in record.values("SN"):  # one tag for both, told apart by their length
        name = "isbn" if len(re.sub(r"[^0-9Xx]", "", value)) in (10, 13) else "issn"
        draft.plain[name] = ", ".join(filter(None, (draft.plain.get(name), value)))


def _ris_faults(draft: _Draft, record: _RisRecord) -> None:
    kept = "; it was loaded anyway" if draft.title() else "; it has no title and is left out"
    if record.headless:
        what = f'has no "TY  - " line before its first tag "{next(iter(record.tags), "")}"'
        todo = f'add "TY  - JOUR" (or its type) above{kept}'
    else:
        what = f'is not closed by an "ER  - " line before {record.end}'
        todo = f'add "ER  - " after its last tag{kept}'
    if record.headless or not record.closed:
        draft.issues.append(("unparsable", record.line, what, todo))
    draft.loaded = bool(draft.title()) or (record.closed and not record.headless)
    for number, line, tag in record.odd:
        what = f'has a line {number} ("{_shown(line)}") that is not a tag line "XX  - value"'
        todo = f'it was read as tag {tag}; write "{tag}  - " before the value' if tag else ""
        todo = todo or "it was left out; put it on a line of its own tag, or delete it"
        draft.issues.append(("suspicious-field", number, what, todo))


# --- values: names, text, identifiers -----------------------------------------------------


def _fields(draft: _Draft) -> dict[str, str]:
    """Return the BibTeX fields of a draft: text escaped, names and identifiers as they are."""
    plain, kind = dict(draft.plain), draft.entry_type
    plain[_CONTAINER.get(kind, "howpublished")] = plain.pop("container", "")
    plain[_PUBLISHER.get(kind, "publisher")] = plain.pop("publisher", "")
    plain["doi"] = _doi(plain.get("doi", ""))
    fields = {}
    for name, value in plain.items():
        if not value:
            continue
        if name in _VERBATIM:
            value = _clean(value)
        elif name in ("title", "journal", "booktitle", "howpublished"):
            value = _rich_latex(value)
        else:
            value = _pages(value) if name == "pages" else _latex(value)
        if value:
            fields[name] = value
    return fields


def _bib_name(family: str, given: str = "", suffix: str = "", literal: bool = False) -> str:
    """Write a name as BibTeX does; an organisation goes in braces, read as one family name."""
    family, given, suffix = _latex(family), _latex(given), _latex(suffix)
    family, given = (family, given) if family else (given, "")
    if family and (literal or (" " in family and not given)):
        return "{" + family + "}"
    # A comma or a word "and" inside one part of a name would split it; braces keep it whole.
    parts = (family, suffix, given) if family else ()
    return ", ".join("{" + p + "}" if "," in p or _AND.search(p) else p for p in parts if p)


def _latex(text: str, pairs: re.Pattern[str] = _PAIR) -> str:
    """Escape plain text so that pybtex's LaTeX reading gives the same text back."""
    return pairs.sub(r"\g<0>{}", _clean(text.translate(_ESCAPES)))


def _rich_latex(text: str) -> str:
    """Escape CSL rich text: markup dropped, a nocase span in braces to keep its case."""
    pieces = [_MARKUP.sub("", piece).translate(_ESCAPES) for piece in _NOCASE.split(text)]
    joined = "".join("{" + p + "}" if n % 2 and p.strip() else p for n, p in enumerate(pieces))
    return _PAIR.sub(r"\g<0>{}", _clean(joined))


def _pages(text: str) -> str:
    # BibTeX writes a range with "--" (an en dash); any single dash between pages becomes one.
    return _latex(_PAGE_DASH.sub("--", text), _PAIR_BUT_DASHES)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _scalar(value: object) -> str:
    """Return a JSON value as text: numbers written out, lists joined, anything else empty."""
    if isinstance(value, str):  # JSON may hold lone surrogates ("\ud800"): no text has them
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return ", ".join(text for text in map(_scalar, value) if text)
    return ""


def _doi(text: str) -> str:
    # "https://doi.org/10.1/x", "doi:10.1/x" and "http://dx.doi.org/10.1/x" all mean 10.1/x.
    found = _DOI.search(text)
    return found.group().rstrip(".,;") if found else _clean(text)


def _pmid_in(urls: list[str], notes: list[str]) -> str:
    # Only what is clearly a PMID: a PubMed link, or a number labelled "PMID".
    found = next((m for m in map(_PUBMED_URL.search, urls) if m), None)
    found = found or next((m for m in map(_PMID_LABEL.search, notes) if m), None)
    return found.group(1) if found else ""


def _pmcid_in(texts: list[str]) -> str:
    return next((match.group() for match in map(_PMCID.search, texts) if match), "")


def _shown(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- keys, and the Bibliography -------------------------------------------------------------


def _finish(path: str, drafts: list[_Draft]) -> Bibliography:
    """Key every draft, keep the first of repeated keys, and gather the problems in line order."""
    bibliography = Bibliography(path)
    # The keys the file gives are reserved first: a generated key must not take one.
    taken = {draft.key.lower() for draft in drafts if draft.loaded and draft.key}
    counters: dict[str, int] = {}
    for draft in drafts:
        if draft.loaded:
            _place(bibliography, draft, taken, counters)
        bibliography.problems.extend(_problems(path, draft))
    bibliography.problems.sort(key=lambda problem: problem.line)
    return bibliography


def _place(bib: Bibliography, draft: _Draft, taken: set[str], counters: dict[str, int]) -> None:
    fields = _fields(draft)
    if draft.key is None:
        draft.key = _unique(_base_key(draft, fields.get("year", "")), taken, counters)
    first = bib.sources.get(draft.key)
    if first is None:
        bib.sources[draft.key] = Source(draft.key, draft.entry_type, fields, draft.line)
        return
    draft.loaded = False
    what = f'repeats the key "{draft.key}" of the {draft.noun} on line {first.line}'
    todo = (
        f"give one of them another {'id' if draft.noun == 'item' else 'ID'} (this one is ignored)"
    )
    draft.issues.append(("duplicate-key", draft.line, what, todo))


def _problems(path: str, draft: _Draft) -> list[Problem]:
    if draft.loaded:
        name = f'{draft.noun} "{draft.key}" (line {draft.line})'
    else:
        titled = f' ("{_shown(draft.title())}")' if draft.title() else ""
        name = f"the {draft.noun} on line {draft.line}{titled}"
    return [
        Problem(kind, path, line, f"{name} {what} - {todo}", key=draft.key)
        for kind, line, what, todo in draft.issues
    ]


def _base_key(draft: _Draft, year: str) -> str:
    """Make a key as Better BibTeX does: family name, year, first meaningful title word."""
    words = (_fold(word) for word in draft.title().split())
    word = next((word for word in words if word and word not in _SKIP_WORDS), "")
    return f"{_fold(draft.family) or 'anon'}{re.sub(r'[^0-9]', '', year)}{word}"


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode())


def _unique(base: str, taken: set[str], counters: dict[str, int]) -> str:
    # The second of a key gets "a", the next "b", ..., then "z", "aa": as Better BibTeX does.
    key, n = base, counters.get(base, 0)
    while key.lower() in taken:
        n, key, rest = n + 1, "", n + 1
        while rest:
            rest, letter = divmod(rest - 1, 26)
            key = chr(ord("a") + letter) + key
        key = base + key
    counters[base] = n
    taken.add(key.lower())
    return key
