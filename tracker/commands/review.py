"""The `tracker review` command: record a reviewer's verdict on a claim in its register."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.commands.common import (
    UserError,
    allowed_outside,
    project_option,
    today,
    user_errors,
)
from tracker.model import VERDICTS


@click.command()
@click.argument("claim_id")
@click.option("--verdict", type=click.Choice(VERDICTS), required=True, help="The verdict.")
@click.option("--by", "by", required=True, help="Who reviewed the claim.")
@click.option("--source", "source", default=None, help="The cited key the verdict is about.")
@click.option("--note", default=None, help="Why: free text kept with the verdict.")
@click.option("--quote", default=None, help="The supporting passage, verbatim from the source.")
@click.option("--locator", default=None, help="Where in the source: page, table, section.")
@project_option
@user_errors
def review(
    claim_id: str,
    verdict: str,
    by: str,
    source: str | None,
    note: str | None,
    quote: str | None,
    locator: str | None,
    project_dir: Path | None,
) -> None:
    """Record a verdict on a claim in its register; the previous verdict is kept in `reviews`.

    The verdict carries a fingerprint of the claim's text and cited entries, so that
    `tracker check` reports it as stale when either changes. --quote and --locator go on the
    citation of --source (or on the claim's only citation).

    Example: tracker review sve-2d1a3f --verdict supported --by "A. Reviewer" --quote "..."
    """
    from tracker.atomic import ConcurrentEditError
    from tracker.project import open_project
    from tracker.review import ReviewError, Verdict, record_review

    asked = Verdict(verdict, by, note, source, quote, locator)
    try:
        project = open_project(project_dir, allow_outside=allowed_outside())
        path = record_review(project, claim_id, asked, today())
    except (ReviewError, ConcurrentEditError) as err:
        raise UserError(str(err)) from err
    click.echo(f"{path}: {claim_id} {verdict} by {by}", err=True)
