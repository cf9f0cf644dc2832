"""The `tracker` command: a thin layer over the library.

User errors print `Error: ...` and exit with status 2; error-level findings exit with 1;
anything else is a bug, shown with its traceback under --debug.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

import click

from tracker.commands.check import check
from tracker.commands.common import (
    PROJECT_FOLDER,
    PROJECT_HELP,
    UserError,
    allowed_outside,
    audit_outcome,
    cache_option,
    emit,
    expand_documents,
    output_format,
    progress,
    progressing,
    project_cache,
    project_option,
    retractions_option,
    today,
    user_errors,
)
from tracker.commands.export import export
from tracker.commands.import_matrix import import_matrix
from tracker.commands.review import review
from tracker.commands.serve import serve
from tracker.commands.verify import add, verify
from tracker.outputs import ExitStatus

# Allocations between two collections of the youngest objects (Python's default is 700).
GC_THRESHOLD = 10_000


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-tracker")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.option(
    "-C", "--project", "project_dir", type=PROJECT_FOLDER, default=None, help=PROJECT_HELP
)
@click.option(
    "--allow-outside",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Let the settings name a bibliography or content outside the project, under PATH.",
)
@click.pass_context
def cli(
    ctx: click.Context, debug: bool, project_dir: Path | None, allow_outside: tuple[Path, ...]
) -> None:
    """Track the claims of health copy and the sources that support them."""
    ctx.obj = {"debug": debug, "project_dir": project_dir, "allow_outside": list(allow_outside)}


@cli.command()
@click.argument("documents", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--write", is_flag=True, help="Merge the claims into claims/<document>.yaml.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@cache_option
@project_option
@user_errors
def extract(
    documents: tuple[Path, ...], write: bool, fmt: str, no_cache: bool, project_dir: Path | None
) -> None:
    """Find the claims of documents, their citation markers and the sources they resolve to.

    A folder stands for the documents in it and its subfolders. Without a project,
    references are left unresolved. With --write, the claims are merged into the register:
    fields a person wrote are kept, vanished claims are marked.

    Example: tracker extract content/secretome-vs-exosomes.txt --format json
    """
    from tracker.config import ProjectError, find_root, load_config
    from tracker.extract import extract as extract_document
    from tracker.outputs import extraction_dict, extraction_text, json_safe
    from tracker.project import load_registers, open_bibliography, register_file
    from tracker.readers import ReaderError
    from tracker.resolve import Resolver

    root = find_root(project_dir or Path.cwd())
    if root is None and write:
        raise ProjectError("--write needs a claims project - run inside one or pass -C FOLDER")
    config = load_config(root, allowed_outside()) if root else None
    with project_cache(root, not no_cache) as cache:
        sources = open_bibliography(config, cache).sources if config else {}
    resolver = Resolver(sources)
    results, failures = [], []
    with progress(expand_documents(documents), "Extracting") as bar:
        for document in bar:
            try:
                results.append(extract_document(document, sources, root, resolver))
            except ReaderError as err:
                failures.append(str(err))
    if fmt == "json":
        # One shape whatever the number of documents: an object per document, one per line
        # (JSON Lines), so that one document's output is one JSON object.
        for result in results:
            click.echo(json_safe(json.dumps(extraction_dict(result, sources), ensure_ascii=False)))
    else:
        for result in results:
            click.echo(extraction_text(result, sources), nl=False)
    if write and config:
        registers = load_registers(config.path("claims"), config.root)
        for result in results:
            write_register(register_file(result.document.path, config, registers), result)
    if failures:
        raise UserError("\n".join(failures))


def write_register(path: Path, result: Any) -> None:
    """Merge one extraction into its register file (under the folder's lock); say what changed."""
    from tracker.atomic import update_file
    from tracker.register_merge import MergeResult, merge_register

    path.parent.mkdir(parents=True, exist_ok=True)
    merged: list[MergeResult] = []

    def merge(existing: str | None) -> str:
        merged.append(
            merge_register(
                existing, result.document, result.claims, today(), display_path=str(path)
            )
        )
        return merged[-1].text

    update_file(path, merge, str(path))
    done = merged[-1]
    click.echo(
        f"{path}: {len(done.added)} added, {len(done.updated)} updated, "
        f"{len(done.vanished)} vanished, {len(done.restored)} restored",
        err=True,
    )


@cli.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the reports (default: the project's reports/).",
)
@cache_option
@project_option
@retractions_option
@user_errors
def report(
    output: Path | None, no_cache: bool, project_dir: Path | None, retractions: Path | None
) -> None:
    """Write the evidence report as reports/evidence.html and reports/evidence.md.

    Example: tracker report && open reports/evidence.html
    """
    from tracker.report import build_view, write_reports

    project, graph, outcome = audit_outcome(project_dir, retractions, not no_cache)
    view = build_view(
        project,
        graph,
        outcome.findings,
        today(),
        outcome.suppressed,
        lambda sources: progressing(sources, "Formatting sources"),
    )
    for path in write_reports(view, output or project.config.path("reports")):
        click.echo(str(path))


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "json"]),
    default=None,
    help="Graph format (default: from the --output suffix, .graphml or .json; else json).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@project_option
@user_errors
def graph(fmt: str | None, output: Path | None, project_dir: Path | None) -> None:
    """Export the graph of documents, claims and sources.

    Example: tracker graph --output claims.graphml
    """
    from tracker.graph import build_graph, export
    from tracker.project import open_project

    fmt = output_format(fmt, output, {".graphml": "graphml", ".json": "json"}, "json")
    project = open_project(project_dir, cached=True, allow_outside=allowed_outside())
    emit(export(build_graph(project), fmt), output)


def main() -> None:
    """Run the command line, showing unexpected errors briefly unless --debug is given."""
    # Most of what a run allocates lives until it ends: modules, rule packs, the condition
    # names. Python's collector would scan it again every 700 allocations' worth of growth
    # and once more at exit; collecting less often and freezing the heap at the end spare a
    # writer's check of one page a tenth of its time. Garbage cycles are still collected.
    gc.set_threshold(GC_THRESHOLD)
    try:
        _run()
    finally:
        gc.freeze()


def _run() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code if isinstance(err, UserError) else ExitStatus.USER_ERROR)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitStatus.USER_ERROR)
    except Exception as err:
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(
            f"Bug: {type(err).__name__}: {err} (run again with --debug for the traceback)", err=True
        )
        sys.exit(ExitStatus.BUG)


# Commands kept in their own modules.
cli.add_command(check)
cli.add_command(review)
cli.add_command(export)
cli.add_command(import_matrix)
cli.add_command(verify)
cli.add_command(add)
cli.add_command(serve)
