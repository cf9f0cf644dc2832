"""`tracker check`: the audit of a project, or the writers' check of drafts."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from tracker.model import place
from tracker.outputs import ExitStatus, Tally

if TYPE_CHECKING:
    from tracker.drafts import Result

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
    from tracker.risk import LOW, at_least, by_risk

    if update_baseline and baseline is None:
        raise UserError("--update-baseline needs --baseline FILE to write")
    fmt = output_format(fmt, output, SUFFIXES, "text")
    if documents and retractions is not None:
        raise UserError(
            "--retractions applies to the audit of the whole project, whose sources it checks; "
            "the writers' check of documents reads none - leave out the documents or the option"
        )
    floor = Severity(min_level).rank
    every = floor == Severity.INFO.rank and min_risk == LOW  # every finding is shown
    # JSON of every finding in place order takes unchanged pages' findings as the cache
    # keeps them, rendered as it writes them.
    as_stored = fmt == "json" and every and order == "place" and baseline is None
    checking = (
        checked_drafts(documents, project_dir, jobs, not no_cache)
        if documents
        else checked_project(project_dir, retractions, jobs, not no_cache, as_stored)
    )
    # The findings stream from the checks to the output: memory holds one document's.
    with checking as checked:
        shown: Iterable[Any] = checked.findings
        if not every:
            shown = (f for f in shown if f.severity.rank >= floor and at_least(f, min_risk))
        if order == "risk":
            shown = by_risk(list(shown))
        if update_baseline and baseline is not None:
            from tracker.baseline import write_baseline

            kept = list(shown)
            write_baseline(baseline, kept)
            click.echo(f"{baseline}: {len(kept)} findings recorded", err=True)
            return
        unexcused = None
        if baseline is not None:
            from tracker.baseline import Unexcused, load_baseline

            shown = unexcused = Unexcused(shown, load_baseline(baseline))
        tally = Tally(shown)
        colour = fmt == "text" and output is None and wants_colour()
        emit(render_findings(fmt, tally, checked.summary, project_dir, colour), output)
    if fmt != "json":
        click.echo(summary_line(tally, unexcused.hidden if unexcused else 0), err=True)
    if tally.at_least(Severity(fail_on)) and not no_exit:
        sys.exit(ExitStatus.ERRORS_FOUND)


def render_findings(
    fmt: str,
    findings: Tally,
    summary: Callable[[], dict[str, int]],
    project_dir: Path | None,
    colour: bool = False,
) -> str | Iterator[str] | Iterator[bytes]:
    """Return the findings in the format --format names: text and JSON (UTF-8 encoded) part
    by part, as the findings come; the other formats need them all first."""
    from tracker import outputs

    if fmt == "json":
        return outputs.json_chunks(findings, lambda: summary() | findings.counts)
    if fmt == "text":
        return outputs.text_chunks(findings, colour)
    from tracker import integrations  # XML and SARIF writers: only for these formats

    if fmt == "github":
        return integrations.findings_github(list(findings))
    from tracker.checks.registry import CHECKS, DOCUMENT_CHECKS
    from tracker.config import find_root

    if fmt == "junit":
        return integrations.findings_junit(list(findings), CHECKS + DOCUMENT_CHECKS)
    root = find_root(project_dir or Path.cwd())
    return integrations.findings_sarif(list(findings), CHECKS + DOCUMENT_CHECKS, root)


@dataclass
class Checked:
    """The findings of a check as they come, and its summary, complete once they are read."""

    findings: Iterable[Any]
    summary: Callable[[], dict[str, int]]


@contextmanager
def checked_project(
    project_dir: Path | None,
    retractions: Path | None,
    jobs: int,
    cached: bool,
    rendered: bool = False,
) -> Iterator[Checked]:
    """Audit the whole project, with the pages no register covers checked as drafts.

    The project's own checks run in this process while worker processes check the pages;
    the findings come in order of file, line, column and check, and with rendered, those of
    a page that no finding of the project's falls among come as that page's RenderedFindings.
    """
    from tracker.drafts import Context, stream_documents
    from tracker.paths import display_paths

    project = load(project_dir, cached)
    found = project.unregistered_documents()
    # In the order of the names their findings carry, so that they merge in order.
    names, pages = _sorted_by_name(display_paths(found, project.root), found)
    context = Context(
        project.root,
        project.config,
        project.bibliography.sources,
        project.config.path("claims"),
        project.digest,
    )
    audited: list[Any] = []
    with project_cache(project.root, cached) as cache:
        stream = stream_documents(
            pages,
            context,
            cache,
            jobs,
            _checking,
            alongside=lambda: audited.extend(project_findings(project, retractions, cache)),
            names=names,
            rendered=rendered,
        )
        results = iter(stream)
        # The workers start with the first result, and the project's own checks run meanwhile.
        first = next(results, None)
        documents = itertools.chain([first] if first else [], results)
        findings = merged(sorted(audited, key=place), documents, rendered)

        def summary() -> dict[str, int]:
            return {
                "documents": len(project.registers) + len(pages),
                "claims": sum(1 for _ in project.claims()) + stream.claims,
                "sources": len(project.bibliography.sources),
            }

        yield Checked(findings, summary)


def _sorted_by_name(names: list[str], paths: list[Path]) -> tuple[list[str], list[Path]]:
    pairs = sorted(zip(names, paths, strict=True))
    return [name for name, _ in pairs], [path for _, path in pairs]


def merged(project: list[Any], documents: Iterable[Result], rendered: bool) -> Iterator[Any]:
    """Yield the project's findings (in order of place) merged with each document's findings
    (in order of place), as heapq.merge would, the project's first where places tie.

    A document's findings all stand at its own name, and few of the project's do: most
    documents' findings go out as a whole, without a comparison each, and with rendered, as
    their RenderedFindings."""
    pending = [(place(finding), finding) for finding in reversed(project)]  # next one last
    for result in documents:
        last = result.rendered.last
        if last is None:
            continue
        if not pending or last < pending[-1][0]:
            if rendered:
                yield result.rendered
            else:
                yield from result.findings
            continue
        for finding in result.findings:
            where = place(finding)
            while pending and pending[-1][0] <= where:
                yield pending.pop()[1]
            yield finding
    yield from (finding for _, finding in reversed(pending))


@contextmanager
def checked_drafts(
    documents: tuple[Path, ...], project_dir: Path | None, jobs: int, cached: bool
) -> Iterator[Checked]:
    """Check drafts against what the project (if any) already cites; unreadable ones too."""
    from tracker.config import find_root, load_config
    from tracker.drafts import Context, stream_documents
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
        stream = stream_documents(paths, context, cache, jobs, _checking)

        def summary() -> dict[str, int]:
            return {
                "documents": len(paths),
                "claims": stream.claims,
                "sources": len(context.sources),
            }

        yield Checked((f for result in stream for f in result.findings), summary)


def _checking(paths: list[Path]) -> Any:
    return progressing(paths, "Checking documents")
