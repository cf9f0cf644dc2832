"""YAML shapes for the register loader: hostile, pathological and ordinary, at any size.

Each maker takes a size in bytes and returns register text of about that size, so that the
loader's time can be compared across sizes: `python bench/run.py --only registers` and the
complexity tests in tests/test_yamlio.py. The hostile shapes are those that once hung or
crashed a loader: mapping keys nested inside mapping keys (ruamel's round-trip constructor
hashed every level again: 16 levels, 97 bytes, took 274 s), explicit `?` keys nested the same
way (found by the property tests), and flow collections nested thousands deep (libyaml's
composer recursed until the process died).
"""

from __future__ import annotations

from collections.abc import Callable

HEAD = "document:\n  title: Zinc and colds\n  path: content/zinc.txt\nclaims:\n"


def claim(number: int) -> str:
    """Return one claim as `tracker extract --write` writes it."""
    return (
        f"  - id: zinc-{number:06x}\n"
        f"    text: Zinc lozenges shorten colds by about two days in adults. [{number % 9 + 1}]\n"
        f"    location: {{line: {number + 1}, start: {number * 60}, end: {number * 60 + 58}}}\n"
        "    kinds: [efficacy, quantitative]\n"
        "    citations:\n"
        f"      - {{key: hemila2017zinc, marker: '[{number % 9 + 1}]', ref: 1, score: 0.97}}\n"
    )


def repeat(unit: str, size: int, head: str = HEAD, tail: str = "") -> str:
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def nested(opening: str, middle: str, closing: str, size: int) -> str:
    """Return `opening` n times, `middle`, then `closing` n times, inside one claim item."""
    levels = max(1, (size - len(HEAD) - len(middle)) // (len(opening) + len(closing)))
    return HEAD + "  - " + opening * levels + middle + closing * levels + "\n"


def deep_block(size: int) -> str:
    """Return lists nested by indentation, each level one line deeper than the last."""
    lines, used, depth = [HEAD], len(HEAD), 1
    while used < size:
        line = "  " * depth + "- \n"
        lines.append(line)
        used += len(line)
        depth += 1
    return "".join(lines)


def laughs(size: int) -> str:
    """Return the "billion laughs": each level's anchor repeats the last level's nine times."""
    lines = ["document: {title: laughs, path: content/lol.txt}\n", "a0: &a0 [lol]\n"]
    level = 0
    while sum(map(len, lines)) < size:
        level += 1
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n")
    return "".join(lines)


SHAPES: dict[str, Callable[[int], str]] = {
    # What real registers look like.
    "register": lambda size: HEAD + "".join(claim(n) for n in range(max(1, size // 330))),
    "flow-style claims": lambda size: repeat(
        "  - {id: zinc-0001, text: 'Zinc shortens colds.', kinds: [efficacy], citations: []}\n",
        size,
    ),
    "long text": lambda size: repeat("word ", size, HEAD + "  - id: zinc-0001\n    text: '", "'\n"),
    "comments": lambda size: repeat("# reviewed by A. Reviewer\n", size),
    # Keys that are collections: refused before anything is built.
    "nested mapping keys": lambda size: nested("{", "x: 1", "}: 1", size),
    "nested list keys": lambda size: nested("[", "x", "]: 1", size),
    "nested explicit keys": lambda size: repeat("? ", size, HEAD + "  - ", "\n"),
    # Nesting: refused past 50 levels.
    "deep flow lists": lambda size: nested("[a, ", "b", "]", size),
    "deep flow mappings": lambda size: nested("{a: ", "b", "}", size),
    "deep brackets": lambda size: nested("[", "", "]", size),
    "deep block lists": deep_block,
    # Aliases, anchors, tags and merge keys: refused or read as text.
    "aliases": lambda size: repeat("  - *a\n", size, HEAD + "  - &a zinc\n"),
    "billion laughs": laughs,
    "anchors": lambda size: repeat("  - &zinc x\n", size),
    "merge keys": lambda size: repeat("  - <<: {id: zinc-0001}\n", size),
    "tags": lambda size: repeat("!!str a, ", size, HEAD + "  - [", "]\n"),
    # Long flat collections and broken syntax.
    "long flow list": lambda size: repeat("1, ", size, "claims: [", "]\n"),
    "wide mapping": lambda size: (
        "document: {" + ", ".join(f"k{n}: v" for n in range(max(1, size // 9))) + "}\n"
    ),
    "unclosed quote": lambda size: repeat("zinc\n", size, HEAD + "  - '"),
    "unclosed brackets": lambda size: repeat("[a ", size, HEAD + "  - "),
}
