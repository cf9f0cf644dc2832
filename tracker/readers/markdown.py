"""Read Markdown as a browser shows it, through the HTML it renders to.

markdown-it-py renders it to HTML, inline and block HTML included (`<sup>1</sup>` markers,
`<div>` and `<blockquote>` blocks, entities), and the HTML reader reads the article text from
that, as it reads a published page. Each block keeps the line of the Markdown source it came
from, so findings point at what the writer typed; numbered lists are numbered as the browser
numbers them (explicit numbers win, blank lines between items do not restart the list).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from tracker.readers import DocumentText, ReaderError
from tracker.readers.html import SOURCE_LINE, html_document

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*(?:\r?\n|\Z)", re.S)
FRONT_TITLE = re.compile(r"^title:[ \t]*['\"]?(.*?)['\"]?[ \t]*$", re.M)

# How deep quotes and lists may nest (CommonMark's own limit). markdown-it silently drops
# whatever lies deeper, and the rest of the enclosing list with it, so a deeper page is refused.
MAX_NESTING = 20
PARSER = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table").use(footnote_plugin)
RENDERER = cast(RendererHTML, PARSER.renderer)
# The elements whose text the HTML reader makes a block of: they carry their Markdown line
# (cells and list wrappers need not: a large table would only take longer to read).
LOCATED = frozenset(
    {
        "paragraph_open",
        "heading_open",
        "list_item_open",
        "tr_open",
        "blockquote_open",
        "footnote_open",
    }
)
# The tokens whose content markdown-it parses one level further down.
CONTAINERS = frozenset({"blockquote_open", "list_item_open", "footnote_open"})


def read_markdown(path: Path, text: str) -> DocumentText:
    """Read Markdown into the blocks of its rendered text, located at their source lines."""
    body, title = blank_front_matter(text)
    env: dict[str, Any] = {}
    tokens = PARSER.parse(body, env)
    check_nesting(path, tokens)
    for token in tokens:
        if token.map is not None and token.type in LOCATED:
            token.attrSet(SOURCE_LINE, str(token.map[0] + 1))
    html, raw_blocks = render(tokens, env)
    doc = html_document(path, html, [], empty_ok=True, lines=lambda n: markdown_line(n, raw_blocks))
    if not title:
        title = next((doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"), "")
    return DocumentText(path=path, text=doc.text, blocks=doc.blocks, title=title, notes=doc.notes)


def render(tokens: list[Token], env: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    """Render tokens to HTML as markdown-it does, noting where each block of raw HTML starts
    in the HTML and in the Markdown (its elements carry no line attribute of their own)."""
    renderer, options = RENDERER, PARSER.options
    pieces: list[str] = []
    raw_blocks: list[tuple[int, int]] = []
    line = 1
    for index, token in enumerate(tokens):
        if token.type == "html_block" and token.map is not None:
            raw_blocks.append((line, token.map[0] + 1))
        if token.type == "inline":
            piece = renderer.renderInline(token.children or [], options, env)
        elif token.type in renderer.rules:
            piece = renderer.rules[token.type](tokens, index, options, env)
        else:
            piece = renderer.renderToken(tokens, index, options, env)
        pieces.append(piece)
        line += piece.count("\n")
    return "".join(pieces), raw_blocks


def markdown_line(html_line: int, raw_blocks: list[tuple[int, int]]) -> int:
    """Return the Markdown line of a line of rendered raw HTML."""
    starts = [start for start, _ in raw_blocks]
    index = bisect.bisect_right(starts, html_line) - 1
    if index < 0:
        return html_line
    start, source = raw_blocks[index]
    return source + html_line - start


def check_nesting(path: Path, tokens: list[Token]) -> None:
    """Refuse a page whose quotes or lists nest so deep that markdown-it left text out."""
    for token in tokens:
        if token.type in CONTAINERS and token.level + 1 >= MAX_NESTING:
            line = token.map[0] + 1 if token.map else 1
            raise ReaderError(
                f"{path}: line {line}: quotes or lists nested too deep for the Markdown reader "
                f"({MAX_NESTING} levels, a list taking two), whose text would be lost "
                "- flatten them"
            )


def blank_front_matter(text: str) -> tuple[str, str]:
    """Replace YAML front matter by blank lines (keeping line numbers) and return its title."""
    match = FRONT_MATTER.match(text)
    if not match:
        return text, ""
    title = FRONT_TITLE.search(match.group(1))
    blank = "\n" * match.group(0).count("\n")
    return blank + text[match.end() :], title.group(1) if title else ""
