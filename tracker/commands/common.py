"""What the commands of the `tracker` CLI share: user errors, common options, the audit.

Kept apart from cli.py so that commands in their own modules can use it without importing
the command group itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click

from tracker.outputs import ExitStatus

# The cache entry of the project's own findings.

LEVEL_CHOICE = click.Choice(["info", "warning", "error"])
RISK_CHOICE = click.Choice(["low", "medium", "high"])


class UserError(click.ClickException):
    """A problem the user can fix; shown without a traceback."""

    exit_code = ExitStatus.USER_ERROR


PROJECT_FOLDER = click.Path(file_okay=False, exists=True, path_type=Path)
PROJECT_HELP = "Project folder (default: the nearest one at or above the current folder)."


def project_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add -C/--project, the folder to look for the project in (default: the current one).

    `tracker -C FOLDER check` and `tracker check -C FOLDER` mean the same, as in Git; so do
    --allow-outside before and after the command.
    """
    command = allow_outside_option(command)
    return click.option(
        "-C",
        "--project",
        "project_dir",
        type=PROJECT_FOLDER,
        default=None,
        callback=_given_before_the_command,
        help=PROJECT_HELP,
    )(command)


def allow_outside_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --allow-outside PATH: a place outside the project its settings may read."""
    return click.option(
        "--allow-outside",
        type=click.Path(path_type=Path),
        multiple=True,
        expose_value=False,
        callback=_remember_allowed,
        help="Let the settings name a bibliography or content outside the project, under PATH.",
    )(command)


def _remember_allowed(ctx: click.Context, _: Any, value: tuple[Path, ...]) -> None:
    if isinstance(ctx.obj, dict):
        ctx.obj.setdefault("allow_outside", []).extend(value)


def allowed_outside() -> list[Path]:
    """Return the --allow-outside paths of this command line (before or after the command)."""
    context = click.get_current_context(silent=True)
    obj = context.obj if context is not None else None
    return list(obj.get("allow_outside", [])) if isinstance(obj, dict) else []


def _given_before_the_command(ctx: click.Context, _: Any, value: Path | None) -> Path | None:
    if value is None and isinstance(ctx.obj, dict):
        return ctx.obj.get("project_dir")
    return value


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's user-facing exceptions into `Error: ...` messages."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Exception as err:
            if isinstance(err, _user_error_types()):
                raise UserError(str(err)) from err
            raise

    return wrapper


# The exceptions that mean the user has something to fix, by module. Only a module that has
# been imported can have raised one, so a writer's check never imports a module for them
# (tracker.atomic alone pulls in tempfile, shutil and the compression modules).
USER_ERRORS = {
    "tracker.config": ("ProjectError",),
    "tracker.readers": ("ReaderError",),
    "tracker.atomic": ("ConcurrentEditError", "WriteRefused"),
    "tracker.register_roundtrip": ("RegisterError",),
}


def _user_error_types() -> tuple[type[Exception], ...]:
    return tuple(
        getattr(module, name)
        for module_name, names in USER_ERRORS.items()
        if (module := sys.modules.get(module_name)) is not None
        for name in names
    )


def progress(items: Any, label: str) -> Any:
    """Return a progress bar over items on a terminal; nothing at all when stderr is piped."""
    shown = sys.stderr.isatty() and len(items) > 1
    return click.progressbar(items, label=label, file=sys.stderr, hidden=not shown)


def progressing(items: Any, label: str) -> Any:
    """Yield items under a progress bar (shown only on a terminal)."""
    with progress(items, label) as bar:
        yield from bar


def today() -> str:
    """Return today's date, or the one SOURCE_DATE_EPOCH fixes for reproducible reports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
    return date.today().isoformat()


def audit_outcome(
    project_dir: Path | None, retractions: Path | None, cached: bool = True
) -> tuple[Any, Any, Any]:
    """Load the project, build its graph and run the checks (with retraction data if given).

    The outcome keeps apart the findings that suppressions silenced (for the report)."""
    project = load(project_dir, cached)
    graph, outcome = run_audit(project, retraction_data(retractions))
    return project, graph, outcome


def load(project_dir: Path | None, cached: bool = True) -> Any:
    """Open the project at or above project_dir (default: the current folder)."""
    from tracker.project import open_project

    return open_project(
        project_dir,
        lambda paths: progressing(paths, "Loading registers"),
        cached,
        allowed_outside(),
    )


def retraction_data(path: Path | None) -> Any:
    """Load the Retraction Watch data of --retractions, if given, printing its bad rows."""
    if path is None:
        return None
    from tracker.retractions import load_retractions

    notices = load_retractions(path)
    for problem in notices.problems:
        click.echo(f"Warning: {problem}", err=True)
    return notices


def run_audit(project: Any, retractions: Any) -> tuple[Any, Any]:
    """Build the project's graph and run its checks (with Retractions data if given)."""
    from tracker.audit import run_audit as audit

    return audit(project, retractions)


def project_findings(project: Any, retractions: Path | None, cache: Any) -> list[Any]:
    """Return the findings of the project's own checks, from the cache when nothing they read
    has changed; with retraction data they are always computed, as reading it prints its
    warnings."""
    if retractions is not None:
        return run_audit(project, retraction_data(retractions))[1].findings
    from tracker.audit import cached_findings

    return cached_findings(project, cache)


@contextmanager
def project_cache(root: Path | None, enabled: bool = True) -> Iterator[Any]:
    """Open the project's cache (a cache that stores nothing without a project or when off)."""
    from tracker.cache import Cache

    cache = Cache.for_project(root, enabled) if root else Cache(None)
    try:
        yield cache
    finally:
        cache.close()


def cache_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --no-cache: redo everything instead of reusing what the last run computed."""
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Ignore and do not write the project's .tracker-cache/ folder.",
    )(command)


def jobs_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add -j/--jobs: how many worker processes check documents."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Worker processes for checking documents (0: one per core).",
    )(command)


def emit(text: str | Iterable[str] | Iterable[bytes], output: Path | None) -> None:
    """Print text (or its parts, as they come), or write it to the --output file in one step."""
    if output is None:
        for part in [text] if isinstance(text, str) else text:
            # color=True: click would otherwise search all the output for colour codes to strip
            # when it goes to a file or a pipe, but the writers colour only when asked (on a
            # terminal) and show every other control character as an escape.
            click.echo(part, nl=False, color=True)
    else:
        from tracker.atomic import write_atomic

        write_atomic(output, text)


def output_format(
    fmt: str | None, output: Path | None, suffixes: dict[str, str], default: str
) -> str:
    """Return the format --format names, else the one the --output file's suffix names.

    A suffix no format has is refused rather than guessed: `--output report.ods` would
    otherwise be a CSV file under a spreadsheet's name.
    """
    if fmt is not None:
        return fmt
    if output is None or not output.suffix:
        return default
    name = output.name.lower()
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.endswith(suffix):
            return suffixes[suffix]
    known = ", ".join(sorted(suffixes))
    raise UserError(
        f'"{output}": the suffix {output.suffix} names no format this command writes - use '
        f"one of {known}, or give --format"
    )


def expand_documents(documents: tuple[Path, ...]) -> list[Path]:
    """Return the documents named, a folder standing for the documents in it and below."""
    from tracker.readers import content_documents

    return [
        found
        for document in documents
        for found in (content_documents(document) if document.is_dir() else [document])
    ]


def wants_colour() -> bool:
    """Tell whether standard output is a terminal that may be coloured (see no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def retractions_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --retractions FILE: the Retraction Watch data (CSV, as Crossref publishes it)."""
    return click.option(
        "--retractions",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Retraction Watch data (CSV) to flag retracted or corrected sources.",
    )(command)
