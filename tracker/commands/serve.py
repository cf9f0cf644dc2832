"""`tracker serve`: the review app, on this machine unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.commands.common import UserError, project_option, user_errors

LOOPBACK_HOSTS = ("localhost",)


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address is this machine only."""
    import ipaddress  # only for this command: it costs every command's start

    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the app in the web browser.")
@project_option
@user_errors
def serve(host: str, port: int, open_browser: bool, project_dir: Path | None) -> None:
    """Start the review app: read each claim beside its source, record verdicts, anchor
    quotes, dismiss findings with a reason and approve documents, in a web browser.

    The registers stay the source of truth: every decision is written into them as the
    command line writes it (with history), so `tracker`, Git and the app work side by side.
    The app listens on 127.0.0.1 only; another --host makes it reachable from the network,
    where anyone who reaches it can record decisions, and prints a warning. Stop it with
    Ctrl+C.

    Example: tracker serve --open
    """
    import uvicorn

    from tracker.app.server import create_app
    from tracker.config import find_root

    start = project_dir or Path.cwd()
    root = find_root(start)
    if root is None:
        raise UserError(f"{start} is in no tracker project - run `tracker serve` in one, or -C it")
    if not is_loopback(host):
        click.echo(
            f"Warning: listening on {host}: anyone who can reach this address can read the "
            "project and record decisions - use it only on a network you trust",
            err=True,
        )
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"Review app for {root} at {address} (Ctrl+C stops it)", err=True)
    if open_browser:
        import webbrowser  # only for this command: it costs every command's start

        webbrowser.open_new_tab(address)
    uvicorn.run(create_app(root), host=host, port=port, log_level="warning")
