"""Large documents shaped like real ones, for the reader benchmarks and the readers' tests."""

from __future__ import annotations

import io
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLINIC = REPO / "tests" / "data" / "html" / "clinic-blog.html"


def big_html_page(size: int = 200_000) -> bytes:
    """A page of at least size bytes shaped like a real one: mostly CSS and scripts, a
    mega-menu, an icon sprite, the clinic article three times, comments and a footer."""
    source = CLINIC.read_text(encoding="utf-8")
    rules = "\n".join(f".c{i} .item-{i}:hover > a {{ margin: {i % 17}px; }}" for i in range(900))
    script = "\n".join(f"window.cfg{i} = {{id: {i}, deps: ['a{i}']}};" for i in range(900))
    sprite = "".join(f'<symbol id="i{i}"><path d="M{i} 2L2 7z"/></symbol>' for i in range(60))
    menu = "".join(
        f'<li class="menu-item"><a href="/t-{i}/"><span>Item {i}</span></a></li>'
        for i in range(150)
    )
    comments = "".join(
        f'<li class="comment"><article><p>Thank you {i}.</p></article></li>' for i in range(60)
    )
    start = source.index('<div class="entry-content">')
    end = source.index("<h2>References</h2>")
    article = source[start:end] + "</div>"
    before, main = source[source.index("<main") : start], source[start : source.index("</main>")]
    body = (
        f'<svg style="display:none">{sprite}</svg><nav><ul>{menu}</ul></nav>'
        f"{before}{article * 3}{main}"
        f'<ol class="comment-list">{comments}</ol></main>'
    )
    head = f"<head><title>Big page</title><style>{rules}</style><script>{script}</script></head>"
    html = f"<!DOCTYPE html><html>{head}<body>{body}</body></html>"
    missing = max(size - len(html.encode()), 0)
    padding = f"<style>{(rules * (missing // len(rules) + 1))[:missing]}</style>"
    return html.replace("</head>", padding + "</head>").encode("utf-8")


def long_docx(paragraphs: int = 600) -> bytes:
    """A Word document of about a page per 12 paragraphs of 40 words (600: 50 pages), with
    superscript citations, headings, bulleted lists and tables."""
    import docx

    document = docx.Document()
    words = "Exosome therapy supports the repair of damaged tissue in adults over time".split()
    for index in range(paragraphs):
        if index % 50 == 0:
            document.add_heading(f"Section {index // 50}", 1)
        style = "List Bullet" if index % 7 == 0 else None
        paragraph = document.add_paragraph(" ".join(words * 3)[:260], style=style)
        paragraph.add_run(f"{index % 9 + 1}-{index % 9 + 3}").font.superscript = True
        paragraph.add_run(" And a second sentence follows here.")
        if index % 100 == 0:
            table = document.add_table(rows=6, cols=3)
            for cell in table._cells:
                cell.text = "Cytokines"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
