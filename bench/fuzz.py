"""Fuzz every parser with near-valid and random input; report crashes, time and memory.

    python bench/fuzz.py [--inputs 100000] [--only NAME] [--seed S] [--jobs 2]
    python bench/fuzz.py --replay bench/fuzz-failures/register-123.bin

One target per parser: bibtex (load_bibliography), register (load_register), markers
(find_markers), and the readers plain, markdown, html and docx, each followed by the rest of
the extraction as `tracker extract` runs it (reference list, sentences, claim decisions,
markers, resolution). Input n of a target is made from the seed, the target and n alone, so
any input can be made again. Most inputs are real material cut to size and mutated:
characters deleted, duplicated, swapped, repeated or inserted, the inserts drawn from the
tokens each format is made of (braces, quotes, `=`, `@`, tabs, YAML aliases and tags, HTML and
WordprocessingML elements) and from other real documents; a DOCX package is edited part by
part as text, element by element as XML, or byte by byte. The rest is random text.

The material: the bundled project, tests/data and, from --shared, the BibTeX benchmarks
(bench/*.bib.gz), the seed pages and the Citation-Integrity contexts.

An input fails when the parser raises anything but the one allowed error (ReaderError for the
readers, nothing for the others), when a property breaks (a problem's line outside the file,
a block, claim or marker that does not index the text), when it runs longer than --max-time
twice in a row (for 64 KB; inputs are cut to 128 KB, and a bigger one may take proportionally
longer), or when it takes more memory than --max-memory (traced in a second run of every
--trace-every-th input; the process's peak RSS for all of them). An input still running after
--hang seconds is killed.
Each failing input is written to bench/fuzz-failures/<target>-<n>.bin (the first --keep of each
kind of failure of a target), with a .txt beside it saying what failed (a traceback for a
crash); --replay runs one again. --snapshot rewrites the figures so far every minute.

Prints one line per target: inputs, failures, slowest and 99th-percentile time, the largest
traced memory and the growth of peak RSS, and PASS or FAIL.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import io
import json
import multiprocessing as mp
import queue
import random
import re
import resource
import sys
import tempfile
import time
import traceback
import tracemalloc
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.pathological import PATHOLOGICAL  # noqa: E402
from bench.shapes import SHAPES  # noqa: E402
from tracker.bibliography import load_bibliography  # noqa: E402
from tracker.extract import Extraction, extract  # noqa: E402
from tracker.markers import find_markers  # noqa: E402
from tracker.model import Problem, Source  # noqa: E402
from tracker.readers import ReaderError  # noqa: E402
from tracker.register_read import load_register  # noqa: E402

SHARED = Path("/work/shared")
FAILURES = REPO / "bench" / "fuzz-failures"
MB = 1024 * 1024
# Inputs are cut to MAX_INPUT bytes; --max-time is for an input of TIMED_SIZE, and grows in
# proportion above it: a big page may take longer, but not more than linearly so.
MAX_INPUT = 128 * 1024
TIMED_SIZE = 64 * 1024

# ---------------------------------------------------------------------------------------------
# Edits: what a mutation does to a text. Hypothesis draws them too (tests/test_fuzz_parsers.py).

OPERATIONS = ("insert", "insert_at_anchor", "delete", "replace", "duplicate", "repeat",
              "swap_lines", "truncate", "swap_case")  # fmt: skip
OPERATION_WEIGHTS = (25, 20, 15, 10, 10, 4, 6, 3, 5)
# Characters that break decoders, line counting and regular expressions.
NASTY = ("\x00", "\ufeff", "\u2028", "\x85", "\r", "\r\n", "\t", "\x0b", "\x0c", "\ud800",
         "\u0301", "\u202e", "\U0001f600", "１２", "²", "⁻", "\\", "\u00a0")  # fmt: skip


@dataclass(frozen=True)
class Edit:
    """One mutation: an operation, where (a share of the length), how much, and what goes in."""

    op: str
    at: float
    size: int = 1
    text: str = ""


def apply_edits(text: str, edits: Iterable[Edit], anchors: str) -> str:
    """Apply edits in turn; `anchors` are the characters insert_at_anchor inserts before."""
    for edit in edits:
        text = apply_edit(text, edit, anchors)
    return text


def apply_edit(text: str, edit: Edit, anchors: str) -> str:
    """Apply one edit to text."""
    i = min(int(edit.at * (len(text) + 1)), len(text))
    size = max(edit.size, 0)
    if edit.op == "insert_at_anchor":
        i = anchor_position(text, edit.at, anchors)
    if edit.op in ("insert", "insert_at_anchor"):
        return text[:i] + edit.text + text[i:]
    if edit.op == "repeat":
        return text[:i] + edit.text * size + text[i:]
    if edit.op == "delete":
        return text[:i] + text[i + size :]
    if edit.op == "replace":
        return text[:i] + edit.text + text[i + size :]
    if edit.op == "duplicate":
        return text[: i + size] + text[i:]
    if edit.op == "swap_case":
        return text[:i] + text[i : i + size].swapcase() + text[i + size :]
    if edit.op == "truncate":
        return text[:i]
    if edit.op == "swap_lines":
        return swap_lines(text, edit.at, size)
    raise ValueError(f"unknown edit {edit.op!r}")


def anchor_position(text: str, at: float, anchors: str) -> int:
    positions = [i for i, ch in enumerate(text) if ch in anchors]
    if not positions:
        return min(int(at * (len(text) + 1)), len(text))
    return positions[min(int(at * len(positions)), len(positions) - 1)]


def swap_lines(text: str, at: float, other: int) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    a, b = min(int(at * len(lines)), len(lines) - 1), other % len(lines)
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


def random_edit(rng: random.Random, tokens: Sequence[str], donors: Sequence[str]) -> Edit:
    """Draw one edit: mostly small, inserting a token of the format or a piece of real text."""
    op = rng.choices(OPERATIONS, OPERATION_WEIGHTS)[0]
    size = rng.choice((1, 1, 1, rng.randint(1, 8), rng.randint(1, 80)))
    if op == "repeat":
        size = rng.choice((rng.randint(2, 40), rng.randint(40, 400), rng.randint(400, 3000)))
    return Edit(op, rng.random(), size, random_piece(rng, tokens, donors))


def random_piece(rng: random.Random, tokens: Sequence[str], donors: Sequence[str]) -> str:
    roll = rng.random()
    if roll < 0.6 or not donors:
        return rng.choice(tokens)
    if roll < 0.8:
        donor = rng.choice(donors)
        start = rng.randrange(len(donor) + 1)
        return donor[start : start + rng.randint(1, 120)]
    if roll < 0.9:
        return rng.choice(NASTY)
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 6)))


def mutate(rng: random.Random, text: str, grammar: Grammar, donors: Sequence[str]) -> str:
    """Apply a few random edits (one to about a dozen, mostly few)."""
    # Capped before int(): a Hypothesis random (tests/test_fuzz_parsers.py) may draw inf.
    count = 1 + int(min(rng.expovariate(0.5), 15))
    edits = [random_edit(rng, grammar.tokens, donors) for _ in range(count)]
    return apply_edits(text, edits, grammar.anchors)


def random_text(rng: random.Random, grammar: Grammar, donors: Sequence[str]) -> str:
    """Return text made of nothing but tokens, nasty characters and scraps of real text."""
    count = rng.randint(0, 60)
    return "".join(random_piece(rng, grammar.tokens, donors) for _ in range(count))


def encode(rng: random.Random, text: str) -> bytes:
    """Encode text as a file would hold it: mostly UTF-8, sometimes not, sometimes damaged."""
    roll = rng.random()
    if roll < 0.85:
        data = text.encode("utf-8", "surrogatepass")
    elif roll < 0.9:
        data = text.encode("utf-8-sig", "surrogatepass")
    else:
        codec = rng.choice(("cp1252", "latin-1", "utf-16", "utf-16-le", "mac_roman"))
        data = text.encode(codec, "replace")
    if rng.random() < 0.08:
        data = mutate_bytes(rng, data)
    return data


BYTE_TOKENS = ("\x00", "\xff\xfe", "\xef\xbb\xbf", "\xc3", "\x80", "\xe2\x80", "\xf0\x9f", "\x1b")


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Edit bytes as if they were Latin-1 text (one character per byte)."""
    count = rng.randint(1, 6)
    tokens = [*BYTE_TOKENS, *(chr(rng.randrange(256)) for _ in range(4))]
    edits = [random_edit(rng, tokens, ()) for _ in range(count)]
    text = apply_edits(data.decode("latin-1"), edits, "<>\n")
    return text.encode("latin-1", "replace")


@dataclass(frozen=True)
class Grammar:
    """The tokens a format is made of, and the characters near which edits land."""

    tokens: tuple[str, ...]
    anchors: str


BIBTEX = Grammar(
    tokens=(
        "{", "}", '"', "=", ",", "@", "\t", "\n", "%", "#", "\\", "(", ")", " ", "{{", "}}",
        "@article{", "@book(", "@string{", "@comment{", "@preamble{", "@misc{k,", "@ARTICLE{",
        "title", "author = ", "title = {", "journal = \"", "year = 2020", "crossref = {",
        "doi = {10.1000/xyz}", "pmid = 12345", " and ", "month = jan", "{\\\"o}", "\\&",
        "$x^2$", " # ", "k,", ",\n  ", "=\n", "},", "\",", "@{", "@}", "@inproceedings{a,",
    ),
    anchors='{}",=@\n',
)  # fmt: skip
YAML = Grammar(
    tokens=(
        ":", ": ", "- ", "  ", "    ", "\t", "{", "}", "[", "]", ",", "'", '"', "#", "\n",
        "&a ", "*a", "&b [x, y]", "*b", "<<: *a", "{x: 1}: ", "[x]: ", "? ? ", "!!str ",
        "!!int ", "!!float ", "!!binary ",
        "!!timestamp ", "!!set ", "!!omap ", "!!map ", "!!seq ", "!!null ", "!!bool ",
        "!!python/object:os.system ", "!custom ", "? ", "? [a, b]\n", "|", ">", "|-\n", "---\n",
        "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "null", "~", "true", "0x1F", "1e400",
        ".nan", "-.inf", "2026-13-45", "2026-11-20", "12:30:00", "id: ", "text: ", "kinds: [",
        "citations:", "citations: []", "review:", "reviews:", "verdict: ", "location: {line: ",
        "suppress:", "sources:", "status: ", "fingerprint: ", "key: ", "marker: ", "ref: ",
        "score: ", "document:", "claims:", "  - id: x-000000\n", "efficacy", "supported",
    ),
    anchors=":-{}[],'\"#&*!\n",
)  # fmt: skip
MARKERS = Grammar(
    tokens=(
        "[1]", "[2-4]", "[1, 3]", "[1][2]", "[12–14]", "[1-1000]", "¹²³", "¹⁻³", "²", "(2)",
        "(1-3)", "tissues1-4", "fast.1 ", "(Shin et al., 2021)", "(Shin & Lee 2021; Foo 2021)",
        "Shin et al. (2021)", "(Kim and Park, 2019a)", "[@key]", "[@a; @b, p. 4]", "@key",
        "[-@key]", "\\cite{a,b}", "\\citep[p.~4][see]{x}", "doi:10.1000/xyz",
        "https://doi.org/10.1/abc.", "PMID: 123456", "https://pubmed.ncbi.nlm.nih.gov/123456/",
        "[^1]", "[^note]", "[19%]", "m²", "10⁶", "COVID-19", "[", "]", "(", ")", ";", ",", "-",
        "–", "@", "^", ".", " ", "et al.", "0", "9999999", "[0]", "[5-2]", "\\cite{", "(19",
    ),
    anchors="[]()@^.,;¹²³\\ ",
)  # fmt: skip
PLAIN = Grammar(
    tokens=(
        *MARKERS.tokens, "\n", "\n\n", "\n\n\n", "• ", "- ", "* ", "1. ", "2) ", "\t", "  |  ",
        " | ", "References\n", "Sources\n", "Bibliography:\n", "Source: ",
        "Source: Title – Journal (2020)\n",
        "1. Smith J, Lee K. A trial of secretome. J Regen Med. 2020;3:1-9. doi:10.1/x\n",
        "[2] Foo B. Exosomes. Cells 2021. PMID: 33445566\n", "Shin, J. (2021). Title. Journal.\n",
        "    ", "TITLE IN CAPS\n", "?", "!", "…", "“", "”", "e.g.", "Dr.", "Fig. 2",
    ),
    anchors="\n.[]( \t",
)  # fmt: skip
MARKDOWN = Grammar(
    tokens=(
        *PLAIN.tokens, "# ", "## ", "###### ", "---\ntitle: X\n---\n", "---\n", "+++\n", "* ",
        "| a | b |\n|---|---|\n| 1 | 2 |\n", "|", "```\n", "~~~", "[^1]: A note.\n", "[^1]",
        "> ", "<div>", "</div>", "  \n", "***", "[link](http://x)", "![img](x)", "<!--", "-->",
        "_", "*", "**", "`", "[ref]: http://x\n", "    code\n", "1. ", "- [ ] ", "\\\n",
    ),
    anchors="\n#*-|`[]>_",
)  # fmt: skip
HTML = Grammar(
    tokens=(
        "<", ">", "</", "/>", '"', "'", "=", "&", "<p>", "</p>", "<sup>", "</sup>",
        "<sup>2-4</sup>", '<a href="#ref-1">', '<a href="#fn1" class="footnote-ref">', "</a>",
        "<script>", "</script>", "<style>", "</style>", "<!--", "-->", "<table><tr><td>",
        "</td><td>", "</td></tr></table>", "<th>", "<ol>", "<ol start=\"7\">", "<ul>", "<li>",
        "</li>", "</ol>", "<h1>", "<h2>References</h2>", "<h3>", '<meta charset="cp1252">',
        '<meta charset="utf-16">', '<meta charset="x-bogus">', "&amp;", "&#x2;", "&#1234567;",
        "&nbsp;", "&sup2;", "<br>", "<nav>", "</nav>", '<div class="cookie-banner">',
        '<section id="references">', '<aside class="footnotes">', '<li id="ref-1">', "<![CDATA[",
        "]]>", "<?xml version=\"1.0\"?>", "<!DOCTYPE html>", "<div>", "</div>", "<article>",
        "</article>", "<main>", "<header>", "<footer>", "<svg>", "<template>", "<noscript>",
        "<title>", "</title>", "<pre>", "<dl><dt>", "<dd>", "<span>", "<b>", "<i>", "<math>",
        "<sup>", "<sup><a href=\"#cite_note-3\">[3]</a></sup>", "<body>", "<html>", "<head>",
    ),
    anchors="<>\"'=&\n",
)  # fmt: skip
XML = Grammar(
    tokens=(
        "<", ">", "</", "/>", '"', "&", "&amp;", "&#0;", "&#x1F600;", "<w:p>", "</w:p>",
        "<w:r>", "</w:r>", "<w:t>", "</w:t>", '<w:t xml:space="preserve">', "<w:tab/>", "<w:br/>",
        '<w:vertAlign w:val="superscript"/>', '<w:footnoteReference w:id="1"/>',
        '<w:endnoteReference w:id="9"/>', "<w:tbl>", "<w:tr>", "<w:tc>", "</w:tc>", "<w:sdt>",
        '<w:pStyle w:val="Heading1"/>', '<w:pStyle w:val="ListNumber"/>',
        '<w:numPr><w:numId w:val="1"/></w:numPr>', '<w:outlineLvl w:val="99"/>', 'w:id="-1"',
        'w:val=""', 'w:type="separator"', "<w:vanish/>", '<w:rStyle w:val="x"/>', "xmlns:w=",
        "<!DOCTYPE x [<!ENTITY e \"eee\">]>", "&e;", "<?xml version=\"1.0\"?>", "<w:body>",
        "</w:body>", "<w:footnote w:id=\"1\">", "<w:style w:styleId=\"Heading1\">",
        '<w:basedOn w:val="Heading1"/>', "Target=\"../x.xml\"", "Id=\"rId1\"", "<Override",
    ),
    anchors="<>\"=&/",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Real material, read once per process


def read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as stream:
            return stream.read()
    return path.read_text(encoding="utf-8", errors="replace")


BLOCK_START = re.compile(r"^(?=\s*@)", re.M)


@cache
def bib_chunks(shared: Path | None) -> tuple[str, ...]:
    """Return the blocks (entries, @string, @comment, stray text) of every BibTeX file."""
    paths = [REPO / "references.bib", *sorted((REPO / "tests/data/bib").glob("*.bib"))]
    if shared is not None:
        paths += sorted((shared / "bench").glob("*.bib.gz"))
    chunks = (chunk for path in paths for chunk in BLOCK_START.split(read_text(path)))
    return tuple(chunk for chunk in chunks if chunk.strip())


REGISTERS = (REPO / "claims", REPO / "tests/data/registers")
CLAIM_ITEM = re.compile(r"^(?=  - )", re.M)
# Claims with every field a person may write, so that mutations reach all of the loader.
FULL_CLAIMS = """\
  - id: x-aaa111
    text: Secretome therapy reduces knee pain by 40%. [1]
    location: {line: 3, start: 10, end: 58}
    kinds: [efficacy, quantitative]
    citations:
      - key: smith2020knee
        marker: '[1]'
        ref: 1
        score: 0.93
        reference: Smith J. Knee pain. J Regen Med. 2020.
        locator: p. 5, Table 2
        quote: "pain fell by 40% at week 12"
    review:
      verdict: supported
      by: A. Reviewer
      at: '2026-11-20'
      note: shown in a trial of 40 adults
      source: smith2020knee
      fingerprint: {text: 3f2a9c, sources: {smith2020knee: 77e0b1}}
    reviews:
      - {verdict: partial, by: B. Reviewer, at: 2026-10-01, note: rats only}
    suppress:
      - {check: claims.uncited, reason: the source is in the caption}
  - id: x-bbb222
    text: It is offered in clinics worldwide.
    location: {line: 7, start: 120, end: 155}
    kinds: [background]
    citations: []
    status: dismissed
    review: {verdict: needs-review, note: no claim}
  - id: x-ccc333
    text: Exosomes carry the repair signals. [2]
    location: {line: 9, start: 160, end: 198}
    kinds: [mechanism]
    citations:
      - {key: null, marker: '[2]', ref: 2}
    status: vanished
    vanished: 2026-11-21
"""
SOURCES_SECTION = """\
sources:
  smith2020knee:
    suppress:
      - {check: bibliography.missing-fields, reason: the publisher has no author list}
"""


@cache
def register_parts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the heads (everything before `claims:`) and the claim items of real registers."""
    heads, items = [], [*CLAIM_ITEM.split(FULL_CLAIMS)]
    for path in sorted(p for folder in REGISTERS for p in folder.glob("*.yaml")):
        head, _, claims = read_text(path).partition("\nclaims:\n")
        heads.append(head + "\n")
        items += CLAIM_ITEM.split(claims)
    return tuple(heads), tuple(item for item in items if item.startswith("  - "))


def build_register(rng: random.Random, count: int) -> str:
    """Return a register made of a real head, `count` distinct real claims and maybe sources."""
    heads, items = register_parts()
    chosen = rng.sample(items, min(count, len(items)))
    tail = rng.choice(("", "", SOURCES_SECTION, "# End of register.\n"))
    return rng.choice(heads) + "claims:\n" + "".join(chosen) + tail


@cache
def pages(shared: Path | None) -> tuple[str, ...]:
    """Return the text of every real page, each once."""
    paths = sorted((REPO / "content").glob("*.txt"))
    if shared is not None:
        paths += sorted((shared / "seeds").glob("*.txt"))
    return tuple(dict.fromkeys(read_text(path) for path in paths))


CITATION_TAG = re.compile(r"</?CITATION_MARKER>")


@cache
def contexts(shared: Path | None) -> tuple[str, ...]:
    """Return the citation contexts of scientific papers, as printed; else the pages' lines."""
    path = (shared or REPO) / "eval/datasets/citation-integrity/contexts_dev.jsonl"
    if not path.is_file():
        return tuple(line for page in pages(shared) for line in page.splitlines() if line.strip())
    records = [json.loads(line) for line in read_text(path).splitlines() if line.strip()]
    return tuple(CITATION_TAG.sub("", " ".join(r["sentences"])) for r in records)


@cache
def html_pages() -> tuple[str, ...]:
    return tuple(read_text(p) for p in sorted((REPO / "tests/data/html").glob("*.html")))


def excerpt(rng: random.Random, shared: Path | None) -> str:
    """Return a window of a real page's lines, sometimes with the page's last lines after it."""
    lines = rng.choice(pages(shared)).splitlines(keepends=True)
    size = min(1 + int(min(rng.expovariate(1 / 15), len(lines))), len(lines))  # as in mutate
    start = rng.randrange(len(lines) - size + 1)
    window = lines[start : start + size]
    if rng.random() < 0.3:  # the reference list, where the pages keep it
        window += lines[-rng.randint(1, 30) :]
    return "".join(window)


def prose(rng: random.Random, shared: Path | None) -> str:
    if rng.random() < 0.7:
        return excerpt(rng, shared)
    return "\n\n".join(rng.sample(contexts(shared), rng.randint(1, 4)))


# ---------------------------------------------------------------------------------------------
# Input makers: (random source, --shared folder) -> the bytes of one input


def make_bibtex(rng: random.Random, shared: Path | None) -> bytes:
    chunks = bib_chunks(shared)
    if rng.random() < 0.1:
        return encode(rng, random_text(rng, BIBTEX, chunks))
    count = rng.choice((1, 2, 3, rng.randint(1, 8), rng.randint(1, 8), rng.randint(10, 200)))
    text = "".join(rng.choice(chunks) for _ in range(count))
    return encode(rng, mutate(rng, text, BIBTEX, chunks))


# Shapes of bench/shapes.py that once hung or crashed a loader, or are refused by name.
HOSTILE_SHAPES = (
    "nested mapping keys", "nested list keys", "nested explicit keys", "deep flow lists",
    "deep flow mappings", "deep brackets", "deep block lists", "aliases", "billion laughs",
    "merge keys", "tags",
)  # fmt: skip


def hostile_register(rng: random.Random) -> str:
    """Return a hostile register: mostly a few hundred bytes, sometimes tens of kilobytes."""
    make = SHAPES[rng.choice(HOSTILE_SHAPES)]
    return make(int(min(20 + rng.expovariate(1 / 1500), MAX_INPUT // 2)))


def make_register(rng: random.Random, shared: Path | None) -> bytes:
    items = register_parts()[1]
    if rng.random() < 0.1:
        return encode(rng, random_text(rng, YAML, items))
    if rng.random() < 0.1:  # nested keys, deep nesting, aliases: as is, or mutated
        text = hostile_register(rng)
        return encode(rng, text if rng.random() < 0.5 else mutate(rng, text, YAML, items))
    count = rng.choice((0, 1, 2, 3, rng.randint(1, 6), rng.randint(1, 6), rng.randint(5, 40)))
    return encode(rng, mutate(rng, build_register(rng, count), YAML, items))


def make_markers(rng: random.Random, shared: Path | None) -> bytes:
    donors = contexts(shared)
    if rng.random() < 0.1:
        return encode(rng, random_text(rng, MARKERS, donors))
    text = " ".join(rng.sample(donors, rng.randint(1, 3)))
    return encode(rng, mutate(rng, text, MARKERS, donors))


def make_plain(rng: random.Random, shared: Path | None) -> bytes:
    return make_text(rng, shared, PLAIN, ".txt")


def make_markdown(rng: random.Random, shared: Path | None) -> bytes:
    return make_text(rng, shared, MARKDOWN, ".md")


def pathological_page(rng: random.Random, suffix: str, grammar: Grammar) -> bytes | None:
    """Now and then, a pathological page of bench/pathological.py in this format, maybe mutated."""
    shapes = [make for kind, make in PATHOLOGICAL.values() if kind == suffix]
    if not shapes or rng.random() >= 0.05:
        return None
    text = rng.choice(shapes)(int(min(100 + rng.expovariate(1 / 8000), MAX_INPUT // 2)))
    return encode(rng, text if rng.random() < 0.5 else mutate(rng, text, grammar, (text,)))


def make_text(rng: random.Random, shared: Path | None, grammar: Grammar, suffix: str) -> bytes:
    donors = contexts(shared)
    odd = pathological_page(rng, suffix, grammar)
    if odd is not None:
        return odd
    if rng.random() < 0.1:
        return encode(rng, random_text(rng, grammar, donors))
    return encode(rng, mutate(rng, prose(rng, shared), grammar, donors))


HTML_BLOCKS = ("p", "p", "p", "li", "h2", "td", "blockquote", "div")


def make_html(rng: random.Random, shared: Path | None) -> bytes:
    donors = html_pages()
    odd = pathological_page(rng, ".html", HTML)
    if odd is not None:
        return odd
    if rng.random() < 0.1:
        return encode(rng, random_text(rng, HTML, donors))
    if rng.random() < 0.5:
        page = rng.choice(donors)
    else:
        lines = [line.strip() for line in prose(rng, shared).splitlines() if line.strip()]
        tags = [rng.choice(HTML_BLOCKS) for _ in lines]
        body = "".join(f"<{t}>{line}</{t}>\n" for t, line in zip(tags, lines, strict=True))
        page = f"<html><head><title>Page</title></head><body><article>\n{body}</article></body>"
    return encode(rng, mutate(rng, page, HTML, donors))


# --- DOCX: packages built once with python-docx, then edited ---------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOTE_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s"
NOTE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
PARTS = (
    "word/document.xml",
    "word/document.xml",
    "word/document.xml",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "[Content_Types].xml",
    "_rels/.rels",
    "word/_rels/document.xml.rels",
    "docProps/core.xml",
)
W_TAGS = (
    "p", "r", "t", "tbl", "tr", "tc", "sdt", "sdtContent", "hyperlink", "ins", "del", "pPr",
    "rPr", "pStyle", "rStyle", "numPr", "numId", "ilvl", "outlineLvl", "vertAlign", "vanish",
    "tab", "br", "footnoteReference", "endnoteReference", "customXml", "fldSimple", "txbxContent",
)  # fmt: skip
W_VALUES = ("", "-1", "0", "1", "999999999", "superscript", "subscript", "Heading1", "Title",
            "ListNumber", "true", "false", "x", "９", "\u00a0")  # fmt: skip


@cache
def docx_packages(shared: Path | None) -> tuple[dict[str, bytes], ...]:
    """Return Word packages, member by member: a sampler of features and pages of real text."""
    sampler = unzip(with_notes(saved(sampler_document())))
    texts = [page.splitlines()[:40] for page in pages(shared)]
    return (sampler, *(unzip(with_notes(saved(page_document(lines)))) for lines in texts))


def sampler_document() -> Any:
    import docx

    document = docx.Document()
    document.core_properties.title = "Exosome Therapy"
    document.add_heading("Exosome Therapy", 0)
    document.add_heading("Benefits", 1)
    claim = document.add_paragraph("Exosomes repair damaged tissues")
    claim.add_run("2-4").font.superscript = True
    claim.add_run(". One vial covers 5 m")
    claim.add_run("2").font.superscript = True
    claim.add_run(" of skin (Shin et al., 2021).")
    noted = document.add_paragraph("Results appear within four weeks.")
    note_reference(noted, "footnote", "1")
    note_reference(noted, "endnote", "1")
    document.add_paragraph("Reduces inflammation", style="List Bullet")
    document.add_paragraph("Speeds healing [1]", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(
        table.rows, [("Component", "Amount"), ("Cytokines", "Rich")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = cells
    document.add_heading("References", 1)
    document.add_paragraph("Smith A. Exosomes in repair. J Regen Med. 2020.", style="List Number")
    document.add_paragraph(
        "Shin J. Vials and skin. Skin Res. 2021. doi:10.1/x", style="List Number"
    )
    return document


def page_document(lines: list[str]) -> Any:
    import docx

    document = docx.Document()
    for line in lines:
        text = "".join(ch for ch in line.strip() if ch.isprintable())
        if text and len(text) < 60 and not text.endswith("."):
            document.add_heading(text, 2)
        elif text:
            document.add_paragraph(text)
    return document


def note_reference(paragraph: Any, kind: str, note_id: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    run = paragraph.add_run()
    run.font.superscript = True
    run._r.append(parse_xml(f'<w:{kind}Reference {nsdecls("w")} w:id="{note_id}"/>'))


def saved(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def rezip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


def with_notes(data: bytes) -> bytes:
    """Add footnotes and endnotes parts, which python-docx cannot write."""
    members = unzip(data)
    for kind in ("footnote", "endnote"):
        separator = f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'  # noqa: E501
        body = (
            f'<w:{kind} w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> Measured in 40 adults [2].'
            f"</w:t></w:r></w:p></w:{kind}>"
        )
        members[f"word/{kind}s.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:{kind}s xmlns:w="{W_NS}">{separator}{body}</w:{kind}s>'
        ).encode()
        relation = (
            f'<Relationship Id="rId{kind}" Type="{NOTE_RELTYPE.format(kind=kind)}" '
            f'Target="{kind}s.xml"/></Relationships>'
        )
        rels = "word/_rels/document.xml.rels"
        members[rels] = members[rels].replace(b"</Relationships>", relation.encode())
        override = (
            f'<Override PartName="/word/{kind}s.xml" '
            f'ContentType="{NOTE_TYPE.format(kind=kind)}"/></Types>'
        )
        types = "[Content_Types].xml"
        members[types] = members[types].replace(b"</Types>", override.encode())
    return rezip(members)


def make_docx(rng: random.Random, shared: Path | None) -> bytes:
    members = dict(rng.choice(docx_packages(shared)))
    roll = rng.random()
    if roll < 0.5:
        name = rng.choice([p for p in PARTS if p in members])
        text = members[name].decode("utf-8", "replace")
        members[name] = mutate(rng, text, XML, ()).encode("utf-8", "surrogatepass")
        return rezip(members)
    if roll < 0.85:
        name = rng.choice(("word/document.xml",) * 3 + ("word/footnotes.xml", "word/styles.xml"))
        members[name] = shuffle_elements(rng, members[name])
        return rezip(members)
    if roll < 0.98:
        return mutate_bytes(rng, rezip(members))
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))


def shuffle_elements(rng: random.Random, xml: bytes) -> bytes:
    """Edit a well-formed part element by element; the result stays well-formed."""
    from lxml import etree

    root = etree.fromstring(xml)
    for _ in range(rng.randint(1, 8)):
        elements = list(root.iter())[1:]
        if not elements:
            break
        edit_element(rng, root, rng.choice(elements))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def edit_element(rng: random.Random, root: Any, element: Any) -> None:
    from lxml import etree

    parent = element.getparent()
    roll = rng.random()
    if roll < 0.2:
        parent.remove(element)
    elif roll < 0.4:
        element.addnext(copy.deepcopy(element))
    elif roll < 0.55:
        target = rng.choice(list(root.iter()))
        if element not in list(target.iterancestors()) and target is not element:
            target.insert(rng.randint(0, len(target)), element)
    elif roll < 0.75:
        element.set(f"{{{W_NS}}}{rng.choice(('val', 'id', 'type'))}", rng.choice(W_VALUES))
    elif roll < 0.9:
        element.tag = f"{{{W_NS}}}{rng.choice(W_TAGS)}"
    else:
        new = etree.SubElement(element, f"{{{W_NS}}}{rng.choice(W_TAGS)}")
        new.text = rng.choice(("[1]", "2-4", "", " ", "Claim text.", "\t"))


# ---------------------------------------------------------------------------------------------
# Runners: parse one input and check what came out. Anything raised but Broken is a crash.


class Broken(AssertionError):
    """A parser's output breaks a property: a problem off the file, a span off the text."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise Broken(message)


def last_line(text: str) -> int:
    """Return the highest line a problem in text may name: its last line, however counted."""
    return max(text.count("\n"), len(text.splitlines()), 0) + 1


def check_problems(problems: Iterable[Problem], shown: str, highest: int) -> None:
    for problem in problems:
        require(problem.path == shown, f"problem names {problem.path!r}, not {shown!r}")
        require(1 <= problem.line <= highest, f"line {problem.line} outside 1-{highest}: {problem}")
        require(problem.col >= 1, f"column {problem.col}: {problem}")
        require(bool(problem.message.strip()), f"empty message: {problem}")
        require("Traceback" not in problem.message, f"traceback in message: {problem}")


def run_bibtex(data: bytes, workdir: Path) -> None:
    """Load data as references.bib; every problem and entry must sit on a line of the file."""
    path = workdir / "references.bib"
    path.write_bytes(data)
    bibliography = load_bibliography(path, "references.bib")
    highest = last_line(data.decode("utf-8", "replace"))
    check_problems(bibliography.problems, "references.bib", highest)
    for source in bibliography.sources.values():
        require(1 <= source.line <= highest, f"entry {source.key!r} on line {source.line}")


def run_register(data: bytes, workdir: Path) -> None:
    """Load data as a register; every problem and claim must sit on a line of the file."""
    folder = workdir / "claims"
    folder.mkdir(exist_ok=True)
    path = folder / "page.yaml"
    path.write_bytes(data)
    register = load_register(path, "claims/page.yaml")
    highest = last_line(data.decode("utf-8", "replace"))
    check_problems(register.problems, "claims/page.yaml", highest)
    for claim in register.claims:
        require(1 <= claim.register_line <= highest, f"claim {claim.id} on {claim.register_line}")


def run_markers(data: bytes, workdir: Path) -> None:
    """Find the markers of data as text: in order, apart, each the text it spans."""
    text = data.decode("utf-8", "replace")
    end = 0
    for marker in find_markers(text):
        require(text[marker.start : marker.end] == marker.text, f"{marker} misplaced")
        require(marker.start >= end, f"{marker} overlaps the marker before it")
        require(all(n > 0 for n in marker.numbers), f"{marker} names a number below 1")
        require(bool(marker.numbers or marker.keys or marker.authors or marker.identifier
                     or marker.label), f"{marker} names nothing")  # fmt: skip
        end = marker.end


@cache
def known_sources() -> dict[str, Source]:
    """Return the bundled bibliography, so that references and keys can resolve."""
    return load_bibliography(REPO / "references.bib").sources


def run_reader(data: bytes, workdir: Path, suffix: str) -> None:
    """Extract data as a page; a ReaderError must name the page, all else must index it."""
    path = workdir / f"page{suffix}"
    path.write_bytes(data)
    try:
        extraction = extract(path, known_sources())
    except ReaderError as error:
        require(str(error).startswith(f"{path}: ") and len(str(error)) > len(str(path)) + 8,
                f"unclear ReaderError: {error}")  # fmt: skip
        return
    check_extraction(extraction, str(path))


def check_extraction(extraction: Extraction, shown: str) -> None:
    doc = extraction.text
    for block in doc.blocks:
        require(0 <= block.start <= block.end <= len(doc.text), f"{block} off the text")
        require(block.line is None or block.line >= 1, f"{block} on line {block.line}")
    highest = last_line(doc.text) if not doc.rendered else sys.maxsize
    for claim in extraction.claims:
        span = claim.span
        require(doc.text[span.start : span.end] == claim.text, f"claim {claim.id} misplaced")
        require(1 <= span.line <= highest, f"claim {claim.id} on line {span.line}")
    check_problems(extraction.problems, shown, highest)
    for reference in extraction.references:
        entry = reference.entry
        require(0 <= entry.start <= entry.end <= len(doc.text), f"reference {entry} off the text")


@dataclass(frozen=True)
class Target:
    """A parser to fuzz: how its inputs are made and how one is run and checked."""

    name: str
    make: Callable[[random.Random, Path | None], bytes]
    run: Callable[[bytes, Path], None]


def reader(suffix: str) -> Callable[[bytes, Path], None]:
    return lambda data, workdir: run_reader(data, workdir, suffix)


# Slowest first, so that two processes finish together.
TARGETS = {
    target.name: target
    for target in (
        Target("register", make_register, run_register),
        Target("docx", make_docx, reader(".docx")),
        Target("html", make_html, reader(".html")),
        Target("plain", make_plain, reader(".txt")),
        Target("markdown", make_markdown, reader(".md")),
        Target("bibtex", make_bibtex, run_bibtex),
        Target("markers", make_markers, run_markers),
    )
}


def make_input(target: Target, seed: int, index: int, shared: Path | None) -> bytes:
    """Return input `index` of a target: the same bytes for the same seed, every time."""
    return target.make(random.Random(f"{seed}/{target.name}/{index}"), shared)[:MAX_INPUT]


# ---------------------------------------------------------------------------------------------
# One worker process per target: runs a range of inputs, reports in batches


@dataclass(frozen=True)
class Options:
    seed: int
    inputs: int
    shared: Path | None
    max_time: float
    max_memory: int
    trace_every: int
    hang: float
    limit: int
    keep: int


@dataclass(frozen=True)
class Failure:
    index: int
    kind: str  # crash, broken, slow, heavy, hang, died
    summary: str


@dataclass
class Batch:
    """What a worker ran since its last report: inputs first..last (skipped ones left out)."""

    target: str
    first: int
    last: int = -1
    times: list[float] = field(default_factory=list)
    traced_peak: int = 0
    rss_growth: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    seconds: float
    error: BaseException | None
    traced_peak: int = 0


def run_one(target: Target, data: bytes, workdir: Path) -> Outcome:
    """Run one input, timed."""
    error: BaseException | None = None
    start = time.perf_counter()
    try:
        target.run(data, workdir)
    except Exception as caught:  # MemoryError and RecursionError included: both are bugs here
        error = caught
    return Outcome(time.perf_counter() - start, error)


def traced_peak(target: Target, data: bytes, workdir: Path) -> int:
    """Run one input again with its allocations traced; return their peak in bytes.

    Tracing makes a run several times slower, so it is a second run, not the timed one.
    """
    tracemalloc.start()
    with contextlib.suppress(Exception):
        target.run(data, workdir)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def work(name: str, start: int, skip: frozenset[int], options: Options, reports: Any,
         progress: Any) -> None:  # fmt: skip
    """Run inputs start.. of one target, putting a Batch on `reports` every second or so."""
    if options.limit:
        resource.setrlimit(resource.RLIMIT_AS, (options.limit, options.limit))
    target = TARGETS[name]
    workdir = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-", dir=scratch_folder()))
    # Read the material and warm the caches before the first timed input.
    run_one(target, make_input(target, options.seed, options.inputs, options.shared), workdir)
    baseline = peak_rss()
    batch, sent = Batch(name, start), time.monotonic()
    saved: Counter[str] = Counter()
    for index in range(start, options.inputs):
        if index in skip:
            continue
        data = make_input(target, options.seed, index, options.shared)
        progress[0], progress[1] = index, time.monotonic()
        rss_before = peak_rss()
        outcome = run_one(target, data, workdir)
        if outcome.seconds > allowed_time(len(data), options):
            # Timed again: a pause of the machine (another process, a collection) is no bug.
            again = run_one(target, data, workdir).seconds
            outcome = replace(outcome, seconds=min(outcome.seconds, again))
        if index % options.trace_every == 0:
            outcome = replace(outcome, traced_peak=traced_peak(target, data, workdir))
        rss_after = peak_rss()
        batch.last = index
        batch.times.append(outcome.seconds)
        batch.traced_peak = max(batch.traced_peak, outcome.traced_peak)
        batch.rss_growth = max(batch.rss_growth, rss_after - baseline)
        heavy = rss_after > rss_before and rss_after - baseline > options.max_memory
        for failure in judge(index, len(data), outcome, heavy, options):
            saved[failure.kind] += 1
            if saved[failure.kind] <= options.keep:  # one bug can fail thousands of inputs
                save_failure(name, index, data, failure, outcome.error)
            batch.failures.append(failure)
        if time.monotonic() - sent > 1.0:
            reports.put(batch)
            batch, sent = Batch(name, index + 1), time.monotonic()
    progress[1] = 0.0
    reports.put(batch)
    reports.put(("done", name))


def judge(index: int, size: int, outcome: Outcome, heavy: bool, options: Options) -> list[Failure]:
    """Return the ways one input failed: an exception, too slow, too much memory."""
    failures = []
    if outcome.error is not None:
        kind = "broken" if isinstance(outcome.error, Broken) else "crash"
        summary = f"{type(outcome.error).__name__}: {outcome.error}".splitlines()[0][:200]
        failures.append(Failure(index, kind, summary))
    if outcome.seconds > allowed_time(size, options):
        failures.append(Failure(index, "slow", f"{outcome.seconds:.2f} s for {size} bytes"))
    if outcome.traced_peak > options.max_memory:
        failures.append(Failure(index, "heavy", f"{outcome.traced_peak / MB:.0f} MB traced"))
    elif heavy:
        failures.append(Failure(index, "heavy", "peak RSS grew past the bound"))
    return failures


def allowed_time(size: int, options: Options) -> float:
    return options.max_time * max(1.0, size / TIMED_SIZE)


def scratch_folder() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() else None


def save_failure(
    name: str, index: int, data: bytes, failure: Failure, error: BaseException | None
) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = FAILURES / f"{name}-{index}"
    stem.with_suffix(".bin").write_bytes(data)
    detail = "".join(traceback.format_exception(error)) if error is not None else ""
    with stem.with_suffix(".txt").open("a", encoding="utf-8") as report:
        report.write(f"{failure.kind}: {failure.summary}\n{detail}")


# ---------------------------------------------------------------------------------------------
# The supervisor: runs targets in --jobs processes, kills hung inputs, prints the figures


@dataclass
class Tally:
    """Everything reported for one target so far."""

    name: str
    next_index: int = 0
    times: list[float] = field(default_factory=list)
    traced_peak: int = 0
    rss_growth: int = 0
    failures: list[Failure] = field(default_factory=list)
    skip: set[int] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)
    wall: float = 0.0

    def add(self, batch: Batch) -> None:
        self.times += batch.times
        self.traced_peak = max(self.traced_peak, batch.traced_peak)
        self.rss_growth = max(self.rss_growth, batch.rss_growth)
        self.failures += batch.failures
        if batch.last >= 0:
            self.next_index = batch.last + 1

    def kinds(self) -> str:
        counts = Counter(failure.kind for failure in self.failures)
        listed = ", ".join(f"{n} {kind}" for kind, n in counts.most_common())
        return f": {listed}" if listed else ""

    def line(self) -> str:
        times = sorted(self.times)
        p99 = times[min(int(len(times) * 0.99), len(times) - 1)] if times else 0.0
        verdict = "FAIL" if self.failures else "PASS"
        wall = self.wall or time.monotonic() - self.started  # a running target: so far
        rate = len(times) / wall if wall else 0.0
        return (
            f"{self.name:<9} inputs {len(times):>6}  failures {len(self.failures):>3}  "
            f"max {max(times, default=0) * 1000:8.1f} ms  p99 {p99 * 1000:6.1f} ms  "
            f"max mem {self.traced_peak / MB:6.1f} MB  rss +{self.rss_growth / MB:5.0f} MB  "
            f"{rate:6.0f}/s  {wall:6.0f} s  {verdict}{'' if self.wall else ' (running)'}"
            f"{self.kinds()}"
        )


@dataclass
class Running:
    tally: Tally
    process: Any
    progress: Any
    done: bool = False


class Supervisor:
    """Start a worker per target, at most `jobs` at once; restart one past a hung input."""

    def __init__(
        self, names: list[str], options: Options, jobs: int, snapshot: Path | None = None
    ) -> None:
        self.context = mp.get_context("fork")
        self.snapshot = snapshot
        self.reports: Any = self.context.Queue()
        self.waiting, self.options, self.jobs = list(names), options, jobs
        self.running: dict[str, Running] = {}
        self.tallies: dict[str, Tally] = {}
        self.last_status = time.monotonic()

    def run(self) -> list[Tally]:
        while self.waiting or self.running:
            while self.waiting and len(self.running) < self.jobs:
                name = self.waiting.pop(0)
                self.start(Tally(name))
            self.receive()
            self.watch()
            self.status()
        return list(self.tallies.values())

    def start(self, tally: Tally) -> None:
        self.tallies[tally.name] = tally
        progress = self.context.Array("d", [-1.0, 0.0], lock=False)
        args = (tally.name, tally.next_index, frozenset(tally.skip), self.options, self.reports,
                progress)  # fmt: skip
        process = self.context.Process(target=work, args=args, daemon=True)
        process.start()
        self.running[tally.name] = Running(tally, process, progress)

    def receive(self, timeout: float = 0.5) -> None:
        try:
            report = self.reports.get(timeout=timeout)
        except queue.Empty:
            return
        if isinstance(report, Batch):
            self.tallies[report.target].add(report)
        else:
            self.running[report[1]].done = True

    def watch(self) -> None:
        for name, run in list(self.running.items()):
            if run.done:
                run.process.join()
                run.tally.wall = time.monotonic() - run.tally.started
                del self.running[name]
                print(f"done: {run.tally.line()}", file=sys.stderr, flush=True)
            elif not run.process.is_alive():
                self.drain()
                if not run.done:
                    self.restart(run, "died", f"worker exit status {run.process.exitcode}")
            elif run.progress[1] and time.monotonic() - run.progress[1] > self.options.hang:
                run.process.kill()
                run.process.join()
                self.restart(run, "hang", f"still running after {self.options.hang:.0f} s")

    def drain(self) -> None:
        try:
            while True:
                self.receive(timeout=0.2)
                if self.reports.empty():
                    return
        except (OSError, ValueError):
            return

    def restart(self, run: Running, kind: str, summary: str) -> None:
        """Record the input a worker stopped on as failed and go on from the one after it."""
        index = int(run.progress[0])
        target, tally = TARGETS[run.tally.name], run.tally
        failure = Failure(index, kind, summary)
        save_failure(tally.name, index, make_input(target, self.options.seed, index,
                                                   self.options.shared), failure, None)  # fmt: skip
        tally.failures.append(failure)
        tally.times.append(self.options.hang if kind == "hang" else 0.0)
        tally.skip.add(index)
        del self.running[tally.name]
        print(f"{tally.name}: input {index} {kind} ({summary}); going on", file=sys.stderr)
        self.start(tally)

    def status(self) -> None:
        if time.monotonic() - self.last_status < 60:
            return
        self.last_status = time.monotonic()
        done = ", ".join(f"{n} {len(t.times)}" for n, t in self.tallies.items())
        print(f"[{time.strftime('%H:%M:%S')}] inputs run: {done}", file=sys.stderr, flush=True)
        if self.snapshot is not None:  # the figures so far survive a run that is killed
            lines = [tally.line() for tally in self.tallies.values()]
            self.snapshot.write_text(f"{time.strftime('%H:%M:%S')}\n" + "\n".join(lines) + "\n")


def replay(path: Path, shared: Path | None) -> int:
    """Run one saved input again and say what happens."""
    name = path.name.rsplit("-", 1)[0]
    if name not in TARGETS:
        print(f"Error: {path.name} names no target - use <target>-<n>.bin", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-replay-"))
    data = path.read_bytes()
    outcome = run_one(TARGETS[name], data, workdir)
    if outcome.error is not None:
        traceback.print_exception(outcome.error)
    peak = traced_peak(TARGETS[name], data, workdir) / MB
    verdict = "failed" if outcome.error else "ok"
    print(f"{name}: {verdict} in {outcome.seconds:.3f} s, {peak:.1f} MB traced")
    return 1 if outcome.error else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--only", action="append", choices=sorted(TARGETS), help="repeatable")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="targets run at once")
    parser.add_argument("--shared", type=Path, default=SHARED, help="folder of shared material")
    parser.add_argument("--max-time", type=float, default=1.0, help="seconds per 64 KB input")
    parser.add_argument("--max-memory", type=int, default=200, help="MB per input")
    parser.add_argument("--trace-every", type=int, default=20, help="trace memory of every Nth")
    parser.add_argument("--hang", type=float, default=60.0, help="kill an input after seconds")
    parser.add_argument("--limit", type=int, default=4096, help="address space per worker, MB")
    parser.add_argument("--keep", type=int, default=25, help="inputs saved per kind of failure")
    parser.add_argument("--replay", type=Path, help="run one saved input again")
    parser.add_argument("--snapshot", type=Path, help="rewrite the figures here every minute")
    args = parser.parse_args()
    shared = args.shared if args.shared.is_dir() else None
    if args.replay:
        return replay(args.replay, shared)
    options = Options(args.seed, args.inputs, shared, args.max_time, args.max_memory * MB,
                      max(args.trace_every, 1), args.hang, args.limit * MB, args.keep)  # fmt: skip
    names = list(dict.fromkeys(args.only or TARGETS))  # in the order --only gives them
    started = time.monotonic()
    tallies = Supervisor(names, options, max(args.jobs, 1), args.snapshot).run()
    for tally in sorted(tallies, key=lambda t: names.index(t.name)):
        print(tally.line())
    failed = sum(len(t.failures) for t in tallies)
    print(f"seed {args.seed}, {time.monotonic() - started:.0f} s, {failed} failures", end="")
    print(f" (inputs in {FAILURES.relative_to(REPO)}/)" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
