"""Name a project's files as its findings, registers and reports do.

Names are relative to the project root, with / separators.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path, root: Path | None) -> str:
    """Return path relative to the project root, with / separators.

    A document outside the project is named from the project too (`../shared/page.md`),
    so that a project can be moved or cloned beside what it reads; only one on another
    drive keeps its absolute path."""
    return display_paths([path], root)[0]


def display_paths(paths: list[Path], root: Path | None) -> list[str]:
    """Return display_path of each path; the folders are resolved once for all their files."""
    if root is None:
        return [path.as_posix() for path in paths]
    base = os.path.join(root.resolve(), "")
    folders: dict[str, str] = {}
    shown = []
    for path in paths:
        name = os.fspath(path)
        if os.path.islink(name):
            real = os.path.realpath(name)
        else:
            folder, file = os.path.split(name)
            resolved = folders.get(folder)
            if resolved is None:
                resolved = folders[folder] = os.path.realpath(folder or ".")
            real = os.path.join(resolved, file)
        if real.startswith(base):
            shown.append(real[len(base) :].replace(os.sep, "/"))
        else:
            shown.append(_relative_from(real, base, path))
    return shown


def _relative_from(real: str, base: str, path: Path) -> str:
    try:
        return Path(os.path.relpath(real, base)).as_posix()
    except ValueError:  # another drive, on Windows
        return path.as_posix()
