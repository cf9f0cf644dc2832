"""Load a claims project: settings, bibliography, claims registers and the documents they cover.

Loading never stops at bad content: a broken BibTeX block or register becomes a problem that
a check reports. Only a project that cannot be used at all raises ProjectError. What was
loaded before from the same bytes comes from the project's cache (tracker/cache.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from tracker.cache import Cache, decode_payload, decoder, digest, encode, file_digest, stamp
from tracker.config import (
    SOURCES_DIR,
    Config,
    ProjectError,
    find_root,
    load_config,
    register_paths,
)
from tracker.limits import MAX_DOCUMENT_BYTES, TooLarge, read_bytes
from tracker.model import Bibliography, Claim, Register
from tracker.readers import line_starts
from tracker.verification import RESULTS_FILE, SourceResult

# Sees the register files as they load: the CLI passes a progress bar, the library nothing.
Watch = Callable[[list[Path]], Iterable[Path]]


@dataclass
class Project:
    """A loaded project: its settings, sources and registers."""

    config: Config
    bibliography: Bibliography
    registers: list[Register]
    # A digest of the bytes of the bibliography and registers and of the settings: what
    # anything derived from the project (a document's findings) depends on.
    digest: str = ""
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
    def verification(self) -> dict[str, SourceResult]:
        """What `tracker verify` stored about the sources, by key (none before it ran)."""
        from tracker.verification import load_results

        return load_results(self.root)

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

    def unregistered_documents(self) -> list[Path]:
        """Return the documents under the content folder that no register covers."""
        from tracker.readers import content_documents

        covered = {register.document.path for register in self.registers}
        documents = content_documents(self.config.path("content"))
        if not covered:
            return documents
        from tracker.paths import display_paths

        shown = display_paths(documents, self.root)
        return [path for path, name in zip(documents, shown, strict=True) if name not in covered]


def read_line_starts(path: Path) -> list[int]:
    """Return the offset at which each line of a UTF-8 document starts; [] if unreadable."""
    try:
        text = read_bytes(path, MAX_DOCUMENT_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, TooLarge):
        return []
    return line_starts(text)


def open_project(
    start: Path | None = None,
    watch: Watch = iter,
    cached: bool = False,
    allow_outside: Iterable[Path] = (),
) -> Project:
    """Find the project at or above start (default: the current folder) and load it.

    With cached, what was loaded before from the same bytes comes from the project's
    .tracker-cache/ folder, and what is loaded afresh is stored there. allow_outside names
    places outside the project its settings may read (tracker.config.load_config).
    """
    root = find_root(start or Path.cwd())
    if root is None:
        raise ProjectError(
            f"no claims project at or above {start or Path.cwd()} - run in a folder with "
            "references.bib and claims/, or add a [tool.tracker] table to pyproject.toml"
        )
    cache = Cache.for_project(root, cached)
    try:
        return load_project(root, watch, cache, allow_outside)
    finally:
        cache.close()


_BIBLIOGRAPHY = decoder(Bibliography)
_REGISTER = decoder(Register)


def open_bibliography(config: Config, cache: Cache | None = None) -> Bibliography:
    """Load the project's bibliography; a project without one cannot be used."""
    bibliography, _ = bibliography_and_digest(config, cache or Cache(None))
    return bibliography


def bibliography_and_digest(config: Config, cache: Cache) -> tuple[Bibliography, str]:
    """Load the bibliography (from the cache if its bytes are unchanged) and its digest."""
    path = config.path("bibliography")
    if not path.exists():
        raise ProjectError(
            f"{path}: bibliography not found - create it or set 'bibliography' in [tool.tracker]"
        )
    wanted = stamp(file_digest(path))
    hit = cache.get("bibliography", config.bibliography, wanted)
    if hit is not None:
        return _BIBLIOGRAPHY(hit), wanted
    from tracker.bibliography import load_bibliography

    bibliography = load_bibliography(path, config.bibliography)
    if cache.enabled:
        cache.put("bibliography", config.bibliography, wanted, encode(bibliography))
    return bibliography, wanted


def register_file(document: str, config: Config, registers: Iterable[Register]) -> Path:
    """Return the register file of a document, known by its path in the project.

    The register that already names the document is kept wherever it is (a flat claims/
    folder keeps working). A new one mirrors the document's folders under claims/:
    content/blog/page.md gets claims/blog/page.yaml, or claims/blog/page.md.yaml when that
    name belongs to another document (blog/page.html), so no two documents share one.
    """
    owners = {r.path: r.document.path for r in registers}
    for name, owner in owners.items():
        if owner == document:
            return config.root / name
    claims = config.path("claims")
    mirrored = _mirrored(document, config)
    for candidate in (mirrored.with_suffix(".yaml"), mirrored.with_name(mirrored.name + ".yaml")):
        path = claims / candidate
        holder = owners.get(Path(os.path.relpath(path, config.root)).as_posix())
        if not path.exists() or not holder:
            return path
    raise ProjectError(
        f"{document}: both {mirrored.with_suffix('.yaml')} and {mirrored.name}.yaml in "
        f"{claims} belong to other documents - move one of them"
    )


def _mirrored(document: str, config: Config) -> PurePosixPath:
    """Return where a document stands under the content folder, else in the project."""
    path = PurePosixPath(document)
    content = PurePosixPath(config.content)
    if content.parts and path.parts[: len(content.parts)] == content.parts:
        return PurePosixPath(*path.parts[len(content.parts) :])
    if path.is_absolute() or ".." in path.parts:
        return PurePosixPath(path.name)  # outside the project: by its name alone
    return path


def load_registers(folder: Path, root: Path, watch: Watch = iter) -> list[Register]:
    """Load every *.yaml and *.yml register in a folder, sorted by file name.

    `watch` sees the files as they are loaded (the CLI passes a progress bar).
    """
    return load_registers_cached(folder, root, watch)[0]


def load_registers_cached(
    folder: Path, root: Path, watch: Watch = iter, cache: Cache | None = None
) -> tuple[list[Register], list[str]]:
    """Like load_registers, from the cache where a register's bytes are unchanged; returns
    the registers and the digest of each one's bytes."""
    cache = cache or Cache(None)
    stored = cache.get_all("register")
    registers: list[Register] = []
    digests: list[str] = []
    fresh: list[tuple[str, str, object]] = []
    for path in watch(register_paths(folder)):
        name, wanted = _register_stamp(path, root)
        register = _cached_register(stored.get(name), wanted)
        if register is None:
            from tracker.register_read import load_register

            register = load_register(path, name)
            if cache.enabled:
                fresh.append((name, wanted, encode(register)))
        registers.append(register)
        digests.append(wanted)
    cache.put_many("register", fresh)
    return registers, digests


def _register_stamp(path: Path, root: Path) -> tuple[str, str]:
    name = Path(os.path.relpath(path, root)).as_posix()
    return name, stamp(name, file_digest(path))


def project_digest(
    config: Config, bibliography_digest: str, register_digests: list[str] | None = None
) -> str:
    """Return the digest of what the project's derived results depend on.

    Without register_digests, the registers' bytes are read (not parsed) to make them.
    """
    if register_digests is None:
        folder = config.path("claims")
        register_digests = [_register_stamp(p, config.root)[1] for p in register_paths(folder)]
    return digest(bibliography_digest, *register_digests, repr(config))


def audit_stamp(project: Project, today: str) -> str:
    """Return the digest of everything the project's own checks read.

    That is the bibliography, registers and settings (the project's digest), the pages the
    registers describe (findings give columns on them), the source texts under sources/
    (quotes are looked up in them) and the date (years ahead of it are implausible).
    """
    root = project.root
    parts = [project.digest, today]
    for name in sorted({r.document.path for r in project.registers if r.document.path}):
        parts += [name, file_digest(root / name)]
    texts = root / SOURCES_DIR
    for path in sorted(texts.glob("*.txt")) if texts.is_dir() else []:
        parts += [path.name, file_digest(path)]
    parts += ["verification", file_digest(root / RESULTS_FILE)]
    return stamp("audit", *parts)


def _cached_register(hit: tuple[str, bytes] | None, wanted: str) -> Register | None:
    if hit is None or hit[0] != wanted:
        return None
    data = decode_payload(hit[1])
    try:
        return _REGISTER(data) if data is not None else None
    except (TypeError, ValueError, KeyError, IndexError):
        return None  # a damaged entry is a miss


def load_project(
    root: Path, watch: Watch = iter, cache: Cache | None = None, allow_outside: Iterable[Path] = ()
) -> Project:
    """Load the project whose root folder is given."""
    cache = cache or Cache(None)
    config = load_config(root, allow_outside)
    bibliography, bibliography_digest = bibliography_and_digest(config, cache)
    registers, register_digests = load_registers_cached(config.path("claims"), root, watch, cache)
    state = project_digest(config, bibliography_digest, register_digests)
    return Project(config, bibliography, registers, state)
