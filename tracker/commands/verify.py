"""`tracker verify` and `tracker add`: the two commands that use the network, when asked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker.commands.common import (
    UserError,
    emit,
    load,
    progressing,
    project_option,
    run_audit,
    today,
    user_errors,
    wants_colour,
)
from tracker.outputs import ExitStatus

# The checks that report what verification found.
VERIFY_CHECKS = (
    "sources.not_found",
    "sources.metadata_mismatch",
    "sources.retracted",
    "sources.lookup_failed",
    "sources.evidence_conflict",
)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--refresh", is_flag=True, help="Look every source up again, stored or not.")
@click.option("--offline", is_flag=True, help="Use the stored results only; no network.")
@project_option
@user_errors
def verify(fmt: str, refresh: bool, offline: bool, project_dir: Path | None) -> None:
    """Look every source up in Crossref, PubMed and OpenAlex, and say what does not hold.

    Sources are looked up by DOI and PMID (or, with neither, by title) and the results are
    stored in sources/verification.json, which `check`, `report` and `export` read without
    network; a second run looks up only sources not verified yet (--refresh: all). Findings:
    a work no service knows (sources.not_found), an entry that differs from its record
    (sources.metadata_mismatch), a retraction or correction (sources.retracted), a look-up
    that failed (sources.lookup_failed). Abstracts become the sources' texts under sources/.

    Example: tracker verify --format json
    """
    from tracker.online.verify import verify_project
    from tracker.outputs import findings_json, findings_text, summary_line

    if refresh and offline:
        raise UserError("--refresh looks every source up again; --offline looks none up - pick one")
    project = load(project_dir, cached=False)
    run = verify_project(
        project,
        today(),
        refresh=refresh,
        offline=offline,
        watch=lambda sources: progressing(sources, "Verifying sources"),
    )
    project = load(project_dir, cached=False)  # with the stored results just written
    _, outcome = run_audit(project, None)
    findings = [f for f in outcome.findings if f.check in VERIFY_CHECKS]
    if fmt == "json":
        summary = {"sources": len(project.bibliography.sources), "requests": run.requests}
        text = findings_json(findings, summary)
        emit(_with_sources(text, project), None)
    else:
        emit(findings_text(findings, colour=wants_colour()), None)
        looked = f"{len(run.looked_up)} looked up, {run.requests} requests"
        click.echo(f"{summary_line(findings)} ({looked})", err=True)
        sources = project.bibliography.sources
        unverified = [k for k, s in sources.items() if not _verified(project, k, s)]
        if unverified:
            click.echo(
                f"{len(unverified)} of {len(sources)} sources not verified yet "
                f"({', '.join(unverified[:5])}{', ...' if len(unverified) > 5 else ''}) - "
                "run `tracker verify` without --offline to look them up",
                err=True,
            )
    if any(f.severity.value == "error" for f in findings):
        sys.exit(ExitStatus.ERRORS_FOUND)


def _verified(project: Any, key: str, source: Any) -> bool:
    result = project.verification.get(key)
    return result is not None and result.matches(source)


def _with_sources(text: str, project: Any) -> str:
    """Add the "sources" list to the findings object: each source's status, level, notice."""
    import orjson

    from tracker.checks.sources.retracted import recorded_notices
    from tracker.evidence import evidence_of
    from tracker.outputs import json_safe
    from tracker.retractions import weight

    payload = orjson.loads(text)
    rows = []
    for key, source in project.bibliography.sources.items():
        result = project.verification.get(key)
        usable = result is not None and result.matches(source)
        notices = recorded_notices(result) if usable and result.status == "found" else []
        main = max(notices, key=lambda n: (weight(n), n.date or "")) if notices else None
        rows.append(
            {
                "key": key,
                "status": result.status if usable else None,
                "checked": result.checked if usable else None,
                "evidence_level": evidence_of(source, result).level,
                "retraction": None
                if main is None
                else {
                    "nature": main.nature,
                    "date": main.date,
                    "notice": main.notice_doi or main.notice_pmid,
                },
            }
        )
    payload["sources"] = rows
    return json_safe(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode("utf-8")) + "\n"


@click.command()
@click.argument("identifiers", nargs=-1, required=True)
@project_option
@user_errors
def add(identifiers: tuple[str, ...], project_dir: Path | None) -> None:
    """Add BibTeX entries built from the records of DOIs or PMIDs to the bibliography.

    Each identifier (a DOI, doi.org link, PMID or PubMed link) is looked up (Crossref for a
    DOI, PubMed for a PMID) and appended as an entry with a key in the project's style; the
    rest of the file is left as it was. One the bibliography already has is refused, with
    its key.

    Example: tracker add 10.3390/ijms22052551 "PMID: 33807701"
    """
    from tracker.online.add import (
        AddError,
        already_there,
        append_entry,
        entry_text,
        fetch,
        identify,
    )
    from tracker.online.http import Client

    project = load(project_dir, cached=False)
    path = project.config.path("bibliography")
    if path.suffix.lower() in (".json", ".ris"):
        raise UserError(
            f"{path}: entries are added to BibTeX files - add it in your reference manager"
        )
    taken = set(project.bibliography.sources)
    added: dict[str, str] = {}  # the identifiers this run added, to their keys
    client = Client(contact=project.config.contact)
    failed = False
    try:
        for text in identifiers:
            try:
                kind, value = identify(text)
                record = fetch(client, kind, value)
                existing = already_there(project.bibliography, record) or next(
                    (added[name] for name in (record.doi, record.pmid) if name in added), None
                )
                if existing:
                    raise AddError(f"{text} is already in the bibliography as {existing}")
                key, entry = entry_text(record, taken)
            except AddError as error:
                click.echo(f"Error: {error}", err=True)
                failed = True
                continue
            append_entry(path, entry)
            taken.add(key)
            added |= {name: key for name in (record.doi, record.pmid) if name}
            click.echo(f"{path.name}: added {key} ({kind.upper()} {value})")
    finally:
        client.close()
    if failed:
        sys.exit(ExitStatus.USER_ERROR)
