"""`tracker export`: write the claims matrix, one row per claim and cited source."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.commands.common import (
    UserError,
    load,
    output_format,
    project_option,
    retraction_data,
    retractions_option,
    run_audit,
    user_errors,
)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="File format (default: from the --output suffix, .csv or .xlsx; else csv).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@project_option
@retractions_option
@user_errors
def export(
    fmt: str | None, output: Path | None, project_dir: Path | None, retractions: Path | None
) -> None:
    """Write the claims matrix reviewers work in: one row per claim and cited source.

    A claim without citation gets one row with empty source columns; vanished and dismissed
    claims are left out. Reviewers edit kinds, locator, quote, verdict, reviewer, reviewed_at
    and note; `tracker import` brings the edits back into the registers. CSV is UTF-8 with a
    BOM, so Excel reads it right; cells that look like formulas get a leading apostrophe.
    With --retractions, the `retraction` column says what the data holds about each source.

    Example: tracker export --format xlsx --output claims-matrix.xlsx
    """
    from tracker.matrix import build_matrix, render_matrix, write_matrix

    fmt = output_format(fmt, output, {".csv": "csv", ".xlsx": "xlsx"}, "csv")
    if output is None and fmt == "xlsx" and sys.stdout.isatty():
        raise UserError("an xlsx workbook is binary - give --output FILE to write it")
    notices = retraction_data(retractions)
    project = load(project_dir)
    _, outcome = run_audit(project, notices)
    rows = build_matrix(project, outcome.findings, notices)
    data = render_matrix(rows, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        write_matrix(output, data)
    except OSError as error:
        raise UserError(f"{output}: cannot write the matrix ({error.strerror})") from error
    click.echo(f"{output}: {len(rows)} rows", err=True)
