"""Read Markdown into headings, paragraphs, list items and table rows with markdown-it-py.

markdown-it gives each block the lines it came from; spans are cut from the original text
so that a claim points at the exact characters a writer typed, markup included.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from tracker.readers import Block, DocumentText, Note, ReaderError, line_starts

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*(?:\r?\n|\Z)", re.S)
FRONT_TITLE = re.compile(r"^title:[ \t]*['\"]?(.*?)['\"]?[ \t]*$", re.M)
LINE_PREFIX = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|\[\^[^\]]+\]:[ \t]*)?"
)
TABLE_EDGE = re.compile(r"^[ \t]*\|?[ \t]*|[ \t]*\|?[ \t]*$")

# How deep quotes and lists may nest (CommonMark's own limit). markdown-it silently drops
# whatever lies deeper, and the rest of the enclosing list with it, so a deeper page is refused.
MAX_NESTING = 20
PARSER = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table").use(footnote_plugin)
# The tokens whose content markdown-it parses one level further down.
CONTAINERS = frozenset({"blockquote_open", "list_item_open", "footnote_open"})


def read_markdown(path: Path, text: str) -> DocumentText:
    """Split Markdown into blocks located in the original text."""
    body, title = blank_front_matter(text)
    starts = [*markdown_line_starts(text), len(text)]
    tokens = PARSER.parse(body)
    check_nesting(path, tokens)
    blocks = [b for b in walk(tokens, text, starts) if b.end > b.start]
    if not title:
        title = next((text[b.start : b.end] for b in blocks if b.kind == "heading"), "")
    notes = html_block_notes(tokens)
    return DocumentText(path=path, text=text, blocks=blocks, title=title, notes=notes)


HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
HTML_TAG = re.compile(r"<[^<>]*>")


def html_block_notes(tokens: list[Token]) -> list[Note]:
    """Say where a block of raw HTML holds text the reader leaves unread."""
    notes = []
    for token in tokens:
        if token.type != "html_block":
            continue
        words = " ".join(HTML_TAG.sub(" ", HTML_COMMENT.sub(" ", token.content)).split())
        if words:
            first, last = (token.map[0] + 1, token.map[1]) if token.map else (1, 1)
            span = f" (lines {first}-{last})" if last > first else ""
            shown = words if len(words) <= 60 else words[:59] + "…"
            notes.append(
                Note(
                    f'a block of HTML{span} whose text was not read ("{shown}") - '
                    "write it as Markdown to have it checked",
                    first,
                )
            )
    return notes


# Where markdown-it breaks lines: a lone CR (classic Mac) ends a line too.
LINE_BREAK = re.compile(r"\r\n?|\n")


def markdown_line_starts(text: str) -> list[int]:
    """Return the offset of each line as markdown-it counts lines, so its line numbers index it."""
    if "\r" not in text:
        return line_starts(text)
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


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


def walk(tokens: list[Token], text: str, starts: list[int]) -> list[Block]:
    """Turn markdown-it block tokens into our blocks."""
    blocks: list[Block] = []
    in_list = 0
    in_head = False
    note: str | None = None
    for token in tokens:
        if token.type in ("footnote_open", "footnote_close"):
            note = token.meta.get("label") if token.type == "footnote_open" else None
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.map is not None and token.type in KINDS:
            kind = KINDS[token.type]
            if kind == "paragraph" and in_list:
                kind = "list_item"
            if kind == "table_row" and in_head:
                kind = "table_header"
            if note is not None:
                kind = "footnote"
            block = located(kind, token.map, text, starts)
            blocks.append(Block(kind, block.start, block.end, label=note) if note else block)
    return blocks


KINDS = {"heading_open": "heading", "paragraph_open": "paragraph", "tr_open": "table_row"}


def located(kind: str, lines: list[int], text: str, starts: list[int]) -> Block:
    """Cut a block's span from its source lines, leaving out list, quote and heading markers."""
    first, last = lines[0], lines[1]
    start = starts[first]
    end = starts[min(last, len(starts) - 1)]
    end = start + len(text[start:end].rstrip())
    if kind.startswith("table"):
        row = text[start:end]
        edge = TABLE_EDGE.match(row)
        lead = edge.end() if edge else 0
        return Block(kind, start + lead, start + len(row.rstrip().rstrip("|").rstrip()))
    prefix = LINE_PREFIX.match(text, start, end)
    if prefix:
        start = prefix.end()
    if kind == "heading":
        end = start + len(text[start:end].rstrip("# \t"))
    return Block(kind, start, end)
