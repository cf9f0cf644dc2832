"""Read an HTML page's article text into blocks that point at the source lines they came from.

The page is decoded (byte-order mark, declared charset, UTF-8, else a guess that is noted),
parsed with BeautifulSoup's lenient html.parser, stripped of the site around the article
(the furniture named in tracker/data/html_boilerplate.yaml) and rendered block by block:
headings, paragraphs, list items, table rows and footnotes. Citation superscripts and links
into the reference list become the bracket markers the marker parser reads ("[2-4]"), and
reference-list items start with their number ("3. ") so the reference reader takes the
number the page shows.
"""

from __future__ import annotations

import codecs
import inspect
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    ParserRejectedMarkup,
    XMLParsedAsHTMLWarning,
)

# bs4's html.parser builder is subclassed through its 4.13 parser-class hook; pyproject.toml
# pins beautifulsoup4 to the releases this was tested with.
from bs4.builder._htmlparser import BeautifulSoupHTMLParser, HTMLParserTreeBuilder
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from tracker.datafiles import load_data
from tracker.readers import Block, DocumentText, Note, ReaderError, detect_encoding
from tracker.readers.superscripts import citation_numbers
from tracker.readers.superscripts import render as render_raised
from tracker.references import HEADING_DECORATION
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
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BINARY_SHARE = 0.01
MARKUP = re.compile(r"<[A-Za-z!/?]")
# A tag cut off by the end of a truncated file; html.parser would keep it as text.
CUT_TAG = re.compile(r"<(?:[A-Za-z!/?][^<>]*)?")
START_TAG = re.compile(r"<[A-Za-z]")
# How deep elements nest before a new one is put beside the deepest instead of inside it, as
# browsers do at 512. bs4 walks up through the open elements for every node it adds, and
# html.parser closes none by itself, so a page of tags left open took time in the square of
# its length (found by fuzzing: 2,800 unclosed <P>s in 54 KB, 1.1 s; 10,000 open <div>s then
# 10,000 short texts, 12 s). Real pages nest a few dozen deep.
MAX_DEPTH = 200
# What the parser notes in the soup (the line where it happened), and what to tell the writer.
PARSER_NOTES = {
    "unended_tag_line": "a tag opened here never ends (a quote left open?), so the page was "
    "read up to it - close the tag",
    "too_deep_line": f"elements nest more than {MAX_DEPTH} deep from here (tags left open?), so "
    "deeper ones were read beside each other - close the tags",
}


def read_html(path: Path, data: bytes) -> DocumentText:
    """Read an HTML page's article text into blocks that point at their source lines."""
    text, notes = decode_page(path, data)
    return html_document(path, text, notes)


def html_document(
    path: Path,
    text: str,
    notes: list[Note],
    empty_ok: bool = False,
    lines: Callable[[int], int] | None = None,
) -> DocumentText:
    """Read decoded HTML as a browser shows it; empty_ok: a page without text has no blocks
    (rendered Markdown may be empty) instead of being refused; lines: where a line of the
    HTML came from, for HTML rendered from another source."""
    soup = parse(path, text)
    # What the parser noted is in the soup's own attributes: bs4 answers any other name by
    # searching the whole page for a tag of that name.
    noted = vars(soup)
    source = lines or (lambda line: line)
    notes.extend(
        Note(message, source(noted[name]))
        for name, message in PARSER_NOTES.items()
        if name in noted
    )
    page = Page(string_lines(soup), lines=lines)
    drop_furniture(soup)
    root = article_root(soup)
    drop_site_headers(root)
    walk(root, page)
    if not page.blocks and not empty_ok:
        raise ReaderError(
            f"{path}: no article text in the page (only scripts, menus or banners) - "
            "save the page from the browser after it has loaded (File > Save Page As)"
        )
    title = title_of(soup)
    return DocumentText(path, page.text(), page.blocks, title, notes)


def decode_page(path: Path, data: bytes) -> tuple[str, list[Note]]:
    """Decode a page's bytes; return the text and notes about any guess that was needed."""
    if not data.strip():
        raise ReaderError(f"{path}: the file is empty - save the page again and run again")
    text, notes = decoded(path, data)
    if "\x00" in text or len(CONTROL.findall(text)) > BINARY_SHARE * len(text):
        raise ReaderError(f"{path}: binary data, not an HTML page - check that the file is a page")
    if not MARKUP.search(text):
        raise ReaderError(f"{path}: no HTML tags in the file - if it is plain text, name it .txt")
    return without_cut_tag(text), notes


def without_cut_tag(text: str) -> str:
    """Drop a tag that the end of a truncated file cut off."""
    last = text.rfind("<")
    if last > text.rfind(">") and CUT_TAG.fullmatch(text, last):
        return text[:last]
    return text


def decoded(path: Path, data: bytes) -> tuple[str, list[Note]]:
    """Decode by byte-order mark, then declared charset, then UTF-8, else by a guess."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return strictly(path, data, encoding), []
    declared = declared_charset(data)
    utf8 = attempt(data, "utf-8")
    if utf8 is not None and declared not in (None, "utf-8") and not data.isascii():
        # A page re-saved as UTF-8 often keeps its old <meta charset>; text in a legacy
        # code page is almost never valid UTF-8 by accident, so the bytes win.
        name = display_name(declared)
        return utf8, [Note(f"the page declares charset {name!r} but is UTF-8 - read as UTF-8")]
    for text in (attempt(data, declared), utf8):
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
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return label


def attempt(data: bytes, encoding: str | None) -> str | None:
    """Decode strictly with a text codec, or return None when it does not fit."""
    if encoding is None or encoding.endswith("escape"):
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeError, ValueError):
        return None


def guessed(path: Path, data: bytes, declared: str | None) -> tuple[str, list[Note]]:
    """Decode with the package's encoding guess and say so in a note."""
    encoding = detect_encoding(data)
    text = attempt(data, encoding) if encoding else None
    if encoding is None or text is None:
        raise ReaderError(
            f"{path}: not text in any known encoding (binary data?) - "
            "check that the file is a saved web page, saved as UTF-8"
        )
    name = display_name(encoding)
    note = f"decoded as {name} (guessed) - save the page as UTF-8 to be sure"
    if declared:
        name = display_name(declared)
        note = f"the page declares charset {name!r} but is not valid {name}; " + note
    return text, [Note(note)]


def display_name(encoding: str) -> str:
    """Name a codec the way pages and editors name it (cp1252 -> windows-1252)."""
    name = encoding.replace("_", "-")
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


class _PendingEndTags:
    """The void elements (<br>) whose redundant end tag (</br>) may still come, counted.

    bs4 keeps them in a list that every end tag searches, which made a page of many <br>
    and many end tags take time in the square of its length; it only appends, removes and
    asks whether a tag is there, which a count does in constant time.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def append(self, tag: str) -> None:
        self.counts[tag] += 1

    def remove(self, tag: str) -> None:
        self.counts[tag] -= 1

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and self.counts[tag] > 0


class _Parser(BeautifulSoupHTMLParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.already_closed_empty_element = _PendingEndTags()  # type: ignore[assignment]

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]], handle_empty_element: bool = True
    ) -> None:
        soup = self.soup
        if len(soup.tagStack) > MAX_DEPTH and soup.currentTag is not None:
            vars(soup).setdefault("too_deep_line", self.getpos()[0])
            soup.handle_endtag(soup.currentTag.name, soup.currentTag.prefix)
        super().handle_starttag(tag, attrs, handle_empty_element)

    def close(self) -> None:
        # What is left unparsed at the end starts with a start tag that never ends: one of its
        # attributes opens a quote that nothing closes. html.parser (before CPython fixed
        # gh-135462) then reads each later tag to the end of the page again, in time the
        # square of what is left (128 KB: 4.5 s). A browser drops the rest of the page at such
        # a tag; so does this, and the reader says where.
        if START_TAG.match(self.rawdata):
            vars(self.soup)["unended_tag_line"] = self.getpos()[0]
            self.rawdata = ""
        super().close()


class _Builder(HTMLParserTreeBuilder):
    """bs4's html.parser builder with the end-tag bookkeeping above."""

    def feed(self, markup: Any, _parser_class: type[BeautifulSoupHTMLParser] = _Parser) -> None:
        super().feed(markup, _Parser)


# bs4 4.13 and later let a builder choose its parser class; before, the stock one is used.
_BUILDER: Any = (
    _Builder
    if "_parser_class" in inspect.signature(HTMLParserTreeBuilder.feed).parameters
    else "html.parser"
)


def parse(path: Path, text: str) -> BeautifulSoup:
    """Parse leniently; html.parser keeps going through broken markup and records lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            return BeautifulSoup(text, builder=_BUILDER)
        except ParserRejectedMarkup as err:
            raise ReaderError(
                f"{path}: the HTML parser gave up ({err}) - open the page in a browser "
                "and save it again"
            ) from err


def string_lines(soup: BeautifulSoup) -> dict[int, int]:
    """Return the source line where each text node's text starts, keyed by the node's id."""
    # Text nodes carry no line of their own, and once furniture is dropped the text around
    # them is gone, so lines are counted in one pass over the whole page first.
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
    fragments: re.Pattern[str]


@cache
def furniture() -> Furniture:
    """Load the furniture names, once."""
    data = load_data("html_boilerplate.yaml")
    return Furniture(
        tags=frozenset(data["tags"]),
        roles=frozenset(data["roles"]),
        words=frozenset(data["words"]),
        fragments=re.compile("|".join(re.escape(fragment) for fragment in data["fragments"])),
    )


HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
NAME_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# An id with more words than this is more likely a section title's slug than a widget's name.
MAX_ID_WORDS = 1
NEVER_DROPPED = frozenset({"html", "head", "body", "main"})
REFERENCE_NAMES = ("references", "bibliography", "reflist")


def tags_in(tag: Tag) -> Iterator[Tag]:
    """Yield the elements inside an element, in document order."""
    # Not find_all (its filters are slow) nor .descendants (it first walks to the last
    # descendant, so stopping early saves nothing and nested tables cost quadratic time).
    pending = list(reversed(tag.contents))
    while pending:
        node = pending.pop()
        if isinstance(node, Tag):
            yield node
            pending.extend(reversed(node.contents))


def first(root: Tag, wanted: Callable[[Tag], bool]) -> Tag | None:
    """Return the first element inside root that is wanted, in document order."""
    return next((tag for tag in tags_in(root) if wanted(tag)), None)


def attr(tag: Tag, name: str) -> str:
    """Return an attribute as one string ("" when absent; class lists joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def drop_furniture(soup: BeautifulSoup) -> None:
    """Remove every furniture element that does not hold the article itself."""
    for tag in furniture_elements(soup, furniture(), article_holders(soup)):
        tag.decompose()


def furniture_elements(soup: BeautifulSoup, names: Furniture, keep: set[int]) -> list[Tag]:
    """Return the outermost furniture elements, without looking inside them."""
    found: list[Tag] = []
    pending: list[Tag] = [soup]
    while pending:
        for child in pending.pop().contents:
            if not isinstance(child, Tag):
                continue
            kept = child.name in NEVER_DROPPED or id(child) in keep
            if not kept and is_furniture(child, names):
                found.append(child)
            else:
                pending.append(child)
    return found


def is_furniture(tag: Tag, names: Furniture) -> bool:
    """Tell whether an element is page furniture by its tag, role, name or visibility."""
    if tag.name in names.tags:
        return True
    # Hidden elements are kept: collapsed FAQ answers are hidden until clicked, and they
    # make claims like any other paragraph.
    if not tag.attrs or tag.name in HEADING_TAGS:
        return False
    if attr(tag, "role").lower() in names.roles:
        return True
    return named_furniture(tag, names)


def named_furniture(tag: Tag, names: Furniture) -> bool:
    """Tell whether an element's class, id or aria-label names a widget."""
    ident, classes = attr(tag, "id"), attr(tag, "class")
    spelled = f"{ident} {classes}".lower()
    if names.fragments.search(spelled):
        return True
    words = tokens(classes) + tokens(attr(tag, "aria-label"))
    id_words = tokens(ident)
    if len(id_words) <= MAX_ID_WORDS:
        words += id_words
    return any(word in names.words or word.removesuffix("s") in names.words for word in words)


def tokens(value: str) -> list[str]:
    """Split a class, id or label into lower-case words ("shareButtons" -> share, buttons)."""
    return [word.lower() for word in NAME_TOKEN.findall(value)]


def article_holders(soup: BeautifulSoup) -> set[int]:
    """Return the ids of the elements that are or hold the article's h1, main or references."""
    # One pass up from each part, not a search down from each furniture element: a page
    # of nested widgets around its <h1> would otherwise take quadratic time.
    holders: set[int] = set()
    for tag in tags_in(soup):
        node: Tag | None = tag if is_article_part(tag) else None
        while node is not None and id(node) not in holders:
            holders.add(id(node))
            node = node.parent
    return holders


def is_article_part(tag: Tag) -> bool:
    """Tell whether an element must survive: the page's h1, its main part, its references."""
    if tag.name in ("h1", "main"):
        return True
    if not tag.attrs:
        return False
    return attr(tag, "role") == "main" or names_references(tag) or names_footnotes(tag)


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
    articles = outermost(soup, "article")
    if articles:
        article = max(articles, key=lambda tag: len(tag.get_text()))
        # A page's <main> may continue its one article with sections of its own (questions
        # and answers after the sources): they are read; what stands before the article is
        # not, and furniture is dropped already.
        main = article.find_parent("main")
        if main is None or len(articles) > 1:
            return article
        node: Tag = article
        while node is not main and node.parent is not None:
            for before in list(node.previous_siblings):
                before.extract()
            node = node.parent
        return main
    found = (
        first(soup, lambda tag: tag.name == "main")
        or first(soup, lambda tag: attr(tag, "role") == "main")
        or first(soup, lambda tag: tag.name == "body")
    )
    return found or soup


def drop_site_headers(root: Tag) -> None:
    """Drop <header> elements outside an article unless they hold the page's <h1>."""
    if root.name == "article":
        return
    for header in outermost(root, "header", skipped="article"):
        if not any(inner.name == "h1" for inner in tags_in(header)):
            header.decompose()


def outermost(root: Tag, name: str, skipped: str = "") -> list[Tag]:
    """Return the elements of a name that no other one holds, not looking in `skipped` ones."""
    found: list[Tag] = []
    pending = list(reversed(root.contents))
    while pending:
        node = pending.pop()
        if isinstance(node, Tag) and node.name == name:
            found.append(node)
        elif isinstance(node, Tag) and node.name != skipped:
            pending.extend(reversed(node.contents))
    return found


def title_of(soup: BeautifulSoup) -> str:
    """Return the page's <title>, else its og:title, else its first <h1>."""
    title = first(soup, lambda tag: tag.name == "title")
    # An unclosed <title> swallows the page; its text is then no title.
    if title and next(tags_in(title), None) is None and collapse(title.get_text()):
        return collapse(title.get_text())
    meta = first(soup, lambda tag: tag.name == "meta" and attr(tag, "property") == "og:title")
    if meta and collapse(attr(meta, "content")):
        return collapse(attr(meta, "content"))
    heading = first(soup, lambda tag: tag.name == "h1")
    return collapse(heading.get_text()) if heading else ""


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
LIST_TAGS = frozenset({"ul", "ol", "menu"})
# A table that holds these is the page's layout, not data: its cells are read as sections.
LAYOUT_TAGS = HEADING_TAGS | {"table", "article", "main", "section"}
# Elements whose content is never shown as text (<title> is the page's name, not its text).
TEXTLESS_TAGS = frozenset({"title", "meta", "link", "base", "img", "input", "wbr", "area"})
SEPARATOR = "\n\n"
FOOTNOTE_ID = re.compile(r"(?:fn|footnote)[-_:]?(\w[\w.-]*)", re.I)
# Ids that reference lists give their entries: ref-3, ref3, r3, b3, bib3, CR3, reference-3,
# fn3, footnote-3, cite_note-3 and Wikipedia's named cite_note-Smith2020-3.
REFERENCE_ID = re.compile(
    r"(?:ref|reference|bib|b|r|cr|fn|footnote|endnote|note|citation)s?[-_:]?\d+"
    r"|cite[-_]note-(?:.*-)?\d+",
    re.I,
)
ID_NUMBER = re.compile(r"(?<!\d)(\d{1,6})$")
LEADING_NUMBER = re.compile(r"\[?\d{1,4}[.)\]]")
NOTES_HEADING = re.compile(r"notes?", re.I)


@dataclass
class Frame:
    """An element being read: its role, its pending inline text, its list or table state."""

    tag: Tag
    role: str
    kind: str = "paragraph"
    context: str | None = None
    # The nearest enclosing list (numbers its items), row (gathers its cells) and table
    # (counts its rows), held here because searching the stack is slow on deep pages.
    owner: Frame | None = None
    row: Frame | None = None
    table: Frame | None = None
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

    string_lines: dict[int, int]
    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    length: int = 0
    references_level: int | None = None
    lines: Callable[[int], int] | None = None  # from the HTML's lines to its source's

    def add(
        self, kind: str, text: str, line: int, label: str | None = None, links: tuple[str, ...] = ()
    ) -> None:
        """Append one block of rendered text."""
        if self.parts:
            self.parts.append(SEPARATOR)
            self.length += len(SEPARATOR)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        self.blocks.append(Block(kind, start, self.length, line, label, links))

    def text(self) -> str:
        """Return the rendered text: the blocks joined by blank lines."""
        return "".join(self.parts)

    def line_of(self, nodes: list[PageElement], fallback: int) -> int:
        """Return the source line of the first node that holds text."""
        for node in nodes:
            if isinstance(node, Tag):
                return node.sourceline or fallback
            if id(node) in self.string_lines and not isinstance(node, PreformattedString):
                return self.string_lines[id(node)]
        return fallback

    def saw_heading(self, text: str, level: int) -> None:
        """Open a reference section at a References heading; close it at the next one."""
        name = text.strip(HEADING_DECORATION)
        if REFERENCE_HEADINGS.fullmatch(name) or NOTES_HEADING.fullmatch(name):
            self.references_level = level
        elif self.references_level is not None and level <= self.references_level:
            self.references_level = None


def walk(root: Tag, page: Page) -> None:
    """Cut the article into blocks, element by element."""
    # A loop over an explicit stack, not recursion: html.parser nests every unclosed <p>
    # or <li> inside the one before, so old pages nest thousands of elements deep.
    holders = block_holders(root)
    stack = [Frame(root, "flow", children=iter(root.contents))]
    while stack:
        frame = stack[-1]
        node = next(frame.children, None)
        if node is None:
            close(stack.pop(), page)
        elif isinstance(node, Tag) and breaks(frame, node, holders):
            flush(frame, page)
            stack.append(open_frame(node, frame, page))
        else:
            frame.run.append(node)


def block_holders(root: Tag) -> set[int]:
    """Return the ids of the elements that hold a block element somewhere inside."""
    holders: set[int] = set()
    for block in tags_in(root):
        if block.name not in BLOCK_TAGS:
            continue
        parent = block.parent
        while parent is not None and parent is not root and id(parent) not in holders:
            holders.add(id(parent))
            parent = parent.parent
    return holders


def breaks(frame: Frame, tag: Tag, holders: set[int]) -> bool:
    """Tell whether a child element starts a block of its own inside this frame."""
    if frame.role in BREAKS:
        return tag.name in BREAKS[frame.role]
    # An inline element that holds blocks (a <b> left open, an <a> around a card) is
    # opened like a <div>, so the blocks inside it stay blocks.
    return tag.name in BLOCK_TAGS or id(tag) in holders


def open_frame(tag: Tag, parent: Frame, page: Page) -> Frame:
    """Start reading an element that is a block of its own."""
    role = role_of(tag, parent)
    kind = "heading" if role == "heading" else "paragraph"
    frame = Frame(tag, role, kind, parent.context, parent.owner, parent.row, parent.table)
    frame.children = iter(tag.contents)
    if role == "list":
        open_list(frame, parent, page)
    elif role == "item":
        number_item(frame)
    elif role == "row":
        open_row(frame, parent, page)
    elif role == "table" and tag.name == "table":
        frame.table, frame.row = frame, None
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
        return "flow" if any(inner.name in LAYOUT_TAGS for inner in tags_in(tag)) else "table"
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
    first_item = tag.find("li", recursive=False)
    first_id = attr(first_item, "id") if isinstance(first_item, Tag) else ""
    if parent.context == "footnotes" or FOOTNOTE_ID.fullmatch(first_id):
        return "footnotes"
    in_section = page.references_level is not None
    if parent.context == "references" or in_section or names_references(tag):
        return "references"
    return None


def open_list(frame: Frame, parent: Frame, page: Page) -> None:
    """Start a list: its kind of items and the number before its first one."""
    frame.kind = "list_item"
    frame.context = list_context(frame.tag, parent, page)
    frame.count = list_start(frame.tag) - 1
    frame.owner = frame


def open_row(frame: Frame, parent: Frame, page: Page) -> None:
    """Start a table row; a row opened inside another (an unclosed <tr>) ends that one."""
    if parent.role in ("row", "cell") and parent.row is not None:
        emit_row(parent.row, page)
    frame.row = frame


def list_start(tag: Tag) -> int:
    """Return the number of an ordered list's first item."""
    start = attr(tag, "start").strip()
    return int(start) if start.isdecimal() and len(start) < 6 else 1


def number_item(frame: Frame) -> None:
    """Number a list item and, in a reference or footnote list, mark it so."""
    owner = frame.owner
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


def flush(frame: Frame, page: Page) -> None:
    """Turn the inline text gathered in a frame into a block (or a table cell)."""
    nodes, frame.run = frame.run, []
    first = not frame.flushed
    frame.flushed = True
    text = inline_text(nodes)
    if not text:
        return
    if frame.role in ("row", "cell") and frame.row is not None:
        frame.row.cells.append(text)
        return
    source = written_line(frame.tag)
    line = source or frame.tag.sourceline or 1
    if not first and source is None:
        line = page.line_of(nodes, line)
    if source is None and page.lines is not None:
        line = page.lines(line)
    if frame.prefix and not LEADING_NUMBER.match(text):
        text = frame.prefix + text
    frame.prefix = ""
    page.add(frame.kind, text, line, frame.label, link_targets(nodes))
    if frame.kind == "heading":
        page.saw_heading(text, int(frame.tag.name[1]))


def written_line(tag: Tag) -> int | None:
    """Return the source line rendered Markdown gives an element or its nearest ancestor."""
    for element in (tag, *tag.parents):
        value = element.get(SOURCE_LINE) if isinstance(element, Tag) else None
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def link_targets(nodes: list[PageElement]) -> tuple[str, ...]:
    """Return where the links among some nodes point, web addresses only."""
    found: list[str] = []
    for node in nodes:
        if isinstance(node, Tag):
            links = [node] if node.name == "a" else node.find_all("a")
            found.extend(attr(link, "href") for link in links if isinstance(link, Tag))
    return tuple(href for href in found if href.startswith(("http://", "https://")))


def close(frame: Frame, page: Page) -> None:
    """Finish an element: flush its last text and, for a row, emit the row."""
    flush(frame, page)
    if frame.role == "row":
        emit_row(frame, page)


def emit_row(row: Frame, page: Page) -> None:
    """Add a table row block: cells joined by " | "; a table's first row is its header."""
    if not row.cells:
        return
    table = row.table
    first = table is None or table.count == 0
    if table is not None:
        table.count += 1
    parent = row.tag.parent
    header = first or (parent is not None and parent.name == "thead")
    kind = "table_header" if header else "table_row"
    page.add(kind, " | ".join(row.cells), row.tag.sourceline or 1)
    row.cells = []


# --- inline text ----------------------------------------------------------------------

# The attribute by which the Markdown reader tells each rendered element its source line.
SOURCE_LINE = "data-source-line"
INVISIBLE = {0x200B: None, 0x2060: None, 0xAD: None, 0xFEFF: None}
# What a link from a footnote or reference back to its marker shows.
BACK_ARROWS = frozenset({"↩", "↩\ufe0e", "↩\ufe0f", "^", "↑", "⤴"})
TAIL = 16
MARKER_NODES = 24


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
    if name in TEXTLESS_TAGS:
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
    links = [inner for inner in tags_in(sup) if inner.name == "a"]
    label = noteref_label(sup, links[0]) if links else None
    if label:
        return f"[^{label}]"
    inner = collapse(sup.get_text())
    return render_raised(inner, before, cites=inner[:1] in "[(" or links_reference(links))


def link_marker(link: Tag) -> str | None:
    """Render a reference link as "[3]", a footnote link as "[^1]", a back link as ""."""
    label = noteref_label(link.parent, link)
    if label:
        return f"[^{label}]"
    target = fragment(link)
    text = short_text(link) if target is not None else None
    if target is None or text is None:
        return None
    if text in BACK_ARROWS:
        return ""
    numbers = citation_numbers(text)
    if numbers is not None and REFERENCE_ID.fullmatch(target):
        return f"[{numbers}]"
    return None


def short_text(tag: Tag) -> str | None:
    """Return an element's text when it is short enough to be a marker ("3", "[12]")."""
    # Bounded, so that links nested thousands deep are not each read to the bottom.
    pieces: list[str] = []
    pending: list[PageElement] = [tag]
    for _ in range(MARKER_NODES):
        if not pending:
            return collapse("".join(pieces))
        node = pending.pop()
        if isinstance(node, Tag):
            pending.extend(reversed(node.contents))
        elif isinstance(node, str) and not isinstance(node, PreformattedString):
            pieces.append(node)
    return None


def noteref_label(outer: PageElement | None, link: PageElement | None) -> str | None:
    """Return the label of a footnote reference (role doc-noteref or class footnote-ref)."""
    if not isinstance(link, Tag) or not (is_noteref(outer) or is_noteref(link)):
        return None
    label = FOOTNOTE_ID.fullmatch(fragment(link) or "")
    return label.group(1) if label else None


def is_noteref(element: PageElement | None) -> bool:
    """Tell whether an element is marked as a footnote reference."""
    if not isinstance(element, Tag):
        return False
    return attr(element, "role") == "doc-noteref" or "footnote-ref" in attr(element, "class")


def fragment(link: Tag) -> str | None:
    """Return the #fragment a link points to, if any."""
    _, hash_sign, target = attr(link, "href").partition("#")
    return target if hash_sign else None


def links_reference(links: list[Tag]) -> bool:
    """Tell whether any of these links points into the reference list."""
    return any(REFERENCE_ID.fullmatch(fragment(link) or "") for link in links)
