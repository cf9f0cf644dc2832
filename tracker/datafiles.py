"""Load the data files shipped in tracker/data: word lists, rule packs, cue lexicons.

Word lists are data so that adding a rule is a data-only change; this module is the one
place that reads them (with the C YAML parser when it is installed).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from tracker.yamlio import load_yaml


def load_data(name: str) -> Any:
    """Load one packaged YAML data file, by its path under tracker/data."""
    return load_yaml(data_text(name), round_trip=False, fast=True)


def data_text(name: str) -> str:
    """Return the text of one packaged data file, by its path under tracker/data."""
    return resources.files("tracker.data").joinpath(name).read_text(encoding="utf-8")


def data_names(folder: str) -> list[str]:
    """Return the paths of the YAML files in a folder under tracker/data, sorted."""
    found = resources.files("tracker.data").joinpath(folder).iterdir()
    return sorted(f"{folder}/{f.name}" for f in found if f.name.endswith(".yaml"))


def word_pattern(patterns: list[str]) -> re.Pattern[str]:
    """Compile patterns into one case-insensitive pattern that matches whole words only."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)
