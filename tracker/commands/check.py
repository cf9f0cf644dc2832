"""`tracker check`: the audit of a project, or the writers' check of drafts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker.commands.common import (
    LEVEL_CHOICE,
    RISK_CHOICE,
    UserError,
    allowed_outside,
    cache_option,
    emit,
    expand_documents,
    jobs_option,
    load,
    output_format,
    progressing,
    project_cache,
    project_findings,
    project_option,
    retractions_option,
    user_errors,
    wants_colour,
)
from tracker.outputs import ExitStatus

FORMATS = ("text", "json", "sarif", "github", "junit")
# What an --output file's suffix says about the format, when --format does not say it.
SUFFIXES = {
    ".txt": "text",
    ".json": "json",
    ".sarif": "sarif",
    ".sarif.json": "sarif",
    ".xml": "junit",
}


@click.command()
@click.argument("documents", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="sarif for code scanning, github for workflow annotations, junit for test reports "
    "(default: from the --output suffix, else text).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write the findings to (default: standard output).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Show only the findings this baseline file does not hold.",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Write the shown findings to the --baseline file and exit 0.",
)
@click.option(
    "--min-level",
    type=LEVEL_CHOICE,
    default="info",
    show_default=True,
    help="Lowest severity shown.",
)
@click.option(
    "--fail-on",
    type=LEVEL_CHOICE,
    default="error",
    show_default=True,
    help="Lowest severity that fails the run.",
)
@click.option(
    "--min-risk",
    type=RISK_CHOICE,
    default="low",
    show_default=True,
    help="Lowest risk shown: high (disease claims, status misstatements, absolute safety, "
    "retracted or fabricated sources), medium, low.",
)
@click.option(
    "--sort",
    "order",
    type=click.Choice(["place", "risk"]),
    default="place",
    show_default=True,
    help="Order of the findings: by file and line, or the highest risk first.",
)
@click.option("--no-exit", is_flag=True, help="Exit with status 0 whatever is found.")
@jobs_option
@cache_option
@project_option
@retractions_option
@user_errors
def check(
    documents: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    baseline: Path | None,
    update_baseline: bool,
    min_level: str,
    fail_on: str,
    min_risk: str,
    order: str,
    no_exit: bool,
    jobs: int,
    no_cache: bool,
    project_dir: Path | None,
    retractions: Path | None,
) -> None:
    """Run the checks and print one finding per line.

    Without DOCUMENTS, audit the whole project: its registers, its bibliography, and the
    pages under its content folder that no register covers yet. With DOCUMENTS (drafts,
    pages not yet in the register; a folder stands for the documents in it), list the
    sentences that need a source and, for each, the source the team already cites for the
    same statement. Lines read `path:line:col: severity check.id: message`; the exit status
    is 1 when a finding at --fail-on level or above is shown. With --baseline FILE, only
    findings the baseline does not hold are shown; --update-baseline writes the shown
    findings to it instead. Results are cached in the project's .tracker-cache/ folder, so a
    second run redoes only what changed. Every finding has a risk grade (high, medium, low)
    that --min-risk filters by and --sort risk orders by.

    Example: tracker check --format sarif --output tracker.sarif --baseline .tracker-baseline.json
    """
    from tracker.model import Severity
    from tracker.outputs import summary_line
    from tracker.risk import at_least, by_risk

    if update_baseline and baseline is None:
        raise UserError("--update-baseline needs --baseline FILE to write")
    fmt = output_format(fmt, output, SUFFIXES, "text")
    if documents and retractions is not None:
        raise UserError(
            "--retractions applies to the audit of the whole project, whose sources it checks; "
            "the writers' check of documents reads none - leave out the documents or the option"
        )
    findings, summary = (
        check_drafts(documents, project_dir, jobs, not no_cache)
        if documents
        else check_project(project_dir, retractions, jobs, not no_cache)
    )
    floor = Severity(min_level).rank
    shown = [f for f in findings if f.severity.rank >= floor and at_least(f, min_risk)]
    if order == "risk":
        shown = by_risk(shown)
    if update_baseline and baseline is not None:
        from tracker.baseline import write_baseline

        write_baseline(baseline, shown)
        click.echo(f"{baseline}: {len(shown)} findings recorded", err=True)
        return
    hidden = 0
    if baseline is not None:
        from tracker.baseline import load_baseline, new_findings

        before = len(shown)
        shown = new_findings(shown, load_baseline(baseline))
        hidden = before - len(shown)
    colour = fmt == "text" and output is None and wants_colour()
    emit(render_findings(fmt, shown, summary, project_dir, colour), output)
    if fmt != "json":
        click.echo(summary_line(shown, hidden), err=True)
    failing = any(f.severity.rank >= Severity(fail_on).rank for f in shown)
    if failing and not no_exit:
        sys.exit(ExitStatus.ERRORS_FOUND)


def render_findings(
    fmt: str,
    findings: list[Any],
    summary: dict[str, int],
    project_dir: Path | None,
    colour: bool = False,
) -> str:
    """Return the findings in the format --format names."""
    from tracker import outputs

    if fmt == "json":
        return outputs.findings_json(findings, summary)
    if fmt == "text":
        return outputs.findings_text(findings, colour)
    from tracker import integrations  # XML and SARIF writers: only for these formats

    if fmt == "github":
        return integrations.findings_github(findings)
    from tracker.checks import CHECKS, DOCUMENT_CHECKS
    from tracker.config import find_root

    if fmt == "junit":
        return integrations.findings_junit(findings, CHECKS + DOCUMENT_CHECKS)
    root = find_root(project_dir or Path.cwd())
    return integrations.findings_sarif(findings, CHECKS + DOCUMENT_CHECKS, root)


def check_project(
    project_dir: Path | None, retractions: Path | None, jobs: int, cached: bool
) -> tuple[list[Any], dict[str, int]]:
    """Audit the whole project, with the pages no register covers checked as drafts.

    The project's own checks run in this process while worker processes check the pages.
    """
    from tracker.drafts import Context, check_documents

    project = load(project_dir, cached)
    pages = project.unregistered_documents()
    context = Context(
        project.root,
        project.config,
        project.bibliography.sources,
        project.config.path("claims"),
        project.digest,
    )
    audited: list[Any] = []
    with project_cache(project.root, cached) as cache:
        run = check_documents(
            pages,
            context,
            cache,
            jobs,
            _checking,
            alongside=lambda: audited.extend(project_findings(project, retractions, cache)),
        )
    findings = sorted(audited + run.findings, key=lambda f: (f.path, f.line, f.col, f.check))
    summary = {
        "documents": len(project.registers) + len(pages),
        "claims": sum(1 for _ in project.claims()) + run.claims,
        "sources": len(project.bibliography.sources),
    }
    return findings, summary


def check_drafts(
    documents: tuple[Path, ...], project_dir: Path | None, jobs: int, cached: bool
) -> tuple[list[Any], dict[str, int]]:
    """Check drafts against what the project (if any) already cites; unreadable ones too."""
    from tracker.config import find_root, load_config
    from tracker.drafts import Context, check_documents
    from tracker.project import bibliography_and_digest, project_digest

    paths = expand_documents(documents)
    root = find_root(project_dir or Path.cwd())
    config = load_config(root, allowed_outside()) if root else None
    with project_cache(root, cached) as cache:
        if config is None:
            context = Context(None, None, {}, None)
        else:
            bibliography, state = bibliography_and_digest(config, cache)
            context = Context(
                root,
                config,
                bibliography.sources,
                config.path("claims"),
                project_digest(config, state),
            )
        run = check_documents(paths, context, cache, jobs, _checking)
    summary = {"documents": len(paths), "claims": run.claims, "sources": len(context.sources)}
    return run.findings, summary


def _checking(paths: list[Path]) -> Any:
    return progressing(paths, "Checking documents")
