"""Find a project's root and read its settings from `[tool.tracker]` or `tracker.toml`.

Settings name the project's folders and turn checks off or change their severity by id
prefix, the most specific prefix winning:

    [tool.tracker.checks]
    "sources" = "info"           # every sources.* check reports at info level
    "sources.unused" = "off"     # ... except this one, which is off
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

from tracker.limits import (
    MAX_SETTINGS_BYTES,
    TooLarge,
    file_size,
    open_regular,
    read_bytes,
    size_text,
)
from tracker.model import Severity

LEVELS = ("off", "info", "warning", "error")
# The settings that name a folder or file of the project.
FOLDERS = ("bibliography", "claims", "content", "reports")
# Those only read: inside the project unless the user allows a place outside it.
READ_FOLDERS = ("bibliography", "content")
# Those the tracker writes into must stay inside the project, so that no project's settings can
# make it write elsewhere; the bibliography and pages may be shared with other projects.
WRITTEN_FOLDERS = ("claims", "reports")
# The texts of sources, sources/<key>.txt, that quotes are looked up in.
SOURCES_DIR = "sources"


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
    # An e-mail address for the services `tracker verify` asks (Crossref's polite pool, NCBI).
    contact: str | None = None
    # What the copy promotes (PRODUCTS), where it is published, and the conditions its
    # product is approved or cleared for: the regulatory rules apply the authority that
    # governs. Unset, the product is unknown and approved for nothing.
    product: str | None = None
    jurisdictions: tuple[str, ...] = ("US", "UK", "EU")
    approved_for: tuple[str, ...] = ()

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


REGISTER_SUFFIXES = (".yaml", ".yml")


def register_paths(folder: Path) -> list[Path]:
    """Return the register files (*.yaml, *.yml) under a folder and its subfolders, sorted.

    Registers mirror the folders of their documents (claims/blog/page.yaml for
    content/blog/page.md); hidden folders are passed over.
    """
    if not folder.is_dir():
        return []
    found = []
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found += [
            Path(directory, name)
            for name in files
            if name.endswith(REGISTER_SUFFIXES) and not name.startswith(".")
        ]
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


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
    try:
        with open_regular(pyproject) as handle:
            # A table past the size limit is refused when the settings are read.
            head = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError:
        return False
    return b"[tool.tracker" in head


def load_config(root: Path, allow_outside: Iterable[Path] = ()) -> Config:
    """Read a project's settings; defaults apply to whatever is not set.

    The bibliography and pages are read only inside the project, unless they lie under a
    path of `allow_outside` (the command line's --allow-outside) or of the user's own
    settings: a cloned repository's settings must not make the tracker read, and a CI
    report publish, files from elsewhere on the machine.
    """
    source = settings_source(root)
    table = settings_table(root)
    checks = table.pop("checks", {})
    if not isinstance(checks, dict):
        raise ProjectError(
            f"{_where(source, 'checks')}'checks' is {_toml_type(checks)}, not a table - "
            'write [tool.tracker.checks] with lines such as "sources.unused" = "off"'
        )
    contact = table.pop("contact", None)
    if contact is not None and (not isinstance(contact, str) or "@" not in contact):
        raise ProjectError(
            f"{_where(source, 'contact')}contact = {contact!r} - write an e-mail address, "
            'such as contact = "reviews@example.org"'
        )
    regulatory = _regulatory_settings(source, table)
    unknown = sorted(set(table) - set(FOLDERS))
    if unknown:
        raise ProjectError(f"{root}: unknown setting(s) {', '.join(unknown)} in [tool.tracker]")
    for prefix, level in checks.items():
        if not isinstance(level, str) or level not in LEVELS:
            raise ProjectError(
                f"{root}: check setting {prefix!r} = {level!r} - use one of {', '.join(LEVELS)}"
            )
        _check_known(source, prefix)
    folders: dict[str, Any] = {n: _folder_setting(source, n, v) for n, v in table.items()}
    config = Config(root, checks=dict(checks), contact=contact, **regulatory, **folders)
    allowed = [*allow_outside, *user_allowed_outside()]
    for name in READ_FOLDERS:
        _check_inside(config, source, name, allowed)
    return config


PRODUCTS = (
    "biologic",
    "cell-or-tissue-product",
    "drug",
    "device",
    "supplement",
    "cosmetic",
    "service",
)
JURISDICTIONS = ("US", "UK", "EU")


def _regulatory_settings(source: Path, table: dict) -> dict[str, Any]:
    """Take product, jurisdictions and approved-for out of the settings, checked."""
    found: dict[str, Any] = {}
    product = table.pop("product", None)
    if product is not None:
        if product not in PRODUCTS:
            raise ProjectError(
                f"{_where(source, 'product')}product = {product!r} - use one of "
                f"{', '.join(PRODUCTS)}"
            )
        found["product"] = product
    places = table.pop("jurisdictions", None)
    if places is not None:
        if not isinstance(places, list) or not places or not set(places) <= set(JURISDICTIONS):
            raise ProjectError(
                f"{_where(source, 'jurisdictions')}jurisdictions = {places!r} - give a list of "
                f'{", ".join(JURISDICTIONS)}, such as jurisdictions = ["US"]'
            )
        found["jurisdictions"] = tuple(places)
    approved = table.pop("approved-for", None)
    if approved is not None:
        if not isinstance(approved, list) or not all(isinstance(a, str) for a in approved):
            raise ProjectError(
                f"{_where(source, 'approved-for')}approved-for must list the conditions the "
                'product is approved or cleared for, such as approved-for = ["knee osteoarthritis"]'
            )
        found["approved_for"] = tuple(approved)
    return found


def _check_inside(config: Config, source: Path, name: str, allowed: list[Path]) -> None:
    """Refuse a bibliography or content folder outside the project that nobody allowed."""
    root = config.root.resolve()
    where = config.path(name).resolve()
    if where.is_relative_to(root):
        return
    if any(where.is_relative_to(Path(path).expanduser().resolve()) for path in allowed):
        return
    value = getattr(config, name)
    raise ProjectError(
        f"{_where(source, name)}{name} = {value!r} lies outside the project ({where}), "
        "and the tracker reads outside it only where you allow: pass "
        f"--allow-outside {where}, or list it under allow-outside in {user_settings_path()}"
    )


def user_settings_path() -> Path:
    """Return the user's own settings file (not a project's): XDG's config folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "claims-tracker" / "config.toml"


def user_allowed_outside() -> list[Path]:
    """Return the paths the user's own settings allow projects to read outside themselves."""
    path = user_settings_path()
    if not path.is_file():
        return []
    value = _read_toml(path).get("allow-outside", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProjectError(
            f"{_where(path, 'allow-outside')}allow-outside must be a list of paths, such as "
            'allow-outside = ["/srv/shared/references.bib"]'
        )
    return [Path(item) for item in value]


def known_check_ids() -> set[str]:
    """Return every check id and id prefix, read from the checks' module paths (no import).

    A check's id is its module's dotted path under tracker/checks (style rule 3), so the
    files name them all without loading the checks.
    """
    ids: set[str] = set()
    for family in resources.files("tracker.checks").iterdir():
        if family.is_dir() and not family.name.startswith("_"):
            for module in family.iterdir():
                name = module.name.removesuffix(".py")
                if module.name.endswith(".py") and name not in ("__init__", "base"):
                    ids |= {family.name, f"{family.name}.{name}"}
    return ids


def _check_known(source: Path, prefix: str) -> None:
    """Refuse a check setting that names no check: a misspelt id would silently do nothing."""
    known = known_check_ids()
    if prefix in known:
        return
    close = difflib.get_close_matches(prefix, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "the README's Checks table lists them"
    raise ProjectError(f"{_where(source, prefix)}{prefix!r} names no check or family - {hint}")


def _folder_setting(source: Path, name: str, value: object) -> str:
    """Return a folder or file setting, refusing one the tracker would write outside the project."""
    if not isinstance(value, str) or not value.strip():
        raise ProjectError(
            f"{_where(source, name)}{name} = {value!r} - write a path inside the project, "
            f'in quotes, such as {name} = "{getattr(Config, name)}"'
        )
    if name in WRITTEN_FOLDERS and _outside(value):
        elsewhere = (
            " (`tracker report --output FOLDER` writes elsewhere)" if name == "reports" else ""
        )
        raise ProjectError(
            f"{_where(source, name)}{name} = {value!r} lies outside the project, and the "
            f"tracker writes there - name a folder inside the project{elsewhere}"
        )
    return value


def _where(source: Path, key: str) -> str:
    """Return "FILE:LINE: " for the line that sets key, or "FILE: " when it cannot be found."""
    try:
        lines = read_bytes(source, MAX_SETTINGS_BYTES).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError, TooLarge):
        lines = []
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    found = next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)
    return f"{source}:{found}: " if found else f"{source}: "


def _outside(value: str) -> bool:
    """Tell whether a relative setting leaves the project folder (absolute, or up past it)."""
    if PurePath(value).is_absolute() or PureWindowsPath(value).drive:
        return True
    return os.path.normpath(value).replace("\\", "/").split("/")[0] == ".."


def _toml_type(value: object) -> str:
    names = {
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "an array",
    }
    return names.get(type(value), type(value).__name__)


def settings_source(root: Path) -> Path:
    """Return the file a project's settings come from: tracker.toml, else pyproject.toml."""
    own = root / "tracker.toml"
    return own if own.is_file() else root / "pyproject.toml"


def settings_table(root: Path) -> dict:
    """Return the [tool.tracker] table of pyproject.toml, or the whole of tracker.toml."""
    source = settings_source(root)
    if not source.is_file():
        return {}
    data = _read_toml(source)
    table: object = data
    if source.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("tracker", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ProjectError(
            f"{source}: tool.tracker is {_toml_type(table)}, not a table - write [tool.tracker]"
        )
    return dict(table)


def _read_toml(source: Path) -> dict:
    try:
        text = read_bytes(source, MAX_SETTINGS_BYTES).decode("utf-8")
        return tomllib.loads(text)
    except TooLarge as err:
        raise ProjectError(
            f"{source}: {file_size(source)}, more than the {size_text(MAX_SETTINGS_BYTES)} a "
            "settings file may be - put the settings in tracker.toml"
        ) from err
    except UnicodeDecodeError as err:
        line = err.object[: err.start].count(b"\n") + 1
        raise ProjectError(
            f"{source}: line {line}: not valid UTF-8 (byte 0x{err.object[err.start]:02x}) - "
            "save it as UTF-8"
        ) from err
    except RecursionError as err:
        raise ProjectError(
            f"{source}: arrays or tables nested too deep to read - fix the TOML by hand"
        ) from err
    except (tomllib.TOMLDecodeError, OSError) as err:
        raise ProjectError(
            f"{source}: cannot read the settings ({err}) - fix the TOML syntax"
        ) from err
