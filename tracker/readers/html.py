"""Read the article text of an HTML page into headings, paragraphs, list items, table rows
and footnotes, each pointing at the line of the element it came from.

The page is decoded (byte-order mark, declared charset, UTF-8, else a noted guess), parsed
with BeautifulSoup's lenient html.parser, stripped of the site around the article (the
page furniture named in tracker/data/html_boilerplate.yaml) and rendered block by block.
Citation superscripts and links into the reference list become the bracket markers the
marker parser reads ("[2-4]"), and reference-list items start with their number ("3. ")
so the reference reader takes the number the page shows.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import charset_normalizer
from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    ParserRejectedMarkup,
    XMLParsedAsHTMLWarning,
)
from bs4.element import NavigableString, PageElement, PreformattedString, Tag
from ruamel.yaml import YAML

from tracker.readers import Block, DocumentText, ReaderError
from tracker.references import HEADINGS as REFERENCE_HEADINGS

# --- decoding -------------------------------------------------------------------------

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
# Where browsers look for a declared charset (the HTML standard says 1024 bytes; pages that
# put a long <style> first still get read).
CHARSET_PRESCAN = 8192
# Labels a browser reads differently from Python: latin-1 and ASCII pages are decoded as
# windows-1252, and a UTF-16 label inside a page readable as ASCII is a mistake for UTF-8.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
# A guess within this much "chaos" of the best one counts as just as good; windows-1252,
# the standard's default for pages that declare nothing, then wins over Baltic or Central
# European code pages that short English pages fit equally well.
CHAOS_TOLERANCE = 5.0
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
BINARY_SHARE = 0.01
MARKUP = re.compile(r"<[A-Za-z!/?]")


def read_html(path: Path, data: bytes) -> DocumentText:
    """Read an HTML page's article text into blocks that point at their source lines."""
    text, notes = decode_page(path, data)
    soup = parse(path, text)
    page = Page(string_lines(soup))
    drop_furniture(soup)
    root = article_root(soup)
    drop_site_headers(root)
    walk(root, page)
    if not page.blocks:
        raise ReaderError(
            f"{path}: no article text in the page (only scripts, menus or banners) - "
            "save the page from the browser after it has loaded (File > Save Page As)"
        )
    title = title_of(soup)
    return DocumentText(path, page.text(), page.blocks, title, notes)


def decode_page(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Decode a page's bytes; return the text and notes about any guess that was needed."""
    if not data.strip():
        raise ReaderError(f"{path}: the file is empty - save the page again and run again")
    text, notes = decoded(path, data)
    if "\x00" in text or len(CONTROL.findall(text)) > BINARY_SHARE * len(text):
        raise ReaderError(f"{path}: binary data, not an HTML page - check that the file is a page")
    if not MARKUP.search(text):
        raise ReaderError(f"{path}: no HTML tags in the file - if it is plain text, name it .txt")
    return text, notes


def decoded(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Decode by byte-order mark, then declared charset, then UTF-8, else by a guess."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return strictly(path, data, encoding), []
    declared = declared_charset(data)
    for encoding in (declared, "utf-8"):
        text = attempt(data, encoding)
        if text is not None:
            return text, []
    return guessed(path, data, declared)


def strictly(path: Path, data: bytes, encoding: str) -> str:
    """Decode bytes whose byte-order mark names their encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReaderError(
            f"{path}: starts with a {encoding} byte-order mark but is not valid {encoding} - "
            "save the page as UTF-8 and run again"
        ) from err


def declared_charset(data: bytes) -> str | None:
    """Return the charset a <meta> tag declares, as a Python codec name."""
    match = META_CHARSET.search(data, 0, CHARSET_PRESCAN)
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    return CHARSET_ALIASES.get(label, label)


def attempt(data: bytes, encoding: str | None) -> str | None:
    """Decode strictly with a text codec, or return None when it does not fit."""
    if encoding is None or encoding.endswith("escape"):
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeError, ValueError):
        return None


def guessed(path: Path, data: bytes, declared: str | None) -> tuple[str, list[str]]:
    """Decode with charset-normalizer's guess and say so in a note."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise ReaderError(
            f"{path}: not UTF-8 and no known encoding fits the bytes - "
            "save the page as UTF-8 and run again"
        )
    chosen = next(
        (m for m in matches if "cp1252" in m.could_be_from_charset and close_to(m, best)), best
    )
    name = display_name(chosen.encoding)
    note = f"decoded as {name} (guessed) - save the page as UTF-8 to be sure"
    if declared:
        note = f"the page declares charset {declared!r} but is not valid {declared}; " + note
    return str(chosen), [note]


def close_to(match: charset_normalizer.CharsetMatch, best: charset_normalizer.CharsetMatch) -> bool:
    return match.percent_chaos <= best.percent_chaos + CHAOS_TOLERANCE


def display_name(encoding: str) -> str:
    """Name a codec the way pages and editors name it (cp1252 -> windows-1252)."""
    name = encoding.replace("_", "-")
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def parse(path: Path, text: str) -> BeautifulSoup:
    """Parse leniently; html.parser keeps going through broken markup and records lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            return BeautifulSoup(text, "html.parser")
        except ParserRejectedMarkup as err:
            raise ReaderError(
                f"{path}: the HTML parser gave up ({err}) - open the page in a browser "
                "and save it again"
            ) from err


def string_lines(soup: BeautifulSoup) -> dict[int, int]:
    """Return the source line where each text node's text starts, keyed by the node's id.

    Text nodes carry no line of their own, and once furniture is dropped the text around
    them is gone, so lines are counted in one pass over the whole parsed page first.
    """
    lines: dict[int, int] = {}
    line = 1
    for node in soup.descendants:
        if isinstance(node, Tag):
            line = node.sourceline or line
        elif isinstance(node, NavigableString):
            lead = len(node) - len(node.lstrip())
            if lead < len(node):
                lines[id(node)] = line + node.count("\n", 0, lead)
            line += node.count("\n")
    return lines


# --- furniture ------------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """The names that mark page furniture, from tracker/data/html_boilerplate.yaml."""

    tags: frozenset[str]
    roles: frozenset[str]
    words: frozenset[str]
    fragments: tuple[str, ...]


@cache
def furniture() -> Furniture:
    """Load the furniture names, once."""
    text = resources.files("tracker.data").joinpath("html_boilerplate.yaml").read_text("utf-8")
    data = YAML(typ="safe", pure=True).load(text)
    return Furniture(
        tags=frozenset(data["tags"]),
        roles=frozenset(data["roles"]),
        words=frozenset(data["words"]),
        fragments=tuple(data["fragments"]),
    )


HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
NAME_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# An id with more words than this is the slug of a section title, not a widget's name.
MAX_ID_WORDS = 2
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
NEVER_DROPPED = frozenset({"html", "head", "body", "main"})
REFERENCE_NAMES = ("references", "bibliography", "reflist")


def attr(tag: Tag, name: str) -> str:
    """Return an attribute as one string ("" when absent; class lists joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def drop_furniture(soup: BeautifulSoup) -> None:
    """Remove every furniture element that does not hold the article itself."""
    names = furniture()
    for tag in soup.find_all(True):
        if not tag.decomposed and is_furniture(tag, names) and not holds_article(tag):
            tag.decompose()


def is_furniture(tag: Tag, names: Furniture) -> bool:
    """Tell whether an element is page furniture by its tag, role, name or visibility."""
    if tag.name in names.tags:
        return True
    if tag.name in HEADING_TAGS:
        return False
    if tag.has_attr("hidden") or HIDDEN_STYLE.search(attr(tag, "style")):
        return True
    if attr(tag, "role").lower() in names.roles:
        return True
    return named_furniture(tag, names)


def named_furniture(tag: Tag, names: Furniture) -> bool:
    """Tell whether an element's class, id or aria-label names a widget."""
    ident, classes = attr(tag, "id"), attr(tag, "class")
    spelled = f"{ident} {classes}".lower()
    if any(fragment in spelled for fragment in names.fragments):
        return True
    words = tokens(classes) + tokens(attr(tag, "aria-label"))
    id_words = tokens(ident)
    if len(id_words) <= MAX_ID_WORDS:
        words += id_words
    return any(word in names.words or word.removesuffix("s") in names.words for word in words)


def tokens(value: str) -> list[str]:
    """Split a class, id or label into lower-case words ("shareButtons" -> share, buttons)."""
    return [word.lower() for word in NAME_TOKEN.findall(value)]


def holds_article(tag: Tag) -> bool:
    """Tell whether an element holds the article's title, its main part or its references."""
    if tag.name in NEVER_DROPPED or is_article_part(tag):
        return True
    return tag.find(is_article_part) is not None


def is_article_part(tag: Tag) -> bool:
    """Tell whether an element must survive: the page's h1, its main part, its references."""
    if tag.name in ("h1", "main") or attr(tag, "role") == "main":
        return True
    return names_references(tag) or names_footnotes(tag)


def names_references(tag: Tag) -> bool:
    """Tell whether an element's class or id says it is a reference list."""
    spelled = f"{attr(tag, 'id')} {attr(tag, 'class')}".lower()
    return any(name in spelled for name in REFERENCE_NAMES)


def names_footnotes(tag: Tag) -> bool:
    """Tell whether an element is a footnote section (pandoc, markdown-it, Python-Markdown)."""
    if attr(tag, "role") == "doc-endnotes":
        return True
    names = f"{attr(tag, 'id')} {attr(tag, 'class')}".lower().split()
    return any(name in ("footnote", "footnotes") or "footnotes" in name for name in names)


def article_root(soup: BeautifulSoup) -> Tag:
    """Return the element that holds the article: <article>, <main>, role=main, else <body>."""
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda tag: len(tag.get_text()))
    found = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("body")
    return found if isinstance(found, Tag) else soup


def drop_site_headers(root: Tag) -> None:
    """Drop <header> elements outside an article unless they hold the page's <h1>."""
    for header in root.find_all("header"):
        inside = root.name == "article" or header.find_parent("article") is not None
        if not header.decomposed and not inside and header.find("h1") is None:
            header.decompose()


def title_of(soup: BeautifulSoup) -> str:
    """Return the page's <title>, else its og:title, else its first <h1>."""
    title = soup.find("title")
    if isinstance(title, Tag) and collapse(title.get_text()):
        return collapse(title.get_text())
    meta = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(meta, Tag) and collapse(attr(meta, "content")):
        return collapse(attr(meta, "content"))
    heading = soup.find("h1")
    return collapse(heading.get_text()) if isinstance(heading, Tag) else ""


# --- blocks ---------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    {
        *HEADING_TAGS,
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd"),
        *("details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
        *("footer", "form", "head", "header", "hgroup", "hr", "html", "legend", "li", "main"),
        *("menu", "nav", "ol", "p", "pre", "search", "section", "summary", "table", "tbody"),
        *("td", "tfoot", "th", "thead", "tr", "ul"),
    }
)
# What ends the text of a heading, a list item or a table cell and starts a new block.
# html.parser closes no element by itself, so an unclosed <li> holds the next <li> and an
# unclosed <h2> holds the paragraphs after it; these children are cut out as their own blocks.
HEADING_BREAKS = HEADING_TAGS | {"p", "ul", "ol", "li", "table", "dl", "blockquote", "section"}
ITEM_BREAKS = HEADING_TAGS | {"ul", "ol", "menu", "li", "table", "dl", "section", "article"}
CELL_BREAKS = frozenset({"td", "th", "tr"})
BREAKS = {
    "heading": HEADING_BREAKS,
    "item": ITEM_BREAKS,
    "cell": CELL_BREAKS,
}
# Roles whose children are blocks; an inline element in them that holds blocks (a <b> left
# open, an <a> around a card) is opened like a <div>.
OPEN_ROLES = ("flow", "list", "table", "row")
LIST_TAGS = frozenset({"ul", "ol", "menu"})
# A table that holds these is the page's layout, not data: its cells are read as sections.
LAYOUT_TAGS = [*HEADING_TAGS, "table", "article", "main", "section"]
METADATA_TAGS = frozenset({"title", "meta", "link", "base", "img", "input", "wbr", "area"})
SEPARATOR = "\n\n"
HEADING_DECORATION = " \t#*_:"
FOOTNOTE_ID = re.compile(r"(?:fn|footnote)[-_:]?(\w[\w.-]*)", re.I)
# Ids that reference lists give their entries: ref-3, ref3, r3, b3, bib3, CR3, reference-3,
# fn3, footnote-3, cite_note-3 and Wikipedia's named cite_note-Smith2020-3.
REFERENCE_ID = re.compile(
    r"(?:ref|reference|bib|b|r|cr|fn|footnote|endnote|note|citation)s?[-_:]?\d+"
    r"|cite[-_]note-(?:.*-)?\d+",
    re.I,
)
ID_NUMBER = re.compile(r"(\d+)$")
LEADING_NUMBER = re.compile(r"\[?\d{1,4}[.)\]]")
LIST_NOTES = re.compile(r"notes?", re.I)


@dataclass
class Frame:
    """An element being read: its role, the inline text waiting to become a block, and
    the numbering state of a list or table."""

    tag: Tag
    role: str
    kind: str = "paragraph"
    context: str | None = None
    run: list[PageElement] = field(default_factory=list)
    flushed: bool = False
    prefix: str = ""
    label: str | None = None
    count: int = 0
    cells: list[str] = field(default_factory=list)
    children: Iterator[PageElement] = field(default_factory=lambda: iter(()))


@dataclass
class Page:
    """The rendered article: text pieces, blocks, and whether a reference section is open."""

    lines: dict[int, int]
    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    length: int = 0
    references_level: int | None = None

    def add(self, kind: str, text: str, line: int, label: str | None = None) -> None:
        """Append one block of rendered text."""
        if self.parts:
            self.parts.append(SEPARATOR)
            self.length += len(SEPARATOR)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        self.blocks.append(Block(kind, start, self.length, line, label))

    def text(self) -> str:
        return "".join(self.parts)

    def line_of(self, nodes: list[PageElement], fallback: int) -> int:
        """Return the source line of the first node that holds text."""
        for node in nodes:
            if isinstance(node, Tag):
                return node.sourceline or fallback
            if id(node) in self.lines and not isinstance(node, PreformattedString):
                return self.lines[id(node)]
        return fallback

    def saw_heading(self, text: str, level: int) -> None:
        """Open a reference section at a References heading; close it at the next one."""
        name = text.strip(HEADING_DECORATION)
        if REFERENCE_HEADINGS.fullmatch(name) or LIST_NOTES.fullmatch(name):
            self.references_level = level
        elif self.references_level is not None and level <= self.references_level:
            self.references_level = None


def walk(root: Tag, page: Page) -> None:
    """Cut the article into blocks, element by element, without recursion (pages nest
    thousands deep when html.parser meets unclosed tags)."""
    holders = block_holders(root)
    stack = [Frame(root, "flow", children=iter(root.contents))]
    while stack:
        frame = stack[-1]
        node = next(frame.children, None)
        if node is None:
            close(stack.pop(), stack, page)
        elif isinstance(node, Tag) and breaks(frame, node, holders):
            flush(frame, stack, page)
            stack.append(open_frame(node, stack, page))
        else:
            frame.run.append(node)


def block_holders(root: Tag) -> set[int]:
    """Return the ids of the elements that hold a block element somewhere inside."""
    holders: set[int] = set()
    for block in root.find_all(BLOCK_TAGS):
        parent = block.parent
        while parent is not None and parent is not root and id(parent) not in holders:
            holders.add(id(parent))
            parent = parent.parent
    return holders


def breaks(frame: Frame, tag: Tag, holders: set[int]) -> bool:
    """Tell whether a child element starts a block of its own inside this frame."""
    if frame.role in BREAKS:
        return tag.name in BREAKS[frame.role]
    return tag.name in BLOCK_TAGS or id(tag) in holders


def open_frame(tag: Tag, stack: list[Frame], page: Page) -> Frame:
    """Start reading an element that is a block of its own."""
    parent = stack[-1]
    role = role_of(tag, parent)
    frame = Frame(tag, role, context=parent.context)
    frame.children = iter(tag.contents)
    if role == "heading":
        frame.kind = "heading"
    elif role == "list":
        frame.kind = "list_item"
        frame.context = list_context(tag, parent, page)
        frame.count = list_start(tag) - 1
    elif role == "item":
        number_item(frame, stack)
    elif role == "row" and parent.role in ("row", "cell"):
        emit_row(row_of(parent, stack), stack, page)
    elif role == "flow":
        frame.context = section_context(tag, parent)
    return frame


def role_of(tag: Tag, parent: Frame) -> str:
    """Return how an element is read: as a heading, list, item, table, row, cell or flow."""
    name = tag.name
    if name in HEADING_TAGS:
        return "heading"
    if name in LIST_TAGS:
        return "list"
    if name == "li":
        return "item"
    if name == "table":
        return "flow" if tag.find(LAYOUT_TAGS) else "table"
    if name in ("thead", "tbody", "tfoot") and parent.role == "table":
        return "table"
    if name == "tr" and parent.role in ("table", "row", "cell"):
        return "row"
    if name in ("td", "th") and parent.role in ("row", "cell"):
        return "cell"
    return "flow"


def section_context(tag: Tag, parent: Frame) -> str | None:
    """Say whether a container is a footnote section or a reference list."""
    if names_footnotes(tag):
        return "footnotes"
    if names_references(tag):
        return "references"
    return parent.context


def list_context(tag: Tag, parent: Frame, page: Page) -> str | None:
    """Say whether a list holds footnotes, references or neither."""
    first = tag.find("li", recursive=False)
    first_id = attr(first, "id") if isinstance(first, Tag) else ""
    if parent.context == "footnotes" or FOOTNOTE_ID.fullmatch(first_id):
        return "footnotes"
    in_section = page.references_level is not None
    if parent.context == "references" or in_section or names_references(tag):
        return "references"
    return None


def list_start(tag: Tag) -> int:
    """Return the number of an ordered list's first item."""
    start = attr(tag, "start").strip()
    return int(start) if start.isdecimal() and len(start) < 6 else 1


def number_item(frame: Frame, stack: list[Frame]) -> None:
    """Number a list item and, in a reference or footnote list, mark it so."""
    owner = next((f for f in reversed(stack) if f.role == "list"), None)
    frame.kind = "list_item"
    if owner is None:
        return
    value = attr(frame.tag, "value").strip()
    owner.count = int(value) if value.isdecimal() and len(value) < 6 else owner.count + 1
    number = owner.count
    ident = ID_NUMBER.search(attr(frame.tag, "id"))
    if owner.tag.name != "ol" and not value and ident:
        number = int(ident.group(1))
    frame.context = owner.context
    if owner.context == "footnotes":
        frame.kind = "footnote"
        label = FOOTNOTE_ID.fullmatch(attr(frame.tag, "id"))
        frame.label = label.group(1) if label else str(number)
    elif owner.context == "references":
        frame.prefix = f"{number}. "


def flush(frame: Frame, stack: list[Frame], page: Page) -> None:
    """Turn the inline text gathered in a frame into a block (or a table cell)."""
    nodes, frame.run = frame.run, []
    first = not frame.flushed
    frame.flushed = True
    text = inline_text(nodes)
    if not text:
        return
    if frame.role in ("row", "cell"):
        row_of(frame, stack).cells.append(text)
        return
    line = frame.tag.sourceline or 1
    if not first:
        line = page.line_of(nodes, line)
    if frame.prefix and not LEADING_NUMBER.match(text):
        text = frame.prefix + text
    frame.prefix = ""
    page.add(frame.kind, text, line, frame.label)
    if frame.kind == "heading":
        page.saw_heading(text, int(frame.tag.name[1]))


def close(frame: Frame, stack: list[Frame], page: Page) -> None:
    """Finish an element: flush its last text and, for a row, emit the row."""
    flush(frame, stack, page)
    if frame.role == "row":
        emit_row(frame, stack, page)


def row_of(frame: Frame, stack: list[Frame]) -> Frame:
    """Return the row a cell belongs to (a row is its own row)."""
    if frame.role == "row":
        return frame
    return next(f for f in reversed(stack) if f.role == "row")


def emit_row(row: Frame, stack: list[Frame], page: Page) -> None:
    """Add a table row block: cells joined by " | "; a table's first row is its header."""
    if not row.cells:
        return
    table = next((f for f in reversed(stack) if f.tag.name == "table"), None)
    first = table is None or table.count == 0
    if table is not None:
        table.count += 1
    parent = row.tag.parent
    header = first or (parent is not None and parent.name == "thead")
    kind = "table_header" if header else "table_row"
    page.add(kind, " | ".join(row.cells), row.tag.sourceline or 1)
    row.cells = []


# --- inline text ----------------------------------------------------------------------

INVISIBLE = {0x200B: None, 0x2060: None, 0xAD: None, 0xFEFF: None}
CITED = re.compile(r"[\[(]?\s*(\d{1,4}(?:\s*[-–—,]\s*\d{1,4})*)\s*[\])]?")
LAST_WORD = re.compile(r"[^\W\d_]+$")
# A superscript number right after one of these is an exponent (m², I²), not a citation.
# Units and statistics symbols are a closed set, not a lexicon, so they live here.
EXPONENT_BASES = frozenset(
    {"m", "cm", "mm", "km", "nm", "µm", "μm", "dm", "ft", "yd", "mi", "s", "R", "r", "I", "χ"}
)
SUPERSCRIPT = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
SUPERSCRIPT_WORDS = {"TM": "™", "SM": "℠"}
# What a link from a footnote or reference back to its marker shows.
BACK_ARROWS = frozenset({"↩", "↩\ufe0e", "↩\ufe0f", "^", "↑", "⤴"})
TAIL = 16


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space and drop invisible characters."""
    return " ".join(text.translate(INVISIBLE).split())


def inline_text(nodes: Iterable[PageElement]) -> str:
    """Render inline content to text: markers in brackets, <br> as a space, tags dropped."""
    pieces: list[str] = []
    pending: list[PageElement | str] = list(nodes)
    pending.reverse()
    while pending:
        node = pending.pop()
        if isinstance(node, Tag):
            pending.extend(expand(node, pieces))
        elif isinstance(node, str) and not isinstance(node, PreformattedString):
            pieces.append(node)
    return collapse("".join(pieces))


def expand(tag: Tag, pieces: list[str]) -> list[PageElement | str]:
    """Render a special element into pieces, or return its children (reversed) to render."""
    name = tag.name
    if name == "br":
        pieces.append(" ")
        return []
    if name in METADATA_TAGS:
        return []
    if name == "sup":
        pieces.append(sup_text(tag, tail(pieces)))
        return []
    marker = link_marker(tag) if name == "a" else None
    if marker is not None:
        pieces.append(marker)
        return []
    children: list[PageElement | str] = list(reversed(tag.contents))
    return [" ", *children, " "] if name in BLOCK_TAGS else children


def tail(pieces: list[str]) -> str:
    """Return the last few characters rendered so far."""
    text = ""
    for piece in reversed(pieces):
        text = piece + text
        if len(text) >= TAIL:
            break
    return text[-TAIL:]


def sup_text(sup: Tag, before: str) -> str:
    """Render a <sup>: a citation as "[2-4]", a footnote as "[^1]", else superscript text."""
    label = noteref_label(sup, sup.find("a", href=True))
    if label:
        return f"[^{label}]"
    inner = collapse(sup.get_text())
    cited = CITED.fullmatch(inner)
    if cited and (inner[0] in "[(" or links_reference(sup) or not exponent_base(before)):
        return f"[{cited.group(1)}]"
    return superscript(inner)


def link_marker(link: Tag) -> str | None:
    """Render a link to a reference ("#ref-3", text "3") as "[3]", one to a footnote as
    "[^1]" and a link back to a marker ("↩") as nothing; return None for any other link."""
    label = noteref_label(link.parent, link)
    if label:
        return f"[^{label}]"
    target = fragment(link)
    text = collapse(link.get_text())
    if target is not None and text in BACK_ARROWS:
        return ""
    cited = CITED.fullmatch(text)
    if target and cited and REFERENCE_ID.fullmatch(target):
        return f"[{cited.group(1)}]"
    return None


def noteref_label(outer: PageElement | None, link: PageElement | None) -> str | None:
    """Return the label of a footnote reference (role doc-noteref or class footnote-ref)."""
    if not isinstance(link, Tag) or not (is_noteref(outer) or is_noteref(link)):
        return None
    label = FOOTNOTE_ID.fullmatch(fragment(link) or "")
    return label.group(1) if label else None


def is_noteref(element: PageElement | None) -> bool:
    if not isinstance(element, Tag):
        return False
    return attr(element, "role") == "doc-noteref" or "footnote-ref" in attr(element, "class")


def fragment(link: Tag) -> str | None:
    """Return the #fragment a link points to, if any."""
    _, hash_sign, target = attr(link, "href").partition("#")
    return target if hash_sign else None


def links_reference(sup: Tag) -> bool:
    """Tell whether a <sup> holds a link into the reference list."""
    return any(REFERENCE_ID.fullmatch(fragment(a) or "") for a in sup.find_all("a", href=True))


def exponent_base(before: str) -> bool:
    """Tell whether text just before a <sup> makes it an exponent (10⁶, m²) and not a marker."""
    if not before or before[-1].isspace():
        return False
    if before[-1].isdigit():
        return True
    word = LAST_WORD.search(before)
    return word is not None and word.group(0) in EXPONENT_BASES


def superscript(text: str) -> str:
    """Write text in Unicode superscript characters where they all exist, else as it is."""
    if text in SUPERSCRIPT_WORDS:
        return SUPERSCRIPT_WORDS[text]
    if text and all(ch in SUPERSCRIPT for ch in text):
        return "".join(SUPERSCRIPT[ch] for ch in text)
    return text
