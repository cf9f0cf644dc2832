"""The review app's web server: routes, forms, CSRF protection and conflict detection.

Every page is read fresh from the project folder, so a change made with the command line or
Git shows at the next page load; every form post is a decision recorded through
tracker.decisions under the register's lock. Each form works as a plain HTML post without
JavaScript; a save over a decision made meanwhile by someone else is refused with both
versions shown, and the reviewer's entry is kept in the form.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tracker.app.views import (
    claim_view,
    decisions_fingerprint,
    document_view,
    overview_view,
)
from tracker.app.workspace import Workspace
from tracker.decisions import (
    DecisionError,
    anchor_quote,
    approve_document,
    dismiss_finding,
    record_verdict,
)
from tracker.model import Claim, Finding, Register
from tracker.project import Project
from tracker.render import render
from tracker.review import Verdict

CSRF_COOKIE = "tracker_csrf"
REVIEWER_COOKIE = "tracker_reviewer"
MAX_FIELD = 20_000  # characters of one form field: a quote is a passage, not a paper
SAVED = {
    "verdict": "Verdict saved.",
    "quote": "Quote saved.",
    "dismissal": "Finding dismissed.",
    "approval": "Document approved.",
}


def create_app(root: Path) -> Starlette:
    """Return the review app over the project at or above root."""
    workspace = Workspace(root, secrets.token_urlsafe(32))

    async def overview(request: Request) -> Response:
        project, findings = workspace.snapshot()
        return page(request, workspace, "app/overview.html.j2", overview_view(project, findings))

    async def document(request: Request) -> Response:
        project, findings = workspace.snapshot()
        register = find_register(project, request.path_params["register"])
        if register is None:
            return not_found(request, workspace, "no such register in the project")
        view = document_view(project, register, findings)
        return page(request, workspace, "app/document.html.j2", view)

    async def claim(request: Request) -> Response:
        project, findings = workspace.snapshot()
        found = project.claim_index.get(request.path_params["claim_id"])
        if found is None:
            return not_found(request, workspace, "no claim with this id in the project")
        return claim_page(request, workspace, project, found, findings)

    async def post(request: Request) -> Response:
        form = await request.form()
        refusal = refused(request, form, workspace)
        if refusal is not None:
            return refusal
        return decide(request, workspace, form)

    routes = [
        Route("/", overview),
        Route("/document/{register:path}", document),
        Route("/claim/{claim_id}", claim),
        Route("/claim/{claim_id}/{action}", post, methods=["POST"]),
        Route("/approve/{register:path}", post, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def decide(request: Request, workspace: Workspace, form: FormData) -> Response:
    """Record the decision a form posts, or show the page again with what went wrong."""
    project, findings = workspace.snapshot()
    values = {k: str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}
    by = values.get("reviewer", "")
    if "register" in request.path_params:
        register_path = request.path_params["register"]
        try:
            approve_document(project, register_path, by, findings)
            workspace.decided("", "approval", values, date.today().isoformat())
        except DecisionError as error:
            register = find_register(project, register_path)
            if register is None:
                return not_found(request, workspace, "no such register in the project")
            view = document_view(project, register, findings) | {"error": str(error)}
            return page(request, workspace, "app/document.html.j2", view, 400)
        target = f"/document/{quote(register_path)}?saved=approval"
        return remember(RedirectResponse(target, status_code=303), by)
    claim_id, action = request.path_params["claim_id"], request.path_params["action"]
    found = project.claim_index.get(claim_id)
    if found is None or action not in SAVED:
        return not_found(request, workspace, "no such claim or action")
    register, claim = found
    if action != "dismissal" and values.get("seen") != decisions_fingerprint(claim):
        message = (
            "Someone saved a decision on this claim after you opened it: their decision is "
            "shown below, and your entry is kept in the form - check it and save again."
        )
        return claim_page(request, workspace, project, found, findings, message, values, 409)
    try:
        record(project, claim, action, values)
    except DecisionError as error:
        return claim_page(request, workspace, project, found, findings, str(error), values, 400)
    workspace.decided(claim_id, action, values, date.today().isoformat())
    target = f"/claim/{quote(claim_id)}?saved={action}"
    return remember(RedirectResponse(target, status_code=303), by)


def record(project: Project, claim: Claim, action: str, values: dict[str, str]) -> None:
    by = values.get("reviewer", "")
    if action == "verdict":
        verdict = Verdict(values.get("verdict", ""), by, values.get("note") or None)
        record_verdict(project, claim.id, verdict, date.today().isoformat())
    elif action == "quote":
        key = values.get("key") or None
        anchor_quote(project, claim.id, key, values.get("quote", ""), values.get("locator", ""), by)
    else:
        dismiss_finding(project, claim.id, values.get("check", ""), values.get("reason", ""), by)


def claim_page(
    request: Request,
    workspace: Workspace,
    project: Project,
    found: tuple[Register, Claim],
    findings: list[Finding],
    error: str | None = None,
    entered: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    register, claim = found
    view = claim_view(project, register, claim, findings)
    view |= {"error": error, "entered": entered or {}}
    return page(request, workspace, "app/claim.html.j2", view, status)


def page(
    request: Request, workspace: Workspace, template: str, view: dict[str, Any], status: int = 200
) -> Response:
    """Render a page with what every page needs: the CSRF token, the reviewer's name, the
    message of the last save, and a nonce for its one script."""
    nonce = secrets.token_urlsafe(16)
    saved = SAVED.get(request.query_params.get("saved", ""))
    common = {
        "csrf": workspace.token,
        "reviewer": request.cookies.get(REVIEWER_COOKIE, ""),
        "saved": saved,
        "nonce": nonce,
        "error": view.get("error"),
    }
    response = HTMLResponse(render(template, {**view, **common}), status_code=status)
    response.set_cookie(CSRF_COOKIE, workspace.token, httponly=True, samesite="strict")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def refused(request: Request, form: FormData, workspace: Workspace) -> Response | None:
    """Refuse a post without this server's CSRF token in both cookie and form, or from a page
    of another origin."""
    sent = str(form.get("csrf", ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    origin = request.headers.get("origin")
    foreign = origin is not None and urlsplit(origin).netloc != request.headers.get("host")
    valid = hmac.compare_digest(sent, workspace.token) and hmac.compare_digest(
        cookie, workspace.token
    )
    if valid and not foreign:
        return None
    message = "This form is stale or did not come from this app - reload the page and try again."
    return HTMLResponse(render("app/message.html.j2", {"message": message}), status_code=403)


def remember(response: Response, reviewer: str) -> Response:
    """Keep the reviewer's name for the next form (a cookie of this app only)."""
    if reviewer.strip():
        response.set_cookie(
            REVIEWER_COOKIE, reviewer.strip()[:200], httponly=True, samesite="strict"
        )
    return response


def find_register(project: Project, path: str) -> Register | None:
    return next((r for r in project.registers if r.path == path), None)


def not_found(request: Request, workspace: Workspace, message: str) -> Response:
    return page(request, workspace, "app/message.html.j2", {"message": message}, 404)
