"""Read a Word document (.docx) into headings, paragraphs, list items, table rows and notes.

python-docx opens the package; the body and the footnote and endnote parts are then walked
as WordprocessingML with lxml, because python-docx models neither notes nor the superscript
runs that carry citations. The text is rendered, so each block records its paragraph number.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.part import Part, XmlPart
from docx.package import Package
from lxml import etree

from tracker.limits import MAX_DOCUMENT_BYTES, MAX_PACKAGE_BYTES, size_text
from tracker.readers import Block, DocumentText, Note, ReaderError
from tracker.readers.superscripts import render as render_raised

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MC_ALTERNATE, MC_FALLBACK = MC + "AlternateContent", MC + "Fallback"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"

P, TBL, TR, TC, R, RPR, T = (W + tag for tag in ("p", "tbl", "tr", "tc", "r", "rPr", "t"))
BLOCKS = frozenset({P, TBL})
# Content controls and custom XML wrap paragraphs, rows and cells without changing them.
BLOCK_WRAPPERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml"})
# Runs sit inside these; deleted text (w:del, w:moveFrom) is left out by not listing it.
INLINE_WRAPPERS = frozenset(
    W + tag
    for tag in "hyperlink ins moveTo smartTag sdt sdtContent fldSimple customXml dir bdo".split()
)
# Text boxes float beside the text: their text is not read, and a note says so.
TEXT_BOX = W + "txbxContent"
RUN_CHARACTERS = {
    W + "tab": " ",
    W + "ptab": " ",
    W + "br": " ",
    W + "cr": " ",
    W + "noBreakHyphen": "-",
}
NOTE_REFERENCES = {W + "footnoteReference": "", W + "endnoteReference": "e"}
NOTE_PARTS = ((RT.FOOTNOTES, W + "footnote", ""), (RT.ENDNOTES, W + "endnote", "e"))
SPACES = str.maketrans("\t\n\r", "   ")
SEPARATOR = "\n\n"

HEADING_NAME = re.compile(r"heading ([1-9])")
BODY_TEXT_LEVEL = 9

# Word 97-2003 files and password-protected documents are OLE2 compound files, not ZIP.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOTE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
RESAVE = "open it in Word and save it as a Word document (.docx), then run again"
# The parts whose XML holds the text; together they may be as large as a page may be.
TEXT_PARTS = re.compile(r"word/(?:document\d*|footnotes|endnotes)\.xml", re.I)


@dataclass(frozen=True)
class Style:
    """What a style or direct formatting says about its text; None leaves it to the base."""

    name: str | None = None
    outline: int | None = None
    numbered: bool | None = None
    vert: str | None = None
    hidden: bool | None = None

    def over(self, base: Style) -> Style:
        """Return these settings with the ones left unset taken from base."""
        own = {f.name: getattr(self, f.name) for f in fields(self)}
        return Style(**{k: getattr(base, k) if v is None else v for k, v in own.items()})


@dataclass(frozen=True)
class Piece:
    """A piece of a paragraph's text; raised pieces are superscript."""

    text: str
    raised: bool = False


@dataclass(frozen=True)
class Rendered:
    """A block's rendered text before it is placed in the document's text."""

    kind: str
    text: str
    line: int
    label: str | None = None
    level: int | None = None


class StyleSheet:
    """A document's styles, each resolved through the styles it is based on."""

    def __init__(self, root: etree._Element | None) -> None:
        self.own: dict[str, tuple[Style, str | None]] = {}
        self.resolved: dict[str, Style] = {}
        self.combined: dict[tuple[Style, str | None], Style] = {}
        self.default: str | None = None
        for element in children(root, frozenset({W + "style"})):
            self.add(element)

    def add(self, element: etree._Element) -> None:
        """Record one w:style element's own settings and its base style."""
        style_id = element.get(W + "styleId")
        if style_id is None:
            return
        found = {**tags(child(element, "pPr")), **tags(child(element, "rPr"))}
        own = settings(found, val(child(element, "name")))
        self.own[style_id] = (own, val(child(element, "basedOn")))
        is_default = element.get(W + "default") in ("1", "true", "on")
        if is_default and element.get(W + "type") == "paragraph":
            self.default = style_id

    def effective(self, direct: Style, style_id: str | None) -> Style:
        """Return direct formatting over a style; each pair is worked out once."""
        key = (direct, style_id)
        if key not in self.combined:
            self.combined[key] = direct.over(self.lookup(style_id))
        return self.combined[key]

    def lookup(self, style_id: str | None) -> Style:
        """Return a style's settings with its base styles folded in."""
        if style_id is None:
            return Style()
        if style_id not in self.resolved:
            self.resolved[style_id] = self.fold(style_id)
        return self.resolved[style_id]

    def fold(self, style_id: str) -> Style:
        """Fold a style over its chain of bases, stopping at a missing or repeated one."""
        chain: list[Style] = []
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current in self.own and current not in seen:
            seen.add(current)
            own, current = self.own[current]
            chain.append(own)
        style = Style()
        for own in reversed(chain):
            style = own.over(style)
        return style


def read_docx(path: Path, data: bytes) -> DocumentText:
    """Render a Word document's body, footnotes and endnotes into blocks."""
    part = open_document(path, data)
    body = part.element.find(W + "body")
    if body is None:
        raise ReaderError(f"{path}: word/document.xml has no body - {RESAVE}")
    sheet = StyleSheet(part_element(related_part(part, RT.STYLES)))
    items, lines = body_items(body, sheet)
    items += note_items(path, part, sheet, lines)
    doc = assemble(path, items, core_title(part.package) or heading_title(items))
    doc.notes.extend(text_box_notes(body))
    doc.notes.extend(entity_notes(body))
    return doc


def open_document(path: Path, data: bytes) -> XmlPart:
    """Open the package and return its main document part, or say why it cannot be read."""
    if data.startswith(OLE2_SIGNATURE):
        raise ReaderError(
            f"{path}: a Word 97-2003 (.doc) or password-protected file, not a .docx - "
            "open it in Word and save it as a Word document (.docx) with no password, "
            "then run again"
        )
    check_unpacked_size(path, data)
    try:
        part = Package.open(io.BytesIO(data)).main_document_part
    except Exception as err:
        # python-docx's loader trusts the package: damaged content types or relationships
        # surface as AttributeError or TypeError as well as the ZIP, XML and lookup errors
        # below. Whatever it raises, the file cannot be opened; our own code runs outside.
        raise open_failure(path, err) from err
    if part.content_type != CT.WML_DOCUMENT_MAIN or not isinstance(part, XmlPart):
        raise ReaderError(
            f"{path}: not a Word document (its main part is {part.content_type}) - {RESAVE}"
        )
    return part


def check_unpacked_size(path: Path, data: bytes) -> None:
    """Refuse a package that unpacks to more than a document may hold (a ZIP bomb)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return  # opening it says what is wrong (a ZIP version or method it cannot read, too)
    # The sizes the ZIP directory declares bound what reading can return, so they suffice.
    text = sum(m.file_size for m in members if TEXT_PARTS.fullmatch(m.filename))
    total = sum(m.file_size for m in members)
    if text > MAX_DOCUMENT_BYTES:
        raise ReaderError(
            f"{path}: its text unpacks to {size_text(text)}, more than the "
            f"{size_text(MAX_DOCUMENT_BYTES)} a document may be, and was not read "
            "- split it into smaller documents"
        )
    if total > MAX_PACKAGE_BYTES:
        raise ReaderError(
            f"{path}: it unpacks to {size_text(total)}, more than the "
            f"{size_text(MAX_PACKAGE_BYTES)} a Word document may be, and was not read "
            "- remove or compress its images, or split it"
        )


def open_failure(path: Path, err: Exception) -> ReaderError:
    """Describe why a package could not be opened."""
    if isinstance(err, etree.LxmlError) and "Excessive depth" in str(err):
        # lxml refuses XML nested deeper than 256 elements, which also bounds our own walk.
        return ReaderError(
            f"{path}: cannot read the Word document: its XML nests more than 256 levels deep "
            "(tables within tables?) - flatten them, then run again"
        )
    if isinstance(err, etree.LxmlError):
        what = f"broken XML inside the package ({err})"
    elif isinstance(err, KeyError):
        what = f"a part is missing ({err.args[0] if err.args else 'unnamed'})"
    elif isinstance(err, zipfile.BadZipFile | zlib.error | lzma.LZMAError | EOFError):
        what = f"not a ZIP package, or a damaged one ({err or 'empty'})"
    elif isinstance(err, AttributeError | TypeError):
        what = "a damaged package (its content types or relationships are malformed)"
    else:
        what = f"a damaged package ({type(err).__name__}: {err})"
    return ReaderError(f"{path}: cannot read the Word document: {what} - {RESAVE}")


def related_part(source: Part | OpcPackage, reltype: str) -> Part | None:
    """Return the one part that source relates to by reltype, or None."""
    try:
        return source.part_related_by(reltype)
    except (KeyError, ValueError):
        return None


def part_element(part: Part | None) -> etree._Element | None:
    """Return the root element of an XML part, or None."""
    return part.element if isinstance(part, XmlPart) else None


def children(element: etree._Element | None, tags: frozenset[str]) -> Iterator[etree._Element]:
    """Yield the children with one of tags, looking through content controls."""
    for item in () if element is None else element:
        if item.tag in tags:
            yield item
        elif item.tag in BLOCK_WRAPPERS:
            yield from children(item, tags)


def child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """Return the first w:tag child of element, or None."""
    return None if element is None else element.find(W + tag)


def val(element: etree._Element | None) -> str | None:
    """Return the w:val attribute of element, or None."""
    return None if element is None else element.get(W + "val")


def tags(properties: etree._Element | None) -> dict[str, etree._Element]:
    """Map the tags of a w:pPr or w:rPr to its children, read in one pass for speed."""
    return {} if properties is None else {item.tag: item for item in properties}


def settings(found: dict[str, etree._Element], name: str | None = None) -> Style:
    """Read the settings that matter here from paragraph and run properties."""
    return Style(
        name=name,
        outline=outline_of(found.get(W + "outlineLvl")),
        numbered=numbered_of(found.get(W + "numPr")),
        vert=val(found.get(W + "vertAlign")),
        hidden=on_off(found.get(W + "vanish")),
    )


def outline_of(element: etree._Element | None) -> int | None:
    """Return an outline level (0 for Heading 1, 9 for body text)."""
    level = val(element)
    return int(level) if level is not None and level.isdecimal() else None


def numbered_of(numbering: etree._Element | None) -> bool | None:
    """Tell whether w:numPr numbers the paragraph; numId 0 removes numbering."""
    number_id = val(child(numbering, "numId"))
    return None if number_id is None else number_id.strip() != "0"


def on_off(element: etree._Element | None) -> bool | None:
    """Read a toggle property: present means on unless its value says off."""
    if element is None:
        return None
    return val(element) not in ("0", "false", "off")


def body_items(body: etree._Element, sheet: StyleSheet) -> tuple[list[Rendered], int]:
    """Render the body's paragraphs and table rows; return them and the count of both."""
    items: list[Rendered] = []
    line = 0
    for element in children(body, BLOCKS):
        if element.tag == P:
            line += 1
            items.append(paragraph_item(element, sheet, line))
            continue
        for index, row in enumerate(children(element, frozenset({TR}))):
            line += 1
            kind = "table_header" if index == 0 else "table_row"
            items.append(Rendered(kind, row_text(row, sheet), line))
    return [item for item in items if item.text], line


def paragraph_item(p: etree._Element, sheet: StyleSheet, line: int) -> Rendered:
    """Render a body paragraph as a heading, list item or paragraph."""
    found = tags(child(p, "pPr"))
    style = sheet.effective(settings(found), val(found.get(W + "pStyle")) or sheet.default)
    level = heading_level(style)
    if level is not None:
        return Rendered("heading", paragraph_text(p, sheet), line, level=level)
    listed = style.numbered or (style.name or "").lower().startswith("list")
    return Rendered("list_item" if listed else "paragraph", paragraph_text(p, sheet), line)


def heading_level(style: Style) -> int | None:
    """Return 0 for a title, N for a level-N heading, None for any other paragraph."""
    name = (style.name or "").lower()
    if name == "title":
        return 0
    match = HEADING_NAME.fullmatch(name)
    if match:
        return int(match.group(1))
    if style.outline is not None and style.outline < BODY_TEXT_LEVEL:
        return style.outline + 1
    return None


def row_text(row: etree._Element, sheet: StyleSheet) -> str:
    """Join a table row's cell texts with " | "; a row of empty cells is empty."""
    cells = [container_text(cell, sheet) for cell in children(row, frozenset({TC}))]
    return " | ".join(cells).strip() if any(cells) else ""


def container_text(element: etree._Element, sheet: StyleSheet) -> str:
    """Render the paragraphs and tables of a cell or note as one line of text."""
    texts: list[str] = []
    for item in children(element, BLOCKS):
        if item.tag == P:
            texts.append(paragraph_text(item, sheet))
        else:
            texts.extend(row_text(row, sheet) for row in children(item, frozenset({TR})))
    return " ".join(text for text in texts if text)


def paragraph_text(p: etree._Element, sheet: StyleSheet) -> str:
    """Render a paragraph's runs as one line of text."""
    return render(piece for run in runs(p) for piece in run_pieces(run, sheet)).strip()


def runs(element: etree._Element) -> Iterator[etree._Element]:
    """Yield a paragraph's runs in order, through hyperlinks, fields and tracked insertions."""
    for item in element:
        if item.tag == R:
            yield item
        elif item.tag in INLINE_WRAPPERS:
            yield from runs(item)
        elif item.tag == MC_ALTERNATE and len(item):
            # The choices are alternatives of one content: reading both would double it.
            yield from runs(item[0])


def run_pieces(run: etree._Element, sheet: StyleSheet) -> Iterator[Piece]:
    """Yield a run's text, spaces for tabs and breaks, and markers for note references."""
    raised = False
    for item in run:
        tag = item.tag
        if tag == RPR:  # the schema puts it first, before any text
            style = run_style(item, sheet)
            if style.hidden:
                return
            raised = style.vert == "superscript"
        elif tag == T:
            yield Piece((item.text or "").translate(SPACES), raised)
        elif tag in RUN_CHARACTERS:
            yield Piece(RUN_CHARACTERS[tag], raised)
        elif tag in NOTE_REFERENCES:
            note_id = (item.get(W + "id") or "").strip()
            yield Piece(f"[^{NOTE_REFERENCES[tag]}{note_id}]" if note_id else "")


def run_style(rpr: etree._Element, sheet: StyleSheet) -> Style:
    """Return a run's direct formatting over its character style."""
    found = tags(rpr)
    return sheet.effective(settings(found), val(found.get(W + "rStyle")))


def render(pieces: Iterable[Piece]) -> str:
    """Join pieces, rendering each stretch of superscript as one whole."""
    text = ""
    raised = ""
    for piece in pieces:
        if piece.raised:
            raised += piece.text
            continue
        if raised:
            text += render_raised(raised, text)
            raised = ""
        text += piece.text
    return text + render_raised(raised, text) if raised else text


def note_items(path: Path, part: Part, sheet: StyleSheet, line: int) -> list[Rendered]:
    """Render every footnote and endnote, numbering them on from the body's last line."""
    items: list[Rendered] = []
    for reltype, tag, prefix in NOTE_PARTS:
        for note in notes_of(path, related_part(part, reltype), tag):
            line += 1
            label = prefix + (note.get(W + "id") or "").strip()
            items.append(Rendered("footnote", container_text(note, sheet), line, label))
    return [item for item in items if item.text]


def notes_of(path: Path, part: Part | None, tag: str) -> list[etree._Element]:
    """Return the notes of a footnotes or endnotes part, leaving out its separators."""
    if part is None:
        return []
    try:
        root = etree.fromstring(part.blob, NOTE_PARSER)
    except (etree.LxmlError, ValueError) as err:
        raise ReaderError(f"{path}: broken XML in {part.partname} ({err}) - {RESAVE}") from err
    notes = children(root, frozenset({tag}))
    return [note for note in notes if note.get(W + "type", "normal") == "normal"]


def core_title(package: OpcPackage) -> str:
    """Return the title in the document's properties, or ""."""
    root = part_element(related_part(package, RT.CORE_PROPERTIES))
    title = None if root is None else root.find(DC_TITLE)
    return " ".join((title.text or "").split()) if title is not None else ""


def text_box_notes(body: etree._Element) -> list[Note]:
    """Say how many text boxes were left unread, so that their claims are checked by hand."""
    # Word writes each text box twice, as a drawing and as a VML fallback: count one of them.
    boxes = [
        box for box in body.iter(TEXT_BOX) if next(box.iterancestors(MC_FALLBACK), None) is None
    ]
    if not boxes:
        return []
    count = f"{len(boxes)} text box{'es' if len(boxes) > 1 else ''}"
    return [Note(f"{count} not read - move the text into the body to have it checked")]


def entity_notes(body: etree._Element) -> list[Note]:
    """Say where the text uses XML entities: never resolved, so their text was not read.

    Word never writes entities; a document that declares them was made by hand or to attack
    (an external entity can name a file of the machine). Located by paragraph, as blocks are.
    """
    notes = []
    line = 0
    for element in children(body, BLOCKS):
        for block in [element] if element.tag == P else children(element, frozenset({TR})):
            line += 1
            names = sorted({entity.text for entity in block.iter(etree.Entity)})
            if names:
                written = ", ".join(names)
                notes.append(
                    Note(
                        f"the text uses the XML entit{'ies' if len(names) > 1 else 'y'} "
                        f"{written}, which the tracker never resolves, so what it stands for "
                        "was not read - save the document again from Word",
                        line,
                    )
                )
    return notes


def heading_title(items: list[Rendered]) -> str:
    """Return the first Title or Heading 1 paragraph's text, or ""."""
    return next((item.text for item in items if item.level is not None and item.level <= 1), "")


def assemble(path: Path, items: list[Rendered], title: str) -> DocumentText:
    """Join rendered blocks into the document's text, each block spanning its own text."""
    blocks: list[Block] = []
    offset = 0
    for item in items:
        blocks.append(Block(item.kind, offset, offset + len(item.text), item.line, item.label))
        offset += len(item.text) + len(SEPARATOR)
    text = SEPARATOR.join(item.text for item in items)
    return DocumentText(path=path, text=text, blocks=blocks, title=title)
