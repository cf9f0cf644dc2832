"""Find a project's root and read its settings from `[tool.tracker]` or `tracker.toml`.

Settings name the project's folders and turn checks off or change their severity by id
prefix, the most specific prefix winning:

    [tool.tracker.checks]
    "sources" = "info"           # every sources.* check reports at info level
    "sources.unused" = "off"     # ... except this one, which is off
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tracker.model import Severity

LEVELS = ("off", "info", "warning", "error")


class ProjectError(Exception):
    """The project cannot be used at all: no root, unreadable settings, no bibliography."""


@dataclass(frozen=True)
class Config:
    """Where a project keeps its files, and how checks are tuned."""

    root: Path
    bibliography: str = "references.bib"
    claims: str = "claims"
    content: str = "content"
    reports: str = "reports"
    checks: dict[str, str] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        """Return the absolute path of one of the project's folders or files."""
        return self.root / getattr(self, name)

    def level(self, check_id: str, default: Severity) -> Severity | None:
        """Return a check's severity after the settings, or None when it is turned off."""
        chosen = self.setting(check_id)
        if chosen is None:
            return default
        return None if chosen == "off" else Severity(chosen)

    def setting(self, check_id: str) -> str | None:
        """Return the level the settings give a check (the most specific prefix), if any."""
        matches = [p for p in self.checks if check_id == p or check_id.startswith(p + ".")]
        return self.checks[max(matches, key=len)] if matches else None


def find_root(start: Path) -> Path | None:
    """Return the nearest folder at or above start that holds a tracker project."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "tracker.toml").is_file() or has_tool_table(folder / "pyproject.toml"):
            return folder
        if (folder / "references.bib").is_file() and (folder / "claims").is_dir():
            return folder
    return None


def has_tool_table(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    return "[tool.tracker" in pyproject.read_text(encoding="utf-8", errors="replace")


def load_config(root: Path) -> Config:
    """Read a project's settings; defaults apply to whatever is not set."""
    table = settings_table(root)
    checks = table.pop("checks", {})
    unknown = sorted(set(table) - {"bibliography", "claims", "content", "reports"})
    if unknown:
        raise ProjectError(f"{root}: unknown setting(s) {', '.join(unknown)} in [tool.tracker]")
    for prefix, level in checks.items():
        if level not in LEVELS:
            raise ProjectError(
                f"{root}: check setting {prefix!r} = {level!r} - use one of {', '.join(LEVELS)}"
            )
    return Config(root=root, checks=dict(checks), **{k: str(v) for k, v in table.items()})


def settings_table(root: Path) -> dict:
    """Return the [tool.tracker] table of pyproject.toml, or the whole of tracker.toml."""
    own = root / "tracker.toml"
    source = own if own.is_file() else root / "pyproject.toml"
    if not source.is_file():
        return {}
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ProjectError(
            f"{source}: cannot read the settings ({err}) - fix the TOML syntax"
        ) from err
    table = data if source == own else data.get("tool", {}).get("tracker", {})
    return dict(table)
