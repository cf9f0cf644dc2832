"""The `tracker` command: a thin layer over the library.

User errors print `Error: ...` and exit with status 2; error-level findings exit with 1;
anything else is a bug, shown with its traceback under --debug.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from tracker.commands.common import (
    LEVEL_CHOICE,
    UserError,
    audit,
    audit_outcome,
    progress,
    project_option,
    retractions_option,
    today,
    user_errors,
)
from tracker.commands.export import export
from tracker.commands.import_matrix import import_matrix
from tracker.commands.review import review
from tracker.outputs import ExitStatus


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claims-tracker")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Track the claims of health copy and the sources that support them."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument(
    "documents", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--write", is_flag=True, help="Merge the claims into claims/<document>.yaml.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@project_option
@user_errors
def extract(documents: tuple[Path, ...], write: bool, fmt: str, project_dir: Path | None) -> None:
    """Find the claims of documents, their citation markers and the sources they resolve to.

    Without a project, references are left unresolved. With --write, the claims are merged
    into the register: fields a person wrote are kept, vanished claims are marked.

    Example: tracker extract content/secretome-vs-exosomes.txt --format json
    """
    from tracker.config import ProjectError, find_root, load_config
    from tracker.extract import extract as extract_document
    from tracker.outputs import extraction_dict, extraction_text
    from tracker.project import open_bibliography
    from tracker.readers import ReaderError

    root = find_root(project_dir or Path.cwd())
    if root is None and write:
        raise ProjectError("--write needs a claims project - run inside one or pass -C FOLDER")
    config = load_config(root) if root else None
    sources = open_bibliography(config).sources if config else {}
    results, failures = [], []
    with progress(documents, "Extracting") as bar:
        for document in bar:
            try:
                results.append(extract_document(document, sources, root))
            except ReaderError as err:
                failures.append(str(err))
    if fmt == "json" and results:
        payload: Any = [extraction_dict(r, sources) for r in results]
        click.echo(
            json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False)
        )
    else:
        for result in results:
            click.echo(extraction_text(result, sources), nl=False)
    if write and config:
        for result in results:
            write_register(config.path("claims"), result)
    if failures:
        raise UserError("\n".join(failures))


def write_register(folder: Path, result: Any) -> None:
    """Merge one extraction into its register file and say what changed."""
    from tracker.atomic import write_atomic
    from tracker.register import merge_register

    path = folder / f"{Path(result.document.path).stem}.yaml"
    existing = path.read_text(encoding="utf-8-sig") if path.exists() else None
    merged = merge_register(
        existing, result.document, result.claims, today(), display_path=str(path)
    )
    if merged.text != existing:
        write_atomic(path, merged.text)
    click.echo(
        f"{path}: {len(merged.added)} added, {len(merged.updated)} updated, "
        f"{len(merged.vanished)} vanished, {len(merged.restored)} restored",
        err=True,
    )


@cli.command()
@click.argument("documents", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github", "junit"]),
    default="text",
    show_default=True,
    help="sarif for code scanning, github for workflow annotations, junit for test reports.",
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
@click.option("--no-exit", is_flag=True, help="Exit with status 0 whatever is found.")
@project_option
@retractions_option
@user_errors
def check(
    documents: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    baseline: Path | None,
    update_baseline: bool,
    min_level: str,
    fail_on: str,
    no_exit: bool,
    project_dir: Path | None,
    retractions: Path | None,
) -> None:
    """Run the checks and print one finding per line.

    Without DOCUMENTS, audit the whole project. With DOCUMENTS (drafts, pages not yet in the
    register), list the sentences that need a source and, for each, the source the team
    already cites for the same statement. Lines read `path:line:col: check.id: message`;
    the exit status is 1 when a finding at --fail-on level or above is shown. With
    --baseline FILE, only findings the baseline does not hold are shown; --update-baseline
    writes the shown findings to it instead.

    Example: tracker check --format sarif --output tracker.sarif --baseline .tracker-baseline.json
    """
    from tracker.model import Severity
    from tracker.outputs import summary_line

    if update_baseline and baseline is None:
        raise UserError("--update-baseline needs --baseline FILE to write")
    findings, summary = (
        check_documents(documents, project_dir)
        if documents
        else check_project(project_dir, retractions)
    )
    floor = Severity(min_level).rank
    shown = [f for f in findings if f.severity.rank >= floor]
    if update_baseline and baseline is not None:
        from tracker.baseline import write_baseline

        write_baseline(baseline, shown)
        click.echo(f"{baseline}: {len(shown)} findings recorded", err=True)
        return
    if baseline is not None:
        from tracker.baseline import load_baseline, new_findings

        shown = new_findings(shown, load_baseline(baseline))
    emit(render_findings(fmt, shown, summary, project_dir), output)
    if fmt != "json":
        click.echo(summary_line(shown), err=True)
    failing = any(f.severity.rank >= Severity(fail_on).rank for f in shown)
    if failing and not no_exit:
        sys.exit(ExitStatus.ERRORS_FOUND)


def render_findings(
    fmt: str, findings: list[Any], summary: dict[str, int], project_dir: Path | None
) -> str:
    """Return the findings in the format --format names."""
    from tracker import integrations, outputs
    from tracker.checks import CHECKS, DOCUMENT_CHECKS
    from tracker.config import find_root

    if fmt == "json":
        return outputs.findings_json(findings, summary)
    if fmt == "sarif":
        root = find_root(project_dir or Path.cwd())
        return integrations.findings_sarif(findings, CHECKS + DOCUMENT_CHECKS, root)
    if fmt == "github":
        return integrations.findings_github(findings)
    if fmt == "junit":
        return integrations.findings_junit(findings, CHECKS + DOCUMENT_CHECKS)
    return outputs.findings_text(findings)


def emit(text: str, output: Path | None) -> None:
    """Print text, or write it to the --output file in one step."""
    if output is None:
        click.echo(text, nl=False)
    else:
        from tracker.atomic import write_atomic

        write_atomic(output, text)


def check_project(
    project_dir: Path | None, retractions: Path | None
) -> tuple[list[Any], dict[str, int]]:
    """Audit the whole project."""
    project, _, findings = audit(project_dir, retractions)
    summary = {
        "documents": len(project.registers),
        "claims": sum(1 for _ in project.claims()),
        "sources": len(project.bibliography.sources),
    }
    return findings, summary


def check_documents(
    documents: tuple[Path, ...], project_dir: Path | None
) -> tuple[list[Any], dict[str, int]]:
    """Check drafts against what the project (if any) already cites; unreadable ones too."""
    from tracker.checks import run_document_checks
    from tracker.checks.document.base import DocumentAudit
    from tracker.config import find_root, load_config
    from tracker.extract import display_path
    from tracker.extract import extract as extract_document
    from tracker.project import open_bibliography
    from tracker.readers import ReaderError
    from tracker.similar import ClaimMatcher, known_claims

    root = find_root(project_dir or Path.cwd())
    config = load_config(root) if root else None
    sources = open_bibliography(config).sources if config else {}
    matcher = ClaimMatcher(known_claims(config.path("claims")) if config else [])
    bibliography = config.bibliography if config else "the bibliography (no project found)"
    findings: list[Any] = []
    claims = 0
    for document in documents:
        audit = DocumentAudit(display_path(document, root), None, sources, matcher, bibliography)
        try:
            audit.extraction = extract_document(document, sources, root)
            claims += len(audit.extraction.claims)
        except ReaderError as err:
            audit.error = str(err)
        findings.extend(run_document_checks(audit, config))
    return findings, {"documents": len(documents), "claims": claims, "sources": len(sources)}


@cli.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the reports (default: the project's reports/).",
)
@project_option
@retractions_option
@user_errors
def report(output: Path | None, project_dir: Path | None, retractions: Path | None) -> None:
    """Write the evidence report as reports/evidence.html and reports/evidence.md.

    Example: tracker report && open reports/evidence.html
    """
    from tracker.report import build_view, write_reports

    project, graph, outcome = audit_outcome(project_dir, retractions)
    view = build_view(project, graph, outcome.findings, today(), outcome.suppressed)
    for path in write_reports(view, output or project.config.path("reports")):
        click.echo(str(path))


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["graphml", "json"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@project_option
@user_errors
def graph(fmt: str, output: Path | None, project_dir: Path | None) -> None:
    """Export the graph of documents, claims and sources.

    Example: tracker graph --format graphml --output claims.graphml
    """
    from tracker.graph import build_graph, export
    from tracker.project import open_project

    text = export(build_graph(open_project(project_dir)), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        from tracker.atomic import write_atomic

        write_atomic(output, text)


def main() -> None:
    """Run the command line, showing unexpected errors briefly unless --debug is given."""
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
cli.add_command(review)
cli.add_command(export)
cli.add_command(import_matrix)
