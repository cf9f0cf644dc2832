"""HTML reader: article text only, markers in brackets, blocks located at their source lines."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.documents import big_html_page
from tracker import readers
from tracker.markers import find_markers
from tracker.readers import BLOCK_KINDS, DocumentText, Note, ReaderError
from tracker.readers.html import MAX_DEPTH, furniture, parse, read_html
from tracker.references import find_reference_list
from tracker.segment import units_of

from .complexity import assert_linear

FIXTURES = Path(__file__).parent / "data" / "html"
CLINIC = FIXTURES / "clinic-blog.html"


def read(name: str) -> DocumentText:
    path = FIXTURES / name
    return read_html(path, path.read_bytes())


def page(html: str) -> DocumentText:
    return read_html(Path("page.html"), html.encode("utf-8"))


def blocks(doc: DocumentText) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def texts(html: str) -> list[str]:
    return [text for _, text in blocks(page(html))]


def check_invariants(doc: DocumentText, source_lines: int) -> None:
    """Every block is a trimmed, non-empty span of the text; the text is the blocks joined."""
    for block in doc.blocks:
        text = doc.text[block.start : block.end]
        assert block.kind in BLOCK_KINDS
        assert 0 <= block.start < block.end <= len(doc.text)
        assert text == text.strip()
        assert block.line is not None
        assert 1 <= block.line <= source_lines
    assert doc.text == "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks)


# --- the clinic blog fixture ----------------------------------------------------------

CLINIC_BLOCKS = [
    ("heading", "Secretome Therapy for Knee Pain: What the Evidence Says"),
    ("paragraph", "By Dr Amelia Hart, 12 March 2024"),
    (
        "paragraph",
        "Knee osteoarthritis affects more than 500 million people worldwide and is a leading "
        "cause of disability in older adults.[1]",
    ),
    (
        "paragraph",
        "The secretome of mesenchymal stem cells contains growth factors that promote cartilage "
        "repair and reduce inflammation in the joint.[2-4] Unlike cell injections, it contains "
        "no living cells.",
    ),
    (
        "paragraph",
        "In a randomised trial, patients who received two injections walked further after six "
        "months than those who received saline[5]. Pain scores fell by 40%[5].",
    ),
    ("heading", "What does a course of treatment involve?"),
    ("list_item", "A consultation and an ultrasound assessment of the knee."),
    ("list_item", "Two injections, given four weeks apart.[3]"),
    ("list_item", "A follow-up review at 12 weeks, with a repeat scan if needed."),
    ("heading", "How does it compare with other injections?"),
    ("table_header", "Treatment | Sessions | Evidence"),
    ("table_row", "Secretome | 2 | Early clinical studies[4]"),
    ("table_row", "Hyaluronic acid | 3–5 | Randomised trials"),
    ("table_row", "Corticosteroid | 1 | Short-term relief only"),
    ("paragraph", "An ultrasound-guided injection into the knee joint."),
    (
        "paragraph",
        "The secretome is collected from cells grown in 175 cm² culture flasks in our "
        "laboratory, a clean room of 20 m².",
    ),
    ("heading", "References"),
    (
        "list_item",
        "1. Hunter DJ, Bierma-Zeinstra S. Osteoarthritis. Lancet. 2019;393(10182):1745-1759.",
    ),
    (
        "list_item",
        "2. Vizoso FJ, Eiro N, Cid S, et al. Mesenchymal stem cell secretome: toward cell-free "
        "therapeutic strategies in regenerative medicine. Int J Mol Sci. 2017;18(9):1852.",
    ),
    (
        "list_item",
        "3. Kim JH, Park Y. Secretome injections for knee osteoarthritis: a pilot study. "
        "Cartilage. 2021;13(2):112-120.",
    ),
    (
        "list_item",
        "4. Mancuso P, Raman S, Glynn A, et al. Mesenchymal stem cell therapy for osteoarthritis: "
        "the critical role of the cell secretome. Front Bioeng Biotechnol. 2019;7:9.",
    ),
    (
        "list_item",
        "5. Lopez R, Chen M. A randomised trial of conditioned medium in knee osteoarthritis. "
        "Osteoarthritis Cartilage. 2022;30(4):501-510.",
    ),
]


def test_clinic_blocks() -> None:
    assert blocks(read("clinic-blog.html")) == CLINIC_BLOCKS


def test_clinic_title_and_no_notes() -> None:
    doc = read("clinic-blog.html")
    assert doc.title == (
        "Secretome Therapy for Knee Pain: What the Evidence Says | Harbour Regenerative Clinic"
    )
    assert doc.notes == []


FURNITURE_TEXT = [
    "We use cookies",
    "Accept all",
    "Skip to content",
    "Book a consultation",
    "Hair restoration",
    "Regenerative medicine in the heart of Bristol",
    "Select language",
    "Secretome therapy for knee pain",  # the breadcrumb's last item (lower case)
    "Share",
    "Facebook",
    "newsletter",
    "Subscribe",
    "Posted in",
    "Related posts",
    "PRP or secretome",
    "thoughts on",
    "cured my knee pain",
    "Leave a reply",
    "0117 496 0000",
    "Care Quality Commission",
    "Privacy",
    "gtag",
    "font-size",
    "MedicalWebPage",
    "Test fixture",
]


@pytest.mark.parametrize("text", FURNITURE_TEXT)
def test_clinic_furniture_is_dropped(text: str) -> None:
    assert text not in read("clinic-blog.html").text


@pytest.mark.parametrize("marker", ["[1]", "[2-4]", "[5]", "[3]", "[4]"])
def test_clinic_markers_are_brackets(marker: str) -> None:
    doc = read("clinic-blog.html")
    assert marker in doc.text
    assert "<sup>" not in doc.text and "sup>" not in doc.text


SOURCE_LINES = [
    ("Secretome Therapy for Knee Pain: What", '<h1 class="entry-title">'),
    ("By Dr Amelia Hart", '<p class="entry-meta">'),
    ("The secretome of mesenchymal", "<p>The secretome of mesenchymal"),
    ("What does a course", "<h2 id="),
    ("Two injections", "<li>Two injections"),
    ("A follow-up review", "<li>A follow-up review"),
    ("Treatment | Sessions", "<tr><th>Treatment"),
    ("Hyaluronic acid", "<tr><td>Hyaluronic acid"),
    ("An ultrasound-guided", "<figcaption>"),
    ("The secretome is collected", "<p>The secretome is collected"),
    ("References", "<h2>References"),
    ("3. Kim JH", '<li id="ref-3">'),
]


@pytest.mark.parametrize(("starts", "snippet"), SOURCE_LINES)
def test_clinic_block_lines(starts: str, snippet: str) -> None:
    source = CLINIC.read_text(encoding="utf-8")
    expected = source[: source.index(snippet)].count("\n") + 1
    doc = read("clinic-blog.html")
    block = next(b for b in doc.blocks if doc.text[b.start : b.end].startswith(starts))
    assert block.line == expected
    assert doc.line_of(block.start) == expected


def test_clinic_reference_list_is_numbered_from_the_page() -> None:
    doc = read("clinic-blog.html")
    reflist = find_reference_list(doc)
    assert reflist is not None
    assert [e.number for e in reflist.entries] == [1, 2, 3, 4, 5]
    assert reflist.entries[1].parsed.year == "2017"
    source = CLINIC.read_text(encoding="utf-8")
    assert reflist.entries[4].line == source[: source.index('<li id="ref-5">')].count("\n") + 1


def test_pipeline_superscript_range_yields_its_numbers() -> None:
    doc = read("clinic-blog.html")
    found = {
        doc.text[u.start : u.end]: [m.numbers for m in find_markers(doc.text[u.start : u.end])]
        for u in units_of(doc)
    }
    claim = (
        "The secretome of mesenchymal stem cells contains growth factors that promote cartilage "
        "repair and reduce inflammation in the joint.[2-4]"
    )
    assert found[claim] == [(2, 3, 4)]
    assert found["Two injections, given four weeks apart.[3]"] == [(3,)]
    assert found["Pain scores fell by 40%[5]."] == [(5,)]


def test_read_document_dispatches_html(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through read_document, as wired once .html/.htm are dispatched to read_html."""
    monkeypatch.setitem(readers.SUFFIXES, ".html", "html")
    monkeypatch.setitem(readers.READERS, "html", "tracker.readers.html:read_html")
    monkeypatch.setattr(readers, "BINARY_FORMATS", readers.BINARY_FORMATS | {"html"})
    doc = readers.read_document(CLINIC)
    assert blocks(doc) == CLINIC_BLOCKS
    units = [doc.text[u.start : u.end] for u in units_of(doc)]
    claim = next(u for u in units if u.startswith("The secretome of mesenchymal"))
    assert [m.numbers for m in find_markers(claim)] == [(2, 3, 4)]


# --- other fixtures -------------------------------------------------------------------


def test_pandoc_footnotes() -> None:
    doc = read("pandoc-footnotes.html")
    notes = [(b.label, doc.text[b.start : b.end]) for b in doc.blocks if b.kind == "footnote"]
    assert notes == [
        (
            "1",
            "Martineau AR, Jolliffe DA, Hooper RL, et al. Vitamin D supplementation to prevent "
            "acute respiratory tract infections. BMJ. 2017;356:i6583.",
        ),
        ("2", "The same meta-analysis, subgroup with baseline 25(OH)D below 25 nmol/L."),
    ]
    assert "winter.[^1] The effect" in doc.text
    assert "↩" not in doc.text
    assert doc.title == "Vitamin D and winter colds"


def test_wiki_reference_list() -> None:
    doc = read("wiki-style.html")
    assert ("heading", "References") in blocks(doc)
    assert "extracellular vesicles.[1] It has been" in doc.text
    assert "[edit]" not in doc.text and "Main page" not in doc.text and "^" not in doc.text
    reflist = find_reference_list(doc)
    assert reflist is not None
    assert [(e.number, e.parsed.year) for e in reflist.entries] == [(1, "2017"), (2, "2019")]


def test_legacy_windows_1252_page() -> None:
    doc = read("legacy-cp1252.html")
    assert doc.notes == [
        Note("decoded as windows-1252 (guessed) - save the page as UTF-8 to be sure")
    ]
    assert doc.title == "Dr. Müller’s Joint Clinic – Knee Treatments"
    assert blocks(doc)[1:4] == [
        ("heading", "Knee Treatments at Dr. Müller’s Clinic"),
        (
            "paragraph",
            "Our “gentle” injections reduce knee pain in most patients within two weeks.[1]",
        ),
        ("paragraph", "Each treatment takes about 20 minutes – no anaesthetic is needed."),
    ]
    assert ("heading", "Sources") in blocks(doc)
    assert any(text.startswith("1. Bellamy N") for text in texts_of(doc))


def texts_of(doc: DocumentText) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


# --- markers --------------------------------------------------------------------------

MARKERS = [
    ("<p>Repairs tissue<sup>2-4</sup>.</p>", "Repairs tissue[2-4]."),
    ("<p>Repairs tissue.<sup>[3]</sup></p>", "Repairs tissue.[3]"),
    ("<p>Repairs tissue<sup>1,2</sup></p>", "Repairs tissue[1,2]"),
    ("<p>Repairs tissue<sup>1, 3–5</sup></p>", "Repairs tissue[1, 3–5]"),
    ('<p>Repairs tissue<sup><a href="#ref-3">3</a></sup></p>', "Repairs tissue[3]"),
    (
        '<p>Repairs<sup><a href="#ref-3">3</a>,<a href="#ref-4">4</a></sup></p>',
        "Repairs[3,4]",
    ),
    ("<p>Repairs tissue <sup>2</sup></p>", "Repairs tissue [2]"),
    ('<p>Shown<a href="#ref-5">[5]</a>.</p>', "Shown[5]."),
    ('<p>Shown<a href="#ref3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#cite-note-3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#cite_note-3">[3]</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#cite_note-Smith2020-3">[3]</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#r3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#b3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#bib3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#reference-3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#fn3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="#footnote-3">3</a>.</p>', "Shown[3]."),
    ('<p>Shown<a href="https://clinic.example/post/#ref-3">3</a>.</p>', "Shown[3]."),
    # exponents and symbols are not citations
    ("<p>A room of 20 m<sup>2</sup>.</p>", "A room of 20 m²."),
    ("<p>About 10<sup>6</sup> cells.</p>", "About 10⁶ cells."),
    ("<p>A BMI of 30 kg/m<sup>2</sup>.</p>", "A BMI of 30 kg/m²."),
    ("<p>Heterogeneity was low (I<sup>2</sup> = 12%).</p>", "Heterogeneity was low (I² = 12%)."),
    ("<p>A rate of 5 s<sup>-1</sup>.</p>", "A rate of 5 s⁻¹."),
    ("<p>SecreCell<sup>TM</sup> serum.</p>", "SecreCell™ serum."),
    ("<p>On the 5<sup>th</sup> day.</p>", "On the 5th day."),
    ("<p>Safe for all skin types<sup>*</sup></p>", "Safe for all skin types*"),
    ("<p>Our Serum<sup>®</sup>.</p>", "Our Serum®."),
    ("<p>In 2019<sup>[3]</sup> a trial began.</p>", "In 2019[3] a trial began."),
    ('<p>In 2019<sup><a href="#ref-3">3</a></sup> a trial.</p>', "In 2019[3] a trial."),
    # links that are not markers keep their text
    ('<p>See <a href="#section-3">3</a>.</p>', "See 3."),
    ('<p>As <a href="#ref-3">Smith 2020</a> showed.</p>', "As Smith 2020 showed."),
    ('<p>Read <a href="/blog/">our blog</a>.</p>', "Read our blog."),
    # footnote references
    (
        '<p>Noted.<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref">'
        "<sup>1</sup></a></p>",
        "Noted.[^1]",
    ),
    (
        '<p>Noted.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>',
        "Noted.[^1]",
    ),
    (
        '<p>Noted.<sup class="footnote-ref"><a href="#fn2" id="fnref2">[2]</a></sup></p>',
        "Noted.[^2]",
    ),
    ('<p>Noted.<a href="#footnote-3" role="doc-noteref">3</a></p>', "Noted.[^3]"),
    # whitespace
    ("<p>Line one<br>line two</p>", "Line one line two"),
    ("<p>  Spread\n   over\tlines  </p>", "Spread over lines"),
    ("<p>Ten&nbsp;weeks&#8203;.</p>", "Ten weeks."),
    ("<p><strong>Bold</strong> and <em>soft</em>-hyph&shy;en</p>", "Bold and soft-hyphen"),
]


@pytest.mark.parametrize(("html", "expected"), MARKERS)
def test_inline_rendering(html: str, expected: str) -> None:
    assert texts(html) == [expected]


# --- structure ------------------------------------------------------------------------

STRUCTURE = [
    ("<h2>Benefits</h2><p>It helps.</p>", [("heading", "Benefits"), ("paragraph", "It helps.")]),
    (
        "<ul><li>Repair<ul><li>Cartilage</li><li>Tendon</li></ul></li><li>Calm</li></ul>",
        [
            ("list_item", "Repair"),
            ("list_item", "Cartilage"),
            ("list_item", "Tendon"),
            ("list_item", "Calm"),
        ],
    ),
    (
        "<table><tr><td>Name</td><td>Dose</td></tr><tr><td>A</td><td>2 ml</td></tr></table>",
        [("table_header", "Name | Dose"), ("table_row", "A | 2 ml")],
    ),
    (
        "<table><caption>Doses</caption><thead><tr><th>Name</th></tr><tr><th>Unit</th></tr>"
        "</thead><tbody><tr><td>A</td></tr></tbody></table>",
        [
            ("paragraph", "Doses"),
            ("table_header", "Name"),
            ("table_header", "Unit"),
            ("table_row", "A"),
        ],
    ),
    ("<div>Loose text in a div.</div>", [("paragraph", "Loose text in a div.")]),
    (
        "<section><span>Loose <b>span</b> text.</span></section>",
        [("paragraph", "Loose span text.")],
    ),
    (
        "<div>Before<p>Inside</p>after</div>",
        [("paragraph", "Before"), ("paragraph", "Inside"), ("paragraph", "after")],
    ),
    (
        "<blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>",
        [("paragraph", "Quoted one."), ("paragraph", "Quoted two.")],
    ),
    (
        "<dl><dt>Secretome</dt><dd>What cells release.</dd></dl>",
        [("paragraph", "Secretome"), ("paragraph", "What cells release.")],
    ),
    (
        '<figure><img src="a.jpg" alt="A knee"><figcaption>A knee.</figcaption></figure>',
        [("paragraph", "A knee.")],
    ),
    (
        '<h2>References</h2><ol start="4"><li>Smith A. Trial. 2020.</li><li>Lee B. Review. 2021.</li></ol>',
        [
            ("heading", "References"),
            ("list_item", "4. Smith A. Trial. 2020."),
            ("list_item", "5. Lee B. Review. 2021."),
        ],
    ),
    (
        '<h3>Sources:</h3><ul><li id="ref-7">Smith A. Trial. 2020.</li></ul>',
        [("heading", "Sources:"), ("list_item", "7. Smith A. Trial. 2020.")],
    ),
    (
        "<h2>Notes</h2><ol><li>1. Smith A. Trial. 2020.</li></ol>",
        [("heading", "Notes"), ("list_item", "1. Smith A. Trial. 2020.")],
    ),
    (
        '<h2>Works cited</h2><ol><li value="9">Smith A. Trial. 2020.</li></ol>',
        [("heading", "Works cited"), ("list_item", "9. Smith A. Trial. 2020.")],
    ),
    (
        "<h2>References</h2><h3>Trials</h3><ol><li>Smith A. 2020.</li></ol>"
        "<h2>About us</h2><ol><li>We are a clinic.</li></ol>",
        [
            ("heading", "References"),
            ("heading", "Trials"),
            ("list_item", "1. Smith A. 2020."),
            ("heading", "About us"),
            ("list_item", "We are a clinic."),
        ],
    ),
    (
        '<div class="bibliography"><ol><li id="cite_note-2">Smith A. 2020.</li></ol></div>',
        [("list_item", "1. Smith A. 2020.")],
    ),
    (
        '<ul class="reflist"><li id="cite_note-2">Smith A. 2020. <a href="#cite_ref-2">^</a></li></ul>',
        [("list_item", "2. Smith A. 2020.")],
    ),
    (
        '<footer class="references"><ol><li>Smith A. 2020.</li></ol></footer>',
        [("list_item", "1. Smith A. 2020.")],
    ),
    (
        "<ol><li>First step.</li><li>Second step.</li></ol>",
        [("list_item", "First step."), ("list_item", "Second step.")],
    ),
]


@pytest.mark.parametrize(("html", "expected"), STRUCTURE)
def test_structure(html: str, expected: list[tuple[str, str]]) -> None:
    assert blocks(page(f"<html><body>{html}</body></html>")) == expected


FOOTNOTE_SECTIONS = [
    '<section class="footnotes"><ol><li id="fn1"><p>A note.</p></li></ol></section>',
    '<div class="footnotes"><ol><li id="fn1">A note.</li></ol></div>',
    '<div role="doc-endnotes"><ol><li>A note.</li></ol></div>',
    '<div class="footnote"><ol><li id="fn:1">A note. <a class="footnote-backref" href="#fnref:1">&#8617;</a></li></ol></div>',
    '<ol><li id="fn1">A note. <a href="#fnref1">↩︎</a></li></ol>',
]


@pytest.mark.parametrize("html", FOOTNOTE_SECTIONS)
def test_footnote_sections(html: str) -> None:
    doc = page(f"<body><p>Claim.</p>{html}</body>")
    last = doc.blocks[-1]
    assert (last.kind, last.label, doc.text[last.start : last.end]) == ("footnote", "1", "A note.")


# --- furniture ------------------------------------------------------------------------

DROPPED = [
    '<div id="cookie-notice"><p>We use cookies.</p></div>',
    '<div class="cc-window" aria-label="Cookie consent">We use cookies.</div>',
    '<div id="onetrust-consent-sdk">We value your privacy.</div>',
    '<div class="gdpr-banner">We value your privacy.</div>',
    '<ul class="share-links"><li>Share on Facebook</li></ul>',
    '<div class="shareButtons">Tweet this</div>',
    '<div class="sharedaddy">Share this:</div>',
    '<div class="social-icons">Instagram</div>',
    '<ol class="breadcrumb"><li>Home</li><li>Blog</li></ol>',
    '<div id="comments"><p>Great post!</p></div>',
    '<ol class="comment-list"><li>Great post!</li></ol>',
    '<ul class="menu"><li>Home</li></ul>',
    '<div class="navbar">Home</div>',
    '<div class="newsletter-box"><p>Join our list.</p></div>',
    '<div class="subscribe-form">Stay in touch.</div>',
    '<div class="related-posts"><p>You may also like</p></div>',
    '<div class="jp-relatedposts"><p>You may also like</p></div>',
    '<a class="skip-link" href="#main">Skip to content</a>',
    '<div id="google_translate_element">Select Language</div>',
    '<div class="gtranslate_wrapper">English</div>',
    '<div class="popup-modal">Book today</div>',
    '<div role="navigation">Home</div>',
    '<div role="dialog">Book today</div>',
    '<section aria-label="Share this article">Email</section>',
    "<nav><a href='/'>Home</a></nav>",
    "<aside><p>Book now</p></aside>",
    "<footer><p>© 2024 Clinic</p></footer>",
    "<form><label>Email</label></form>",
    "<button>Book now</button>",
    '<script>var tracking = "Hidden text";</script>',
    "<style>p { color: red; }</style>",
    "<noscript>Please enable JavaScript</noscript>",
    "<template><p>Template</p></template>",
    '<svg viewBox="0 0 1 1"><title>Icon</title><text>Icon</text></svg>',
    '<iframe src="https://www.youtube.com/embed/x">Video</iframe>',
    "<header><a href='/'>Clinic logo</a></header>",
]


@pytest.mark.parametrize("html", DROPPED)
def test_furniture_is_dropped(html: str) -> None:
    assert texts(f"<body><p>Kept paragraph.</p>{html}</body>") == ["Kept paragraph."]


KEPT = [
    (
        '<section id="social-support"><p>Family support speeds recovery.</p></section>',
        "Family support speeds recovery.",
    ),
    (
        '<section class="informed-consent"><p>You sign a consent form.</p></section>',
        "You sign a consent form.",
    ),
    (
        '<div class="entry-content"><p>Cartilage thins with age.</p></div>',
        "Cartilage thins with age.",
    ),
    ('<h2 id="share" class="share-heading">How to share results</h2>', "How to share results"),
    ('<div class="post has-share-buttons"><h1>Knee pain</h1></div>', "Knee pain"),
    (
        '<div class="translational-research"><p>From bench to bedside.</p></div>',
        "From bench to bedside.",
    ),
    (
        '<p class="navigator-note">Our nurse navigator calls you.</p>',
        "Our nurse navigator calls you.",
    ),
    ("<header><h1>Knee pain</h1></header>", "Knee pain"),
    # collapsed FAQ answers are hidden until clicked, and they make claims too
    (
        '<div class="faq"><h3>Does it hurt?</h3><div class="faq-answer" style="display:none">'
        "<p>Most patients feel no pain.</p></div></div>",
        "Most patients feel no pain.",
    ),
    ('<div hidden="until-found"><p>Results last a year.</p></div>', "Results last a year."),
]


@pytest.mark.parametrize(("html", "kept"), KEPT)
def test_article_text_is_kept(html: str, kept: str) -> None:
    assert kept in texts(f"<body><p>Kept paragraph.</p>{html}</body>")


ROOTS = [
    (
        "<body><p>Site intro.</p><main><p>Main text.</p></main></body>",
        ["Main text."],
    ),
    (
        '<body><p>Site intro.</p><div role="main"><p>Main text.</p></div></body>',
        ["Main text."],
    ),
    (
        "<body><main><p>Main intro.</p><article><header><h1>Title</h1></header>"
        "<p>Article text.</p></article></main></body>",
        ["Title", "Article text."],
    ),
    (
        "<body><article><p>A short card.</p></article>"
        "<article><p>The long article with much more text in it.</p></article></body>",
        ["The long article with much more text in it."],
    ),
    ("<p>No body element at all.</p>", ["No body element at all."]),
]


@pytest.mark.parametrize(("html", "expected"), ROOTS)
def test_article_root(html: str, expected: list[str]) -> None:
    assert texts(html) == expected


TITLES = [
    ("<title> Page  title </title><h1>Heading</h1>", "Page title"),
    ('<meta property="og:title" content="OG title"><h1>Heading</h1>', "OG title"),
    ("<title></title><h1>The <em>first</em> heading</h1><h1>Second</h1>", "The first heading"),
    ("<title>Unclosed title<body><h1>Heading</h1>", "Heading"),
]


@pytest.mark.parametrize(("html", "title"), TITLES)
def test_title(html: str, title: str) -> None:
    assert page(html + "<p>Text.</p>").title == title


def test_furniture_data_names_its_guideline() -> None:
    names = furniture()
    assert names.tags and names.roles and names.words and names.fragments.pattern
    assert all(word == word.lower() for word in names.words)
    assert names.fragments.pattern == names.fragments.pattern.lower()
    data = (Path(__file__).parents[1] / "tracker" / "data" / "html_boilerplate.yaml").read_text()
    assert "\nguideline:" in data


# --- broken markup --------------------------------------------------------------------

MALFORMED = [
    ("<p>One<p>Two<p>Three", ["One", "Two", "Three"]),
    ("<div><p>Text</div></div></div><p>After", ["Text", "After"]),
    ("<ul><li>One<li>Two</ul><p>After", ["One", "Two", "After"]),
    (
        "<ul><li><p>Nested p in li</p><p>more</p></li><li>Two</li></ul>",
        ["Nested p in li more", "Two"],
    ),
    ("<table><tr><td>a<td>b<tr><td>c<td>d</table>", ["a | b", "c | d"]),
    ("<h2>Unclosed heading<p>Body text.</p>", ["Unclosed heading", "Body text."]),
    ("<p><b>Bold never closed<p>Next paragraph", ["Bold never closed", "Next paragraph"]),
    ("<font face=Arial><p>One</p><p>Two</p></font>", ["One", "Two"]),
    # a tag with an unclosed quote ends the page, as in a browser (a reader note says where)
    ('<p>Before.</p><p class="x>Broken attribute</p><p>Next</p>', ["Before."]),
    ('<p>Truncated in the middle of a <a href="#ref-1', ["Truncated in the middle of a"]),
    ("<p>Stray </b></i></span>end tags.</p>", ["Stray end tags."]),
    ("<![CDATA[x]]><p>A</p><!x><?php echo 1 ?><p>B", ["A", "B"]),
    ("<p>Less < than & more > signs</p>", ["Less < than & more > signs"]),
]


@pytest.mark.parametrize(("html", "expected"), MALFORMED)
def test_malformed_html(html: str, expected: list[str]) -> None:
    assert texts(html) == expected


TRUNCATIONS = [
    (0.5, "leading cause of disability in older adults."),
    (b"<sup>3</sup>", "Two injections, given four weeks apart."),
    (b"walked further", "In a randomised trial, patients who received two injections wal"),
]


@pytest.mark.parametrize(("cut", "last"), TRUNCATIONS)
def test_truncated_fixture_still_reads(cut: float | bytes, last: str) -> None:
    data = CLINIC.read_bytes()
    end = int(len(data) * cut) if isinstance(cut, float) else data.index(cut) + 3
    doc = read_html(CLINIC, data[:end])
    assert blocks(doc)[0] == CLINIC_BLOCKS[0]
    assert doc.text.endswith(last)


DEEP = {
    "divs": lambda n: "<div>" * n + "Deep text.",
    "paragraphs": lambda n: "<p>Paragraph " * n,
    "items": lambda n: "<ul>" + "<li>Item " * n,
    "bold": lambda n: "<b>" * n + "<p>Bold</p>",
    "rows": lambda n: "<table>" + "<tr><td>a<td>b" * n,
    "tables": lambda n: "<table><tr><td>" * n + "Cell.",
    "articles": lambda n: "<article>" * n + "<h1>Title</h1>",
    "furniture": lambda n: '<div class="share">' * n + "<h1>Title</h1>",
    "headers": lambda n: "<body><main><header>" * n + "<h1>Title</h1>",
    "references": lambda n: "<h2>References</h2>" + "<ol><li>Smith A. 2020." * n,
    "links": lambda n: "<p>" + '<a href="#x">' * n + "Linked.",
    "marker-links": lambda n: "<p>Text" + '<a href="#ref-1"><span>' * n + "1",
}


@pytest.mark.parametrize("make", DEEP.values(), ids=list(DEEP))
def test_deep_nesting_reads_in_linear_time(make: Callable[[int], str]) -> None:
    """html.parser nests unclosed tags, so broken pages nest thousands deep."""
    html = make(3000)
    doc = page(html)
    assert doc.blocks
    check_invariants(doc, html.count("\n") + 1)
    assert_linear(page, make, 150)


def test_elements_nested_too_deep_are_read_beside_each_other_with_a_note() -> None:
    """Browsers stop nesting at 512; bs4 walks the open elements for every node and end tag."""
    doc = page("<p>Start.</p>\n<div>\n" + "<div>" * MAX_DEPTH + "\n<p>Deep text.</p>")
    assert [text for _, text in blocks(doc)] == ["Start.", "Deep text."]
    assert doc.notes == [
        Note(
            f"elements nest more than {MAX_DEPTH} deep from here (tags left open?), so deeper "
            "ones were read beside each other - close the tags",
            3,
        )
    ]
    assert page("<div>" * (MAX_DEPTH - 10) + "<p>Deep text.</p>").notes == []
    soup = parse(Path("page.html"), "<div>a" * 5 * MAX_DEPTH)
    assert max(len(list(tag.parents)) for tag in soup.find_all(True)) == MAX_DEPTH


# --- decoding -------------------------------------------------------------------------

WESTERN = (
    "<html><head><title>Café</title></head><body><article><h1>Naïve care – “gentle” therapy</h1>"
    "<p>Our clinic’s approach reduces pain by 40 % – déjà vu for über-fans.</p></article></body></html>"
)
HEADING = "Naïve care – “gentle” therapy"
GUESSED = "decoded as windows-1252 (guessed) - save the page as UTF-8 to be sure"

ENCODINGS = [
    (WESTERN.encode("utf-8"), []),
    (b"\xef\xbb\xbf" + WESTERN.encode("utf-8"), []),
    (WESTERN.encode("utf-16"), []),
    (WESTERN.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252"), []),
    (
        WESTERN.replace(
            "<head>",
            '<head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        ).encode("cp1252"),
        [],
    ),
    (WESTERN.encode("cp1252"), [GUESSED]),
    (
        WESTERN.replace("<head>", '<head><meta charset="utf-8">').encode("cp1252"),
        ["the page declares charset 'utf-8' but is not valid utf-8; " + GUESSED],
    ),
    (
        WESTERN.replace("<head>", '<head><meta charset="windows-1252">').encode("utf-8"),
        ["the page declares charset 'windows-1252' but is UTF-8 - read as UTF-8"],
    ),
    (WESTERN.replace("<head>", '<head><meta charset="UTF8">').encode("utf-8"), []),
    (
        WESTERN.replace("<head>", '<head><meta charset="x-no-such-charset">').encode("utf-8"),
        ["the page declares charset 'x-no-such-charset' but is UTF-8 - read as UTF-8"],
    ),
    (
        WESTERN.replace("<head>", '<head><meta charset="hex">').encode("utf-8"),
        ["the page declares charset 'hex' but is UTF-8 - read as UTF-8"],
    ),
]


@pytest.mark.parametrize(("data", "notes"), ENCODINGS)
def test_decoding(data: bytes, notes: list[str]) -> None:
    doc = read_html(Path("page.html"), data)
    assert blocks(doc)[0] == ("heading", HEADING)
    assert doc.notes == [Note(note) for note in notes]


def garbage(seed: int, size: int = 4000) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


UNREADABLE = [
    (b"", "empty"),
    (b"  \r\n\t ", "empty"),
    (garbage(1), "binary"),
    (b"\x89PNG\r\n\x1a\n" + garbage(2), "binary"),
    (b"\x00\x01\x02<p>text</p>" * 20, "binary"),
    (b"Just a sentence of plain text.", "no HTML tags"),
    (
        b"<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body></html>",
        "no article text",
    ),
    (b"<!DOCTYPE html><html><body><div id='root'></div></body></html>", "no article text"),
]


@pytest.mark.parametrize(("data", "reason"), UNREADABLE)
def test_unreadable_pages_raise_reader_error(data: bytes, reason: str) -> None:
    path = Path("content/landing-page.html")
    with pytest.raises(ReaderError, match=reason) as raised:
        read_html(path, data)
    assert str(raised.value).startswith(f"{path}: ")
    assert " - " in str(raised.value)


# --- properties -----------------------------------------------------------------------

TAGS = [
    *("p", "div", "span", "section", "article", "main", "header", "footer", "nav", "aside"),
    *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "caption"),
    *("h1", "h2", "h3", "sup", "sub", "a", "b", "em", "br", "hr", "img", "figure", "figcaption"),
    *("blockquote", "pre", "script", "style", "noscript", "template", "svg", "form", "button"),
    *("title", "meta", "head", "body", "html", "font"),
]
ATTRIBUTES = [
    "",
    ' class="share-buttons"',
    ' class="entry-content"',
    ' id="ref-3"',
    ' id="fn1"',
    ' href="#ref-3"',
    ' href="#fn1" role="doc-noteref"',
    ' class="footnote-ref"',
    ' class="references"',
    ' class="footnotes"',
    ' role="doc-endnotes"',
    ' role="main"',
    ' start="4"',
    ' value="x"',
    " hidden",
    ' style="display:none"',
    ' aria-label="Share this"',
    ' class="comments"',
    ' href="#fnref1"',
]
WORDS = [
    *("References", "Notes", "3", "[2]", "1,2", "2-4", "m", "10", "TM", "^", "↩"),
    *("Repairs cartilage.", "It heals", " ", "\n", "\r\n", "&nbsp;", "&amp;", "&#8203;", "é"),
    *("<", ">", "&", "</div>", "</p>", "</li>", "<!-- comment -->", "<![CDATA[x]]>"),
    *("<!doctype html>", "<?xml version='1.0'?>", "<br/>"),
]


def element(name: str, attributes: str, children: list[str], closed: bool) -> str:
    body = "".join(children)
    return f"<{name}{attributes}>{body}</{name}>" if closed else f"<{name}{attributes}>{body}"


MARKUP = st.recursive(
    st.sampled_from(WORDS) | st.text(max_size=12),
    lambda children: st.builds(
        element,
        st.sampled_from(TAGS),
        st.sampled_from(ATTRIBUTES),
        st.lists(children, max_size=4),
        st.booleans(),
    ),
    max_leaves=40,
)


def read_or_refuse(data: bytes) -> None:
    try:
        doc = read_html(Path("fuzz.html"), data)
    except ReaderError as err:
        assert str(err).startswith("fuzz.html: ")
        return
    lines = max(data.count(b"\n"), data.count(b"\n\x00"), data.count(b"\x00\n")) + 1
    check_invariants(doc, lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKUP, max_size=6))
def test_any_markup_reads_or_refuses(parts: list[str]) -> None:
    read_or_refuse("".join(parts).encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_read_or_refuse(data: bytes) -> None:
    read_or_refuse(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(MARKUP, max_size=4), st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
def test_any_markup_in_any_encoding(parts: list[str], encoding: str) -> None:
    read_or_refuse("".join(parts).encode(encoding, "replace"))


# --- size ------------------------------------------------------------------------------


def test_a_big_page_reads_in_linear_time() -> None:
    """The reader's seconds on 200 KB are a benchmark: python bench/run.py --only readers."""
    assert len(read_html(Path("big.html"), big_html_page(200_000)).blocks) > 40
    assert_linear(lambda data: read_html(CLINIC, data), lambda n: CLINIC.read_bytes() * n, 1)


def unended_tag_page(tags: int) -> bytes:
    """A quote left open in a heading, then tags that never end either (found by fuzzing)."""
    return ('<p>Read.</p>\n<h2 id="x' + "Text.<a hrefme words, more words\n" * tags).encode()


def test_a_tag_that_never_ends_ends_the_page_with_a_note() -> None:
    doc = read_html(Path("page.html"), unended_tag_page(3))
    assert [doc.text[b.start : b.end] for b in doc.blocks] == ["Read."]
    assert doc.notes == [
        Note(
            "a tag opened here never ends (a quote left open?), so the page was read up to it - "
            "close the tag",
            2,
        )
    ]


def test_what_follows_a_tag_that_never_ends_is_passed_over_in_linear_time() -> None:
    """html.parser read every later tag to the end of the page again (fuzzing, 128 KB: 4.5 s)."""
    assert_linear(lambda data: read_html(Path("page.html"), data), unended_tag_page, 200)


def test_the_pinned_bs4_still_takes_our_parser():
    """The nesting cap and the end-tag bookkeeping need bs4's parser-class hook (4.13 on);
    without it the reader would fall back to the stock parser and lose both, silently."""
    from tracker.readers import html

    assert html._BUILDER is html._Builder
