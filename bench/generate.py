"""Generate a realistic claims project of any size, for benchmarks.

    python bench/generate.py OUT --documents N [--seed 0] [--bib-entries 20000]
                             [--register-claims 0]

A project is what the tracker reads: pyproject.toml with a [tool.tracker] table,
references.bib (the first entries of the ACL Anthology bibliography in ../shared/bench, copied
as written), content/ with N pages in subfolders, and claims/. Pages recombine real sentences
(the two seed pages and the citation contexts of ../shared/eval) under a title and a few
headings; about a third of the sentences carry numeric or footnote markers, and each page ends
with a numbered reference list in one of a few styles. Most references are bibliography
entries; about 5% are made-up works that resolve to nothing and about 2% of markers name a
number past the end of the list. A page depends only on the seed and its index, so
`change_document` can edit one page in place, reproducibly, to time incremental runs.
With --register-claims K, content/library.md holds K distinct claims and claims/library.yaml
is the register `tracker extract --write` writes for it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import textwrap
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, pairwise
from pathlib import Path

import nupunkt

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
BIBLIOGRAPHY = SHARED / "bench" / "acl-anthology-1965-2019.bib.gz"
SEEDS = SHARED / "seeds"
CONTEXTS = SHARED / "eval" / "datasets" / "citation-integrity" / "contexts_dev.jsonl"

SETTINGS = """[tool.tracker]
bibliography = "references.bib"
claims = "claims"
content = "content"
reports = "reports"
"""
PAGES_PER_SECTION = 100
SENTENCES_PER_PAGE = (20, 45)
HEADINGS_PER_PAGE = (2, 4)
PARAGRAPH_SIZES = (1, 1, 2, 2, 2, 3, 3, 4)
MARKED_SHARE = 0.33
REUSE_SHARE = 0.45  # a marker names a work the page cited before
RANGE_SHARE = 0.06
PAIR_SHARE = 0.2
# Pages favour short sentences, as the seed pages do: one of n characters is kept with
# probability min(1, (SHORT / n) ** 2), which brings the mean from 162 to about 122.
SHORT = 90
MADE_UP_SHARE = 0.05
MISSING_SHARE = 0.02
MARKDOWN_SHARE = 0.2
DOI_SHARE = 0.6  # of the references whose entry has a DOI
WRAP_WIDTH = 76
LIBRARY = "library.md"

# Our own generic headings, mixed with the seed pages' headings.
HEADINGS = (
    "Background",
    "How It Works",
    "What the Research Says",
    "Safety and Side Effects",
    "Who May Benefit",
    "Key Findings",
    "Limitations of the Evidence",
    "Treatment Options",
    "Mechanism of Action",
    "Clinical Evidence",
    "What to Expect",
    "Our Approach",
    "Frequently Asked Questions",
    "Summary",
)
# Invented venues for made-up references: they name no real journal.
MADE_UP_VENUES = (
    "Journal of Aesthetic Regeneration",
    "Clinical Secretome Reports",
    "International Review of Cell-Free Therapies",
    "Regenerative Skin Science",
    "Annals of Integrative Wellness Medicine",
    "Frontiers in Longevity Practice",
)
INITIALS = "ABCDEFGHJKLMNPRSTW"

CITATION_TAG = re.compile(r"</?CITATION_MARKER>")
NUMERIC_MARKER = re.compile(r"\s*\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]")
SPACES = re.compile(r"\s+")
SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")
FIGURES = re.compile(r"\b(?:Figs?\b|Figure|Table|Supplementary)")
LEADING_MARKERS = re.compile(r"(?:\[\^?[\d,\s–-]+\]\s*)+")
TRAILING_MARKERS = re.compile(r"(?:\s*\[\^?[\d,\s–-]+\])+")
ENTRY = re.compile(r"^@(?!comment\b|string\b|preamble\b)(\w+)\s*\{\s*([^,\s]+)\s*,", re.M | re.I)
BLOCK = re.compile(r"^@", re.M)
BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
FIELD = re.compile(rf'(\w+)\s*=\s*(?:"((?:[^"{{}}]|{BRACED})*)"|({BRACED})|(\w+))', re.S)
# LaTeX accents and letters of the ACL file, as combining marks and Unicode letters.
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
ACCENT = re.compile(r"\\([`'^\"~=.]|[uvHckr](?![a-zA-Z]))\s*(?:\{\\?([A-Za-z])\}|\\?([A-Za-z]))")
LETTERS = {
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "ae": "æ", "AE": "Æ", "ss": "ß",
    "aa": "å", "AA": "Å", "oe": "œ", "OE": "Œ",
}  # fmt: skip
LETTER = re.compile(r"\\(ae|AE|ss|aa|AA|oe|OE|[oOlLi])(?![a-zA-Z])\s?|\\([&%$#_])")
HEADING_END = re.compile(r"[.,;:\"”’]$|^Source")
ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]*[A-Z])(?:[-' ]?\d+)?\)")
AUTHOR = re.compile(r"^\s*author\s*=", re.M | re.I)
STRAY_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?])|[,;:]+(?=[.!?]$)")
REFERENCE_NUMBER = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)\.|\[\^(\d+)\]:)\s", re.M)


@dataclass(frozen=True)
class Work:
    """What a reference list says about one work, as its BibTeX entry writes it."""

    key: str
    title: str
    authors: tuple[str, ...]
    year: str
    venue: str
    doi: str | None = None
    proceedings: bool = False


@dataclass(frozen=True)
class Pool:
    """The real text pages are made of: sentences, headings and titles."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]
    titles: tuple[str, ...]
    keep: tuple[float, ...]  # the chance a page keeps each sentence when it is drawn


@dataclass(frozen=True)
class Cite:
    """The reference numbers one marker names."""

    numbers: tuple[int, ...]
    is_range: bool = False


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph or a bullet list of a page's body."""

    kind: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """How one page is written: format, markers and reference style."""

    suffix: str
    footnotes: bool
    front_matter: bool
    wrap: bool
    bracket_numbers: bool
    style: Callable[[Work, random.Random], str]
    references_heading: str


@dataclass(frozen=True)
class Page:
    """One generated page: its text and what it holds."""

    suffix: str
    text: str
    counts: Counter[str]


# ---------------------------------------------------------------------------------------------
# Material: the bibliography and the sentence pool


@dataclass(frozen=True)
class Bibliography:
    """The copied BibTeX text and where each of its entries lies in it."""

    text: str
    spans: tuple[tuple[int, int], ...]
    cited: tuple[int, ...]  # entries a page may cite: those that name an author
    parsed: dict[int, Work] = field(default_factory=dict, compare=False, repr=False)

    def work(self, index: int) -> Work:
        """Return entry `index` as a work, reading its fields the first time it is asked for."""
        if index not in self.parsed:
            self.parsed[index] = parse_work(self.text, *self.spans[index])
        return self.parsed[index]


@cache
def read_bibliography(count: int) -> Bibliography:
    """Return the text of the first `count` entries of the ACL file and where each lies."""
    with gzip.open(BIBLIOGRAPHY, "rt", encoding="utf-8") as handle:
        text = handle.read()
    entries = list(islice(ENTRY.finditer(text), count))
    following = BLOCK.search(text, entries[-1].end()) if entries else None
    end = following.start() if following else len(text)
    text = text[:end].rstrip() + "\n"
    bounds = [m.start() for m in entries] + [len(text)]
    spans = tuple(pairwise(bounds))
    cited = tuple(i for i, (start, stop) in enumerate(spans) if AUTHOR.search(text, start, stop))
    return Bibliography(text, spans, cited)


def parse_work(text: str, start: int, end: int) -> Work:
    """Read the fields a reference needs from one entry's text."""
    fields = {}
    for match in FIELD.finditer(text, start, end):
        value = next(v for v in match.groups()[1:] if v is not None)
        if match.group(3) is not None:
            value = value[1:-1]
        fields[match.group(1).lower()] = SPACES.sub(" ", value).strip()
    authors = fields.get("author", "")
    key = ENTRY.match(text, start)
    return Work(
        key=key[2] if key else "",
        title=fields.get("title", ""),
        authors=tuple(re.split(r"\s+and\s+", authors)) if authors else (),
        year=fields.get("year", ""),
        venue=fields.get("journal") or fields.get("booktitle", ""),
        doi=fields.get("doi"),
        proceedings="booktitle" in fields,
    )


@cache
def load_pool() -> Pool:
    """Collect the usable real sentences, headings and titles, in a fixed order."""
    candidates = [*seed_sentences(), *context_sentences()]
    sentences = dict.fromkeys(s for s in map(clean_sentence, candidates) if usable(s))
    seed_headings = [h for path in seed_paths() for h in headings_of(path)]
    titles = [path.read_text(encoding="utf-8").splitlines()[0].strip() for path in seed_paths()]
    titles += [h for h in seed_headings if len(h.split()) >= 4]
    return Pool(
        tuple(sentences),
        tuple(dict.fromkeys([*seed_headings, *HEADINGS])),
        tuple(dict.fromkeys(titles)),
        tuple(min(1.0, (SHORT / len(s)) ** 2) for s in sentences),
    )


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def seed_sentences() -> Iterable[str]:
    """Split every line of the seed pages into sentences."""
    for path in seed_paths():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lstrip("•").strip()
            yield from (line[s:e] for s, e in nupunkt.sent_spans(line))


def context_sentences() -> Iterable[str]:
    """Yield the sentences of the citation contexts, as written."""
    with CONTEXTS.open(encoding="utf-8") as handle:
        for line in handle:
            yield from json.loads(line)["sentences"]


def headings_of(path: Path) -> Iterable[str]:
    """Yield the lines of a seed page that stand alone and read like headings."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    for i in range(2, len(lines) - 1):
        line = lines[i]
        alone = not lines[i - 1] and not lines[i + 1]
        words = len(line.split())
        if alone and 2 <= words <= 12 and line[0].isupper() and not HEADING_END.search(line):
            yield line


def clean_sentence(sentence: str) -> str:
    """Drop a sentence's citation tags and numeric markers; tidy its spaces."""
    text = NUMERIC_MARKER.sub("", CITATION_TAG.sub("", sentence))
    return STRAY_PUNCTUATION.sub("", SPACES.sub(" ", text).strip())


def usable(sentence: str) -> bool:
    """Keep sentences of a page's length that cite nothing and split as one sentence."""
    from tracker.markers import find_markers

    if not 40 <= len(sentence) <= 400 or not sentence[0].isupper():
        return False
    if not SENTENCE_END.search(sentence) or FIGURES.search(sentence):
        return False
    return not find_markers(sentence) and is_one(sentence)


# ---------------------------------------------------------------------------------------------
# Markers and references


def assign_cites(rng: random.Random, sentences: int) -> tuple[list[Cite | None], int]:
    """Choose the markers of a page's sentences, numbering works in order of first citation."""
    cites: list[Cite | None] = []
    next_number = 1
    for _ in range(sentences):
        if rng.random() >= MARKED_SHARE:
            cites.append(None)
            continue
        cite, next_number = new_cite(rng, next_number)
        cites.append(cite)
    count = next_number - 1
    return [past_end(rng, cite, count) for cite in cites], count


def new_cite(rng: random.Random, next_number: int) -> tuple[Cite, int]:
    """Return one marker's numbers (a range, a pair or one work) and the next free number."""
    roll = rng.random()
    if roll < RANGE_SHARE:
        return Cite(tuple(range(next_number, next_number + 3)), True), next_number + 3
    numbers = set()
    for _ in range(2 if roll < RANGE_SHARE + PAIR_SHARE else 1):
        if next_number > 1 and rng.random() < REUSE_SHARE:
            numbers.add(rng.randrange(1, next_number))
        else:
            numbers.add(next_number)
            next_number += 1
    return Cite(tuple(sorted(numbers))), next_number


def past_end(rng: random.Random, cite: Cite | None, count: int) -> Cite | None:
    """Now and then make a marker name a reference the list does not have."""
    if cite is None or rng.random() >= MISSING_SHARE:
        return cite
    return Cite((count + rng.randint(1, 3),))


def marker_text(rng: random.Random, cite: Cite, footnotes: bool) -> str:
    if footnotes:
        return "".join(f"[^{n}]" for n in cite.numbers)
    if cite.is_range:
        return f"[{cite.numbers[0]}{rng.choice('-–')}{cite.numbers[-1]}]"
    return "[" + rng.choice((", ", ",")).join(map(str, cite.numbers)) + "]"


def attach(rng: random.Random, sentence: str, marker: str, footnotes: bool) -> str:
    """Put a marker before the sentence's full stop, after it, or glued to it."""
    roll = rng.random()
    if footnotes or roll < 0.1:
        return sentence + marker
    if sentence[-1] in ".!?" and roll < 0.55:
        return f"{sentence[:-1]} {marker}{sentence[-1]}"
    return f"{sentence} {marker}"


def reference_works(rng: random.Random, count: int, bib: Bibliography, pool: Pool) -> list[Work]:
    """Draw a page's works: distinct bibliography entries and a few made-up ones."""
    chosen = rng.sample(bib.cited, min(count, len(bib.cited)))
    chosen += [rng.choice(bib.cited) for _ in range(count - len(chosen))]
    return [
        made_up(rng, bib, pool) if rng.random() < MADE_UP_SHARE else bib.work(index)
        for index in chosen
    ]


def made_up(rng: random.Random, bib: Bibliography, pool: Pool) -> Work:
    """Invent a health-sounding work that no bibliography entry matches."""
    words = rng.choice(pool.sentences).split()[: rng.randint(6, 11)]
    title = " ".join(words).rstrip(",;:.")
    authors = tuple(invented_author(rng, bib) for _ in range(rng.randint(1, 4)))
    year = str(rng.randint(2008, 2023))
    return Work("", title, authors, year, rng.choice(MADE_UP_VENUES))


def invented_author(rng: random.Random, bib: Bibliography) -> str:
    """Borrow a real family name and give it a random initial."""
    family = split_name(bib.work(rng.choice(bib.cited)).authors[0])[0]
    return f"{family}, {rng.choice(INITIALS)}."


# ---------------------------------------------------------------------------------------------
# Reference styles


@cache
def readable(value: str) -> str:
    """Decode a field's LaTeX (accents, escaped &) as a web page would print it.

    The accents and letters of the ACL file are decoded here, a hundred times faster than
    through pybtex; anything else goes to the tracker's own decoder.
    """
    if "\\" not in value and "{" not in value:
        return value
    text = ACCENT.sub(accented, value)
    text = LETTER.sub(lambda m: LETTERS[m[1]] if m[1] else m[2], text)
    text = text.replace("{", "").replace("}", "").replace("``", "“").replace("''", "”")
    text = text.replace("---", "—").replace("--", "–")
    if "\\" not in text:
        return text
    from tracker.formatting import decode_latex

    return decode_latex(value)


def accented(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", (match[2] or match[3]) + ACCENTS[match[1]])


def split_name(name: str) -> tuple[str, str]:
    """Return (family, given) of a BibTeX name written either way round."""
    name = readable(name)
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    given, _, family = name.rpartition(" ")
    return family, given


def initials(given: str) -> str:
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part[:1].isalpha())


def stop(text: str) -> str:
    """End a part of a reference with a full stop unless it ends with punctuation already."""
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def vancouver_names(authors: tuple[str, ...]) -> str:
    names = [f"{f} {initials(g)}".strip() for f, g in map(split_name, authors)]
    if len(names) > 6:
        names = [*names[:3], "et al"]
    return stop(", ".join(names)) if names else ""


def apa_names(authors: tuple[str, ...]) -> str:
    names = [f"{f}, {'. '.join(initials(g))}." if g else f for f, g in map(split_name, authors)]
    if len(names) > 5:
        return f"{names[0]}, et al."
    return ", ".join(names[:-1]) + (", & " if len(names) > 1 else "") + names[-1]


def full_names(authors: tuple[str, ...]) -> str:
    names = [f"{g} {f}".strip() for f, g in map(split_name, authors)]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def with_doi(text: str, work: Work, rng: random.Random, prefix: str) -> str:
    if work.doi and rng.random() < DOI_SHARE:
        return f"{text} {prefix}{work.doi}"
    return text


def vancouver(work: Work, rng: random.Random) -> str:
    """Amble T, Hajic J. Title. Venue. 2000. doi:10..."""
    parts = (vancouver_names(work.authors), stop(readable(work.title)), stop(readable(work.venue)))
    return with_doi(" ".join(p for p in (*parts, f"{work.year}.") if p), work, rng, "doi:")


def apa(work: Work, rng: random.Random) -> str:
    """Amble, T., & Hajic, J. (2000). Title. Venue. https://doi.org/10..."""
    title, venue = stop(readable(work.title)), stop(readable(work.venue))
    if not work.authors:
        return with_doi(f"{title} ({work.year}). {venue}", work, rng, "https://doi.org/")
    text = f"{apa_names(work.authors)} ({work.year}). {title} {venue}"
    return with_doi(text, work, rng, "https://doi.org/")


def acl(work: Work, rng: random.Random) -> str:
    """Tore Amble and Jan Hajic. 2000. Title. In Venue."""
    venue = stop(("In " if work.proceedings else "") + readable(work.venue))
    who = stop(full_names(work.authors)) if work.authors else ""
    text = " ".join(p for p in (who, f"{work.year}.", stop(readable(work.title)), venue) if p)
    return with_doi(text, work, rng, "doi:")


def label(work: Work, rng: random.Random) -> str:
    """Title – Venue (2000), the short label clinic pages print."""
    venue = readable(work.venue)
    acronym = ACRONYM.search(venue)
    return f"{readable(work.title).rstrip('.')} – {acronym[1] if acronym else venue} ({work.year})"


STYLES = (vancouver, vancouver, vancouver, apa, apa, acl, label)


# ---------------------------------------------------------------------------------------------
# Pages


def build_page(index: int, seed: int, pool: Pool, bib: Bibliography) -> Page:
    """Make page `index` of the project for `seed`: the same page every time."""
    rng = random.Random(f"{seed}:{index}")
    layout = choose_layout(rng)
    sentences = pick_sentences(rng, pool, rng.randint(*SENTENCES_PER_PAGE))
    cites, count = assign_cites(rng, len(sentences))
    marked = [mark(rng, s, c, layout.footnotes) for s, c in zip(sentences, cites, strict=True)]
    references = reference_works(rng, count, bib, pool)
    lines = [layout.style(work, rng) for work in references]
    title = rng.choice(pool.titles)
    blocks = outline(rng, pool, marked)
    render = render_markdown if layout.suffix == ".md" else render_text
    counts = Counter(
        sentences=len(sentences),
        markers=sum(c is not None for c in cites),
        missing_markers=sum(c is not None and c.numbers[0] > count for c in cites),
        references=count,
        made_up_references=sum(not work.key for work in references),
    )
    return Page(layout.suffix, render(layout, title, blocks, lines), counts)


def pick_sentences(rng: random.Random, pool: Pool, count: int) -> list[str]:
    """Draw distinct sentences, shorter ones more often."""
    chosen: dict[int, None] = {}
    size = len(pool.sentences)
    while len(chosen) < min(count, size):
        index = rng.randrange(size)
        if rng.random() < pool.keep[index]:
            chosen[index] = None
    return [pool.sentences[index] for index in chosen]


def choose_layout(rng: random.Random) -> Layout:
    markdown = rng.random() < MARKDOWN_SHARE
    return Layout(
        suffix=".md" if markdown else ".txt",
        footnotes=markdown and rng.random() < 0.4,
        front_matter=markdown and rng.random() < 0.25,
        wrap=not markdown and rng.random() < 0.1,
        bracket_numbers=rng.random() < 0.3,
        style=rng.choice(STYLES),
        references_heading=rng.choice(("References", "References", "Sources", "References:")),
    )


def mark(rng: random.Random, sentence: str, cite: Cite | None, footnotes: bool) -> str:
    if cite is None:
        return sentence
    return attach(rng, sentence, marker_text(rng, cite, footnotes), footnotes)


def outline(rng: random.Random, pool: Pool, sentences: list[str]) -> list[Block]:
    """Group sentences into paragraphs, maybe one bullet list, under a few headings."""
    blocks: list[Block] = []
    start = 0
    while start < len(sentences):
        size = rng.choice(PARAGRAPH_SIZES)
        blocks.append(Block("paragraph", tuple(sentences[start : start + size])))
        start += size
    if len(blocks) > 3 and rng.random() < 0.25:
        where = rng.randrange(2, len(blocks))
        blocks[where] = Block("bullets", blocks[where].items)
    count = min(rng.randint(*HEADINGS_PER_PAGE), len(blocks) - 1)
    places = sorted(rng.sample(range(1, len(blocks)), count), reverse=True)
    for place, heading in zip(places, rng.sample(pool.headings, count), strict=True):
        blocks.insert(place, Block("heading", (heading,)))
    return blocks


def render_text(layout: Layout, title: str, blocks: list[Block], references: list[str]) -> str:
    """Write a plain-text page: one paragraph a line (or soft-wrapped), bullets with •."""
    parts = [title]
    for block in blocks:
        if block.kind == "bullets":
            parts.append("\n".join(f"  • {item}" for item in block.items))
        elif block.kind == "paragraph" and layout.wrap:
            parts.append(wrap(" ".join(block.items)))
        else:
            parts.append(" ".join(block.items))
    if references:
        numbered = [numbered_line(layout, i, text) for i, text in enumerate(references, 1)]
        numbered = [wrap(line) for line in numbered] if layout.wrap else numbered
        parts += [layout.references_heading, "\n".join(numbered)]
    return "\n\n".join(parts) + "\n"


def render_markdown(layout: Layout, title: str, blocks: list[Block], references: list[str]) -> str:
    """Write a Markdown page: # headings, - bullets, a numbered list or footnote definitions."""
    quoted = json.dumps(title, ensure_ascii=False)
    parts = [f"---\ntitle: {quoted}\n---" if layout.front_matter else f"# {title}"]
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"## {block.items[0]}")
        elif block.kind == "bullets":
            parts.append("\n".join(f"- {item}" for item in block.items))
        else:
            parts.append(" ".join(block.items))
    if references and layout.footnotes:
        parts.append("\n".join(f"[^{i}]: {text}" for i, text in enumerate(references, 1)))
    elif references:
        parts += ["## References", "\n".join(f"{i}. {t}" for i, t in enumerate(references, 1))]
    return "\n\n".join(parts) + "\n"


def numbered_line(layout: Layout, number: int, text: str) -> str:
    return f"[{number}] {text}" if layout.bracket_numbers else f"{number}. {text}"


def wrap(text: str) -> str:
    return textwrap.fill(text, WRAP_WIDTH, break_long_words=False, break_on_hyphens=False)


def page_path(out: Path, index: int, suffix: str) -> Path:
    section = f"section-{index // PAGES_PER_SECTION:02d}"
    return out / "content" / section / f"page-{index:05d}{suffix}"


# ---------------------------------------------------------------------------------------------
# Editing one page in place


def change_document(out: Path, index: int, seed: int) -> Path:
    """Edit page `index` as a writer would: replace or add a sentence, maybe cited."""
    path = next(page_path(out, index, "").parent.glob(f"page-{index:05d}.*"), None)
    if path is None:
        raise FileNotFoundError(f"{page_path(out, index, '.*')}: no such page")
    rng = random.Random(f"change:{seed}:{index}")
    text = path.read_text(encoding="utf-8")
    path.write_text(edit_page(rng, text, load_pool()), encoding="utf-8")
    return path


def edit_page(rng: random.Random, text: str, pool: Pool) -> str:
    """Replace one sentence of a body paragraph, or add one, and return the new text."""
    blocks = text.split("\n\n")
    end = references_start(blocks)
    paragraphs = [i for i in range(1, end) if is_paragraph(blocks[i])]
    if not paragraphs:
        return text.rstrip("\n") + "\n\n" + new_sentence(rng, pool, text) + "\n"
    where = rng.choice(paragraphs)
    blocks[where] = edit_paragraph(rng, blocks[where], new_sentence(rng, pool, text))
    return "\n\n".join(blocks)


def references_start(blocks: list[str]) -> int:
    for i, block in enumerate(blocks):
        first = block.strip().split("\n")[0]
        name = first.strip(" #*:").lower()
        if name in ("references", "sources") or first.startswith("[^"):
            return i
    return len(blocks)


def is_paragraph(block: str) -> bool:
    text = block.strip()
    if text.startswith(("#", "•", "- ", "---")) or len(text) < 60:
        return False
    return bool(re.search(r"[.!?\]]$", text))


def new_sentence(rng: random.Random, pool: Pool, text: str) -> str:
    """Pick a pool sentence the page lacks; cite one of its references a third of the time."""
    sentence = rng.choice(pool.sentences)
    while sentence in text:
        sentence = rng.choice(pool.sentences)
    numbers = [int(next(n for n in m.groups() if n)) for m in REFERENCE_NUMBER.finditer(text)]
    if not numbers or rng.random() >= MARKED_SHARE:
        return sentence
    footnotes = "[^" in text
    cite = Cite((rng.randint(1, max(numbers)),))
    return attach(rng, sentence, marker_text(rng, cite, footnotes), footnotes)


def edit_paragraph(rng: random.Random, block: str, sentence: str) -> str:
    wrapped = "\n" in block.strip()
    flat = SPACES.sub(" ", block).strip()
    spans = [(s, e) for s, e in nupunkt.sent_spans(flat) if e - s > 20]
    if spans and rng.random() < 0.6:
        start, end = with_markers(flat, *rng.choice(spans))
        flat = f"{flat[:start]}{sentence}{flat[end:]}".strip()
    else:
        flat = f"{flat} {sentence}"
    return wrap(flat) if wrapped else flat


def with_markers(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a sentence span over the markers that close it, leaving the previous one's."""
    leading = LEADING_MARKERS.match(text, start, end)
    trailing = TRAILING_MARKERS.match(text, end)
    return (leading.end() if leading else start), (trailing.end() if trailing else end)


# ---------------------------------------------------------------------------------------------
# The claims library and its register


def write_library(out: Path, count: int, seed: int, bib: Bibliography) -> int:
    """Write content/library.md with `count` claims and the register extraction gives it."""
    rng = random.Random(f"library:{seed}")
    claims = claim_sentences(rng, load_pool(), count)
    indexes = rng.sample(bib.cited, max(1, min(count // 4, len(bib.cited))))
    cited = [bib.work(i) for i in indexes]
    lines = ["# Claims library"]
    for i, claim in enumerate(claims):
        if i % 40 == 0:
            lines.append(f"## Part {i // 40 + 1}")
        lines.append(attach(rng, claim, f"[{i % len(cited) + 1}]", False))
    lines.append("## References")
    lines.append("\n".join(f"{i}. {vancouver(w, rng)}" for i, w in enumerate(cited, 1)))
    path = out / "content" / LIBRARY
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return register(out, path)


def claim_sentences(rng: random.Random, pool: Pool, count: int) -> list[str]:
    """Return `count` distinct claims: pool sentences first, then spliced pairs of them."""
    chosen = [s for s in pool.sentences if is_claim(s)]
    rng.shuffle(chosen)
    chosen = chosen[:count]
    seen = set(chosen)
    with_commas = [s for s in pool.sentences if ", " in s]
    for _ in range(50 * count):
        if len(chosen) >= count:
            break
        sentence = splice(rng, with_commas)
        if sentence and sentence not in seen and is_claim(sentence) and is_one(sentence):
            seen.add(sentence)
            chosen.append(sentence)
    if len(chosen) < count:
        raise ValueError(f"only {len(chosen)} distinct claims could be made, not {count}")
    return chosen


def splice(rng: random.Random, sentences: list[str]) -> str:
    """Join the opening clause of one sentence to the rest of another ("" when they don't fit)."""
    first, second = rng.sample(sentences, 2)
    head, tail = first.split(", ")[0], second.split(", ", 1)[1]
    balanced = head.count("(") == head.count(")") and tail.count("(") == tail.count(")")
    return f"{head}, {tail}" if balanced and len(head) > 20 and len(tail) > 30 else ""


def is_one(sentence: str) -> bool:
    return len(nupunkt.sent_spans(sentence)) == 1


def is_claim(sentence: str) -> bool:
    from tracker.detect import classify

    return classify(sentence, "paragraph").is_claim


def register(out: Path, document: Path) -> int:
    """Write the document's new register as `tracker extract --write` does; return its claims."""
    from tracker.bibliography import load_bibliography
    from tracker.extract import extract
    from tracker.register_read import load_register
    from tracker.register_write import render_new_register

    sources = load_bibliography(out / "references.bib", "references.bib").sources
    result = extract(document, sources, out)
    path = out / "claims" / f"{document.stem}.yaml"
    path.write_text(render_new_register(result.document, result.claims), encoding="utf-8")
    loaded = load_register(path, f"claims/{path.name}")
    if loaded.problems or len(loaded.claims) != len(result.claims):
        raise RuntimeError(f"{path}: the written register does not load back: {loaded.problems}")
    return len(result.claims)


# ---------------------------------------------------------------------------------------------
# The project


def generate_project(
    out: Path,
    documents: int,
    *,
    seed: int = 0,
    bib_entries: int = 20000,
    register_claims: int = 0,
) -> dict[str, int]:
    """Write a project of `documents` pages to `out` and return what it holds."""
    if bib_entries < 1:
        raise ValueError(f"--bib-entries must be at least 1, not {bib_entries}")
    bib = read_bibliography(bib_entries)
    if not bib.cited:
        raise ValueError(f"the first {bib_entries} entries name no author: ask for more entries")
    pool = load_pool()
    (out / "claims").mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (out / "references.bib").write_text(bib.text, encoding="utf-8")
    totals: Counter[str] = Counter()
    for index in range(documents):
        page = build_page(index, seed, pool, bib)
        data = page.text.encode("utf-8")
        path = page_path(out, index, page.suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        totals.update(page.counts)
        totals["bytes"] += len(data)
    (out / "content").mkdir(exist_ok=True)
    claims = write_library(out, register_claims, seed, bib) if register_claims else 0
    return {
        "documents": documents,
        "bytes": totals["bytes"],
        "sentences": totals["sentences"],
        "markers": totals["markers"],
        "missing_markers": totals["missing_markers"],
        "references": totals["references"],
        "made_up_references": totals["made_up_references"],
        "bib_entries": len(bib.spans),
        "register_claims": claims,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the project to")
    parser.add_argument("--documents", type=int, required=True, help="number of pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bib-entries", type=int, default=20000)
    parser.add_argument("--register-claims", type=int, default=0)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"Error: {args.out} is not empty - name a new folder or empty this one")
    started, cpu = time.perf_counter(), time.process_time()
    stats = generate_project(
        args.out,
        args.documents,
        seed=args.seed,
        bib_entries=args.bib_entries,
        register_claims=args.register_claims,
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for name, value in stats.items():
        print(f"{name:20} {value:>12,}")
    print(f"{'seconds':20} {seconds:>12.2f}")
    print(f"{'cpu_seconds':20} {cpu:>12.2f}")


if __name__ == "__main__":
    main()
