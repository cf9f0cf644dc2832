"""Decode the LaTeX of BibTeX field values into Unicode, with pylatexenc.

BibTeX values carry accents (`M{\\"u}ller`), symbols (`5\\%`, `50\\,mg`), fonts
(`\\emph{in vitro}`), math (`H$_2$O`, `$\\beta$-catenin`) and braces that protect case
(`{COVID-19}`). Two outputs: plain text for labels, titles and matching, and Unicode text
that keeps the protecting braces, for pybtex's styles, which change the case of what is not
braced.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexGroupNode, LatexMathNode, LatexWalker

# textgreek's \textbeta and friends, common in biomedical titles ("IL-1\textbeta"), which
# pylatexenc does not know.
_TEXTGREEK = re.compile(r"\\text([a-z]+)\b\s?")
_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
# In math: a superscript or subscript of digits and signs, braced or a single character.
_RAISED = re.compile(r"\^\{([0-9+\-=()n]+)\}|\^([0-9+\-n])")
_LOWERED = re.compile(r"_\{([0-9+\-=()]+)\}|_([0-9])")
# Nothing to decode: no command, math, tie, dash or quote ligature, no brace.
_PLAIN = re.compile(r"[\\$~{}`']|--")
_SPACES = re.compile(r"\s+")
# An accent command whose backslash an export doubled (`Sch{\\\\"u}pbach`): in LaTeX a line
# break and a stray quote, but never what the author meant.
_DOUBLED_ACCENT = re.compile(r"\\\\(?=['\"`^~=.]\{?[A-Za-z])")
# \textsuperscript{6} and \textsubscript{2}: raised and lowered where Unicode has the glyphs.
_TEXT_RAISED = re.compile(r"\\textsuperscript\s*\{([0-9+\-=()n]+)\}")
_TEXT_LOWERED = re.compile(r"\\textsubscript\s*\{([0-9+\-=()]+)\}")
# Links are shown as their address or text, without the brackets pylatexenc puts around them.
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*\{([^{}]*)\}")


def latex_to_text(value: str) -> str:
    """Return a field value as plain Unicode text: accents decoded, braces dropped."""
    if not _PLAIN.search(value):
        return _SPACES.sub(" ", value).strip()
    return _SPACES.sub(" ", _decoded(value, keep_braces=False)).strip()


def latex_to_styled(value: str) -> str:
    """Return a field value in Unicode, keeping the braces that protect case from a style."""
    if not _PLAIN.search(value):
        return value
    return _decoded(value, keep_braces=True)


@lru_cache(maxsize=8192)
def _decoded(value: str, keep_braces: bool) -> str:
    value = _DOUBLED_ACCENT.sub(r"\\", value)
    value = _TEXT_RAISED.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), value)
    value = _TEXT_LOWERED.sub(lambda m: m.group(1).translate(_SUBSCRIPT), value)
    value = _TEXTGREEK.sub(_greek_letter, _HREF.sub(r"\1", _URL.sub(r"\1", value)))
    try:
        nodes, _, _ = LatexWalker(value, tolerant_parsing=True).get_latex_nodes()
    except Exception:  # pylatexenc is tolerant, but a decoder must never stop a report
        return value.replace("{", "").replace("}", "").replace("\\", "")
    # A soft hyphen (\-) only marks where a word may break.
    return "".join(_node_text(node, keep_braces) for node in nodes or []).replace("\xad", "")


def _node_text(node: object, keep_braces: bool) -> str:
    if isinstance(node, LatexGroupNode) and node.delimiters == ("{", "}"):
        inner = "".join(_node_text(child, keep_braces) for child in node.nodelist or [])
        return "{" + inner + "}" if keep_braces else inner
    if isinstance(node, LatexMathNode):
        return _math_text(node, keep_braces)
    text = _converter().nodelist_to_text([node])
    if keep_braces:
        # pybtex reads what it is given as LaTeX again: a bare % would start a comment, and
        # a literal brace would open a group.
        text = text.replace("%", "\\%").replace("{", "").replace("}", "")
    return text


def _math_text(node: LatexMathNode, keep_braces: bool) -> str:
    """Return inline math as text, with digit superscripts and subscripts raised or lowered."""
    source = node.latex_verbatim()
    source = _RAISED.sub(lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), source)
    source = _LOWERED.sub(lambda m: (m.group(1) or m.group(2)).translate(_SUBSCRIPT), source)
    text = _converter().latex_to_text(source)
    return text.replace("{", "").replace("}", "") if keep_braces else text


@cache
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def _greek_letter(match: re.Match[str]) -> str:
    try:
        return unicodedata.lookup(f"GREEK SMALL LETTER {match.group(1).upper()}")
    except KeyError:
        return match.group(0)
