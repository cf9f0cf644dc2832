"""`tracker import`: bring the edits of a claims matrix back into the registers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.commands.common import (
    UserError,
    allowed_outside,
    project_option,
    today,
    user_errors,
)
from tracker.outputs import ExitStatus


@click.command("import")
@click.argument("matrix", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@project_option
@user_errors
def import_matrix(matrix: Path, dry_run: bool, project_dir: Path | None) -> None:
    """Apply the edits of a claims matrix (CSV or XLSX from `tracker export`) to the registers.

    Edits of kinds, locator, quote, verdict, reviewer, reviewed_at and note are written into
    claims/<document>.yaml as a round trip: comments, order and unknown fields stay. A value
    that changed in the register since the export is never overwritten: the row is reported
    as a conflict and left. The exit status is 1 when a row conflicts or cannot be applied.

    Example: tracker import claims-matrix.xlsx --dry-run
    """
    from tracker.atomic import ConcurrentEditError
    from tracker.matrix import MatrixError, import_matrix, read_matrix
    from tracker.project import open_project

    project = open_project(project_dir, allow_outside=allowed_outside())
    try:
        rows = read_matrix(matrix)
        result = import_matrix(project, rows, write=not dry_run, today=today())
    except (MatrixError, ConcurrentEditError) as error:
        raise UserError(str(error)) from error
    for line in result.warnings:
        click.echo(f"Warning: {line}", err=True)
    for line in [*result.change_lines(), *result.problem_lines(str(matrix))]:
        click.echo(line)
    click.echo(result.summary(dry_run), err=True)
    if result.failed:
        sys.exit(ExitStatus.ERRORS_FOUND)
