"""The one Jinja2 environment of the tracker: packaged templates, StrictUndefined, autoescape.

HTML templates are autoescaped; Markdown templates escape through the `md` filter. A typo
in a template raises instead of printing nothing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#&])")


def escape_markdown(value: object) -> str:
    """Escape text for Markdown so that it shows literally, on one line."""
    flat = " ".join(str(value).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html.j2", ".html", ".svg.j2"))


@cache
def environment() -> Environment:
    """Return the tracker's Jinja2 environment, built once."""
    env = Environment(
        loader=PackageLoader("tracker", "templates"),
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    return env


def render(template: str, view: dict[str, Any]) -> str:
    """Render a packaged template with a view model."""
    return environment().get_template(template).render(**view)
