"""DOCX reader: Word documents built with python-docx become rendered blocks with paragraph numbers."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.documents import long_docx
from tracker.markers import find_markers
from tracker.readers import Note, ReaderError
from tracker.readers.docx import read_docx
from tracker.references import find_reference_list

from .complexity import assert_linear

PATH = Path("content/page.docx")
NOTE_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
NOTE_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s"
# Word writes these two notes first; they draw the rule above the notes and are not content.
SEPARATORS = (
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:{kind}>"
)


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, change, added: dict[str, bytes] | None = None) -> bytes:
    """Copy a package, passing each member through change (None drops it), adding members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
        for name, content in (added or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_notes(data: bytes, kind: str, notes: dict[str, str], broken: bool = False) -> bytes:
    """Add a footnotes or endnotes part, its relationship and content type (python-docx cannot)."""
    bodies = "".join(
        f'<w:{kind} w:id="{nid}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
        for nid, text in notes.items()
    )
    part = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s {nsdecls("w")}>'
    part += SEPARATORS.format(kind=kind) + bodies + ("" if broken else f"</w:{kind}s>")
    rel = f'<Relationship Id="rIdNotes{kind}" Type="{NOTE_RELTYPE.format(kind=kind)}" Target="{kind}s.xml"/>'
    override = f'<Override PartName="/word/{kind}s.xml" ContentType="{NOTE_CONTENT_TYPE.format(kind=kind)}"/>'

    def change(name, content):
        if name == "word/_rels/document.xml.rels":
            return content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", override.encode() + b"</Types>")
        return content

    return rezip(data, change, {f"word/{kind}s.xml": part.encode()})


def note_reference(paragraph: Paragraph, kind: str, note_id: str) -> None:
    """Append a run holding a footnote or endnote reference, as Word writes it."""
    run = paragraph.add_run()
    run.font.superscript = True
    run._r.append(parse_xml(f'<w:{kind}Reference {nsdecls("w")} w:id="{note_id}"/>'))


def wrapped(xml: str) -> list:
    """Parse a fragment of WordprocessingML elements."""
    return list(parse_xml(f"<w:wrap {nsdecls('w')}>{xml}</w:wrap>"))


def sample_document() -> bytes:
    document = docx.Document()
    document.add_heading("Exosome Therapy", 0)
    document.add_heading("Benefits", 1)
    claim = document.add_paragraph("Exosomes repair damaged tissues")
    claim.add_run("2-4").font.superscript = True
    claim.add_run(". One vial covers 5 m")
    claim.add_run("2").font.superscript = True
    claim.add_run(" of skin.")
    timed = document.add_paragraph("Results appear within four weeks.")
    note_reference(timed, "footnote", "1")
    document.add_paragraph("")
    document.add_paragraph("Reduces inflammation", style="List Bullet")
    document.add_paragraph("Speeds healing", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        [("Component", "Amount"), ("Cytokines", "Rich"), ("Growth factors", "High")],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = cells
    document.add_heading("References", 1)
    document.add_paragraph("Smith A. Exosomes in repair. J Regen Med. 2020.", style="List Number")
    document.add_paragraph("Jones B. Vials and skin. Skin Res. 2021.", style="List Number")
    return with_notes(saved(document), "footnote", {"1": "Measured in a trial of 40 adults."})


def kinds_texts_lines(doc) -> list[tuple[str, str, int | None]]:
    return [(b.kind, doc.text[b.start : b.end], b.line) for b in doc.blocks]


def test_sample_document_blocks() -> None:
    doc = read_docx(PATH, sample_document())
    assert kinds_texts_lines(doc) == [
        ("heading", "Exosome Therapy", 1),
        ("heading", "Benefits", 2),
        ("paragraph", "Exosomes repair damaged tissues[2-4]. One vial covers 5 m² of skin.", 3),
        ("paragraph", "Results appear within four weeks.[^1]", 4),
        # line 5 is the empty paragraph: skipped, but counted
        ("list_item", "Reduces inflammation", 6),
        ("list_item", "Speeds healing", 7),
        ("table_header", "Component | Amount", 8),
        ("table_row", "Cytokines | Rich", 9),
        ("table_row", "Growth factors | High", 10),
        ("heading", "References", 11),
        ("list_item", "Smith A. Exosomes in repair. J Regen Med. 2020.", 12),
        ("list_item", "Jones B. Vials and skin. Skin Res. 2021.", 13),
        ("footnote", "Measured in a trial of 40 adults.", 14),
    ]
    assert doc.blocks[-1].label == "1"
    assert all(b.label is None for b in doc.blocks[:-1])
    assert "[^1]" in doc.text
    assert doc.title == "Exosome Therapy"


def test_sample_document_text_is_blocks_joined() -> None:
    doc = read_docx(PATH, sample_document())
    pieces = [doc.text[b.start : b.end] for b in doc.blocks]
    assert doc.text == "\n\n".join(pieces)
    assert doc.path == PATH


def test_consumers_find_markers_references_and_lines() -> None:
    doc = read_docx(PATH, sample_document())
    assert [m.numbers for m in find_markers(doc.text) if m.numbers] == [(2, 3, 4)]
    references = find_reference_list(doc)
    assert references is not None
    assert [(e.number, e.line, e.parsed.year) for e in references.entries] == [
        (1, 12, "2020"),
        (2, 13, "2021"),
    ]
    assert doc.line_of(doc.text.index("[2-4]")) == 3


# Runs of one paragraph: (text, superscript) -> rendered text.
RUN_CASES = [
    ([("tissues", False), ("2-4", True)], "tissues[2-4]"),
    ([("tissues", False), ("2–4", True)], "tissues[2–4]"),
    ([("tissues", False), ("2", True), (",", True), ("3", True)], "tissues[2,3]"),
    ([("tissues", False), ("[5]", True)], "tissues[5]"),
    ([("tissues", False), ("(5)", True)], "tissues[5]"),
    ([("repair.", False), ("3", True), (" Next one.", False)], "repair.[3] Next one."),
    ([("cited in 2019", False), ("3", True)], "cited in 2019[3]"),
    ([("5 m", False), ("2", True)], "5 m²"),
    ([("8 cm", False), ("3", True), (" gel", False)], "8 cm³ gel"),
    ([("1 × 10", False), ("6", True), (" cells", False)], "1 × 10⁶ cells"),
    ([("5 mg kg", False), ("-1", True)], "5 mg kg⁻¹"),
    ([("Vitality", False), ("TM", True)], "Vitality™"),
    ([("the 1", False), ("st", True), (" week", False)], "the 1st week"),
    ([("x", False), ("n", True)], "xⁿ"),
    ([("Use daily", False), ("*", True)], "Use daily*"),
    ([("Brand", False), ("®", True)], "Brand®"),
    ([("a\tb", False)], "a b"),
    ([("line\nbreak", False)], "line break"),
    ([("  padded  ", False)], "padded"),
]


@pytest.mark.parametrize(("runs", "expected"), RUN_CASES)
def test_runs_render(runs: list[tuple[str, bool]], expected: str) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for text, raised in runs:
        paragraph.add_run(text).font.superscript = raised
    doc = read_docx(PATH, saved(document))
    assert doc.text == expected


def test_superscript_through_character_style() -> None:
    document = docx.Document()
    cite = document.styles.add_style("Citation Number", WD_STYLE_TYPE.CHARACTER)
    cite.font.superscript = True
    paragraph = document.add_paragraph("Collagen rises")
    paragraph.add_run("7", style="Citation Number")
    paragraph.add_run(" and skin firms.")
    assert read_docx(PATH, saved(document)).text == "Collagen rises[7] and skin firms."


# Paragraph-level XML the python-docx API does not write -> rendered text.
XML_CASES = [
    (
        '<w:hyperlink r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:r><w:t xml:space="preserve"> our study</w:t></w:r></w:hyperlink>',
        "See our study",
    ),
    ('<w:del w:id="1" w:author="A"><w:r><w:delText>old </w:delText></w:r></w:del>', "See"),
    (
        '<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve"> new</w:t></w:r></w:ins>',
        "See new",
    ),
    ("<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>", "See"),
    ('<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>4</w:t></w:r>', "See[4]"),
    ('<w:r><w:endnoteReference w:id="2"/></w:r>', "See[^e2]"),
    (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ADDIN ZOTERO </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>[1]</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        "See[1]",
    ),
    ("<w:sdt><w:sdtContent><w:r><w:t>, inside</w:t></w:r></w:sdtContent></w:sdt>", "See, inside"),
]


@pytest.mark.parametrize(("xml", "expected"), XML_CASES)
def test_inline_xml_renders(xml: str, expected: str) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("See")
    paragraph._p.extend(wrapped(xml))
    assert read_docx(PATH, saved(document)).text == expected


# Paragraph style (and extra paragraph properties) -> block kind.
KIND_CASES = [
    ("Title", "", "heading"),
    ("Heading 1", "", "heading"),
    ("Heading 3", "", "heading"),
    ("List Bullet", "", "list_item"),
    ("List Number", "", "list_item"),
    ("List Paragraph", "", "list_item"),
    ("Normal", "", "paragraph"),
    ("Normal", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', "list_item"),
    ("Normal", '<w:numPr><w:numId w:val="0"/></w:numPr>', "paragraph"),
    ("Normal", '<w:outlineLvl w:val="1"/>', "heading"),
    ("Normal", '<w:outlineLvl w:val="9"/>', "paragraph"),
]


@pytest.mark.parametrize(("style", "ppr", "kind"), KIND_CASES)
def test_paragraph_kinds(style: str, ppr: str, kind: str) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Some text.", style=style)
    if ppr:
        paragraph._p.get_or_add_pPr().extend(wrapped(ppr))
    assert [b.kind for b in read_docx(PATH, saved(document)).blocks] == [kind]


def test_title_from_properties_then_first_top_heading() -> None:
    document = docx.Document()
    document.add_heading("Section", 2)
    document.add_heading("Main Heading", 1)
    assert read_docx(PATH, saved(document)).title == "Main Heading"
    document.core_properties.title = "From Properties"
    assert read_docx(PATH, saved(document)).title == "From Properties"
    only_body = docx.Document()
    only_body.add_heading("Section", 2)
    assert read_docx(PATH, saved(only_body)).title == ""


def test_table_cells_rows_and_line_numbers() -> None:
    document = docx.Document()
    document.add_paragraph("Before.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Name"
    table.cell(0, 2).text = "Dose"
    table.cell(1, 0).add_paragraph("Two paragraphs")
    table.cell(1, 1).text = "in one row"
    document.add_paragraph("After.")
    doc = read_docx(PATH, saved(document))
    assert kinds_texts_lines(doc) == [
        ("paragraph", "Before.", 1),
        ("table_header", "Name |  | Dose", 2),
        ("table_row", "Two paragraphs | in one row |", 3),
        # row 3 is empty: skipped, but counted
        ("paragraph", "After.", 5),
    ]


def test_footnotes_and_endnotes_follow_the_body() -> None:
    document = docx.Document()
    body = document.add_paragraph("Claim one.")
    note_reference(body, "footnote", "1")
    body.add_run(" Claim two.")
    note_reference(body, "endnote", "1")
    data = with_notes(saved(document), "footnote", {"1": "A footnote.", "2": "Another."})
    data = with_notes(data, "endnote", {"1": "An endnote."})
    doc = read_docx(PATH, data)
    assert doc.text.startswith("Claim one.[^1] Claim two.[^e1]\n\n")
    assert [(b.kind, b.label, doc.text[b.start : b.end], b.line) for b in doc.blocks[1:]] == [
        ("footnote", "1", "A footnote.", 2),
        ("footnote", "2", "Another.", 3),
        ("footnote", "e1", "An endnote.", 4),
    ]


TEXT_BOX = (
    '<w:r xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r>'
    "<w:t>Boxed claim.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback>"
    "<w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed claim.</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_text_boxes_are_left_out_with_a_note() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Body text.")
    paragraph._p.extend(wrapped(TEXT_BOX))
    doc = read_docx(PATH, saved(document))
    assert doc.text == "Body text."
    assert doc.notes == [
        Note("1 text box not read - move the text into the body to have it checked")
    ]
    assert read_docx(PATH, sample_document()).notes == []


def test_empty_document_has_no_blocks() -> None:
    doc = read_docx(PATH, saved(docx.Document()))
    assert (doc.text, doc.blocks, doc.title) == ("", [], "")


def drop_document(name, content):
    return None if name == "word/document.xml" else content


def truncate_document(name, content):
    return content[: len(content) // 2] if name == "word/document.xml" else content


def spreadsheet_main(name, content):
    if name == "[Content_Types].xml":
        return content.replace(b"wordprocessingml.document.main", b"spreadsheetml.sheet.main")
    return content


def only_readme() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "not a document")
    return out.getvalue()


def valid() -> bytes:
    document = docx.Document()
    document.add_paragraph("A claim.")
    return saved(document)


# Input bytes -> a phrase the error must name.
MALFORMED_CASES = [
    pytest.param(b"", "not a ZIP package", id="empty"),
    pytest.param(random.Random(7).randbytes(2000), "not a ZIP package", id="random-bytes"),
    pytest.param(b"%PDF-1.7\n" + b"x" * 100, "not a ZIP package", id="pdf"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003 (.doc)", id="doc"),
    pytest.param(only_readme(), "[Content_Types].xml", id="zip-without-word-parts"),
    pytest.param(rezip(valid(), drop_document), "word/document.xml", id="no-document-xml"),
    pytest.param(rezip(valid(), truncate_document), "broken XML", id="truncated-document-xml"),
    pytest.param(rezip(valid(), spreadsheet_main), "spreadsheetml", id="spreadsheet"),
    pytest.param(valid()[:-300], "not a ZIP package", id="truncated-zip"),
    pytest.param(
        with_notes(valid(), "footnote", {"1": "x"}, broken=True), "footnotes.xml", id="broken-notes"
    ),
]


@pytest.mark.parametrize(("data", "phrase"), MALFORMED_CASES)
def test_malformed_input_is_a_reader_error(data: bytes, phrase: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read_docx(PATH, data)
    message = str(caught.value)
    assert message.startswith(f"{PATH}: ")
    assert phrase in message
    assert " - open it in Word and save it as a Word document (.docx)" in message
    assert message.endswith("then run again")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_raise_only_reader_error(data: bytes) -> None:
    with contextlib.suppress(ReaderError):
        read_docx(PATH, data)


SAMPLE = sample_document()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(0, 255)), max_size=8),
    st.integers(1, len(SAMPLE)),
)
def test_corrupted_package_raises_only_reader_error(flips, keep) -> None:
    data = bytearray(SAMPLE)
    for index, value in flips:
        data[index] = value
    with contextlib.suppress(ReaderError):
        read_docx(PATH, bytes(data[:keep]))


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["word/document.xml", "word/styles.xml", "word/footnotes.xml"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(max_size=3)), max_size=4),
    st.floats(0, 1),
)
def test_corrupted_part_raises_only_reader_error(member, edits, keep) -> None:
    def change(name, content):
        if name != member:
            return content
        data = bytearray(content)
        for where, replacement in edits:
            index = int(where * len(data))
            data[index : index + len(replacement)] = replacement
        return bytes(data[: max(1, int(keep * len(data)))])

    with contextlib.suppress(ReaderError):
        read_docx(PATH, rezip(SAMPLE, change))


# Element soup: any nesting of the WordprocessingML this reader looks at, with odd values;
# well-formed XML in a sound package always reads, whatever the nesting.
W_TAGS = [
    "p", "r", "t", "tbl", "tr", "tc", "sdt", "sdtContent", "hyperlink", "ins", "del", "pPr",
    "rPr", "pStyle", "rStyle", "numPr", "numId", "outlineLvl", "vertAlign", "vanish", "tab",
    "br", "footnoteReference", "endnoteReference", "customXml", "fldSimple",
]  # fmt: skip
ODD_VALUES = st.sampled_from(["", "0", "1", "9", "12", "-1", "٣", "superscript", "Heading1", "x"])
LEAF = st.builds(
    lambda tag, value, text: (tag, value, text, []),
    st.sampled_from(W_TAGS),
    ODD_VALUES,
    st.sampled_from(["", "2", "a", " 3,4 "]),
)
SOUP = st.recursive(
    LEAF,
    lambda kids: st.builds(
        lambda tag, value, items: (tag, value, "", items),
        st.sampled_from(W_TAGS),
        ODD_VALUES,
        st.lists(kids, max_size=4),
    ),
    max_leaves=30,
)


def soup_xml(node) -> str:
    tag, value, text, items = node
    inner = text + "".join(soup_xml(item) for item in items)
    return f'<w:{tag} w:val="{value}" w:id="{value}" w:type="{value}">{inner}</w:{tag}>'


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SOUP, min_size=1, max_size=4))
def test_any_element_soup_reads(nodes) -> None:
    body = "".join(soup_xml(node) for node in nodes).encode()

    def change(name, content):
        if name == "word/document.xml":
            return content.replace(b"<w:body>", b"<w:body>" + body)
        return content

    doc = read_docx(PATH, rezip(SAMPLE, change))  # well-formed, so it must read
    for block in doc.blocks:
        assert doc.text[block.start : block.end].strip()


XML_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc", "Cn")), st.sampled_from("\t\n ")
    ),
    max_size=40,
)
STYLES = ["Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(STYLES), st.lists(st.tuples(XML_TEXT, st.booleans()), max_size=3)
        ),
        max_size=8,
    )
)
def test_random_paragraphs_give_spans_of_non_empty_text(paragraphs) -> None:
    document = docx.Document()
    for style, runs in paragraphs:
        paragraph = document.add_paragraph(style=style)
        for text, raised in runs:
            paragraph.add_run(text).font.superscript = raised
    doc = read_docx(PATH, saved(document))
    lines = [b.line or 0 for b in doc.blocks]
    assert lines == sorted(set(lines))
    assert all(1 <= line <= len(paragraphs) for line in lines)
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text)
        piece = doc.text[block.start : block.end]
        assert piece == piece.strip()
        assert "\n" not in piece


def test_a_long_document_reads_in_linear_time() -> None:
    """The reader's seconds on 50 pages are a benchmark: python bench/run.py --only readers."""
    assert len(read_docx(PATH, long_docx(600)).blocks) > 600
    assert_linear(lambda data: read_docx(PATH, data), long_docx, 25)


def test_a_zip_version_no_reader_knows_is_a_reader_error() -> None:
    """zipfile raises NotImplementedError for it; found by fuzzing."""
    data = bytearray(saved(docx.Document()))
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (195).to_bytes(2, "little")  # "needs version 19.5"
    with pytest.raises(ReaderError, match="cannot read the Word document"):
        read_docx(PATH, bytes(data))
