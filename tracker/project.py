"""Load a claims project: settings, bibliography, claims registers and the documents they cover.

Loading never stops at bad content: a broken BibTeX block or register becomes a problem that
a check reports. Only a project that cannot be used at all raises ProjectError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tracker.bibliography import Bibliography, load_bibliography
from tracker.config import Config, ProjectError, find_root, load_config
from tracker.model import Claim, Register
from tracker.readers import line_starts
from tracker.register import load_registers

# Sees the register files as they load: the CLI passes a progress bar, the library nothing.
Watch = Callable[[list[Path]], Iterable[Path]]


@dataclass
class Project:
    """A loaded project: its settings, sources and registers."""

    config: Config
    bibliography: Bibliography
    registers: list[Register]
    _line_starts: dict[str, list[int]] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> Path:
        return self.config.root

    def claims(self, include_vanished: bool = False) -> Iterator[tuple[Register, Claim]]:
        """Yield every claim with its register, in register order."""
        for register in self.registers:
            for claim in register.claims:
                if include_vanished or claim.active:
                    yield register, claim

    @cached_property
    def claim_index(self) -> dict[str, tuple[Register, Claim]]:
        return {
            claim.id: (register, claim) for register, claim in self.claims(include_vanished=True)
        }

    def column(self, document: str, line: int, offset: int) -> int:
        """Return the 1-based column of a character offset in a document, 1 if unknown."""
        starts = self._line_starts.get(document)
        if starts is None:
            starts = self._line_starts[document] = read_line_starts(self.root / document)
        if not starts or line > len(starts):
            return 1
        return max(1, offset - starts[line - 1] + 1)


def read_line_starts(path: Path) -> list[int]:
    """Return the offset at which each line of a UTF-8 document starts; [] if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    return line_starts(text)


def open_project(start: Path | None = None, watch: Watch = iter) -> Project:
    """Find the project at or above start (default: the current folder) and load it."""
    root = find_root(start or Path.cwd())
    if root is None:
        raise ProjectError(
            f"no claims project at or above {start or Path.cwd()} - run in a folder with "
            "references.bib and claims/, or add a [tool.tracker] table to pyproject.toml"
        )
    return load_project(root, watch)


def open_bibliography(config: Config) -> Bibliography:
    """Load the project's bibliography; a project without one cannot be used."""
    path = config.path("bibliography")
    try:
        return load_bibliography(path, config.bibliography)
    except FileNotFoundError as err:
        raise ProjectError(
            f"{path}: bibliography not found - create it or set 'bibliography' in [tool.tracker]"
        ) from err


def load_project(root: Path, watch: Watch = iter) -> Project:
    """Load the project whose root folder is given."""
    config = load_config(root)
    bibliography = open_bibliography(config)
    claims_dir = config.path("claims")
    registers = load_registers(claims_dir, root, watch) if claims_dir.is_dir() else []
    return Project(config, bibliography, registers)
